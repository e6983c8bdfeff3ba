"""What the pages need that takes long, made before the first visitor asks for it.

The ontology's documentation (pyLODE, seconds) depends on the ontology alone: ``ascn build`` writes it into the
data directory (:func:`webapp.ontology_doc.stored_doc`) and every server reads it from there. What depends on the
graph is made in the background as soon as ``ascn serve`` starts, in the order visitors most often need it: the
recommender's typed graph (entity pages, /match), then the project list (Find projects), then the names index
(completion in /query and reconciliation; tens of seconds at 300k triples), then the documentation
if the build did not store it, then the recommender's evaluation (the data page, which says it is still being
computed until then). A page asked for before its part is ready makes that part itself, as it always could.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import Flask

log = logging.getLogger(__name__)


def derived_dir(data_dir: Path) -> Path:
    """Where what is derived from the build and the ontology is kept, beside the stores."""
    return data_dir / "derived"


def prepare_build(data_dir: Path) -> None:
    """What ``ascn build`` stores with the build: the ontology's documentation."""
    from webapp.ontology_doc import stored_doc

    stored_doc(derived_dir(data_dir))


def start(app: Flask) -> threading.Thread:
    """Prepare the pages' parts on a background thread of ``app`` (``ascn serve`` calls this as it starts)."""
    thread = threading.Thread(target=_prepare, args=(app,), name="ascn-warmup", daemon=True)
    thread.start()
    return thread


def _prepare(app: Flask) -> None:
    from graph.similarity.typed_graph import typed_graph
    from webapp.evaluation import EXTENSION as EVALUATION
    from webapp.ontology_doc import class_diagram, stored_doc
    from webapp.page_data import lookup_index
    from webapp.pages import project_facts
    from webapp.store import get_store

    with app.app_context():
        steps = (
            ("the recommender's typed graph", lambda: typed_graph(get_store())),
            ("the project list", project_facts),
            ("the names index for completion and reconciliation", lookup_index),
            ("the ontology documentation",
             lambda: class_diagram(stored_doc(derived_dir(app.extensions["ascn"].settings.data_dir)).anchors)),
            ("the recommender's evaluation", lambda: app.extensions[EVALUATION].start(get_store())),
        )
        for what, step in steps:
            started = time.perf_counter()
            try:
                step()
            except Exception:  # a part that fails is made (and its error shown) by the page that needs it
                log.exception("preparing %s failed", what)
                continue
            log.info("prepared %s in %.1f s", what, time.perf_counter() - started)
