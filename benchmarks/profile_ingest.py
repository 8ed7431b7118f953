"""Profile ``kg ingest`` with py-spy and say where the time goes, by stage.

Run from the project root (needs ``pip install py-spy``)::

    .venv/bin/python benchmarks/profile_ingest.py                                   # BBC business, 1 worker
    .venv/bin/python benchmarks/profile_ingest.py --workers 2 --corpus ../shared/corpus/bbc/tech
    .venv/bin/python benchmarks/profile_ingest.py --raw /tmp/ingest.txt             # also keep the stacks

py-spy samples every process of the run (the writer and its worker processes) from outside,
without slowing it down much; each sample is put in the first stage, in the order below, that
one of its frames belongs to. The stacks are kept in py-spy's "raw" (collapsed) format, which
flamegraph.pl and speedscope read.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bbc" / "business"

#: (stage, substrings of a frame); the first stage with a matching frame takes the sample.
STAGES = [
    ("spaCy model load", ("make_nlp (",)),
    ("gazetteer tables (built once per process)", ("_tables (kg/extract/gazetteer.py",)),
    ("kg rules (entities, events)", ("extract_doc (", "(kg/extract/entities.py", "(kg/extract/events/")),
    ("spaCy nlp.pipe (tagger, parser, NER...)", ("Extractor.pipe (", "(spacy/", "(thinc/")),
    ("RDF mapping (to_graph, article_triples)", ("(kg/rdf.py",)),
    ("SPARQL Update text (replace_update)", ("replace_update (",)),
    ("store write (Oxigraph update)", ("_Writer.write (",)),
    ("reading articles (loaders)", ("(kg/loaders/",)),
    ("imports and start-up", ("_find_and_load (", "_call_with_frames_removed (")),
    ("worker hand-off (pickling, queues)", ("(concurrent/futures/", "(multiprocessing/")),
]


def classify(stack: str) -> str:
    """Name the stage of one collapsed stack (frames joined by ``;``)."""
    frames = stack.split(";")
    for stage, marks in STAGES:
        if any(mark in frame for frame in frames for mark in marks):
            return stage
    return "other"


def summarise(raw: Path) -> list[tuple[str, int]]:
    """Count samples per stage in a py-spy raw file; most first."""
    counts: Counter[str] = Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if stack.strip() and n.isdigit() and "(tqdm/" not in stack:  # tqdm's monitor thread only waits
            counts[classify(stack)] += int(n)
    return counts.most_common()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--extractor", default="rules")
    ap.add_argument("--rate", type=int, default=50, help="samples per second")
    ap.add_argument("--raw", type=Path, default=None, help="keep the collapsed stacks here")
    args = ap.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        sys.exit("py-spy is not installed: pip install py-spy")
    with tempfile.TemporaryDirectory(prefix="kg-profile-") as tmp:
        raw = args.raw or Path(tmp) / "stacks.txt"
        cmd = [spy, "record", "--subprocesses", "-r", str(args.rate), "-o", str(raw), "--format", "raw", "--"]
        cmd += [sys.executable, "-m", "kg", "ingest", args.corpus, "--store", f"{tmp}/store", "--no-progress"]
        cmd += ["--workers", str(args.workers), "--batch-size", str(args.batch_size), "--extractor", args.extractor]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0 or not raw.exists():
            sys.exit(f"py-spy failed ({done.returncode}):\n{done.stderr[-2000:]}")
        print(done.stdout.strip())
        rows = summarise(raw)
    total = sum(n for _, n in rows) or 1
    print("| stage | samples | share |\n|---|---:|---:|")
    for stage, n in rows:
        print(f"| {stage} | {n:,} | {100 * n / total:.1f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
