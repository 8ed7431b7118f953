"""The wheel carries the ontology, the queries and the samples; the data is found at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kg.resources import data_dir, ontology_path, queries_dir, samples_dir

ROOT = Path(__file__).resolve().parents[1]


def test_packaging_data_found():
    assert ontology_path("cek.ttl").is_file()
    assert ontology_path("shapes.ttl").is_file()
    assert any(queries_dir().glob("*.rq"))
    assert any(samples_dir().glob("*.txt"))


def test_packaging_unknown_data_dir():
    with pytest.raises(FileNotFoundError, match="'nothing'"):
        data_dir("nothing")


@pytest.mark.slow
def test_packaging_wheel_contents(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("kg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"kg/ontology/cek.ttl", "kg/ontology/shapes.ttl", "kg/ontology/alignments.ttl"} <= names
    assert {f"kg/queries/{p.name}" for p in (ROOT / "queries").glob("*.rq")} <= names
    assert "kg/samples/index.jsonl" in names and "kg/py.typed" in names
    assert any(n.endswith("entry_points.txt") for n in names)
