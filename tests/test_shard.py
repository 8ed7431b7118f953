"""Shards: a stable hash of the article id splits any input into N slices that partition it exactly."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import FakeExtractor

from kg.cli import cli
from kg.ingest import ingest
from kg.parallel import parse_shard, shard_of
from kg.store import export, open_store


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_shard_partitions_ids_exactly(count):
    ids = [f"batch{i // 50:02d}/article-{i:04d}.txt" for i in range(1000)] + ["dump.jsonl#7", "é/ü.txt", ""]
    slices = [{i for i in ids if shard_of(i, count) == k} for k in range(count)]
    assert sum(len(s) for s in slices) == len(ids)
    assert set().union(*slices) == set(ids)
    assert all(len(s) > 0.7 * len(ids) / count for s in slices)  # roughly even


def test_shard_is_stable_across_processes():
    # fixed values: a change of hash would send articles to other machines than before
    assert [shard_of("tech/001.txt", n) for n in (1, 2, 3, 4, 10)] == [0, 1, 0, 3, 5]
    code = "from kg.parallel import shard_of; print(shard_of('tech/001.txt', 10))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONHASHSEED": "123"})
    assert other.stdout.strip() == "5"


@pytest.mark.parametrize(
    ("text", "message"),
    [("3/3", "with 3 shards the index is 0, 1 or 2"), ("1/0", "at least 1"), ("a/b", "expected I/N"), ("2", "I/N")],
)
def test_shard_parse_refuses(text, message):
    with pytest.raises(ValueError, match=message):
        parse_shard(text)


def test_shard_ingests_add_up_to_the_whole(generated_articles, articles_dir, export_of):
    sources = [generated_articles, articles_dir]
    whole, expected = export_of(sources, extractor=FakeExtractor())
    ds = open_store()
    reports = [ingest(sources, ds, extractor=FakeExtractor(), shard=(k, 3)) for k in range(3)]
    assert export(ds) == expected
    assert sum(r.articles for r in reports) == whole.articles == 303
    assert all(r.articles > 50 for r in reports)
    skipped = sorted(e.path for r in reports for e in r.skipped)
    assert skipped == sorted(e.path for e in whole.skipped) == ["broken.txt", "empty.txt"]  # each reported once


def test_shard_cli_option(runner, tmp_path, generated_articles, fake_ingest_cli):
    counts = []
    for k in range(2):
        result = runner.invoke(
            cli, ["ingest", str(generated_articles), "--store", str(tmp_path / "s"), "--shard", f"{k}/2"]
        )
        assert result.exit_code == 0, result.output
        counts.append(int(result.output.split(" article")[0]))
    assert sum(counts) == 300 and min(counts) > 100
    bad = runner.invoke(cli, ["ingest", str(generated_articles), "--store", str(tmp_path / "t"), "--shard", "2/2"])
    assert bad.exit_code == 2 and "shard 2/2 does not exist" in bad.output
