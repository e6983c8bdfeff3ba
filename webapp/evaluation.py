"""The recommender's evaluation table for the data page: computed once per content, in a process of its own, kept.

:func:`graph.similarity.evaluate.evaluate` takes a minute or more of CPU (a leave-one-out pass over every known
link, and the time split). It runs in a child process (a spawned interpreter on a read-only handle of the store),
so the server's request threads never wait for Python's GIL behind it: ``ascn serve`` starts it once it listens
(:mod:`webapp.warmup`), and otherwise the first request for the table of a graph version does; meanwhile the
page says it is still being computed. The table is kept in the data directory's ``derived/`` folder
(:mod:`graph.derived`) under the content key, the recommender's code and ``EVALUATION_LIMIT`` (which caps the
held-out links per link type so its cost stays bounded), so a restart on the same content shows it at once; a
load or an unload changes the key and so the table. The child is stopped by its PID when the app closes; a
child that fails, or dies, leaves its error on the page and in the log.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import threading
import traceback
from dataclasses import asdict
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

from flask import Flask, current_app

from graph.backends import open_store
from graph.config import Settings
from graph.derived import code_digest, lasting_version, part_path, write_part
from graph.similarity.evaluate import Evaluation, evaluate
from graph.similarity.typed_graph import KEPT_BY, GraphCache

EXTENSION = "ascn-evaluation"
log = logging.getLogger(__name__)


class EvaluationFailed(Exception):
    """The evaluation of a graph version failed (the page says so, with the child's last words)."""


class EvaluationCache:
    """One evaluation per graph version (the latest kept), computed by one child process at a time."""

    def __init__(self, settings: Settings, limit: int | None = None) -> None:
        self._settings = settings
        self._limit = limit
        self._code = code_digest(KEPT_BY)
        self._lock = threading.Lock()
        self._results: dict[str, Evaluation | Exception] = {}
        self._running: dict[str, threading.Event] = {}
        self._children: set[BaseProcess] = set()
        self._closed = False

    def start(self, store) -> tuple[str, threading.Event]:
        """Begin computing the current version's evaluation unless it is done, kept or under way."""
        version = store.version()
        with self._lock:
            if version not in self._results and version not in self._running and lasting_version(store) == version:
                kept = self._kept(version)
                if kept is not None:
                    self._results = {version: kept}
            if version in self._results:
                done = threading.Event()
                done.set()
                return version, done
            if version not in self._running:
                self._running[version] = threading.Event()
                threading.Thread(target=self._compute, args=(version,), name="ascn-evaluate", daemon=True).start()
            return version, self._running[version]

    def get(self, store, wait: float) -> Evaluation | None:
        """The current version's evaluation, waiting up to ``wait`` seconds; None while it is still running.

        Raises :class:`EvaluationFailed` if it failed.
        """
        version, done = self.start(store)
        done.wait(wait)
        with self._lock:
            result = self._results.get(version)
        if isinstance(result, Exception):
            raise result
        return result

    def close(self) -> None:
        """Stop the children still computing, each by its PID, and start no more."""
        with self._lock:
            self._closed = True
            children = list(self._children)
        for child in children:
            child.terminate()
            child.join(10)
            if child.is_alive():
                child.kill()
                child.join()

    def _path(self, version: str) -> Path:
        return part_path(self._settings.data_dir, "evaluation.json", version, self._code, self._limit)

    def _kept(self, version: str) -> Evaluation | None:
        """The evaluation kept for the content ``version``; None when there is none (or it cannot be read)."""
        try:
            return Evaluation(**json.loads(self._path(version).read_bytes()))
        except FileNotFoundError:
            return None
        except (ValueError, TypeError) as exc:  # written by another release of the code: made again
            log.warning("the kept evaluation %s cannot be read (%s); computing it again", self._path(version), exc)
            return None

    def _compute(self, version: str) -> None:
        try:
            result: Evaluation | Exception = self._in_child(version)
        except Exception as exc:  # kept and raised to the page that asks, not lost in a thread
            if not self._closed:
                log.error("the recommender evaluation failed: %s", exc)
            result = exc if isinstance(exc, EvaluationFailed) else EvaluationFailed(f"{type(exc).__name__}: {exc}")
        with self._lock:
            self._results = {version: result}
            self._running.pop(version).set()

    def _in_child(self, version: str) -> Evaluation:
        """The evaluation computed by a child process, kept on disk when the child read the content ``version``."""
        context = multiprocessing.get_context("spawn")
        answers, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_child, args=(self._settings, self._limit, sender), name="ascn-evaluate", daemon=True
        )
        with self._lock:
            if self._closed:
                raise EvaluationFailed("the server is stopping")
            child.start()
            self._children.add(child)
        sender.close()  # the child holds its end: the pipe ends (EOFError) when the child does
        try:
            read, lasting, answer = answers.recv()
        except EOFError:
            read, lasting, answer = None, False, None
        finally:
            answers.close()
            child.join()
            with self._lock:
                self._children.discard(child)
        if not isinstance(answer, Evaluation):
            if answer is None:
                raise EvaluationFailed(f"the evaluation's process ended without an answer (exit code {child.exitcode})")
            raise EvaluationFailed(answer)
        if lasting and read == version:
            try:
                write_part(self._path(version), json.dumps(asdict(answer)).encode())
            except OSError as exc:  # the table is shown all the same; the next start computes it again
                log.warning("the evaluation could not be kept in %s: %s", self._path(version).parent, exc)
        return answer


def _child(settings: Settings, limit: int | None, answers: Connection) -> None:
    """The child's work: the evaluation on a read-only handle, sent back with the content key it read (whether
    that key lasts), or the error's traceback."""
    threading.Thread(target=_end_with_parent, name="ascn-evaluate-parent", daemon=True).start()
    try:
        store = open_store(settings, read_only=True)
        try:
            version, lasting = store.version(), lasting_version(store) is not None
            # the typed graph kept in derived/ by the server (or by this child, for the server's next start)
            evaluation = evaluate(store, limit=limit, cache=GraphCache(1, settings.data_dir))
            answers.send((version, lasting, evaluation))
        finally:
            store.close()
    except Exception as exc:  # sent to the page and the log, not lost in a child's stderr
        log.error("the recommender evaluation failed:\n%s", traceback.format_exc())
        answers.send((None, False, f"{type(exc).__name__}: {exc}"))
    finally:
        answers.close()


def _end_with_parent() -> None:
    """End the child when its server dies without closing it (``kill -9``): an orphan would compute for no one."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(1)


def init_app(app: Flask) -> None:
    """Give the app its cache; the first request for the table starts the computation."""
    from webapp.store import EXTENSION as STORE

    app.extensions[EXTENSION] = EvaluationCache(app.extensions[STORE].settings, app.config.get("EVALUATION_LIMIT"))


def close_app(app: Flask) -> None:
    """Stop the app's evaluation if it is still being computed."""
    cache = app.extensions.get(EXTENSION)
    if cache is not None:
        cache.close()


def current_evaluation(wait: float = 10.0) -> Evaluation | None:
    """The evaluation of the current app's graph (None if not ready within ``wait`` seconds)."""
    from webapp.store import get_store

    return current_app.extensions[EXTENSION].get(get_store(), wait)
