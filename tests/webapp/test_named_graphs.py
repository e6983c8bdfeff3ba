"""A named graph's IRI, dereferenced: the IRIs TriG, the VoID description and GRAPH ?g give a researcher."""

from __future__ import annotations

import re

from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import VOID

from loaders import dataset
from ontology.namespace import ASCN, GRAPH
from tests.conftest import PROTOCOL_GRAPHS, store_copy
from webapp.store import get_store

CITIES = GRAPH["bundled/cities"]


def test_a_named_graphs_iri_gives_its_description_as_a_page_and_as_rdf(client):
    page = client.get("/graph/bundled/cities")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Accept" in page.headers["Vary"].split(", ")
    assert '<strong id="graph-triples">967</strong>' in html
    assert re.search(r'href="/ontology#city">Member city</a></td><td class="num">38</td>', html)
    turtle = client.get("/graph/bundled/cities", headers={"Accept": "text/turtle"})
    described = Graph().parse(data=turtle.data, format="turtle")
    assert described.value(CITIES, VOID.triples) == Literal(967)
    partitions = {
        described.value(p, VOID["class"]): int(described.value(p, VOID.entities))
        for p in described.objects(CITIES, VOID.classPartition)
    }
    assert partitions[ASCN.City] == 38


def test_a_named_graphs_json_ld_reads_as_plain_json_with_the_published_context(client):
    """It was expanded (``"http://rdfs.org/ns/void#triples": [{"@value": 967}]``); it now carries the context's terms
    it uses, as an entity's JSON-LD does, links the whole context, and parses to the Turtle's graph."""
    response = client.get("/graph/bundled/cities", headers={"Accept": "application/ld+json"})
    document = response.get_json()
    nodes = {node["@id"]: node for node in document["@graph"]}
    assert (nodes[str(CITIES)]["triples"], nodes["ascn:City"]["label"]) == (967, "member city")
    assert document["@context"]["label"] == {"@id": "rdfs:label", "@language": "en"}
    assert '</ontology/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"' in response.headers["Link"]
    turtle = client.get("/graph/bundled/cities", headers={"Accept": "text/turtle"})
    assert isomorphic(Graph().parse(data=response.data, format="json-ld"), Graph().parse(data=turtle.data))


def test_the_page_links_the_graphs_own_triples(client):
    html = client.get("/graph/bundled/countries").get_data(as_text=True)
    link = re.search(r'id="graph-content" href="([^"]+)"', html)[1].replace("&amp;", "&")
    content = client.get(link)
    assert content.status_code == 200 and content.mimetype == "text/turtle"
    assert len(Graph().parse(data=content.data, format="turtle")) == 80  # as GRAPH <…/countries> counts them


def test_an_unknown_graph_is_a_404_naming_the_closest(client):
    missing = client.get("/graph/bundled/citie", headers={"Accept": "application/json"})
    assert missing.status_code == 404
    assert {"label": "bundled/cities", "path": "/graph/bundled/cities"} in missing.json["suggestions"]


def test_the_dataset_page_links_its_graphs_here(client):
    assert 'href="/graph/bundled/cities"' in client.get("/id/dataset/ascn-kg").get_data(as_text=True)


def test_a_graph_loaded_after_the_build_is_described_as_it_is(tmp_path, bundled_graphs):
    from webapp import create_app
    from webapp.store import close_app

    settings = store_copy(tmp_path / "data", bundled_graphs)
    app = create_app({"TESTING": True, "DATA_DIR": str(settings.data_dir), "AUTO_BUILD": False})
    try:
        with app.app_context():
            dataset.load(get_store(), PROTOCOL_GRAPHS[0])
        page = app.test_client().get("/graph/user/data1")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and '<strong id="graph-triples">4</strong>' in html
        assert '<strong id="graph-entities">0</strong>' in html and "No typed entity" in html
    finally:
        close_app(app)
