"""Write query answers in the W3C result formats (SPARQL JSON, XML, CSV, TSV) and as a text table.

Kept free of any store library so the CLI and the web app write the same bytes whichever backend answered.
"""

from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.store import Table
from ontology import prefixed
from queries.errors import QueryError


def _json_term(term: Node) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)  # a SELECT binds IRIs, blank nodes and literals only
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def to_json(answer: Table | bool, extra: dict | None = None) -> str:
    """SPARQL 1.1 Query Results JSON; ``extra`` adds top-level members (e.g. a completeness notice).

    The extra members come right after ``head``: streaming parsers (Oxigraph's, used for SERVICE calls)
    refuse anything after the bindings array.

    >>> to_json(True, {"note": 1})
    '{"head": {}, "note": 1, "boolean": true}'
    """
    doc: dict = {"head": {} if isinstance(answer, bool) else {"vars": answer.variables}, **(extra or {})}
    if isinstance(answer, bool):
        doc["boolean"] = answer
    else:
        doc["results"] = {
            "bindings": [
                {v: _json_term(t) for v, t in zip(answer.variables, row) if t is not None} for row in answer.rows
            ]
        }
    return json.dumps(doc, ensure_ascii=False)


_HEAD = re.compile(rb'\s*\{\s*"head"\s*:\s*\{[^{}]*\}')
"""The opening of a SPARQL JSON document up to the end of ``head``: variable names hold no braces or quotes."""


def add_members(document: bytes, members: dict) -> bytes:
    """SPARQL JSON ``document`` with ``members`` added right after ``head``, as :func:`to_json` places them.

    Only the head is read, so a large answer written by the store is not parsed again; a document whose head
    this cannot find is parsed and rewritten.

    >>> add_members(b'{"head":{"vars":["x"]},"results":{"bindings":[]}}', {"note": {"n": 1}})
    b'{"head":{"vars":["x"]},"note":{"n":1},"results":{"bindings":[]}}'
    >>> add_members(b'{"boolean": true, "head": {}}', {"note": 1})
    b'{"head": {}, "note": 1, "boolean": true}'
    """
    head = _HEAD.match(document)
    if head is None:
        doc = json.loads(document)
        rest = {key: value for key, value in doc.items() if key != "head"}
        return json.dumps({"head": doc.get("head", {}), **members, **rest}, ensure_ascii=False).encode("utf-8")
    extra = json.dumps(members, ensure_ascii=False, separators=(",", ":"))[1:-1].encode("utf-8")
    return b"".join((document[: head.end()], b",", extra, document[head.end() :])) if extra else document


_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot carry, not even as a character reference: the control characters but tab and line
breaks, and the non-characters U+FFFE and U+FFFF (XML 1.0's ``Char`` production leaves them out)."""


def xml_can_carry(text: str | bytes) -> bool:
    r"""Whether an XML document may hold ``text`` (a literal with U+0000 makes any XML writer's output malformed).

    >>> xml_can_carry("a\tb\n"), xml_can_carry("a\x00b"), xml_can_carry(b"<x>\x01</x>"), xml_can_carry("a\ufffeb")
    (True, False, False, False)
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return _NOT_IN_XML.search(text) is None


def to_xml(answer: Table | bool) -> str:
    """SPARQL Query Results XML Format; QueryError when the answer holds a character XML cannot carry."""
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if isinstance(answer, bool):
        out += ["<head/>", f"<boolean>{'true' if answer else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out)
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in answer.variables) + "</head>")
    out.append("<results>")
    for row in answer.rows:
        cells = []
        for var, term in zip(answer.variables, row):
            if term is None:
                continue
            if isinstance(term, URIRef):
                value = f"<uri>{escape(str(term))}</uri>"
            elif isinstance(term, BNode):
                value = f"<bnode>{escape(str(term))}</bnode>"
            else:
                attr = (
                    f" xml:lang={quoteattr(term.language)}"
                    if term.language
                    else f" datatype={quoteattr(str(term.datatype))}"
                    if term.datatype
                    else ""
                )
                value = f"<literal{attr}>{escape(str(term))}</literal>"
            cells.append(f"<binding name={quoteattr(var)}>{value}</binding>")
        out.append("<result>" + "".join(cells) + "</result>")
    out += ["</results>", "</sparql>"]
    text = "\n".join(out)
    if not xml_can_carry(text):
        raise QueryError(XML_REFUSAL)
    return text


XML_REFUSAL = (
    "the answer holds a character XML cannot carry (a control character such as U+0000, or U+FFFE, U+FFFF); "
    "ask for JSON, CSV or TSV (Turtle or N-Triples for a graph)"
)


def to_csv(answer: Table) -> str:
    """SPARQL 1.1 CSV: plain values, RFC 4180 quoting, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(answer.variables)
    for row in answer.rows:
        writer.writerow(["" if t is None else str(t) for t in row])
    return buffer.getvalue()


def to_tsv(answer: Table) -> str:
    """SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax, variables with '?'."""
    lines = ["\t".join("?" + v for v in answer.variables)]
    for row in answer.rows:
        lines.append("\t".join("" if t is None else _tsv_term(t) for t in row))
    return "\n".join(lines) + "\n"


def _tsv_term(term: Node) -> str:
    if isinstance(term, Literal) and term.datatype is None and not term.language:
        return term.n3()
    return term.n3().replace("\t", "\\t").replace("\n", "\\n")


def to_text_table(answer: Table | bool, max_width: int = 60) -> str:
    """A readable fixed-width table for terminals; IRIs are written with the project's prefixes where one fits
    (:func:`ontology.prefixed`: ``city:da-nang``, as the query editor shows them and a query may take them back)."""
    if isinstance(answer, bool):
        return "true" if answer else "false"
    cells = [[_short(t, max_width) for t in row] for row in answer.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(answer.variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(answer.variables, widths))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join([line, rule, *body, f"({len(cells)} row{'s' if len(cells) != 1 else ''})"])


def _short(term: Node | None, width: int) -> str:
    if term is None:
        return ""
    text = prefixed(str(term)) if isinstance(term, URIRef) else str(term)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
