"""What a query text asks for, read before it runs: its form, its dataset clause, whether it is an update.

The endpoint must pick a result format before the answer exists, and the embedded backend must know whether a
query names its own dataset (``FROM``) to decide between that dataset and the union of all graphs. A regex over
raw text gets both wrong when a keyword sits in a string, an IRI or a comment, so the text is first split into
SPARQL's own lexical tokens (strings, IRIs, comments, variables and prefixed names are single tokens). Which
endpoints a query calls (``SERVICE``) is a security decision and is not read here but from the parsed query
(:mod:`graph.federation`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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
    start: int = 0
    """Where the token starts in the text."""


@dataclass(frozen=True)
class QueryText:
    """What :func:`inspect_query` read from a query.

    ``form`` is SELECT, ASK, CONSTRUCT, DESCRIBE, or None when the text holds none of them (an update, or
    not SPARQL). ``update`` says whether the text starts like a SPARQL Update.
    """

    form: str | None
    has_dataset_clause: bool
    update: bool


def tokens(sparql: str) -> list[Token]:
    """The text's lexical tokens, without spaces and comments.

    >>> [t.text for t in tokens('SELECT * { ?s ?p "SERVICE" } # FROM')]
    ['SELECT', '*', '{', '?s', '?p', '"SERVICE"', '}']
    >>> [t.kind for t in tokens('FILTER(?a < ?b) <http://x#y> ex:from')]
    ['word', 'other', 'var', 'other', 'var', 'other', 'iri', 'pname']
    """
    return [Token(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(sparql)
            if m.lastgroup not in ("space", "comment")]


@lru_cache(maxsize=1024)
def normalised(sparql: str) -> str:
    r"""The query text with comments dropped and each run of spaces made one space, strings and IRIs untouched:
    texts that differ only there ask the same thing (the key of a kept answer).

    >>> normalised('SELECT *  # all\n{ ?s ?p "a  b" }\n')
    'SELECT * { ?s ?p "a  b" }'
    """
    parts = []
    for m in _TOKEN.finditer(sparql):
        if m.lastgroup in ("space", "comment"):
            if parts and parts[-1] != " ":
                parts.append(" ")
        else:
            parts.append(m.group())
    return "".join(parts).strip()


@lru_cache(maxsize=512)
def inspect_query(sparql: str) -> QueryText:
    """Read the form and the dataset clause of ``sparql`` without running it.

    >>> q = inspect_query('PREFIX s: <http://e.org/> SELECT * FROM <http://g> { ?a ?b ?c }')
    >>> q.form, q.has_dataset_clause
    ('SELECT', True)
    >>> inspect_query('ASK { ?s ?p "FROM <http://x>" }')
    QueryText(form='ASK', has_dataset_clause=False, update=False)
    >>> inspect_query('DROP ALL').update
    True
    """
    toks = tokens(sparql)
    words = [t.text.upper() if t.kind == "word" else None for t in toks]
    form = next((w for w in words if w in FORMS), None)
    first = next((w for w, t in zip(words, toks) if w not in ("PREFIX", "BASE") and t.kind == "word"), None)
    return QueryText(form=form, has_dataset_clause="FROM" in words, update=first in UPDATE_KEYWORDS)
