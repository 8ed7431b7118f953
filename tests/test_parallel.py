"""Extraction in worker processes: the same bytes as one process, bounded, robust, and honest about what cannot travel."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import FakeExtractor, FlakyExtractor

import kg.parallel
from kg.cli import cli
from kg.ingest import Outcome, _Writer, extract_outcomes, ingest_articles
from kg.model import Article, Extraction
from kg.parallel import extract_to_nquads, resolve_extractor, run_parallel, unshippable
from kg.store import export, open_store

TESTS = Path(__file__).resolve().parent


def test_parallel_export_matches_one_worker(generated_articles, export_of):
    one, expected = export_of(generated_articles, extractor=FakeExtractor(), workers=1)
    two, got = export_of(generated_articles, extractor=FakeExtractor(), workers=2, batch_size=8)
    assert got == expected
    assert (two.articles, two.entities, two.events) == (one.articles, one.entities, one.events)
    assert two.articles == 300


def test_parallel_cli_workers_give_the_same_bytes(runner, tmp_path, generated_articles, fake_ingest_cli):
    exports = []
    for workers in ("1", "2"):
        store = tmp_path / f"s{workers}"
        args = ["ingest", str(generated_articles), "--store", str(store), "--workers", workers, "--batch-size", "8"]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert "300 articles" in result.output
        out = tmp_path / f"{workers}.nq"
        assert runner.invoke(cli, ["export", "--store", str(store), "-o", str(out)]).exit_code == 0
        exports.append(out.read_bytes())
    assert exports[0] == exports[1]


def test_parallel_failures_stay_one_articles():
    arts = [Article(f"{i:03d}.txt", "BOOM" if i in (7, 50) else f"Firm{i} news", "Text.") for i in range(64)]
    ds = open_store()
    report = ingest_articles(arts, ds, extractor=FlakyExtractor(), workers=2, batch_size=8)
    assert report.articles == 62
    assert [(e.path, e.reason) for e in report.skipped] == [
        ("007.txt", "extraction failed: RuntimeError: cannot read 007.txt"),
        ("050.txt", "extraction failed: RuntimeError: cannot read 050.txt"),
    ]


def test_parallel_reads_a_bounded_window_ahead():
    taken = []

    def articles():
        for i in range(10_000):
            taken.append(i)
            yield Article(f"{i}.txt", f"Firm{i} news", "Text.")

    stream = run_parallel(articles(), FakeExtractor(), workers=2, batch_size=4, in_flight=3)
    first = next(stream)  # the head is extracted here, as it is read
    assert first.article_id == "0.txt" and first.update.startswith("DROP SILENT GRAPH")
    assert len(taken) == 1
    for _ in range(40):
        next(stream)
    assert len(taken) <= 41 + (3 + 1) * 4  # what came out, the tasks in flight, the one being cut
    stream.close()


def test_parallel_short_input_starts_no_process(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a process pool was started")

    monkeypatch.setattr(kg.parallel, "ProcessPoolExecutor", refuse)
    arts = [Article(f"{i}.txt", f"Firm{i} news", "Text.") for i in range(15)]
    outcomes = list(run_parallel(arts, FakeExtractor(), workers=2, batch_size=16))
    assert [o.article_id for o in outcomes] == [a.id for a in arts] and all(o.update for o in outcomes)


def test_parallel_extractor_that_cannot_travel_runs_here(caplog):
    def nothing(articles):
        return (Extraction(a) for a in articles)

    arts = [Article(f"{i}.txt", "T", "B.") for i in range(40)]
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        report = ingest_articles(arts, open_store(), extractor=nothing, workers=2, batch_size=4)
    assert report.articles == 40
    assert "extracting in this process, not in 2 workers" in caplog.text and "cannot be pickled" in caplog.text


class _Main(FakeExtractor):
    pass


_Main.__module__ = "__main__"


@pytest.mark.parametrize(
    ("extractor", "words"),
    [
        (FakeExtractor(), None),
        (lambda articles: iter(()), "lambda"),
        (_Main(), "__main__"),
        (resolve_extractor("rules"), None),
    ],
)
def test_parallel_unshippable_says_why(extractor, words):
    reason = unshippable(extractor)
    assert reason is None if words is None else words in reason


def test_parallel_resolve_extractor_by_path():
    assert isinstance(resolve_extractor("conftest:FakeExtractor"), FakeExtractor)
    with pytest.raises(ValueError, match="has no 'Nope'"):
        resolve_extractor("conftest:Nope")
    with pytest.raises(ValueError, match="unknown extractor 'nope'"):
        resolve_extractor("nope")


def test_parallel_cli_extractor_by_path_and_bad_name(runner, tmp_path, articles_dir):
    store = tmp_path / "s"
    ok = runner.invoke(
        cli, ["ingest", str(articles_dir), "--store", str(store), "--extractor", "conftest:FakeExtractor"]
    )
    assert ok.exit_code == 0, ok.output
    assert "3 articles" in ok.output
    bad = runner.invoke(cli, ["ingest", str(articles_dir), "--store", str(tmp_path / "t"), "--extractor", "no.such:X"])
    assert bad.exit_code == 2 and "cannot import the extractor module 'no.such'" in bad.output


def test_parallel_cli_warns_when_the_extractor_cannot_travel(runner, tmp_path, articles_dir, monkeypatch):
    import kg.extract

    monkeypatch.setattr(kg.extract, "get_extractor", lambda name="rules", **kw: _Main())
    args = ["ingest", str(articles_dir), "--store", str(tmp_path / "s"), "--workers", "2"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "warning: extracting in this process, not in 2 workers" in result.output


def test_parallel_batched_write_isolates_a_bad_article():
    arts = [Article(f"{i}.txt", f"Firm{i} news", "Text.") for i in range(3)]
    outcomes = list(extract_outcomes(arts, FakeExtractor(), prepare=True))
    bad = Outcome(outcomes[1].article_id, outcomes[1].extraction, update="DROP GRAPH <broken", found=1)
    ds = open_store()
    errors = _Writer(ds).write([outcomes[0], bad, outcomes[2]])
    assert errors[0] == errors[2] == "" and errors[1].startswith("cannot store: SyntaxError")
    assert export(ds).count(b"<https://w3id.org/cekg/resource/article/") > 0
    assert b"article/1.txt" not in export(ds) and b"article/2.txt" in export(ds)


def test_parallel_extract_to_nquads_is_the_articles_graph(generated_articles, export_of):
    from kg.loaders import load

    article = next(iter(load(generated_articles)))
    lines = extract_to_nquads(article, FakeExtractor())
    _, whole = export_of(generated_articles, extractor=FakeExtractor())
    graph = f"<https://w3id.org/cekg/resource/article/{article.id}> .\n".encode()
    assert lines.encode() == b"".join(line + b"\n" for line in whole.splitlines() if line.endswith(graph[:-1]))


SCRIPT = """
import sys
from conftest import SlowExtractor
from kg.ingest import ingest
from kg.store import open_store

if __name__ == "__main__":
    ingest(sys.argv[1], open_store(sys.argv[2]), extractor=SlowExtractor(), workers=2, batch_size=4)
"""


@pytest.mark.slow
def test_parallel_workers_end_with_a_killed_writer(tmp_path, generated_articles):
    script = tmp_path / "writer.py"
    script.write_text(SCRIPT, encoding="utf-8")
    path = os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path, "KG_TEST_DELAY": "0.5"}
    writer = subprocess.Popen([sys.executable, str(script), str(generated_articles), str(tmp_path / "s")], env=env)
    try:
        parent = psutil.Process(writer.pid)
        deadline = time.monotonic() + 60
        workers: list[psutil.Process] = []
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = [p for p in parent.children() if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2, "the worker processes did not start"
        children = parent.children(recursive=True)  # the workers, and multiprocessing's resource tracker
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    gone, alive = psutil.wait_procs(children, timeout=20)
    assert alive == []


def test_parallel_writer_flushes_the_store_to_keep_memory_flat(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules["kg.ingest"], "FLUSH_BYTES", 2000)  # kg.ingest is also a function
    writer = _Writer(open_store(tmp_path / "s"))
    flushes = []
    writer._flush = lambda: flushes.append(1)
    arts = [Article(f"{i}.txt", f"Firm{i} news", "Text.") for i in range(10)]
    for outcome in extract_outcomes(arts, FakeExtractor(), prepare=True):
        assert writer.write([outcome]) == [""]
    assert 2 <= len(flushes) < 10


def test_parallel_long_input_extracts_nothing_in_the_writer(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("extracted in the writing process")

    monkeypatch.setattr(kg.parallel, "extract_outcomes", refuse)  # the workers keep theirs
    arts = [Article(f"{i}.txt", f"Firm{i} news", "Text.") for i in range(20)]
    outcomes = list(run_parallel(arts, FakeExtractor(), workers=2, batch_size=4, head=0))
    assert [o.article_id for o in outcomes] == [a.id for a in arts]
