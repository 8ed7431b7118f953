"""Check a graph against the SHACL shapes in ``ontology/shapes.ttl`` and report in words."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, NamespaceManager
from rdflib.term import Node

from kg.namespace import PREFIXES
from kg.resources import ontology_path

__all__ = ["ValidationReport", "Violation", "report_text", "validate"]

SH = Namespace("http://www.w3.org/ns/shacl#")
#: The namespace of kg's own shapes (not part of the `cek:` vocabulary).
CEKSHAPE = Namespace("https://w3id.org/cekg/shapes#")

_SEVERITIES: dict[Node | None, str] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL validation result, with its terms as strings.

    `focus` and `shape` are full IRIs (or ``_:`` blank-node labels), `path` the IRI of the
    property checked (``None`` for a check on the node itself), `severity` one of
    ``"Violation"``, ``"Warning"``, ``"Info"``, and `value` the offending value, if any: a
    full IRI, or a literal in Turtle syntax with kg's prefixes (``"1.7"^^xsd:decimal``).
    """

    focus: str
    path: str | None
    message: str
    severity: str
    shape: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of `validate`.

    `conforms` is true when no result has severity ``"Violation"``; `violations` holds every
    result (warnings and infos included), sorted by shape, focus node and path; `text` is
    pySHACL's own report, in full. `report_text` gives a shorter one grouped by shape.
    """

    conforms: bool
    violations: tuple[Violation, ...]
    text: str

    def __bool__(self) -> bool:
        return self.conforms


def validate(data: Graph | Dataset, shapes: Path | str | None = None) -> ValidationReport:
    """Validate `data` against kg's SHACL shapes (or the shapes in `shapes`).

    The ontology (``cek.ttl`` and ``alignments.ttl``) is mixed into a copy of the data, so
    that ``sh:class`` and ``sh:targetClass`` follow ``rdfs:subClassOf`` (a ``cek:Country`` is
    a ``cek:Place``). No RDFS inference is run: the ontology's range axioms would type each
    role value as the class it is to be checked against, and hide every wrong value. A
    `Dataset` is validated as the union of all its graphs; `data` itself is never changed.

    Args:
        data: the graph to check; a `Dataset` is read whole, every named graph included.
        shapes: a Turtle file of SHACL shapes; by default kg's ``ontology/shapes.ttl``.

    Returns:
        A `ValidationReport`; truthy when the data conforms.

    Raises:
        FileNotFoundError: if `shapes` names no file.

    Example:
        >>> from kg.namespace import CEK, RES
        >>> g = Graph()
        >>> article = RES["article/a.txt"]
        >>> _ = g.add((article, RDF.type, CEK.Article))
        >>> report = validate(g)
        >>> report.conforms, report.violations[0].path
        (False, 'http://purl.org/dc/terms/identifier')
        >>> print(report_text(report))  # doctest: +ELLIPSIS
        Does not conform: 1 violation.
        cekshape:Article-identifier: An article needs exactly one dcterms:identifier, ...
          - res:article/a.txt
    """
    shapes_graph = _default_shapes() if shapes is None else _parse_shapes(shapes)
    work = Graph()
    if isinstance(data, Dataset):
        work.addN((s, p, o, work) for s, p, o, _ in data.quads((None, None, None, None)))
    else:  # a plain Graph, or a (deprecated) ConjunctiveGraph, whose triples are its union
        work.addN((s, p, o, work) for s, p, o in data.triples((None, None, None)))

    import pyshacl  # late: pySHACL pulls in owlrl and friends, which kg's other commands never need

    _, results, text = pyshacl.validate(
        work,
        shacl_graph=shapes_graph,
        ont_graph=_ontology(),
        inference="none",
        inplace=True,  # `work` is our own copy; mix the ontology into it rather than clone it
        allow_warnings=True,
        allow_infos=True,
    )
    violations = tuple(sorted(_results(results), key=_sort_key))
    return ValidationReport(
        conforms=not any(v.severity == "Violation" for v in violations),
        violations=violations,
        text=str(text),
    )


def report_text(report: ValidationReport) -> str:
    """Describe `report` for a person: a count, then the results grouped by shape.

    IRIs are shortened with kg's prefixes (``res:``, ``cek:``, ``cekshape:``).

    Args:
        report: what `validate` returned.

    Returns:
        Several lines of text, without a trailing newline.

    Example:
        >>> v = Violation("https://w3id.org/cekg/resource/event/1",
        ...     "https://w3id.org/cekg/ontology#confidence", "Confidence must lie in 0..1",
        ...     "Violation", "https://w3id.org/cekg/shapes#Event-confidence", '"1.7"^^xsd:decimal')
        >>> print(report_text(ValidationReport(False, (v,), "")))
        Does not conform: 1 violation.
        cekshape:Event-confidence: Confidence must lie in 0..1
          - res:event/1 (cek:confidence = "1.7"^^xsd:decimal)
        >>> print(report_text(ValidationReport(True, (), "")))
        Conforms: no violations.
    """
    counts: dict[str, int] = defaultdict(int)
    for v in report.violations:
        counts[v.severity] += 1
    if not report.violations:
        return "Conforms: no violations."
    parts = [_plural(counts[s], s.lower()) for s in ("Violation", "Warning", "Info") if counts[s]]
    head = "Conforms" if report.conforms else "Does not conform"
    lines = [f"{head}: {', '.join(parts)}."]
    groups: dict[str, list[Violation]] = defaultdict(list)
    for v in report.violations:
        groups[v.shape].append(v)
    for shape, group in groups.items():
        messages = {v.message for v in group}
        severity = "" if group[0].severity == "Violation" else f" [{group[0].severity.lower()}]"
        if len(messages) == 1:
            lines.append(f"{_short(shape)}{severity}: {group[0].message}")
        else:
            lines.append(f"{_short(shape)}{severity}:")
        for v in group:
            line = f"  - {_short(v.focus)}"
            if v.value is not None:
                line += f" ({_short(v.path) if v.path else 'value'} = {_short(v.value)})"
            if len(messages) > 1:
                line += f": {v.message}"
            lines.append(line)
    return "\n".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _parse_shapes(shapes: Path | str) -> Graph:
    path = Path(shapes)
    if not path.is_file():
        raise FileNotFoundError(f"no SHACL shapes file at {str(path)!r}")
    return Graph().parse(path, format="turtle")


@lru_cache(maxsize=1)
def _default_shapes() -> Graph:
    return _parse_shapes(ontology_path("shapes.ttl"))


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    graph = Graph()
    for name in ("cek.ttl", "alignments.ttl"):
        graph.parse(ontology_path(name), format="turtle")
    return graph


def _results(results: Graph) -> list[Violation]:
    found = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        found.append(
            Violation(
                focus=_text(results.value(r, SH.focusNode)),
                path=None if path is None else _text(path),
                message=_message(results, r),
                severity=_SEVERITIES.get(results.value(r, SH.resultSeverity), "Violation"),
                shape=_text(results.value(r, SH.sourceShape)),
                value=None if value is None else _value(value),
            )
        )
    return found


def _message(results: Graph, result: Node) -> str:
    messages = list(results.objects(result, SH.resultMessage))
    english = [m for m in messages if isinstance(m, Literal) and m.language in (None, "en")]
    chosen = sorted(english or messages, key=str)
    return str(chosen[0]) if chosen else "(no message)"


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return node.n3()
    return str(node)


def _value(node: Node) -> str:
    if isinstance(node, Literal):
        return node.n3(_namespaces())
    return _text(node)


def _sort_key(v: Violation) -> tuple[str, str, str, str, str]:
    return (v.shape, v.focus, v.path or "", v.message, v.value or "")


@lru_cache(maxsize=1)
def _namespaces() -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        manager.bind(prefix, URIRef(str(ns)))
    manager.bind("cekshape", URIRef(str(CEKSHAPE)))
    return manager


def _short(term: str) -> str:
    """Shorten an IRI with kg's prefixes; leave anything else as it is."""
    if not term.startswith(("http://", "https://")):
        return term
    manager = _namespaces()
    for prefix, ns in manager.namespaces():
        if term.startswith(str(ns)) and len(term) > len(str(ns)):
            return f"{prefix}:{term[len(str(ns)) :]}"
    return f"<{term}>"
