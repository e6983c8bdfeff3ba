"""SHACL validation of data against the project's shapes: a hard check that says what it looked at.

:func:`check` runs pySHACL on rdflib graphs: the reference implementation that the tests hold
:mod:`loaders.shacl_sparql` (what builds, loads and ``ascn validate`` run, inside the store) to. The report type
and the refusal (:func:`require`) are shared by both.

A validation that checked nothing is a failure, not a pass (the SOSA repository's empty ``validate.py``
passed for years), so every report counts the nodes its shapes targeted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SH

from loaders.errors import ValidationError
from ontology import ontology_graph, shapes_graph


@dataclass(frozen=True)
class Report:
    """The outcome of one validation: conformance, the violations (focus, path, message) and what was checked."""

    conforms: bool
    results: list[tuple[str, str | None, str]]
    checked: int
    text: str = ""


def check(graphs: Iterable[Graph], focus: Graph | None = None) -> Report:
    """Validate the union of ``graphs`` (with the ontology mixed in for subclasses).

    ``focus`` limits the report to violations whose focus node is described in that graph, so a user's file is
    judged on its own records while the store supplies what they link to.
    """
    from pyshacl import validate as shacl_validate  # imported here: no command needs it (they use the SPARQL checks)

    data = ontology_graph()  # sh:class checks need the concept types and subclass axioms in the data
    for graph in graphs:
        data += graph
    shapes = shapes_graph()
    _, report_graph, text = shacl_validate(data, shacl_graph=shapes, inference="none", allow_warnings=False)
    results = []
    for result in report_graph.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, result) in report_graph:
            continue  # a nested result explaining an sh:node failure, already reported by its parent
        node = report_graph.value(result, SH.focusNode)
        if focus is not None and (node, None, None) not in focus:
            continue
        path = report_graph.value(result, SH.resultPath)
        message = report_graph.value(result, SH.resultMessage) or report_graph.value(result, SH.sourceShape)
        results.append(
            (str(node), data.namespace_manager.normalizeUri(path) if path is not None else None, str(message))
        )
    results.sort(key=lambda r: (r[0], r[1] or "", r[2]))
    checked = _targeted(data, shapes) if focus is None else _targeted(focus + ontology_graph(), shapes, focus)
    return Report(conforms=not results, results=results, checked=checked, text=text)


def validate(graphs: Iterable[Graph], focus: Graph | None = None, file: str | None = None) -> Report:
    """Like :func:`check`, but raise ValidationError when the data does not conform or nothing was checked."""
    return require(check(graphs, focus), file)


def require(report: Report, file: str | None = None) -> Report:
    """``report`` itself when the data conforms and something was checked; else raise ValidationError."""
    where = f"{file}: " if file else ""
    if report.checked == 0:
        raise ValidationError(f"{where}no record was checked: the data holds nothing the shapes describe", [])
    if not report.conforms:
        lines = [f"{where}{len(report.results)} SHACL violation(s):"]
        lines += [
            f"  {node} {('(' + path + ') ') if path else ''}{message}" for node, path, message in report.results[:20]
        ]
        raise ValidationError("\n".join(lines), report.results, file)
    return report


def _targeted(data: Graph, shapes: Graph, within: Graph | None = None) -> int:
    """How many nodes of ``data`` the shapes target (by class with subclasses, or by property), once each."""
    classes = set(shapes.objects(None, SH.targetClass))
    subclasses = set(classes)
    while True:
        more = {s for c in subclasses for s in data.subjects(RDFS.subClassOf, c)} - subclasses
        if not more:
            break
        subclasses |= more
    nodes = {s for c in subclasses for s in data.subjects(RDF.type, c)}
    nodes |= {s for p in shapes.objects(None, SH.targetSubjectsOf) for s in data.subjects(p, None)}
    nodes |= {o for p in shapes.objects(None, SH.targetObjectsOf) for o in data.objects(None, p)}
    if within is not None:
        nodes = {n for n in nodes if (n, None, None) in within}
    return len(nodes)
