"""Read a user's RDF file (Turtle, N-Triples, JSON-LD, ...) with errors that say where the file is wrong."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from ontology.errors import InputError

RDF_SUFFIXES = {
    ".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".owl": "xml",
    ".xml": "xml", ".n3": "n3",
}
"""File name endings read as RDF, with the rdflib parser for each."""

LOAD_FORMATS = {"turtle": "turtle", "nt": "ntriples", "json-ld": "jsonld", "xml": "rdfxml", "n3": "n3"}
"""rdflib parser names → the store's load format names (:data:`graph.store.LOAD_FORMATS`)."""

_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "json-ld": "JSON-LD", "xml": "RDF/XML", "n3": "N3"}


def read_rdf(path: Path) -> Graph:
    """The triples of ``path``; a syntax error raises InputError naming the file, line and problem."""
    parser = RDF_SUFFIXES.get(path.suffix.lower())
    if parser is None:
        raise InputError(path.name, None, None, f"an RDF file ending in {', '.join(sorted(RDF_SUFFIXES))}",
                         repr(path.suffix))
    graph = Graph()
    try:
        graph.parse(path, format=parser)
    except Exception as exc:  # rdflib's parsers raise many types; all mean "this file is not valid RDF"
        raise InputError(path.name, _line_of(exc), None, f"valid {_NAMES[parser]} ({_reason(exc)})") from None
    return graph


def load_format(path: Path) -> str:
    """The store's load format for an RDF file, by its name ending.

    >>> load_format(Path("big.nt")), load_format(Path("mine.TTL"))
    ('ntriples', 'turtle')
    """
    parser = RDF_SUFFIXES.get(path.suffix.lower())
    if parser is None:
        raise InputError(path.name, None, None, f"an RDF file ending in {', '.join(sorted(RDF_SUFFIXES))}",
                         repr(path.suffix))
    return LOAD_FORMATS[parser]


def _line_of(exc: Exception) -> int | None:
    match = re.search(r"line (\d+)", str(exc))
    if match:
        return int(match[1])
    line = getattr(exc, "lines", None) or getattr(exc, "line", None)
    return line if isinstance(line, int) else None


def _reason(exc: Exception) -> str:
    """The parser's own account of the problem, without the context dump some parsers append."""
    why = getattr(exc, "_why", None)  # rdflib's Turtle/N3 BadSyntax keeps the reason here
    if why:
        return str(why)
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else type(exc).__name__
