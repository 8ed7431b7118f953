"""Every benchmark script runs, on a tiny input, and prints its table."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
SAMPLES = ROOT / "kg" / "samples"


def _run(*args: str, timeout: float = 120) -> str:
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_benchmarks_every_script_is_smoke_tested():
    tested = {"make_store", "bench_queries", "bench_ingest", "bench_memory", "bench_viz", "profile_ingest"}
    tested |= {"rule_precision"}  # tests/test_rule_precision.py
    assert {p.stem for p in BENCH.glob("*.py")} <= tested


@pytest.mark.slow
def test_benchmarks_make_store_and_queries(tmp_path):
    store, nq = tmp_path / "store", tmp_path / "q.nq"
    out = _run(str(BENCH / "make_store.py"), "--triples", "3000", "--store", str(store), "--nquads", str(nq))
    assert "quads in" in out and nq.stat().st_size > 0
    only = ["lawsuits", "firm-timeline", "event-evidence", "events-since", "lawsuits-by-subject"]
    out = _run(
        str(BENCH / "bench_queries.py"), "--store", str(store), "--nquads", str(nq), "--runs", "2", "--only", *only
    )
    assert "| query | rows | Oxigraph through kg |" in out
    for name in only:
        assert f"| {name} |" in out and "rows!" not in out  # both stores gave the same row count


@pytest.mark.slow
def test_benchmarks_ingest_throughput():
    out = _run(str(BENCH / "bench_ingest.py"), "--corpus", str(SAMPLES), "--rounds", "1", "--workers", "1")
    assert "8 articles" in out and "| kg ingest |" in out and "ratio kg / bare" in out


@pytest.mark.slow
def test_benchmarks_memory():
    out = _run(str(BENCH / "bench_memory.py"), "--corpus", str(SAMPLES), "--times", "1", "2", "--workers", "1")
    assert "| 1x |" in out and "| 2x |" in out


def test_benchmarks_viz():
    out = _run(str(BENCH / "bench_viz.py"), "--sizes", "60", "--repeat", "1")
    assert "pagerank" in out and "louvain" in out


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("py-spy") is None and not (Path(sys.executable).parent / "py-spy").exists(), reason="needs py-spy"
)
def test_benchmarks_profile_ingest():
    done = subprocess.run(
        [sys.executable, str(BENCH / "profile_ingest.py"), "--corpus", str(SAMPLES), "--rate", "200"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    if done.returncode != 0 and "Permission" in done.stderr + done.stdout:
        pytest.skip("py-spy may not trace processes here")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| stage | samples | share |" in done.stdout and "spaCy" in done.stdout
