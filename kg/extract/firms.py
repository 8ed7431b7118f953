"""Listed companies from a maintained package (pytickersymbols): names, Wikipedia links, ISINs.

pytickersymbols ships, offline, the members of the main stock indices (about 1,800 firms; most
with an English or German Wikipedia link). `lookup_firm(name)` finds one by its name, with
case, a leading "the" and legal suffixes ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.extract.entities import normalise_name
from kg.extract.gazetteer import fold

__all__ = ["KnownFirm", "fold_firm_name", "lookup_firm"]


@dataclass(frozen=True, slots=True)
class KnownFirm:
    """A listed company the gazetteer knows."""

    name: str
    link: str | None = None
    isin: str | None = None


#: Last words a firm is often named without ("Toyota Motor" → "Toyota").
_TAILS = frozenset(
    {
        "motor",
        "motors",
        "electric",
        "electronics",
        "technologies",
        "technology",
        "systems",
        "communications",
        "industries",
        "international",
        "corporation",
        "company",
        "holdings",
    }
)


def fold_firm_name(name: str) -> str:
    """A firm's name for look-ups: case, accents, a leading "the" and legal suffixes dropped.

    Example:
        >>> fold_firm_name("The Nestlé, S.A.")
        'nestle'
    """
    return fold(normalise_name(name.replace(",", " ")))


@lru_cache(maxsize=1)
def _table() -> dict[str, KnownFirm]:
    try:
        from pytickersymbols import PyTickerSymbols
    except ImportError:  # pragma: no cover - a declared dependency
        return {}
    table: dict[str, KnownFirm] = {}
    clash: set[str] = set()
    for stock in PyTickerSymbols().get_all_stocks():
        name = (stock.get("name") or "").strip()
        if not name:
            continue
        link = (stock.get("metadata") or {}).get("wikipedia_url") or None
        isins = stock.get("isins") or []
        firm = KnownFirm(name, link, isins[0] if isins else None)
        full = fold_firm_name(name)
        words = full.split()
        short = " ".join(words[:-1]) if len(words) > 1 and words[-1] in _TAILS else full
        for key in dict.fromkeys((full, short)):  # "Toyota Motor" is "Toyota" too
            if len(key) < 3:
                continue
            old = table.get(key)
            if old is not None and old.link != firm.link:
                if old.link and firm.link:
                    clash.add(key)  # two firms of one name: keep neither
                elif firm.link:
                    table[key] = firm
                continue
            table[key] = firm
    for key in clash:
        table.pop(key, None)
    return table


def lookup_firm(name: str) -> KnownFirm | None:
    """Return the listed company called `name`, or None.

    Example:
        >>> lookup_firm("Microsoft Corp.").link
        'https://en.wikipedia.org/wiki/Microsoft'
        >>> lookup_firm("the Oracle Corporation").name
        'Oracle Corporation'
        >>> lookup_firm("Nordwind Outdoor") is None
        True
    """
    return _table().get(fold_firm_name(name))
