"""/id/ and /id/<kind>/: an entity IRI shortened by hand lists what is there, instead of a 404."""

from __future__ import annotations

import re

import pytest
from rdflib import RDF, RDFS, Graph, Literal
from rdflib.namespace import DCTERMS, VOID

from ontology.namespace import ASCN, ID


def links(html: str) -> list[tuple[str, str]]:
    block = html[html.index('id="kind-entities"') :]
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', block[: block.index("</ul>")])


def test_a_kind_lists_every_entity_of_it_by_name(client):
    cities = links(client.get("/id/city/").get_data(as_text=True))
    assert len(cities) == 38
    assert cities[0] == ("/id/city/bandar-seri-begawan", "Bandar Seri Begawan")
    assert ("/id/city/da-nang", "Da Nang") in cities
    assert len(links(client.get("/id/project/").get_data(as_text=True))) == 179


def test_the_kind_without_its_slash_is_sent_to_it(client):
    response = client.get("/id/city")
    assert response.status_code == 308 and response.headers["Location"].endswith("/id/city/")


def test_an_unknown_kind_is_a_404_naming_the_closest(client):
    response = client.get("/id/ctiy/", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert {"label": "city", "path": "/id/city/"} in response.json["suggestions"]


def test_the_base_lists_the_kinds_with_their_counts(client):
    kinds = dict(links(client.get("/id/").get_data(as_text=True)))
    assert kinds["/id/city/"] == "member city (38)"
    assert kinds["/id/project/"] == "project (179)"
    assert kinds["/id/source-kind/"] == "source kind (7)"  # a kind with no name of its own: its segment in words


def test_an_entity_of_a_kind_without_a_name_of_its_own_is_not_called_entity(client):
    html = client.get("/id/status/ongoing").get_data(as_text=True)
    assert '<p class="kicker">status' in html


@pytest.mark.parametrize(
    ("accept", "query", "media_type", "rdf_format"),
    [
        ("text/turtle", {}, "text/turtle", "turtle"),
        ("application/ld+json", {}, "application/ld+json", "json-ld"),
        ("application/rdf+xml, text/html;q=0.5", {}, "application/rdf+xml", "xml"),
        ("text/html", {"format": "nt"}, "application/n-triples", "nt"),
    ],
)
def test_a_kind_gives_an_rdf_client_its_members_with_their_labels_and_types(
    client, accept, query, media_type, rdf_format
):
    """/id/city/ answered HTML to a client asking for Turtle or JSON-LD; it negotiates as an entity IRI does."""
    response = client.get("/id/city/", headers={"Accept": accept}, query_string=query)
    assert (response.status_code, response.mimetype, "Accept" in response.vary) == (200, media_type, True)
    graph = Graph().parse(data=response.data, format=rdf_format)
    cities = set(graph.subjects(RDF.type, ASCN.City))
    assert len(cities) == 38 and set(graph.subjects()) == cities  # the members only, not their geometries
    assert graph.value(ID["city/da-nang"], RDFS.label) == Literal("Da Nang", lang="en")
    assert set(graph.objects(ID["city/da-nang"], RDF.type)) == {ASCN.City}


def test_a_kind_page_names_its_rdf_alternates(client):
    response = client.get("/id/project/")
    assert (response.mimetype, "Accept" in response.vary) == ("text/html", True)
    assert '<link rel="alternate" type="text/turtle" href="/id/project/?format=ttl">' in response.get_data(as_text=True)
    assert "</id/project/?format=ttl>" in response.headers["Link"]
    assert "</id/?format=ttl>" in client.get("/id/").headers["Link"]


def test_the_index_of_entity_kinds_answers_rdf_to_an_rdf_client(client):
    """/id/ answered its HTML page to ``Accept: text/turtle``, though /id/city/ had Turtle."""
    response = client.get("/id/", headers={"Accept": "text/turtle"})
    assert (response.status_code, response.mimetype, "Accept" in response.vary) == (200, "text/turtle", True)
    g = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    cities = ID["city/"]
    assert (ID[""], DCTERMS.hasPart, cities) in g and g.value(cities, VOID.entities).toPython() == 38
    assert len(set(g.objects(ID[""], DCTERMS.hasPart))) == len(set(g.subjects(RDFS.label, None)))
