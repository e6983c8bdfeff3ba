"""What every backend shares: graph-name checks, update texts, query-error positions and term conventions.

One copy of each keeps the backends interchangeable: the same query gives equal answers (a plain literal is
``Literal("x")``, never ``Literal("x", datatype=xsd:string)``), the same bad input gives the same error, and
the same replacement is written as the same SPARQL Update text. Nothing here imports a store library.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from graph.errors import StoreError
from graph.query_errors import explain
from queries.errors import QueryError

_PLAIN = {str(XSD.string), str(RDF.langString)}
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_POSITIONS = (
    re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL),  # Oxigraph (embedded and server)
    re.compile(r"(.*?)\s*at line (\d+), column (\d+)\.?(.*)", re.DOTALL),  # Jena/Fuseki, RDF4J/GraphDB
    re.compile(r"Virtuoso \w+ Error \w+: SPARQL compiler, line (\d+): (.*)", re.DOTALL),  # the line only
)


def check_iri(name: str) -> str:
    """A graph name checked to be a plain absolute IRI, so it cannot break out of ``<...>``.

    >>> check_iri("https://w3id.org/ascn/graph/user/mine")
    'https://w3id.org/ascn/graph/user/mine'
    >>> check_iri("x> } ; DROP ALL ; #")
    Traceback (most recent call last):
    ...
    graph.errors.StoreError: invalid graph name 'x> } ; DROP ALL ; #': expected an absolute IRI
    """
    if not name or any(c in name for c in '<>"{}|^`\\ \n\t') or ":" not in name:
        raise StoreError(f"invalid graph name {name!r}: expected an absolute IRI")
    return name


def replace_update(graphs: Mapping[str, Graph], drop: list[str] | None = None) -> str:
    """One SPARQL Update that empties the graphs in ``drop`` (by default those of ``graphs``), then inserts
    the content of ``graphs``.

    Every name is checked and every triple written by rdflib's N-Triples serialiser, so no text from the
    data can change the shape of the request. Triples with a blank node go in an ``INSERT { } WHERE { }``
    after the ``INSERT DATA``: SPARQL 1.1 allows blank nodes in ``INSERT DATA``, but Virtuoso 7.2 refuses them
    there, and a template matched by the one empty solution makes the same new nodes on every store. Only those
    triples go that way: Virtuoso refuses a template that compiles to over 10,000 lines of SQL (between 1,200
    and 1,500 triples), so a graph with more blank-node triples cannot be written to Virtuoso by an update.

    >>> g = Graph(); _ = g.add((URIRef("http://ex/a"), RDF.type, URIRef("http://ex/T")))
    >>> print(replace_update({"http://ex/g": g}))
    DROP SILENT GRAPH <http://ex/g> ;
    INSERT DATA {
    GRAPH <http://ex/g> {
    <http://ex/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex/T> .
    }
    }
    >>> _ = g.add((BNode("b"), RDF.type, URIRef("http://ex/T")))
    >>> print(replace_update({"http://ex/g": g}, drop=[]))
    INSERT DATA {
    GRAPH <http://ex/g> {
    <http://ex/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex/T> .
    }
    } ;
    INSERT {
    GRAPH <http://ex/g> {
    _:b <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex/T> .
    }
    } WHERE { }
    >>> replace_update({}, drop=["http://ex/old", "http://ex/older"])
    'DROP SILENT GRAPH <http://ex/old> ;\\nDROP SILENT GRAPH <http://ex/older>'
    """
    drops = [f"DROP SILENT GRAPH <{check_iri(name)}>" for name in (graphs if drop is None else drop)]
    ground: dict[str, Graph] = {}
    blank: dict[str, Graph] = {}
    for name, graph in graphs.items():
        if any(isinstance(term, BNode) for s, _, o in graph for term in (s, o)):
            blank[name] = Graph()
            ground[name] = Graph()
            for s, p, o in graph:
                (blank if isinstance(s, BNode) or isinstance(o, BNode) else ground)[name].add((s, p, o))
        else:
            ground[name] = graph
    inserts = []
    if body := _graph_blocks(ground):
        inserts.append(f"INSERT DATA {{\n{body}}}")
    if body := _graph_blocks(blank):
        inserts.append(f"INSERT {{\n{body}}} WHERE {{ }}")
    return " ;\n".join(drops + inserts)


def _graph_blocks(graphs: Mapping[str, Graph]) -> str:
    return "".join(f"GRAPH <{check_iri(name)}> {{\n{_ntriples(name, g)}\n}}\n" for name, g in graphs.items() if len(g))


def _ntriples(name: str, graph: Graph) -> str:
    """``graph`` as N-Triples; a relative IRI is refused here, since a server would resolve it against its
    own URL (Oxigraph server does) while the embedded store refuses it."""
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and not _ABSOLUTE.match(term):
                raise StoreError(f"the store refused the graph {name}: {term!r} is not an absolute IRI")
    try:
        return graph.serialize(format="nt").strip()
    except Exception as exc:  # rdflib raises a bare Exception for an IRI it cannot write
        raise StoreError(f"the store refused the graph {name}: {exc}") from None


def drop_update(names: list[str]) -> str:
    """One SPARQL Update removing each named graph; a graph that does not exist makes the store refuse it all.

    >>> drop_update(["http://ex/a", "http://ex/b"])
    'DROP GRAPH <http://ex/a> ;\\nDROP GRAPH <http://ex/b>'
    """
    return " ;\n".join(f"DROP GRAPH <{check_iri(name)}>" for name in names)


def query_error(message: str, sparql: str | None = None) -> QueryError:
    """A QueryError carrying the parser's position when its message gives one, explained against ``sparql``.

    Reads Oxigraph's ``error at LINE:COLUMN: ...`` and Jena's or RDF4J's ``... at line L, column C``;
    Virtuoso gives the line only, which stays in the message.

    >>> print(query_error("error at 1:25: expected one of LATERAL, SERVICE, [_]"))
    syntax error: expected one of LATERAL, SERVICE, [_] (line 1, column 25)
    >>> query_error('Lexical error at line 3, column 7.  Encountered: "}"').position
    (3, 7)
    >>> print(query_error("Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at '}' before '}'"))
    syntax error at '}' before '}' (line 1)
    >>> query_error("Timeout").position is None
    True
    """
    error = _parsed_error(message.strip())
    return error if sparql is None else explain(sparql, error)


def _parsed_error(message: str) -> QueryError:
    match = _POSITIONS[0].match(message)
    if match:
        return QueryError(f"syntax error: {match[3].strip()}", position=(int(match[1]), int(match[2])))
    match = _POSITIONS[1].search(message)
    if match:
        text = " ".join(part.strip() for part in (match[1], match[4]) if part.strip())
        return QueryError(f"syntax error: {text}", position=(int(match[2]), int(match[3])))
    match = _POSITIONS[2].match(message)
    if match:
        return QueryError(f"{match[2].strip()} (line {match[1]})")
    return QueryError(message)


def literal(value: str, language: str | None = None, datatype: str | None = None) -> Literal:
    """An rdflib literal by the project's convention: a plain string has no datatype.

    SPARQL 1.1 makes ``"x"`` and ``"x"^^xsd:string`` the same term, but rdflib compares them unequal, so
    every backend builds literals here and answers compare equal whichever store gave them.

    >>> literal("x", datatype="http://www.w3.org/2001/XMLSchema#string") == literal("x")
    True
    >>> literal("2018", datatype="http://www.w3.org/2001/XMLSchema#gYear").datatype
    rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#gYear')
    >>> literal("Đà Nẵng", language="vi").language
    'vi'
    """
    if language:
        return Literal(value, lang=language)
    if datatype is None or datatype in _PLAIN:
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


def serialized(written: bytes | None) -> bytes:
    """What a pyoxigraph writer given no output returns: bytes (its stubs type every call ``bytes | None``)."""
    if written is None:
        raise StoreError("pyoxigraph's writer returned nothing")
    return written


def plain(term):
    """``term`` with an ``xsd:string`` datatype removed (other terms unchanged), for parsed graphs.

    >>> plain(Literal("x", datatype=XSD.string)) == Literal("x")
    True
    """
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in _PLAIN:
        return Literal(str(term))
    return term
