"""Checks on the ontology itself: logical consistency and documentation.

Both are hard checks meant for tests and the build. A documentation check that
looked at zero terms counts as a failure, so a broken target can never pass
silently.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from ontology import ONTOLOGY_IRI, ontology_graph, ontology_shapes_graph

__all__ = ["Consistency", "check_consistency", "check_documentation", "reasoner_copy"]

# HermiT accepts only the OWL 2 datatype map. These XSD types are used by the
# ontology (dates at the precision the sources give) but are not in that map.
_NON_OWL2_DATATYPES = frozenset(
    {XSD.date, XSD.gYear, XSD.gYearMonth, XSD.gMonth, XSD.gMonthDay, XSD.gDay, XSD.time, XSD.duration}
)


@dataclass(frozen=True)
class Consistency:
    """Outcome of :func:`check_consistency`."""

    consistent: bool
    unsatisfiable: tuple[str, ...] = ()
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Consistent and no class is forced to be empty."""
        return self.consistent and not self.unsatisfiable


def reasoner_copy(graph: rdflib.Graph) -> rdflib.Graph:
    """A copy of ``graph`` that HermiT can read.

    Drops ``owl:imports`` (everything is already in the graph, and the IRIs
    need not resolve) and the module headers (one ``owl:Ontology`` per file),
    and replaces datatypes outside the OWL 2 datatype map by ``rdfs:Literal``
    in ranges and by plain strings in literals. The lexical form of those
    literals is checked by the data shapes instead.
    """
    out = rdflib.Graph()
    modules = {s for s in graph.subjects(RDF.type, OWL.Ontology) if s != ONTOLOGY_IRI}
    for s, p, o in graph:
        if p == OWL.imports or s in modules:
            continue
        if p == RDFS.range and o in _NON_OWL2_DATATYPES:
            o = RDFS.Literal
        elif isinstance(o, rdflib.Literal) and o.datatype in _NON_OWL2_DATATYPES:
            o = rdflib.Literal(str(o))
        out.add((s, p, o))
    return out


def check_consistency(graph: rdflib.Graph | None = None) -> Consistency:
    """Run HermiT (through owlready2) on the ontology, or on ``graph`` if given.

    Needs ``java`` on the PATH. Returns rather than raises, so the caller
    decides how to report; ``result.ok`` is the single yes/no.
    """
    import owlready2  # imported here: slow, and only this check needs it

    graph = ontology_graph() if graph is None else graph
    world = owlready2.World()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ascn.nt"
        reasoner_copy(graph).serialize(path, format="nt", encoding="utf-8")
        world.get_ontology(path.as_uri()).load()
        try:
            owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return Consistency(False, (), f"the ontology is inconsistent: {exc}")
        unsatisfiable = tuple(sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing))
    detail = f"unsatisfiable classes: {', '.join(unsatisfiable)}" if unsatisfiable else "consistent"
    return Consistency(True, unsatisfiable, detail)


def check_documentation(graph: rdflib.Graph | None = None) -> tuple[bool, int, str]:
    """Validate the ontology against ``shapes/ontology.shacl.ttl``.

    Returns ``(conforms, number of terms checked, report text)``. The count is
    the number of distinct nodes the shapes target; if it is zero the result is
    a failure whatever the validator says.

    >>> conforms, checked, _ = check_documentation()
    >>> conforms, checked > 50
    (True, True)
    """
    import pyshacl

    graph = ontology_graph() if graph is None else graph
    shapes = ontology_shapes_graph()
    targets = set(shapes.objects(None, SH.targetClass))
    checked = len({s for t in targets for s in graph.subjects(RDF.type, t)})
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes, inference="none", allow_warnings=False)
    if checked == 0:
        return False, 0, "no terms were checked: the shapes target nothing in the ontology graph\n" + report
    return bool(conforms), checked, report
