"""The records' value contract: frozen, equal by value, hashable, JSON round trip."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date

import pytest

from kg.model import ROLES, Article, Event, EventType, Extraction, Kind, Status


def test_model_records_are_frozen(article):
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.title = "other"  # type: ignore[misc]


def test_model_equality_and_hash(extraction):
    copy = Extraction.from_json(extraction.to_json())
    assert copy == extraction
    assert hash(copy) == hash(extraction)
    assert len({copy, extraction}) == 1


def test_model_json_round_trip_keeps_dates():
    a = Article("x.txt", "T", "B", published=date(2015, 1, 15))
    assert Extraction.from_json(Extraction(a).to_json()).article.published == date(2015, 1, 15)


def test_model_pickle(extraction):
    assert pickle.loads(pickle.dumps(extraction)) == extraction


def test_model_full_text_offsets(article):
    assert article.full_text.startswith(article.title + "\n\n")
    assert article.full_text.endswith(article.text)


def test_model_sentence_text(extraction):
    assert extraction.sentence_text(1) == "Acme Inc. will enter Brazil next year."
    assert extraction.sentence_text(99) == ""


def test_model_empty_id_rejected():
    with pytest.raises(ValueError, match="non-empty id"):
        Article("", "T", "B")


@pytest.mark.parametrize("confidence", [-0.1, 1.01])
def test_model_confidence_range(confidence):
    with pytest.raises(ValueError, match="confidence"):
        Event(EventType.LAWSUIT, (("defendant", "firm/a"),), confidence=confidence)


def test_model_unknown_role_names_the_choices():
    with pytest.raises(ValueError, match="unknown role 'buyer'.*acquirer"):
        Event(EventType.ACQUISITION, (("buyer", "firm/a"),))


def test_model_enums_are_ontology_names():
    assert EventType.MARKET_ENTRY == "MarketEntry"
    assert Status.RUMOURED == "rumoured"
    assert Kind.COUNTRY.is_place and not Kind.FIRM.is_place
    assert set(ROLES) == set(EventType)
