"""A real ``ascn serve`` process on 127.0.0.1, queried by real clients: SPARQLWrapper and curl.

The server (session fixture ``ascn_server``) has 2 query workers and a 2 s time limit.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, SPARQLWrapper

from tests.conftest import BOUND, CpuWatch
from tests.reliability.conftest import query_workers

PHUKET = "https://w3id.org/ascn/id/city/phuket"
LABEL_QUERY = f"SELECT ?label WHERE {{ <{PHUKET}> <{RDFS.label}> ?label }}"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
GRAPH = "https://w3id.org/ascn/graph/"


def wrapper(url: str, query: str, fmt=JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def curl(*args: str) -> str:
    """curl's output, bytes decoded as they came (CRLF kept)."""
    return subprocess.run(
        ["curl", "--silent", "--show-error", "--max-time", "20", *args], capture_output=True, check=True
    ).stdout.decode("utf-8")


def get(url: str, query: str, timeout: float = 20):
    """(status, headers (case-insensitive), body) of a GET query."""
    try:
        with urllib.request.urlopen(f"{url}?{urllib.parse.urlencode({'query': query})}", timeout=timeout) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


def test_sparqlwrapper_get_json_gives_phuket(ascn_server):
    result = wrapper(ascn_server.url, LABEL_QUERY).queryAndConvert()
    assert result["results"]["bindings"] == [{"label": {"type": "literal", "value": "Phuket", "xml:lang": "en"}}]
    assert result["ascn:completeness"] == {"complete": True, "rows": 1, "limit": 10000}


def test_sparqlwrapper_post_csv_gives_phuket(ascn_server):
    client = wrapper(ascn_server.url, LABEL_QUERY, CSV)
    client.setMethod(POST)
    assert client.queryAndConvert() == b"label\r\nPhuket\r\n"


def test_sparqlwrapper_construct_turtle_gives_the_label_triple(ascn_server):
    query = f"CONSTRUCT {{ <{PHUKET}> <{RDFS.label}> ?l }} WHERE {{ <{PHUKET}> <{RDFS.label}> ?l }}"
    from rdflib import Graph

    graph = Graph().parse(data=wrapper(ascn_server.url, query, TURTLE).queryAndConvert(), format="turtle")
    assert set(graph) == {(URIRef(PHUKET), RDFS.label, Literal("Phuket", lang="en"))}


def test_sparqlwrapper_tsv_gives_phuket(ascn_server):
    """SPARQLWrapper asks for TSV with ``format=tsv&format=text/tab-separated-values``: one format, named twice."""
    assert wrapper(ascn_server.url, LABEL_QUERY, TSV).queryAndConvert() == b'?label\n"Phuket"@en\n'


@pytest.mark.parametrize("fmt", [RDFXML, JSONLD, N3])
def test_sparqlwrapper_construct_rdfxml_jsonld_and_n3_give_the_label_triple(ascn_server, fmt):
    """N3 is answered in Turtle, which is N3; SPARQLWrapper hands N3 over as text to parse."""
    from rdflib import Graph

    query = f"CONSTRUCT {{ <{PHUKET}> <{RDFS.label}> ?l }} WHERE {{ <{PHUKET}> <{RDFS.label}> ?l }}"
    graph = wrapper(ascn_server.url, query, fmt).queryAndConvert()
    if fmt == N3:
        graph = Graph().parse(data=graph, format="n3")
    assert set(graph) == {(URIRef(PHUKET), RDFS.label, Literal("Phuket", lang="en"))}


def test_sparqlwrapper_default_and_named_graphs(ascn_server):
    client = wrapper(ascn_server.url, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    client.addDefaultGraph(GRAPH + "bundled/countries")
    assert client.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "80"
    client = wrapper(ascn_server.url, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    client.addNamedGraph(GRAPH + "user/data1")
    client.addNamedGraph(GRAPH + "user/data2")
    graphs = {b["g"]["value"] for b in client.queryAndConvert()["results"]["bindings"]}
    assert graphs == {GRAPH + "user/data1", GRAPH + "user/data2"}


def test_curl_get_csv_is_exact_and_carries_the_completeness_headers(ascn_server):
    out = curl(
        "--include", "--get", "--data-urlencode", f"query={LABEL_QUERY}", "-H", "Accept: text/csv", ascn_server.url
    )
    head, _, body = out.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 200")
    headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in head.splitlines()[1:]}
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert (headers["x-ascn-complete"], headers["x-ascn-rows"], headers["x-ascn-timeout"]) == ("true", "1", "2")
    assert headers["access-control-allow-origin"] == "*"
    assert headers["server"] == "ascn"
    assert body == "label\r\nPhuket\r\n"


def test_curl_post_direct_and_service_description(ascn_server):
    out = curl(
        "--data-binary",
        LABEL_QUERY,
        "-H",
        "Content-Type: application/sparql-query",
        "-H",
        "Accept: text/tab-separated-values",
        ascn_server.url,
    )
    assert out == '?label\n"Phuket"@en\n'
    described = curl("-H", "Accept: text/turtle", ascn_server.url)
    assert f"sd:endpoint <{ascn_server.url}>" in described


def test_curl_update_and_service_are_refused(ascn_server):
    code = ["--output", "/dev/null", "--write-out", "%{http_code}"]
    assert curl(*code, "--data-urlencode", "update=DROP ALL", ascn_server.url) == "403"
    service = "query=SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert curl(*code, "--data-urlencode", service, ascn_server.url) == "400"
    assert curl(*code, "-X", "PUT", ascn_server.url) == "405"


def test_timeout_stops_a_runaway_query_while_a_simple_one_is_answered(ascn_server):
    slow: dict = {}

    def run_slow():
        started = time.monotonic()
        slow["status"], slow["headers"], slow["body"] = get(ascn_server.url, CROSS_PRODUCT)
        slow["seconds"] = time.monotonic() - started

    watch = CpuWatch(query_workers(ascn_server.process.pid))
    thread = threading.Thread(target=run_slow)
    thread.start()
    watch.wait_busy("a worker started the runaway query")
    status, _, body = get(ascn_server.url, LABEL_QUERY)
    still_running = thread.is_alive()
    thread.join(timeout=BOUND)
    assert status == 200 and '"Phuket"' in body and still_running  # answered while the runaway ran
    assert slow["status"] == 503 and slow["seconds"] >= 2.0  # it ran to its limit
    assert (slow["headers"]["X-ASCN-Complete"], slow["headers"]["X-ASCN-Reason"]) == ("false", "timeout")
    # the killed worker was replaced: both workers answer again, several times over
    results = [get(ascn_server.url, LABEL_QUERY)[0] for _ in range(6)]
    assert results == [200] * 6
    assert ascn_server.process.poll() is None
    log = ascn_server.log.read_text()
    assert "stopped after" in log and "(time limit)" in log and "starting a replacement" in log


def test_a_large_answer_arrives_whole_and_the_kept_alive_connection_answers_on(ascn_server):
    """A 3 MB answer read late, then a second request on the same connection: the request threads send their
    answers while waitress's main loop stays off the connection (``webapp.serve``), and nothing is lost or held."""
    import http.client
    import json

    url = urllib.parse.urlsplit(ascn_server.url)
    conn = http.client.HTTPConnection(url.netloc, timeout=20)
    conn.request(
        "POST",
        url.path,
        body="SELECT ?s ?p ?o ?x { ?s ?p ?o VALUES ?x { 1 2 } }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    time.sleep(0.3)
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200 and len(body) > 3_000_000
    assert len(json.loads(body)["results"]["bindings"]) == 10_000
    conn.request("GET", f"{url.path}?{urllib.parse.urlencode({'query': LABEL_QUERY})}")
    again = conn.getresponse()
    assert again.status == 200 and b'"Phuket"' in again.read()
    conn.close()


def test_log_names_each_query_with_its_rows_and_time(ascn_server):
    get(ascn_server.url, LABEL_QUERY.replace(" WHERE", " # logged\nWHERE"))
    lines = [line for line in ascn_server.log.read_text().splitlines() if "# logged" in line]
    assert len(lines) == 1 and "1 row in" in lines[0] and " s" in lines[0]


FORWARDED = ["-H", "X-Forwarded-Proto: https", "-H", "X-Forwarded-Host: kg.example.org", "-H", "Accept: text/turtle"]


def test_forwarded_headers_count_only_from_the_trusted_proxy(tmp_path, bundled_graphs):
    from tests.conftest import running_ascn, store_copy

    settings = store_copy(tmp_path / "data", bundled_graphs)
    with running_ascn(settings.data_dir, "--trusted-proxy", "127.0.0.1") as server:
        assert "sd:endpoint <https://kg.example.org/sparql>" in curl(*FORWARDED, server.url)


def test_forwarded_headers_from_anyone_else_are_ignored(ascn_server):
    assert f"sd:endpoint <{ascn_server.url}>" in curl(*FORWARDED, ascn_server.url)


def test_a_misspelled_query_form_is_reported_where_it_stands(ascn_server):
    def refusal(query: str) -> str:
        return curl("--get", "--data-urlencode", f"query={query}", ascn_server.url)

    # the parser itself points at the end of the text ("expected CONSTRUCT (line 1, column 10)")
    assert refusal("SELEC * {}") == (
        "malformed query: syntax error: expected SELECT, CONSTRUCT, ASK or DESCRIBE, found 'SELEC' (line 1, column 1)\n"
    )
    prologue = "PREFIX ascn: <https://w3id.org/ascn/ontology#>\nBASE <http://example.org/>\n"
    assert refusal(prologue + "SELCT ?c { ?c a ascn:City }").endswith("found 'SELCT' (line 3, column 1)\n")


def test_a_body_over_the_limit_is_refused_before_it_is_sent(ascn_server):
    """A declared body far over ``MAX_CONTENT_LENGTH`` (1 MiB) is a 413 at once: waitress took in up to 1 GiB (its
    own default) into a temporary file before the app refused it."""
    host, port = urllib.parse.urlsplit(ascn_server.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: %d\r\n\r\n" % (200 * 1024 * 1024)
        )
        answer = conn.recv(4096)  # the body is never sent: only a refusal can come back
    assert answer.startswith(b"HTTP/1.1 413 ")


def raw_get(url: str, target: bytes, accept: bytes = b"*/*") -> bytes:
    """The answer to a GET whose request target is sent as these bytes, unencoded as a careless client sends it."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(
            b"GET %s HTTP/1.1\r\nHost: localhost\r\nAccept: %s\r\nConnection: close\r\n\r\n" % (target, accept)
        )
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def test_raw_non_ascii_bytes_in_the_request_target_read_as_their_percent_encoding(ascn_server):
    """``/id/city/đà-nẵng`` sent as raw UTF-8 (not ``%C4%91…``, as a browser sends it) got waitress's bare "400 Bad
    URI"; it is answered as the percent-encoded request is: a 404 suggesting Da Nang, a search finding it, and bytes
    that are no UTF-8 read as U+FFFD."""
    site = ascn_server.url.removesuffix("/sparql")
    head, _, body = raw_get(site, "/id/city/đà-nẵng".encode(), b"text/plain").partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 ")
    assert body.decode() == (
        "404 Page not found: The graph has no entity at /id/city/đà-nẵng: entity paths are /id/<kind>/<id>, in "
        "letters, digits, '-', '_' and '.', at most 300 characters.\nDid you mean:\n  /id/city/da-nang  Da Nang\n"
    )
    head = raw_get(site, "/search?q=Đà-Nẵng".encode()).partition(b"\r\n\r\n")[0]
    assert head.startswith(b"HTTP/1.1 302 ") and b"\r\nLocation: /id/city/da-nang\r\n" in head
    head, _, body = raw_get(site, b"/id/city/\xff\xfe", b"text/plain").partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 ") and "/id/city/\ufffd\ufffd:" in body.decode()
