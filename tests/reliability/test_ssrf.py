"""No spelling of SERVICE makes the server connect anywhere but to the endpoints its operator allowed.

Each spelling names a real listener on 127.0.0.1 (hidden behind a local name, a number, IPv6, a redirect, a
relative IRI with a forged Host ...). Both walls are tested: the endpoint's check on the parsed query (through a
real ``ascn serve``) and, beneath it, the query workers' outbound-connection wall, which is given the same
queries directly (:class:`graph.pool.QueryPool`, no endpoint check in front). The listener counts connections,
and a positive control shows it does count the ones an allowed endpoint gets.
"""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from contextlib import contextmanager

import pytest

from graph.federation import SERVICE_REFUSED
from graph.pool import Job, QueryPool
from queries.errors import QueryError
from tests.conftest import PROTOCOL_GRAPHS, running_ascn, store_copy
from tests.reliability.conftest import http_request, silent_listener

FORMATS = {"results": "csv", "boolean": "csv", "graph": "ntriples"}
SPELLINGS = {
    "an escape in an earlier IRI": "SELECT * {{ BIND(<http://x/\\u0041#> AS ?z) SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "localhost": "SELECT * {{ SERVICE <http://localhost:{port}/sparql> {{ ?s ?p ?o }} }}",
    "a decimal IP": "SELECT * {{ SERVICE <http://2130706433:{port}/> {{ ?s ?p ?o }} }}",
    "a hexadecimal IP": "SELECT * {{ SERVICE <http://0x7f000001:{port}/> {{ ?s ?p ?o }} }}",
    "an octal IP": "SELECT * {{ SERVICE <http://0177.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "a short IP": "SELECT * {{ SERVICE <http://127.1:{port}/> {{ ?s ?p ?o }} }}",
    "IPv6-mapped": "SELECT * {{ SERVICE <http://[::ffff:127.0.0.1]:{port}/> {{ ?s ?p ?o }} }}",
    "0.0.0.0": "SELECT * {{ SERVICE <http://0.0.0.0:{port}/> {{ ?s ?p ?o }} }}",
    "a BASE of the query's own": "BASE <http://127.0.0.1:{port}/> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "a prefixed name": "PREFIX e: <http://127.0.0.1:{port}/> SELECT * {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
    "SILENT": "SELECT * {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "a variable": "SELECT * {{ VALUES ?e {{ <http://127.0.0.1:{port}/> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "an escaped keyword": "SELECT * {{ SERVIC\\u0045 <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "after a triple pattern": "SELECT * {{ ?a ?b ?c . service <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "inside FILTER EXISTS": "SELECT * {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }}",
    "in a CONSTRUCT": "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "after an IRI holding the word": "SELECT * {{ BIND(<http://x/public-service> AS ?w) SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    "between a less-than and a greater-than": "SELECT * {{ ?a ?b ?c FILTER(0<1)SERVICE#>\n<http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
}
QUIET = {"SILENT", "inside FILTER EXISTS"}
"""Spellings whose failed call is no error (SILENT, and a call inside a filter): the answer comes from the local
data alone."""
ENGINE_REFUSES = {
    "a variable": "the query could not be evaluated: The variable encoding the service name is unbound",
    "an escaped keyword": "syntax error",  # Oxigraph unescapes \u in IRIs and strings only
}
"""Spellings Oxigraph itself refuses before any call (the endpoint's check refuses them first)."""
RELATIVE = "SELECT * { SERVICE <sparql> { ?s ?p ?o } }"


@contextmanager
def redirector(target: str):
    """An HTTP server on 127.0.0.1 answering every request with a redirect to ``target``."""

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            self.send_response(307)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args):
            """Quiet: the test reads no log."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def _run(pool: QueryPool, query: str, base: str | None = None) -> str:
    """What the pool says to ``query``: the generic refusal, the engine's error, or the answer as CSV."""
    try:
        reply = pool.run(Job(query, FORMATS, 10, base_iri=base), timeout=20)
    except QueryError as exc:
        return exc.message
    return reply.body.decode().strip()


@pytest.fixture(scope="module")
def pool_settings(tmp_path_factory, bundled_graphs):
    return store_copy(tmp_path_factory.mktemp("ssrf") / "data", bundled_graphs)


@pytest.mark.parametrize("name", SPELLINGS)
def test_the_workers_wall_stops_every_spelling(pool_settings, name):
    pool = QueryPool(pool_settings, size=1)
    try:
        with silent_listener() as listener:
            port = listener.url.rsplit(":", 1)[1]
            said = _run(pool, SPELLINGS[name].format(port=port))
            assert listener.connections == []
        if name in QUIET:  # an answer from the local data alone
            assert said.splitlines()[0].count(",") == 2
        elif name in ENGINE_REFUSES:
            assert said.startswith(ENGINE_REFUSES[name])
        else:
            assert said == SERVICE_REFUSED
    finally:
        pool.close()


def test_the_workers_wall_stops_a_relative_iri_a_redirect_and_a_name_for_loopback(pool_settings):
    with silent_listener() as listener, redirector(f"{listener.url}/") as redirect:
        port = listener.url.rsplit(":", 1)[1]
        # the redirector is allowed (an IP literal), and so is localhost by name: a name must resolve to a
        # public address, so localhost reaches nothing
        pool = QueryPool(pool_settings, size=1, services=(redirect, f"http://localhost:{port}/"))
        try:
            assert _run(pool, RELATIVE, base=f"{listener.url}/") == SERVICE_REFUSED
            assert _run(pool, f"SELECT * {{ SERVICE <http://localhost:{port}/> {{ ?s ?p ?o }} }}") == SERVICE_REFUSED
            assert _run(pool, f"SELECT * {{ SERVICE <{redirect}> {{ ?s ?p ?o }} }}") == SERVICE_REFUSED
        finally:
            pool.close()
        assert listener.connections == []


def test_an_allowed_endpoint_is_reached_and_the_listener_counts_it(pool_settings):
    """The positive control: the same listener, allowed by its address, does receive the call."""
    with silent_listener() as listener:
        pool = QueryPool(pool_settings, size=1, services=(f"{listener.url}/",))
        try:
            _run(pool, f"SELECT * {{ SERVICE <{listener.url}/> {{ ?s ?p ?o }} }}")
        finally:
            pool.close()
        assert len(listener.connections) == 1
        assert listener.connections[0][1].startswith(b"POST / HTTP/1.1")


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory, bundled_graphs):
    """A real ``ascn serve`` allowing one endpoint by the name localhost (which the wall must still refuse)."""
    settings = store_copy(tmp_path_factory.mktemp("ssrf-served") / "data", bundled_graphs, PROTOCOL_GRAPHS[:1])
    with silent_listener() as listener:
        port = listener.url.rsplit(":", 1)[1]
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("ASCN_SPARQL_ALLOWED_SERVICES", f'["http://localhost:{port}/sparql"]')
            with running_ascn(settings.data_dir, "--workers", "1", "--timeout", "5") as server:
                yield server, listener, port


@pytest.mark.parametrize("name", SPELLINGS)
def test_the_real_server_refuses_every_spelling_with_one_message(guarded_server, name):
    server, listener, port = guarded_server
    query = SPELLINGS[name].format(port=port)
    answer = http_request(f"{server.url}?{urllib.parse.urlencode({'query': query})}")
    assert (answer.status, answer.text) == (400, SERVICE_REFUSED + "\n")
    assert listener.connections == []


def test_the_real_server_resolves_relative_iris_against_its_own_base_not_the_host_header(guarded_server):
    server, listener, port = guarded_server
    answer = http_request(
        f"{server.url}?{urllib.parse.urlencode({'query': RELATIVE})}", headers={"Host": f"127.0.0.1:{port}"}
    )
    assert (answer.status, answer.text) == (400, SERVICE_REFUSED + "\n")
    answer = http_request(
        f"{server.url}?{urllib.parse.urlencode({'query': 'SELECT (<s> AS ?x) {}', 'format': 'csv'})}",
        headers={"Host": f"127.0.0.1:{port}"},
    )
    assert answer.text.splitlines() == ["x", "https://w3id.org/ascn/s"]
    assert listener.connections == []


def test_refusals_tell_an_open_port_from_a_closed_one_in_no_way(guarded_server):
    server, listener, port = guarded_server
    closed = http_request(
        f"{server.url}?{urllib.parse.urlencode({'query': 'SELECT * { ?a ?b ?c . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }'})}"
    )
    opened = http_request(
        f"{server.url}?{urllib.parse.urlencode({'query': f'SELECT * {{ ?a ?b ?c . SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}'})}"
    )
    assert (closed.status, closed.text) == (opened.status, opened.text) == (400, SERVICE_REFUSED + "\n")
    assert listener.connections == []
