"""kg.explain and ``kg explain``: evidence with highlighted mentions, firms with their sentences."""

from __future__ import annotations

import pytest

from kg.cli import cli
from kg.errors import QueryError
from kg.explain import BOLD, explain, highlight, resolve
from kg.model import Article, Entity, Event, EventType, Extraction, Kind, Mention, Status
from kg.rdf import event_iri, to_graph
from kg.store import close_store, open_store, replace

TEXT = "Orla Foods sues Brask over recipes\n\nOrla Foods Inc. sued Brask in Oslo on Monday. Brask, a bakery chain, said Orla had no case."


def _mention(text: str, kind: Kind, key: str, sentence: int, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    return Mention(text, kind, start, start + len(text), key, sentence)


@pytest.fixture
def lawsuit_extraction() -> Extraction:
    title, body = TEXT.split("\n\n")
    article = Article("news/orla.txt", title, body, url="https://example.org/orla")
    ents = (
        Entity("firm/orla-foods", Kind.FIRM, "Orla Foods", frozenset({"Orla Foods Inc.", "Orla"})),
        Entity("firm/brask", Kind.FIRM, "Brask"),
        Entity("place/oslo", Kind.CITY, "Oslo"),
    )
    s1 = TEXT.index("Orla Foods Inc.")
    s2 = TEXT.index("Brask, a bakery")
    sentences = ((0, s1), (s1, s2), (s2, len(TEXT)))
    mentions = (
        _mention("Orla Foods", Kind.FIRM, "firm/orla-foods", 0),
        _mention("Brask", Kind.FIRM, "firm/brask", 0),
        _mention("Orla Foods Inc.", Kind.FIRM, "firm/orla-foods", 1),
        _mention("Brask", Kind.FIRM, "firm/brask", 1, nth=1),
        _mention("Oslo", Kind.CITY, "place/oslo", 1),
        _mention("Brask", Kind.FIRM, "firm/brask", 2, nth=2),
        _mention("Orla", Kind.FIRM, "firm/orla-foods", 2, nth=2),
    )
    event = Event(
        EventType.LAWSUIT,
        (("plaintiff", "firm/orla-foods"), ("defendant", "firm/brask"), ("jurisdiction", "place/oslo")),
        status=Status.ANNOUNCED,
        evidence=("Orla Foods Inc. sued Brask in Oslo on Monday.",),
        confidence=0.8,
        rule="lawsuit.sue",
    )
    return Extraction(article, mentions, ents, (event,), sentences)


@pytest.fixture
def explain_store(tmp_path, lawsuit_extraction):
    path = tmp_path / "store"
    ds = open_store(path)
    replace(ds, to_graph(lawsuit_extraction))
    close_store(ds)
    return path


@pytest.fixture
def explain_ds(lawsuit_extraction):
    ds = open_store()
    replace(ds, to_graph(lawsuit_extraction))
    return ds


def test_explain_highlight_marks_spans() -> None:
    assert highlight("ab cd", [(3, 5)]) == "ab [[cd]]"
    assert highlight("ab cd", [(0, 2)], ansi=True) == f"{BOLD[0]}ab{BOLD[1]} cd"
    assert highlight("ab", [(1, 9)]) == "ab"  # a span past the end is left out


@pytest.mark.parametrize("value", ["Orla Foods", "orla foods inc.", "ORLA", "firm/orla-foods", "res:firm/orla-foods"])
def test_explain_resolve_names_keys_and_iris(explain_ds, value: str) -> None:
    assert str(resolve(explain_ds, value)).endswith("firm/orla-foods")


def test_explain_resolve_unknown_name(explain_ds) -> None:
    with pytest.raises(QueryError, match="nothing named 'Nobody'"):
        resolve(explain_ds, "Nobody")


def test_explain_resolve_does_not_paste_values_into_queries(explain_ds) -> None:
    with pytest.raises(QueryError, match="nothing named"):
        resolve(explain_ds, '" } ?x ?y ?z { "')


def test_explain_event_shows_evidence_rule_confidence_article(explain_ds, lawsuit_extraction) -> None:
    node = event_iri("news/orla.txt", lawsuit_extraction.events[0])
    text = explain(explain_ds, str(node))
    assert text.splitlines()[0] == f"Lawsuit {node}"
    assert "rule: lawsuit.sue   confidence: 0.8" in text
    assert "article: news/orla.txt — Orla Foods sues Brask over recipes <https://example.org/orla>" in text
    assert "[[Orla Foods Inc.]] sued [[Brask]] in [[Oslo]] on Monday." in text
    assert "defendant: Brask" in text and "status: announced" in text


def test_explain_firm_shows_aliases_sentences_and_events(explain_ds) -> None:
    text = explain(explain_ds, "Brask")
    lines = text.splitlines()
    assert lines[0].startswith("Firm Brask <")
    assert (
        "mentioned in news/orla.txt — Orla Foods sues Brask over recipes <https://example.org/orla> (3 mentions)"
        in text
    )
    # each mention is marked where its offsets put it, not at the first occurrence of the name
    assert "    Orla Foods sues [[Brask]] over recipes" in lines
    assert "    [[Brask]], a bakery chain, said Orla had no case." in lines
    assert any(line.strip().startswith("Lawsuit as defendant (news/orla.txt; confidence 0.8)") for line in lines)
    assert "aliases: Orla, Orla Foods Inc." in explain(explain_ds, "Orla")


def test_explain_cli_plain_and_color(runner, explain_store) -> None:
    plain = runner.invoke(cli, ["explain", "--store", str(explain_store), "brask"])
    assert plain.exit_code == 0, plain.output
    assert "[[Brask]]" in plain.output
    bold = runner.invoke(cli, ["explain", "--store", str(explain_store), "brask", "--color"])
    assert BOLD[0] + "Brask" + BOLD[1] in bold.output


def test_explain_cli_unknown_is_one_line_exit_1(runner, explain_store) -> None:
    result = runner.invoke(cli, ["explain", "--store", str(explain_store), "Nobody"])
    assert result.exit_code == 1
    assert "Error: nothing named 'Nobody'" in result.output


def test_explain_firm_of_two_articles_names_each(explain_ds, lawsuit_extraction) -> None:
    """A firm node stored by two articles: its type once, both articles, the aliases of both."""
    import dataclasses

    other = dataclasses.replace(
        lawsuit_extraction,
        article=dataclasses.replace(lawsuit_extraction.article, id="news/orla-2.txt"),
        entities=(
            Entity("firm/orla-foods", Kind.FIRM, "Orla Foods", frozenset({"Orla Group"})),
            *lawsuit_extraction.entities[1:],
        ),
    )
    replace(explain_ds, to_graph(other))
    text = explain(explain_ds, "firm/orla-foods")
    assert text.splitlines()[0].startswith("Firm Orla Foods <")
    assert "aliases: Orla, Orla Foods Inc., Orla Group" in text
    assert "mentioned in news/orla-2.txt" in text and "mentioned in news/orla.txt" in text
