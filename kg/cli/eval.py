"""``kg eval``: score the extractor on a gold file, in a temporary store."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from kg.cli._base import cli
from kg.errors import KgError

__all__ = ["EvalResult", "default_scorer", "evaluate", "gold_docs"]


@dataclass(frozen=True)
class EvalResult:
    """What one evaluation did: the scorer's output and exit code, and the time taken."""

    articles: int
    seconds: float
    scorer_output: str
    returncode: int

    @property
    def per_article(self) -> float:
        """Seconds of ingest (load, extract, write) per article."""
        return self.seconds / self.articles if self.articles else 0.0


def default_scorer() -> Path | None:
    """The scorer beside the project: ``../shared/eval/score.py`` from the project root (or cwd)."""
    root = Path(__file__).resolve().parents[2]
    for base in (root, Path.cwd()):
        p = (base / ".." / "shared" / "eval" / "score.py").resolve()
        if p.is_file():
            return p
    return None


def gold_docs(gold: Path) -> list[str]:
    """Return the ``doc`` of every record of a gold file, in order.

    Raises:
        KgError: on a line that is not JSON or has no ``doc``; the message names the line.
    """
    docs = []
    for n, line in enumerate(gold.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)["doc"]
        except (ValueError, KeyError, TypeError):
            raise KgError(f"{gold} line {n}: not a JSON object with a 'doc'") from None
        docs.append(doc)
    return docs


def evaluate(
    gold: Path, corpus: Path, scorer: Path, *, aliases: Path | None = None, args: tuple[str, ...] = ()
) -> EvalResult:
    """Ingest the gold's articles from `corpus` into a temporary store, export, and score.

    Each ``doc`` of the gold is read from `corpus`/doc, so article ids are the docs' paths.

    Raises:
        KgError: if a doc is missing under `corpus`.
    """
    from kg.extract import get_extractor
    from kg.ingest import ingest
    from kg.store import close_store, export, open_store

    docs = gold_docs(gold)
    with tempfile.TemporaryDirectory(prefix="kg-eval-") as tmp:
        work = Path(tmp)
        for doc in docs:
            src = corpus / doc
            if not src.is_file():
                raise KgError(f"{doc}: not found under {corpus}")
            dest = work / "in" / doc
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest)
        extractor = get_extractor("rules", **({"aliases": aliases} if aliases else {}))
        ds = open_store(work / "store")
        try:
            getattr(extractor, "nlp", None)  # load the model before the clock starts
            started = time.perf_counter()
            report = ingest(work / "in", ds, extractor=extractor)
            seconds = time.perf_counter() - started
            export(ds, "nquads", work / "graph.nq")
        finally:
            close_store(ds)
        proc = subprocess.run(
            [sys.executable, str(scorer), str(gold), str(work / "graph.nq"), *args],
            capture_output=True,
            text=True,
            check=False,
        )
    return EvalResult(report.articles, seconds, proc.stdout + proc.stderr, proc.returncode)


@cli.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--scorer",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The scoring script [default: ../shared/eval/score.py from the project root].",
)
@click.option(
    "--aliases", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None, help="Aliases file."
)
@click.option("-v", "--verbose", is_flag=True, help="Ask the scorer to list every miss and extra.")
def eval_(gold: Path, folder: Path, scorer: Path | None, aliases: Path | None, verbose: bool) -> None:
    """Score the extractor on GOLD.jsonl, reading its articles from FOLDER (the corpus root).

    The gold's articles are ingested into a temporary store, exported as N-Quads and scored;
    the scorer's table is printed, then the time per article. Exits with the scorer's code.
    """
    scorer = scorer or default_scorer()
    if scorer is None:
        raise click.UsageError("no scorer found at ../shared/eval/score.py; name one with --scorer")
    result = evaluate(gold, folder, scorer, aliases=aliases, args=("-v",) if verbose else ())
    click.echo(result.scorer_output.rstrip("\n"))
    click.echo(f"{result.articles} articles in {result.seconds:.1f} s: {result.per_article:.2f} s per article")
    if result.returncode:
        sys.exit(result.returncode)
