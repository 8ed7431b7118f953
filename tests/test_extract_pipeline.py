"""The extractor end to end: registry, chunking, and (slow) the real spaCy model on short
sentences written for these tests."""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from kg.extract import get_extractor, register_extractor
from kg.extract.aliases import parse_aliases
from kg.extract.pipeline import KG_COMPONENTS, EntityResolver, Extractor, _chunks, add_user_entities, make_nlp
from kg.model import Article, EventType, Extraction, Kind, Status

PUB = date(2015, 1, 16)


def test_pipeline_registry_builds_rules_and_plugged_in_extractors(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.extract

    monkeypatch.setattr(kg.extract, "_REGISTRY", dict(kg.extract._REGISTRY))  # leave the real one as it was
    ex = get_extractor("rules")
    assert type(ex).__name__ == "Extractor" and ex._nlp is None  # the model loads lazily
    register_extractor("echo", lambda **kw: lambda article: Extraction(article))
    art = Article(id="a.txt", title="T", text="Body.")
    assert get_extractor("echo")(art) == Extraction(art)
    with pytest.raises(ValueError, match="expected one of"):
        get_extractor("no-such-extractor")


def test_pipeline_chunks_join_back_to_the_text() -> None:
    text = "\n\n".join(f"Paragraph {i} " + "word " * (i * 7) for i in range(60))
    pieces = _chunks(text, 500)
    assert "".join(pieces) == text
    assert all(len(p) <= 500 for p in pieces)


#: "Kestrel bought Marlow Corp last year." as the parser and NER would give it
BOUGHT = [
    ("Kestrel", "PROPN", "NNP", 1, "nsubj", "Kestrel", "B-ORG"),
    ("bought", "VERB", "VBD", 0, "ROOT", "buy", "O"),
    ("Marlow", "PROPN", "NNP", 1, "compound", "Marlow", "B-ORG"),
    ("Corp", "PROPN", "NNP", -2, "dobj", "Corp", "I-ORG"),
    ("last", "ADJ", "JJ", 1, "amod", "last", "B-DATE"),
    ("year", "NOUN", "NN", -4, "npadvmod", "year", "I-DATE"),
    (".", "PUNCT", ".", -5, "punct", ".", "O"),
]


def parsed_doc(nlp, rows=BOUGHT) -> Doc:
    """A Doc with a parse and entities, made by hand (no model)."""
    return Doc(
        nlp.vocab,
        words=[r[0] for r in rows],
        spaces=[i + 1 < len(rows) and rows[i + 1][0] != "." for i in range(len(rows))],
        pos=[r[1] for r in rows],
        tags=[r[2] for r in rows],
        heads=[i + r[3] for i, r in enumerate(rows)],
        deps=[r[4] for r in rows],
        lemmas=[r[5] for r in rows],
        ents=[r[6] for r in rows],
    )


def test_pipeline_components_fill_the_doc_extensions_and_read_its_date() -> None:
    nlp = spacy.blank("en")
    for name in KG_COMPONENTS:
        nlp.add_pipe(name)
    assert nlp.pipe_names == ["kg_entities", "kg_events"]
    doc = parsed_doc(nlp)
    doc._.kg_published = PUB
    doc = nlp(doc)  # a Doc goes through as it is: no tokenizer, the components only
    assert {m.entity for m in doc._.kg_entities.mentions} == {"firm/kestrel", "firm/marlow"}
    (ev,) = doc._.kg_events
    assert ev.type is EventType.ACQUISITION and ev.role("target") == ("firm/marlow",)
    assert ev.date == "2014"  # "last year" against kg_published
    assert nlp(parsed_doc(nlp))._.kg_events[0].date is None  # no publication date


def test_pipeline_events_component_needs_the_entities_component() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_events")
    with pytest.raises(ValueError, match="add the 'kg_entities' component"):
        nlp(parsed_doc(nlp))


def test_pipeline_extract_doc_runs_the_components_on_a_doc_of_another_pipeline() -> None:
    ex = Extractor(nlp=spacy.blank("en"))  # a caller's own pipeline, without kg's components
    assert "kg_entities" not in ex.nlp.pipe_names and ex.common_words == frozenset()
    doc = parsed_doc(ex.nlp)
    art = Article(id="a.txt", title="", text=doc.text, published=PUB)
    extraction = ex.extract_doc(art, doc)
    assert [e.date for e in extraction.events] == ["2014"]
    assert doc._.kg_events == list(extraction.events) and doc._.kg_published == PUB
    assert "kg_entities" not in ex.nlp.pipe_names  # the caller's pipeline is left as it was
    # the same doc for an article of another day: the components run again for that day
    later = Article(id="a.txt", title="", text=doc.text, published=date(2020, 6, 1))
    assert [e.date for e in ex.extract_doc(later, doc).events] == ["2019"]


def test_pipeline_extractor_pickles_before_its_model_loads() -> None:
    ex = Extractor(aliases=parse_aliases("kind,name,alias\nfirm,Orla Foods,Orla\n"))
    back = pickle.loads(pickle.dumps(ex))
    assert back._nlp is None and back._components is None and len(back.lexicon) == 1


def test_pipeline_user_entities_reach_the_entities_component() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    for name in KG_COMPONENTS:
        nlp.add_pipe(name)
    lexicon = parse_aliases("kind,name,alias\nfirm,Korvath Systems,KVS\n")
    add_user_entities(nlp, lexicon)
    resolver = nlp.get_pipe("kg_entities")
    assert isinstance(resolver, EntityResolver) and resolver.lexicon is lexicon
    assert nlp.pipe_names == ["sentencizer", "kg_user_entities", "kg_entities", "kg_events"]


# ---------------------------------------------------------------------------------------------
# with the model


@pytest.fixture(scope="module")
def extractor():
    ex = get_extractor("rules")
    ex.nlp  # noqa: B018 - load once for the module
    return ex


def run(extractor, text: str, title: str = "", published: date | None = PUB) -> Extraction:
    return extractor(Article(id="t.txt", title=title, text=text, published=published))


def only(extraction: Extraction, etype: EventType):
    events = [e for e in extraction.events if e.type is etype]
    assert len(events) == 1, extraction.events
    return events[0]


@pytest.mark.slow
def test_pipeline_negation_gives_no_event(extractor) -> None:
    ex = run(
        extractor,
        "Quorvex said it has no plans to enter Brazil. Its tablets won't be among the products sold in Chile.",
    )
    assert not [e for e in ex.events if e.type is EventType.MARKET_ENTRY]


@pytest.mark.slow
def test_pipeline_market_entry_planned_with_date(extractor) -> None:
    ev = only(run(extractor, "Quorvex will open its first store in Peru next year."), EventType.MARKET_ENTRY)
    assert ev.role("firm") == ("firm/quorvex",) and ev.role("market") == ("place/pe",)
    assert ev.status is Status.PLANNED and ev.date == "2016"


@pytest.mark.slow
def test_pipeline_relative_date_resolves_against_publication(extractor) -> None:
    ev = only(run(extractor, "Quorvex opened its first store in Peru on Thursday."), EventType.MARKET_ENTRY)
    assert ev.status is Status.COMPLETED and ev.date == "2015-01-15"
    ev = only(
        run(extractor, "Quorvex opened its first store in Peru on Thursday.", published=None), EventType.MARKET_ENTRY
    )
    assert ev.date is None


@pytest.mark.slow
def test_pipeline_aliases_resolve_to_one_entity(extractor) -> None:
    ex = run(
        extractor,
        "Zentrix Inc. makes chips for cars. Zentrix said its profit rose. "
        "Zentrix will expand into the U.S. market, and America is its biggest prize.",
    )
    keys = {e.key: e for e in ex.entities}
    assert "Zentrix Inc." in keys["firm/zentrix"].aliases
    assert {"U.S.", "America"} <= keys["place/us"].aliases
    assert keys["place/us"].kind is Kind.COUNTRY and keys["place/us"].code == "US"
    text = ex.article.full_text
    assert all(text[m.start : m.end] == m.text for m in ex.mentions)


@pytest.mark.slow
def test_pipeline_person_label_corrected_to_firm(extractor) -> None:
    ex = run(extractor, "Kessler said its profit rose. Investors bought shares in Kessler.")
    kinds = {e.key: e.kind for e in ex.entities}
    assert kinds.get("firm/kessler") is Kind.FIRM and "person/kessler" not in kinds


@pytest.mark.slow
def test_pipeline_court_is_not_a_firm(extractor) -> None:
    ex = run(extractor, "The Supreme Court of Canada ruled against Marrow Corp in a patent case.")
    firms = {e.key for e in ex.entities if e.kind is Kind.FIRM}
    assert firms == {"firm/marrow"}


@pytest.mark.slow
def test_pipeline_each_event_type_with_its_roles(extractor) -> None:
    ex = run(
        extractor,
        "Quorvex agreed to buy Marrow Corp for $2 billion. "
        "Quorvex sued Tellwick Ltd in Germany over patents. "
        "Quorvex moved its customer data from Ireland to a data centre in Norway. "
        "Quorvex unveiled the Zephyr X2 tablet on Monday. "
        "Quorvex will open its first store in Peru next year.",
        title="Quorvex news",
    )
    acq = only(ex, EventType.ACQUISITION)
    assert acq.role("acquirer") == ("firm/quorvex",) and acq.role("target") == ("firm/marrow",)
    assert acq.role("value") == ("$2 billion",) and acq.status is Status.ANNOUNCED
    suit = only(ex, EventType.LAWSUIT)
    assert suit.role("plaintiff") == ("firm/quorvex",) and suit.role("defendant") == ("firm/tellwick",)
    assert suit.role("jurisdiction") == ("place/de",) and suit.role("subject") == ("patent",)
    move = only(ex, EventType.DATA_CENTER_MOVE)
    assert move.role("firm") == ("firm/quorvex",)
    assert move.role("from") == ("place/ie",) and move.role("to") == ("place/no",)
    launch = only(ex, EventType.PRODUCT_LAUNCH)
    assert launch.role("firm") == ("firm/quorvex",) and launch.role("product") == ("product/zephyr-x2",)
    entry = only(ex, EventType.MARKET_ENTRY)
    assert entry.role("market") == ("place/pe",)
    keys = {e.key for e in ex.entities}
    for ev in ex.events:
        assert ev.evidence and 0 < ev.confidence <= 1
        assert all(v in keys for r, v in ev.roles if r not in ("subject", "value"))


@pytest.mark.slow
def test_pipeline_pipe_matches_call_and_long_texts_are_chunked(extractor) -> None:
    arts = [
        Article(id="a.txt", title="A", text="Quorvex agreed to buy Marrow Corp."),
        Article(id="b.txt", title="B", text="Marrow Corp sued Quorvex in France."),
    ]
    assert list(extractor.pipe(arts, batch_size=2)) == [extractor(a) for a in arts]
    para = "Quorvex agreed to buy Marrow Corp for $2 billion. Analysts were surprised.\n\n"
    long = Article(id="c.txt", title="Long", text=para * 40)
    small = get_extractor("rules", nlp=extractor.nlp, chunk_chars=600)
    ex = small(long)
    assert all(ex.article.full_text[m.start : m.end] == m.text for m in ex.mentions)
    assert len([e for e in ex.events if e.type is EventType.ACQUISITION]) == 1


@pytest.mark.slow
def test_pipeline_make_nlp_adds_kg_components_in_order(extractor) -> None:
    names = extractor.nlp.pipe_names
    assert names.index("kg_paragraph_sentences") < names.index("parser")
    assert tuple(names[-2:]) == KG_COMPONENTS == ("kg_entities", "kg_events")
    assert "war" in extractor.common_words  # from the lemmatizer, through the component


@pytest.mark.slow
def test_pipeline_nlp_on_a_dated_doc_fills_its_events(extractor) -> None:
    nlp = extractor.nlp
    doc = nlp.make_doc("Quorvex opened its first store in Peru last year.")
    doc._.kg_published = PUB
    doc = nlp(doc)
    assert {m.entity for m in doc._.kg_entities.mentions} >= {"firm/quorvex", "place/pe"}
    (ev,) = [e for e in doc._.kg_events if e.type is EventType.MARKET_ENTRY]
    assert ev.role("firm") == ("firm/quorvex",) and ev.date == "2014"


@pytest.mark.slow
def test_pipeline_pipe_matches_extract_doc_on_docs_parsed_without_kg_components(extractor) -> None:
    arts = [
        Article(id="a.txt", title="Quorvex buys", text="Quorvex agreed to buy Marrow Corp last year.", published=PUB),
        Article(id="b.txt", title="", text="Marrow Corp sued Quorvex in France on Thursday.", published=None),
        Article(
            id="c.txt",
            title="Zelko",
            text="Zelko Inc said on Monday it will enter Japan next year.",
            published=date(2019, 5, 1),
        ),
    ]
    piped = list(extractor.pipe(arts, batch_size=2))
    docs = extractor.nlp.pipe((a.full_text for a in arts), disable=list(KG_COMPONENTS))
    plain = [extractor.extract_doc(a, d) for a, d in zip(arts, docs, strict=True)]
    assert piped == plain
    assert [e.date for e in piped[0].events] == ["2014"] and piped[2].events[0].date == "2020"


@pytest.mark.slow
def test_pipeline_long_text_in_chunks_runs_the_components_once_with_the_date(extractor) -> None:
    para = "Quorvex opened its first store in Peru last year. Analysts were surprised.\n\n"
    long = Article(id="c.txt", title="Long", text=para * 30, published=PUB)
    small = get_extractor("rules", nlp=extractor.nlp, chunk_chars=500)
    doc = small.parse(long.full_text, long.published)
    assert doc.text == long.full_text and doc._.kg_published == PUB and doc._.kg_events is not None
    ex = small(long)
    (entry,) = [e for e in ex.events if e.type is EventType.MARKET_ENTRY]
    assert entry.date == "2014" and len(entry.evidence) >= 1
    assert list(small.pipe([long])) == [ex]
    assert all(long.full_text[m.start : m.end] == m.text for m in ex.mentions)


@pytest.mark.slow
def test_pipeline_custom_lexicon_resolves_through_the_component() -> None:
    lexicon = parse_aliases("kind,name,alias\nfirm,Quorvex Holdings,QVX\nproduct,Zephyr Slate,Slate\n")
    nlp = make_nlp()  # its own: the ruler must not reach the module's shared pipeline
    ex = Extractor(nlp=nlp, aliases=lexicon)
    assert ex.nlp is nlp and nlp.pipe_names[-3:] == ["kg_user_entities", "kg_entities", "kg_events"]
    assert nlp.get_pipe("kg_entities").lexicon is lexicon
    x = ex(Article(id="q.txt", title="", text="QVX unveiled the Slate on Monday. Quorvex Holdings said sales rose."))
    by_text = {m.text: m.entity for m in x.mentions}
    assert by_text["QVX"] == by_text["Quorvex Holdings"] == "firm/quorvex"  # the user's key, one entity
    assert by_text["Slate"] == "product/zephyr-slate"
    firm = next(e for e in x.entities if e.key == "firm/quorvex")
    assert firm.name == "Quorvex Holdings" and "QVX" in firm.aliases


@pytest.mark.slow
def test_pipeline_seed_article_events(extractor, seed_dir: Path) -> None:
    path = next(seed_dir.glob("*.txt"))
    title, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    ex = extractor(Article(id="seed/" + path.name, title=title.strip(), text=body))
    by_type = {e.type: e for e in ex.events}
    entry = by_type[EventType.MARKET_ENTRY]
    assert entry.role("firm") == ("firm/xiaomi",) and "place/us" in entry.role("market")
    assert "product/mi-band" in entry.role("product") and entry.status is Status.PLANNED
    move = by_type[EventType.DATA_CENTER_MOVE]
    assert move.role("firm") == ("firm/xiaomi",) and move.role("provider") == ("firm/amazon",)
    assert set(move.role("to")) == {"place/sg", "place/us"} and move.role("from") == ("place/cn",)
    suit = by_type[EventType.LAWSUIT]
    assert suit.role("defendant") == ("firm/xiaomi",) and suit.role("plaintiff") == ("firm/ericsson",)
    assert suit.role("jurisdiction") == ("place/in",) and suit.role("subject") == ("patent",)
    assert EventType.PRODUCT_LAUNCH not in by_type


# --- issue #4: general rules for products with model names, court language, entries, mergers


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("Orbis Computer unveiled the Tablo 2 on Monday.", "product/tablo-2"),
        ("Orbis Computer launched the Tablo mini and the iPlayo shuffle on Tuesday.", "product/tablo-mini"),
        ("Tenvo said it would release its Pixelwave 3 console in Japan next month.", "product/pixelwave-3"),
    ],
)
def test_pipeline_product_with_model_number_or_word(extractor, text: str, product: str) -> None:
    ex = run(extractor, text)
    assert product in {e.key for e in ex.entities}
    launches = [e for e in ex.events if e.type is EventType.PRODUCT_LAUNCH]
    assert any(product in e.role("product") for e in launches), ex.events


@pytest.mark.slow
def test_pipeline_count_after_a_name_is_no_model(extractor) -> None:
    ex = run(extractor, "Kelda Systems sold 20 percent of its shares. Kelda Systems has 20 stores.")
    assert not [e for e in ex.entities if e.kind is Kind.PRODUCT]


@pytest.mark.slow
def test_pipeline_court_order_is_a_lawsuit(extractor) -> None:
    ex = run(extractor, "A federal court ruled on the dispute. Brelmont Corp was ordered to pay $2 million in damages.")
    ev = only(ex, EventType.LAWSUIT)
    assert ev.role("defendant") == ("firm/brelmont",) and ev.rule == "lawsuit.court"


@pytest.mark.slow
def test_pipeline_found_liable_is_a_lawsuit(extractor) -> None:
    ev = only(run(extractor, "Brelmont Corp was found liable by a jury in Texas."), EventType.LAWSUIT)
    assert ev.role("defendant") == ("firm/brelmont",)


@pytest.mark.slow
def test_pipeline_firm_launched_in_a_country_enters_it(extractor) -> None:
    ev = only(run(extractor, "Zelko Inc launched in Britain last year."), EventType.MARKET_ENTRY)
    assert ev.role("market") == ("place/gb",)


@pytest.mark.slow
def test_pipeline_merger_of_two_named_firms(extractor) -> None:
    ev = only(run(extractor, "Regulators raised concerns over the Pollux and Vardan merger."), EventType.ACQUISITION)
    assert ev.role("acquirer") == ("firm/pollux",) and ev.role("target") == ("firm/vardan",)


@pytest.mark.slow
def test_pipeline_listed_firm_carries_wikipedia_link(extractor) -> None:
    ex = run(extractor, "Microsoft Corp said on Monday it would hire 300 engineers.")
    firm = next(e for e in ex.entities if e.key == "firm/microsoft")
    assert firm.links == ("https://en.wikipedia.org/wiki/Microsoft",)


@pytest.mark.slow
def test_pipeline_headline_name_the_model_missed_keeps_its_entity(extractor) -> None:
    ex = run(
        extractor,
        "A shareholder of Quorvex Inc filed a class action lawsuit in Delaware on Friday.",
        title="Quorvex hit with lawsuit over new share plan",
    )
    ev = only(ex, EventType.LAWSUIT)
    assert ev.role("defendant") == ("firm/quorvex",)


@pytest.mark.slow
def test_pipeline_headline_name_tagged_as_a_noun_is_a_mention_of_the_firm(extractor) -> None:
    art = Article(
        id="t.txt",
        title="Facebook hit with lawsuit over privacy",
        text="A user sued Facebook Inc in California on Friday. Facebook said it would fight.",
        published=PUB,
    )
    head = extractor.nlp(art.full_text)[0]
    assert head.pos_ == "NOUN" and not head.ent_type_  # what the model makes of the headline
    ex = extractor(art)
    first = ex.mentions[0]
    assert (first.text, first.start, first.end, first.entity, first.sentence) == (
        "Facebook",
        0,
        8,
        "firm/facebook",
        0,
    )
    assert first.kind is Kind.FIRM
    assert [m.start for m in ex.mentions] == sorted(m.start for m in ex.mentions)
    assert only(ex, EventType.LAWSUIT).role("defendant") == ("firm/facebook",)


@pytest.mark.slow
def test_pipeline_a_firms_shareholder_is_not_the_firm(extractor) -> None:
    ex = run(extractor, "A Quorvex Inc shareholder sued Brelmont Corp in Texas on Friday.")
    ev = only(ex, EventType.LAWSUIT)
    assert ev.role("defendant") == ("firm/brelmont",) and "firm/quorvex" not in ev.role("plaintiff")


@pytest.mark.slow
def test_pipeline_firm_eyeing_countries_plans_to_enter_them(extractor) -> None:
    ev = only(
        run(extractor, "Zelko Inc, a Finnish courier start-up, is now eyeing Denmark and Germany."),
        EventType.MARKET_ENTRY,
    )
    assert ev.role("firm") == ("firm/zelko",) and set(ev.role("market")) == {"place/dk", "place/de"}
    assert ev.status is Status.PLANNED and ev.rule == "market_entry.aim"
    ex = run(extractor, "Zelko Inc said phishing campaigns targeting Denmark had failed.")
    assert not [e for e in ex.events if e.type is EventType.MARKET_ENTRY]


@pytest.mark.slow
def test_pipeline_passive_roll_out_by_a_firm_the_parser_left_apart(extractor) -> None:
    ex = run(extractor, "An electric scooter scheme being rolled out in Lisbon by French firm Velora is running late.")
    ev = only(ex, EventType.MARKET_ENTRY)
    assert ev.role("firm") == ("firm/velora",) and ev.role("market") == ("place/lisbon",)


@pytest.mark.slow
def test_pipeline_firm_acquired_in_a_relative_clause(extractor) -> None:
    ex = run(extractor, "Zelko Inc said it may sell Brava Ltd, the Canadian retailer it acquired in 2004.")
    acq = [e for e in ex.events if e.type is EventType.ACQUISITION and e.role("target") == ("firm/brava",)]
    assert acq and acq[0].role("acquirer") == ("firm/zelko",)


@pytest.mark.slow
def test_pipeline_products_in_an_including_list_are_launched(extractor) -> None:
    ex = run(
        extractor,
        "Zelko Inc will unveil a slew of software upgrades next week, including Zelko Pad 5 and Zelko Maps 2.",
    )
    launched = {e.role("product")[0] for e in ex.events if e.type is EventType.PRODUCT_LAUNCH}
    assert {"product/zelko-pad-5", "product/zelko-maps-2"} <= launched
    ex = run(
        extractor, "Zelko Inc will unveil new products, including the Zelko Pad 5 tablet and the Zelko Maps 2 app."
    )
    launched = {e.role("product")[0] for e in ex.events if e.type is EventType.PRODUCT_LAUNCH}
    assert len(launched) == 2 and "product/zelko-maps-2" in launched


@pytest.mark.slow
def test_pipeline_in_jail_on_charges_is_a_lawsuit_against_the_subject(extractor) -> None:
    ev = only(run(extractor, "Mr Anton Berlov is in jail on charges of fraud and tax evasion."), EventType.LAWSUIT)
    assert ev.role("defendant") == ("person/anton-berlov",) and ev.rule == "lawsuit.charge"


@pytest.mark.slow
def test_pipeline_facing_legal_action_and_demonym_not_a_party(extractor) -> None:
    ev = only(run(extractor, "Brelmont Corp was already facing legal action in Texas."), EventType.LAWSUIT)
    assert ev.role("defendant") == ("firm/brelmont",)
    ex = run(extractor, "A Norwegian student was ordered by a court in Norway to pay damages.")
    assert all("place/no" not in e.role("defendant") for e in ex.events)


@pytest.mark.slow
def test_pipeline_criminal_charge_and_a_firms_suit_are_two_cases(extractor) -> None:
    ex = run(
        extractor,
        "Hollbrook Corp has been charged with conspiracy to steal trade secrets, prosecutors said. "
        "Separately, Vantor Inc filed a lawsuit against Hollbrook Corp over the same secrets.",
    )
    suits = [e for e in ex.events if e.type is EventType.LAWSUIT]
    assert len(suits) == 2 and all(e.role("defendant") == ("firm/hollbrook",) for e in suits)
    assert {e.role("plaintiff") for e in suits} == {(), ("firm/vantor",)}


@pytest.mark.slow
def test_pipeline_which_as_the_object_of_a_relative_clause_is_its_head(extractor) -> None:
    ex = run(extractor, "The work went to a former Vantor unit, Brava Systems, which Hollbrook Corp bought in 2008.")
    acq = only(ex, EventType.ACQUISITION)
    assert acq.role("acquirer") == ("firm/hollbrook",) and acq.role("target") == ("firm/brava-systems",)


@pytest.mark.slow
def test_pipeline_it_opening_a_sentence_is_the_one_firm_just_named(extractor) -> None:
    ex = run(
        extractor,
        "Kestrel Foods Inc said sales rose. Growth in the sector is being driven by Marlow Corp, the biggest grocer. "
        "It took the top spot when it bought Brava Ltd for $1bn in 2003.",
    )
    acq = only(ex, EventType.ACQUISITION)
    assert acq.role("acquirer") == ("firm/marlow",) and acq.role("target") == ("firm/brava",)


@pytest.mark.slow
def test_pipeline_status_pulled_out_fails_and_past_tense_under_say_completes(extractor) -> None:
    ev = only(
        run(extractor, "Marlow Corp pulled out of an agreement to buy Brava Ltd last week."), EventType.ACQUISITION
    )
    assert ev.status is Status.FAILED
    ex = run(extractor, "Regulators said the market had changed since Zelko Inc entered the Peruvian market in 2001.")
    assert only(ex, EventType.MARKET_ENTRY).status is Status.COMPLETED


@pytest.mark.slow
def test_pipeline_going_on_sale_later_is_the_launchers_and_one_event(extractor) -> None:
    ex = run(
        extractor,
        "Orvane Devices Inc. unveiled the Pelago smartwatch on Wednesday. "
        "The Pelago will go on sale in Canada in June.",
    )
    ev = only(ex, EventType.PRODUCT_LAUNCH)
    assert ev.role("firm") == ("firm/orvane-devices",) and ev.role("market") == ("place/ca",)


@pytest.mark.slow
def test_pipeline_data_centre_plan_and_its_opening_next_year_are_one_event(extractor) -> None:
    ex = run(
        extractor,
        "Cloud provider Vantor plans to build its first data centre in Peru, the company said on Thursday. "
        "Vantor said the new region would open next year.",
    )
    assert only(ex, EventType.DATA_CENTER_MOVE).role("to") == ("place/pe",)
    ex = run(
        extractor,
        "Cloud provider Vantor launched its second region in Peru on Tuesday. "
        "Vantor opened its first region in Peru back in 2009.",
    )
    assert len([e for e in ex.events if e.type is EventType.DATA_CENTER_MOVE]) == 2


@pytest.mark.slow
def test_pipeline_outsourcing_it_under_a_deal_with_a_provider(extractor) -> None:
    ex = run(
        extractor,
        "Marlow Stores Inc said it signed a seven-year deal worth $70 million with Vantor Corp "
        "to outsource its information technology services.",
    )
    ev = only(ex, EventType.DATA_CENTER_MOVE)
    assert ev.role("firm") == ("firm/marlow-stores",) and ev.role("provider") == ("firm/vantor",)


@pytest.mark.slow
def test_pipeline_merging_its_own_parts_is_no_acquisition_and_sources_are_not_referents(extractor) -> None:
    ex = run(extractor, "Last year Marlow Corp merged its Brava unit with Vantor Inc to form a new group.")
    assert not [e for e in ex.events if e.type is EventType.ACQUISITION and e.role("target") == ("firm/vantor",)]
    ex = run(
        extractor,
        "Zelko Inc's Peru launch is part of a wider drive, a Zelko Inc spokeswoman told Reuters. "
        "It opened its first store in Lima on Monday.",
    )
    assert {e.role("firm") for e in ex.events if e.type is EventType.MARKET_ENTRY} == {("firm/zelko",)}


@pytest.mark.slow
def test_pipeline_entering_a_country_and_its_city_is_one_entry(extractor) -> None:
    ex = run(
        extractor,
        "Zelko Inc said on Monday it will enter Japan next year. "
        "Zelko Inc will open its first store in Tokyo in March.",
    )
    ev = only(ex, EventType.MARKET_ENTRY)
    assert set(ev.role("market")) == {"place/jp", "place/tokyo"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "title",
    ["Halvard Textiles Inc sued over logo", "Halvard Textiles Inc sued in Delaware court"],
)
def test_pipeline_headline_past_form_without_object_is_passive(extractor, title) -> None:
    """ "X sued over Y" in a headline: X is sued, not suing."""
    art = Article(id="h.txt", title=title, text="The Oslo clothing maker said it would fight the claim.", published=PUB)
    ev = only(extractor(art), EventType.LAWSUIT)
    assert ev.role("defendant") == ("firm/halvard-textiles",) and not ev.role("plaintiff")


@pytest.mark.slow
def test_pipeline_moving_towards_cloud_services_is_no_data_centre_move(extractor) -> None:
    ex = run(extractor, "Under its new chief, Quorvex Inc has been moving towards areas such as cloud-based services.")
    assert not [e for e in ex.events if e.type is EventType.DATA_CENTER_MOVE]
    ev = only(
        run(extractor, "Quorvex Inc said on Monday it was moving its customers' data to the cloud."),
        EventType.DATA_CENTER_MOVE,
    )
    assert ev.role("firm") == ("firm/quorvex",)


@pytest.mark.slow
def test_pipeline_a_part_named_in_a_launched_products_name_is_not_launched(extractor) -> None:
    ex = run(extractor, "Brelmont Corp unveiled its Vexor-based Kestrel Z laptops on Tuesday.")
    launched = {k for e in ex.events if e.type is EventType.PRODUCT_LAUNCH for k in e.role("product")}
    assert "product/vexor" not in launched


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "product"),
    [
        ("Brelmont Corp last year introduced its Secure Homes Labelling Scheme for smart plugs.", "scheme"),
        ("Brelmont Corp launched its Bug Rewards Program on Tuesday.", "program"),
    ],
)
def test_pipeline_schemes_and_programmes_are_not_products(extractor, text, product) -> None:
    ex = run(extractor, text)
    assert not [e for e in ex.entities if e.kind is Kind.PRODUCT and product in e.key]
    assert not [e for e in ex.events if e.type is EventType.PRODUCT_LAUNCH]


@pytest.mark.slow
def test_pipeline_paying_for_a_firms_building_is_no_acquisition(extractor) -> None:
    ex = run(extractor, "Quorvex Inc paid $120 million for the historic Brelmont Corp building in Oslo last year.")
    assert not [e for e in ex.events if e.type is EventType.ACQUISITION]
    ex = run(extractor, "Quorvex Inc paid $120 million for Brelmont Corp last year.")
    assert only(ex, EventType.ACQUISITION).role("target") == ("firm/brelmont",)


@pytest.mark.slow
def test_pipeline_the_x_company_is_the_firm_the_article_called_x(extractor) -> None:
    ex = run(
        extractor,
        "Quorvex Inc, a cybersecurity ratings company, said on Monday its sales rose. Brelmont Corp will invest "
        "$20 million in the start-up. The cybersecurity company will also buy Vantor Inc.",
    )
    assert only(ex, EventType.ACQUISITION).role("acquirer") == ("firm/quorvex",)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Brelmont Corp, the Vexor maker, said on Monday its sales rose.",
        "Vexor creator Brelmont Corp said on Monday its sales rose.",
    ],
)
def test_pipeline_what_a_maker_makes_is_a_product(extractor, text) -> None:
    ex = run(extractor, text)
    kinds = {e.key: e.kind for e in ex.entities}
    assert kinds.get("product/vexor") is Kind.PRODUCT and "firm/vexor" not in kinds
    assert kinds.get("firm/brelmont") is Kind.FIRM


@pytest.mark.slow
def test_pipeline_have_sued_without_object_is_still_active(extractor) -> None:
    ex = run(extractor, "Brelmont Corp and Vantor Inc have sued to reverse the sale, arguing the board was misled.")
    defendants = {k for e in ex.events if e.type is EventType.LAWSUIT for k in e.role("defendant")}
    assert not defendants & {"firm/brelmont", "firm/vantor"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "acquirer"),
    [
        # no firm subject in the sentence: "its" is the firm named before it there
        (
            "Brelmont Corp reported strong sales on Monday. The patent unit is set to shrink at Quorvex Inc "
            "after its planned takeover of Vantor Inc.",
            "firm/quorvex",
        ),
        (
            "Brelmont Corp reported strong sales on Monday. This is not Quorvex's first deal -- it previously "
            "bought Vantor Inc.",
            "firm/quorvex",
        ),
        # the sentence's subject is "the retailer": "it" is that firm, not a rival named in between
        (
            "Quorvex Inc said sales fell on Monday. The electronics retailer, which competes with Brelmont Corp, "
            "said it bought Vantor Inc last year.",
            "firm/quorvex",
        ),
    ],
)
def test_pipeline_it_means_the_firm_its_sentence_names(extractor, text, acquirer) -> None:
    acq = [e for e in run(extractor, text).events if e.type is EventType.ACQUISITION]
    assert [e.role("acquirer") for e in acq] == [(acquirer,)]


@pytest.mark.slow
def test_pipeline_a_release_in_a_time_phrase_is_not_the_subjects(extractor) -> None:
    ex = run(
        extractor,
        "Brelmont Corp chief Anna Vik praised the tool. Vik, like many other users, stopped working after the "
        "release of Vexor 80 in February.",
    )
    launches = [e for e in ex.events if e.type is EventType.PRODUCT_LAUNCH]
    assert not [e for e in launches if "firm/brelmont" in e.role("firm")]


@pytest.mark.slow
def test_pipeline_which_is_what_its_clause_is_about(extractor) -> None:
    ex = run(
        extractor,
        "Quorvex Inc said sales rose on Monday. The deal will replace the Safe Port framework, which a top EU "
        "court ruled illegal last year.",
    )
    assert not [e for e in ex.events if e.type is EventType.LAWSUIT and "firm/quorvex" in e.role("defendant")]


@pytest.mark.slow
def test_pipeline_moving_to_servers_is_still_a_move(extractor) -> None:
    ev = only(
        run(extractor, "Quorvex Inc moved its customer data to Brelmont Corp's servers in Ireland."),
        EventType.DATA_CENTER_MOVE,
    )
    assert ev.role("firm") == ("firm/quorvex",)


#: Sentences that state no event of the type: (text, type, why).
NO_EVENT = [
    (
        "The new Brelmont Corp router promises to bring office-level networking capabilities to home offices.",
        EventType.DATA_CENTER_MOVE,
        "moved nowhere a data centre or cloud is named",
    ),
    (
        "Quorvex Inc took the wraps off its security chip, with the goal of bringing it to all laptops.",
        EventType.DATA_CENTER_MOVE,
        "the pronoun 'it' is no IT",
    ),
    (
        "Brelmont Bank has urged lenders to remain cautious when switching to the cloud.",
        EventType.DATA_CENTER_MOVE,
        "the lenders switch, not the bank that urges them",
    ),
    (
        "Once installed, the Zorbit rootkit made by Brelmont Corp redirects web traffic to a proxy server.",
        EventType.DATA_CENTER_MOVE,
        "one server is no data centre",
    ),
    (
        "Analysts said the deal gives Quorvex Inc far less than it would have gained had it also taken over Vantor Inc.",
        EventType.ACQUISITION,
        "a counterfactual",
    ),
    (
        "Quorvex Inc would be twice as big today if it had bought Vantor Inc in 2010.",
        EventType.ACQUISITION,
        "a counterfactual",
    ),
    (
        "Brelmont Corp makes the Zorbit server. It also now includes Quorvex Inc's latest Vexor 6 release.",
        EventType.PRODUCT_LAUNCH,
        "a release in use is a version, no launch",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "etype", "why"), NO_EVENT, ids=[why for _, _, why in NO_EVENT])
def test_pipeline_states_no_event(extractor, text, etype, why) -> None:
    assert not [e for e in run(extractor, text).events if e.type is etype], why
