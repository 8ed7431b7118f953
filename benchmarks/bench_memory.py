"""Peak memory of ``kg ingest`` (the writer and its worker processes), once and K times a corpus.

Run from the project root::

    .venv/bin/python benchmarks/bench_memory.py                                  # BBC, 1x and 10x
    .venv/bin/python benchmarks/bench_memory.py --corpus ../shared/corpus/bbc/tech --times 1 10
    .venv/bin/python benchmarks/bench_memory.py --workers 1 --times 1 3

For each K, a folder holding K copies of the corpus is made (hard links, ``copy00/...``,
``copy01/...``: the same texts under distinct article ids), and ``python -m kg ingest FOLDER
--store NEW --no-progress`` runs on it. The resident memory (RSS) of its whole process tree,
the writer plus every worker, is sampled every `--interval` seconds with psutil and summed; the
peak of that sum is the figure. The writer's own peak and the wall time are given too.
Flat memory means the K-times peak stays within 20 % of the 1-time peak.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bbc"


def replicate(corpus: Path, times: int, dest: Path) -> Path:
    """Fill `dest` with `times` copies of the corpus's files (hard links where possible)."""
    for k in range(times):
        for path in sorted(corpus.rglob("*")):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(corpus).parts):
                target = dest / f"copy{k:02d}" / path.relative_to(corpus)
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(path, target)
                except OSError:
                    shutil.copyfile(path, target)
    return dest


def tree_rss(proc: psutil.Process) -> tuple[int, int]:
    """The RSS of `proc` and the sum over `proc` and all its descendants, in bytes."""
    try:
        own = proc.memory_info().rss
    except psutil.Error:
        return 0, 0
    total = own
    for child in proc.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return own, total


def measure(
    folder: Path, workers: int | None, batch_size: int, interval: float, label: str = "", every: float = 0
) -> dict[str, float]:
    """Ingest `folder` into a new store; return peak tree RSS, peak writer RSS (MiB) and wall time.

    With `every` > 0, a line on the memory so far goes to standard error every `every` seconds,
    so that a run stopped before its end still shows how its memory went.
    """
    with tempfile.TemporaryDirectory(prefix="kg-mem-store-") as tmp:
        cmd = [sys.executable, "-m", "kg", "ingest", str(folder), "--store", f"{tmp}/store", "--no-progress"]
        cmd += ["--batch-size", str(batch_size)] + (["--workers", str(workers)] if workers else [])
        start = time.perf_counter()
        popen = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        proc = psutil.Process(popen.pid)
        peak_own = peak_total = 0
        next_report = start + every
        # the pipes are drained by threads: a full stderr pipe would stall kg ingest
        drained: dict[str, str] = {}
        readers = [
            threading.Thread(target=lambda k=k, f=f: drained.__setitem__(k, f.read()), daemon=True)
            for k, f in (("out", popen.stdout), ("err", popen.stderr))
        ]
        for reader in readers:
            reader.start()
        while popen.poll() is None:
            own, total = tree_rss(proc)
            peak_own, peak_total = max(peak_own, own), max(peak_total, total)
            now = time.perf_counter()
            if every > 0 and now >= next_report:
                next_report += every
                print(
                    f"  {label} {now - start:,.0f} s: RSS {total / 2**20:,.0f} MiB (writer {own / 2**20:,.0f}),"
                    f" peak so far {peak_total / 2**20:,.0f} MiB (writer {peak_own / 2**20:,.0f})",
                    file=sys.stderr,
                    flush=True,
                )
            time.sleep(interval)
        for reader in readers:
            reader.join()
        out, err = drained.get("out", ""), drained.get("err", "")
        wall = time.perf_counter() - start
        if popen.returncode != 0:
            raise SystemExit(f"kg ingest failed ({popen.returncode}):\n{err[-3000:]}")
    mib = 2**20
    return {
        "peak_tree_mib": peak_total / mib,
        "peak_writer_mib": peak_own / mib,
        "wall_s": wall,
        "summary": out.strip(),  # type: ignore[dict-item]
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--times", type=int, nargs="+", default=[1, 10], help="copies of the corpus to ingest")
    ap.add_argument("--workers", type=int, default=None, help="kg ingest --workers [kg's default]")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--interval", type=float, default=0.1, help="seconds between samples")
    ap.add_argument(
        "--report-every", type=float, default=60, help="seconds between progress lines on stderr [60; 0: none]"
    )
    args = ap.parse_args()
    results = {}
    for k in args.times:
        with tempfile.TemporaryDirectory(prefix="kg-mem-corpus-") as tmp:
            folder = replicate(args.corpus, k, Path(tmp) / "corpus")
            results[k] = measure(folder, args.workers, args.batch_size, args.interval, f"{k}x", args.report_every)
        r = results[k]
        print(
            f"{k:>3}x: peak {r['peak_tree_mib']:,.0f} MiB (writer {r['peak_writer_mib']:,.0f} MiB), {r['wall_s']:.0f} s"
            f" -- {r['summary']}",
            file=sys.stderr,
            flush=True,
        )
    from bench_ingest import machine  # this folder is on sys.path when a script in it runs

    base = results[args.times[0]]["peak_tree_mib"]
    print(machine())
    print(f"corpus {args.corpus}, workers {args.workers or 'default'}, batch {args.batch_size}")
    print("| copies | peak RSS, all processes | peak RSS, writer | wall | vs first |")
    print("|---:|---:|---:|---:|---:|")
    for k, r in results.items():
        print(
            f"| {k}x | {r['peak_tree_mib']:,.0f} MiB | {r['peak_writer_mib']:,.0f} MiB | {r['wall_s']:,.0f} s"
            f" | {r['peak_tree_mib'] / base:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
