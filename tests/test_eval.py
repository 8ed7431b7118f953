"""``kg eval``: ingest a gold file's articles into a temporary store and score them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cli import cli
from kg.cli.eval import default_scorer, gold_docs
from kg.errors import KgError

DATA = Path(__file__).parent / "data" / "extract" / "eval"


def test_eval_gold_docs_lists_docs(tmp_path) -> None:
    assert gold_docs(DATA / "gold.jsonl")[0] == "news/korvath-buys-pellinore.txt"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc": "a.txt"}\n\nnot json\n', encoding="utf-8")
    with pytest.raises(KgError, match="bad.jsonl line 3"):
        gold_docs(bad)


def test_eval_missing_doc_is_reported(runner, tmp_path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc": "nowhere.txt", "events": []}\n', encoding="utf-8")
    scorer = tmp_path / "score.py"
    scorer.write_text("print('never')\n", encoding="utf-8")
    result = runner.invoke(cli, ["eval", str(gold), str(tmp_path), "--scorer", str(scorer)])
    assert result.exit_code == 1
    assert "nowhere.txt: not found under" in result.output


@pytest.mark.slow
@pytest.mark.skipif(default_scorer() is None, reason="no ../shared/eval/score.py")
def test_eval_scores_a_tiny_gold(runner) -> None:
    result = runner.invoke(cli, ["eval", str(DATA / "gold.jsonl"), str(DATA / "corpus")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["P", "R", "F1", "tp", "fp", "fn"]
    assert any(line.startswith("all events") for line in lines)
    assert "3/3 articles" in result.output
    assert lines[-1].startswith("3 articles in ") and lines[-1].endswith(" s per article")
