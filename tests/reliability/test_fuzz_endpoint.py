"""Property-based fuzzing of /sparql and the JSON API: bad input gets a 4xx that says what was wrong, never a
500, a hang or a crash.

Hypothesis draws random and mutated queries (library queries with tokens deleted, inserted, duplicated or
replaced by random Unicode), queries over the length limit, broken percent-encoding and invalid UTF-8, odd
Accept headers, wrong methods, oversized bodies and bad protocol parameters. Each kind runs through the test
client (fast, many examples) and a smaller sample goes to a real ``ascn serve`` over the socket. Runs are
derandomized (a fixed seed per test), so CI sees the same examples every time.
"""

from __future__ import annotations

import re
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from graph.formats import by_name
from queries.library import library
from tests.conftest import running_ascn, store_copy
from tests.reliability.conftest import Answer, http_request
from webapp.sparql import ANSWER_KINDS

TIMEOUT = 1.0
"""The fuzzed apps' query time limit: a mutation that turns a library query into a cross product costs 1 s."""
HANG = 30.0
"""A request not answered within this many seconds is a hang (the time limit plus a worker's restart is ~2 s)."""
MAX_QUERY = 100_000
MAX_BODY = 1024 * 1024

CLIENT = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=HANG),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SERVER = settings(CLIENT, max_examples=30)
SMALL = settings(CLIENT, max_examples=12)

LIBRARY = [q.bind() for q in library().values()]
SPARQL_WORDS = [
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    ".",
    ";",
    ",",
    "*",
    "?x",
    "FILTER",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "SERVICE",
    "VALUES",
    "BIND",
    "AS",
    "LIMIT",
    "OFFSET",
    "ORDER",
    "BY",
    "GROUP",
    "COUNT",
    "DISTINCT",
    "PREFIX",
    "BASE",
    "<",
    ">",
    '"',
    "'",
    "#",
    "a",
    "^^",
    "@en",
    "|",
    "/",
    "+",
    "!",
    "LOAD",
    "INSERT",
    "DELETE",
    "DROP",
    "CLEAR",
    "<http://x/>",
    "\\",
    "\\u0000",
    "FROM",
    "NAMED",
    "rdfs:label",
    "ascn:City",
    "1e999",
    "-0",
    '"""',
    "%00",
    "\x00",
]
ACCEPT_TYPES = [
    "*/*",
    "text/html",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/json",
    "image/png",
    "application/x-unknown",
    "text/*",
    "application/sparql-results+json;q=0",
    "*/*;q=0",
]


# -- strategies ----------------------------------------------------------------------------------------------
@st.composite
def mutated(draw, source=st.sampled_from(LIBRARY)):  # noqa: B008 - hypothesis's own idiom for a default strategy
    """A library query with a few of its tokens deleted, duplicated, swapped or replaced by other text."""
    tokens = re.findall(r"\s+|[^\s]+", draw(source))
    for _ in range(draw(st.integers(1, 4))):
        if not tokens:
            break
        i = draw(st.integers(0, len(tokens) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "char"]))
        if op == "delete":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(i, tokens[i])
        elif op == "insert":
            tokens.insert(i, " " + draw(st.sampled_from(SPARQL_WORDS) | st.text(min_size=1, max_size=6)) + " ")
        elif op == "replace":
            tokens[i] = draw(st.sampled_from(SPARQL_WORDS) | st.text(min_size=1, max_size=6))
        elif tokens[i]:
            j = draw(st.integers(0, len(tokens[i]) - 1))
            tokens[i] = tokens[i][:j] + draw(st.characters()) + tokens[i][j + 1 :]
    return "".join(tokens)


QUERIES = st.one_of(
    st.text(max_size=200),
    mutated(),
    st.sampled_from(LIBRARY),
    st.lists(st.sampled_from(SPARQL_WORDS), max_size=25).map(" ".join),
)
"""Random text, mutated library queries, library queries as they are, and random sequences of SPARQL words."""
TRANSPORTS = st.sampled_from(["get", "form", "direct"])
ACCEPTS = (
    st.none() | st.sampled_from(ACCEPT_TYPES) | st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
)


@st.composite
def bad_bytes(draw):
    """Bytes that are not valid percent-encoding or not valid UTF-8 once decoded."""
    pieces = draw(
        st.lists(
            st.one_of(
                st.sampled_from(
                    [
                        b"%",
                        b"%G1",
                        b"%zz",
                        b"%F",
                        b"%FF",
                        b"%C3%28",
                        b"%ED%A0%80",
                        b"%F4%90%80%80",
                        b"%C0%AF",
                        b"%00",
                        b"+",
                        b"&",
                        b"=",
                        b"%%",
                        b"%25",
                        b"\xff",
                        b"\xc3\x28",
                        b"\x80",
                        b"ASK",
                        b"{}",
                    ]
                ),
                st.binary(max_size=6),
            ),
            min_size=1,
            max_size=12,
        )
    )
    return b"".join(pieces)


# -- the app and a real server --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, bundled_graphs):
    """An app of its own (2 workers, 1 s time limit) over a copy of the bundled build."""
    from webapp import create_app
    from webapp.store import close_app

    settings = store_copy(tmp_path_factory.mktemp("fuzz-app") / "data", bundled_graphs)
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(settings.data_dir), "AUTO_BUILD": False, "SPARQL_TIMEOUT": TIMEOUT}
    )
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory, bundled_graphs):
    settings = store_copy(tmp_path_factory.mktemp("fuzz-server") / "data", bundled_graphs)
    with running_ascn(settings.data_dir, "--workers", "2", "--timeout", str(TIMEOUT)) as server:
        yield server


@pytest.fixture(scope="module")
def watchdog():
    """Runs one request in a thread and fails the test if it is not answered within HANG seconds."""
    with ThreadPoolExecutor(max_workers=1) as pool:

        def run(call, *args, **kwargs):
            future = pool.submit(call, *args, **kwargs)
            try:
                return future.result(timeout=HANG)
            except FutureTimeout:
                pytest.fail(f"no answer within {HANG:g} s: the request hung")

        yield run


class Client:
    """Sends one request through the test client or over the socket, and returns an :class:`Answer`."""

    def __init__(self, app=None, server=None, watchdog=None):
        self.app, self.server, self.watchdog = app, server, watchdog

    def send(
        self, method: str, path: str, query: bytes = b"", body: bytes | None = None, headers: dict | None = None
    ) -> Answer:
        headers = {k: v for k, v in (headers or {}).items() if v is not None}
        # bytes a request line cannot carry are %-escaped; broken escapes ("%G1", "%") go out as they are
        wire = "".join(chr(b) if 32 < b < 127 else f"%{b:02X}" for b in query)
        if self.app is not None:

            def call():
                with self.app.test_client() as c:
                    r = c.open(path, method=method, query_string=wire, data=body, headers=headers, buffered=True)
                    return Answer(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.get_data())

            return self.watchdog(call)
        target = urllib.parse.quote(path, safe="/%") + (f"?{wire}" if query else "")
        if body is not None:
            headers.setdefault("Content-Length", str(len(body)))
        return http_request(self.server.url, method, target, body, headers, timeout=HANG)

    def query(self, text: str, transport: str, accept: str | None = None, extra: list | None = None) -> Answer:
        params = [("query", text), *(extra or [])]
        headers = {"Accept": accept}
        if transport == "get":
            return self.send("GET", "/sparql", urllib.parse.urlencode(params).encode())
        if transport == "form":
            return self.send(
                "POST",
                "/sparql",
                body=urllib.parse.urlencode(params).encode(),
                headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
            )
        return self.send(
            "POST",
            "/sparql",
            urllib.parse.urlencode(extra or []).encode(),
            body=text.encode("utf-8"),
            headers={**headers, "Content-Type": "application/sparql-query"},
        )


@pytest.fixture(scope="module")
def via_client(fuzz_app, watchdog):
    return Client(app=fuzz_app, watchdog=watchdog)


@pytest.fixture(scope="module")
def via_server(fuzz_server):
    return Client(server=fuzz_server)


# -- what every answer must satisfy ---------------------------------------------------------------------------
def assert_sound(answer: Answer, *mentions: str) -> None:
    """No 5xx except 503 for a query stopped at the time limit (or every worker busy); every error body says
    what was wrong: it is not empty and names one of ``mentions`` (case-insensitive) when any are given."""
    text = answer.text
    if currently_in_test_context():
        event(f"HTTP {answer.status}")  # --hypothesis-show-statistics shows how the answers spread
    if answer.status == 503:
        assert re.search(r"time limit|busy|try again", text), text
        return
    assert answer.status < 500, f"{answer.status}: {text[:500]}"
    if answer.status >= 400:
        message = re.sub(r"<[^>]+>", " ", text)  # an HTML error page: its words
        assert len(message.split()) >= 3, f"{answer.status} without an explanation: {text[:300]!r}"
        if mentions:
            assert any(m.lower() in message.lower() for m in mentions), (mentions, text[:500])


QUERY_PROBLEMS = (
    "query",
    "parameter",
    "format",
    "acceptable",
    "read-only",
    "SERVICE",
    "Content-Type",
    "UTF-8",
    "limit",
)


# -- /sparql ----------------------------------------------------------------------------------------------------
@CLIENT
@given(query=QUERIES, transport=TRANSPORTS, accept=ACCEPTS)
def test_random_and_mutated_queries_get_an_answer_or_a_reason(via_client, query, transport, accept):
    assert_sound(via_client.query(query, transport, accept), *QUERY_PROBLEMS)


@SERVER
@given(query=QUERIES, transport=TRANSPORTS, accept=ACCEPTS)
def test_random_and_mutated_queries_against_the_real_server(via_server, query, transport, accept):
    assert_sound(via_server.query(query, transport, accept), *QUERY_PROBLEMS)


@SMALL
@given(extra=st.integers(1, 3 * MAX_QUERY), transport=TRANSPORTS)
def test_a_query_over_the_length_limit_is_413_naming_the_limit(via_client, extra, transport):
    query = "ASK {} #" + "x" * (MAX_QUERY + extra)
    answer = via_client.query(query, transport)
    assert answer.status == 413
    assert_sound(answer, "limit", "too large")


@settings(SMALL, max_examples=8)
@given(size=st.sampled_from([MAX_QUERY, MAX_BODY]), extra=st.integers(1, 4096), transport=TRANSPORTS)
def test_huge_queries_and_bodies_are_refused_by_the_real_server(via_server, size, extra, transport):
    """Over the query length (413 from the app) or the body size (413 from Flask); a URL over waitress's 256 KiB
    header cap is a 414 saying to use POST."""
    answer = via_server.query("ASK {} #" + "x" * (size + extra), transport)
    assert answer.status == (414 if transport == "get" and size == MAX_BODY else 413)
    assert_sound(answer, "limit", "too large")


def test_a_query_of_legal_length_too_long_once_url_encoded_is_told_to_use_post(via_server):
    """50,000 characters, half the length limit, are 300 kB percent-encoded ('đ' is %C4%91): over waitress's
    256 KiB cap on a request's line and headers, it got waitress's bare 431 "exceeds max_header of 262144"."""
    query = "ASK {} #" + "đ" * 50_000
    answer = via_server.query(query, "get")
    assert (answer.status, answer.headers["content-type"]) == (414, "text/plain; charset=utf-8")
    assert "262,144 bytes" in answer.text and "send it with POST" in answer.text
    assert via_server.query(query, "direct").status == 200  # the same query, sent as the answer says


def test_a_query_just_under_the_length_limit_is_answered(via_client):
    query = "ASK {} #" + "x" * (MAX_QUERY - 8)
    assert via_client.query(query, "direct").status == 200


@CLIENT
@given(raw=bad_bytes(), where=st.sampled_from(["url", "form", "direct"]))
def test_bad_percent_encoding_and_utf8_get_a_4xx_with_a_reason(via_client, raw, where):
    answer = _send_raw(via_client, raw, where)
    assert_sound(answer, *QUERY_PROBLEMS)


@SERVER
@given(raw=bad_bytes(), where=st.sampled_from(["url", "form", "direct"]))
def test_bad_percent_encoding_and_utf8_against_the_real_server(via_server, raw, where):
    assert_sound(_send_raw(via_server, raw, where), *QUERY_PROBLEMS)


def _send_raw(client: Client, raw: bytes, where: str) -> Answer:
    if where == "url":
        return client.send("GET", "/sparql", b"query=" + raw)
    if where == "form":
        return client.send(
            "POST", "/sparql", body=b"query=" + raw, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
    return client.send("POST", "/sparql", body=raw, headers={"Content-Type": "application/sparql-query"})


def test_invalid_utf8_in_a_body_is_400_naming_the_byte(via_client):
    answer = via_client.send(
        "POST", "/sparql", body=b'ASK { ?s ?p "\xc3\x28" }', headers={"Content-Type": "application/sparql-query"}
    )
    assert answer.status == 400 and "not UTF-8 (byte 13)" in answer.text


@CLIENT
@given(
    accept=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
    form=st.sampled_from(["SELECT * { ?s ?p ?o } LIMIT 1", "ASK {}", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"]),
)
def test_any_accept_header_gets_an_answer_or_406_listing_the_formats(via_client, accept, form):
    answer = via_client.query(form, "get", accept)
    assert answer.status in (200, 406), answer.text
    if answer.status == 406:
        assert_sound(answer, "this endpoint can send")


@settings(CLIENT, max_examples=40)
@given(
    method=st.sampled_from(["PUT", "DELETE", "PATCH"]),
    body=st.binary(max_size=200),
    path=st.sampled_from(
        [
            "/sparql",
            "/api/queries",
            "/api/queries/projects_of_city",
            "/api/recommend/projects",
            "/api/vocabulary",
            "/",
            "/projects",
            "/id/city/phuket",
        ]
    ),
)
def test_wrong_methods_are_405_saying_which_are_allowed(via_client, method, body, path):
    answer = via_client.send(method, path, body=body)
    assert answer.status == 405
    assert "GET" in answer.headers["allow"]
    assert_sound(answer, "method")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_methods_against_the_real_server(via_server, method):
    answer = via_server.send(method, "/sparql", b"query=ASK%7B%7D", body=b"DROP ALL")
    assert answer.status == 405 and "GET" in answer.headers["allow"]
    assert_sound(answer, "method")


GOOD = "ASK {}"
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
"""What /sparql takes as an absolute IRI (webapp/sparql.py's own rule)."""
NOT_IRIS = (
    st.text(max_size=30)
    | st.sampled_from(
        [
            "not an iri",
            "<http://x/>",
            "http://x/ y",
            "relative/path",
            ":",
            "1http://x/",
            "http://x/{a}",
            'http://x/"',
            "",
        ]
    )
).filter(lambda s: not IRI.match(s))


@CLIENT
@given(name=st.sampled_from(["default-graph-uri", "named-graph-uri"]), value=NOT_IRIS, transport=TRANSPORTS)
def test_a_graph_parameter_that_is_not_an_iri_is_400_naming_it(via_client, name, value, transport):
    answer = via_client.query(GOOD, transport, extra=[(name, value)])
    assert answer.status == 400
    assert_sound(answer, f"'{name}'")


@CLIENT
@given(copies=st.lists(QUERIES, min_size=2, max_size=4), transport=st.sampled_from(["get", "form"]))
def test_a_repeated_query_parameter_is_400_naming_it(via_client, copies, transport):
    answer = via_client.query(copies[0], transport, extra=[("query", q) for q in copies[1:]])
    assert answer.status == 400
    assert_sound(answer, "parameter 'query'")  # given more than once, or holding a control character


@CLIENT
@given(
    fmt=st.text(st.characters(exclude_categories=["Cc"]), max_size=20).filter(  # control characters: test_bounds
        # a name, alias or media type of a format of some kind of answer ("APPLICATION/X-TURTLE" is Turtle, 406
        # for a SELECT) is not unknown: the formats' own table says which are
        lambda s: not any(by_name(kind, s.strip()) for kind in ANSWER_KINDS)
    )
)
def test_an_unknown_format_parameter_is_400_listing_the_formats(via_client, fmt):
    answer = via_client.query(GOOD, "get", extra=[("format", fmt)])
    assert answer.status in (200, 400)  # a list of names ("json,x") is read as an Accept header is
    if answer.status == 400:
        assert_sound(answer, "'format'")
        assert "choose one of: csv" in answer.text


@SERVER
@given(name=st.sampled_from(["default-graph-uri", "named-graph-uri", "query", "format"]), value=st.text(max_size=30))
def test_bad_parameters_against_the_real_server(via_server, name, value):
    extra = [(name, value)] if name != "query" else [("query", value), ("query", GOOD)]
    assert_sound(via_server.query(GOOD, "get", extra=extra), *QUERY_PROBLEMS)


# -- the JSON API -------------------------------------------------------------------------------------------------
PARAM_NAMES = [
    "city",
    "project",
    "partner",
    "focus",
    "outcome",
    "text",
    "plan_country",
    "programme",
    "in_country",
    "country",
    "focus_area",
    "status",
    "from",
    "to",
    "top",
    "format",
    "exclude_own_city",
    "exclude_own_country",
    "exclude_paired",
    "name",
    "param",
    "query",
    "page",
    "q",
]
PARAM_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "phuket",
            "da-nang",
            "Da Nang",
            "jica",
            "mobility",
            "ongoing",
            "2019",
            "0",
            "-1",
            "101",
            "1e9",
            "true",
            "maybe",
            "json",
            "csv",
            "turtle",
            'x" } UNION { ?s ?p ?o } #',
            "<script>",
            "https://w3id.org/ascn/id/city/phuket",
            "../../etc/passwd",
            "%00",
            "\x00",
            "🙂",
        ]
    ),
)


def api_rules(app) -> list:
    """The API's GET routes as the app has them now (the API grows; new routes are fuzzed as they appear)."""
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if r.rule.startswith(("/api/", "/.well-known/", "/download/")) and "GET" in r.methods
        ),
        key=lambda r: r.rule,
    )


@st.composite
def api_requests(draw, rules):
    """A path from one API route with random values in its placeholders, and random query parameters."""
    rule = draw(st.sampled_from(rules))
    path = rule.rule
    for name in rule.arguments:
        value = draw(
            st.sampled_from(sorted(library()))
            | st.text(min_size=1, max_size=20)
            | st.sampled_from(["ttl", "nt", "jsonld", "rdf", "trig", "nq", "exe", ".."])
        )
        path = re.sub(rf"<(?:[^:<>]+:)?{re.escape(name)}>", lambda _, value=value: value, path)
    keys = st.sampled_from(PARAM_NAMES) | st.text(min_size=1, max_size=10)
    params = draw(st.lists(st.tuples(keys, PARAM_VALUES), max_size=5))
    accept = draw(st.none() | st.sampled_from(ACCEPT_TYPES))
    return path, params, accept


def test_the_fuzzed_api_routes_are_the_apps(fuzz_app):
    """The fuzzer reads the routes from the app: this pins what it covers today, so a new route shows up here."""
    rules = {r.rule for r in api_rules(fuzz_app)}
    assert {
        "/api/queries",
        "/api/queries/<name>",
        "/api/recommend/projects",
        "/api/recommend/cities",
        "/api/recommend/partners",
        "/api/vocabulary",
        "/api/prefixes",
    } <= rules


def test_api_requests_get_an_answer_or_a_json_reason(fuzz_app, via_client):
    @CLIENT
    @given(request=api_requests(api_rules(fuzz_app)))
    def check(request):
        path, params, accept = request
        answer = via_client.send("GET", path, urllib.parse.urlencode(params).encode(), headers={"Accept": accept})
        assert_sound(answer)
        if answer.status >= 400 and path.startswith("/api/") and answer.status != 503:
            body = answer.headers.get("content-type", "")
            assert body.startswith("application/json"), (answer.status, body, answer.text[:300])
            assert (_json(answer).get("error") or _json(answer).get("message")).strip()

    check()


def test_api_requests_against_the_real_server(fuzz_app, via_server):
    @SERVER
    @given(request=api_requests(api_rules(fuzz_app)))
    def check(request):
        path, params, accept = request
        assert_sound(via_server.send("GET", path, urllib.parse.urlencode(params).encode(), headers={"Accept": accept}))

    check()


def _json(answer: Answer) -> dict:
    import json

    return json.loads(answer.body)
