"""Entity rules of kg.extract: names, keys, gazetteers, and typing on hand-built Docs."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from kg.extract.entities import entity_key, normalise_name, resolve_entities, slugify
from kg.extract.gazetteer import demonym_country, lookup_place
from kg.model import Kind


def make_doc(rows: list[tuple[str, str, str, int, str, str]], ents: list[str] | None = None) -> Doc:
    """A parsed Doc from rows of (word, pos, tag, head offset, dep, lemma), no model needed."""
    nlp = spacy.blank("en")
    words = [r[0] for r in rows]
    spaces = [not (i + 1 < len(rows) and rows[i + 1][0] in (".", ",", "'s")) for i in range(len(rows))]
    return Doc(
        nlp.vocab,
        words=words,
        spaces=spaces,
        pos=[r[1] for r in rows],
        tags=[r[2] for r in rows],
        heads=[i + r[3] for i, r in enumerate(rows)],
        deps=[r[4] for r in rows],
        lemmas=[r[5] for r in rows],
        ents=ents,
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Xylo Inc.", "Xylo"),
        ("Xylo's", "Xylo"),
        ("the Xylo Group", "Xylo"),
        ("Xylo Holdings plc", "Xylo"),
        ("Xylo Motor Co., Ltd.", "Xylo Motor"),
        ("Berg & Co", "Berg"),
        ("Group", "Group"),
    ],
)
def test_entities_normalise_name_strips_legal_suffixes(raw: str, clean: str) -> None:
    assert normalise_name(raw) == clean


def test_entities_entity_key_gives_one_key_per_firm() -> None:
    keys = {entity_key(Kind.FIRM, n) for n in ("Acme Inc.", "Acme", "ACME Corp", "the Acme Group", "Acme's")}
    assert keys == {"firm/acme"}


@pytest.mark.parametrize("name", ["US", "U.S.", "USA", "America", "the United States", "United States"])
def test_entities_entity_key_us_aliases_are_one_place(name: str) -> None:
    assert entity_key(Kind.PLACE, name) == "place/us"


def test_entities_slugify_is_ascii_and_stable() -> None:
    assert slugify("Société Générale") == "societe-generale"
    assert slugify("AT&T") == "at-and-t"


def test_entities_gazetteer_kinds_codes_and_links() -> None:
    uk = lookup_place("Britain")
    assert (uk.kind, uk.key, uk.code) == (Kind.COUNTRY, "place/gb", "GB")
    assert uk.link.startswith("https://sws.geonames.org/")
    assert lookup_place("California").kind is Kind.REGION
    assert lookup_place("Southeast Asia").kind is Kind.REGION
    assert lookup_place("Nairobi").kind is Kind.CITY
    assert lookup_place("Quorvex") is None
    assert demonym_country("Indian").key == "place/in"


def test_entities_person_label_in_corporate_frame_is_a_firm() -> None:
    # "Investors bought shares in Kestrel ." with the NER (wrongly) saying PERSON
    doc = make_doc(
        [
            ("Investors", "NOUN", "NNS", 1, "nsubj", "investor"),
            ("bought", "VERB", "VBD", 0, "ROOT", "buy"),
            ("shares", "NOUN", "NNS", -1, "dobj", "share"),
            ("in", "ADP", "IN", -1, "prep", "in"),
            ("Kestrel", "PROPN", "NNP", -1, "pobj", "Kestrel"),
            (".", "PUNCT", ".", -4, "punct", "."),
        ],
        ents=["O", "O", "O", "O", "B-PERSON", "O"],
    )
    found = resolve_entities(doc)
    assert found.entities["firm/kestrel"].kind is Kind.FIRM


def test_entities_legal_suffix_and_short_form_resolve_to_one_firm() -> None:
    # "Kestrel Inc. said it ... Kestrel 's shares rose ."
    doc = make_doc(
        [
            ("Kestrel", "PROPN", "NNP", 1, "compound", "Kestrel"),
            ("Inc.", "PROPN", "NNP", 1, "nsubj", "Inc."),
            ("grew", "VERB", "VBD", 0, "ROOT", "grow"),
            (".", "PUNCT", ".", -1, "punct", "."),
            ("Kestrel", "PROPN", "NNP", 2, "poss", "Kestrel"),
            ("'s", "PART", "POS", -1, "case", "'s"),
            ("shares", "NOUN", "NNS", 1, "nsubj", "share"),
            ("rose", "VERB", "VBD", 0, "ROOT", "rise"),
            (".", "PUNCT", ".", -1, "punct", "."),
        ],
        ents=["B-ORG", "I-ORG", "O", "O", "B-ORG", "O", "O", "O", "O"],
    )
    found = resolve_entities(doc)
    firm = found.entities["firm/kestrel"]
    assert firm.name == "Kestrel" and "Kestrel Inc." in firm.aliases
    assert [m.entity for m in found.mentions] == ["firm/kestrel", "firm/kestrel"]
    assert [m.sentence for m in found.mentions] == [0, 1]


def test_entities_court_and_regulator_are_not_firms() -> None:
    # "The Supreme Court fined Kestrel Corp ." / the Competition Authority
    doc = make_doc(
        [
            ("The", "DET", "DT", 2, "det", "the"),
            ("Supreme", "PROPN", "NNP", 1, "compound", "Supreme"),
            ("Court", "PROPN", "NNP", 1, "nsubj", "Court"),
            ("fined", "VERB", "VBD", 0, "ROOT", "fine"),
            ("Kestrel", "PROPN", "NNP", 1, "compound", "Kestrel"),
            ("Corp", "PROPN", "NNP", -2, "dobj", "Corp"),
            ("and", "CCONJ", "CC", -1, "cc", "and"),
            ("the", "DET", "DT", 2, "det", "the"),
            ("Competition", "PROPN", "NNP", 1, "compound", "Competition"),
            ("Authority", "PROPN", "NNP", -4, "conj", "Authority"),
            ("agreed", "VERB", "VBD", -7, "conj", "agree"),
            (".", "PUNCT", ".", -8, "punct", "."),
        ],
        ents=["B-ORG", "I-ORG", "I-ORG", "O", "B-ORG", "I-ORG", "O", "B-ORG", "I-ORG", "I-ORG", "O", "O"],
    )
    found = resolve_entities(doc)
    firms = {k for k, e in found.entities.items() if e.kind is Kind.FIRM}
    assert firms == {"firm/kestrel"}


def test_entities_countries_get_codes_and_aliases() -> None:
    doc = make_doc(
        [
            ("Sales", "NOUN", "NNS", 1, "nsubj", "sale"),
            ("rose", "VERB", "VBD", 0, "ROOT", "rise"),
            ("in", "ADP", "IN", -1, "prep", "in"),
            ("the", "DET", "DT", 1, "det", "the"),
            ("U.S.", "PROPN", "NNP", -2, "pobj", "U.S."),
            ("and", "CCONJ", "CC", -1, "cc", "and"),
            ("America", "PROPN", "NNP", -2, "conj", "America"),
            (".", "PUNCT", ".", -6, "punct", "."),
        ],
        ents=["O", "O", "O", "O", "B-GPE", "O", "B-GPE", "O"],
    )
    found = resolve_entities(doc)
    us = found.entities["place/us"]
    assert (us.kind, us.code, us.name) == (Kind.COUNTRY, "US", "United States")
    assert {"U.S.", "America"} <= us.aliases
