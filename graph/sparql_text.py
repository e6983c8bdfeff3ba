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

_COMMENT = r"\#[^\n\r]*"
_STRING = "|".join(
    (
        r"'''(?:(?:''|')?(?:[^'\\]|\\.))*'''",
        r'"""(?:(?:""|")?(?:[^"\\]|\\.))*"""',
        r"'(?:[^'\\\n\r]|\\.)*'",
        r'"(?:[^"\\\n\r]|\\.)*"',
    )
)
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_VAR = r"[?$]\w+"
_PNAME = r"(?:(?<![\w.-])[^\W\d][\w.-]*)?:(?:[\w.:%-]|\\.)*"
"""A prefixed name. Its prefix starts where no name character stands before it: tried at each letter of a run of
100,000 without a colon, it scanned to the run's end each time (90 s for one query text, in the server's process)."""
_WORD = r"[^\W\d]\w*"
_TOKEN = re.compile(
    f"(?P<comment>{_COMMENT})|(?P<string>{_STRING})|(?P<iri>{_IRI})|(?P<var>{_VAR})|(?P<pname>{_PNAME})"
    f"|(?P<word>{_WORD})|(?P<space>\\s+)|(?P<other>.)",
    re.DOTALL,
)
_NOT_WORDS = re.compile(f"{_COMMENT}|{_STRING}|{_IRI}|{_VAR}|{_PNAME}", re.DOTALL)
"""Every token that may hold a keyword's letters without being one: blanked out, the words are what is left."""
_WORDS = re.compile(_WORD)
_KEPT_OR_SPACE = re.compile(f"({_STRING}|{_IRI}|{_VAR}|{_PNAME})|(?:\\s|{_COMMENT})+", re.DOTALL)
"""A token kept as it is (group 1), or a run of spaces and comments."""
_QUOTE_COMMENT_ESCAPE = re.compile(r"['\"#\\]")


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
    return [
        Token(kind, m.group(), m.start())
        for m in _TOKEN.finditer(sparql)
        if (kind := m.lastgroup) is not None and kind not in ("space", "comment")  # every alternative is named
    ]


REMEMBERED_LENGTH = 10_000
"""Characters of the longest query text whose reading :func:`normalised` and :func:`inspect_query` remember. Their
memos hold 1,024 and 512 texts: texts of 100,000 characters kept 150 MB there, beyond the answer cache's budget
(ASCN_ANSWER_CACHE_BYTES); reading one that long anew takes a few milliseconds."""


def normalised(sparql: str) -> str:
    r"""The query text with comments dropped and each run of spaces made one space, strings and IRIs untouched:
    texts that differ only there ask the same thing (the key of a kept answer).

    >>> normalised('SELECT *  # all\n{ ?s ?p "a  b" }\n')
    'SELECT * { ?s ?p "a  b" }'
    """
    return (_normalised if len(sparql) <= REMEMBERED_LENGTH else _normalised.__wrapped__)(sparql)


@lru_cache(maxsize=1024)
def _normalised(sparql: str) -> str:
    if sparql.isascii() and not _QUOTE_COMMENT_ESCAPE.search(sparql):  # every run of spaces is between tokens
        return " ".join(sparql.split())
    return _KEPT_OR_SPACE.sub(_kept_or_space, sparql).strip()


def _kept_or_space(match: re.Match) -> str:
    return match.group(1) or " "


def words(sparql: str) -> list[str]:
    """The keyword-like tokens of the text (the ``word`` tokens of :func:`tokens`), read at the regex engine's
    speed: strings, IRIs, comments, variables and prefixed names are blanked out first, in one pass.

    >>> words('PREFIX from: <http://x#FROM> SELECT * { ?s from:p "FROM" } # FROM')
    ['PREFIX', 'SELECT']
    """
    return _WORDS.findall(_NOT_WORDS.sub(" ", sparql))


_BRACKET_OR_CHAIN = re.compile(r"[{(\[\])}&|+*/-]")
_CHAINING_WORDS = frozenset({"OPTIONAL", "UNION", "MINUS", "FILTER"})


def shape(sparql: str) -> tuple[int, int]:
    """How deep the text nests brackets (``{``, ``(``, ``[``), and how many operators and patterns it chains
    (``OPTIONAL``, ``UNION``, ``MINUS``, ``FILTER``, ``&&``, ``||``, ``+``, ``-``, ``*``, ``/``, ``|``), strings, IRIs
    and comments aside: what a parser and an evaluator that recurse on the query's tree go deep by.

    >>> shape('SELECT * { ?s ?p ?o OPTIONAL { ?o ?q "{{{" } FILTER(?o > 1 && (?p != <http://x/a>)) }  # {')
    (3, 5)
    """
    code = _NOT_WORDS.sub(" ", sparql)
    depth = deepest = chained = 0
    for mark in _BRACKET_OR_CHAIN.findall(code):
        if mark in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif mark in "})]":
            depth -= 1
        else:
            chained += 1
    return deepest, chained + sum(1 for w in _WORDS.findall(code) if w.upper() in _CHAINING_WORDS)


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
    return (_inspected if len(sparql) <= REMEMBERED_LENGTH else _inspected.__wrapped__)(sparql)


@lru_cache(maxsize=512)
def _inspected(sparql: str) -> QueryText:
    upper = [w.upper() for w in words(sparql)]
    form = next((w for w in upper if w in FORMS), None)
    first = next((w for w in upper if w not in ("PREFIX", "BASE")), None)
    return QueryText(form=form, has_dataset_clause="FROM" in upper, update=first in UPDATE_KEYWORDS)
