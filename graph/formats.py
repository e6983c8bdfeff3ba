"""The answer formats, by kind of answer: one table maps names, aliases and media types to writers.

SELECT answers ("results") and ASK answers ("boolean") use the W3C result formats; CONSTRUCT and DESCRIBE
answers ("graph") use RDF syntaxes. The endpoint negotiates from these tables and a query worker writes
with them, so a format is named in one place only.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from graph.results import XML_REFUSAL, to_csv, to_json, to_tsv, to_xml, xml_can_carry
from graph.store import Answer, Table
from ontology import PREFIXES
from ontology.errors import QueryError


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    aliases: tuple[str, ...]
    """Other media types a client may ask for it by, and short names for the ``format`` parameter."""


RESULT_FORMATS = (
    Format("json", "application/sparql-results+json", ("application/json", "srj")),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml", "srx")),
    Format("csv", "text/csv", ()),
    Format("tsv", "text/tab-separated-values", ()),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", ("application/x-turtle", "ttl")),
    Format("ntriples", "application/n-triples", ("text/plain", "nt")),
    Format("jsonld", "application/ld+json", ("application/json", "json-ld", "json")),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml", "xml", "rdf")),
)
FORMATS = {
    "results": RESULT_FORMATS,
    "boolean": RESULT_FORMATS[:2],
    "graph": GRAPH_FORMATS,
}
"""Formats per kind of answer, the default first. CSV and TSV define no form for a boolean."""

_RDFLIB_NAMES = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


@dataclass(frozen=True)
class Written:
    """An answer a store wrote in its format itself (the embedded store's fast path, see ``query_written``).

    ``body`` is None when ``formats`` named no format for this ``kind``; ``rows`` counts the rows (triples) in the
    body, at most the limit, and ``complete`` says whether the answer had no more.
    """

    kind: str
    body: bytes | None
    rows: int
    complete: bool


def kind_of(answer: Answer) -> str:
    """"results", "boolean" or "graph".

    >>> kind_of(True), kind_of(Table(["x"], [])), kind_of(Graph())
    ('boolean', 'results', 'graph')
    """
    if isinstance(answer, bool):
        return "boolean"
    return "results" if isinstance(answer, Table) else "graph"


def kind_of_form(form: str | None) -> str | None:
    """The kind of answer a query form gives (None when the form is unknown).

    >>> kind_of_form("DESCRIBE")
    'graph'
    """
    return {"SELECT": "results", "ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(form or "")


def by_name(kind: str, name: str) -> Format | None:
    """The format of ``kind`` that ``name`` (a name, alias or media type) means, or None.

    >>> by_name("graph", "json").media_type, by_name("results", "json").media_type
    ('application/ld+json', 'application/sparql-results+json')
    >>> by_name("boolean", "csv") is None
    True
    """
    wanted = name.strip().lower()
    return next((f for f in FORMATS[kind] if wanted in (f.name, f.media_type, *f.aliases)), None)


def write(answer: Answer, fmt: Format, extra: dict | None = None) -> bytes:
    """``answer`` in ``fmt``; ``extra`` adds top-level members to SPARQL JSON (other formats have no room).

    >>> write(True, by_name("boolean", "xml")).decode().splitlines()[-2]
    '<boolean>true</boolean>'
    """
    if isinstance(answer, Graph):
        for prefix, namespace in PREFIXES.items():
            answer.bind(prefix, namespace)
        body = answer.serialize(format=_RDFLIB_NAMES[fmt.name], encoding="utf-8")
        if fmt.name == "rdfxml" and not xml_can_carry(body):
            raise QueryError(XML_REFUSAL)
        return body
    writers = {"json": lambda a: to_json(a, extra), "xml": to_xml, "csv": to_csv, "tsv": to_tsv}
    return writers[fmt.name](answer).encode("utf-8")
