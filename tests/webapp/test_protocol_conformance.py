"""The query side of the W3C SPARQL 1.1 Protocol test suite, run against a real ``ascn serve``.

Cases from https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest (w3c/rdf-tests,
sparql/sparql11/protocol/manifest.ttl), sent as raw HTTP so headers and bodies are exactly the suite's.
The suite's dataset graphs ``http://kasei.us/2009/09/sparql/data/dataN.rdf`` are the user graphs
``https://w3id.org/ascn/graph/user/dataN`` here (tests/webapp/data/dataN.ttl, loaded with ``dataset.load``).

Update cases: this endpoint is read-only by design, so the suite's positive update cases
(update_post_form, update_dataset_*, update_base_uri ...) are out of scope; its negative update cases must
still be refused with a 4xx, and are checked below.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from dataclasses import dataclass, field

import pytest

BOOLEAN_TYPES = ("application/sparql-results+xml", "application/sparql-results+json")
SELECT_TYPES = BOOLEAN_TYPES + ("text/tab-separated-values", "text/csv")
GRAPH_TYPES = ("application/rdf+xml", "text/turtle", "application/n-triples", "text/html", "application/ld+json")


def data(n: int) -> str:
    return f"https://w3id.org/ascn/graph/user/data{n}"


@dataclass(frozen=True)
class Case:
    method: str
    params: list = field(default_factory=list)
    body: bytes | None = None
    content_type: str | None = None
    status: int | tuple = 200
    media_types: tuple = ()
    boolean: bool | None = None


def form(*pairs) -> bytes:
    return urllib.parse.urlencode(list(pairs)).encode()


ASK_TWO_DEFAULT = f"ASK {{ <{data(1)}> a ?type . <{data(2)}> a ?type . }}"
ASK_TWO_NAMED = f"ASK {{ GRAPH ?g1 {{ <{data(1)}> a ?type }} GRAPH ?g2 {{ <{data(2)}> a ?type }} }}"
FULL = f"""ASK {{
  <{data(3)}> a ?type
  GRAPH ?g1 {{ <{data(1)}> a ?type }}
  GRAPH ?g2 {{ <{data(2)}> a ?type }}
}}"""
DATA0 = ("default-graph-uri", "http://kasei.us/2009/09/sparql/data/data0.rdf")

CASES = {
    # -- positive query cases ------------------------------------------------------------------
    "query_post_form": Case(
        "POST",
        [DATA0],
        form(("query", "ASK {}")),
        "application/x-www-form-urlencoded",
        media_types=BOOLEAN_TYPES,
        boolean=True,
    ),
    "query_get": Case("GET", [("query", "ASK {}"), DATA0], media_types=BOOLEAN_TYPES, boolean=True),
    "query_post_direct": Case(
        "POST", [DATA0], b"ASK {}", "application/sparql-query", media_types=BOOLEAN_TYPES, boolean=True
    ),
    "query_dataset_default_graph": Case(
        "POST",
        [],
        form(("query", f"ASK {{ <{data(1)}> ?p ?o }}"), ("default-graph-uri", data(1))),
        "application/x-www-form-urlencoded",
        media_types=BOOLEAN_TYPES,
        boolean=True,
    ),
    "query_dataset_default_graphs_get": Case(
        "GET",
        [("query", ASK_TWO_DEFAULT), ("default-graph-uri", data(1)), ("default-graph-uri", data(2))],
        media_types=BOOLEAN_TYPES,
        boolean=True,
    ),
    "query_dataset_default_graphs_post": Case(
        "POST",
        [("default-graph-uri", data(1)), ("default-graph-uri", data(2))],
        ASK_TWO_DEFAULT.encode(),
        "application/sparql-query",
        media_types=BOOLEAN_TYPES,
        boolean=True,
    ),
    "query_dataset_named_graphs_post": Case(
        "POST",
        [("named-graph-uri", data(1)), ("named-graph-uri", data(2))],
        ASK_TWO_NAMED.encode(),
        "application/sparql-query",
        media_types=BOOLEAN_TYPES,
        boolean=True,
    ),
    "query_dataset_named_graphs_get": Case(
        "GET",
        [("query", ASK_TWO_NAMED), ("named-graph-uri", data(1)), ("named-graph-uri", data(2))],
        media_types=BOOLEAN_TYPES,
        boolean=True,
    ),
    "query_dataset_full": Case(
        "POST",
        [("default-graph-uri", data(3)), ("named-graph-uri", data(1)), ("named-graph-uri", data(2))],
        FULL.encode(),
        "application/sparql-query",
        media_types=BOOLEAN_TYPES,
        boolean=True,
    ),
    "query_multiple_dataset": Case(
        "POST",
        [],
        form(
            ("query", f"ASK FROM <{data(3)}> {ASK_TWO_NAMED.removeprefix('ASK ')}"),
            ("named-graph-uri", data(1)),
            ("named-graph-uri", data(2)),
        ),
        "application/x-www-form-urlencoded",
        media_types=BOOLEAN_TYPES,
        boolean=True,
    ),
    "query_content_type_select": Case(
        "POST",
        [],
        form(("query", "SELECT (1 AS ?value) {}"), DATA0),
        "application/x-www-form-urlencoded",
        media_types=SELECT_TYPES,
    ),
    "query_content_type_ask": Case(
        "POST", [], form(("query", "ASK {}"), DATA0), "application/x-www-form-urlencoded", media_types=BOOLEAN_TYPES
    ),
    "query_content_type_describe": Case(
        "POST",
        [],
        form(("query", "DESCRIBE <http://example.org/>"), DATA0),
        "application/x-www-form-urlencoded",
        media_types=GRAPH_TYPES,
    ),
    "query_content_type_construct": Case(
        "POST",
        [],
        form(("query", "CONSTRUCT { <s> <p> 1 } WHERE {}"), DATA0),
        "application/x-www-form-urlencoded",
        media_types=GRAPH_TYPES,
    ),
    # -- negative query cases ------------------------------------------------------------------
    "bad_query_method": Case("PUT", [("query", "ASK {}")], status=(400, 499)),
    "bad_multiple_queries": Case("GET", [("query", "ASK {}"), ("query", "SELECT * {}")], status=(400, 499)),
    "bad_query_wrong_media_type": Case("POST", [], b"ASK {}", "text/plain", status=(400, 499)),
    "bad_query_missing_form_type": Case("POST", [], b"query=ASK%20%7B%7D", None, status=(400, 499)),
    "bad_query_missing_direct_type": Case("POST", [], b"ASK {}", None, status=(400, 499)),
    "bad_query_non_utf8": Case(
        "POST", [], "ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16", status=(400, 499)
    ),
    "bad_query_syntax": Case("GET", [("query", "ASK {")], status=(400, 499)),
    # -- negative update cases: refused on a read-only endpoint ----------------------------------
    "bad_update_get": Case("GET", [("update", "CLEAR ALL")], status=(400, 499)),
    "bad_multiple_updates": Case(
        "POST",
        [],
        form(("update", "CLEAR NAMED"), ("update", "CLEAR DEFAULT")),
        "application/x-www-form-urlencoded",
        status=(400, 499),
    ),
    "bad_update_wrong_media_type": Case("POST", [], b"CLEAR NAMED", "text/plain", status=(400, 499)),
    "bad_update_missing_form_type": Case("POST", [], b"update=CLEAR%20NAMED", None, status=(400, 499)),
    "bad_update_non_utf8": Case(
        "POST", [], "CLEAR NAMED".encode("utf-16"), "application/sparql-update; charset=UTF-16", status=(400, 499)
    ),
    "bad_update_syntax": Case(
        "POST", [], form(("update", "CLEAR XYZ")), "application/x-www-form-urlencoded", status=(400, 499)
    ),
    "bad_update_dataset_conflict": Case(
        "POST",
        [],
        form(
            ("using-named-graph-uri", "http://example/people"),
            ("update", "WITH <http://example/addresses> DELETE { ?p <http://x/n> 'Bill' } WHERE { ?p ?q ?r }"),
        ),
        "application/x-www-form-urlencoded",
        status=(400, 499),
    ),
}


def send(url: str, case: Case) -> tuple[int, str, str]:
    """(status, media type, body) of the case's request, sent exactly as given."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + ("?" + urllib.parse.urlencode(case.params) if case.params else "")
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    try:
        connection.request(case.method, path, body=case.body, headers=headers)
        response = connection.getresponse()
        media_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return response.status, media_type, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def boolean_of(media_type: str, body: str) -> bool:
    if media_type == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    assert "<boolean>" in body, body
    return "<boolean>true</boolean>" in body


@pytest.mark.parametrize("name", list(CASES))
def test_w3c_protocol_case_passes(ascn_server, name):
    case = CASES[name]
    status, media_type, body = send(ascn_server.url, case)
    if isinstance(case.status, tuple):
        assert case.status[0] <= status <= case.status[1], (status, body)
        return
    assert 200 <= status < 400, (status, body)
    assert media_type in case.media_types
    if case.boolean is not None:
        assert boolean_of(media_type, body) is case.boolean


def test_every_query_side_case_of_the_manifest_is_encoded():
    manifest_query_cases = {
        "query_post_form",
        "query_dataset_default_graphs_get",
        "query_dataset_default_graphs_post",
        "query_dataset_named_graphs_post",
        "query_dataset_named_graphs_get",
        "query_dataset_full",
        "query_multiple_dataset",
        "query_get",
        "query_content_type_select",
        "query_content_type_ask",
        "query_content_type_describe",
        "query_content_type_construct",
        "query_post_direct",
        "bad_query_method",
        "bad_multiple_queries",
        "bad_query_wrong_media_type",
        "bad_query_missing_form_type",
        "bad_query_missing_direct_type",
        "bad_query_non_utf8",
        "bad_query_syntax",
    }
    assert manifest_query_cases <= set(CASES)


def test_dataset_cases_would_fail_without_the_protocol_dataset(ascn_server):
    """Guards the positive dataset cases against passing vacuously: with only data1 as default graph,
    the two-graph ASK is false."""
    case = Case("GET", [("query", ASK_TWO_DEFAULT), ("default-graph-uri", data(1))])
    status, media_type, body = send(ascn_server.url, case)
    assert status == 200 and boolean_of(media_type, body) is False
