"""Query workers: read-only handles beside the read-write owner, the row cap, the time limit."""

from __future__ import annotations

import importlib.machinery
import sys
import threading
import time
import types

import pytest

from graph.backends import open_store
from graph.errors import StoreError
from graph.pool import START_WAIT, Job, QueryPool, QueryTimeout, _script_imports, _Worker, answer
from queries.errors import QueryError
from tests.conftest import BOUND, wait_until

FORMATS = {"results": "csv", "boolean": "json", "graph": "ntriples"}
PHUKET_LABEL = (
    "SELECT ?label WHERE { <https://w3id.org/ascn/id/city/phuket> <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
)


def test_read_only_handle_reads_beside_the_read_write_owner(store, built_settings):
    reader = open_store(built_settings, read_only=True)
    try:
        assert reader.query(PHUKET_LABEL).column("label") == store.query(PHUKET_LABEL).column("label")
        with pytest.raises(StoreError):
            reader.drop_graphs(["https://w3id.org/ascn/graph/bundled/cities"])
    finally:
        reader.close()
    assert len(store.query("SELECT * { GRAPH <https://w3id.org/ascn/graph/bundled/cities> { ?s ?p ?o } }")) == 967


def test_read_only_open_of_a_missing_store_says_build_first(tmp_path):
    from graph.config import Settings

    with pytest.raises(StoreError, match="run `ascn build` first"):
        open_store(Settings(data_dir=tmp_path), read_only=True)


def test_answer_cuts_at_the_row_limit_and_says_so(store):
    reply = answer(store, Job("SELECT ?s { ?s a <https://w3id.org/ascn/ontology#City> } ORDER BY ?s", FORMATS, 5))
    assert (reply.rows, reply.complete) == (5, False)
    assert reply.body.decode().splitlines() == ["s"] + [
        f"https://w3id.org/ascn/id/city/{c}"
        for c in ("bandar-seri-begawan", "bangkok", "banyuwangi", "battambang", "cauayan-city")
    ]
    assert reply.completeness() == {"complete": False, "rows": 5, "limit": 5, "reason": "row-limit"}


def test_pool_stops_a_runaway_query_and_replaces_its_worker(store, built_settings):
    pool = QueryPool(built_settings, size=1)
    try:
        assert pool.run(Job("ASK {}", FORMATS, 10), timeout=120).body == (
            b'{"head":{},"ascn:completeness":{"complete":true,"rows":1,"limit":10},"boolean":true}'
        )
        [first] = pool.pids()
        with pytest.raises(QueryTimeout):
            pool.run(Job("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", FORMATS, 10), timeout=0.5)
        with pytest.raises(QueryError) as bad:
            pool.run(Job("SELECT * {", FORMATS, 10), timeout=120)  # waits for the replacement
        assert bad.value.position == (1, 10)  # on the "{", not past the end of the text
        assert pool.replaced == 1 and pool.pids() != [first]
    finally:
        pool.close()
    assert pool.pids() == []


DEEP = {  # each as long as the endpoint lets a query be (100,000 characters), each one row
    "49,990 nested braces": "SELECT * WHERE " + "{" * 49_990 + "}" * 49_990,
    "99,950 negations": "SELECT * WHERE { FILTER(" + "!" * 99_950 + "true) }",
    "4,000 nested NOT EXISTS": "SELECT * WHERE { FILTER("
    + "NOT EXISTS { FILTER(" * 4_000
    + "true"
    + ") }" * 4_000
    + ") }",
    "19,990 nested calls": "SELECT * WHERE { BIND(" + "STR(" * 19_990 + "1" + ")" * 19_990 + " AS ?x) }",
}


def test_a_deeply_nested_query_is_answered_and_its_worker_lives_on(built_settings):
    """Each of these overflowed a worker's 8 MB stack in Oxigraph's parser or evaluator, killing the worker: a
    503 and a replacement for a few kilobytes of text. Answered on the worker's deep-stack thread, each gets its
    row and the same worker answers the next."""
    pool = QueryPool(built_settings, size=1)
    try:
        for what, text in DEEP.items():
            assert pool.run(Job(text, FORMATS, 10), timeout=BOUND).rows == 1, what
        assert pool.replaced == 0
    finally:
        pool.close()


def test_a_query_past_its_workers_memory_ends_that_worker_alone(store, built_settings):
    """A cross product sorted passed 4 GB within seconds, bounded only by the time limit; past the worker's memory
    (1.5 GiB here) its allocation fails, the worker ends, the query is a StoreError (the endpoint's 503), and a
    replacement answers the next query."""
    pool = QueryPool(built_settings, size=1, memory=3 * 2**29)
    try:
        with pytest.raises(StoreError, match=r"stopped while answering \(out of memory\?\)"):
            pool.run(Job("SELECT * { ?s ?p ?o . ?a ?b ?c } ORDER BY ?o ?c LIMIT 1", FORMATS, 10), timeout=60)
        assert pool.run(Job(PHUKET_LABEL, FORMATS, 10), timeout=BOUND).body.decode().splitlines() == ["label", "Phuket"]
        wait_until(lambda: pool.replaced == 1, "the worker that ran out of memory was replaced")
    finally:
        pool.close()


def test_a_query_right_after_a_write_waits_for_the_renewed_workers_instead_of_being_refused(store, built_settings):
    """After a write every worker is renewed; they are starting, not busy with long queries, so a query sent
    meanwhile waits for one even with no admission wait at all (it was refused with PoolBusy when the renewal
    took longer than the admission wait, as on a loaded machine)."""
    pool = QueryPool(built_settings, size=1, admission_wait=0.0)
    try:
        assert pool.run(Job("ASK {}", FORMATS, 10), timeout=120).rows == 1
        [first] = pool.pids()
        pool.recycle()
        assert pool.run(Job("ASK {}", FORMATS, 10), timeout=120).rows == 1
        assert pool.pids() != [first]
    finally:
        pool.close()


def test_a_query_waits_for_renewed_workers_longer_than_its_own_time_limit(store, built_settings, monkeypatch):
    """The time limit bounds a query's work, not its wait for workers that are starting after a write: on a
    loaded machine their start took longer than a server's 10 s limit, and the first query after a load was
    refused with 503. Here the renewal is held back past the query's limit, then let go."""
    pool = QueryPool(built_settings, size=1, admission_wait=0.0)
    renewal_may_finish = threading.Event()
    started = pool._await_ready

    def held_back(worker, wait=START_WAIT):
        renewal_may_finish.wait()
        started(worker, wait)

    try:
        pool.start()
        monkeypatch.setattr(pool, "_await_ready", held_back)
        pool.recycle()
        answers: list = []
        asking = threading.Thread(target=lambda: answers.append(_run_or_error(pool, timeout=0.2)))
        asking.start()
        passed = time.monotonic() + 1.0
        while time.monotonic() < passed:  # let time itself pass the limit (a lower bound: slower is fine)
            time.sleep(0.05)
        assert asking.is_alive(), answers  # still waiting, not refused
        renewal_may_finish.set()
        asking.join()
        assert len(answers) == 1 and getattr(answers[0], "rows", None) == 1, answers
    finally:
        renewal_may_finish.set()
        pool.close()


def test_a_freed_lane_worker_goes_to_the_newest_waiting_query_and_a_pool_worker_to_the_oldest(built_settings):
    """The hand-off alone, with stand-in workers: three queries wait; the pool's freed workers go to them in order
    (none waits for ever behind newer ones), the lane's to the newest. So after a flood of long queries, each of
    which the lane stops after its limit, a short query sent next gets the lane's next turn."""
    pool = QueryPool(built_settings, size=1, lane=1)
    got: dict[str, _Worker] = {}

    def waits(name: str) -> threading.Thread:
        thread = threading.Thread(target=lambda: got.__setitem__(name, pool._take(120.0, START_WAIT)))
        thread.start()
        return thread

    threads = {}
    for n, name in enumerate(("first", "second", "third"), start=1):
        threads[name] = waits(name)
        wait_until(lambda n=n: len(pool._waiting) == n, f"{name} waits")
    pool_worker, lane_worker, next_pool_worker = (
        _Worker(None, None),
        _Worker(None, None, lane=True),
        _Worker(None, None),
    )
    for worker, name in ((pool_worker, "first"), (lane_worker, "third"), (next_pool_worker, "second")):
        pool._put(worker)
        threads[name].join()
        assert got[name] is worker, name
    assert got.keys() == {"first", "second", "third"} and not pool._waiting


def test_the_fork_server_imports_what_the_main_script_imports(tmp_path, monkeypatch):
    """Each new worker runs the parent's main script again (``ascn``, which imports the CLI); the fork server
    imports the script's modules first, so that run finds them imported. Run with -m, there is no script to run."""
    script = tmp_path / "ascn"
    script.write_text(
        "import re, sys\nfrom webapp.cli import main\nfrom . import nothing\nif __name__ == '__main__':\n    main()\n"
    )
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert _script_imports() == ["re", "sys", "webapp.cli"]
    main.__spec__ = importlib.machinery.ModuleSpec("pytest.__main__", None)
    assert _script_imports() == []


def _run_or_error(pool: QueryPool, timeout: float):
    try:
        return pool.run(Job("ASK {}", FORMATS, 10), timeout=timeout)
    except Exception as exc:  # the assertion shows what came back instead of an answer
        return exc


# -- the embedded store writes answers itself (query_written); the remote path writes rdflib terms -------------
TRICKY = (
    'SELECT ?t ?n WHERE { VALUES (?t ?n) { ("line\\nbreak\\ttab \\"quoted\\" \\\\ end"@en-GB 1) '
    '("39"^^<http://www.w3.org/2001/XMLSchema#decimal> 1.50) ("x"^^<http://www.w3.org/2001/XMLSchema#string> UNDEF) '
    '(<https://w3id.org/ascn/id/city/phuket> "Đà Nẵng") } }'
)
CITIES = "SELECT ?s { ?s a <https://w3id.org/ascn/ontology#City> } ORDER BY ?s"


class TermsOnly:
    """The embedded store seen through ``query`` alone, as the pool sees a remote store: the rdflib path."""

    def __init__(self, store):
        self.query = store.query


def parsed(reply) -> list[tuple]:
    from io import BytesIO

    from rdflib.query import Result

    name = {
        "application/sparql-results+json": "json",
        "application/sparql-results+xml": "xml",
        "text/csv": "csv",
        "text/tab-separated-values": "tsv",
    }[reply.media_type]
    return [tuple(row) for row in Result.parse(BytesIO(reply.body), format=name)]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])  # rdflib cannot read its own TSV of a long literal
def test_both_answer_paths_give_the_same_terms_in_every_result_format(store, fmt):
    job = Job(TRICKY, {"results": fmt, "boolean": "json", "graph": "turtle"}, 10)
    written, terms = answer(store, job), answer(TermsOnly(store), job)
    assert (written.rows, written.complete) == (terms.rows, terms.complete) == (4, True)
    assert parsed(written) == parsed(terms)
    assert len(parsed(written)) == 4


def test_written_tsv_keeps_line_breaks_escaped_one_row_per_line(store):
    body = answer(store, Job(TRICKY, {"results": "tsv"}, 10)).body.decode()
    assert body.splitlines() == [
        "?t\t?n",
        '"line\\nbreak\\ttab \\"quoted\\" \\\\ end"@en-gb\t1',
        '"39"^^<http://www.w3.org/2001/XMLSchema#decimal>\t1.5',
        '"x"\t',
        '<https://w3id.org/ascn/id/city/phuket>\t"Đà Nẵng"',
    ]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_row_cap_cuts_every_result_format_at_the_limit(store, fmt):
    cut = answer(store, Job(CITIES, {"results": fmt}, 5))
    whole = answer(store, Job(CITIES, {"results": fmt}, 10_000))
    assert (cut.rows, cut.complete, whole.rows, whole.complete) == (5, False, 38, True)
    assert parsed(cut) == parsed(whole)[:5]


def test_completeness_member_comes_right_after_head_on_both_paths(store):
    import json

    for source in (store, TermsOnly(store)):
        doc = json.loads(answer(source, Job(CITIES, {"results": "json"}, 3)).body)
        assert list(doc) == ["head", "ascn:completeness", "results"]
        assert doc["ascn:completeness"] == {"complete": False, "rows": 3, "limit": 3, "reason": "row-limit"}


def test_a_graph_rdf_xml_cannot_express_is_refused_with_a_reason(store):
    with pytest.raises(StoreError, match="cannot be written as RDF/XML"):
        answer(
            store,
            Job("CONSTRUCT { <http://example.org/s> <http://example.org/p/> 1 } WHERE {}", {"graph": "rdfxml"}, 10),
        )


def test_remote_store_answers_like_the_embedded_one(store, remote_store):
    for fmt in ("json", "xml", "tsv"):
        job = Job(CITIES, {"results": fmt}, 10)
        assert parsed(answer(remote_store, job)) == parsed(answer(store, job))
