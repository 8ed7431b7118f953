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


def test_entities_untagged_repeat_of_a_name_is_a_mention_of_it() -> None:
    # "Kestrel hit with suit . Kestrel 's shares rose ." with the first "Kestrel" tagged as a noun
    doc = make_doc(
        [
            ("Kestrel", "NOUN", "NN", 1, "nsubj", "kestrel"),
            ("hit", "VERB", "VBD", 0, "ROOT", "hit"),
            ("with", "ADP", "IN", -1, "prep", "with"),
            ("suit", "NOUN", "NN", -1, "pobj", "suit"),
            (".", "PUNCT", ".", -3, "punct", "."),
            ("Kestrel", "PROPN", "NNP", 2, "poss", "Kestrel"),
            ("'s", "PART", "POS", -1, "case", "'s"),
            ("shares", "NOUN", "NNS", 1, "nsubj", "share"),
            ("rose", "VERB", "VBD", 0, "ROOT", "rise"),
            (".", "PUNCT", ".", -1, "punct", "."),
        ],
        ents=["O", "O", "O", "O", "O", "B-ORG", "O", "O", "O", "O"],
    )
    found = resolve_entities(doc)
    assert [(m.text, m.start, m.end, m.entity, m.sentence) for m in found.mentions] == [
        ("Kestrel", 0, 7, "firm/kestrel", 0),
        ("Kestrel", 23, 30, "firm/kestrel", 1),
    ]
    assert found.token_keys[0] == "firm/kestrel"
    assert found.firm_positions == [(0, "firm/kestrel"), (5, "firm/kestrel")]


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


# --- issue #4: firm and product typing rules ---------------------------------------------------


def _kinds(found) -> dict[str, Kind]:
    return {e.name: e.kind for e in found.entities.values()}


def test_entities_surname_keeps_the_type_of_the_full_name() -> None:
    # "Marta Vellgren said . Vellgren added ." with the model calling the surname alone ORG
    doc = make_doc(
        [
            ("Marta", "PROPN", "NNP", 1, "compound", "Marta"),
            ("Vellgren", "PROPN", "NNP", 1, "nsubj", "Vellgren"),
            ("said", "VERB", "VBD", 0, "ROOT", "say"),
            (".", "PUNCT", ".", -1, "punct", "."),
            ("Vellgren", "PROPN", "NNP", 1, "nsubj", "Vellgren"),
            ("added", "VERB", "VBD", 0, "ROOT", "add"),
            (".", "PUNCT", ".", -1, "punct", "."),
            ("Vellgren", "PROPN", "NNP", 1, "nsubj", "Vellgren"),
            ("left", "VERB", "VBD", 0, "ROOT", "leave"),
            (".", "PUNCT", ".", -1, "punct", "."),
        ],
        ents=["B-PERSON", "I-PERSON", "O", "O", "B-ORG", "O", "O", "B-ORG", "O", "O"],
    )
    found = resolve_entities(doc)
    assert _kinds(found) == {"Marta Vellgren": Kind.PERSON}


def test_entities_nationality_adjective_is_no_firm() -> None:
    # "Its European unit grew ." with the model calling "European" ORG
    doc = make_doc(
        [
            ("Its", "PRON", "PRP$", 2, "poss", "its"),
            ("European", "ADJ", "JJ", 1, "amod", "european"),
            ("unit", "NOUN", "NN", 1, "nsubj", "unit"),
            ("grew", "VERB", "VBD", 0, "ROOT", "grow"),
            (".", "PUNCT", ".", -1, "punct", "."),
        ],
        ents=["O", "B-ORG", "O", "O", "O"],
    )
    assert resolve_entities(doc).entities == {}


def test_entities_spellings_with_and_without_hyphen_are_one_firm() -> None:
    doc = make_doc(
        [
            ("Zarn-Mart", "PROPN", "NNP", 1, "nsubj", "Zarn-Mart"),
            ("grew", "VERB", "VBD", 0, "ROOT", "grow"),
            (".", "PUNCT", ".", -1, "punct", "."),
            ("ZarnMart", "PROPN", "NNP", 1, "nsubj", "ZarnMart"),
            ("fell", "VERB", "VBD", 0, "ROOT", "fall"),
            (".", "PUNCT", ".", -1, "punct", "."),
        ],
        ents=["B-ORG", "O", "O", "B-ORG", "O", "O"],
    )
    found = resolve_entities(doc)
    assert len(found.entities) == 1
    firm = next(iter(found.entities.values()))
    assert firm.kind is Kind.FIRM and {firm.name, *firm.aliases} >= {"Zarn-Mart", "ZarnMart"}


@pytest.mark.parametrize(
    ("long_form", "short"),
    [("Hollis-Packard", "HP"), ("QNB", "QNB")],
)
def test_entities_acronym_and_long_form_are_one_firm(long_form: str, short: str) -> None:
    # "Hollis-Packard Co grew . HP fell ." and "QNB Bank grew . QNB fell ."
    tail = "Co" if "-" in long_form else "Bank"
    doc = make_doc(
        [
            (long_form, "PROPN", "NNP", 1, "compound", long_form),
            (tail, "PROPN", "NNP", 1, "nsubj", tail),
            ("grew", "VERB", "VBD", 0, "ROOT", "grow"),
            (".", "PUNCT", ".", -1, "punct", "."),
            (short, "PROPN", "NNP", 1, "nsubj", short),
            ("fell", "VERB", "VBD", 0, "ROOT", "fall"),
            (".", "PUNCT", ".", -1, "punct", "."),
        ],
        ents=["B-ORG", "I-ORG", "O", "O", "B-ORG", "O", "O"],
    )
    found = resolve_entities(doc)
    assert [e.kind for e in found.entities.values()] == [Kind.FIRM]


def test_entities_name_glossed_as_a_public_body_is_no_firm() -> None:
    # "KXV ( the competition authority ) fined Kestrel Corp ."
    doc = make_doc(
        [
            ("KXV", "PROPN", "NNP", 6, "nsubj", "KXV"),
            ("(", "PUNCT", "-LRB-", 3, "punct", "("),
            ("the", "DET", "DT", 2, "det", "the"),
            ("competition", "NOUN", "NN", 1, "compound", "competition"),
            ("authority", "NOUN", "NN", -4, "appos", "authority"),
            (")", "PUNCT", "-RRB-", -5, "punct", ")"),
            ("fined", "VERB", "VBD", 0, "ROOT", "fine"),
            ("Kestrel", "PROPN", "NNP", 1, "compound", "Kestrel"),
            ("Corp", "PROPN", "NNP", -2, "dobj", "Corp"),
            (".", "PUNCT", ".", -3, "punct", "."),
        ],
        ents=["B-ORG", "O", "O", "O", "O", "O", "O", "B-ORG", "I-ORG", "O"],
    )
    assert _kinds(resolve_entities(doc)) == {"Kestrel": Kind.FIRM}


def test_entities_ordinary_words_with_a_country_still_name_a_firm() -> None:
    # "Peru Mobile raised prices ." where both words are also ordinary English words
    doc = make_doc(
        [
            ("Peru", "PROPN", "NNP", 1, "compound", "peru"),
            ("Mobile", "PROPN", "NNP", 1, "nsubj", "mobile"),
            ("raised", "VERB", "VBD", 0, "ROOT", "raise"),
            ("prices", "NOUN", "NNS", -1, "dobj", "price"),
            (".", "PUNCT", ".", -2, "punct", "."),
        ],
        ents=["B-ORG", "I-ORG", "O", "O", "O"],
    )
    found = resolve_entities(doc, common_words=frozenset({"peru", "mobile", "price"}))
    assert _kinds(found) == {"Peru Mobile": Kind.FIRM}


@pytest.mark.parametrize("name", ["Tavrix Privacy Principles", "Ransom Action Plan"])
def test_entities_documents_and_schemes_are_neither_firms_nor_products(name: str) -> None:
    words = name.split()
    rows = [(w, "PROPN", "NNP", len(words) - i, "compound", w) for i, w in enumerate(words)]
    rows[-1] = (words[-1], "PROPN", "NNP", 1, "nsubj", words[-1])
    rows += [("applies", "VERB", "VBZ", 0, "ROOT", "apply"), (".", "PUNCT", ".", -1, "punct", ".")]
    ents = ["B-ORG"] + ["I-ORG"] * (len(words) - 1) + ["O", "O"]
    kinds = set(_kinds(resolve_entities(make_doc(rows, ents))).values())
    assert not kinds & {Kind.FIRM, Kind.PRODUCT}


def test_entities_dateline_is_cut_off_the_firm_after_it() -> None:
    # "PARIS" / "QLX Group grew ." : an all-caps dateline, then a sentence opening with a firm
    doc = make_doc(
        [
            ("PARIS", "PROPN", "NNP", 0, "ROOT", "PARIS"),
            ("QLX", "PROPN", "NNP", 1, "compound", "QLX"),
            ("Group", "PROPN", "NNP", 1, "nsubj", "Group"),
            ("grew", "VERB", "VBD", 0, "ROOT", "grow"),
            (".", "PUNCT", ".", -1, "punct", "."),
        ]
    )
    firms = [e.name for e in resolve_entities(doc).entities.values() if e.kind is Kind.FIRM]
    assert firms == ["QLX"]


def test_entities_plural_company_noun_opening_a_sentence_is_not_part_of_the_name() -> None:
    # "Firms Quodra and Velmix were fined ." with the model's span "Firms Quodra"
    doc = make_doc(
        [
            ("Firms", "NOUN", "NNS", 1, "compound", "firm"),
            ("Quodra", "PROPN", "NNP", 4, "nsubjpass", "Quodra"),
            ("and", "CCONJ", "CC", -1, "cc", "and"),
            ("Velmix", "PROPN", "NNP", -2, "conj", "Velmix"),
            ("were", "AUX", "VBD", 1, "auxpass", "be"),
            ("fined", "VERB", "VBN", 0, "ROOT", "fine"),
            (".", "PUNCT", ".", -1, "punct", "."),
        ],
        ents=["B-ORG", "I-ORG", "O", "B-ORG", "O", "O", "O"],
    )
    names = {e.name for e in resolve_entities(doc).entities.values()}
    assert "Quodra" in names and not any(n.startswith("Firms") for n in names)


@pytest.mark.parametrize(
    ("words", "kind"),
    [(["Rogue", "Blade", "2"], Kind.PRODUCT), (["Data", "Privacy", "Act"], None)],
)
def test_entities_law_label_is_a_title_unless_the_name_is_a_law(words: list[str], kind: Kind | None) -> None:
    # the small model calls game titles and car models LAW as well as acts
    n = len(words)
    rows = [
        (w, "NUM" if w.isdigit() else "PROPN", "CD" if w.isdigit() else "NNP", n - i, "compound", w)
        for i, w in enumerate(words)
    ]
    rows[-1] = (*rows[-1][:3], 1, "nsubj", rows[-1][5])
    rows += [("sold", "VERB", "VBD", 0, "ROOT", "sell"), (".", "PUNCT", ".", -1, "punct", ".")]
    ents = ["B-LAW"] + ["I-LAW"] * (n - 1) + ["O", "O"]
    found = resolve_entities(make_doc(rows, ents))
    assert [e.kind for e in found.entities.values()] == ([kind] if kind else [])


@pytest.mark.parametrize("name", ["Vestland Central Bank", "Quantum Centre of Excellence", "CERT Peru"])
def test_entities_public_bodies_named_by_their_words_are_no_firms(name: str) -> None:
    words = name.split()
    rows = [(w, "ADP" if w == "of" else "PROPN", "IN" if w == "of" else "NNP", 0, "compound", w.lower()) for w in words]
    rows = [(*r[:3], len(words) - i, r[4], r[5]) for i, r in enumerate(rows)]
    rows[-1] = (*rows[-1][:3], 1, "nsubj", rows[-1][5])
    rows += [("warned", "VERB", "VBD", 0, "ROOT", "warn"), (".", "PUNCT", ".", -1, "punct", ".")]
    ents = ["B-ORG"] + ["I-ORG"] * (len(words) - 1) + ["O", "O"]
    common = frozenset({"cert", "peru", "warn"})
    kinds = set(_kinds(resolve_entities(make_doc(rows, ents), common_words=common)).values())
    assert Kind.FIRM not in kinds


# the rules that read a real parse: short invented sentences through the small model


@pytest.fixture(scope="module")
def extractor():
    from kg.extract import Extractor

    ex = Extractor()
    ex.nlp  # noqa: B018 - load once for the module
    return ex


def _typed(extractor, text: str) -> dict[str, Kind]:
    from kg.model import Article

    found = extractor(Article(id="t.txt", title="", text=text))
    return {e.name: e.kind for e in found.entities if e.kind in (Kind.FIRM, Kind.PRODUCT, Kind.PERSON)}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        # an offering described by its apposition, its owner, its users or a count of units
        ("Glimmer, a development platform, is widely used by programmers.", "Glimmer", Kind.PRODUCT),
        ("Oracle claimed Google's Nebulon operating system violated its copyright.", "Nebulon", Kind.PRODUCT),
        ("Orvanta said its Zyphos software platform would ship. Zyphos users can upgrade.", "Zyphos", Kind.PRODUCT),
        ("Kestrel shipped 1,200 Zorax X9 units to Brazil.", "Zorax X9", Kind.PRODUCT),
        # names in a list that modifies one kind of thing, or "X and other <kind>s"
        ("The group sells the Arbolet, Vennick and Castorel brands in Europe.", "Vennick", Kind.PRODUCT),
        ("Halvard Brewing will sell Brunhold and other beer brands in India.", "Brunhold", Kind.PRODUCT),
        # a firm's name followed by more words is its product; a title with its subtitle
        ("Quorra said its Quorra Maps service would launch in Chile.", "Quorra Maps", Kind.PRODUCT),
        (
            "The game moved up, nudging Dune Rally: Red Sands down to second place.",
            "Dune Rally: Red Sands",
            Kind.PRODUCT,
        ),
        # corporate cues: a listing, a ticker with spaces, a title word that opens a firm's name
        ("Its biggest rival is London-listed Quellix, founded in 1998.", "Quellix", Kind.FIRM),
        ("Retailers such as Metro AG ( MEOG.DE ) and Velmart ( VLM.J ) have chosen India.", "Velmart", Kind.FIRM),
        ("General Motors Co said it would cut jobs.", "General Motors", Kind.FIRM),
        ("Dravo Telecom listed on the New York Stock Exchange last year.", "New York Stock Exchange", Kind.FIRM),
        ("(Reuters) - Bank of Quorland Corp said it will cut 3,000 jobs.", "Bank of Quorland", Kind.FIRM),
        (
            "Investors cheered as Peru Telcom's licence was renewed, and Peru Telcom shares rose.",
            "Peru Telcom",
            Kind.FIRM,
        ),
        ("Loans came from Quarra Bank New York Branch and Pellow Bank National Association.", "Quarra Bank", Kind.FIRM),
        ("Loans came from Quarra Bank New York Branch and Pellow Bank National Association.", "Pellow Bank", Kind.FIRM),
        # the base of a model's name is a product
        (
            "Nakamura said its new Zorb 360 would go on sale in May. Gamers like the Zorb, which plays films.",
            "Zorb",
            Kind.PRODUCT,
        ),
        # a role at a firm, or a role right before the name, makes a person, not a firm
        ('"We are pleased," said Marta Vellgren, an investor at Borealis Capital.', "Marta Vellgren", Kind.PERSON),
        (
            "Analysts expect CEO Halvorsen to stay. Halvorsen said sales rose. Halvorsen added more.",
            "Halvorsen",
            Kind.PERSON,
        ),
    ],
)
def test_entities_typing_cues_on_a_real_parse(extractor, text: str, name: str, kind: Kind) -> None:
    assert _typed(extractor, text).get(name) is kind


@pytest.mark.slow
def test_entities_name_joined_to_another_by_and_is_split(extractor) -> None:
    typed = _typed(extractor, "Shares in Kestrel and Borealis Dynamics Corp rose. Kestrel said it would hire.")
    assert typed == {"Kestrel": Kind.FIRM, "Borealis Dynamics": Kind.FIRM}


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Kestrel Corp filed for Chapter 11 protection and moved to Phase 2 of the plan.",
        "Follow us at @KestrelNews for updates from Kestrel Corp.",
        "Mandated Lead Arrangers were hired by Kestrel Corp.",
    ],
)
def test_entities_numbered_parts_handles_and_role_titles_are_no_entities(extractor, text: str) -> None:
    assert _typed(extractor, text) == {"Kestrel": Kind.FIRM}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "forms"),
    [
        (
            "Lindqvist Property Company (Lindqvist) bought the site. Lindqvist will lease it.",
            {"Lindqvist", "Lindqvist Property Company"},
        ),
        (
            "Veltro Corp said Volganeftegaz would be sold. Volganeft was valued at 9 billion dollars.",
            {"Volganeft", "Volganeftegaz"},
        ),
    ],
)
def test_entities_short_and_clipped_forms_join_the_long_name(extractor, text: str, forms: set[str]) -> None:
    from kg.model import Article

    found = extractor(Article(id="t.txt", title="", text=text))
    assert any(forms <= {e.name, *e.aliases} and e.kind is Kind.FIRM for e in found.entities)


def test_entities_advisory_numbers_name_no_firm() -> None:
    # "Kestrel patched CVE-2021-26857 ." with the NER calling the advisory number an ORG
    doc = make_doc(
        [
            ("Kestrel", "PROPN", "NNP", 1, "nsubj", "Kestrel"),
            ("patched", "VERB", "VBD", 0, "ROOT", "patch"),
            ("CVE-2021-26857", "PROPN", "NNP", -1, "dobj", "CVE-2021-26857"),
            (".", "PUNCT", ".", -2, "punct", "."),
        ],
        ents=["B-ORG", "O", "B-ORG", "O"],
    )
    found = resolve_entities(doc)
    assert list(found.entities) == ["firm/kestrel"]
    assert [m.text for m in found.mentions] == ["Kestrel"]
