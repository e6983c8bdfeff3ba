"""What a query text asks for, read before it runs: its form, its dataset clause, the endpoints it calls.

The endpoint must refuse federation (``SERVICE``) unless the operator allowed the endpoint, pick a result
format before the answer exists, and the embedded backend must know whether a query names its own
dataset (``FROM``) to decide between that dataset and the union of all graphs. A regex over raw text gets
all three wrong when a keyword sits in a string, an IRI or a comment, so the text is first split into
SPARQL's own lexical tokens (strings, IRIs, comments, variables and prefixed names are single tokens).
A ``SERVICE`` keyword token is then confirmed, and its target IRI resolved, with rdflib's SPARQL parser;
where that parser fails on text the store accepts (it has gaps: rdflib rejects
``?s rdfs:label ?l . SERVICE <x> {}``), the targets are read from the tokens instead, so a query the
parser cannot read is never waved through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:(?:''|')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:\"\"|\")?(?:[^"\\]|\\.))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<pname>(?:[^\W\d][\w.-]*)?:(?:[\w.:%-]|\\.)*)
    | (?P<word>[^\W\d]\w*)
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


@dataclass(frozen=True)
class QueryText:
    """What :func:`inspect_query` read from a query.

    ``form`` is SELECT, ASK, CONSTRUCT, DESCRIBE, or None when the text holds none of them (an update, or
    not SPARQL). ``services`` lists each SERVICE target as an absolute IRI, or None for a variable or a
    name that cannot be resolved. ``update`` says whether the text starts like a SPARQL Update.
    """

    form: str | None
    has_dataset_clause: bool
    services: tuple[str | None, ...]
    update: bool


def tokens(sparql: str) -> list[Token]:
    """The text's lexical tokens, without spaces and comments.

    >>> [t.text for t in tokens('SELECT * { ?s ?p "SERVICE" } # FROM')]
    ['SELECT', '*', '{', '?s', '?p', '"SERVICE"', '}']
    >>> [t.kind for t in tokens('FILTER(?a < ?b) <http://x#y> ex:from')]
    ['word', 'other', 'var', 'other', 'var', 'other', 'iri', 'pname']
    """
    return [Token(m.lastgroup, m.group()) for m in _TOKEN.finditer(sparql)
            if m.lastgroup not in ("space", "comment")]


@lru_cache(maxsize=512)
def inspect_query(sparql: str) -> QueryText:
    """Read the form, the dataset clause and the SERVICE targets of ``sparql`` without running it.

    >>> q = inspect_query('PREFIX s: <http://e.org/> SELECT * FROM <http://g> { SERVICE s:sparql { ?a ?b ?c } }')
    >>> q.form, q.has_dataset_clause, q.services
    ('SELECT', True, ('http://e.org/sparql',))
    >>> inspect_query('ASK { ?s ?p "FROM SERVICE <http://x>" }')
    QueryText(form='ASK', has_dataset_clause=False, services=(), update=False)
    >>> inspect_query('DROP ALL').update
    True
    """
    toks = tokens(sparql)
    words = [t.text.upper() if t.kind == "word" else None for t in toks]
    form = next((w for w in words if w in FORMS), None)
    first = next((w for w, t in zip(words, toks) if w not in ("PREFIX", "BASE") and t.kind == "word"), None)
    services: tuple[str | None, ...] = ()
    if "SERVICE" in words:
        services = _services_parsed(sparql)
        if services is None:
            services = _services_lexical(toks, words)
    return QueryText(form=form, has_dataset_clause="FROM" in words, services=services,
                     update=first in UPDATE_KEYWORDS)


def _services_lexical(toks: list[Token], words: list[str | None]) -> tuple[str | None, ...]:
    """SERVICE targets read from the tokens: the token after SERVICE (and SILENT), resolved by the prologue."""
    prefixes, base = _prologue(toks, words)
    found = []
    for i, word in enumerate(words):
        if word != "SERVICE":
            continue
        j = i + 1
        if j < len(words) and words[j] == "SILENT":
            j += 1
        target = toks[j] if j < len(toks) else None
        found.append(_resolve(target, prefixes, base))
    return tuple(found)


def _prologue(toks: list[Token], words: list[str | None]) -> tuple[dict[str, str], str | None]:
    prefixes: dict[str, str] = {}
    base = None
    for i, word in enumerate(words):
        if word == "PREFIX" and i + 2 < len(toks) and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text.rstrip(":")] = toks[i + 2].text[1:-1]
        elif word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = toks[i + 1].text[1:-1]
    return prefixes, base


def _resolve(token: Token | None, prefixes: dict[str, str], base: str | None) -> str | None:
    if token is None:
        return None
    if token.kind == "iri":
        return _absolute(token.text[1:-1], base)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return _absolute(prefixes[prefix] + local, base)
    return None


def _absolute(iri: str, base: str | None) -> str | None:
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
        return iri
    return urljoin(base, iri) if base else None


def _services_parsed(sparql: str) -> tuple[str | None, ...] | None:
    """SERVICE targets found by rdflib's parser, or None when it cannot parse the text."""
    from rdflib import URIRef
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        parsed = parseQuery(sparql)
    except Exception:  # pyparsing's ParseException and rdflib's own errors: fall back to the tokens
        return None
    prefixes, base = {}, None
    for decl in parsed[0]:
        if getattr(decl, "name", None) == "PrefixDecl":
            prefixes[decl.get("prefix") or ""] = str(decl["iri"])
        elif getattr(decl, "name", None) == "Base":
            base = str(decl["iri"])
    found: list[str | None] = []

    def walk(node) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                if isinstance(term, CompValue) and term.name == "pname":
                    prefix = term.get("prefix") or ""
                    found.append(_absolute(prefixes[prefix] + (term.get("localname") or ""), base)
                                 if prefix in prefixes else None)
                elif isinstance(term, URIRef):
                    found.append(_absolute(str(term), base))
                else:
                    found.append(None)
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)) or hasattr(node, "as_list"):
            for value in node:
                walk(value)

    walk(parsed)
    return tuple(found)
