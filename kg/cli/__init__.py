"""The ``kg`` command: a thin click layer over the library, one module per command family."""

from __future__ import annotations

from kg.cli import analyze, explain, ingest, query, remote, store  # noqa: F401  (registers the commands)
from kg.cli._base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the ``kg`` script."""
    cli(prog_name="kg")
