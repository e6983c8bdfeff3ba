"""What the pages need that takes long, made before the first visitor asks for it.

The ontology's documentation (pyLODE, seconds) depends on the ontology alone: ``ascn build`` writes it into the
data directory (:func:`webapp.ontology_doc.stored_doc`) and every server reads it from there. What depends on the
graph is made as ``ascn serve`` starts, while its query workers start, before it listens: the recommender's typed
graph (entity pages, /match), the project list (Find projects), and one visit of each kind of page (templates
compiled, per-process tables read). What takes long on a large graph runs on in the background once the server
listens: the recommender's structures (kept with its typed graph in ``derived/``, so a restart on the same
content reads them back with it and has nothing left to build), the recommender's evaluation (in a process of its
own, read from ``derived/`` when the content was evaluated before), until which the data page says it is still
being computed and puts the table in place once it is there, and the names index (completion in /query and
reconciliation; tens of seconds at 300k triples), whose users make it themselves if they come first.

The typed graph read here is not kept on its own (``keep=False``): the structures are built next and kept with it,
so a first start pickles it once, not twice (3.4-3.9 CPU s saved at 3M triples); the evaluation's process starts
after them and reads the typed graph (and the structures it uses) from that copy instead of the store. A data page
asked for before then starts the evaluation, whose process then reads the store and keeps the typed graph itself.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import Flask

from graph.derived import derived_dir

log = logging.getLogger(__name__)


def prepare_build(data_dir: Path) -> None:
    """What ``ascn build`` stores with the build: the ontology's documentation."""
    from webapp.ontology_doc import stored_doc

    stored_doc(derived_dir(data_dir))


def start(app: Flask) -> threading.Thread:
    """Prepare the pages' parts on a thread of ``app``; ``ascn serve`` joins it before it listens."""
    thread = threading.Thread(target=_prepare, args=(app,), name="ascn-warmup", daemon=True)
    thread.start()
    return thread


def _prepare(app: Flask) -> None:
    from graph.similarity.scoring import scorer
    from webapp.evaluation import EXTENSION as EVALUATION
    from webapp.ontology_doc import app_doc
    from webapp.page_data import local_path, lookup_index
    from webapp.pages import project_facts
    from webapp.store import get_graph_cache, get_store, get_typed_graph

    def visit_pages() -> None:
        tg = get_typed_graph()
        entities = [local_path(ids[0]) for kind in ("city", "project", "partner") if (ids := sorted(tg.ids(kind)))]
        client = app.test_client()
        for path in ("/", "/projects", "/query", "/match", "/ontology", "/search?q=city", "/changes", *entities):
            if path:
                client.get(path, headers={"Accept": "text/html"})

    _run(
        app,
        (
            ("the recommender's typed graph", lambda: get_graph_cache().get(get_store(), keep=False)),
            ("the project list", project_facts),
            ("the ontology documentation", lambda: app_doc(app)),
            ("one visit of each kind of page", visit_pages),
        ),
    )
    threading.Thread(
        target=_run,
        name="ascn-warmup-background",
        daemon=True,
        args=(
            app,
            (
                ("the recommender's structures", lambda: scorer(get_typed_graph()).warm()),
                (
                    "the recommender's evaluation (started; it runs on in its own process)",
                    lambda: app.extensions[EVALUATION].start(get_store()),
                ),
                ("the names index for completion and reconciliation", lookup_index),
            ),
        ),
    ).start()


def _run(app: Flask, steps) -> None:
    from webapp.store import EXTENSION

    with app.app_context():
        for what, step in steps:
            if EXTENSION not in app.extensions:  # closed: ascn serve could not listen, and its error is the news
                return
            started = time.perf_counter()
            try:
                step()
            except Exception:  # a part that fails is made (and its error shown) by the page that needs it
                log.exception("preparing %s failed", what)
                continue
            log.info("prepared %s in %.1f s", what, time.perf_counter() - started)
