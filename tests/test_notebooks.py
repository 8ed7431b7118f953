"""The notebooks in notebooks/: committed stripped, written against kg's public API, and run
top to bottom (the last with nbclient, on the sample articles; marked slow: they load spaCy).

To strip a notebook saved from Jupyter: ``.venv/bin/python tests/test_notebooks.py``.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
#: The notebooks the README promises.
PROMISED = ("01-quickstart.ipynb", "02-markets-and-lawsuits.ipynb", "03-firm-network.ipynb")
#: The kg modules a notebook may use; each may be used only through its ``__all__``.
PUBLIC_MODULES = ("kg", "kg.analyze", "kg.viz", "kg.query")
#: Other top-level packages a notebook may import (the standard library is always allowed).
THIRD_PARTY = {"pandas", "matplotlib", "networkx", "IPython", "numpy"}
#: Notebook metadata kept when stripping; everything else (widgets, Jupyter's own) goes.
KEPT_METADATA = ("kernelspec", "language_info")
#: Files a notebook writes into $KG_NOTEBOOK_OUT.
WRITES = {"03-firm-network.ipynb": ["firm-network.html"]}
#: A script or stylesheet fetched from elsewhere: an offline page has none.
OUTSIDE = re.compile(r"<(?:script|link)\b[^>]*(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)

#: Stand-ins for the extractor, run in the kernel before a notebook: one that finds nothing, one
#: that finds one firm per article, sued by nobody. A notebook must tell the reader, not crash.
THIN_EXTRACTORS = {
    "nothing": "return Extraction(a)",
    "lone-defendants": (
        "name = a.title.split()[0]\n"
        "    firm = Entity('firm/' + name.lower(), Kind.FIRM, name)\n"
        "    suit = Event(EventType.LAWSUIT, (('defendant', firm.key),), Status.ANNOUNCED, None, (a.title,), 0.5, 'thin')\n"
        "    return Extraction(a, entities=(firm,), events=(suit,))"
    ),
}
THIN_CELL = """
import kg.extract
from kg.model import Entity, Event, EventType, Extraction, Kind, Status

def _extract(a):
    {body}

class _Thin:
    def pipe(self, articles):
        return (_extract(a) for a in articles)

    def __call__(self, article):
        return _extract(article)

kg.extract.get_extractor = lambda name="rules", **kw: _Thin()
"""

STRIP_HINT = "clear it before committing: .venv/bin/python tests/test_notebooks.py"


def _ids(paths):
    return [p.name for p in paths]


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Clear every output, execution count and metadata field but the kernel and language names.

    The language's version and the like go too: they differ from one machine to the next.
    """
    nb.metadata = nbformat.NotebookNode({k: v for k, v in nb.metadata.items() if k in KEPT_METADATA})
    if "name" in nb.metadata.get("language_info", {}):
        nb.metadata.language_info = nbformat.NotebookNode(name=nb.metadata.language_info.name)
    for cell in nb.cells:
        cell.metadata = nbformat.NotebookNode()
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def code_of(cell_source: str) -> str:
    """A code cell's Python, with IPython's magics and shell escapes (``%``, ``!``) left out."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell_source.splitlines())


def api_violations(source: str) -> list[str]:
    """Name every use of kg in `source` beyond the public API of `PUBLIC_MODULES`.

    Checks ``import``/``from ... import`` statements and attribute chains on names bound to a kg
    module (``kg.store.x``, ``analyze._read``); other imports must be the standard library or
    `THIRD_PARTY`.
    """
    tree = ast.parse(source)
    problems: list[str] = []
    modules: dict[str, str] = {}  # local name -> kg module it is bound to

    def public(module: str) -> set[str]:
        names = set(getattr(importlib.import_module(module), "__all__", ()))
        return names | ({m.split(".", 1)[1] for m in PUBLIC_MODULES if "." in m} if module == "kg" else set())

    def check_import(module: str) -> None:
        top = module.split(".", 1)[0]
        if top == "kg":
            if module not in PUBLIC_MODULES:
                problems.append(f"imports {module} (use {', '.join(PUBLIC_MODULES)})")
        elif top not in THIRD_PARTY and top not in sys.stdlib_module_names:
            problems.append(f"imports {module}, neither kg, the standard library nor one of {sorted(THIRD_PARTY)}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check_import(alias.name)
                if alias.name.startswith("kg"):
                    local = alias.asname or alias.name.split(".", 1)[0]
                    modules[local] = alias.name if alias.asname else "kg"
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            check_import(module)
            if module in PUBLIC_MODULES:
                for alias in node.names:
                    full = f"{module}.{alias.name}"
                    if full in PUBLIC_MODULES:
                        modules[alias.asname or alias.name] = full
                    elif alias.name not in public(module):
                        problems.append(f"imports {alias.name} from {module}, which is not in its __all__")

    def resolve(node: ast.expr) -> str | None:
        """The kg module an expression names (``kg``, ``kg.analyze``), or None."""
        if isinstance(node, ast.Name):
            return modules.get(node.id)
        if isinstance(node, ast.Attribute):
            base = resolve(node.value)
            if base is not None and f"{base}.{node.attr}" in PUBLIC_MODULES:
                return f"{base}.{node.attr}"
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            base = resolve(node.value)
            if base is not None and node.attr not in public(base):
                problems.append(f"uses {base}.{node.attr}, which is not in {base}.__all__")
    return problems


# --------------------------------------------------------------------------- what is committed


def test_notebooks_are_all_there():
    assert set(PROMISED) <= {p.name for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_stripped(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert set(nb.metadata) <= set(KEPT_METADATA), f"{path.name} carries notebook metadata; {STRIP_HINT}"
    assert nb.metadata.get("kernelspec", {}).get("name", "python3") == "python3"
    for i, cell in enumerate(nb.cells):
        assert not cell.metadata, f"{path.name} cell {i} carries metadata; {STRIP_HINT}"
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs; {STRIP_HINT}"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count; {STRIP_HINT}"
        assert "attachments" not in cell, f"{path.name} cell {i} has attachments"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_uses_only_the_public_api(path):
    nb = nbformat.read(path, as_version=4)
    source = "\n\n".join(code_of(c.source) for c in nb.cells if c.cell_type == "code")
    assert "import kg" in source, f"{path.name} does not use kg"
    assert api_violations(source) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from kg.store import _ox", "imports kg.store"),
        ("from kg.analyze import _read", "imports _read from kg.analyze, which is not in its __all__"),
        ("import kg\nkg.store.stats(ds)", "uses kg.store, which is not in kg.__all__"),
        ("from kg import analyze as a\na._read(ds)", "uses kg.analyze._read, which is not in kg.analyze.__all__"),
        ("import kg.viz as v\nv._assets()", "uses kg.viz._assets"),
        ("import kg.extract", "imports kg.extract"),
        ("import requests", "imports requests, neither kg"),
    ],
)
def test_notebook_api_check_catches(source, problem):
    found = api_violations(source)
    assert any(p.startswith(problem) for p in found), found


def test_notebook_api_check_passes_public_use():
    source = (
        "import os\nimport pandas as pd\nimport kg\nfrom kg import analyze, viz\nfrom kg.query import query_df\n"
        "ds = kg.open_store()\nkg.analyze.rank(analyze.firm_network(ds))\nviz.show_inline(None)\n"
        "kg.query.run(ds, 'lawsuits')\nkg.QueryError\n"
    )
    assert api_violations(source) == []


def test_notebook_strip_clears_outputs_and_metadata():
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": kernel, "widgets": {}})
    nb.cells = [nbformat.v4.new_code_cell("1", execution_count=3, metadata={"scrolled": True})]
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "1"}, execution_count=3)]
    stripped = strip(nb)
    assert dict(stripped.metadata) == {"kernelspec": kernel}
    assert (stripped.cells[0].outputs, stripped.cells[0].execution_count, stripped.cells[0].metadata) == ([], None, {})


# --------------------------------------------------------------------------- running them


def _execute(nb: nbformat.NotebookNode, timeout: int = 300) -> nbformat.NotebookNode:
    """Run a notebook as Jupyter would, from notebooks/, on the kernel "python3"."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}
    )
    return client.execute()


def test_notebook_kernel_is_this_python():
    """The "python3" kernel is this interpreter (the project's venv), so it imports this kg."""
    import kg

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys, kg\nprint(sys.prefix)\nprint(kg.__file__)")]
    outputs = _execute(nb, timeout=120).cells[0].outputs
    prefix, kg_file = "".join(o["text"] for o in outputs if o.get("name") == "stdout").split("\n")[:2]
    assert Path(prefix) == Path(sys.prefix)
    assert Path(kg_file) == Path(kg.__file__)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs(path, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_NOTEBOOK_OUT", str(tmp_path))
    before = sorted(p.name for p in NOTEBOOKS_DIR.iterdir())
    nb = _execute(nbformat.read(path, as_version=4))  # raises CellExecutionError on any error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert sorted(p.name for p in NOTEBOOKS_DIR.iterdir()) == before, "the notebook wrote into notebooks/"
    for name in WRITES.get(path.name, []):
        page = tmp_path / name
        assert page.is_file(), f"{path.name} did not write {name}"
        text = page.read_text(encoding="utf-8")
        assert text.startswith("<!DOCTYPE html>") and "vis.Network" in text
        assert not OUTSIDE.findall(text), "the page loads a script or stylesheet from elsewhere"


@pytest.mark.slow
@pytest.mark.parametrize("extractor", sorted(THIN_EXTRACTORS))
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_on_thin_extractions(path, extractor, tmp_path, monkeypatch):
    """With next to nothing extracted (and no corpus), every cell still runs and says why it is empty."""
    monkeypatch.setenv("KG_NOTEBOOK_OUT", str(tmp_path))
    monkeypatch.setenv("KG_CORPUS", str(tmp_path / "no-corpus"))
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(THIN_CELL.format(body=THIN_EXTRACTORS[extractor])))
    _execute(nb)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Traceback" not in printed
    if path.name.startswith("01-"):
        assert "Skipped: no corpus folder." in printed


if __name__ == "__main__":  # strip every notebook in place
    for notebook in NOTEBOOKS:
        nbformat.write(strip(nbformat.read(notebook, as_version=4)), notebook)
        print("stripped", notebook.relative_to(ROOT))
