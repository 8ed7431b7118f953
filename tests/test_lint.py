"""Lint is part of the test command: ruff's rules and format on the package, tests and benchmarks; mypy on the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    exe = Path(sys.executable).with_name("ruff")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ruff")
    if not found:
        pytest.skip("ruff is not installed (it comes with the dev extra)")
    return [found]


def test_lint_ruff_check():
    proc = subprocess.run([*_ruff(), "check", "kg", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_lint_ruff_format():
    proc = subprocess.run(
        [*_ruff(), "format", "--check", "kg", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_lint_mypy_on_the_package():
    """The package type-checks (settings in pyproject.toml's [tool.mypy])."""
    pytest.importorskip("mypy", reason="mypy comes with the dev extra")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
