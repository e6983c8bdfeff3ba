"""Query workers: read-only handles beside the read-write owner, the row cap, the time limit."""

from __future__ import annotations

import pytest

from graph.backends import open_store
from graph.pool import Job, QueryPool, QueryTimeout, answer
from ontology.errors import QueryError, StoreError

FORMATS = {"results": "csv", "boolean": "json", "graph": "ntriples"}
PHUKET_LABEL = ("SELECT ?label WHERE { <https://w3id.org/ascn/id/city/phuket> "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")


def test_read_only_handle_reads_beside_the_read_write_owner(store, built_settings):
    reader = open_store(built_settings, read_only=True)
    try:
        assert reader.query(PHUKET_LABEL).column("label") == store.query(PHUKET_LABEL).column("label")
        with pytest.raises(StoreError):
            reader.drop_graphs(["https://w3id.org/ascn/graph/bundled/cities"])
    finally:
        reader.close()
    assert len(store.query("SELECT * { GRAPH <https://w3id.org/ascn/graph/bundled/cities> { ?s ?p ?o } }")) == 957


def test_read_only_open_of_a_missing_store_says_build_first(tmp_path):
    from graph.config import Settings

    with pytest.raises(StoreError, match="run `ascn build` first"):
        open_store(Settings(data_dir=tmp_path), read_only=True)


def test_answer_cuts_at_the_row_limit_and_says_so(store):
    reply = answer(store, Job("SELECT ?s { ?s a <https://w3id.org/ascn/ontology#City> } ORDER BY ?s", FORMATS, 5))
    assert (reply.rows, reply.complete) == (5, False)
    assert reply.body.decode().splitlines() == ["s"] + [
        f"https://w3id.org/ascn/id/city/{c}" for c in ("bandar-seri-begawan", "bangkok", "banyuwangi", "battambang",
                                                         "cauayan-city")]
    assert reply.completeness() == {"complete": False, "rows": 5, "limit": 5, "reason": "row-limit"}


def test_pool_stops_a_runaway_query_and_replaces_its_worker(store, built_settings):
    pool = QueryPool(built_settings, size=1)
    try:
        assert pool.run(Job("ASK {}", FORMATS, 10), timeout=5).body == (
            b'{"head": {}, "ascn:completeness": {"complete": true, "rows": 1, "limit": 10}, "boolean": true}')
        [first] = pool.pids()
        with pytest.raises(QueryTimeout):
            pool.run(Job("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", FORMATS, 10), timeout=0.5)
        with pytest.raises(QueryError) as bad:
            pool.run(Job("SELECT * {", FORMATS, 10), timeout=10)  # waits for the replacement
        assert bad.value.position == (1, 11)
        assert pool.replaced == 1 and pool.pids() != [first]
    finally:
        pool.close()
    assert pool.pids() == []
