"""A query pinned to a release gives that release's answer after the data changed: /sparql?release= and
/query?release=, on a store whose second build changed Ha Noi's joining year and removed a project."""

from __future__ import annotations

import json
import os

import pytest

from graph import releases
from graph.backends import open_store
from loaders import dataset
from tests.conftest import store_copy
from tests.graph.test_releases import _changed_records

JOINED = (
    "PREFIX ascn: <https://w3id.org/ascn/ontology#> SELECT ?year WHERE { "
    "<https://w3id.org/ascn/id/city/hanoi> ascn:joinedYear ?year }"
)
PROJECTS = "PREFIX ascn: <https://w3id.org/ascn/ontology#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a ascn:Project }"


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory, bundled_graphs):
    """The app on a copy of the bundled build rebuilt from the changed records, for the module (its tests only
    read): releases 1 and 2."""
    from webapp import create_app
    from webapp.store import close_app

    settings = store_copy(tmp_path_factory.mktemp("pinned") / "data", bundled_graphs)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _changed_records(monkeypatch)
        store = open_store(settings)
        try:
            dataset.build(store)
        finally:
            store.close()
        app = create_app(
            {"TESTING": True, "DATA_DIR": str(settings.data_dir), "AUTO_BUILD": False, "SPARQL_TIMEOUT": 5}
        )
        yield app
        close_app(app)


def _values(client, query: str, release: str | None = None) -> list[str]:
    params = {"query": query, **({"release": release} if release else {})}
    response = client.get("/sparql", query_string=params, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = json.loads(response.get_data())
    return [b[body["head"]["vars"][0]]["value"] for b in body["results"]["bindings"]]


def test_a_pinned_query_answers_from_its_release(two_releases):
    client = two_releases.test_client()
    new, old = releases.list_releases(two_releases.extensions["ascn"].store)
    assert _values(client, JOINED) == ["2019"]
    assert _values(client, JOINED, old.version) == ["2018"]
    assert _values(client, JOINED, "1") == ["2018"]  # the number names it too
    assert _values(client, JOINED, new.version) == ["2019"]
    assert int(_values(client, PROJECTS, old.version)[0]) == int(_values(client, PROJECTS)[0]) + 1
    # the ontology is there too: a class's label answers on the pinned release
    label = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE { "
        "<https://w3id.org/ascn/ontology#City> rdfs:label ?l }"
    )
    assert _values(client, label, old.version) == ["member city"]


def test_an_unknown_release_is_refused_naming_the_versions(two_releases):
    client = two_releases.test_client()
    response = client.get("/sparql", query_string={"query": JOINED, "release": "2000-01-01.9"})
    assert response.status_code == 404
    assert "no release '2000-01-01.9'" in response.get_data(as_text=True)
    latest = releases.list_releases(two_releases.extensions["ascn"].store)[0].version
    near = latest.rsplit(".", 1)[0] + ".9"  # a version of the same day, which the message offers close ones for
    editor = client.get(f"/query?release={near}", headers={"Accept": "application/json"})
    # it read "no release '2026-12-07.9'; did you mean: 2026-12-07.1?: the releases are listed on /changes"
    assert editor.status_code == 404
    assert (
        editor.json["message"].startswith(f"no release '{near}'; did you mean: ") and latest in editor.json["message"]
    )
    assert editor.json["message"].endswith("? (the releases are listed on /changes)")


def test_the_editor_pins_its_endpoint(two_releases):
    client = two_releases.test_client()
    new, old = releases.list_releases(two_releases.extensions["ascn"].store)
    page = client.get(f"/query?release={old.version}").get_data(as_text=True)
    assert f'data-endpoint="http://localhost/sparql?release={old.version}"' in page
    assert (
        f"Pinned to release <strong>{old.version}</strong>" in page and f"the current release is {new.version}" in page
    )
    live = client.get("/query").get_data(as_text=True)
    assert f'href="/query?release={new.version}">Pin the editor to this release</a>' in live


def test_the_pinned_workers_and_the_live_ones_share_half_the_machine(two_releases):
    """Each pinned release's worker took a live worker's bound on top of the live workers' half of the machine: with
    4 workers and the lane, a fifth of half each, and 2 pinned releases two fifths more (140% of half)."""
    from webapp.pinned import EXTENSION

    client = two_releases.test_client()
    for release in releases.list_releases(two_releases.extensions["ascn"].store):
        _values(client, JOINED, release.version)
    live = two_releases.extensions["ascn"].pool
    pinned = list(two_releases.extensions[EXTENSION]["pools"].values())
    assert len(pinned) == 2
    bounds = [live.memory] * (live.size + live.lane) + [pool.memory * pool.size for pool in pinned]
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert sum(bounds) <= max(physical // 2, len(bounds) * 2**30)  # each at least 1 GiB, as before
