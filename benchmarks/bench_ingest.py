"""Ingest throughput on a corpus, and its ratio to the bare spaCy model over the same texts.

Run from the project root::

    .venv/bin/python benchmarks/bench_ingest.py                                   # BBC, workers = CPUs
    .venv/bin/python benchmarks/bench_ingest.py --corpus ../shared/corpus/bbc/tech --rounds 1
    .venv/bin/python benchmarks/bench_ingest.py --workers 1 --batch-size 64

Each round runs two fresh processes, one after the other (the order alternates from round to
round, so drift in the machine's load falls on both):

* kg: ``python -m kg ingest CORPUS --store NEW --workers N --batch-size B --no-progress``,
  into a new store: loading, extraction, RDF mapping and writing, everything;
* bare: a process that loads the same spaCy model (its default pipeline), reads the same
  texts (title and body, as kg parses them) and runs ``nlp.pipe(texts, n_process=N,
  batch_size=B)`` over them, keeping nothing.

Both are timed from process start to exit, so interpreter start, imports and model loading
count on both sides; the CPU time of each process tree is reported too (less sensitive to other
work on the machine than wall time). Figures are medians over the rounds. Nothing here is a
test: numbers vary by machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bbc"


def bare_run(corpus: str, workers: int, batch_size: int) -> dict[str, float]:
    """The baseline, in this process: load the model, read the texts, ``nlp.pipe`` over them."""
    import spacy

    from kg.extract.pipeline import DEFAULT_MODELS
    from kg.loaders import load

    t0 = time.perf_counter()
    for name in DEFAULT_MODELS:
        try:
            nlp = spacy.load(name)
            break
        except OSError:
            continue
    else:
        raise SystemExit(f"no spaCy model among {DEFAULT_MODELS}")
    texts = [a.full_text for a in load(corpus)]
    t1 = time.perf_counter()
    n = sum(1 for _ in nlp.pipe(texts, n_process=workers, batch_size=batch_size))
    t2 = time.perf_counter()
    return {"docs": n, "setup_s": t1 - t0, "pipe_s": t2 - t1, "pipeline": nlp.pipe_names}  # type: ignore[dict-item]


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run `cmd`; return its wall time, the CPU time of its process tree, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def machine() -> str:
    """One line on the machine: CPU model, CPUs, memory, Python."""
    import psutil

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from kg.parallel import cpu_count

    gib = psutil.virtual_memory().total / 2**30
    return f"{model}, {cpu_count()} CPUs, {gib:.0f} GiB, Python {platform.python_version()}"


def corpus_size(corpus: str) -> tuple[int, int]:
    """The number of articles and of words (white-space separated, title and body) in `corpus`."""
    from kg.loaders import load

    n = words = 0
    for article in load(corpus):
        n += 1
        words += len(article.full_text.split())
    return n, words


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder (or file) to ingest [BBC]")
    ap.add_argument("--workers", type=int, default=None, help="processes [the number of CPUs]")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--extractor", default="rules", help="kg's --extractor (the bare side always runs spaCy)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--bare-run", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    from kg.parallel import cpu_count

    workers = args.workers or cpu_count()
    if args.bare_run:
        print(json.dumps(bare_run(args.corpus, workers, args.batch_size)))
        return 0
    n, words = corpus_size(args.corpus)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    rows: dict[str, list[tuple[float, float]]] = {"kg": [], "bare": []}
    bare_pipe: list[float] = []
    for r in range(args.rounds):
        order = ("kg", "bare") if r % 2 == 0 else ("bare", "kg")
        for side in order:
            if side == "kg":
                with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
                    cmd = [sys.executable, "-m", "kg", "ingest", args.corpus, "--store", f"{tmp}/store"]
                    cmd += ["--workers", str(workers), "--batch-size", str(args.batch_size), "--no-progress"]
                    cmd += ["--extractor", args.extractor]
                    wall, cpu, _ = _timed(cmd, env)
            else:
                cmd = [sys.executable, __file__, "--bare-run", "--corpus", args.corpus]
                cmd += ["--workers", str(workers), "--batch-size", str(args.batch_size)]
                wall, cpu, out = _timed(cmd, env)
                bare_pipe.append(json.loads(out)["pipe_s"])
            rows[side].append((wall, cpu))
            print(f"round {r + 1} {side:4s} wall {wall:7.1f} s  cpu {cpu:7.1f} s", file=sys.stderr, flush=True)
    kg_wall = statistics.median(w for w, _ in rows["kg"])
    kg_cpu = statistics.median(c for _, c in rows["kg"])
    bare_wall = statistics.median(w for w, _ in rows["bare"])
    bare_cpu = statistics.median(c for _, c in rows["bare"])
    figures = {
        "machine": machine(),
        "corpus": args.corpus,
        "articles": n,
        "words": words,
        "workers": workers,
        "batch_size": args.batch_size,
        "rounds": args.rounds,
        "kg_wall_s": round(kg_wall, 2),
        "kg_cpu_s": round(kg_cpu, 2),
        "kg_articles_per_s": round(n / kg_wall, 2),
        "kg_words_per_s": round(words / kg_wall),
        "bare_wall_s": round(bare_wall, 2),
        "bare_cpu_s": round(bare_cpu, 2),
        "bare_pipe_s": round(statistics.median(bare_pipe), 2),
        "bare_words_per_s": round(words / bare_wall),
        "ratio_wall": round(kg_wall / bare_wall, 3),
        "ratio_cpu": round(kg_cpu / bare_cpu, 3),
        "all_rounds": {k: [[round(w, 2), round(c, 2)] for w, c in v] for k, v in rows.items()},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(figures["machine"])
    print(f"{n:,} articles, {words:,} words, {workers} processes, batch {args.batch_size}, median of {args.rounds}")
    print("| run | wall s | CPU s | articles/s | words/s |")
    print("|---|---:|---:|---:|---:|")
    print(f"| kg ingest | {kg_wall:.1f} | {kg_cpu:.1f} | {n / kg_wall:.1f} | {words / kg_wall:,.0f} |")
    print(f"| bare nlp.pipe | {bare_wall:.1f} | {bare_cpu:.1f} | {n / bare_wall:.1f} | {words / bare_wall:,.0f} |")
    print(f"ratio kg / bare: wall {kg_wall / bare_wall:.2f}x, CPU {kg_cpu / bare_cpu:.2f}x (target: at most 1.3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
