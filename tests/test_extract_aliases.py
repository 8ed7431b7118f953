"""Users' own entities and aliases (kg.extract.aliases), the listed-company gazetteer, and the
EntityRuler made from an aliases file."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from kg.extract.aliases import AliasFileError, parse_aliases, read_aliases
from kg.extract.entities import resolve_entities
from kg.extract.firms import lookup_firm
from kg.extract.pipeline import add_user_entities
from kg.model import Kind

ALIASES = Path(__file__).parent / "data" / "extract" / "aliases" / "aliases.csv"


def test_aliases_file_groups_rows_of_one_entity() -> None:
    lex = read_aliases(ALIASES)
    korvath = lex.lookup("KVS")
    assert korvath is not None
    assert korvath.key == "firm/korvath-systems"
    assert korvath.aliases == ("Korvath", "KVS")
    assert korvath.links == ("https://www.wikidata.org/wiki/Q4115189",)
    assert lex.lookup("korvath systems inc.") is korvath
    assert lex.lookup("The Tessel").kind is Kind.PRODUCT


def test_aliases_key_column_and_places() -> None:
    lex = parse_aliases("kind,name,alias,key\nfirm,Orla Foods,Orla,firm/orla\nplace,Germany,Deutschland\n")
    assert lex.lookup("Orla").key == "firm/orla"
    assert lex.lookup("Deutschland").key == "place/de"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("name,alias\nX,Y\n", "line 1: the header must name the columns kind, name, alias"),
        ("kind,name,alias\nfirma,X,\n", "line 2: unknown kind 'firma'; expected one of: firm, person, place, product"),
        ("kind,name,alias\nfirm,,X\n", "line 2: empty name"),
        ("kind,name,alias\nfirm,A,B,C\n", "line 2: 4 cells, but the header names 3 columns"),
        ("kind,name,alias\nfirm,Alpha,Al\nfirm,Beta,al\n", "line 3: 'al' already names firm 'Alpha' (line 2)"),
        ("kind,name,alias,link\nfirm,A,,ftp://x\n", "line 2: link 'ftp://x' is not an http(s) URL"),
        ("kind,name,alias,key\nfirm,A,,product/a\n", "line 2: key 'product/a' of a firm must start with 'firm/'"),
    ],
)
def test_aliases_bad_file_names_the_line(text: str, message: str) -> None:
    with pytest.raises(AliasFileError, match="^x.csv") as err:
        parse_aliases(text, "x.csv")
    assert message in str(err.value)


def test_aliases_missing_file() -> None:
    with pytest.raises(AliasFileError, match="no such file"):
        read_aliases("/nonexistent/aliases.csv")


def test_aliases_comments_and_blank_lines_are_skipped() -> None:
    lex = parse_aliases("\nkind,name,alias\n# a comment,,\n\nfirm,Orla Foods,\n")
    assert len(lex) == 1


def test_firms_gazetteer_links_listed_companies() -> None:
    assert lookup_firm("Microsoft").link == "https://en.wikipedia.org/wiki/Microsoft"
    assert lookup_firm("Nordwind Outdoor") is None


def test_aliases_ruler_finds_and_merges_listed_names() -> None:
    """On a blank pipeline (no model), the ruler alone tags the names; all resolve to one key."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    add_user_entities(nlp, read_aliases(ALIASES))
    doc: Doc = nlp("Korvath Systems bought a rival. KVS said korvath would grow.")
    assert [e.text for e in doc.ents] == ["Korvath Systems", "KVS", "korvath"]
    for t in doc:  # what the parser would say, enough for the entity rules
        t.pos_ = "PROPN" if t.text[0].isupper() else "X"
    ents = resolve_entities(doc, lexicon=read_aliases(ALIASES))
    firm = ents.entities["firm/korvath-systems"]
    assert firm.name == "Korvath Systems"
    assert firm.links == ("https://www.wikidata.org/wiki/Q4115189",)
    assert {m.text for m in ents.mentions if m.entity == firm.key} == {"Korvath Systems", "KVS", "korvath"}


@pytest.mark.slow
def test_aliases_extractor_with_model() -> None:
    from kg.extract import get_extractor
    from kg.model import Article

    ex = get_extractor("rules", aliases=ALIASES)
    x = ex(Article("a.txt", "Tessel sales", "The Tessel sold well, KVS said on Monday."))
    keys = {e.key for e in x.entities}
    assert {"firm/korvath-systems", "product/tessel-hub"} <= keys
    assert x.sentences and x.sentence_text(0).startswith("Tessel sales")
