"""The one interface every part of the project uses to reach the graph.

Backends (embedded pyoxigraph, a remote SPARQL 1.1 server) implement :class:`Store`; nothing outside
``graph.backends`` imports a store library, so a deployment changes backend by configuration alone.
Queries see the *union* of all named graphs as their default graph on every backend, so one query text
means the same thing everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rdflib import Graph

from queries.errors import QueryError


@dataclass(frozen=True)
class Table:
    """The answer to a SELECT: variable names and rows of rdflib terms (``None`` where unbound).

    :meth:`Store.values` fills the same shape with plain strings. Row values are typed ``Any``: rdflib's
    ``Node`` declares none of the conversions callers make (``str()``, ``int()``, ``toPython()``), and which
    of them is right, and whether a value may be unbound, follows from the query's own shape (its
    ``OPTIONAL``s and ``BIND``s), which no static type can see.

    >>> from rdflib import Literal
    >>> t = Table(["n"], [(Literal(1),), (None,)])
    >>> [row["n"] for row in t]
    [rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')), None]
    """

    variables: list[str]
    rows: list[tuple[Any, ...]]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.rows:
            yield dict(zip(self.variables, row))

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        """All values of one variable, in row order."""
        i = self.variables.index(name)
        return [row[i] for row in self.rows]


Answer = Table | bool | Graph
"""SELECT gives a :class:`Table`, ASK a bool, CONSTRUCT and DESCRIBE an rdflib ``Graph``."""


def select(query: Callable[..., Answer], sparql: str, **options: Any) -> Table:
    """Run a SELECT through ``query`` (a store's :meth:`Store.query` or :attr:`Staged.query`) and return its
    table; raise QueryError if ``sparql`` is another query form, so callers need not narrow :data:`Answer`."""
    answer = query(sparql, **options)
    if not isinstance(answer, Table):
        raise QueryError(f"expected a SELECT query, got one answering {_form(answer)}")
    return answer


def ask(query: Callable[..., Answer], sparql: str, **options: Any) -> bool:
    """Run an ASK through ``query`` and return its truth; raise QueryError if ``sparql`` is another form."""
    answer = query(sparql, **options)
    if not isinstance(answer, bool):
        raise QueryError(f"expected an ASK query, got one answering {_form(answer)}")
    return answer


def construct(query: Callable[..., Answer], sparql: str, **options: Any) -> Graph:
    """Run a CONSTRUCT or DESCRIBE through ``query`` and return its graph; raise QueryError if ``sparql`` is
    another form."""
    answer = query(sparql, **options)
    if not isinstance(answer, Graph):
        raise QueryError(f"expected a CONSTRUCT or DESCRIBE query, got one answering {_form(answer)}")
    return answer


def _form(answer: Answer) -> str:
    return (
        "a table (SELECT)"
        if isinstance(answer, Table)
        else "a boolean (ASK)"
        if isinstance(answer, bool)
        else "a graph (CONSTRUCT/DESCRIBE)"
    )


@dataclass(frozen=True)
class Staged:
    """A graph's new content, parsed and stored beside the live data but not yet visible to readers.

    ``graph`` names the graph holding the new content and ``query`` runs a SELECT over the dataset as it will be
    once the content goes live (the staged graph in place of the old one), so a check sees exactly what readers
    would. ``triples`` counts the staged triples.

    ``search``, where the store offers it, returns the first match of any of the given patterns in the staged graph
    written as N-Triples by the store (one triple a line, every term in the store's own form, a control character in
    a literal escaped as ``\\uXXXX``, ``\\b`` or ``\\f``), or None: one pass at the speed of regular expressions, where a
    query over every triple evaluates its expressions triple by triple, so a check can skip its query when nothing
    can match (the embedded store writes the graph's snapshot in the same pass).
    """

    graph: str
    triples: int
    query: Callable[[str], Answer]
    search: Callable[[Sequence[re.Pattern[bytes]]], bytes | None] | None = None


class Store(Protocol):
    """What the loaders, the query library, the recommender and the web app need of a graph store."""

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> Answer:
        """Run a SPARQL 1.1 query; raise QueryError on a bad query.

        The default graph is the union of all graphs unless the query names its own dataset (``FROM``,
        ``FROM NAMED``) or the caller gives one: ``default_graphs`` / ``named_graphs`` are the SPARQL
        Protocol's ``default-graph-uri`` / ``named-graph-uri`` and, when either is given, they alone make
        the dataset (a list left out is empty), overriding the query's own clauses. ``max_rows`` stops
        reading a SELECT answer (or a CONSTRUCT/DESCRIBE graph) after that many rows (triples); a caller
        asks for one more than it will send to learn whether the answer was cut.
        """

    def values(self, sparql: str) -> Table:
        """A SELECT answer over the union of all graphs as plain strings (an IRI, a literal's lexical form,
        ``None`` where unbound or empty): for bulk reads, where making rdflib terms costs more than the query.

        An empty string and an unbound variable are the same here because SPARQL 1.1 CSV, the plain-values
        format remote servers answer fast, cannot tell them apart. Blank nodes come as each store labels them.
        """

    def replace_graphs(self, graphs: Mapping[str, Graph]) -> None:
        """Replace each named graph by the given content, all together or not at all."""

    def replace_graph_from_file(self, name: str, path: Path, format: str, check: Callable[[Staged], None]) -> int:
        """Replace the named graph ``name`` by the triples of the file ``path`` (a ``"load"`` format of :data:`graph.formats.FORMATS`),
        if ``check`` accepts the staged result; return the number of triples.

        The file is parsed and stored by the store's own bulk path, beside the live data; ``check`` raises to
        refuse it. A syntax error (InputError with the file and line), a refusal or a crash at any point
        leaves the old content; readers see the old content until the new one is complete.
        """

    def drop_graphs(self, names: list[str]) -> None:
        """Remove named graphs, all together or not at all."""

    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs in the store, sorted."""

    def export(self, format: str) -> bytes:
        """The whole dataset (or, for triple formats, the union graph) serialised as ``format``."""

    def rebuild(self, graphs: Mapping[str, Graph], keep: list[str]) -> None:
        """Replace the whole content by ``graphs``, keeping the named graphs listed in ``keep``.

        Readers see the old content until the new one is complete; a crash midway leaves the old one.
        """

    lock_file: Path | None
    """A file that every process writing to this store locks while it writes (:func:`loaders.writing.writing`), or
    None where the store keeps other processes out itself (the embedded store: one process holds it read-write)."""

    version_is_exact: bool
    """Whether :meth:`version` changes at every write and costs nothing to read (the embedded store, whose one
    writer is this handle), so that answers may be kept per version; a remote server's may not."""

    def version(self) -> str:
        """A key of the content: equal keys mean equal content, so what is derived from the graph (the
        recommender's typed graph) is rebuilt only when the key changes."""

    def close(self) -> None:
        """Release the store (files, locks, connections)."""
