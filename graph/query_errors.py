"""A query the parser refused, told in the words a person needs to fix it.

A parser's own message is written for the parser's authors: Oxigraph reports a missing ``PREFIX`` as a list
of Unicode ranges, an update sent as a query as "expected CONSTRUCT", and the furthest position it reached,
which can lie past the mistake or past the end of the text. :func:`explain` turns such an error, with the
query text at hand, into a short message at the token that is wrong.

Oxigraph's furthest position lies well past some mistakes: after a misspelt keyword (``FILTR(...)`` is reported
inside the parentheses, as "expected OPTIONAL"), a stray ``)`` or ``,`` (reported a line later), a group left open
before ``ORDER BY``. rdflib's parser stops at the token itself there, so such an error is read again by rdflib and
reported where it stops (:func:`_earlier_mistake`). A group left open at the end of the text is reported at its
last token: that is where either parser finds out.
"""

from __future__ import annotations

import re
from difflib import get_close_matches

from graph.sparql_text import Token, inspect_query, tokens
from ontology import PREFIXES
from ontology.errors import shown
from queries.errors import QueryError

_MAX_EXPECTED = 8
_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
_SPELLED = """
A ADD ALL AS ASC ASK BASE BIND BY CLEAR CONSTRUCT COPY CREATE DATA DEFAULT DELETE DESC DESCRIBE DISTINCT DROP EXISTS
FALSE FILTER FROM GRAPH GROUP HAVING IN INSERT INTO LATERAL LIMIT LOAD MINUS MOVE NAMED NOT OFFSET OPTIONAL ORDER
PREFIX REDUCED SELECT SEPARATOR SERVICE SILENT TO TRUE UNDEF UNION USING VALUES VERSION WHERE WITH ABS ADJUST AVG
BNODE BOUND CEIL COALESCE CONCAT CONTAINS COUNT DATATYPE DAY ENCODE_FOR_URI FLOOR GROUP_CONCAT HASLANG HASLANGDIR
HOURS IF IRI ISBLANK ISIRI ISLITERAL ISNUMERIC ISTRIPLE ISURI LANG LANGDIR LANGMATCHES LCASE MAX MD5 MIN MINUTES
MONTH NOW OBJECT PREDICATE RAND REGEX REPLACE ROUND SAMETERM SAMPLE SECONDS SHA1 SHA256 SHA384 SHA512 STR STRAFTER
STRBEFORE STRDT STRENDS STRLANG STRLANGDIR STRLEN STRSTARTS STRUUID SUBJECT SUBSTR SUM TIMEZONE TRIPLE TZ UCASE URI
UUID YEAR
"""
_KEYWORDS = frozenset(_SPELLED.split())
"""Every bare word SPARQL 1.1 (and Oxigraph's SPARQL 1.2 additions) spells, upper-cased: keywords and built-in
functions. Any other word without a colon, ``?`` or quotes is no SPARQL at all."""
_AFTER_GROUP = ("ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET")
"""Keywords that follow a query's closed ``WHERE`` group."""
_REREAD_LIMIT = 2_000
"""Characters of a refused query rdflib's parser reads again (:func:`_rdflib_stop`): its time grows with the text,
to a fraction of a second at this length, so a longer text (rarely typed by hand) keeps Oxigraph's position."""
_STRAY = frozenset(",;.)]}")
"""Separators and closing brackets: out of place, they are the mistake themselves."""
_SENTENCE = re.compile(r"[A-Z][a-z]+(?: [A-Za-z]+){3,}")
"""An item of Oxigraph's "expected one of" list that is its own reason in words ("The query limit should be a non
negative integer", "The SELECT contains a variable that is unbound"), not a token it expected."""
_ITEM = re.compile(r'"[^"]*"|\'[^\']*\'|\[[^\]]*\]|[^,\s][^,]*')


def explain(sparql: str, error: QueryError) -> QueryError:
    """``error`` (the parser's, on ``sparql``) restated: unknown prefixes, updates, and a position on a token.

    >>> print(explain("SELECT * WHERE { ?s ascn:x ?o }", QueryError("syntax error: expected one of Prefix not "
    ...       "found, ['%'], [':']", (1, 27))))
    unknown prefix 'ascn:'; declare it with PREFIX ascn: <https://w3id.org/ascn/ontology#> (line 1, column 21)
    >>> print(explain("SELECT * { ?s ?p ?o FILTER(xsd:integer(?o) > 1) }", QueryError("syntax error: expected "
    ...       "ENCODE_FOR_URI", (1, 41))))
    unknown prefix 'xsd:'; declare it with PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> (line 1, column 28)
    >>> print(explain("DELETE WHERE { ?s ?p ?o }", QueryError("syntax error: expected CONSTRUCT", (1, 10))))
    this endpoint is read-only: SPARQL Update (DELETE) is refused; ask with SELECT, ASK, CONSTRUCT or DESCRIBE
    >>> print(explain("SELECT * WHERE { ?s ?p ?o ", QueryError("syntax error: expected one of '.', '}'", (1, 28))))
    syntax error: expected one of '.', '}' (line 1, column 24)
    """
    query = inspect_query(sparql)
    if query.update:
        keyword = next(s.text for s in tokens(sparql) if s.kind == "word" and s.text.upper() not in ("PREFIX", "BASE"))
        return QueryError(
            f"this endpoint is read-only: SPARQL Update ({keyword.upper()}) is refused; "
            "ask with SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    rest = _after_prologue(sparql)
    forms = f"{', '.join(_FORMS[:-1])} or {_FORMS[-1]}"
    if rest == []:  # Oxigraph: 'expected [_]', at line 1, column 1 for a text of comments
        return QueryError(f"syntax error: expected {forms}; the text holds only comments and declarations")
    if rest and not (rest[0].kind == "word" and rest[0].text.upper() in _FORMS):
        # the parser itself reports this at the end of the text
        return QueryError(
            f"syntax error: expected {forms}, found {shown(rest[0].text)}", _line_column(sparql, rest[0].start)
        )
    if error.position is None:
        return error
    unknown = _undeclared_prefix(sparql)
    # Oxigraph says "Prefix not found" only in a triple pattern; in an expression or VALUES (FILTER(xsd:integer(?o)))
    # it reports a keyword it expected ("expected ENCODE_FOR_URI"), past the name: an undeclared prefix up to where
    # it stopped is the mistake all the same
    if unknown is not None and ("Prefix not found" in error.message or unknown[1] <= _offset(sparql, error.position)):
        prefix, offset = unknown
        return QueryError(_prefix_message(sparql, prefix), _line_column(sparql, offset))
    offset = _token_at(sparql, error.position)
    return _earlier_mistake(sparql, offset) or QueryError(_shorter(error.message), _line_column(sparql, offset))


def _earlier_mistake(sparql: str, offset: int) -> QueryError | None:
    """The mistake where rdflib's parser stops reading ``sparql``, when that is before ``offset`` (where Oxigraph
    stopped) and the token there is wrong in itself: a word that is no SPARQL keyword or function, a stray separator
    or closing bracket, or a solution modifier while a group is still open. Elsewhere Oxigraph's position stands.

    >>> print(_earlier_mistake("SELECT * WHERE {\\n  ?s ?p ?o .\\n  FILTR(?o > 1)\\n}", 43))
    syntax error: 'FILTR' is no SPARQL keyword or function; did you mean FILTER? (line 3, column 3)
    >>> print(_earlier_mistake("SELECT ?s, ?o WHERE { ?s ?p ?o }", 14))
    syntax error: unexpected ',' (line 1, column 10)
    >>> print(_earlier_mistake("SELECT * WHERE { ?s ?p ?o . OPTIONAL { ?s ?q ?x }\\nORDER BY ?s", 59))
    syntax error: expected '}' before 'ORDER': a group is not closed (line 2, column 1)
    >>> _earlier_mistake("SELECT * WHERE {\\n  ?s ?p ?o .\\n  ?s ?x }", 38) is None
    True
    """
    stop = _rdflib_stop(sparql)
    if stop is None or stop.start >= offset:
        return None
    where = _line_column(sparql, stop.start)
    word = stop.text.upper() if stop.kind == "word" else None
    if word is not None and word not in _KEYWORDS:
        close = get_close_matches(word, _KEYWORDS, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        return QueryError(f"syntax error: {stop.text!r} is no SPARQL keyword or function{hint}", where)
    if stop.kind == "other" and stop.text in _STRAY:
        return QueryError(f"syntax error: unexpected {stop.text!r}", where)
    if word in _AFTER_GROUP and _open_groups(sparql, stop.start) > 0:
        return QueryError(f"syntax error: expected '}}' before {stop.text!r}: a group is not closed", where)
    return None


def _rdflib_stop(sparql: str) -> Token | None:
    """The token where rdflib's SPARQL parser stops reading ``sparql``; None when it reads it all, stops at the end,
    fails otherwise (it recurses once per triple, so a query of a hundred triples is beyond it), or the text is longer
    than :data:`_REREAD_LIMIT`. Read only for a query Oxigraph refused, so its cost is paid on errors alone.

    >>> _rdflib_stop("SELECT * { FILTR(?o) }").text, _rdflib_stop("#" * _REREAD_LIMIT + "\\nSELECT * { FILTR(?o) }")
    ('FILTR', None)
    """
    if len(sparql) > _REREAD_LIMIT:
        return None
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(sparql)
    except ParseBaseException as exc:
        return next((t for t in tokens(sparql) if t.start >= exc.loc), None)
    except Exception:  # rdflib's own errors from its parse actions, a recursion too deep: no position to offer
        return None
    return None


def _open_groups(sparql: str, offset: int) -> int:
    """How many ``{`` before ``offset`` are not closed by then (braces in strings, IRIs and comments not counted)."""
    before = [t.text for t in tokens(sparql) if t.start < offset and t.kind == "other"]
    return before.count("{") - before.count("}")


def _after_prologue(sparql: str) -> list[Token] | None:
    """The tokens after a well-formed prologue (``PREFIX p: <iri>``, ``BASE <iri>``), where a query form should
    stand; None when the prologue itself is not well-formed.

    >>> _after_prologue("BASE <http://x/> PREFIX a: <http://a/> SELCT * {}")[0].start, _after_prologue("# only")
    (39, [])
    """
    items = tokens(sparql)
    i = 0
    while i < len(items) and items[i].kind == "word" and items[i].text.upper() in ("PREFIX", "BASE"):
        shape = ("pname", "iri") if items[i].text.upper() == "PREFIX" else ("iri",)
        if tuple(t.kind for t in items[i + 1 : i + 1 + len(shape)]) != shape:
            return None
        i += 1 + len(shape)
    return items[i:]


def _undeclared_prefix(sparql: str) -> tuple[str, int] | None:
    """The first prefixed name whose prefix the query does not declare, with its offset."""
    declared = _declared(sparql)
    for span in tokens(sparql):
        if span.kind == "pname":
            prefix = span.text.split(":", 1)[0]
            if prefix not in declared:
                return prefix, span.start
    return None


def _declared(sparql: str) -> dict[str, str]:
    """The prologue's ``PREFIX name: <iri>`` declarations."""
    found = {}
    items = tokens(sparql)
    for keyword, name, iri in zip(items, items[1:], items[2:]):
        if keyword.kind == "word" and keyword.text.upper() == "PREFIX" and name.kind == "pname" and iri.kind == "iri":
            found[name.text[:-1]] = iri.text[1:-1]
    return found


def _prefix_message(sparql: str, prefix: str) -> str:
    """What to add for an undeclared prefix: its declaration if the project knows it, else what is declared."""
    message = f"unknown prefix '{prefix}:'"
    if prefix in PREFIXES:
        return f"{message}; declare it with PREFIX {prefix}: <{PREFIXES[prefix]}>"
    declared = ", ".join(f"{p}:" for p in _declared(sparql)) or "none"
    return f"{message}; the query declares {declared}; the graph's usual prefixes: " + ", ".join(
        f"{p}:" for p in PREFIXES
    )


def _shorter(message: str) -> str:
    """A parser's "expected one of ..." list cut to its first few items (no Unicode-range dumps); a sentence among
    them is the parser's own reason, told alone; "expected [_]" (any character) is the text ending too soon.

    >>> _shorter("syntax error: expected one of The query limit should be a non negative integer, ['0'..='9']")
    'syntax error: the query limit should be a non negative integer (at most 18446744073709551615)'
    >>> _shorter('syntax error: expected one of "$", "(", IF, The SELECT contains a variable that is unbound, [_]')
    'syntax error: the SELECT contains a variable that is unbound'
    >>> _shorter("syntax error: expected [_]")
    'syntax error: the query ends where more was expected'
    """
    if message.endswith("expected [_]"):
        return message.removesuffix("expected [_]") + "the query ends where more was expected"
    match = re.match(r"(.*expected one of )(.*)", message, re.DOTALL)
    if not match:
        return message
    found = [item.strip() for item in _ITEM.findall(match[2])]
    sentence = next((item for item in found if _SENTENCE.fullmatch(item)), None)
    if sentence is not None:
        bound = f" (at most {2**64 - 1})" if re.search(r"\b(limit|offset)\b", sentence) else ""  # Oxigraph's u64
        return match[1].removesuffix("expected one of ") + sentence[0].lower() + sentence[1:] + bound
    items = [item for item in found if not item.startswith("[")]
    if not items:
        return match[1].removesuffix("expected one of ") + "unexpected character"
    shown = ", ".join(items[:_MAX_EXPECTED]) + (", ..." if len(items) > _MAX_EXPECTED else "")
    return match[1] + shown


def _offset(sparql: str, position: tuple[int, int]) -> int:
    """The character offset of a 1-based (line, column), kept inside the text."""
    line, column = position
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\n|\r", sparql)]
    start = starts[min(max(line, 1), len(starts)) - 1]
    return min(start + max(column, 1) - 1, len(sparql))


def _token_at(sparql: str, position: tuple[int, int]) -> int:
    """The start of the token at ``position``; past the end or on white space, the last token before it."""
    offset = _offset(sparql, position)
    before = [token.start for token in tokens(sparql) if token.start <= offset]
    return before[-1] if before else offset


def _line_column(sparql: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    head = sparql[:offset]
    line = len(re.findall(r"\r\n|\n|\r", head)) + 1
    column = offset - max(head.rfind("\n"), head.rfind("\r")) if line > 1 else offset + 1
    return line, column
