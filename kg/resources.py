"""Find the data kg ships (ontology/, queries/, samples/) in a wheel or a source checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "ontology_path", "queries_dir", "samples_dir"]

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `name` (``ontology``, ``queries``, ``samples``) shipped with kg.

    An installed wheel carries it inside the package (``kg/ontology``); a source checkout
    (``pip install -e .``) has it beside the package, at the project root.

    Raises:
        FileNotFoundError: if neither place holds it.

    Example:
        >>> (data_dir("ontology") / "cek.ttl").is_file()
        True
    """
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"kg's {name!r} folder is missing from {_PKG} and {_PKG.parent}")


def ontology_path(name: str = "cek.ttl") -> Path:
    """Return the path of one ontology file (``cek.ttl``, ``shapes.ttl``, ``alignments.ttl``)."""
    path = data_dir("ontology") / name
    if not path.is_file():
        raise FileNotFoundError(f"no ontology file {name!r} in {path.parent}")
    return path


def queries_dir() -> Path:
    """Return the folder of the named SPARQL queries."""
    return data_dir("queries")


def samples_dir() -> Path:
    """Return the folder of sample articles shipped for the quickstart.

    Example:
        >>> len(list(samples_dir().glob("*.txt"))) >= 8
        True
    """
    return data_dir("samples")
