"""Every GET route fuzzed at once: random paths into each route's placeholders, random parameters (repeated, long,
with markup, digits thousands long), random ``Host`` and ``Accept`` headers. No answer may be a 5xx other than the
documented 503 of the query time limit or of busy workers.

``make test`` sends :data:`REQUESTS` requests (a seeded generator, so every run sends the same ones); the issue's
target run is ``ASCN_FUZZ_REQUESTS=20000 pytest tests/reliability/test_fuzz_routes.py -s``, which prints the
spread of the answers.
"""

from __future__ import annotations

import os
import random
import re
import urllib.parse
from collections import Counter

import pytest

from tests.conftest import store_copy

REQUESTS = int(os.environ.get("ASCN_FUZZ_REQUESTS", "300"))
SEED = 16
NASTY = [
    "<script>",
    '"',
    "'",
    "{",
    "}",
    "|",
    "\\",
    "^",
    "`",
    "<",
    ">",
    "%",
    "..",
    "/",
    "#",
    "?",
    "&",
    "=",
    "\x00",
    "\u202e",
    "🙂",
    "é",
    " ",
    "\t",
    "ⅷ",
    "²",
    "-",
    "_",
    ".",
    "9" * 4301,
    "a" * 70,
    "%00",
    "%ZZ",
    "%C3%28",
]
WORDS = [
    "phuket",
    "da-nang",
    "city",
    "project",
    "partner",
    "focus-area",
    "quality_environment",
    "mobility",
    "jica",
    "th",
    "vn",
    "ongoing",
    "2019",
    "0",
    "-1",
    "1",
    "41",
    "99999999999999999999",
    "true",
    "json",
    "csv",
    "ttl",
    "javascript:alert(1)",
    "https://w3id.org/ascn/id/city/phuket",
    "ASK {}",
    "SELECT * { ?s ?p ?o }",
]
PARAMS = [
    "focus",
    "country",
    "city",
    "partner",
    "status",
    "page",
    "q",
    "from",
    "to",
    "sort",
    "format",
    "who",
    "text",
    "outcome",
    "programme",
    "in_country",
    "top",
    "project",
    "query",
    "default-graph-uri",
    "prefix",
    "kind",
    "exclude_paired",
    "elsewhere",
    "limit",
    "id",
    "name",
]
HOSTS = [
    None,
    "127.0.0.1",
    "localhost:5000",
    "example.org",
    "a" * 64 + ".example.org",
    "x" * 300,
    "[::1]:80",
    "exa mple.org",
    "bad_host!",
    "ex\u00e4mple.org",
    "..",
    "-x.org",
    "x.org:99999999",
    "x.org:port",
    "",
]
ACCEPTS = [
    None,
    "*/*",
    "text/html",
    "application/json",
    "text/turtle",
    "application/sparql-results+json",
    "x/y",
    "text/html;q=0",
    "*/*;q=0",
    "application/ld+json;q=0.5, text/html;q=0.4",
]


def _text(rng: random.Random) -> str:
    pieces = [rng.choice(WORDS) if rng.random() < 0.5 else rng.choice(NASTY) for _ in range(rng.randint(1, 4))]
    return "".join(pieces)


def _request(rng: random.Random, rules: list) -> tuple[str, list, dict]:
    rule = rng.choice(rules)
    path = rule.rule
    for name in rule.arguments:
        value = _text(rng) if rng.random() < 0.7 else rng.choice(WORDS)
        path = re.sub(rf"<(?:[^:<>]+:)?{re.escape(name)}>", lambda _, value=value: value, path)
    params = [(rng.choice(PARAMS), _text(rng)) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.05:
        params += [(rng.choice(PARAMS), rng.choice(WORDS))] * rng.randint(40, 300)
    headers = {k: v for k, v in (("Host", rng.choice(HOSTS)), ("Accept", rng.choice(ACCEPTS))) if v is not None}
    return path, params, headers


@pytest.fixture(scope="module")
def routes_app(tmp_path_factory, bundled_graphs):
    from webapp import create_app
    from webapp.store import close_app

    settings = store_copy(tmp_path_factory.mktemp("fuzz-routes") / "data", bundled_graphs)
    app = create_app(
        {
            "TESTING": False,
            "DATA_DIR": str(settings.data_dir),
            "AUTO_BUILD": False,
            "SPARQL_TIMEOUT": 2,
            "EVALUATION_LIMIT": 20,
        }
    )
    yield app
    close_app(app)


def test_no_get_request_gets_a_5xx(routes_app):
    rules = [r for r in routes_app.url_map.iter_rules() if "GET" in r.methods and not r.rule.startswith("/static")]
    rng = random.Random(SEED)
    client = routes_app.test_client()
    statuses: Counter = Counter()
    failures = []
    for _ in range(REQUESTS):
        path, params, headers = _request(rng, rules)
        target = urllib.parse.quote(path, safe="/%")
        response = client.get(target, query_string=urllib.parse.urlencode(params), headers=headers)
        statuses[response.status_code] += 1
        body = response.get_data(as_text=True)
        if response.status_code >= 500 and not (
            response.status_code == 503 and re.search(r"time limit|busy|try again", body)
        ):
            failures.append((response.status_code, target[:120], params[:3], headers, body[:200]))
    print(
        f"\n{REQUESTS} fuzzed GET requests over {len(rules)} routes: "
        + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
    )
    assert failures == []
