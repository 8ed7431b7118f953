"""Date expressions of kg.extract.dates."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract.dates import resolve_date

PUB = date(2015, 1, 16)  # a Friday


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("2 December 2004", None, "2004-12-02"),
        ("December 2, 2004", None, "2004-12-02"),
        ("September 2015", None, "2015-09"),
        ("in 2007", None, "2007"),
        ("2014-05-02", None, "2014-05-02"),
        ("last year", PUB, "2014"),
        ("next year", PUB, "2016"),
        ("last month", PUB, "2014-12"),
        ("yesterday", PUB, "2015-01-15"),
        ("on Thursday", PUB, "2015-01-15"),
        ("last Friday", PUB, "2015-01-09"),
        ("last March", PUB, "2014-03"),
        ("June 6", PUB, "2014-06-06"),
        ("yesterday", None, None),
        ("on Thursday", None, None),
        ("a few months", PUB, None),
    ],
)
def test_dates_resolve_date(text: str, published: date | None, expected: str | None) -> None:
    assert resolve_date(text, published) == expected


def test_dates_future_weekday_is_the_next_one() -> None:
    assert resolve_date("on Thursday", PUB, future=True) == "2015-01-22"
    assert resolve_date("June 6", PUB, future=True) == "2015-06-06"
