"""Event rules of kg.extract on hand-built Docs (no model): roles, status, negation, merging."""

from __future__ import annotations

from datetime import date

import spacy
from spacy.tokens import Doc

from kg.extract.entities import resolve_entities
from kg.extract.events import CONFIDENCE, extract_events, subject_keyword
from kg.model import EventType, Status


def make_doc(rows: list[tuple[str, str, str, int, str, str, str]]) -> Doc:
    """A parsed Doc from rows of (word, pos, tag, head offset, dep, lemma, IOB entity)."""
    nlp = spacy.blank("en")
    return Doc(
        nlp.vocab,
        words=[r[0] for r in rows],
        spaces=[
            rows[i][0] != "$" and not (i + 1 < len(rows) and rows[i + 1][0] in (".", ",", "'s"))
            for i in range(len(rows))
        ],
        pos=[r[1] for r in rows],
        tags=[r[2] for r in rows],
        heads=[i + r[3] for i, r in enumerate(rows)],
        deps=[r[4] for r in rows],
        lemmas=[r[5] for r in rows],
        ents=[r[6] for r in rows],
    )


def events_of(doc: Doc, published: date | None = None):
    ents = resolve_entities(doc)
    return extract_events(doc, ents, published), ents


BUY = [
    ("Kestrel", "PROPN", "NNP", 2, "nsubj", "Kestrel", "B-ORG"),
    ("will", "AUX", "MD", 1, "aux", "will", "O"),
    ("buy", "VERB", "VB", 0, "ROOT", "buy", "O"),
    ("Marlow", "PROPN", "NNP", 1, "compound", "Marlow", "B-ORG"),
    ("Corp", "PROPN", "NNP", -2, "dobj", "Corp", "I-ORG"),
    ("for", "ADP", "IN", -3, "prep", "for", "O"),
    ("$", "SYM", "$", 2, "quantmod", "$", "B-MONEY"),
    ("5", "NUM", "CD", 1, "compound", "5", "I-MONEY"),
    ("million", "NUM", "CD", -3, "pobj", "million", "I-MONEY"),
    (".", "PUNCT", ".", -7, "punct", ".", "O"),
]


def test_events_acquisition_roles_value_and_status() -> None:
    events, ents = events_of(make_doc(BUY))
    assert len(events) == 1
    ev = events[0]
    assert ev.type is EventType.ACQUISITION
    assert ev.role("acquirer") == ("firm/kestrel",) and ev.role("target") == ("firm/marlow",)
    assert ev.role("value") == ("$5 million",)
    assert ev.status is Status.PLANNED
    assert ev.rule == "acquisition.verb" and ev.confidence == CONFIDENCE["acquisition.verb"]
    assert all(k in ents.entities for r, k in ev.roles if r != "value")


def test_events_negation_gives_no_event() -> None:
    rows = (
        BUY[:2]
        + [("not", "PART", "RB", 1, "neg", "not", "O")]
        + [(w, p, t, h if i != 0 else h, d, lem, e) for i, (w, p, t, h, d, lem, e) in enumerate(BUY[2:])]
    )
    # re-point heads: "Kestrel" and "will" and "not" hang from "buy" (index 3 now)
    rows[0] = ("Kestrel", "PROPN", "NNP", 3, "nsubj", "Kestrel", "B-ORG")
    rows[1] = ("will", "AUX", "MD", 2, "aux", "will", "O")
    events, _ = events_of(make_doc(rows))
    assert events == []


def test_events_lawsuit_passive_sue_reads_plaintiff_defendant_jurisdiction_subject() -> None:
    # "Kestrel was sued in Brazil by Marlow Corp over patents ."
    rows = [
        ("Kestrel", "PROPN", "NNP", 2, "nsubjpass", "Kestrel", "B-ORG"),
        ("was", "AUX", "VBD", 1, "auxpass", "be", "O"),
        ("sued", "VERB", "VBN", 0, "ROOT", "sue", "O"),
        ("in", "ADP", "IN", -1, "prep", "in", "O"),
        ("Brazil", "PROPN", "NNP", -1, "pobj", "Brazil", "B-GPE"),
        ("by", "ADP", "IN", -3, "agent", "by", "O"),
        ("Marlow", "PROPN", "NNP", 1, "compound", "Marlow", "B-ORG"),
        ("Corp", "PROPN", "NNP", -2, "pobj", "Corp", "I-ORG"),
        ("over", "ADP", "IN", -6, "prep", "over", "O"),
        ("patents", "NOUN", "NNS", -1, "pobj", "patent", "O"),
        (".", "PUNCT", ".", -8, "punct", ".", "O"),
    ]
    events, _ = events_of(make_doc(rows))
    (ev,) = events
    assert ev.type is EventType.LAWSUIT
    assert ev.role("defendant") == ("firm/kestrel",)
    assert ev.role("plaintiff") == ("firm/marlow",)
    assert ev.role("jurisdiction") == ("place/br",)
    assert ev.role("subject") == ("patent",)
    assert ev.status is Status.COMPLETED


def test_events_same_deal_in_two_sentences_is_one_event() -> None:
    # the BUY sentence twice: one event, two evidence sentences? (same text: one evidence)
    rows = BUY + [
        ("Kestrel", "PROPN", "NNP", 1, "nsubj", "Kestrel", "B-ORG"),
        ("bought", "VERB", "VBD", 0, "ROOT", "buy", "O"),
        ("Marlow", "PROPN", "NNP", -1, "dobj", "Marlow", "B-ORG"),
        ("yesterday", "NOUN", "NN", -2, "npadvmod", "yesterday", "B-DATE"),
        (".", "PUNCT", ".", -3, "punct", ".", "O"),
    ]
    events, _ = events_of(make_doc(rows), published=date(2020, 3, 5))
    (ev,) = events
    assert len(ev.evidence) == 2
    assert ev.date == "2020-03-04"
    assert ev.confidence > CONFIDENCE["acquisition.verb"]


def test_events_subject_keyword_classifies_legal_subjects() -> None:
    assert subject_keyword("a dispute over copyright in songs") == "copyright"
    assert subject_keyword("antitrust regulators") == "antitrust"
    assert subject_keyword("nothing legal here") is None


def test_events_confidence_table_is_in_range() -> None:
    assert all(0.0 < c <= 1.0 for c in CONFIDENCE.values())
