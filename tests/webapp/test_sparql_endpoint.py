"""The /sparql endpoint through Flask's test client: protocol forms, formats, refusals and limits.

Answers are exact, on the bundled graph (the app fixture's own copy of the build).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import re
import threading
import time
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from tests.conftest import CpuWatch, store_copy

PHUKET = "https://w3id.org/ascn/id/city/phuket"
LABEL_QUERY = f"SELECT ?label WHERE {{ <{PHUKET}> <{RDFS.label}> ?label }}"
LABEL_GRAPH_QUERY = f"CONSTRUCT {{ <{PHUKET}> <{RDFS.label}> ?label }} WHERE {{ <{PHUKET}> <{RDFS.label}> ?label }}"
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TWICE_EVERY_TRIPLE = "SELECT ?s ?p ?o ?x { ?s ?p ?o VALUES ?x { 1 2 } }"
GRAPH = "https://w3id.org/ascn/graph/"
COMPLETE = {"complete": True, "rows": 1, "limit": 10000}
PHUKET_JSON = {
    "head": {"vars": ["label"]},
    "results": {"bindings": [{"label": {"type": "literal", "value": "Phuket", "xml:lang": "en"}}]},
    "ascn:completeness": COMPLETE,
}
PHUKET_XML = (
    '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    '<head><variable name="label"/></head><results>'
    '<result><binding name="label"><literal xml:lang="en">Phuket</literal></binding></result>'
    "</results></sparql>"
)
PHUKET_GRAPH = Graph().add((URIRef(PHUKET), RDFS.label, Literal("Phuket", lang="en")))


def csv_rows(response) -> list[str]:
    return response.get_data(as_text=True).splitlines()


# -- the three protocol forms ---------------------------------------------------------------------
def test_get_query_answers_phuket_label(client):
    r = client.get("/sparql", query_string={"query": LABEL_QUERY})
    assert r.status_code == 200
    assert r.mimetype == "application/sparql-results+json"
    assert r.json == PHUKET_JSON


def test_post_form_query_answers_phuket_label(client):
    r = client.post("/sparql", data={"query": LABEL_QUERY})
    assert r.status_code == 200
    assert r.json == PHUKET_JSON


def test_post_direct_query_answers_phuket_label(client):
    r = client.post("/sparql", data=LABEL_QUERY, content_type="application/sparql-query")
    assert r.status_code == 200
    assert r.json == PHUKET_JSON


def test_a_direct_query_saved_with_a_byte_order_mark_is_answered_as_ascn_query_reads_it(client):
    """An editor's byte-order mark before a query file's text (curl --data-binary @q.rq) was a 400, "found '\ufeff'
    (line 1, column 1)", where `ascn query q.rq` drops it."""
    r = client.post("/sparql", data=codecs.BOM_UTF8 + LABEL_QUERY.encode(), content_type="application/sparql-query")
    assert (r.status_code, r.json) == (200, PHUKET_JSON)


# -- result formats -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "accept, media_type, body",
    [
        ("application/sparql-results+xml", "application/sparql-results+xml", PHUKET_XML),
        ("text/csv", "text/csv", "label\r\nPhuket\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", '?label\n"Phuket"@en\n'),
    ],
)
def test_select_formats_by_accept_are_exact(client, accept, media_type, body):
    r = client.get("/sparql", query_string={"query": LABEL_QUERY}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.mimetype == media_type
    assert r.get_data(as_text=True) == body


@pytest.mark.parametrize(
    "fmt, media_type",
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_format_parameter_overrides_a_browser_accept_header(client, fmt, media_type):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/sparql", query_string={"query": LABEL_QUERY, "format": fmt}, headers={"Accept": browser})
    assert r.mimetype == media_type


@pytest.mark.parametrize(
    "accept, media_type",
    [
        ("application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
        ("text/csv; charset=UTF-8", "text/csv"),
        ("text/csv; charset=utf-8; q=0.2, application/sparql-results+xml; q=0.5", "application/sparql-results+xml"),
    ],
)
def test_an_accept_asking_for_utf_8_is_met(client, accept, media_type):
    """Every answer is UTF-8: a range with charset=utf-8 (which werkzeug matches only with the same parameter) is
    the format itself, not a 406."""
    r = client.get("/sparql", query_string={"query": LABEL_QUERY}, headers={"Accept": accept})
    assert (r.status_code, r.mimetype) == (200, media_type)


def test_an_accept_asking_for_another_charset_is_406(client):
    r = client.get("/sparql", query_string={"query": LABEL_QUERY}, headers={"Accept": "text/csv; charset=iso-8859-1"})
    assert r.status_code == 406


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld-graphs"])
def test_a_format_no_answer_comes_in_is_400_listing_only_those_that_do(client, fmt):
    r = client.get("/sparql", query_string={"query": LABEL_GRAPH_QUERY, "format": fmt})
    assert r.status_code == 400
    assert r.get_data(as_text=True) == (
        f"parameter 'format': unknown format {fmt!r}; choose one of: csv, json, jsonld, ntriples, rdfxml, tsv, "
        "turtle, xml\n"
    )


@pytest.mark.parametrize(
    "accept, media_type, rdflib_format",
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_construct_formats_give_the_phuket_label_triple(client, accept, media_type, rdflib_format):
    r = client.get("/sparql", query_string={"query": LABEL_GRAPH_QUERY}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.mimetype == media_type
    assert isomorphic(Graph().parse(data=r.get_data(as_text=True), format=rdflib_format), PHUKET_GRAPH)


def test_ntriples_answer_is_the_exact_line(client):
    r = client.get("/sparql", query_string={"query": LABEL_GRAPH_QUERY, "format": "nt"})
    assert r.get_data(as_text=True) == f'<{PHUKET}> <{RDFS.label}> "Phuket"@en .\n'


def test_describe_defaults_to_turtle(client):
    r = client.get("/sparql", query_string={"query": f"DESCRIBE <{PHUKET}>"})
    assert r.mimetype == "text/turtle"
    described = Graph().parse(data=r.get_data(as_text=True), format="turtle")
    assert (URIRef(PHUKET), RDFS.label, Literal("Phuket", lang="en")) in described


def test_ask_answers_in_json_and_xml(client):
    ask = f'ASK {{ <{PHUKET}> <{RDFS.label}> "Phuket"@en }}'
    assert client.get("/sparql", query_string={"query": ask}).json["boolean"] is True
    xml = client.get("/sparql", query_string={"query": ask}, headers={"Accept": "application/sparql-results+xml"})
    assert "<boolean>true</boolean>" in xml.get_data(as_text=True)


def test_unacceptable_accept_is_406_only_when_nothing_fits(client):
    assert (
        client.get("/sparql", query_string={"query": LABEL_QUERY}, headers={"Accept": "image/png"}).status_code == 406
    )
    fallback = client.get("/sparql", query_string={"query": LABEL_QUERY}, headers={"Accept": "image/png, */*;q=0.1"})
    assert fallback.status_code == 200 and fallback.json == PHUKET_JSON


@pytest.mark.parametrize(
    "query, accept, media_type",
    [
        ("ASK {}", "application/sparql-results+json;q=0, */*", "application/sparql-results+xml"),
        (LABEL_QUERY, "text/csv;q=0, text/*", "text/tab-separated-values"),
        (LABEL_QUERY, "text/*;q=0.1, text/csv;q=0.9, */*;q=0.5", "text/csv"),
        (LABEL_QUERY, "*/*;q=0.1, application/*;q=0, text/tab-separated-values;q=0.2", "text/tab-separated-values"),
    ],
)
def test_a_type_refused_with_q_0_is_never_sent_though_a_wildcard_accepts(client, query, accept, media_type):
    """The most specific range that matches a type gives its quality (RFC 9110 12.5.1): werkzeug took the highest
    quality of any range, so ``application/sparql-results+json;q=0, */*`` was answered in the JSON the client had
    refused, and ``text/csv;q=0, text/*`` in CSV."""
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert (r.status_code, r.mimetype) == (200, media_type)
    refused = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/*;q=0, */*;q=0"})
    assert refused.status_code == 406


def test_plain_text_gets_tsv_for_a_table_and_a_406_listing_the_formats_for_a_boolean(client):
    """curl -H 'Accept: text/plain' was a 406 for every SELECT; TSV is plain text with every term written out."""
    r = client.get("/sparql", query_string={"query": LABEL_QUERY}, headers={"Accept": "text/plain"})
    assert (r.status_code, r.mimetype, r.get_data(as_text=True)) == (
        200,
        "text/tab-separated-values",
        '?label\n"Phuket"@en\n',
    )
    ask = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "text/plain"})
    assert (ask.status_code, ask.get_data(as_text=True), "Accept" in ask.vary) == (
        406,
        "no acceptable format for this answer; this endpoint can send: application/sparql-results+json, "
        "application/sparql-results+xml\n",
        True,
    )


@pytest.mark.parametrize(
    "query, fmt, message",
    [
        ("ASK {}", "csv", "parameter 'format': csv cannot carry a yes-or-no answer (ASK); choose one of: json, xml"),
        (
            LABEL_QUERY,
            "turtle",
            "parameter 'format': turtle cannot carry a table of results (SELECT); choose one of: json, xml, csv, tsv",
        ),
        (
            "DESCRIBE <https://w3id.org/ascn/id/city/da-nang>",
            "csv",
            "parameter 'format': csv cannot carry a graph (CONSTRUCT, DESCRIBE); "
            "choose one of: turtle, ntriples, jsonld, rdfxml",
        ),
    ],
)
def test_a_format_parameter_that_cannot_carry_the_answer_is_a_406_naming_it(client, query, fmt, message):
    """format=csv on an ASK said 'no acceptable format for this answer', as for an Accept header, and listed media
    types: it named neither the parameter that asked for it nor the names the parameter takes."""
    r = client.get("/sparql", query_string={"query": query, "format": fmt})
    assert (r.status_code, r.get_data(as_text=True)) == (406, message + "\n")


# -- the service description and CORS --------------------------------------------------------------
def test_head_without_query_is_answered_as_get_is(client):
    """HEAD /sparql was a 400 ('missing parameter 'query' (a POST must carry a query)') where GET gives the Service
    Description: HEAD must be answered as GET is, without the body (RFC 9110 9.3.2)."""
    get, head = client.get("/sparql"), client.head("/sparql")
    assert (head.status_code, head.mimetype, head.headers["Content-Length"]) == (200, "text/turtle", str(len(get.data)))
    assert head.data == b""
    wrong = client.get("/sparql", query_string={"format": "csv"})
    assert (wrong.status_code, wrong.get_data(as_text=True)) == (
        406,
        "parameter 'format': csv cannot carry the service description, a graph; "
        "choose one of: turtle, ntriples, jsonld, rdfxml\n",
    )


def test_get_without_query_returns_the_service_description(client, app):
    r = client.get("/sparql")
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    sd = Graph().parse(data=r.get_data(as_text=True), format="turtle")
    SD = "http://www.w3.org/ns/sparql-service-description#"
    service = URIRef("http://localhost/sparql")
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in sd
    assert (service, URIRef(SD + "feature"), URIRef(SD + "UnionDefaultGraph")) in sd
    names = {str(o) for o in sd.objects(None, URIRef(SD + "name"))}
    assert names == set(app.extensions["ascn"].store.graph_names())
    assert f"{GRAPH}bundled/cities" in names


def test_service_description_in_rdf_xml_on_request(client):
    r = client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert r.mimetype == "application/rdf+xml"
    assert len(Graph().parse(data=r.get_data(as_text=True), format="xml")) > 20


def test_any_origin_may_query(client):
    r = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-ASCN-Complete" in r.headers["Access-Control-Expose-Headers"]


def test_cors_preflight_allows_post_with_content_type(client):
    r = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Headers"] == "content-type"
    assert "Content-Type" not in r.headers and r.data == b""  # a 204 has no body, so no body's type


# -- read-only and no federation -------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": {"update": "DROP ALL"}},
        {"data": "DROP ALL", "content_type": "application/sparql-update"},
        {"data": {"query": "DROP ALL"}},
    ],
)
def test_updates_are_refused_and_change_nothing(client, kwargs):
    r = client.post("/sparql", **kwargs)
    assert r.status_code == 403
    assert "read-only" in r.get_data(as_text=True)
    assert client.get("/sparql", query_string={"query": LABEL_QUERY}).json == PHUKET_JSON


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE SILENT ?endpoint { ?s ?p ?o } }",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT * { ?s rdfs:label ?l . SERVICE <http://x.org/q> {} }",
        "PREFIX e: <http://x.org/> SELECT * { OPTIONAL { service e:sparql { ?s ?p ?o } } }",
    ],
)
def test_service_is_refused_unless_allowed(client, query):
    r = client.get("/sparql", query_string={"query": query})
    assert r.status_code == 400
    assert "SERVICE" in r.get_data(as_text=True) and "ASCN_SPARQL_ALLOWED_SERVICES" in r.get_data(as_text=True)


def test_the_word_service_in_a_string_or_comment_is_not_federation(client):
    query = 'SELECT ?x { BIND("SERVICE <http://x.org/q> {}" AS ?x) } # SERVICE <http://y.org/>'
    r = client.get("/sparql", query_string={"query": query, "format": "csv"})
    assert r.status_code == 200
    assert csv_rows(r) == ["x", "SERVICE <http://x.org/q> {}"]


def test_an_allowed_service_is_called(tmp_path, bundled_graphs, ascn_server):
    """An endpoint the operator allowed (here by its IP address) is called; see tests/reliability/test_ssrf.py
    for everything else."""
    from webapp import create_app
    from webapp.store import close_app

    settings = store_copy(tmp_path / "data", bundled_graphs)
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(settings.data_dir),
            "AUTO_BUILD": False,
            "SPARQL_ALLOWED_SERVICES": [ascn_server.url],
        }
    )
    try:
        query = f"SELECT ?label {{ SERVICE <{ascn_server.url}> {{ <{PHUKET}> <{RDFS.label}> ?label }} }}"
        r = app.test_client().get("/sparql", query_string={"query": query, "format": "csv"})
    finally:
        close_app(app)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert csv_rows(r) == ["label", "Phuket"]


# -- errors ----------------------------------------------------------------------------------------
def test_malformed_query_is_400_with_the_parser_position(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?x }"})
    assert r.status_code == 400
    assert r.get_data(as_text=True).startswith("malformed query: syntax error")
    assert "(line 3, column 9)" in r.get_data(as_text=True)  # on the "}", not past the end of the text


CITY = "<https://w3id.org/ascn/ontology#City>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def test_an_undeclared_prefix_in_an_expression_is_named_where_it_stands(client):
    """Oxigraph says "Prefix not found" only in a triple pattern: in a FILTER it said 'expected ENCODE_FOR_URI',
    past the function's call, and the editor showed that."""
    query = f"SELECT ?c WHERE {{\n  ?c a {CITY} ; ?p ?o .\n  FILTER(DATATYPE(?o) = xsd:integer)\n}}"
    r = client.get("/sparql", query_string={"query": query})
    assert (r.status_code, r.get_data(as_text=True)) == (
        400,
        "malformed query: unknown prefix 'xsd:'; declare it with PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
        "(line 3, column 25)\n",
    )


@pytest.mark.parametrize(
    "query, message",
    [
        (
            f"SELECT ?c WHERE {{\n  ?c a {CITY} ;\n     {LABEL} ?l .\n  FILTR(lang(?l) = 'en')\n}}\nLIMIT 10",
            "'FILTR' is no SPARQL keyword or function; did you mean FILTER? (line 4, column 3)",
        ),
        (
            f"SELECT ?c WHRE {{\n  ?c a {CITY} .\n}}",
            "'WHRE' is no SPARQL keyword or function; did you mean WHERE? (line 1, column 11)",
        ),
        (f"SELECT ?c WHERE {{\n  ?c a {CITY} ) .\n  ?c {LABEL} ?l .\n}}", "unexpected ')' (line 2, column 46)"),
        (
            f"SELECT ?c WHERE {{\n  ?c a {CITY} .\n  OPTIONAL {{ ?c {LABEL} ?l \n}}\nORDER BY ?c",
            "expected '}' before 'ORDER': a group is not closed (line 5, column 1)",
        ),
    ],
)
def test_a_misspelt_keyword_or_stray_token_is_reported_where_it_stands(client, query, message):
    """Oxigraph reported these past the mistake (FILTR inside its parentheses as 'expected OPTIONAL', the stray
    ')' a line later, the unclosed group at ORDER's variable); rdflib's parser stops on the token itself."""
    r = client.get("/sparql", query_string={"query": query})
    assert (r.status_code, r.get_data(as_text=True)) == (400, f"malformed query: syntax error: {message}\n")


@pytest.mark.parametrize(
    "query, message",
    [
        (
            "SELECT * { ?s ?p ?o } LIMIT 99999999999999999999999999",
            "the query limit should be a non negative integer (at most 18446744073709551615) (line 1, column 54)",
        ),
        ("SELECT ?c { ?c ?p ?o } GROUP BY ?p", "the SELECT contains a variable that is unbound (line 1, column 33)"),
        (
            "# a query\n# to come",
            "expected SELECT, CONSTRUCT, ASK or DESCRIBE; the text holds only comments and declarations",
        ),
    ],
)
def test_the_parsers_own_reason_is_told_in_words(client, query, message):
    """They read 'expected one of The query limit should be a non negative integer', 'expected one of "$", "(", ...,
    The SELECT contains a variable that is unbound' and 'expected [_] (line 1, column 1)'."""
    r = client.get("/sparql", query_string={"query": query})
    assert (r.status_code, r.get_data(as_text=True)) == (400, f"malformed query: syntax error: {message}\n")


def test_a_group_left_open_at_the_end_is_reported_at_the_last_token(client):
    """Where the text ends is where any parser finds a missing '}' out."""
    r = client.get("/sparql", query_string={"query": f"SELECT ?c WHERE {{\n  ?c a {CITY} .\n  ?c {LABEL} ?l"})
    assert r.status_code == 400 and r.get_data(as_text=True).endswith("(line 3, column 51)\n")  # on ?l


def test_error_column_on_the_first_line_counts_in_the_clients_text(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o . ?s ?x }"})
    assert "(line 1, column 35)" in r.get_data(as_text=True)  # not shifted by the BASE the endpoint adds


def test_relative_iris_resolve_against_the_fixed_base(client):
    r = client.get("/sparql", query_string={"query": "SELECT (<s> AS ?x) {}", "format": "csv"})
    assert csv_rows(r) == ["x", "https://w3id.org/ascn/s"]


def test_a_forged_host_header_cannot_reach_the_query_text(client):
    r = client.get(
        "/sparql",
        query_string={"query": "SELECT (<s> AS ?x) {}", "format": "csv"},
        headers={"Host": "x> } SELECT ?y { ?a ?b ?c } #"},
    )
    assert r.status_code == 400  # refused before the query is read: nothing of it reaches the query
    assert "The Host header 'x> } SELECT ?y { ?a ?b ?c } #' is not a host name" in r.get_data(as_text=True)
    r = client.get(
        "/sparql",
        query_string={"query": "SELECT (<s> AS ?x) {}", "format": "csv"},
        headers={"Host": "evil.example.org"},
    )
    assert r.status_code == 200
    assert csv_rows(r) == ["x", "https://w3id.org/ascn/s"]  # a Host that is a host name never reaches the query


@pytest.mark.parametrize(
    "params, named",
    [
        ({"query": LABEL_QUERY, "format": "yaml"}, "'format'"),
        ({"query": LABEL_QUERY, "default-graph-uri": "not an iri"}, "'default-graph-uri'"),
        ({"query": LABEL_QUERY, "named-graph-uri": "<x>"}, "'named-graph-uri'"),
        ([("query", "ASK {}"), ("query", "ASK {}")], "'query'"),
        ({"query": "   "}, "'query'"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, params, named):
    r = client.get("/sparql", query_string=params)
    assert r.status_code == 400
    assert named in r.get_data(as_text=True)


def test_query_over_the_length_limit_is_413(client):
    query = "ASK {} #" + "x" * 100_000
    assert client.get("/sparql", query_string={"query": query}).status_code == 413
    assert client.post("/sparql", data=query, content_type="application/sparql-query").status_code == 413


def test_an_answer_over_the_byte_limit_is_refused_naming_its_size_and_the_limit(app, client, monkeypatch):
    cities = "SELECT ?c WHERE { ?c a <https://w3id.org/ascn/ontology#City> } ORDER BY ?c"
    size = len(client.get("/sparql", query_string={"query": cities, "format": "csv"}).data)
    monkeypatch.setitem(app.config, "SPARQL_MAX_ANSWER_BYTES", size - 1)
    refused = client.get("/sparql", query_string={"query": cities + " LIMIT 100", "format": "csv"})
    assert (refused.status_code, refused.get_data(as_text=True)) == (
        400,
        f"the answer holds {size:,} bytes, and at most {size - 1:,} are sent; select fewer or shorter values, or add "
        "a LIMIT\n",
    )
    monkeypatch.setitem(app.config, "SPARQL_MAX_ANSWER_BYTES", size)
    assert len(client.get("/sparql", query_string={"query": cities + " LIMIT 99", "format": "csv"}).data) == size


def test_body_over_max_content_length_is_413(client):
    r = client.post("/sparql", data={"query": "ASK {}", "padding": "x" * (1024 * 1024 + 1)})
    assert r.status_code == 413
    assert r.mimetype == "text/plain"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": "ASK {}", "content_type": "text/plain"},
        {"data": "ASK {}"},
        {"data": "ASK {}".encode("utf-16"), "content_type": "application/sparql-query; charset=UTF-16"},
        {"data": b'ASK { ?s ?p "\xff" }', "content_type": "application/sparql-query"},
        {"data": b"", "content_type": "application/x-www-form-urlencoded"},
        {"data": {"query": "ASK {}"}, "query_string": {"query": "ASK {}"}},
        {"data": "\x00\x01{{{", "content_type": "application/sparql-query"},
        {"data": "SELECT * { ?s ?p ?o } LIMIT -1", "content_type": "application/sparql-query"},
        {"data": "SELECT (1/0 AS ?x) {}", "content_type": "application/sparql-query"},
    ],
)
def test_odd_requests_get_a_4xx_or_an_answer_never_a_5xx(client, kwargs):
    assert client.post("/sparql", **kwargs).status_code < 500


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_in_plain_text_naming_the_methods_allowed(client, method):
    r = client.open("/sparql", method=method, query_string={"query": "ASK {}"})
    assert (r.status_code, r.mimetype, r.headers["Allow"]) == (405, "text/plain", "GET, HEAD, OPTIONS, POST")
    assert (
        r.get_data(as_text=True) == f"method {method} is not allowed here; /sparql accepts GET, HEAD, OPTIONS, POST\n"
    )
    assert r.headers["Access-Control-Allow-Origin"] == "*"


# -- default-graph-uri and named-graph-uri ----------------------------------------------------------
def count(client, query, params=()) -> str:
    r = client.get("/sparql", query_string=[("query", query), ("format", "csv"), *params])
    assert r.status_code == 200, r.get_data(as_text=True)
    return csv_rows(r)


ALL = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"


def test_default_graph_is_the_union_of_all_graphs(client):
    assert count(client, ALL) == ["n", "9024"]  # with the VoID property partitions; the release graph is not a subset


def test_statements_two_files_make_are_counted_as_the_readme_says(client):
    """The README tells a researcher why COUNT(*) over the union exceeds the Turtle download's triples."""
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8").split())
    twice, programmes, network, union, distinct = (
        int(figure.replace(",", ""))
        for figure in re.search(
            r"sits in both graphs: (\d+) in the bundled graph .*?programme's: (\d+); .*?ontology: (\d+)\)\. .*?"
            r"counts ([\d,]+) where the Turtle download, the union as a set, holds ([\d,]+)",
            readme,
        ).groups()
    )
    pairs = (
        "SELECT ?a ?b (COUNT(*) AS ?n) { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o } FILTER(STR(?a) < STR(?b)) }"
        " GROUP BY ?a ?b ORDER BY DESC(?n)"
    )
    rows = count(client, pairs)
    assert rows[1] == f"{GRAPH}bundled/partners,{GRAPH}bundled/programmes,{programmes}"
    assert sum(int(row.rsplit(",", 1)[1]) for row in rows[2:]) == network and programmes + network == twice
    assert count(client, ALL) == ["n", str(union)]
    assert count(client, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }") == ["n", str(distinct)]
    assert union - distinct == twice


def test_csv_quotes_an_iri_holding_a_comma(client):
    """pyoxigraph's CSV writer left this source's URL unquoted, so its row split into three values under a
    two-column header, and a spreadsheet or csv reader put half the URL in a column of its own."""
    query = 'SELECT ?s ?url WHERE { ?s <https://schema.org/url> ?url FILTER(CONTAINS(STR(?url), ",")) }'
    answer = client.get("/sparql", query_string={"query": query, "format": "csv"})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(answer.get_data(as_text=True)))) == [
        ["s", "url"],
        [
            "https://w3id.org/ascn/id/source/aseanaccess_2021_08_31",
            "https://aseanaccess.com./news/348-heading-towards-development-of-asean-smart,-sustainable-city.html",
        ],
    ]
    assert answer.get_data(as_text=True).endswith('sustainable-city.html"\r\n')


def test_default_graph_uri_makes_the_default_graph(client):
    assert count(client, ALL, [("default-graph-uri", GRAPH + "bundled/countries")]) == ["n", "80"]
    both = [("default-graph-uri", GRAPH + "bundled/countries"), ("default-graph-uri", GRAPH + "bundled/cities")]
    assert count(client, ALL, both) == ["n", "1047"]


def test_named_graph_uri_limits_graph_patterns_and_empties_the_default_graph(client):
    named = [("named-graph-uri", GRAPH + "bundled/cities")]
    per_graph = "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert count(client, per_graph, named) == ["g,n", GRAPH + "bundled/cities,967"]
    assert count(client, ALL, named) == ["n", "0"]


def test_from_in_the_query_is_honoured_and_the_protocol_overrides_it(client):
    from_countries = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}bundled/countries> {{ ?s ?p ?o }}"
    assert count(client, from_countries) == ["n", "80"]
    assert count(client, from_countries, [("default-graph-uri", GRAPH + "bundled/cities")]) == ["n", "967"]


# -- limits and completeness -----------------------------------------------------------------------
def test_complete_answer_says_so(client):
    r = client.get("/sparql", query_string={"query": LABEL_QUERY})
    assert (r.headers["X-ASCN-Complete"], r.headers["X-ASCN-Rows"], r.headers["X-ASCN-Row-Limit"]) == (
        "true",
        "1",
        "10000",
    )
    assert r.headers["X-ASCN-Timeout"] == "3"


def test_row_cap_cuts_and_says_so_in_headers_and_json(client):
    r = client.get("/sparql", query_string={"query": TWICE_EVERY_TRIPLE})
    assert r.status_code == 200
    assert r.headers["X-ASCN-Complete"] == "false"
    assert r.headers["X-ASCN-Reason"] == "row-limit"
    assert r.headers["X-ASCN-Rows"] == "10000"
    assert len(r.json["results"]["bindings"]) == 10000
    assert r.json["ascn:completeness"] == {"complete": False, "reason": "row-limit", "rows": 10000, "limit": 10000}


def test_row_cap_applies_to_construct_triples(client):
    r = client.get(
        "/sparql", query_string={"query": "CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?o VALUES ?x { 1 2 } }", "format": "nt"}
    )
    assert r.headers["X-ASCN-Complete"] == "false"
    assert len(csv_rows(r)) == 10000


def test_timeout_stops_the_query_while_others_are_answered(client, app):
    pool = app.extensions["ascn"].pool
    client.get("/sparql", query_string={"query": "ASK {}"})  # workers started
    before, replaced = set(pool.pids()), pool.replaced
    slow: dict = {}

    def run_slow():
        started = time.monotonic()
        slow["response"] = app.test_client().get("/sparql", query_string={"query": CROSS_PRODUCT})
        slow["seconds"] = time.monotonic() - started

    watch = CpuWatch(before)
    thread = threading.Thread(target=run_slow)
    thread.start()
    watch.wait_busy("a worker started the slow query")
    quick = client.get("/sparql", query_string={"query": LABEL_QUERY})
    still_running = thread.is_alive()
    thread.join(timeout=300)
    assert quick.json == PHUKET_JSON and still_running  # answered while the slow query ran
    r = slow["response"]
    assert r.status_code == 503
    assert slow["seconds"] >= 3.0  # it ran to its limit
    assert "time limit" in r.get_data(as_text=True)
    assert (r.headers["X-ASCN-Complete"], r.headers["X-ASCN-Reason"]) == ("false", "timeout")
    deadline = time.monotonic() + 300  # the replacement's start is a state, however slow the machine
    while pool.replaced == replaced and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.replaced == replaced + 1
    after = set(pool.pids())
    assert len(after) == len(before) and len(after - before) == 1  # the workers and the reserved lane
    assert client.get("/sparql", query_string={"query": LABEL_QUERY}).json == PHUKET_JSON


def test_each_query_is_logged_with_hash_first_line_time_and_rows(client, caplog):
    caplog.set_level(logging.INFO, logger="webapp.sparql")
    client.get("/sparql", query_string={"query": "PREFIX x: <http://x.org/>\n" + LABEL_QUERY})
    [record] = [r for r in caplog.records if r.name == "webapp.sparql"]
    message = record.getMessage()
    assert LABEL_QUERY[:60] in message and "1 row in" in message
    assert message.split()[1].isalnum() and len(message.split()[1]) == 12


def test_json_member_is_valid_json_for_plain_clients(client):
    r = client.get("/sparql", query_string={"query": LABEL_QUERY})
    assert json.loads(r.get_data(as_text=True))["results"]["bindings"][0]["label"]["value"] == "Phuket"


# -- the same endpoint over the remote backend -----------------------------------------------------
@pytest.fixture(scope="module")
def remote_client(remote_store, oxigraph_server):
    """The web app over the session's Oxigraph server (the bundled build), with one query worker."""
    from webapp import create_app
    from webapp.store import close_app

    remote_app = create_app(
        {"STORE": "sparql", "QUERY_URL": f"{oxigraph_server}/query", "AUTO_BUILD": False, "SPARQL_WORKERS": 1}
    )
    yield remote_app.test_client()
    close_app(remote_app)


def test_endpoint_over_a_remote_sparql_server_gives_the_same_answers(remote_client):
    """Configuration alone moves the endpoint onto a SPARQL server.

    No runaway query here: killing the worker stops only the client side, and this shared test server has
    no time limit of its own (a deployment sets the server's, e.g. ``oxigraph serve --timeout-s``).
    """
    client = remote_client
    assert client.get("/sparql", query_string={"query": LABEL_QUERY}).json == PHUKET_JSON
    assert count(client, ALL, [("default-graph-uri", GRAPH + "bundled/countries")]) == ["n", "80"]
    cut = client.get("/sparql", query_string={"query": TWICE_EVERY_TRIPLE})
    assert (cut.headers["X-ASCN-Complete"], cut.headers["X-ASCN-Rows"]) == ("false", "10000")


@pytest.mark.parametrize("ext", ["nt", "ttl", "trig"])
def test_a_download_over_a_remote_store_is_ranged_and_revalidated_as_an_embedded_one(remote_client, ext):
    """A dump of a remote store is written for each request, and `Range` was ignored (the whole file again, where
    the embedded store's kept dumps answer 206); a resumed download now gets its part, validated by the bytes'
    digest, the same for unchanged content (the triple formats' blank nodes were labelled afresh each time)."""
    client = remote_client
    first = client.get(f"/download/ascn-kg.{ext}", buffered=True)
    again = client.get(f"/download/ascn-kg.{ext}", buffered=True)
    assert first.status_code == again.status_code == 200 and first.data == again.data
    assert first.headers["Accept-Ranges"] == "bytes" and first.headers["ETag"] == again.headers["ETag"]
    size, tag = len(first.data), first.headers["ETag"]
    part = client.get(f"/download/ascn-kg.{ext}", buffered=True, headers={"Range": "bytes=100-199", "If-Range": tag})
    assert (part.status_code, part.data, part.headers["Content-Range"]) == (
        206,
        first.data[100:200],
        f"bytes 100-199/{size}",
    )
    last = client.get(f"/download/ascn-kg.{ext}", buffered=True, headers={"Range": "bytes=-10"})
    assert (last.status_code, last.data) == (206, first.data[-10:])
    stale = client.get(f"/download/ascn-kg.{ext}", buffered=True, headers={"Range": "bytes=100-", "If-Range": '"old"'})
    assert (stale.status_code, stale.data) == (200, first.data)  # another content's validator: the whole file
    for other in ("items=0-5", "bytes=0-9,20-29", "bytes=9-0", f"bytes=-{size + 1}"):  # ignored: the whole file
        whole = client.get(f"/download/ascn-kg.{ext}", buffered=True, headers={"Range": other})
        assert (whole.status_code, whole.data) == (200, first.data), other
    for unsatisfiable in (f"bytes={size}-", "bytes=-0"):
        refused = client.get(f"/download/ascn-kg.{ext}", headers={"Range": unsatisfiable, "Accept": "*/*"})
        assert (refused.status_code, refused.headers["Content-Range"]) == (416, f"bytes */{size}"), unsatisfiable
        assert refused.mimetype == "text/plain" and b"416" in refused.data  # a downloader, not a reader: no page
    assert client.get(f"/download/ascn-kg.{ext}", headers={"If-None-Match": tag}).status_code == 304
    failed = client.get(f"/download/ascn-kg.{ext}", buffered=True, headers={"If-Match": '"another"'})
    assert failed.status_code == 412 and first.data[:200] not in failed.data


def test_a_query_deeper_than_a_remote_store_survives_is_refused_and_the_store_answers_on(start_oxigraph):
    """One GET of 700 nested groups (1.4 kB), 700 OPTIONALs or 2,000 ``+`` in a row aborted ``oxigraph serve`` (stack
    overflow), the remote store of every client; each is a 400 naming the bounds, and the store answers after them."""
    from webapp import create_app
    from webapp.store import close_app

    settings = start_oxigraph()
    remote_app = create_app(
        {"STORE": "sparql", "QUERY_URL": settings.query_url, "AUTO_BUILD": False, "SPARQL_WORKERS": 1}
    )
    try:
        client = remote_app.test_client()
        for query, shape in [
            ("SELECT * " + "{" * 700 + "}" * 700, "nests 700 deep and chains 1"),
            ("SELECT * { BIND(1 AS ?x) " + "OPTIONAL { BIND(2 AS ?y) } " * 700 + "}", "nests 3 deep and chains 701"),
            ("ASK { FILTER(" + "+".join(["1"] * 2000) + " > 0) }", "nests 2 deep and chains 2000"),
        ]:
            r = client.get("/sparql", query_string={"query": query})
            assert r.status_code == 400 and r.get_data(as_text=True).endswith(f"; this one {shape}\n")
        assert client.get("/sparql", query_string={"query": "ASK {}"}).json["boolean"] is True
    finally:
        close_app(remote_app)


@pytest.mark.parametrize(
    "query, xml, other",
    [
        ('SELECT ?x { BIND("a\\u0000b" AS ?x) }', "xml", "json"),
        ('CONSTRUCT { <http://x.org/a> <http://x.org/p> ?x } WHERE { BIND("a\\u0000b" AS ?x) }', "rdfxml", "ntriples"),
        # U+FFFE and U+FFFF are no XML characters either: they were sent, and the XML was malformed
        ('SELECT ?x { BIND("a\\uFFFEb" AS ?x) }', "xml", "json"),
        ('CONSTRUCT { <http://x.org/a> <http://x.org/p> ?x } WHERE { BIND("a\\uFFFFb" AS ?x) }', "rdfxml", "ntriples"),
    ],
)
def test_a_control_character_never_makes_malformed_xml(client, query, xml, other):
    from graph.results import XML_REFUSAL

    r = client.get("/sparql", query_string={"query": query, "format": xml})
    assert (r.status_code, r.get_data(as_text=True)) == (406, XML_REFUSAL + "\n")
    r = client.get("/sparql", query_string={"query": query, "format": other})
    escape = re.search(r"\\u[0-9A-F]{4}", query)
    assert escape is not None and r.status_code == 200
    text = r.get_data(as_text=True)
    assert escape[0] in text or escape[0].encode().decode("unicode_escape") in text  # escaped where the format can


@pytest.mark.parametrize(
    "query, accept, media_type",
    [
        (
            'SELECT ?x { BIND("a\\u0000b" AS ?x) }',
            "application/sparql-results+xml, application/sparql-results+json;q=0.5",
            "application/sparql-results+json",
        ),
        (
            'CONSTRUCT { <http://x.org/a> <http://x.org/p> ?x } WHERE { BIND("a\\u0000b" AS ?x) }',
            "application/rdf+xml, text/turtle;q=0.1",
            "text/turtle",
        ),
    ],
)
def test_an_answer_xml_cannot_carry_comes_in_the_next_format_the_client_accepts(client, query, accept, media_type):
    """It was a 406 though the client had said it takes another format; XML alone (or format=xml) is still a 406."""
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert (r.status_code, r.mimetype) == (200, media_type)
    assert "a\\u0000b" in r.get_data(as_text=True)
    alone = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept.split(",")[0]})
    assert alone.status_code == 406 and "XML cannot carry" in alone.get_data(as_text=True)
