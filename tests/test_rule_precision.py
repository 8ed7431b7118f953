"""benchmarks/rule_precision.py: per-rule precision on a gold file, with the shared scorer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.mark.slow
def test_rule_precision_counts_the_seed_articles_rules(tmp_path):
    gold, scorer = SHARED / "eval" / "dev.jsonl", SHARED / "eval" / "score.py"
    if not (gold.is_file() and scorer.is_file()):
        pytest.skip("../shared/eval is not here")
    one = tmp_path / "seed.jsonl"
    one.write_text(gold.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "rule_precision.py"), str(one), str(SHARED / "corpus")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in done.stdout.splitlines()[2:]}
    # the seed's market entry, data-centre move and lawsuit each match the gold
    assert rows["data_center.move"].split("/")[0] != "0" or rows["data_center.build"].split("/")[0] != "0"
    assert rows["lawsuit.sue"] == "1/1" or rows["lawsuit.noun"] == "1/1"
    hits = sum(int(v.split("/")[0]) for v in rows.values())
    assert hits >= 3
