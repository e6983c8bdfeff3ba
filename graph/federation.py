"""The endpoints a query would call (``SERVICE``), read from the query as a SPARQL parser reads it.

The endpoint lets a query call another endpoint only when its operator allowed that endpoint, and this is the
first of two walls: the query is parsed by rdflib's SPARQL parser and translated to its algebra, relative IRIs
resolved against a base the caller fixes (never one taken from the request), and every ``ServiceGraphPattern``
of the algebra is a target. Reading the text with a tokenizer of our own missed targets whenever it split the
text differently from the engine (a ``\\u`` escape in an earlier IRI hid everything after it).

rdflib's parser rejects some valid queries (``?s ?p ?o . SERVICE <x> {}``, ``BIND(1 AS ?x) SERVICE <x> {}``),
so a query it cannot read is not decided here: the query workers' outbound-connection wall
(:mod:`graph.egress`) stops any call it would make to an endpoint not allowed, whoever parsed it.
"""

from __future__ import annotations

import re
from functools import lru_cache

SERVICE_REFUSED = (
    "SERVICE is refused: this endpoint calls no other endpoint unless its operator lists it in "
    "ASCN_SPARQL_ALLOWED_SERVICES"
)
"""The one message for every refused or failed call to another endpoint: it names no host, port or reason, so
refusals cannot be used to map what listens where."""

_MAY_NAME_SERVICE = re.compile(r"<[^<>\"{}|^`\\\x00-\x20#]*>|(?i:service)|\\[uU]")
"""What the text must hold for the query to contain the keyword SERVICE: the word outside every *span* (below), or a
codepoint escape (``\\u0053``) anywhere. Any other text is not parsed: rdflib's parser costs far more than the query
usually does (about 0.15 s), and entity IRIs such as ``<…/project/dps-public-service-mall>`` hold the word.

A span is a ``<``, then only characters an IRI may hold (no space or control character, none of ``<>"{}|^`\\``)
and no ``#``, then ``>``. Whether it is really an IRI or two less-than/greater-than operators does not matter, for
SERVICE inside a span cannot be the keyword of any query the engine accepts: SPARQL spells a keyword with its
letters or with codepoint escapes only (an escape sends the text to the parser), and the keyword must be followed,
with only whitespace or comments between, by ``SILENT``, the endpoint (a variable, a prefixed name or an ``<IRI>``)
and the group's ``{``. Inside a span there is no whitespace, no comment (``#``), no ``<`` (which an ``<IRI>``
starts with) and no ``{``, and neither ``SILENT``, a variable nor a prefixed name holds ``>``, so the span's ``>``
would come between the keyword and its group, where the grammar allows none: a text whose only SERVICE words lie in
spans is not a query with a SERVICE call (the engine refuses it, or it calls no endpoint). The word is 7 letters without ``<`` or ``>``,
so each occurrence lies wholly inside a span or wholly outside, and the scan finds every one outside."""


def _holds_no_service_word(sparql: str) -> bool:
    """Whether the text holds neither the word (in any case; casefolding also matches the spellings a regex's
    IGNORECASE matches, such as the long s) nor a codepoint escape: most texts, told apart at once.

    >>> _holds_no_service_word("ASK {}"), _holds_no_service_word("ASK { <x:\u017fERVICE> ?p ?o }")
    (True, False)
    """
    return "service" not in sparql.casefold() and "\\u" not in sparql and "\\U" not in sparql


@lru_cache(maxsize=512)
def service_targets(sparql: str, base: str) -> tuple[str | None, ...] | None:
    """The SERVICE targets of ``sparql`` as absolute IRIs (None for a variable), in the order of the algebra;
    None when rdflib's parser cannot read the query.

    >>> service_targets('PREFIX e: <http://e.org/> SELECT * { SERVICE SILENT e:q { ?a ?b ?c } }', 'http://b/')
    ('http://e.org/q',)
    >>> service_targets('SELECT * { SERVICE <sparql> { ?a ?b ?c } OPTIONAL { SERVICE ?x {} } }', 'https://b.org/')
    ('https://b.org/sparql', None)
    >>> service_targets('ASK { ?s ?p "SERVICE <http://x/>" }', 'http://b/')
    ()
    >>> service_targets('ASK { <http://x/public-service> ?p ?o }', 'http://b/')  # the word in an IRI: not parsed
    ()
    >>> service_targets('SELECT * { ?s ?p ?o FILTER(?o<1)SERVICE#>\\n<http://x/> {} }', 'http://b/')  # in operators
    ('http://x/',)
    """
    if _holds_no_service_word(sparql) or all(m.group().startswith("<") for m in _MAY_NAME_SERVICE.finditer(sparql)):
        return ()
    from rdflib import URIRef
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        query = translateQuery(parseQuery(sparql), base=base)
    except Exception:  # pyparsing's ParseException, rdflib's own errors: not readable here
        return None
    found: list[str | None] = []
    seen: set[int] = set()

    def walk(node) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                found.append(str(term) if isinstance(term, URIRef) else None)
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple, set)):
            for value in node:
                walk(value)

    walk(query.algebra)
    return tuple(found)


def allowed_services(value) -> tuple[str, ...]:
    """The allowed SERVICE endpoints of the configuration: a list, or one string of IRIs separated by spaces or
    commas (``ASCN_SPARQL_ALLOWED_SERVICES``).

    >>> allowed_services("https://a.org/sparql, https://b.org/q"), allowed_services(None)
    (('https://a.org/sparql', 'https://b.org/q'), ())
    """
    if isinstance(value, str):
        value = re.split(r"[\s,]+", value)
    return tuple(dict.fromkeys(v for v in (value or ()) if v))
