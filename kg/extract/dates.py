"""Date expressions in news text to ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.

Explicit dates ("2 December 2004", "August 2010", "2014") are read as written; relative ones
("yesterday", "on Thursday", "last year", "last March") are resolved against the article's
publication date, and left out when it is not known.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["resolve_date"]

MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_PATTERNS = [
    re.compile(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!\s*(?:%|percent|million|billion|bn|m\b))", re.I),
    re.compile(rf"\b(?P<rel>last|this|next|early|late|mid|earlier this|later this)?[\s-]*{_MONTH}\b", re.I),
    re.compile(rf"\b{_YEAR}\b"),
]


def _shift_month(d: date, months: int) -> tuple[int, int]:
    n = d.year * 12 + d.month - 1 + months
    return n // 12, n % 12 + 1


def _relative(text: str, published: date, future: bool) -> str | None:
    t = text.lower()
    if re.search(r"\byesterday\b", t):
        return (published - timedelta(days=1)).isoformat()
    if re.search(r"\btoday\b|\btonight\b|\bthis (?:morning|afternoon|evening)\b", t):
        return published.isoformat()
    if re.search(r"\btomorrow\b", t):
        return (published + timedelta(days=1)).isoformat()
    m = re.search(r"\b(last|this|next|earlier this|later this)\s+(year|month|week|quarter)\b", t)
    if m:
        which, unit = m.groups()
        step = {"last": -1, "next": 1}.get(which, 0)
        if unit == "year":
            return str(published.year + step)
        if unit == "month":
            y, mo = _shift_month(published, step)
            return f"{y:04d}-{mo:02d}"
        if unit == "week":
            d = published + timedelta(days=7 * step)
            return f"{d.year:04d}-{d.month:02d}"
        return str(published.year) if step == 0 else None
    m = re.search(r"\b(last|next|this)?\s*(" + "|".join(WEEKDAYS) + r")\b", t)
    if m:
        which, day = m.groups()
        delta = (published.weekday() - WEEKDAYS[day]) % 7
        if which == "next" or (future and which != "last"):
            ahead = (WEEKDAYS[day] - published.weekday()) % 7
            if which == "next" and ahead == 0:
                ahead = 7  # "next Monday" said on a Monday; a bare "on Monday" is the day itself

            return (published + timedelta(days=ahead)).isoformat()
        if which == "last" and delta == 0:
            delta = 7
        return (published - timedelta(days=delta)).isoformat()
    return None


def resolve_date(text: str, published: date | None = None, *, future: bool = False) -> str | None:
    """Return an ISO date string as precise as `text` allows, or None.

    `published` is the article's publication date, against which relative expressions and
    dates without a year are resolved; `future` says the event lies ahead (a bare weekday or
    month then means the next one rather than the last).

    Example:
        >>> resolve_date("August 2010")
        '2010-08'
        >>> resolve_date("on 2 December 2004")
        '2004-12-02'
        >>> resolve_date("in 2014")
        '2014'
        >>> resolve_date("last year", date(2015, 1, 16))
        '2014'
        >>> resolve_date("yesterday", date(2015, 1, 16))
        '2015-01-15'
        >>> resolve_date("on Thursday", date(2015, 1, 16))
        '2015-01-15'
        >>> resolve_date("said on Monday it will", date(2024, 6, 17), future=True)  # a Monday
        '2024-06-17'
        >>> resolve_date("last March", date(2005, 1, 10))
        '2004-03'
        >>> resolve_date("yesterday") is None
        True
        >>> resolve_date("a few months", date(2015, 1, 16)) is None
        True
    """
    if not text:
        return None
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        g = m.groupdict()
        if g.get("iso"):
            return g["iso"]
        year = int(g["year"]) if g.get("year") else None
        month = MONTHS[g["month"].lower()] if g.get("month") else None
        day = int(g["day"]) if g.get("day") else None
        if day is not None and not 1 <= day <= 31:
            continue
        if year and month and day:
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                return f"{year:04d}-{month:02d}"
        if year and month:
            return f"{year:04d}-{month:02d}"
        if month and not year:
            if published is None:
                return None
            rel = (g.get("rel") or "").lower()
            y = published.year
            if rel == "last" or (rel not in ("next", "this") and not future):
                if month > published.month or (rel == "last" and month == published.month):
                    y -= 1
            elif (rel == "next" or future) and month < published.month:
                y += 1
            if day:
                try:
                    return date(y, month, day).isoformat()
                except ValueError:
                    return f"{y:04d}-{month:02d}"
            return f"{y:04d}-{month:02d}"
        if year:
            return str(year)
    if published is not None:
        return _relative(text, published, future)
    return None
