"""The knowledge graph from Python, for notebooks: ``ascn.open()``, ``.query()``, ``.recommend()``.

A thin facade over what the CLI and the web app already use: the store layer (:mod:`graph.store`), the query
library (:mod:`queries.library`, parameters bound, never pasted) and the recommender
(:mod:`graph.similarity.recommend`). ``docs/notebooks.md`` walks through it; the tests run its examples.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph as RDFGraph
from rdflib import Literal
from rdflib.term import Node

from graph.config import Settings
from graph.pool import on_deep_stack
from graph.query_input import check_entities
from graph.similarity.filters import Filters
from graph.similarity.questions import QUESTIONS as _QUESTIONS
from graph.similarity.reasons import Recommendations
from graph.similarity.recommend import ask
from graph.similarity.typed_graph import GraphCache
from graph.store import Store, Table
from loaders import dataset
from ontology.errors import shown
from queries.library import get_query, library

__all__ = ["open", "KnowledgeGraph", "Rows", "QUESTIONS"]

QUESTIONS = tuple(_QUESTIONS)
"""The recommender's questions by name (:data:`graph.similarity.questions.QUESTIONS`, what ``ascn recommend``,
``/api/recommend`` and ``/match`` ask)."""


@dataclass(frozen=True)
class Rows:
    """The rows of a SELECT answer: iterate for dicts of rdflib terms, index for one row, ``to_pandas()`` for
    a DataFrame of plain Python values (IRIs as text, literals as numbers, dates and text)."""

    table: Table

    @property
    def variables(self) -> list[str]:
        return list(self.table.variables)

    def __iter__(self) -> Iterator[dict[str, Node | None]]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)

    def __getitem__(self, i: int) -> dict[str, Node | None]:
        return dict(zip(self.table.variables, self.table.rows[i]))

    def to_pandas(self):
        """The rows as a ``pandas.DataFrame`` (pandas is the ``notebook`` extra: ``pip install 'ascn-kg[notebook]'``)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Rows.to_pandas() needs pandas: pip install 'ascn-kg[notebook]'") from None
        return pandas.DataFrame([[_python(v) for v in row] for row in self.table.rows], columns=self.variables)


def _python(term: Node | None) -> Any:
    if term is None:
        return None
    return term.toPython() if isinstance(term, Literal) else str(term)


class KnowledgeGraph:
    """An open graph: the embedded store or a remote SPARQL endpoint. Close it (or use ``with``) when done."""

    def __init__(self, store: Store):
        self.store = store
        self.graphs = GraphCache()
        """The recommender's typed graphs of this open graph, read once per graph version."""

    def query(self, text_or_name: str, **params: Any) -> Rows | bool | RDFGraph:
        """Run a library query by name with ``params`` bound (``kg.query("cities_of_country", country="VN")``)
        or SPARQL text. SELECT gives :class:`Rows`, ASK a bool, CONSTRUCT and DESCRIBE an rdflib Graph.

        :raise ontology.errors.NotFound: an unknown query name (with the closest names), or a bare entity id that
            names nothing of its kind (``country="xx"``, with the closest ids) where the answer is empty, as
            ``ascn query`` and ``/api/queries`` refuse it: an empty answer to a typo would read as a true "none".
        :raise queries.errors.QueryError: a bad parameter, or malformed SPARQL (with its position).
        """
        named = None
        if text_or_name in library():
            named = get_query(text_or_name)
            text = named.bind(params)
        elif params:
            raise TypeError(
                f"parameters are bound into library queries only; {shown(text_or_name, 40)} is not a library query name"
            )
        elif _looks_like_a_name(text_or_name):
            get_query(text_or_name)  # raises NotFound with the closest names
            raise AssertionError("unreachable")  # pragma: no cover
        else:
            text = text_or_name
        answer = on_deep_stack(self.store.query, text)
        if named is not None and isinstance(answer, Table) and not answer.rows:
            check_entities(self.store, named, params)
        return Rows(answer) if isinstance(answer, Table) else answer

    def recommend(self, question: str, top: int = 10, filters: Filters | None = None, **names: Any) -> Recommendations:
        """Ask the recommender one of :data:`QUESTIONS` (``kg.recommend("projects_for_city", city="da-nang")``):
        the same :class:`~graph.similarity.reasons.Recommendations` ``ascn recommend`` prints, with reasons."""
        return ask(self.store, question, top=top, filters=filters or Filters(), cache=self.graphs, **names)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _looks_like_a_name(text: str) -> bool:
    return text.replace("_", "").isalnum()


def open(
    endpoint: str | None = None,
    *,
    data_dir: str | Path | None = None,  # noqa: A001 (the API's verb)
    settings: Mapping[str, Any] | None = None,
) -> KnowledgeGraph:
    """Open the graph: the embedded store (in ``data_dir``, else where ``ascn`` keeps it, built on first use), or
    the SPARQL endpoint at ``endpoint`` (a URL, read as is: nothing is built there). ``settings`` are further
    :class:`graph.config.Settings` fields, as ``ASCN_*`` variables would give them."""
    values = dict(settings or {})
    if endpoint:
        values.update(store="sparql", query_url=endpoint, auto_build=False)
    if data_dir is not None:
        values["data_dir"] = Path(data_dir)
    return KnowledgeGraph(dataset.open_graph(Settings.load(values)))
