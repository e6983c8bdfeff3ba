"""Bounded work per request: malformed ids, hosts and page numbers, repeated and unknown parameter values get a
400 or 404 page that says what was wrong, never a 500 and never work that grows faster than the request."""

from __future__ import annotations

import gzip
import html
import json
from urllib.parse import quote

import pytest

from webapp.bounds import MAX_ACCEPT_LENGTH, MAX_ACCEPT_RANGES, MAX_PARAMETERS, MAX_VALUE_LENGTH, MAX_VALUES

AREAS = [
    "built_infrastructure",
    "civic_social",
    "health_wellbeing",
    "industry_innovation",
    "quality_environment",
    "safety_security",
]


def text_of(response) -> str:
    """The body as a reader sees it (HTML entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "path",
    [
        "/id/<script>/x",
        *(f"/id/a{c}b/x" for c in '<>"{}|\\^'),
        "/id/city/a<b",
        "/id/city/" + "a" * 5000,
        "/id/" + "k" * 5000 + "/x",
    ],
)
def test_an_entity_path_outside_the_id_grammar_is_a_404_page(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "entity paths are /id/<kind>/<id>" in text_of(r)
    assert "<script>" not in r.get_data(as_text=True).split("<main", 1)[-1].split("</main>")[0]


def test_a_mistyped_kind_still_suggests_the_closest_entities(client):
    r = client.get("/id/c{ty/phuket")
    assert r.status_code == 404 and 'href="/id/city/phuket"' in text_of(r)


MANY_RANGES = ", ".join(f"application/x-{n};q=0.5" for n in range(MAX_ACCEPT_RANGES + 1))


@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%7B%7D", "/id/city/phuket", "/.well-known/void", "/ontology"])
@pytest.mark.parametrize(
    "header, value",
    [
        ("Accept", MANY_RANGES),
        ("Accept", "text/html;" + "a=b;" * MAX_ACCEPT_LENGTH),
        ("Accept-Encoding", ", ".join(f"x{n}" for n in range(MAX_ACCEPT_RANGES + 1))),
        ("Accept-Language", ", ".join(f"en-x{n}" for n in range(MAX_ACCEPT_RANGES + 1))),
    ],
)
def test_an_accept_header_too_long_to_negotiate_with_is_a_400_naming_it(client, path, header, value):
    """Negotiation compares every offered type with every range: 9,000 ranges kept the server busy for 2 s."""
    r = client.get(path, headers={header: value})
    assert r.status_code == 400
    assert f"The {header} header lists" in text_of(r)
    assert f"at most {MAX_ACCEPT_RANGES} ranges in {MAX_ACCEPT_LENGTH} characters are accepted" in text_of(r)


@pytest.mark.parametrize(
    "accept",
    [
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,application/rdf+xml;q=0.7,"
        "application/trig;q=0.6,application/n-quads;q=0.5,text/n3;q=0.4,*/*;q=0.1",
    ],
)
def test_a_browsers_or_rdf_clients_accept_header_is_served(client, accept):
    assert client.get("/id/city/phuket", headers={"Accept": accept}).status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "a" * 64 + ".example.org",
        "x" * 300,
        "x> } SELECT ?y { ?a ?b ?c } #",
        "a..b",
        "-bad.org",
        "example.org:port",
        "example.org:99999",
        "[::1]:65536",
    ],
)
def test_a_host_header_that_is_no_host_name_is_a_400_page(client, host):
    for path in ("/", "/projects", "/id/city/phuket", "/nowhere"):
        r = client.get(path, headers={"Host": host})
        assert r.status_code == 400, path
        assert "is not a host name" in text_of(r) and host[:40] in text_of(r)


@pytest.mark.parametrize(
    "host", ["example.org", "example.org:8080", "127.0.0.1:5000", "[::1]:5000", "a" * 63 + ".org", "ascn.example.org."]
)
def test_a_host_name_is_served(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("page", ["9" * 4301, "0", "-1", "²", "1.5", "x", "41"])
def test_a_page_number_out_of_range_is_a_400_naming_the_pages(client, page):
    r = client.get("/projects", query_string={"page": page})
    assert r.status_code == 400
    assert "parameter 'page': this search has" in text_of(r)


def test_the_last_page_of_projects_is_served(client):
    first = text_of(client.get("/projects"))
    pages = int(first.split("page 1 of ", 1)[1].split("<", 1)[0]) if "page 1 of " in first else 1
    assert client.get("/projects", query_string={"page": str(pages)}).status_code == 200
    assert client.get("/projects", query_string={"page": "0" * 30 + str(pages)}).status_code == 200


@pytest.mark.parametrize("path", ["/projects", "/projects.csv"])
def test_an_unknown_order_is_a_400_naming_the_orders(client, path):
    """The results were put in name order without a word."""
    r = client.get(path, query_string={"sort": "popularity"})
    assert r.status_code == 400
    assert "parameter 'sort': no order 'popularity'; choose one of: name, newest, oldest, city" in text_of(r)


def test_an_unknown_facet_value_is_a_400_naming_the_parameter(client):
    r = client.get("/projects", query_string=[("focus", "built_infrastructure"), ("focus", "flying_cars")])
    assert r.status_code == 400
    assert "parameter 'focus': no focus area 'flying_cars' in the graph" in text_of(r)
    r = client.get("/projects", query_string={"city": "phukett"})
    assert r.status_code == 400 and "did you mean phuket?" in text_of(r)


@pytest.mark.parametrize("path", ["/projects", "/api/recommend/cities", "/match"])
def test_thousands_of_values_of_one_parameter_are_a_400_naming_it(client, path):
    r = client.get(path, query_string=[("who", "partner")] + [("focus", f"zz{i}") for i in range(5000)])
    assert r.status_code == 400
    assert f"given 5000 times; at most {MAX_VALUES} values are accepted" in text_of(r)
    if path.startswith("/api/"):
        assert json.loads(r.data)["parameter"] == "focus"


def test_too_many_parameters_or_too_long_a_value_are_400(client):
    r = client.get("/projects", query_string=[(f"p{i}", "x") for i in range(MAX_PARAMETERS + 1)])
    assert r.status_code == 400 and f"at most {MAX_PARAMETERS} parameters" in text_of(r)
    r = client.get("/api/recommend/projects", query_string={"text": "w" * (MAX_VALUE_LENGTH + 1)})
    assert r.status_code == 400 and json.loads(r.data)["parameter"] == "text"


def test_a_long_sparql_query_is_bounded_by_its_own_limit_only(client):
    query = "ASK {}" + " " * (MAX_VALUE_LENGTH + 10)
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


def test_repeated_values_ask_once(client):
    """A value given many times is asked once: the answer is the one for the value given once."""
    once = client.get("/api/recommend/cities", query_string=[("focus", a) for a in AREAS])
    many = client.get("/api/recommend/cities", query_string=[("focus", a) for a in AREAS * 8])
    assert once.status_code == many.status_code == 200
    assert json.loads(once.data)["items"] == json.loads(many.data)["items"]
    match_once = client.get("/match", query_string=[("who", "partner")] + [("focus", a) for a in AREAS])
    match_many = client.get("/match", query_string=[("who", "partner")] + [("focus", a) for a in AREAS * 8])
    assert match_once.status_code == match_many.status_code == 200
    assert text_of(match_once) == text_of(match_many)


@pytest.mark.parametrize(
    "path, name, values",
    [
        ("/search", "q", ["dan", "hue"]),
        ("/id/city/phuket", "format", ["ttl", "jsonld"]),
        ("/changes", "from", ["1", "2"]),
        ("/go/city", "city", ["phuket", "hue"]),
        ("/projects", "sort", ["name", "year"]),
        ("/match", "country", ["vn", "th"]),
        ("/api/complete", "q", ["dan", "hue"]),
    ],
)
def test_a_page_refuses_a_parameter_it_takes_once_given_twice_naming_it(client, path, name, values):
    """Pages took the first value and said nothing of the others, where /sparql and the API refuse a repeat."""
    city_form = [("who", "city"), ("city", "phuket")] if path == "/match" else []
    r = client.get(path, query_string=city_form + [(name, v) for v in values])
    assert r.status_code == 400
    assert f"parameter '{name}': given 2 times; give it once" in text_of(r)


def test_a_pages_multi_select_filters_repeat(client):
    r = client.get(
        "/projects", query_string=[("country", "vn"), ("country", "th"), ("focus", AREAS[0]), ("focus", AREAS[1])]
    )
    assert r.status_code == 200
    partner = client.get(
        "/match", query_string=[("who", "partner"), ("partner", "japan"), ("country", "vn"), ("country", "th")]
    )
    assert partner.status_code == 200


@pytest.mark.parametrize("path", ["/feeds/city/a<b.atom", "/feeds/city/ASK {}.atom", '/feeds/partner/x"y.atom'])
def test_a_feed_path_outside_the_id_grammar_is_a_404(client, path):
    r = client.get(path)
    assert r.status_code == 404 and "in the graph" in text_of(r)


CONTROL_REFUSED = "parameter {!r}: holds the control character U+{:04X}; only text, tabs and line breaks are accepted"


@pytest.mark.parametrize(
    "path, name",
    [
        ("/search", "q"),
        ("/projects", "q"),
        ("/match", "text"),
        ("/api/complete", "q"),
        ("/api/recommend/projects", "text"),
        ("/api/reconcile/suggest/entity", "prefix"),
        ("/sparql", "query"),
    ],
)
@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u2066"])
def test_a_control_character_in_a_parameter_is_a_400_naming_it_never_echoed(client, path, name, control):
    r = client.get(path, query_string={name: f"kuching{control}", "who": "city"})
    assert r.status_code == 400 and control not in r.get_data(as_text=True)
    assert CONTROL_REFUSED.format(name, ord(control)) in text_of(r)
    if path.startswith("/api/"):
        assert json.loads(r.data)["parameter"] == name


@pytest.mark.parametrize(
    "path", ["/id/city/da-nang{}", "/graph/{}", "/feeds/city/{}x.atom", "/ontology/{}core", "/nowhere{}", "/api/x{}"]
)
@pytest.mark.parametrize("control", ["\x00", "\x1b", "\u202e", "\r", "\n", "\t"])
def test_a_control_character_in_the_path_is_a_400_naming_it_never_echoed(client, path, control):
    """A carriage return, line feed or tab passed, unlike the other controls: `/id/city/a%0Db` was echoed into the
    plain-text 404 (and a 405's message) as it was, so a terminal showing it went back and wrote over the line."""
    for accept in ("text/html", "application/json", "text/plain"):
        r = client.get(path.format(quote(control)), headers={"Accept": accept})  # as sent: Python's URLs drop \t\r\n
        body = r.get_data(as_text=True)
        assert r.status_code == 400 and path.format(control) not in body and (control in "\t\n" or control not in body)
        assert f"The path holds the control character U+{ord(control):04X}; no address here has one." in text_of(r)


HOSTILE = '<script>alert("x")</script>&amp;\'"'


@pytest.mark.parametrize("path", ["/id/city/{}", "/id/{}/x", "/nowhere{}", "/api/x{}", "/download/ascn-kg.{}"])
@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_a_hostile_path_is_echoed_as_text_in_every_form_and_never_in_a_header(client, path, method):
    """The 404 and 405 pages name the path: escaped in HTML, a JSON string in JSON, as it is in plain text (served
    with nosniff); no header carries it."""
    target = path.format(HOSTILE)
    page = client.open(target, method=method, headers={"Accept": "text/html"})
    data = client.open(target, method=method, headers={"Accept": "application/json"})
    text = client.open(target, method=method, headers={"Accept": "text/plain"})
    assert page.status_code == data.status_code == text.status_code and page.status_code in (404, 405)
    assert page.mimetype in ("text/html", "application/json")  # an API route answers JSON whatever is asked
    assert '<script>alert("x")' not in page.get_data(as_text=True)
    assert data.json["error"] and text.mimetype in ("text/plain", "application/json")
    for r in (page, data, text):
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert not any("alert" in value or "<" in value for _, value in r.headers.items()), r.headers


def test_a_control_character_in_a_form_body_is_a_400_naming_it(client):
    r = client.post("/sparql", data={"query": "ASK {}\x00"})
    assert (r.status_code, r.get_data(as_text=True)) == (400, CONTROL_REFUSED.format("query", 0) + "\n")
    r = client.post("/api/reconcile", data={"queries": '{"q0": {"query": "kuching\x00"}}'})
    assert r.status_code == 400 and json.loads(r.data)["message"] == CONTROL_REFUSED.format("queries", 0)


def test_a_form_body_is_bounded_as_the_url_is(client):
    """A form body's parameters were not counted: 100,000 of them cost the server 0.46 s to parse and check, and
    5,000 ``default-graph-uri`` values were answered."""
    query = "ASK {}"
    r = client.post(
        "/sparql", data="query=ASK%7B%7D" + "&p=1" * 100_000, content_type="application/x-www-form-urlencoded"
    )
    assert r.status_code == 400
    assert f"The form body carries 100001 parameters; a request may carry at most {MAX_PARAMETERS}" in text_of(r)
    r = client.post(
        "/sparql", data={"query": query, "default-graph-uri": [f"urn:g:{n}" for n in range(MAX_VALUES + 1)]}
    )
    assert r.status_code == 400
    assert f"parameter 'default-graph-uri': given {MAX_VALUES + 1} times" in text_of(r)
    r = client.post("/sparql", data={"query": query, "x": "a" * (MAX_VALUE_LENGTH + 1)})
    assert r.status_code == 400 and f"at most {MAX_VALUE_LENGTH} are accepted" in text_of(r)
    r = client.post(
        "/api/reconcile", data="queries=%7B%7D" + "&p=1" * 1000, content_type="application/x-www-form-urlencoded"
    )
    assert r.status_code == 400 and f"at most {MAX_PARAMETERS} parameters" in json.loads(r.data)["message"]


def test_a_long_sparql_query_and_a_long_reconciliation_batch_are_bounded_by_their_own_limits(client):
    long_query = "ASK { ?s ?p ?o } #" + "x" * 50_000
    assert client.post("/sparql", data={"query": long_query}).status_code == 200
    batch = json.dumps({f"q{n}": {"query": f"Kuching {'x' * 1_100} {n}"} for n in range(10)})
    assert len(batch) > MAX_VALUE_LENGTH
    r = client.post("/api/reconcile", data={"queries": batch})
    assert r.status_code == 200 and len(json.loads(r.data)) == 10


def test_a_long_project_search_is_folded_once(client, monkeypatch):
    """/projects matches the text against every project for the list and again for each facet's counts (about 1,100
    times): folding a text of 10,000 characters each time kept the server busy for 0.33 s a page."""
    from webapp import facets

    folded = []
    plain, text = facets.compact, "water " * 1_600
    monkeypatch.setattr(
        facets, "compact", lambda given: (given == text.strip() and folded.append(given)) or plain(given)
    )
    for path in ("/projects", "/projects.csv"):
        folded.clear()
        r = client.get(path, query_string={"q": text})
        assert r.status_code == 200 and len(folded) == 1, path


def test_tabs_and_line_breaks_are_text(client):
    assert client.get("/sparql", query_string={"query": "ASK {\r\n\t?s ?p ?o }"}).status_code == 200
    assert client.post("/sparql", data={"query": "ASK {\r\n\t?s ?p ?o }"}).status_code == 200
    r = client.get("/match", query_string={"who": "city", "city": "cebu-city", "text": "traffic\r\nsignal\tcontrol"})
    assert r.status_code == 200


def test_the_404s_of_unknown_kinds_read_no_entities_from_the_store(client, monkeypatch):
    """A 404 for an entity path suggests the closest entities; for a kind the graph has not, it read every entity
    of the graph from the store (130 ms of the server's process for /id/abcde/fghij). The entities come from the
    names kept per graph version (webapp.page_data.entity_pages)."""
    from webapp import pages

    reads = []
    plain = pages.rows
    monkeypatch.setattr(pages, "rows", lambda name, *args: (reads.append(name), plain(name, *args))[1])
    for path in ("/id/citty/phuket", "/id/abcde/fghij", "/id/c{ty/phuket", "/id/city/phukett"):
        assert client.get(path).status_code == 404
    assert set(reads) <= {"data_version"}  # the footer's release, not the entities
    assert 'href="/id/city/phuket"' in text_of(client.get("/id/citty/phuket"))
    assert 'href="/id/city/phuket"' in text_of(client.get("/id/city/phukett"))


def test_a_404_for_a_long_random_path_computes_no_difflib_ratio(client, monkeypatch):
    """difflib's ``quick_ratio`` let almost every one of the 1,300 ids and names through for /id/<kind>/<60 random
    letters>, and each went on to a full ``ratio()`` (50 ms of the server's process); the LCS bound of
    ``graph.lookup.close_matches`` leaves out each such name before its ratio, and a typo still finds Phuket."""
    import difflib
    import random
    import string

    calls = []
    plain = difflib.SequenceMatcher.ratio
    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", lambda self: (calls.append(1), plain(self))[1])
    rng = random.Random(7)
    for kind in ("abcde", "project", "source"):
        ident = "".join(rng.choice(string.ascii_lowercase + "-") for _ in range(250))
        assert client.get(f"/id/{kind}/{ident}").status_code == 404
    assert calls == []
    assert 'href="/id/city/phuket"' in text_of(client.get("/id/abcde/phukett"))
    assert calls


def test_the_closest_entities_are_difflibs_for_typos_of_every_kind(app):
    """``close_matches`` answers what ``difflib.get_close_matches`` answers, order included, for typos (a letter
    dropped, two swapped, one added) of every 20th id and name of the bundled graph's entity pages."""
    from difflib import get_close_matches

    from graph.lookup import close_matches
    from webapp.page_data import entity_pages

    with app.test_request_context("/"):
        pages = entity_pages()
    keys = sorted({k.lower() for path, label in pages.items() for k in (path.rsplit("/", 1)[-1], label)})
    for key in keys[::20]:
        middle = len(key) // 2
        for typo in (
            key[:middle] + key[middle + 1 :],
            key[:middle] + key[middle:][1:2] + key[middle] + key[middle + 2 :],
            key + "x",
        ):
            assert close_matches(typo, keys, n=10, cutoff=0.4) == get_close_matches(typo, keys, n=10, cutoff=0.4), typo


@pytest.mark.parametrize(
    "path, content_type, body",
    [
        ("/sparql", "application/sparql-query", b"ASK {}"),
        ("/api/reconcile", "application/x-www-form-urlencoded", b'queries={"q0": {"query": "Hue"}}'),
    ],
)
def test_a_request_body_with_a_content_encoding_is_a_415_naming_it(client, path, content_type, body):
    """Nothing here decodes a coded body: a gzipped query was read as its bytes ('the request body is not UTF-8
    (byte 1)'), and one sent with a Content-Encoding it did not have was answered as if it had none."""
    for data in (gzip.compress(body), body):
        r = client.post(path, data=data, content_type=content_type, headers={"Content-Encoding": "gzip"})
        assert r.status_code == 415
        assert "The request body has Content-Encoding 'gzip'; request bodies are read as sent" in text_of(r)
    assert client.post(path, data=body, content_type=content_type).status_code == 200


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/sparql", "application/sparql-query"),
        ("/sparql", "application/x-www-form-urlencoded"),
        ("/api/reconcile", "application/x-www-form-urlencoded"),
        ("/review/sign-in", "application/x-www-form-urlencoded"),
    ],
)
def test_a_request_body_over_the_limit_is_a_413_naming_its_size_and_the_limit(client, path, content_type):
    """A body over MAX_CONTENT_LENGTH was refused with werkzeug's 'The data value transmitted exceeds the capacity
    limit.', which names neither the body's size nor the limit nor the setting that raises it."""
    r = client.post(path, data=b"query=" + b"x" * (1024 * 1024), content_type=content_type)
    assert r.status_code == 413
    assert (
        "The request body is too large: it holds 1,048,582 bytes, over the limit of 1,048,576 (ASCN_MAX_CONTENT_LENGTH)."
        in text_of(r)
    )


@pytest.mark.parametrize(
    "path, encoded, message",
    [
        (
            "/sparql",
            "query=SELECT+*+%7B+%3Fs+%3Fp+%27%FF%27+%7D",
            "parameter 'query': its value is not UTF-8 (byte 19 of it is 0xFF)",
        ),
        ("/search", "q=h%C3%A0%FE", "parameter 'q': its value is not UTF-8 (byte 4 of it is 0xFE)"),
        ("/api/complete", "q%FF=x", "parameter 'q\ufffd': its name is not UTF-8 (byte 2 of it is 0xFF)"),
    ],
)
def test_a_parameter_that_is_not_utf8_is_a_400_naming_it(client, path, encoded, message):
    """Werkzeug read the bytes as U+FFFD: /sparql answered another query than the one sent, where the same query
    in a POST body was refused ('the request body is not UTF-8')."""
    r = client.get(f"{path}?{encoded}")
    shown = json.loads(r.data)["message"] if path.startswith("/api/") else text_of(r)
    assert r.status_code == 400 and message in shown
    form = client.post("/sparql", data=encoded.encode(), content_type="application/x-www-form-urlencoded")
    if path == "/sparql":
        assert form.status_code == 400 and message in text_of(form)
    assert client.get("/search?q=h%C3%A0").status_code == 200
