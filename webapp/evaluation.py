"""The recommender's evaluation table for the data page: computed once per graph version, off the request path.

:func:`graph.similarity.evaluate.evaluate` takes a minute or more of CPU (a leave-one-out pass over every known
link, and the time split), so it runs in a background thread: ``ascn serve`` starts it once it listens
(:mod:`webapp.warmup`), and otherwise the first request for the table of a graph version does; the page waits a
bounded time for it and meanwhile says it is still being computed. The thread shares the server process with
the request threads, so while it runs they answer more slowly. ``EVALUATION_LIMIT`` caps the held-out links per
link type so its cost stays bounded. A load or an unload changes the version and so the table.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

from graph.similarity.evaluate import Evaluation, evaluate
from graph.similarity.typed_graph import GraphCache

EXTENSION = "ascn-evaluation"
log = logging.getLogger(__name__)


class EvaluationCache:
    """One evaluation per graph version (the latest kept), computed by one background thread at a time."""

    def __init__(self, limit: int | None = None, graphs: GraphCache | None = None) -> None:
        self._limit = limit
        self._graphs = graphs
        self._lock = threading.Lock()
        self._results: dict[str, Evaluation | Exception] = {}
        self._running: dict[str, threading.Event] = {}

    def start(self, store) -> tuple[str, threading.Event]:
        """Begin computing the current version's evaluation unless it is done or under way."""
        version = store.version()
        with self._lock:
            if version in self._results:
                done = threading.Event()
                done.set()
                return version, done
            if version not in self._running:
                self._running[version] = threading.Event()
                threading.Thread(target=self._compute, args=(store, version), name="ascn-evaluate", daemon=True).start()
            return version, self._running[version]

    def get(self, store, wait: float) -> Evaluation | None:
        """The current version's evaluation, waiting up to ``wait`` seconds; None while it is still running.

        Raises the evaluation's own error if it failed.
        """
        version, done = self.start(store)
        done.wait(wait)
        with self._lock:
            result = self._results.get(version)
        if isinstance(result, Exception):
            raise result
        return result

    def _compute(self, store, version: str) -> None:
        try:
            result: Evaluation | Exception = evaluate(store, limit=self._limit, cache=self._graphs)
        except Exception as exc:  # kept and raised to the page that asks, not lost in a thread
            log.exception("the recommender evaluation failed")
            result = exc
        with self._lock:
            self._results = {version: result}
            self._running.pop(version).set()


def init_app(app: Flask) -> None:
    """Give the app its cache; the first request for the table starts the computation."""
    from webapp.store import EXTENSION as STORE

    app.extensions[EXTENSION] = EvaluationCache(app.config.get("EVALUATION_LIMIT"), app.extensions[STORE].graphs)


def current_evaluation(wait: float = 10.0) -> Evaluation | None:
    """The evaluation of the current app's graph (None if not ready within ``wait`` seconds)."""
    from webapp.store import get_store

    return current_app.extensions[EXTENSION].get(get_store(), wait)
