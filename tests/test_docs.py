"""The README stays honest: every command is documented, install and test commands match CI."""

from __future__ import annotations

import re
from pathlib import Path

from kg.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _fenced_after(heading: str) -> str:
    section = README.split(f"## {heading}", 1)[1]
    return re.search(r"```bash\n(.*?)\n```", section, re.S).group(1).strip()


def test_docs_every_command_in_readme():
    for name in cli.commands:
        assert f"`kg {name}" in README, f"kg {name} is not documented in README.md"


def test_docs_every_command_has_help():
    for name, command in cli.commands.items():
        assert (command.help or "").strip(), f"kg {name} has no help text"


def test_docs_ci_runs_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _fenced_after("Install") in ci
    assert _fenced_after("Tests") in ci


def test_docs_every_query_in_readme():
    for path in (ROOT / "queries").glob("*.rq"):
        assert f"`{path.stem}`" in README or path.stem in README, f"query {path.stem} is not in README.md"
