"""Every format the project reads or writes, in one table: names, media types, aliases, file endings, labels.

SELECT answers ("results") and ASK answers ("boolean") use the W3C result formats; CONSTRUCT and DESCRIBE
answers ("graph") use RDF syntaxes; a whole-graph export or download ("export") adds the dataset syntaxes that
keep the named graphs; a file to load ("load") may also be N3. The endpoint and the entity pages negotiate from
these tables, query workers and downloads write with them, the loaders read file endings from them, and the
backends find their own library's format by media type, so a format is named in one place only.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph

from graph.errors import StoreError
from graph.results import XML_REFUSAL, to_csv, to_json, to_tsv, to_xml, xml_can_carry
from graph.store import Answer, Table
from ontology import bind_prefixes
from queries.errors import QueryError


@dataclass(frozen=True)
class Format:
    """One format: its name in the CLI and the ``format`` parameter, its media type, and what else names it."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    """Other media types a client may ask for it by, and short names for the ``format`` parameter."""
    extension: str = ""
    """The file name ending of a file in this format (without the dot)."""
    label: str = ""
    """Its name for people."""
    rdflib: str = ""
    """rdflib's parser and serialiser name, for RDF syntaxes."""
    dataset: bool = False
    """Whether it keeps named graphs (a dataset syntax); the others hold one graph, the union."""


RESULT_FORMATS = (
    Format("json", "application/sparql-results+json", ("application/json", "srj"), "srj", "SPARQL JSON"),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml", "srx"), "srx", "SPARQL XML"),
    Format("csv", "text/csv", (), "csv", "CSV"),
    # a client that asks for plain text (curl -H 'Accept: text/plain', a terminal) gets TSV: plain text, one row a
    # line, every term written out; it was a 406
    Format("tsv", "text/tab-separated-values", ("text/plain",), "tsv", "TSV"),
)
GRAPH_FORMATS = (
    # Turtle is N3 without N3's extensions: a client asking for N3 (SPARQLWrapper's N3) can read it
    Format("turtle", "text/turtle", ("application/x-turtle", "ttl", "text/n3", "n3"), "ttl", "Turtle", "turtle"),
    Format("ntriples", "application/n-triples", ("text/plain", "nt"), "nt", "N-Triples", "nt"),
    Format(
        "jsonld",
        "application/ld+json",
        ("application/json", "application/x-json+ld", "json-ld", "json"),
        "jsonld",
        "JSON-LD",
        "json-ld",
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        ("application/xml", "text/xml", "xml", "rdf", "rdf+xml"),
        "rdf",
        "RDF/XML",
        "xml",
    ),
)
DATASET_FORMATS = (
    Format("trig", "application/trig", (), "trig", "TriG", "trig", dataset=True),
    Format("nquads", "application/n-quads", ("nq",), "nq", "N-Quads", "nquads", dataset=True),
    Format(
        "jsonld-graphs",
        "application/ld+json",
        (),
        "graphs.jsonld",
        "JSON-LD with named graphs",
        "json-ld",
        dataset=True,
    ),
)
N3 = Format("n3", "text/n3", (), "n3", "N3", "n3")
FORMATS = {
    "results": RESULT_FORMATS,
    "boolean": RESULT_FORMATS[:2],
    "graph": GRAPH_FORMATS,
    "export": GRAPH_FORMATS + DATASET_FORMATS,
    "load": GRAPH_FORMATS + (N3,),
}
"""Formats per kind: of answer (the default first; CSV and TSV define no form for a boolean), of a whole-graph
export (the triple syntaxes hold the union of the graphs, the dataset ones keep each graph), of a file to load."""

FILE_ENDINGS = {
    **{f".{f.extension}": f for f in FORMATS["load"]},
    ".json": GRAPH_FORMATS[2],
    ".owl": GRAPH_FORMATS[3],
    ".xml": GRAPH_FORMATS[3],
}
"""File name endings read as RDF when a file is loaded, with the format each is read as."""


def export_format(name: str) -> Format:
    """The export format named ``name``; an unknown name raises StoreError listing the known ones.

    >>> export_format("jsonld").dataset, export_format("jsonld-graphs").dataset
    (False, True)
    >>> export_format("csv")
    Traceback (most recent call last):
    ...
    graph.errors.StoreError: unknown export format 'csv'; choose one of: turtle, ntriples, jsonld, rdfxml, trig, nquads, jsonld-graphs
    """
    found = next((f for f in FORMATS["export"] if f.name == name), None)
    if found is None:
        raise StoreError(
            f"unknown export format {name!r}; choose one of: " + ", ".join(f.name for f in FORMATS["export"])
        )
    return found


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
    """ "results", "boolean" or "graph".

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
    >>> write(True, by_name("results", "csv"))
    Traceback (most recent call last):
    ...
    graph.errors.StoreError: CSV has no form for a yes/no answer; choose SPARQL JSON or SPARQL XML
    """
    if isinstance(answer, Graph):
        body = bind_prefixes(answer).serialize(format=fmt.rdflib, encoding="utf-8")
        if fmt.name == "rdfxml" and not xml_can_carry(body):
            raise QueryError(XML_REFUSAL)
        return body
    if fmt.name == "json":
        return to_json(answer, extra).encode("utf-8")
    if fmt.name == "xml":
        return to_xml(answer).encode("utf-8")
    if isinstance(answer, bool):  # FORMATS["boolean"] holds no table format
        raise StoreError(f"{fmt.label} has no form for a yes/no answer; choose SPARQL JSON or SPARQL XML")
    return {"csv": to_csv, "tsv": to_tsv}[fmt.name](answer).encode("utf-8")
