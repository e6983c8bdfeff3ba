"""What a person types as a query and its parameters, checked against the library and the graph.

``ascn query X`` takes a library name, a ``.rq`` file or SPARQL text. Guessing wrong between them gave a
parser's "expected CONSTRUCT" for a misspelt name or a missing file, and an entity id that names nothing
(``-p city=danang``) gave an empty answer that looked like a true "none". Here each of those is told apart
and refused with the names that were probably meant.
"""

from __future__ import annotations

import io
import re
import stat
from collections.abc import Mapping
from difflib import get_close_matches
from pathlib import Path
from typing import Any, BinaryIO

from graph.store import Store
from ontology import ENTITY_BASE, entity_iri
from ontology.errors import InputError, NotFound, shown
from queries.library import Query, get_query, internal, library, parse_query

_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_SLUG = re.compile(r"^[A-Za-z0-9_.-]+$")


def resolve_query(text: str, max_length: int, stdin: BinaryIO | None = None) -> Query | str:
    """The library query or ``.rq`` file ``text`` names (``-``: the file ``stdin``), or ``text`` itself when it is
    SPARQL.

    A ``.rq`` file without a ``#+`` header is returned as its text; a file longer than ``max_length`` characters
    (the endpoint's longest query) is an InputError. A bare word that names no library query and no file raises
    NotFound with the closest library names.

    >>> resolve_query("projects_of_city", 100_000).title
    'Projects of a city'
    >>> resolve_query("projects_per_focus_area", 100_000)
    Traceback (most recent call last):
    ...
    ontology.errors.NotFound: no library query named 'projects_per_focus_area'; did you mean: projects_in_focus_area, project_counts_by_focus_area, project_counts_by_country_and_focus_area?
    >>> resolve_query("no_such.rq", 100_000)
    Traceback (most recent call last):
    ...
    ontology.errors.NotFound: no such file: no_such.rq
    """
    if text in library():
        return get_query(text)
    if text == "-" and stdin is not None:  # as a file: `ascn query - < q.rq`, or a query piped in
        source = _decode(stdin, "stdin", max_length, "stdin holds more")
        return parse_query("stdin", source) if source.startswith("#+") else source
    if not text:  # Path("") is the working folder: the empty query was refused as "not a folder"
        raise InputError(expected="a .rq file, a library query's name or SPARQL text", got=text)
    path = Path(text)
    if "\n" not in text and stat.S_ISDIR(_mode(path)):
        raise InputError(text, expected="a .rq file, a library query's name or SPARQL text, not a folder")
    if text.endswith(".rq") and "\n" not in text:
        if not stat.S_ISREG(_mode(path)):
            raise NotFound(f"no such file: {text}")
        source = _read(path, max_length)
        return parse_query(path.stem, source) if source.startswith("#+") else source
    if _NAME.match(text):
        if stat.S_ISREG(_mode(path)):
            return _read(path, max_length)
        raise NotFound(
            f"no library query named {shown(text)}",
            suggestions=get_close_matches(text, list(library()), n=3, cutoff=0.5),
        )
    return text


def _mode(path: Path) -> int:
    """The type and mode bits of what ``path`` names, 0 when it names nothing. A name longer than the system takes
    names nothing: ``Path.is_file`` raised OSError (File name too long), a traceback for ``ascn query`` of a
    300-character name."""
    try:
        return path.stat().st_mode
    except OSError:
        return 0


def _read(path: Path, max_length: int) -> str:
    """A query file's text: UTF-8, as SPARQL's media type says (an editor's byte-order mark dropped); other bytes are
    an InputError naming the file and where, which was a UnicodeDecodeError's traceback. At most ``max_length``
    characters are read: the file was read whole, however large (a log or a dump named by mistake), to be refused by
    no limit, where the endpoint refuses a longer query (``ASCN_SPARQL_MAX_QUERY_LENGTH``)."""
    with path.open("rb") as file:
        return _decode(file, path.name, max_length, f"the file is {path.stat().st_size:,} bytes")


def _decode(file: BinaryIO, name: str, max_length: int, size: str) -> str:
    """The query text of ``file`` (named ``name`` in errors, whose ``size`` says how long it is) as :func:`_read`
    takes it."""
    text_file = io.TextIOWrapper(file, encoding="utf-8-sig")
    try:
        text = text_file.read(max_length + 1)
    except UnicodeDecodeError as exc:
        raise InputError(name, None, None, f"UTF-8 text (undecodable byte at offset {exc.start})") from None
    finally:
        text_file.detach()  # the caller's stream stays open
    if len(text) > max_length:
        raise InputError(
            name,
            expected=f"a query of at most {max_length:,} characters (ASCN_SPARQL_MAX_QUERY_LENGTH, as the endpoint "
            f"takes); {size}",
        )
    return text


def check_entities(store: Store, query: Query, values: Mapping[str, Any]) -> None:
    """Refuse a value of an entity parameter that names nothing in the graph: a bare id (``city=danang``) that names
    no entity of its kind (NotFound with the closest ids of that kind), or an IRI given in full that is the subject
    of no triple (``country=https://example.org/x``). Either gave an empty answer that looked like a true "none".

    An IRI in full that the graph describes is taken as it is, of whatever kind or namespace: a query may ask about
    anything the graph holds (a loaded file's own IRIs too).
    """
    for param in query.params:
        given = values.get(param.name)
        if param.type != "iri" or not param.entity or given is None:
            continue
        for value in given if isinstance(given, (list, tuple)) else [given]:
            text = str(value).strip()
            if not text:
                continue
            bare = _SLUG.match(text) is not None
            iri = entity_iri(param.entity, text) if bare else text
            if store.query(get_query("entity_exists", "pages").bind({"entity": str(iri)})):
                continue
            if bare:
                raise NotFound(
                    f"parameter {param.name!r}: no {param.entity} with the id {shown(text)}",
                    suggestions=get_close_matches(text, _ids(store, param.entity), n=3, cutoff=0.5),
                    parameter=param.name,
                )
            raise NotFound(
                f"parameter {param.name!r}: the graph describes nothing with the IRI {shown(text)}; give a "
                f"{param.entity}'s id or its IRI ({ENTITY_BASE}{param.entity}/<id>)",
                parameter=param.name,
            )


def _ids(store: Store, kind: str) -> list[str]:
    """The ids of every entity of one kind (the last part of their IRIs). The parts of an entity under its IRI
    (``city/hanoi/geometry``) are not of its kind, and no bare id can name them, so they are never suggested."""
    prefix = f"{ENTITY_BASE}{kind}/"
    rows = store.values(internal("entity_ids").sparql).rows
    ids = (iri[len(prefix) :] for (iri,) in rows if iri and iri.startswith(prefix))
    return [ident for ident in ids if _SLUG.match(ident)]


def library_listing() -> str:
    """Each library query's name, title and parameters, one block a query: ``ascn query --list``.

    >>> print(library_listing().split("\\n\\n")[0])  # doctest: +ELLIPSIS
    annual_meetings
      ...
    """
    blocks = []
    for query in library().values():
        lines = [query.name, f"  {query.title}"]
        for param in query.params:
            kind = f"{param.entity} id or IRI" if param.entity else param.expected
            extra = " (required)" if param.required else (f" (default {param.default})" if param.default else "")
            lines.append(f"  -p {param.name}=<{kind}>{extra}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
