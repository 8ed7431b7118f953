"""Crash safety and one writer: SIGKILL mid-ingest leaves whole articles; a store in use is refused or read safely."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest

from kg.store import close_store, open_store, oxigraph_of

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

QUERY = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a cek:Article }"


def _env(delay: float) -> dict[str, str]:
    return {**os.environ, "KG_TEST_DELAY": str(delay), "PYTHONUNBUFFERED": "1"}


def _ingest(kg_command, folder: Path, store: Path, delay: float = 0.0, include: str = "") -> subprocess.Popen:
    args = [*kg_command, "ingest", str(folder), "--store", str(store), "--extractor", "slowfake", "--no-progress"]
    args += ["--include", include] if include else []
    return subprocess.Popen(args, env=_env(delay), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(proc: subprocess.Popen, n: int) -> None:
    """Read the writer's "extracting N" lines until the n-th (article n-1 is then written)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == f"extracting {n}":
            return
    raise AssertionError(
        f"the ingest ended before article {n}: {proc.wait()} {proc.stderr.read() if proc.stderr else ''}"
    )


def _graphs(store: Path) -> dict[str, frozenset[str]]:
    """Every named graph in the store, as the set of its triples in N-Triples."""
    ds = open_store(store, read_only=True)
    try:
        graphs: dict[str, set[str]] = defaultdict(set)
        for q in oxigraph_of(ds).quads_for_pattern(None, None, None, None):
            graphs[str(q.graph_name)].add(str(q.triple))
        return {name: frozenset(triples) for name, triples in graphs.items()}
    finally:
        close_store(ds)


def _export(kg_command, store: Path, out: Path) -> bytes:
    done = subprocess.run(
        [*kg_command, "export", "--store", str(store), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def _listing(store: Path) -> dict[str, tuple[int, int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino) for p in sorted(store.iterdir())}


def test_crash_sigkill_leaves_whole_articles_and_rerun_matches(
    tmp_path, kg_command, generated_articles, reference_ingest
):
    reference, reference_export = _graphs(reference_ingest[0]), reference_ingest[1]
    assert len(reference) == 300
    store = tmp_path / "crashed"
    for kill_after in (60, 180):  # two crashes, the second over a store that already holds articles
        proc = _ingest(kg_command, generated_articles, store, delay=0.003)
        _wait_for(proc, kill_after)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        ds = open_store(store)  # the OS released RocksDB's lock with the process: a writer may open it
        close_store(ds)
        graphs = _graphs(store)
        assert kill_after - 1 <= len(graphs) < 300
        half_written = [name for name, triples in graphs.items() if triples != reference[name]]
        assert half_written == []
    proc = _ingest(kg_command, generated_articles, store)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert _export(kg_command, store, tmp_path / "after.nq") == reference_export


def test_crash_second_writer_fails_at_once_and_touches_nothing(tmp_path, kg_command, generated_articles):
    store = tmp_path / "s"
    writer = _ingest(kg_command, generated_articles, store, delay=0.05, include="batch00/*")
    try:
        _wait_for(writer, 10)
        os.kill(writer.pid, signal.SIGSTOP)  # freeze the writer, so that any change is the second's
        before = _listing(store)
        start = time.perf_counter()
        args = [*kg_command, "ingest", str(generated_articles), "--store", str(store), "--extractor", "slowfake"]
        second = subprocess.run(args, capture_output=True, text=True, timeout=120, env=_env(0))
        assert second.returncode == 1
        assert "is in use by another process" in second.stderr and "Traceback" not in second.stderr
        assert "extracting" not in second.stdout  # it read no article
        assert time.perf_counter() - start < 30
        assert _listing(store) == before

        query = [*kg_command, "query", "--store", str(store), "-e", QUERY, "--format", "csv"]
        read = subprocess.run(query, capture_output=True, text=True, timeout=120)
        assert read.returncode == 0, read.stderr
        assert 9 <= int(read.stdout.splitlines()[1]) < 50  # a consistent copy, read while the writer holds the store
        assert _listing(store) == before
        assert not list(tmp_path.glob(".s.snapshot-*"))  # the private copy is gone
    finally:
        os.kill(writer.pid, signal.SIGCONT)
    _, err = writer.communicate(timeout=600)
    assert writer.returncode == 0, err


def test_crash_reader_beside_a_running_writer_sees_whole_articles(
    tmp_path, kg_command, generated_articles, reference_ingest
):
    reference = _graphs(reference_ingest[0])
    store = tmp_path / "s"
    writer = _ingest(kg_command, generated_articles, store, delay=0.005, include="batch0[0-2]/*")
    try:
        _wait_for(writer, 5)
        seen = []
        while writer.poll() is None and len(seen) < 5:
            graphs = _graphs(store)
            assert [n for n, t in graphs.items() if t != reference[n]] == []
            seen.append(len(graphs))
        assert seen and seen == sorted(seen)
    finally:
        writer.communicate(timeout=600)
    assert writer.returncode == 0
