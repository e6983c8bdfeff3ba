"""Per-client rate limits (webapp/limits.py): a bucket for the query routes, one for the rest, off by default.

Each test builds its own app on one shared store copy (closed after the test, so its limiter counts start at
zero); most requests go to routes that answer without a query worker, so the tests stay fast.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from ontology.errors import InputError
from webapp import create_app
from webapp.cli import main
from webapp.store import close_app

ASK = {"query": "ASK {}"}
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, bundled_graphs):
    from tests.conftest import store_copy

    return store_copy(tmp_path_factory.mktemp("rate-limits") / "data", bundled_graphs).data_dir


@pytest.fixture
def make_app(data_dir):
    """``make_app(**config)``: an app over the module's store copy with extra config; closed when the test ends."""
    made = []

    def make(**config):
        app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "AUTO_BUILD": False, **config})
        made.append(app)
        return app

    yield make
    for app in made:
        close_app(app)


def get(client, path, address="192.0.2.1", **kwargs):
    """A GET from the client at ``address``, its response closed (its body read first)."""
    response = client.get(path, environ_base={"REMOTE_ADDR": address}, **kwargs)
    response.get_data()
    response.close()
    return response


def test_the_fourth_sparql_request_in_a_minute_gets_429_with_the_wait_and_the_limit(make_app):
    client = make_app(RATE_LIMIT_SPARQL="3/minute").test_client()
    answers = [get(client, "/sparql", query_string=ASK, headers=JSON_RESULTS) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json["boolean"] for a in answers] == [True, True, True]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"3"}
    assert "Retry-After" not in answers[0].headers  # only a refusal says when to come back
    assert not [name for name in answers[0].headers.keys() if name.startswith("X-ASCN-Limiter")]  # internal

    refused = get(client, "/sparql", query_string=ASK, headers=JSON_RESULTS)
    assert refused.status_code == 429
    assert refused.mimetype == "application/json"
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 61
    assert refused.json == {
        "error": "Too many requests",
        "status": 429,
        "message": "Too many requests from your address: SPARQL queries (/sparql and /api/queries/…) are limited "
        f"to 3 per 1 minute. Try again in {wait} s.",
    }
    assert refused.headers.getlist("Retry-After") == [str(wait)]
    assert not [name for name in refused.headers.keys() if name.startswith("X-ASCN-Limiter")]
    assert refused.headers["X-RateLimit-Limit"] == "3"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert int(refused.headers["X-RateLimit-Reset"]) > 0
    # the endpoint's CORS still applies, and a script on another origin may read when to retry
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    assert "Retry-After" in refused.headers["Access-Control-Expose-Headers"]
    assert "X-RateLimit-Remaining" in refused.headers["Access-Control-Expose-Headers"]


def test_the_query_api_shares_the_sparql_bucket_and_answers_json(make_app):
    client = make_app(RATE_LIMIT_SPARQL="1/minute").test_client()
    assert get(client, "/sparql").status_code == 200  # the service description (no query) counts too
    refused = get(client, "/api/queries/cities_without_projects")
    assert refused.status_code == 429
    assert refused.json["message"].startswith("Too many requests from your address: SPARQL queries")
    assert get(client, "/sparql", headers={"Accept": "text/html"}).mimetype == "application/json"


def test_pages_have_a_bucket_of_their_own(make_app):
    client = make_app(RATE_LIMIT_SPARQL="1/minute", RATE_LIMIT_PAGES="2/minute").test_client()
    assert get(client, "/sparql").status_code == 200
    assert get(client, "/sparql").status_code == 429
    assert [get(client, "/").status_code, get(client, "/api/queries").status_code] == [200, 200]

    page = get(client, "/projects")
    assert page.status_code == 429
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "<h1>Too many requests</h1>" in text
    assert "pages and API calls are limited to 2 per 1 minute" in text
    assert 1 <= int(page.headers["Retry-After"]) <= 61
    api = get(client, "/api/vocabulary")
    assert (api.status_code, api.mimetype) == (429, "application/json")
    assert api.json["message"].startswith("Too many requests from your address: pages and API calls")


def test_static_files_and_cors_preflights_are_never_counted(make_app):
    client = make_app(RATE_LIMIT_SPARQL="1/minute", RATE_LIMIT_PAGES="1/minute").test_client()
    for _ in range(5):
        asset = get(client, "/static/css/site.css")
        assert asset.status_code == 200
        assert "X-RateLimit-Limit" not in asset.headers
        assert client.options("/sparql", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 204
    assert get(client, "/sparql").status_code == 200
    assert get(client, "/").status_code == 200


def test_limits_are_off_by_default(client):
    answers = [get(client, "/sparql", query_string=ASK, headers=JSON_RESULTS) for _ in range(25)]
    answers += [get(client, "/") for _ in range(25)]
    assert {a.status_code for a in answers} == {200}
    assert not any("X-RateLimit-Limit" in a.headers for a in answers)


def test_each_client_address_has_its_own_bucket(make_app):
    client = make_app(RATE_LIMIT_SPARQL="1/minute").test_client()
    assert get(client, "/sparql", address="192.0.2.1").status_code == 200
    assert get(client, "/sparql", address="192.0.2.1").status_code == 429
    assert get(client, "/sparql", address="192.0.2.2").status_code == 200
    assert get(client, "/sparql", address="2001:db8::1").status_code == 200


def test_each_app_counts_on_its_own(make_app):
    first = make_app(RATE_LIMIT_SPARQL="1/minute")
    assert [get(first.test_client(), "/sparql").status_code for _ in range(2)] == [200, 429]
    close_app(first)  # releases the store for the next app; a shared count would outlive it
    second = make_app(RATE_LIMIT_SPARQL="1/minute")
    assert get(second.test_client(), "/sparql").status_code == 200


def test_the_environment_sets_the_limits(make_app, monkeypatch):
    monkeypatch.setenv("ASCN_RATE_LIMIT_PAGES", "1/minute")
    client = make_app().test_client()
    assert [get(client, "/").status_code, get(client, "/").status_code] == [200, 429]


def test_behind_the_trusted_proxy_the_forwarded_client_address_is_the_key(make_app):
    """The same proxy handling as ``ascn serve`` (waitress's, with :func:`webapp.serve._proxy`'s options)."""
    from waitress.adjustments import Adjustments
    from waitress.proxy_headers import proxy_headers_middleware

    from webapp.serve import _proxy

    app = make_app(RATE_LIMIT_SPARQL="1/minute", TRUSTED_PROXY="10.0.0.1")
    adj = Adjustments(**_proxy(app))
    app.wsgi_app = proxy_headers_middleware(
        app.wsgi_app,
        trusted_proxy=adj.trusted_proxy,
        trusted_proxy_count=adj.trusted_proxy_count,
        trusted_proxy_headers=adj.trusted_proxy_headers,
    )
    client = app.test_client()

    def via(peer: str, forwarded_for: str) -> int:
        return get(client, "/sparql", address=peer, headers={"X-Forwarded-For": forwarded_for}).status_code

    # through the proxy: one bucket per forwarded client, not one for the proxy
    assert via("10.0.0.1", "192.0.2.1") == 200
    assert via("10.0.0.1", "192.0.2.1") == 429
    assert via("10.0.0.1", "192.0.2.2") == 200
    assert via("10.0.0.1", "198.51.100.7, 192.0.2.3") == 200  # the address the proxy appended counts
    assert via("10.0.0.1", "198.51.100.8, 192.0.2.3") == 429  # so a client cannot pick its own
    # anyone else forging the header keeps their own address as the key
    assert via("10.0.0.9", "192.0.2.4") == 200
    assert via("10.0.0.9", "192.0.2.5") == 429


def test_a_response_with_its_own_retry_after_keeps_it(make_app):
    """The pool's 503 says ``Retry-After: 1``; the limiter must not replace it with its window's end."""
    from flask import Response

    app = make_app(RATE_LIMIT_PAGES="5/minute")
    app.add_url_rule("/busy", "busy", lambda: Response("busy\n", status=503, headers={"Retry-After": "1"}))
    busy = get(app.test_client(), "/busy")
    assert (busy.status_code, busy.headers.getlist("Retry-After")) == (503, ["1"])
    assert busy.headers["X-RateLimit-Remaining"] == "4"


def test_a_failing_limit_storage_lets_requests_through_and_is_logged(make_app, caplog):
    from webapp.limits import EXTENSION

    app = make_app(RATE_LIMIT_PAGES="1/minute")

    def unreachable(*args, **kwargs):
        raise ConnectionError("storage unreachable")

    app.extensions[EXTENSION].storage.incr = unreachable
    client = app.test_client()
    assert [get(client, "/").status_code for _ in range(3)] == [200, 200, 200]
    assert "storage unreachable" in caplog.text


@pytest.mark.parametrize(
    "config, setting",
    [
        ({"RATE_LIMIT_SPARQL": "lots"}, "ASCN_RATE_LIMIT_SPARQL"),
        ({"RATE_LIMIT_PAGES": 60}, "ASCN_RATE_LIMIT_PAGES"),
        ({"RATE_LIMIT_PAGES": "60/minute", "RATE_LIMIT_STORAGE": "bogus://here"}, "ASCN_RATE_LIMIT_STORAGE"),
    ],
)
def test_a_malformed_setting_stops_the_app_before_it_opens_the_store(config, setting, tmp_path):
    with pytest.raises(InputError, match=f"field '{setting}': expected"):
        create_app({"DATA_DIR": str(tmp_path / "never"), "AUTO_BUILD": False, **config})
    assert not (tmp_path / "never").exists()


def test_serve_refuses_a_malformed_limit_before_building(tmp_path):
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "data"), "serve", "--rate-limit-sparql", "lots"])
    assert result.exit_code == 2
    assert (
        "Invalid value for '--rate-limit-sparql': expected a rate limit such as '60/minute' or "
        "'60/minute;10/second', got 'lots'"
    ) in result.output
    assert not (tmp_path / "data").exists()


def test_ascn_serve_limits_each_client_behind_its_trusted_proxy(tmp_path, bundled_graphs):
    from tests.conftest import running_ascn, store_copy

    settings = store_copy(tmp_path / "data", bundled_graphs)
    with running_ascn(
        settings.data_dir,
        "--trusted-proxy",
        "127.0.0.1",
        "--rate-limit-sparql",
        "2/minute",
        "--rate-limit-pages",
        "100/minute",
    ) as server:

        def ask(client: str):
            request = urllib.request.Request(
                f"{server.url}?query=ASK%7B%7D", headers={"X-Forwarded-For": client, **JSON_RESULTS}
            )
            try:
                with urllib.request.urlopen(request, timeout=20) as r:
                    return r.status, r.headers, r.read().decode()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.headers, exc.read().decode()

        assert [ask("192.0.2.1")[0], ask("192.0.2.1")[0]] == [200, 200]
        status, headers, body = ask("192.0.2.1")
        assert status == 429
        assert headers["X-RateLimit-Limit"] == "2"
        assert (
            re.fullmatch(
                r"Too many requests from your address: SPARQL queries \(/sparql and /api/queries/…\) "
                r"are limited to 2 per 1 minute\. Try again in (\d+) s\.",
                json.loads(body)["message"],
            )[1]
            == headers["Retry-After"]
        )
        assert ask("192.0.2.2")[0] == 200
        with urllib.request.urlopen(server.url.removesuffix("/sparql") + "/", timeout=20) as home:
            assert home.headers["X-RateLimit-Limit"] == "100"
