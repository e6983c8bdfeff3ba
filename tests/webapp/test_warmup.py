"""No cold page: the ontology documentation stored by the build, the rest prepared at server start."""

from __future__ import annotations

import json
import os
import signal

import pytest
from rdflib import Graph

from graph.config import Settings
from graph.derived import derived_dir
from graph.similarity.evaluate import Evaluation
from tests.conftest import store_copy
from webapp import warmup
from webapp.evaluation import EXTENSION as EVALUATION
from webapp.evaluation import EvaluationFailed
from webapp.ontology_doc import pylode_doc, stored_doc
from webapp.page_data import PER_VERSION
from webapp.store import get_store


def test_the_stored_documentation_is_pylodes_and_is_read_back(tmp_path):
    stored = stored_doc(tmp_path)
    [kept] = list(tmp_path.glob("ontology-doc-*.json"))
    assert stored == pylode_doc()
    assert json.loads(kept.read_text())["anchors"][0] == list(pylode_doc().anchors[0])
    kept.write_text(json.dumps({"content": "<p>kept</p>", "toc": "", "anchors": []}))
    assert str(stored_doc(tmp_path).content) == "<p>kept</p>"  # read, not made again


def test_a_damaged_stored_documentation_is_made_again(tmp_path):
    stored_doc(tmp_path)
    [kept] = list(tmp_path.glob("ontology-doc-*.json"))
    kept.write_text("{not json")
    assert stored_doc(tmp_path) == pylode_doc()
    assert json.loads(kept.read_text())["content"] == str(pylode_doc().content)


@pytest.fixture
def fresh_app(tmp_path, bundled_graphs):
    from webapp import create_app
    from webapp.store import close_app

    settings = store_copy(tmp_path / "data", bundled_graphs)
    # a quick evaluation (two cases per question and split), as in the session's app: what is prepared matters
    app = create_app({"TESTING": True, "DATA_DIR": str(settings.data_dir), "AUTO_BUILD": False, "EVALUATION_LIMIT": 2})
    yield app
    close_app(app)


def test_server_start_prepares_the_typed_graph_the_documentation_and_the_evaluation(fresh_app):
    warmup.start(fresh_app).join()
    with fresh_app.app_context():
        version = get_store().version()
        graphs = fresh_app.extensions["ascn"].graphs
        assert graphs.builds == 1  # the app's own cache holds the prepared typed graph
        builds = graphs.builds
        assert fresh_app.extensions["ascn-evaluation"].get(get_store(), wait=600) is not None
        client = fresh_app.test_client()
        assert client.get("/id/city/phuket").status_code == 200
        assert graphs.builds == builds  # the entity page used the prepared typed graph
        kept = fresh_app.extensions[PER_VERSION]["lookup-index"]
        assert kept[0] == version and client.get("/api/complete?q=da").status_code == 200
        assert fresh_app.extensions[PER_VERSION]["lookup-index"] is kept  # completion used the prepared names
        assert get_store().version() == version
    assert list((fresh_app.extensions["ascn"].settings.data_dir / "derived").glob("ontology-doc-*.json"))
    page = fresh_app.test_client().get("/data")
    assert 'id="evaluation-table"' in page.get_data(as_text=True) and "ETag" in page.headers


def test_the_data_page_answers_at_once_while_the_evaluation_runs_and_is_not_kept(fresh_app):
    page = fresh_app.test_client().get("/data")  # nothing prepared: the evaluation starts now
    html = page.get_data(as_text=True)
    if 'id="evaluation-table"' not in html:  # still running (it takes seconds): the page says so and its script
        # puts the evaluation in place when it is there (no <meta refresh>: axe counts that as critical)
        assert "still being computed" in html and 'id="evaluation-section" data-pending="true"' in html
        assert "js/data-evaluation." in html and "http-equiv" not in html
        assert page.headers["Cache-Control"] == "no-store" and "ETag" not in page.headers
    with fresh_app.app_context():
        fresh_app.extensions["ascn-evaluation"].get(get_store(), wait=600)
    assert 'id="evaluation-table"' in fresh_app.test_client().get("/data").get_data(as_text=True)


def test_each_app_reads_the_documentation_of_its_own_data_directory(tmp_path, bundled_graphs):
    """The documentation is kept by the app that read it, not by the process: a later app reads the file again."""
    from webapp import create_app
    from webapp.ontology_doc import DOC
    from webapp.store import close_app

    settings = store_copy(tmp_path / "data", bundled_graphs)
    derived = derived_dir(settings.data_dir)
    stored_doc(derived)
    [kept] = list(derived.glob("ontology-doc-*.json"))
    pages = []
    for text in ("<p>read by the first app</p>", "<p>read by the second app</p>"):
        kept.write_text(json.dumps({"content": text, "toc": "", "anchors": []}))
        app = create_app({"TESTING": True, "DATA_DIR": str(settings.data_dir), "AUTO_BUILD": False})
        try:
            pages.append(app.test_client().get("/ontology").get_data(as_text=True))
            assert str(app.extensions[DOC].content) == text
        finally:
            close_app(app)
    assert "read by the first app" in pages[0] and "read by the second app" not in pages[0]
    assert "read by the second app" in pages[1]


def quick_app(data_dir):
    from webapp import create_app

    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), "AUTO_BUILD": False, "EVALUATION_LIMIT": 2})


def test_the_evaluation_is_kept_with_the_content_and_shown_at_once_after_a_restart(tmp_path, bundled_graphs):
    from webapp.store import close_app

    settings = store_copy(tmp_path / "data", bundled_graphs)
    first = quick_app(settings.data_dir)
    try:
        with first.app_context():
            computed = first.extensions[EVALUATION].get(get_store(), wait=600)
    finally:
        close_app(first)
    [kept] = derived_dir(settings.data_dir).glob("evaluation-*.json")
    assert Evaluation(**json.loads(kept.read_bytes())) == computed  # kept whole, read back exactly
    assert not list(derived_dir(settings.data_dir).glob(".*.tmp"))

    again = quick_app(settings.data_dir)
    try:
        page = again.test_client().get("/data").get_data(as_text=True)  # no wait: read from derived/
        assert 'id="evaluation-table"' in page and "still being computed" not in page
        with again.app_context():
            assert again.extensions[EVALUATION].get(get_store(), wait=0) == computed
            get_store().replace_graphs({"https://w3id.org/ascn/graph/user/extra": Graph()})  # a write: new content
            assert again.extensions[EVALUATION].get(get_store(), wait=0) is None  # computed again, not the kept one
    finally:
        close_app(again)


def test_a_failed_evaluation_is_shown_on_the_data_page(fresh_app, tmp_path):
    cache = fresh_app.extensions[EVALUATION]
    cache._settings = Settings(data_dir=tmp_path / "nothing-here", auto_build=False)  # the child finds no store
    with fresh_app.app_context(), pytest.raises(EvaluationFailed, match="no store at .*run `ascn build` first"):
        cache.get(get_store(), wait=600)
    page = fresh_app.test_client().get("/data").get_data(as_text=True)
    assert 'id="evaluation-failure"' in page and "run `ascn build` first" in page
    assert "data-pending" not in page and "still being computed" not in page


def test_closing_the_app_stops_the_evaluations_process(fresh_app):
    from webapp.store import close_app

    cache = fresh_app.extensions[EVALUATION]
    with fresh_app.app_context():
        version, done = cache.start(get_store())
    while not cache._children and not done.is_set():  # the state the test waits for: the child has started
        done.wait(0.05)
    [child] = list(cache._children)
    close_app(fresh_app)
    assert child.exitcode == -signal.SIGTERM  # stopped, not left to finish
    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)
    assert done.wait(60) and isinstance(cache._results[version], EvaluationFailed)


def test_a_damaged_kept_evaluation_is_computed_again(tmp_path):
    from webapp.evaluation import EvaluationCache

    cache = EvaluationCache(Settings(data_dir=tmp_path, auto_build=False), limit=2)
    path = cache._path("some-content")
    path.parent.mkdir(parents=True)
    for damaged in ("{not json", '{"rows": []}'):  # cut short; written by code with other fields
        path.write_text(damaged)
        assert cache._kept("some-content") is None
    assert cache._kept("other-content") is None  # none kept for it
