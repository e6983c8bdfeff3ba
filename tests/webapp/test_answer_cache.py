"""The answer cache and HTTP validators: kept answers are the same answers, and a write is seen at once.

Each test that writes gets its own app over its own copy of the bundled build. "Without a worker" is proven by
making the pool refuse every job once the first answer is in.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from graph.errors import StoreError
from loaders import dataset
from ontology.errors import InputError
from tests.conftest import PROTOCOL_GRAPHS, store_copy
from webapp.caching import AnswerCache
from webapp.store import get_pool, get_store

DATA1 = "https://w3id.org/ascn/graph/user/data1"
COUNT_DATA1 = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DATA1}> {{ ?s ?p ?o }} }}"
PHUKET = "https://w3id.org/ascn/id/city/phuket"
LABEL = f"SELECT ?label WHERE {{ <{PHUKET}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
CITIES = "SELECT ?c WHERE { ?c a <https://w3id.org/ascn/ontology#City> } ORDER BY ?c"


@pytest.fixture
def make_app(tmp_path, bundled_graphs):
    """A factory of apps, each over its own copy of the bundled build; closed at the end of the test."""
    from webapp import create_app
    from webapp.store import close_app

    apps = []

    def make(**config):
        settings = store_copy(tmp_path / f"data{len(apps)}", bundled_graphs)
        app = create_app(
            {"TESTING": True, "DATA_DIR": str(settings.data_dir), "AUTO_BUILD": False, "SPARQL_TIMEOUT": 5, **config}
        )
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


def refuse_workers(app, monkeypatch) -> None:
    """From now on, any query that reaches a worker fails the test."""
    with app.app_context():
        pool = get_pool()

    def run(job, timeout):
        pytest.fail(f"a worker was asked: {job.sparql[:60]}")

    monkeypatch.setattr(pool, "run", run)


def count(client) -> int:
    r = client.get("/sparql", query_string={"query": COUNT_DATA1})
    assert r.status_code == 200
    return int(r.json["results"]["bindings"][0]["n"]["value"])


def test_a_kept_answer_is_served_without_a_worker_with_its_headers(make_app, monkeypatch):
    app = make_app()
    client = app.test_client()
    first = client.get("/sparql", query_string={"query": LABEL})
    refuse_workers(app, monkeypatch)
    # the same query with other spacing and a comment is the same question
    again = client.post(
        "/sparql", data="# Phuket's label\n" + LABEL.replace(" ", "\n  "), content_type="application/sparql-query"
    )
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert again.json["results"]["bindings"] == [{"label": {"type": "literal", "value": "Phuket", "xml:lang": "en"}}]
    for header in ("X-ASCN-Complete", "X-ASCN-Rows", "X-ASCN-Row-Limit", "X-ASCN-Timeout", "Content-Type"):
        assert again.headers[header] == first.headers[header]
    assert again.headers["X-ASCN-Complete"] == "true" and again.headers["X-ASCN-Rows"] == "1"


def test_a_string_that_differs_only_in_spacing_is_another_question(make_app):
    client = make_app().test_client()
    one = client.get("/sparql", query_string={"query": 'SELECT ?x { BIND("a b" AS ?x) }', "format": "csv"})
    two = client.get("/sparql", query_string={"query": 'SELECT ?x { BIND("a  b" AS ?x) }', "format": "csv"})
    assert one.get_data(as_text=True).splitlines() == ["x", "a b"]
    assert two.get_data(as_text=True).splitlines() == ["x", "a  b"]


def test_each_format_is_kept_apart(make_app, monkeypatch):
    app = make_app()
    client = app.test_client()
    asked = {
        fmt: client.get("/sparql", query_string={"query": LABEL, "format": fmt}).get_data()
        for fmt in ("json", "csv", "xml")
    }
    refuse_workers(app, monkeypatch)
    assert (
        client.get("/sparql", query_string={"query": LABEL}, headers={"Accept": "text/csv"}).get_data()
        == asked["csv"]
        == b"label\r\nPhuket\r\n"
    )
    assert client.get("/sparql", query_string={"query": LABEL, "format": "xml"}).get_data() == asked["xml"]
    assert client.get("/sparql", query_string={"query": LABEL, "format": "json"}).json["head"] == {"vars": ["label"]}


def test_an_answer_cut_at_the_row_limit_keeps_saying_so(make_app, monkeypatch):
    app = make_app(SPARQL_ROW_LIMIT=3)
    client = app.test_client()
    first = client.get("/sparql", query_string={"query": CITIES})
    refuse_workers(app, monkeypatch)
    kept = client.get("/sparql", query_string={"query": CITIES})
    assert kept.get_data() == first.get_data()
    assert len(kept.json["results"]["bindings"]) == 3
    assert kept.json["ascn:completeness"] == {"complete": False, "rows": 3, "limit": 3, "reason": "row-limit"}
    assert (
        kept.headers["X-ASCN-Complete"],
        kept.headers["X-ASCN-Reason"],
        kept.headers["X-ASCN-Rows"],
        kept.headers["X-ASCN-Row-Limit"],
    ) == ("false", "row-limit", "3", "3")


def test_a_refusal_is_not_kept(make_app):
    client = make_app().test_client()
    for _ in range(2):
        r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
        assert r.status_code == 400 and "malformed query" in r.get_data(as_text=True)
        assert "ETag" not in r.headers


def test_etag_and_304_on_get(make_app):
    client = make_app().test_client()
    first = client.get("/sparql", query_string={"query": LABEL})
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    unchanged = client.get("/sparql", query_string={"query": LABEL}, headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == tag
    other_format = client.get("/sparql", query_string={"query": LABEL, "format": "csv"}, headers={"If-None-Match": tag})
    assert other_format.status_code == 200 and other_format.headers["ETag"] != tag


def test_a_write_is_seen_at_once_by_queries_validators_and_pages(make_app):
    app = make_app()
    client = app.test_client()
    assert count(client) == 0
    before = client.get("/sparql", query_string={"query": COUNT_DATA1}).headers["ETag"]
    page_tag = client.get("/").headers["ETag"]
    api_tag = client.get("/api/queries/cities_of_country", query_string={"country": "TH"}).headers["ETag"]
    with app.app_context():
        dataset.load(get_store(), PROTOCOL_GRAPHS[0])  # what `ascn load` and an accepted proposal do
    assert count(client) == 4  # the four triples of data1.ttl
    stale = client.get("/sparql", query_string={"query": COUNT_DATA1}, headers={"If-None-Match": before})
    assert stale.status_code == 200 and stale.headers["ETag"] != before
    assert client.get("/", headers={"If-None-Match": page_tag}).status_code == 200
    assert (
        client.get(
            "/api/queries/cities_of_country", query_string={"country": "TH"}, headers={"If-None-Match": api_tag}
        ).status_code
        == 200
    )
    with app.app_context():
        dataset.unload(get_store(), "data1")
    assert count(client) == 0
    with app.app_context():
        dataset.build(get_store())
    assert count(client) == 0


def test_a_download_is_written_once_revalidated_ranged_gzipped_and_renewed_by_a_write(make_app, monkeypatch):
    """A researcher's mirror script: `curl -z`/`If-None-Match` gets 304 while the graph is unchanged, a broken
    transfer resumes with Range, `--compressed` gets the same file gzipped; the server writes each file once."""
    app = make_app()
    client = app.test_client()
    first = client.get("/download/ascn-kg.nt", buffered=True)
    zipped = client.get("/download/ascn-kg.nt", buffered=True, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in first.headers
    assert gzip.decompress(zipped.data) == first.data and len(zipped.data) < len(first.data) / 5
    assert first.headers["ETag"] != zipped.headers["ETag"]
    assert first.headers["Vary"] == "Accept-Encoding" and first.headers["Cache-Control"] == "no-cache, public"
    with app.app_context():
        store = get_store()
    monkeypatch.setattr(store, "export", lambda fmt: pytest.fail(f"the {fmt} dump was written again"))
    assert client.get("/download/ascn-kg.nt", buffered=True).data == first.data
    tag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/download/ascn-kg.nt", buffered=True, headers={"If-None-Match": tag}).status_code == 304
    assert client.get("/download/ascn-kg.nt", buffered=True, headers={"If-Modified-Since": modified}).status_code == 304
    part = client.get("/download/ascn-kg.nt", buffered=True, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == first.data[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(first.data)}"
    for other in ("items=0-5", "bytes=0-9,20-29", "bytes=9-0"):  # each was a 416 (RFC 9110 14.2: to be ignored)
        whole = client.get("/download/ascn-kg.nt", buffered=True, headers={"Range": other})
        assert (whole.status_code, whole.data) == (200, first.data), other
    for unsatisfiable in (f"bytes={len(first.data)}-", "bytes=-0", "bytes=-000"):  # -0 was the whole file, a 200
        refused = client.get("/download/ascn-kg.nt", headers={"Range": unsatisfiable})  # (RFC 9110 14.1.1: no bytes)
        assert (refused.status_code, refused.headers["Content-Range"]) == (416, f"bytes */{len(first.data)}")
    for suffix in (len(first.data) + 1, 10**30):  # a suffix longer than the file asks for all of it (RFC 9110 14.1.1)
        whole = client.get("/download/ascn-kg.nt", buffered=True, headers={"Range": f"bytes=-{suffix}"})
        assert (whole.status_code, whole.data) == (200, first.data), suffix
    last = client.get("/download/ascn-kg.nt", buffered=True, headers={"Range": "bytes=-10"})
    assert (last.status_code, last.data) == (206, first.data[-10:])
    failed = client.get("/download/ascn-kg.nt", buffered=True, headers={"If-Match": '"another"'})
    assert failed.status_code == 412 and first.data[:200] not in failed.data  # was a 412 carrying the whole file
    monkeypatch.undo()
    with app.app_context():
        dataset.load(get_store(), PROTOCOL_GRAPHS[0])
    renewed = client.get("/download/ascn-kg.nt", buffered=True, headers={"If-None-Match": tag})
    assert renewed.status_code == 200 and renewed.headers["ETag"] != tag
    assert len(renewed.data.splitlines()) == len(first.data.splitlines()) + 4  # the four triples of data1.ttl


def test_query_api_and_pages_answer_304(make_app):
    client = make_app().test_client()
    r = client.get("/api/queries/cities_of_country", query_string={"country": "TH"})
    assert r.status_code == 200
    again = client.get(
        "/api/queries/cities_of_country", query_string={"country": "TH"}, headers={"If-None-Match": r.headers["ETag"]}
    )
    assert again.status_code == 304
    star = {"If-None-Match": "*"}
    assert client.get("/api/queries/cities_of_country", query_string={"country": "TH"}, headers=star).status_code == 304
    for path in (
        "/",
        "/id/city/phuket",
        "/ontology",
        "/query",
        "/projects?focus=safety_security",
    ):  # /data: test_warmup.py
        page = client.get(path)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "public, no-cache", path
        assert client.get(path, headers={"If-None-Match": page.headers["ETag"]}).status_code == 304, path
        head = client.head(path)  # the GET's validator: a client that asked with HEAD revalidates with it
        assert head.status_code == 200 and head.headers["ETag"] == page.headers["ETag"], path
        assert client.head(path, headers={"If-None-Match": head.headers["ETag"]}).status_code == 304, path
        any_tag = client.get(path, headers=star)  # any representation: this one is there
        assert (any_tag.status_code, any_tag.headers["ETag"]) == (304, page.headers["ETag"]), path
    turtle = client.get("/id/city/phuket", headers={"Accept": "text/turtle"})
    html_tag = client.get("/id/city/phuket").headers["ETag"]
    assert turtle.headers["ETag"] != html_tag  # one validator per representation
    missing = client.get("/id/city/nowhere")
    assert missing.status_code == 404 and "ETag" not in missing.headers
    assert client.get("/id/city/nowhere", headers=star).status_code == 404  # no representation: '*' holds none


def test_memory_stays_within_the_budget(make_app):
    app = make_app(ANSWER_CACHE_BYTES=40_000)
    client = app.test_client()
    cache = app.extensions["ascn-answer-cache"]
    for year in range(1900, 1960):
        r = client.get("/sparql", query_string={"query": f"SELECT ?y {{ BIND({year} AS ?y) }}"})
        assert r.status_code == 200
        assert cache.size <= 40_000
    assert 0 < len(cache) < 60
    big = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 2000"})
    assert big.status_code == 200 and len(big.get_data()) > 10_000
    assert cache.size <= 40_000


def test_lru_drops_the_least_recently_used():
    from graph.pool import Reply

    cache = AnswerCache(6000)
    reply = Reply("results", "text/csv", b"x" * 1000, 1, True, 10)
    for key in ("a", "b", "c", "d"):
        cache.put("v", key, reply)
    assert len(cache) == 4
    cache.get("v", "a")
    cache.put("v", "e", reply)
    assert cache.get("v", "b") is None and cache.get("v", "a") is reply and cache.size <= 6000


def test_no_cache_keeps_nothing_but_answers(make_app):
    app = make_app(ANSWER_CACHE_BYTES=0)
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": LABEL}).status_code == 200
    assert len(app.extensions["ascn-answer-cache"]) == 0


@pytest.mark.parametrize("value", [-1, "lots", 1.5])
def test_a_malformed_budget_is_refused(make_app, value):
    with pytest.raises(InputError) as caught:
        make_app(ANSWER_CACHE_BYTES=value)
    assert str(caught.value) == (
        f"field 'ASCN_ANSWER_CACHE_BYTES': expected a whole number of bytes (0 keeps nothing), got {value!r}"
    )


def test_workers_read_the_new_content_after_a_write(make_app):
    """The workers' read-only handles are renewed: the answer comes from a worker that sees the load."""
    app = make_app(ANSWER_CACHE_BYTES=0)
    client = app.test_client()
    assert count(client) == 0
    with app.app_context():
        old = get_pool().pids()
        dataset.load(get_store(), PROTOCOL_GRAPHS[0])
    assert count(client) == 4  # the four triples of data1.ttl
    with app.app_context():
        assert not set(old) & set(get_pool().pids())


def test_nothing_opens_the_store_beside_a_serving_app(make_app):
    """No process but the app's writes its store: the lock refuses a second handle (an `ascn load` beside
    `ascn serve` hands its work to the server instead, test_cli_beside_server.py), so no write bypasses the
    app's version."""
    app = make_app()
    from graph.backends import open_store
    from webapp.store import settings_from_config

    with pytest.raises(StoreError, match="in use by another process"):
        open_store(settings_from_config(app.config))


def test_a_kept_page_is_sent_again_without_being_made_and_a_write_drops_it(make_app, monkeypatch):
    app = make_app()
    client = app.test_client()
    first = client.get("/id/city/phuket")
    assert first.status_code == 200 and b"Phuket" in first.get_data()
    from webapp import pages

    def refuse(*args, **kwargs):
        pytest.fail("the page was made again")

    monkeypatch.setattr(pages, "render_template", refuse)
    again = client.get("/id/city/phuket")
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"] == "text/html; charset=utf-8"
    assert again.headers["Link"] == first.headers["Link"]
    with app.app_context():
        dataset.load(get_store(), PROTOCOL_GRAPHS[0])
    with pytest.raises(pytest.fail.Exception, match="made again"):
        client.get("/id/city/phuket")


def test_a_write_removes_the_kept_downloads_of_the_earlier_graph(make_app):
    """A kept download of an older graph stayed in derived/ until the next download of its own format."""
    app = make_app()
    client = app.test_client()
    derived = Path(app.config["DATA_DIR"]) / "derived"
    for path in ("/download/ascn-kg.ttl", "/download/ascn-kg.trig"):
        for encoding in ("identity", "gzip"):
            assert client.get(path, buffered=True, headers={"Accept-Encoding": encoding}).status_code == 200
    assert len(list(derived.glob("dump_*"))) == 4
    with app.app_context():
        dataset.load(get_store(), PROTOCOL_GRAPHS[0])
    assert count(client) == 4  # the server notices the write with its next query
    assert list(derived.glob("dump_*")) == []
    assert client.get("/download/ascn-kg.nt", buffered=True).status_code == 200
    assert [p.name.split("-")[0] for p in derived.glob("dump_*")] == ["dump_ntriples"]


def test_a_download_written_after_a_write_made_without_the_server_removes_the_earlier_ones(make_app, tmp_path):
    """A write while no server ran (ascn load alone): the next start, and the next download, drop what is stale."""
    app = make_app()
    client = app.test_client()
    assert client.get("/download/ascn-kg.ttl", buffered=True).status_code == 200
    data_dir = Path(app.config["DATA_DIR"])
    stale = data_dir / "derived" / "dump_turtle-0123456789abcdef0123456789abcdef.dump"
    stale.write_bytes(b"an older graph")
    assert client.get("/download/ascn-kg.nt", buffered=True).status_code == 200
    assert not stale.exists()
    stale.write_bytes(b"an older graph")
    from webapp.store import close_app

    close_app(app)
    make_app(DATA_DIR=str(data_dir))
    assert not stale.exists()
