"""SHACL validation run by the store itself: the data shapes compiled into SPARQL SELECT queries at run time.

pySHACL reads the whole data graph into Python, which is exact but takes minutes for millions of triples; the
same checks as SPARQL queries run inside the store (on a load's staging copy, before it goes live) at the
store's speed. ``ontology/shapes/data.shacl.ttl`` stays the only statement of the rules: this module reads it
and writes the queries, one per (target shape, constraint group), so a changed shape changes the queries.

Only the SHACL Core constructs the project's shapes use are compiled: targets by class (with subclasses),
subjects-of and objects-of; ``sh:property`` with an IRI or inverse path; ``sh:minCount`` / ``sh:maxCount``
of 0 or 1; ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:in``, ``sh:pattern``, ``sh:hasValue``,
``sh:min/maxInclusive/Exclusive``, ``sh:node``, ``sh:or``, ``sh:xone``, ``sh:and``, ``sh:not``, and
``sh:message``. Anything else raises :class:`UnsupportedShape` when the queries are generated, so a shape
the compiler cannot express exactly fails loudly instead of being skipped. Results are reported as pySHACL
reports them (one per focus node and failing component, per value node for value constraints), and
tests/loaders/test_shacl_sparql.py checks both give the same results.

One deliberate difference: a typed literal is well formed when the store can cast it to its datatype (XSD
lexical rules), so ``"1e3"^^xsd:decimal`` and ``"abc"^^xsd:gYear`` are violations here, which rdflib (and so
pySHACL) lets through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import count

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from graph.backends.common import check_iri
from graph.store import Answer, select
from loaders.validate import Report, require
from ontology import ontology_graph, shapes_graph

Query = Callable[[str], Answer]
"""Runs one SPARQL query on the data to check and returns its answer (a :class:`graph.store.Table`)."""

_CASTABLE = {
    XSD[t]
    for t in ("integer", "decimal", "boolean", "date", "dateTime", "gYear", "gYearMonth", "double", "float", "time")
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_VALUE_KEYS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH["in"],
    SH.pattern,
    SH.node,
    SH["or"],
    SH.xone,
    SH["and"],
    SH["not"],
    *_COMPARISONS,
}
_FOCUS_KEYS = {SH.minCount, SH.maxCount, SH.hasValue}
_IGNORED = {
    RDF.type,
    SH.name,
    SH.description,
    SH.message,
    SH.property,
    SH.path,
    SH.flags,
    SH.order,
    SH.group,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
}
_PREFIXES = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)


class UnsupportedShape(ValueError):
    """The shapes use a SHACL construct this compiler does not translate (so it cannot check it exactly)."""


@dataclass(frozen=True)
class Check:
    """One generated query: each answer row is a focus node (and value) failing one or more components.

    ``components`` names the boolean columns ``?ok0``, ``?ok1``...: each false one is one result.
    """

    sparql: str
    path: str | None
    message: str
    components: int
    shape: str = field(compare=False)


@dataclass(frozen=True)
class Screen:
    """One query per target shape testing all its constraints per focus node at once: each answer row is a
    focus node failing some component, and ``?ok<i>`` false means the exact :class:`Check` ``checks[i]`` has
    results to report (valid data, the usual case, is read once per shape, not once per constraint)."""

    sparql: str
    checks: list[Check]


def checks(graph: str | None = None, shapes: Graph | None = None) -> tuple[list[Screen], str]:
    """The queries validating the data against ``shapes`` (the project's data shapes by default), and the
    query counting the targeted nodes; ``graph`` limits both to focus nodes that are subjects in that graph.

    >>> screens, counter = checks()
    >>> len(screens), sum(len(s.checks) for s in screens), "COUNT(DISTINCT ?focus)" in counter
    (17, 173, True)
    """
    if shapes is None:
        return _bundled_checks(graph)
    return _Compiler(shapes, graph).compile()


@lru_cache(maxsize=8)
def _bundled_checks(graph: str | None) -> tuple[list[Screen], str]:
    return _Compiler(shapes_graph(), graph).compile()


def check(query: Query, graph: str | None = None, shapes: Graph | None = None) -> Report:
    """Validate the data ``query`` reaches (the union of its graphs) against the shapes.

    ``graph`` limits the report to focus nodes described in that named graph, as
    :func:`loaders.validate.check`'s ``focus`` does, so a loaded file is judged on its own records while the
    rest of the store supplies what they link to.
    """
    screens, counter = checks(graph, shapes)
    results = []
    for screen in screens:
        flagged = select(query, screen.sparql)
        for i, c in enumerate(screen.checks):
            if all(_true(row[f"ok{i}"]) for row in flagged):
                continue
            path = _names().normalizeUri(URIRef(c.path)) if c.path else None
            for row in select(query, c.sparql):
                failed = sum(1 for j in range(c.components) if not _true(row[f"ok{j}"]))
                results.extend([(str(row["focus"]), path, c.message)] * failed)
    results.sort(key=lambda r: (r[0], r[1] or "", r[2]))
    checked = int(select(query, counter).rows[0][0])
    return Report(conforms=not results, results=results, checked=checked)


def validate(query: Query, graph: str | None = None, file: str | None = None, shapes: Graph | None = None) -> Report:
    """Like :func:`check`, but raise ValidationError when the data does not conform or nothing was checked."""
    return require(check(query, graph, shapes), file)


@lru_cache(maxsize=1)
def _names():
    """The ontology's prefixes, to name a failing path; parsed only when something fails."""
    return ontology_graph().namespace_manager


def _all(parts: list[str]) -> str:
    return "(" + " && ".join(f"COALESCE({p}, false)" for p in parts) + ")"


def _true(term: Node | None) -> bool:
    return isinstance(term, Literal) and term.toPython() is True


class _Compiler:
    def __init__(self, shapes: Graph, graph: str | None):
        self.shapes = shapes
        self.graph = check_iri(graph) if graph else None
        self.fresh = count()

    def compile(self) -> tuple[list[Screen], str]:
        screens: list[Screen] = []
        targets = []
        for shape in sorted(set(self.shapes.subjects(RDF.type, SH.NodeShape)), key=str):
            self._check_keys(shape)
            target = self._targets(shape)
            if target is None:
                continue
            targets.append(target)
            exact: list[Check] = []
            screen: list[str] = []
            node_parts = self._value_parts(shape, "?focus")
            if node_parts:
                exact.append(self._query(shape, target, "", node_parts, None))
                screen.append(_all(node_parts))
            for prop in sorted(self.shapes.objects(shape, SH.property), key=str):
                self._check_keys(prop)
                path = self._path(prop)
                focus_parts = self._focus_parts(prop, "?focus", path)
                if focus_parts:
                    exact.append(self._query(prop, target, "", focus_parts, self._path_iri(prop)))
                    screen.append(_all(focus_parts))
                value_parts = self._value_parts(prop, "?v")
                if value_parts:
                    exact.append(self._query(prop, target, f"?focus {path} ?v .\n", value_parts, self._path_iri(prop)))
                    x = self._var()
                    screen.append(f"NOT EXISTS {{ ?focus {path} {x} FILTER(!{_all(self._value_parts(prop, x))}) }}")
            if exact:
                screens.append(Screen(self._select(target, "", screen), exact))
        union = " UNION ".join(f"{{ {t} }}" for t in targets)
        counter = f"{_PREFIXES}SELECT (COUNT(DISTINCT ?focus) AS ?n) WHERE {{ {union} {self._focus_filter()} }}"
        return screens, counter

    # -- queries ---------------------------------------------------------------------------------
    def _query(self, shape: Node, target: str, pattern: str, parts: list[str], path: str | None) -> Check:
        message = self.shapes.value(shape, SH.message)
        if message is None:
            raise UnsupportedShape(f"the shape {shape} reports violations but has no sh:message")
        return Check(self._select(target, pattern, parts), path, str(message), len(parts), str(shape))

    def _select(self, target: str, pattern: str, parts: list[str]) -> str:
        """Focus nodes of ``target`` (and values, if ``pattern`` binds ``?v``) where some part is false."""
        binds = "".join(f"BIND(COALESCE({p}, false) AS ?ok{i})\n" for i, p in enumerate(parts))
        failing = " || ".join(f"!?ok{i}" for i in range(len(parts)))
        variables = " ".join(f"?ok{i}" for i in range(len(parts)))
        return (
            f"{_PREFIXES}SELECT ?focus {variables} WHERE {{\n"
            f"{{ SELECT DISTINCT ?focus WHERE {{ {target} {self._focus_filter()} }} }}\n"
            f"{pattern}{binds}FILTER({failing})\n}}"
        )

    def _focus_filter(self) -> str:
        return f"FILTER EXISTS {{ GRAPH <{self.graph}> {{ ?focus ?_fp ?_fo }} }}" if self.graph else ""

    def _targets(self, shape: Node) -> str | None:
        parts = [
            f"{{ ?focus rdf:type/rdfs:subClassOf* {_iri(c)} }}" for c in self.shapes.objects(shape, SH.targetClass)
        ]
        parts += [f"{{ ?focus {_iri(p)} [] }}" for p in self.shapes.objects(shape, SH.targetSubjectsOf)]
        parts += [f"{{ [] {_iri(p)} ?focus }}" for p in self.shapes.objects(shape, SH.targetObjectsOf)]
        if (shape, SH.targetNode, None) in self.shapes:
            raise UnsupportedShape(f"sh:targetNode in {shape}")
        return " UNION ".join(parts) if parts else None

    # -- constraints as SPARQL expressions -------------------------------------------------------
    def _check_keys(self, shape: Node) -> None:
        for p in set(self.shapes.predicates(shape, None)):
            if p not in _VALUE_KEYS | _FOCUS_KEYS | _IGNORED:
                raise UnsupportedShape(f"{p} in the shape {shape}")
        severity = self.shapes.value(shape, SH.severity)
        if severity is not None and severity != SH.Violation:
            raise UnsupportedShape(f"severity {severity} in the shape {shape}")
        if (shape, SH.deactivated, None) in self.shapes:
            raise UnsupportedShape(f"sh:deactivated in the shape {shape}")

    def _path(self, shape: Node) -> str:
        path = self.shapes.value(shape, SH.path)
        if isinstance(path, URIRef):
            return _iri(path)
        inverse = self.shapes.value(path, SH.inversePath) if path is not None else None
        if isinstance(inverse, URIRef):
            return f"^{_iri(inverse)}"
        raise UnsupportedShape(f"the path of {shape}: only IRIs and sh:inversePath are compiled")

    def _path_iri(self, shape: Node) -> str | None:
        path = self.shapes.value(shape, SH.path)
        return str(path) if isinstance(path, URIRef) else None

    def _focus_parts(self, shape: Node, v: str, path: str) -> list[str]:
        """Constraints on all the values of ``path`` from ``v`` together (counts, hasValue)."""
        parts = []
        for term in self.shapes.objects(shape, SH.minCount):
            n = _count(shape, term)
            if n > 1:
                raise UnsupportedShape(f"sh:minCount {n} in {shape}: only 0 and 1 are compiled")
            if n == 1:
                parts.append(f"EXISTS {{ {v} {path} [] }}")
        for term in self.shapes.objects(shape, SH.maxCount):
            n = _count(shape, term)
            if n > 1:
                raise UnsupportedShape(f"sh:maxCount {n} in {shape}: only 0 and 1 are compiled")
            if n == 0:
                parts.append(f"NOT EXISTS {{ {v} {path} [] }}")
            else:
                a, b = self._var(), self._var()
                parts.append(f"NOT EXISTS {{ {v} {path} {a}, {b} FILTER(!sameTerm({a}, {b})) }}")
        for value in self.shapes.objects(shape, SH.hasValue):
            parts.append(f"EXISTS {{ {v} {path} {_term(value)} }}")
        return parts

    def _value_parts(self, shape: Node, v: str) -> list[str]:
        """Constraints each value node ``v`` must meet, one expression per component."""
        s, parts = self.shapes, []
        for c in s.objects(shape, SH["class"]):
            # the same as `v rdf:type/rdfs:subClassOf* C`, a fifth faster overall in Oxigraph: the path is then
            # walked from each type, not evaluated as one path per value node
            t = self._var()
            parts.append(f"EXISTS {{ {v} rdf:type {t} FILTER EXISTS {{ {t} rdfs:subClassOf* {_iri(c)} }} }}")
        for d in s.objects(shape, SH.datatype):
            ok = f"isLiteral({v}) && sameTerm(datatype({v}), {_iri(d)})"
            if d in _CASTABLE:
                ok += f" && sameTerm(datatype({_iri(d)}(STR({v}))), {_iri(d)})"
            parts.append(f"({ok})")
        for kind in s.objects(shape, SH.nodeKind):
            if not isinstance(kind, URIRef) or kind not in _NODE_KINDS:
                raise UnsupportedShape(f"sh:nodeKind {kind} in {shape}")
            parts.append(_NODE_KINDS[kind].format(v=v))
        for in_list in s.objects(shape, SH["in"]):
            members = [_term(m) for m in Collection(s, in_list)]
            parts.append("(" + (" || ".join(f"sameTerm({v}, {m})" for m in members) or "false") + ")")
        for pattern in s.objects(shape, SH.pattern):
            flags = s.value(shape, SH.flags)
            regex = (
                f"REGEX(STR({v}), {_term(Literal(str(pattern)))}{', ' + _term(Literal(str(flags))) if flags else ''})"
            )
            parts.append(f"(!isBlank({v}) && {regex})")
        for key, op in _COMPARISONS.items():
            for bound in s.objects(shape, key):
                parts.append(f"({v} {op} {_term(bound)})")
        for node in s.objects(shape, SH.node):
            parts.append(self._conforms(node, v))
        for key, join in ((SH["or"], " || "), (SH["and"], " && ")):
            for operands in s.objects(shape, key):
                parts.append("(" + join.join(self._conforms(m, v) for m in Collection(s, operands)) + ")")
        for operands in s.objects(shape, SH.xone):
            parts.append(
                "((" + " + ".join(f"IF({self._conforms(m, v)}, 1, 0)" for m in Collection(s, operands)) + ") = 1)"
            )
        for negated in s.objects(shape, SH["not"]):
            parts.append(f"!{self._conforms(negated, v)}")
        return parts

    def _conforms(self, shape: Node, v: str) -> str:
        """An expression true when the node ``v`` conforms to ``shape`` (a node or property shape)."""
        self._check_keys(shape)
        if (shape, SH.path, None) in self.shapes:
            path = self._path(shape)
            parts = self._focus_parts(shape, v, path)
            x = self._var()
            values = self._value_parts(shape, x)
            if values:
                parts.append(f"NOT EXISTS {{ {v} {path} {x} FILTER(!COALESCE({' && '.join(values)}, false)) }}")
        else:
            parts = self._value_parts(shape, v)
            parts += [self._conforms(p, v) for p in self.shapes.objects(shape, SH.property)]
        return "(" + (" && ".join(f"COALESCE({p}, false)" for p in parts) or "true") + ")"

    def _var(self) -> str:
        return f"?_x{next(self.fresh)}"


def _count(shape: Node, term: Node) -> int:
    """The value of an sh:minCount or sh:maxCount: an integer literal."""
    if not isinstance(term, Literal) or not isinstance(term.value, int):
        raise UnsupportedShape(f"expected an integer count in {shape}, got {term!r}")
    return term.value


def _iri(term: Node) -> str:
    if not isinstance(term, URIRef):
        raise UnsupportedShape(f"expected an IRI in the shapes, got {term!r}")
    return f"<{check_iri(str(term))}>"


def _term(term: Node) -> str:
    """A shape's constant (IRI or literal) as SPARQL text, written by rdflib's N-Triples rules."""
    if isinstance(term, BNode):
        raise UnsupportedShape(f"a blank node where a constant was expected: {term!r}")
    if isinstance(term, URIRef):
        return _iri(term)
    return term.n3()
