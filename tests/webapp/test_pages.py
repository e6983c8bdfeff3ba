"""The pages a person browses, through Flask's test client on the bundled graph: home, entity pages (with their
sources, gaps, confidence marks, recommendations and Linked Data), Find projects, errors and security headers."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

from ontology.namespace import ASCN, GRAPH, ID

DA_NANG = URIRef("https://w3id.org/ascn/id/city/da-nang")

ENTITY_PAGES = [
    ("/id/city/da-nang", "Da Nang", "/id/source/ascn_scaps_2018"),
    ("/id/country/vn", "Viet Nam", "/id/source/iso_3166"),
    ("/id/partner/sfpuc", "San Francisco Public Utilities Commission", "/id/source/usascp_water"),
    (
        "/id/programme/asean-japan-hlm",
        "ASEAN-Japan Smart Cities Network High Level Meeting",
        "/id/source/meti_2024_6th_hlm",
    ),
    ("/id/pairing/jica-siemreap", "Siem Reap – Japan", "/id/source/ascn_me_2023"),
    ("/id/project/dad-ioc", "Intelligent Operation Centre (Da Nang)", "/id/source/ascn_me_2025"),
    ("/id/focus-area/safety_security", "Safety and Security", "/id/source/ascn_framework"),
    ("/id/outcome/high_quality_of_life", "High Quality of Life", "/id/source/ascn_framework"),
    ("/id/practice/bp-expertise-gap", "Cities most often ask for technical know-how", "/id/source/ascn_me_2022"),
    ("/id/network/ascn", "ASEAN Smart Cities Network", "/id/source/ascn_concept_note"),
    ("/id/framework/ascf", "ASEAN Smart Cities Framework", "/id/source/ascn_framework"),
]


def page_text(response) -> str:
    assert response.status_code == 200, response.data[:500]
    return response.get_data(as_text=True)


def test_home_page_counts_come_from_the_graph(client):
    html = page_text(client.get("/"))
    figures = dict((label, int(n)) for n, label in re.findall(r'class="figure">(\d+)</span> ([a-z–\- ]+?)<', html))
    assert figures == {
        "member cities": 38,
        "member states": 11,
        "projects": 179,
        "external partners": 58,
        "city–partner pairings": 44,
        "partner programmes": 42,
        "best practices": 32,
        "source documents": 153,
        "annual meetings": 9,
    }
    assert "is a collaborative platform of cities from the ASEAN Member States" in html


def test_home_page_figures_open_the_lists_they_count(client):
    """Every figure, the member states too (which led to the map above, unlike the others)."""
    html = page_text(client.get("/"))
    linked = re.findall(r'<a href="(/id/[a-z-]+/)"><span class="figure">(\d+)</span> ([a-z–\- ]+?)</a>', html)
    assert [label for _, _, label in linked] == [
        "member cities",
        "member states",
        "external partners",
        "city–partner pairings",
        "partner programmes",
        "best practices",
        "source documents",
        "annual meetings",
    ]
    for path, figure, label in linked:
        listing = page_text(client.get(path))
        assert f"<small>({figure})</small></h1>" in listing, label
        assert len(re.findall(rf'<li><a href="{path}[^"]+">', listing)) == int(figure), label


def test_entity_page_breadcrumb_leads_to_every_entity_of_its_kind(client):
    html = page_text(client.get("/id/partner/jica"))
    assert '› <a href="/id/partner/">External partner</a></p>' in html
    assert "<h1>Every external partner <small>(58)</small></h1>" in page_text(client.get("/id/partner/"))


def test_a_kind_named_with_an_acronym_keeps_it_upper_case_and_is_named_once(client):
    """An annual meeting's breadcrumb read "Ascn annual meeting" (Jinja's capitalize lowers all but the first
    letter), its kicker "ASCN annual meeting · ASCN annual meeting", and the named graph's class table "Ascn
    annual meeting"."""
    html = page_text(client.get("/id/annual-meeting/9"))
    assert '› <a href="/id/annual-meeting/">ASCN annual meeting</a></p>' in html
    assert '<p class="kicker">ASCN annual meeting</p>' in html
    assert "› ASCN annual meeting</p>" in page_text(client.get("/id/annual-meeting/"))
    graph = page_text(client.get("/graph/bundled/annual_meetings"))
    assert ">ASCN annual meeting</a></td>" in graph and "Ascn" not in graph


def test_the_homes_projects_per_state_add_up_to_its_project_count_with_the_network_wide_ones(client):
    """The map's member states hold 173 projects and the figures say 179, with nothing to say the other 6 are the
    network's own (the ASCN portal, the planning guidebook, ...)."""
    html = page_text(client.get("/"))
    block = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)[1]
    per_state = sum(country["projects"] for country in json.loads(block)["countries"])
    note = " ".join(re.search(r'<p class="note">Each dot is a member city(.*?)</p>', html, re.S)[1].split())
    assert (per_state, note.rsplit("; ", 1)[-1]) == (
        173,
        "the other 6 of the 179 projects are network-wide, of no one state.",
    )


def test_home_map_data_holds_every_member_city_with_its_country(client):
    html = page_text(client.get("/"))
    block = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)[1]
    cities = json.loads(block)["cities"]
    assert len(cities) == 38
    da_nang = next(c for c in cities if c["label"] == "Da Nang")
    assert (da_nang["path"], da_nang["iso2"], da_nang["lat"], da_nang["long"]) == (
        "/id/city/da-nang",
        "vn",
        16.0544,
        108.2022,
    )


@pytest.mark.parametrize(("path", "label", "source"), ENTITY_PAGES, ids=[p[0].split("/")[2] for p in ENTITY_PAGES])
def test_each_entity_type_renders_with_its_sources(client, path, label, source):
    html = page_text(client.get(path))
    assert f"<h1>{label.replace('&', '&amp;')}</h1>" in html
    assert f'href="{source}"' in html


def test_source_page_lists_the_facts_taken_from_it(client):
    html = page_text(client.get("/id/source/thesun_2025_ascn8"))
    assert re.search(r"<h3>[A-Z][a-z ]+ citing this source <small>", html)
    assert (
        "https://thesun.my/malaysia-news/asean-smart-city-action-plan-2026-2035-tops-ascn8-meeting-agenda-EL14860040"
        in html
    )


def test_city_page_shows_missing_facts_as_gaps(client):
    html = page_text(client.get("/id/city/ipoh"))
    assert "no population figure in the sources" in html
    assert "no population figure" not in page_text(client.get("/id/city/da-nang"))


def test_a_status_the_sheet_gives_no_date_for_shows_the_gap(client):
    # The sheet's status_as_of is null for the Da Nang Smart JAMP digital-map survey: the row was left out, so
    # nothing on the page said the date is unknown (fidelity audit, seed 20261207).
    html = page_text(client.get("/id/project/dad-smartjamp-digital-map"))
    row = html[html.index("<dt>Status as of</dt>") : html.index("<dt>Period as stated</dt>")]
    assert "no date of the status in the sources" in row
    dated = page_text(client.get("/id/project/dad-ioc"))
    assert "no date of the status" not in dated and "<dt>Status as of</dt>" in dated


def test_population_shows_its_own_source_and_reference_year(client):
    html = page_text(client.get("/id/city/da-nang"))
    row = html[html.index("<dt>Population</dt>") : html.index("<dt>Land area</dt>")]
    assert "1,000,000" in row and "reference year 2018" in row
    assert 'href="/id/source/ascn_scaps_2018"' in row


def test_low_confidence_is_marked_with_its_reason(client):
    html = page_text(client.get("/id/partner/john_wiley_sons"))
    assert 'class="confidence confidence-low"' in html
    assert "Only an announcement of intent in local news." in html


def test_a_mark_without_a_reason_says_the_reason_is_missing(client):
    # The fact sheet marks MinebeaMitsumi medium without saying why: a visible gap, not a guess.
    html = page_text(client.get("/id/partner/minebea_mitsumi"))
    assert 'class="confidence confidence-medium"' in html
    assert '<span class="confidence-reason gap">the fact sheet gives no reason for this mark</span>' in html
    assert "the fact sheet gives no reason" not in page_text(client.get("/id/partner/john_wiley_sons"))


def test_city_page_recommends_peer_projects_and_similar_cities_with_reasons(client):
    html = page_text(client.get("/id/city/da-nang"))
    peers = html[html.index('id="rec-projects_for_city"') : html.index('id="rec-similar_cities"')]
    first = re.search(r'class="rec-title" href="([^"]+)">([^<]+)<', peers)
    assert first.groups() == ("/id/project/han-ioc", "Intelligent Operations Centre (Ha Noi)")
    assert "tackles what Intelligent Operation Centre (Da Nang) does" in re.sub(r"<[^>]+>", "", peers)
    assert '<span class="rec-place">Ha Noi, Viet Nam</span>' in peers
    assert 'href="/id/source/ascn_me_2022"' in peers
    similar = html[html.index('id="rec-similar_cities"') :]
    assert re.search(r'class="rec-title" href="/id/city/hanoi">Ha Noi<', similar)


def test_project_and_partner_pages_carry_their_recommendations(client):
    assert 'id="rec-projects_like"' in page_text(client.get("/id/project/dad-ioc"))
    partner = page_text(client.get("/id/partner/japan_mlit"))
    assert 'id="rec-cities_for_partner"' in partner
    assert partner.count('class="rec-title" href="/id/city/') == 5


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/id/city/hanoi/geometry", "geometry"),
        ("/id/partner/european_union/funding-period/2", "Funding period 2021-2024 (as reported)"),
    ],
)
def test_a_part_of_a_city_or_partner_has_a_page_without_that_kinds_recommendations(client, path, label):
    response = client.get(path)
    assert response.status_code == 200
    html = page_text(response)
    assert f"<h1>{label}</h1>" in html
    assert 'id="rec-' not in html


@pytest.mark.parametrize(
    ("path", "owner"),
    [
        ("/id/partner/european_union/funding-period/1", "/id/partner/european_union"),
        ("/id/city/dili/population", "/id/city/dili"),
        ("/id/network/ascn/statement/19/term/2", "/id/network/ascn/statement/19"),
    ],
)
def test_a_part_links_back_to_its_owner_and_claims_none_of_the_owners_gaps(client, path, owner):
    """A funding period's page said "no pairing with a member city in the sources" and "no project involving this
    partner" (its IRI's type segment is its partner's), and a shepherd term's said "Nothing in the graph links to
    this network", though its statement links to it."""
    html = page_text(client.get(path))
    linked_from = html[html.index('id="links"') : html.index('id="sources"')]
    assert f'href="{owner}"' in linked_from
    assert "no pairing" not in html and "no project" not in html and "Nothing in the graph links" not in html


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [("text/turtle; charset=utf-8", "text/turtle"), ("text/html; charset=utf-8", "text/html")],
)
def test_an_entity_iri_meets_an_accept_asking_for_utf_8(client, accept, media_type):
    response = client.get("/id/city/da-nang", headers={"Accept": accept})
    assert (response.status_code, response.mimetype) == (200, media_type)


def test_unknown_entity_is_a_404_page_with_the_closest_names(client):
    response = client.get("/id/city/da-nangg")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "The graph has no city at /id/city/da-nangg." in html
    assert '<a href="/id/city/da-nang">Da Nang</a>' in html


def test_a_feed_of_no_city_offers_the_feeds_of_the_closest_ones(client):
    response = client.get("/feeds/city/cebu.atom", headers={"Accept": "application/json"})
    assert response.status_code == 404
    body = response.get_json()
    assert body["message"] == "There is no feed for city 'cebu': no such city in the graph."
    assert body["suggestions"][0] == {"path": "/feeds/city/cebu-city.atom", "label": "Cebu City"}
    assert client.get("/feeds/city/cebu-city.atom").status_code == 200


def test_a_routes_own_404_says_what_is_missing_without_offering_the_page_itself(client):
    response = client.get("/changes?from=nope")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "no release &#39;nope&#39;; did you mean: " in html
    assert "<h2>Did you mean</h2>" not in html  # it offered /changes, the page the reader is on
    mistyped = client.get("/change").get_data(as_text=True)
    assert "<h2>Did you mean</h2>" in mistyped and '<li><a href="/changes">/changes</a></li>' in mistyped


@pytest.mark.parametrize(
    ("accept", "json"),
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("application/json;charset=utf-8, text/html;q=0.5", True),
        ("application/json, text/html", False),
        ("*/*", False),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
    ],
)
def test_an_error_is_json_for_a_client_that_prefers_json_with_or_without_a_charset(client, accept, json):
    """A client asking for JSON in UTF-8 got the HTML 404 page (werkzeug matched no offer to a range with a
    charset); a tie and browsers still get HTML."""
    response = client.get("/projets", headers={"Accept": accept})
    assert (response.status_code, response.mimetype) == (404, "application/json" if json else "text/html")
    if json:
        assert response.get_json()["suggestions"][0]["path"] == "/projects"


@pytest.mark.parametrize(
    ("accept", "query"),
    [
        ("text/turtle", {}),
        ("application/ld+json", {}),
        ("application/n-triples; charset=utf-8", {}),
        ("application/rdf+xml, text/html;q=0.5", {}),
        ("*/*", {"format": "ttl"}),
    ],
)
def test_an_unknown_entity_asked_for_as_rdf_is_a_plain_text_404(client, accept, query):
    """An RDF client asking for an IRI the graph does not hold got the HTML 404 page, which its parser then read
    as data; it gets the message and the closest entities as plain text."""
    response = client.get("/id/city/singapor", headers={"Accept": accept}, query_string=query)
    assert (response.status_code, response.mimetype, "Accept" in response.vary) == (404, "text/plain", True)
    assert response.get_data(as_text=True) == (
        "404 Page not found: The graph has no city at /id/city/singapor.\nDid you mean:\n  /id/city/singapore  Singapore\n"
    )


@pytest.mark.parametrize("accept", ["*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None])
def test_an_unknown_entity_asked_for_by_a_browser_is_the_html_404_page(client, accept):
    response = client.get("/id/city/singapor", headers={"Accept": accept} if accept else {})
    assert (response.status_code, response.mimetype) == (404, "text/html")
    assert '<a href="/id/city/singapore">Singapore</a>' in response.get_data(as_text=True)


def test_an_unknown_entity_is_offered_only_close_names(client):
    """/id/city/nowhere offered Singapore (difflib's ratio 0.5: n, o, r, e in order); nothing is that close."""
    response = client.get("/id/city/nowhere", headers={"Accept": "text/plain"})
    assert response.get_data(as_text=True) == "404 Page not found: The graph has no city at /id/city/nowhere.\n"
    assert "Did you mean" not in client.get("/id/city/nowhere").get_data(as_text=True)
    accented = client.get("/id/city/%C4%91%C3%A0-n%E1%BA%B5ng", headers={"Accept": "text/plain"})  # đà-nẵng
    assert "/id/city/da-nang  Da Nang\n" in accented.get_data(as_text=True)
    assert "/id/city/cebu-city  Cebu City\n" in client.get("/id/city/cebu", headers={"Accept": "text/plain"}).text


def test_unknown_kind_suggests_entities_of_any_kind(client):
    response = client.get("/id/citty/hanoi")
    assert response.status_code == 404
    assert '<a href="/id/city/hanoi">Ha Noi</a>' in response.get_data(as_text=True)


def test_unknown_page_is_a_404_page(client):
    response = client.get("/projets")
    assert response.status_code == 404
    assert '<a href="/projects">/projects</a>' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("accept", "media_type", "rdf_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/turtle;q=0.9, text/html;q=0.5", "text/turtle", "turtle"),
        ("text/plain", "application/n-triples", "nt"),  # N-Triples' historical media type; it was a 406
        ("application/json", "application/ld+json", "json-ld"),  # JSON-LD is JSON; it was a 406
    ],
)
def test_entity_iri_negotiates_rdf_by_accept(client, accept, media_type, rdf_format):
    response = client.get("/id/city/da-nang", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.vary
    graph = Graph().parse(data=response.data, format=rdf_format)
    assert (DA_NANG, RDFS.label, Literal("Da Nang", lang="en")) in graph
    population = graph.value(DA_NANG, ASCN.population)
    assert graph.value(population, RDF.value).toPython() == 1000000
    assert (URIRef("https://w3id.org/ascn/id/country/vn"), RDFS.label, Literal("Viet Nam", lang="en")) in graph


def test_entity_json_ld_reads_as_plain_json_with_the_published_context(client):
    """The JSON-LD of an entity was expanded (``"http://www.w3.org/2000/01/rdf-schema#label": [{"@language": "en",
    ...}]``); it now carries the terms it uses of the context published at /ontology/context.jsonld (linked from the
    ontology page and the answer's Link header), reads as plain keys, and still parses to the Turtle's graph."""
    response = client.get("/id/city/da-nang", headers={"Accept": "application/json"})
    document = response.get_json()
    city = next(node for node in document["@graph"] if node["@id"] == str(DA_NANG))
    assert (city["@type"], city["label"], city["joinedYear"], city["pilotCity"]) == ("City", "Da Nang", "2018", True)
    assert city["country"] == "https://w3id.org/ascn/id/country/vn"
    assert sorted(city["altLabel"]) == ["Danang", "Đà Nẵng"] and len(city["source"]) == 5
    published = client.get("/ontology/context.jsonld")
    assert published.mimetype == "application/ld+json"
    assert published.headers["Access-Control-Allow-Origin"] == "*"
    context = published.get_json()["@context"]
    assert document["@context"].items() <= context.items() and len(document["@context"]) < len(context)
    assert '</ontology/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"' in response.headers["Link"]
    assert 'href="/ontology/context.jsonld"' in client.get("/ontology").get_data(as_text=True)
    turtle = client.get("/id/city/da-nang", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert isomorphic(Graph().parse(data=response.data, format="json-ld"), Graph().parse(data=turtle, format="turtle"))


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("ttl", "text/turtle"),
        ("nt", "application/n-triples"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("html", "text/html"),
    ],
)
def test_format_parameter_overrides_accept(client, fmt, media_type):
    response = client.get(f"/id/project/dad-ioc?format={fmt}", headers={"Accept": "text/html"})
    assert (response.status_code, response.mimetype, "Accept" in response.vary) == (200, media_type, True)


NEGOTIATED = ["/id/city/da-nang", "/ontology", "/id/"]
"""The routes that answer HTML or RDF (webapp.linked_data.negotiate)."""


@pytest.mark.parametrize("path", NEGOTIATED)
@pytest.mark.parametrize(
    "accept",
    [
        "*/*",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8",
        "image/png,*/*;q=0.5",
        # Safari 5 and Firefox 2 ranked application/xml with XHTML and above text/html: they still get the page
        "application/xml,application/xhtml+xml,text/html;q=0.9,text/plain;q=0.8,image/png,*/*;q=0.5",
        "text/xml,application/xml,application/xhtml+xml,text/html;q=0.9,text/plain;q=0.8,image/png,*/*;q=0.5",
        "application/xml, text/html",
    ],
)
def test_browsers_and_any_accept_get_html(client, path, accept):
    response = client.get(path, headers={"Accept": accept})
    assert (response.status_code, response.mimetype, "Accept" in response.vary) == (200, "text/html", True)


@pytest.mark.parametrize("path", NEGOTIATED)
def test_an_application_wildcard_gets_rdf_labelled_as_it_is(client, path):
    """``Accept: application/*`` got the HTML page labelled text/html (XHTML met the wildcard), a type the client
    did not accept; it gets N-Triples, the first RDF syntax under application/. XHTML named gets the page still."""
    response = client.get(path, headers={"Accept": "application/*"})
    assert (response.status_code, response.mimetype) == (200, "application/n-triples")
    assert len(Graph().parse(data=response.get_data(as_text=True), format="nt")) > 0
    assert client.get(path, headers={"Accept": "application/xhtml+xml"}).mimetype == "text/html"


@pytest.mark.parametrize("path", NEGOTIATED)
@pytest.mark.parametrize("accept", ["application/xml", "text/xml", "text/xml;q=0.5, image/png"])
def test_a_client_asking_for_xml_alone_gets_rdf_xml(client, path, accept):
    """``Accept: application/xml`` (an XML tool, curl) was a 406, where /sparql and /.well-known/void answer RDF/XML,
    which is XML; a browser naming HTML too still gets the page (above)."""
    response = client.get(path, headers={"Accept": accept})
    assert (response.status_code, response.mimetype, "Accept" in response.vary) == (200, "application/rdf+xml", True)
    assert len(Graph().parse(data=response.get_data(as_text=True), format="xml")) > 0


@pytest.mark.parametrize("path", NEGOTIATED)
def test_html_refused_with_q_0_is_never_sent_though_a_wildcard_accepts(client, path):
    """``text/html;q=0, */*`` got the page the client had refused (werkzeug let */* give text/html its quality);
    the most specific range decides, so it gets the first RDF syntax."""
    response = client.get(path, headers={"Accept": "text/html;q=0, */*"})
    assert (response.status_code, response.mimetype) == (200, "text/turtle")


@pytest.mark.parametrize("path", NEGOTIATED)
def test_unknown_format_and_unmet_accept_are_refused_listing_the_formats(client, path):
    response = client.get(path, query_string={"format": "png"})
    assert response.status_code == 400
    assert "parameter &#39;format&#39;: unknown format &#39;png&#39;; use one of html, ttl, nt, jsonld, rdf" in (
        response.get_data(as_text=True)
    )
    for accept in ("image/png", "application/pdf, text/html;q=0"):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 406, accept
        assert (
            "this is available as text/html, text/turtle, application/n-triples, application/ld+json, "
            "application/rdf+xml" in response.get_data(as_text=True)
        )


def test_entity_page_embeds_schema_org_json_ld_from_the_graph(client):
    html = page_text(client.get("/id/city/da-nang"))
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert data["@id"] == str(DA_NANG)
    assert data["@type"] == ["City"]
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 16.0544, "longitude": 108.2022}
    assert data["containedInPlace"] == [{"@id": "https://w3id.org/ascn/id/country/vn", "name": "Viet Nam"}]


def test_find_projects_narrows_by_facets_and_counts_reflect_other_filters(client):
    html = page_text(client.get("/projects?focus=safety_security"))
    assert "25 projects match your search" in html
    html = page_text(client.get("/projects?focus=safety_security&country=vn"))
    assert "3 projects match your search" in html
    focus = html[html.index('data-facet="focus"') : html.index('data-facet="country"')]
    # The focus counts ignore the focus filter itself: Viet Nam's projects per focus area.
    assert re.search(
        r'value="safety_security" checked> Safety and Security</label>\s*<span class="count"[^>]*>3<', focus
    )


def test_a_period_with_one_year_reads_as_a_person_reads_it_and_the_graph_keeps_it_as_stated(client):
    """Putrajaya's CCTV project (stated "-2030", no start year) read "· -2030", like a negative number."""
    listed = " ".join(page_text(client.get("/projects?city=putrajaya&q=CCTV")).split())
    assert "· until 2030 ·" in listed and "-2030" not in listed
    (row,) = csv.DictReader(io.StringIO(client.get("/projects.csv?city=putrajaya&q=CCTV").get_data(as_text=True)))
    assert (row["period"], row["end"]) == ("until 2030", "2030")
    page = " ".join(re.sub(r"<[^>]+>", " ", page_text(client.get("/id/project/pjy-cctv-panic"))).split())
    assert "Period as stated until 2030" in page
    turtle = client.get("/id/project/pjy-cctv-panic", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert (ID["project/pjy-cctv-panic"], ASCN.period, Literal("-2030")) in Graph().parse(data=turtle, format="turtle")


def test_find_projects_finds_a_project_in_each_city_it_spans(client):
    # The USASCP hospital project runs in Phnom Penh, Siem Reap and Battambang; the city facet knew only the first.
    for city in ("phnom-penh", "siem-reap", "battambang"):
        assert "Smart Green Hospital Network" in page_text(client.get(f"/projects?city={city}"))


def test_find_projects_free_text_matches_name_and_description(client):
    html = page_text(client.get("/projects?q=Hydrogen"))
    assert "1 project match" in html and "Hydrogen Energy (Hydrogen Forklift)" in html


@pytest.mark.parametrize("typed", ["Hanoi", "Ha Noi", "Hà Nội", "hanoi"])
def test_find_projects_free_text_matches_the_city_by_any_of_its_names(client, typed):
    """An officer typing a city's name finds its projects however the sources spell it: /projects?q=Hanoi found
    none, since the graph's label is "Ha Noi" and only names and descriptions were read. The page and its CSV
    share the filter."""
    html = page_text(client.get("/projects", query_string={"q": typed}))
    assert "2 projects match your search" in html
    assert "Intelligent Operations Centre (Ha Noi)" in html
    table = list(
        csv.DictReader(io.StringIO(client.get("/projects.csv", query_string={"q": typed}).get_data(as_text=True)))
    )
    assert [row["city"] for row in table] == ["Ha Noi", "Ha Noi"]


@pytest.mark.parametrize("typed", ["Vietnam", "Viet Nam", "Việt Nam"])
def test_find_projects_free_text_matches_the_member_state_by_any_of_its_names(client, typed):
    """A country's name finds what its facet finds (/projects?country=vn: 9 projects)."""
    assert "9 projects match your search" in page_text(client.get("/projects", query_string={"q": typed}))


@pytest.mark.parametrize("typed", ["Đà Nẵng", "ĐÀ NẴNG", "Ｄａ Ｎａｎｇ", "da nang"])
def test_find_projects_free_text_folds_accents_and_widths(client, typed):
    """A name typed with its Vietnamese marks, in capitals or full-width finds what its plain spelling finds,
    as /search does."""
    html = page_text(client.get("/projects", query_string={"q": typed}))
    assert "4 projects match your search" in html
    assert "Intelligent Operation Centre (Da Nang)" in html and "Smart Water Management System (Da Nang)" in html


def test_find_projects_marks_the_words_found_however_typed(client):
    """The description's words that matched are marked as they are written, whatever accents the search had."""
    html = page_text(client.get("/projects", query_string={"q": "phnom pénh-sihanoukville"}))
    assert "1 project matches your search" in html
    assert "<mark>Phnom Penh-Sihanoukville</mark>" in html


def test_a_period_that_ends_before_it_starts_is_named_in_the_empty_answer(client):
    """/projects?from=2030&to=2020 said only "Remove a filter above". It stays an empty answer, not a 400: the page
    searches as a person types, and a year half-way through an edit must not turn the page into an error."""
    html = page_text(client.get("/projects", query_string={"from": "2030", "to": "2020"}))
    assert "No project matches this search: its period ends in 2020, before it starts in 2030." in html
    assert "Remove a filter above" not in html
    assert "Remove a filter above" in page_text(client.get("/projects", query_string={"from": "2099"}))


def test_search_text_is_escaped(client):
    html = page_text(client.get("/projects", query_string={"q": "<script>alert(1)</script>"}))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("path", ["/", "/projects", "/id/city/da-nang", "/id/city/nowhere"])
def test_pages_send_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/projects", "/id/city/da-nang", "/id/project/dad-ioc"])
def test_pages_have_no_inline_scripts(client, path):
    html = page_text(client.get(path))
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag or 'type="application/ld+json"' in tag, tag
    assert " style=" not in html


def test_find_projects_keeps_its_project_list_until_the_graph_changes(tmp_path, bundled_graphs):
    from tests.conftest import store_copy
    from webapp import create_app
    from webapp.page_data import PER_VERSION
    from webapp.store import close_app, get_store

    settings = store_copy(tmp_path / "data", bundled_graphs)
    app = create_app({"TESTING": True, "DATA_DIR": str(settings.data_dir), "AUTO_BUILD": False})
    try:
        client = app.test_client()
        assert "179 projects" in page_text(client.get("/projects"))
        kept = app.extensions[PER_VERSION]["project_facts"]
        assert "1 project match" in page_text(client.get("/projects?q=Hydrogen"))
        assert app.extensions[PER_VERSION]["project_facts"] is kept  # the same list: not read again
        extra = Graph()
        extra.add((ID["project/extra-hydrogen"], RDF.type, ASCN.Project))
        extra.add((ID["project/extra-hydrogen"], RDFS.label, Literal("Hydrogen buses (a test project)", lang="en")))
        with app.app_context():
            get_store().replace_graphs({str(GRAPH["user/extra"]): extra})
        html = page_text(client.get("/projects?q=Hydrogen"))
        assert "2 projects match" in html and "Hydrogen buses (a test project)" in html
        assert "180 projects" in page_text(client.get("/projects"))
    finally:
        close_app(app)


def test_find_projects_sorts_shows_snippets_and_exports_the_whole_search_as_csv(client):
    html = client.get("/projects?focus=safety_security&q=police&sort=newest").get_data(as_text=True)
    assert re.findall(r'<p class="snippet">[^<]*<mark>([^<]+)</mark>', html) == ["police", "police"]
    assert '<option value="newest" selected>' in html
    assert 'href="/projects.csv?focus=safety_security&amp;q=police&amp;sort=newest"' in html
    response = client.get("/projects.csv?focus=safety_security")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(table) == 25  # all of them, not a page of 40
    assert all("Safety and Security" in row["focus_areas"] for row in table)
    assert [row["name"] for row in table] == sorted((row["name"] for row in table), key=str.lower)
    newest = list(csv.DictReader(io.StringIO(client.get("/projects.csv?sort=newest").get_data(as_text=True))))
    years = [int(row["start"] or row["end"]) for row in newest if row["start"] or row["end"]]
    assert years == sorted(years, reverse=True) and len(years) > 1


def test_concept_pages_use_human_names_only(client):
    html = client.get("/id/focus-area/safety_security").get_data(as_text=True)
    for raw in ("prefLabel", "topConceptOf", "hasTopConcept", "inScheme"):
        assert raw not in html.replace("skos:prefLabel", ""), raw
    assert "<dt>In scheme</dt>" in html and "Top concept of" not in html  # it only repeats the scheme


def test_a_series_of_dated_figures_reads_in_time_order(client):
    """The network's reported project counts read 108 (2024-09), 134 (2025-09), 65 (2021), 77, 86: its values as
    text, not its dates; its milestones "13th East Asia Summit ...", "1st ASEAN-Japan ...", "21st ...", with no
    date. Undated values (what the sources say) keep their alphabetical order."""
    html = client.get("/id/network/ascn").get_data(as_text=True)
    counts = html[html.index("<dt>Projects reported</dt>") : html.index("<dt>Shepherds</dt>")]
    dates = re.findall(r'<small class="note">\(as of ([0-9-]+)', counts)
    assert dates == ["2021", "2022-09", "2023-08", "2024-09", "2025-09"]
    milestones = html[html.index("<dt>Milestones</dt>") : html.index("<dt>Annual meetings</dt>")]
    starts = re.findall(r'</a>\s*<small class="note">\(([0-9-]+)\)</small>', milestones)
    assert len(starts) == 35 and starts == sorted(starts) and starts[0] == "2018-03-18"  # was "13th East Asia ..."
    shares = client.get("/id/focus-area/built_infrastructure").get_data(as_text=True)
    assert re.findall(r'([0-9]+) %</a>\s*<small class="note">\(as of ([0-9-]+)', shares) == [
        ("25", "2022-09"),
        ("23", "2023-08"),
        ("26", "2024-09"),
        ("25", "2025-09"),
    ]


def test_locations_read_as_degrees(client):
    html = client.get("/id/city/da-nang").get_data(as_text=True)
    assert "16.0544° N, 108.2022° E" in html and "POINT(" not in html


def test_facts_cite_their_own_sources_or_say_record_sources(client):
    html = client.get("/id/city/da-nang").get_data(as_text=True)
    facts = html[html.index('<dl class="facts">') : html.index("</dl>")]
    population = facts[facts.index("<dt>Population</dt>") : facts.index("<dt>Land area</dt>")]
    assert 'class="refs"' in population and "record sources" not in population
    member_state = facts[facts.index("<dt>Member state</dt>") : facts.index("<dt>Joined the ASCN</dt>")]
    assert "record sources" in member_state and 'class="refs"' not in member_state


def test_source_pages_group_what_cites_them_by_kind(client):
    html = client.get("/id/source/ascn_me_2022").get_data(as_text=True)
    headings = re.findall(r"<h3>([^<]+?) <small>\((\d+)\)</small></h3>", html)
    assert headings[0] == ("Projects citing this source", "71")
    assert "Best practices citing this source" in dict(headings)
    counts = [int(n) for _, n in headings if _.endswith("citing this source")]
    assert counts == sorted(counts, reverse=True)


def test_a_source_page_lists_the_entities_citing_it_through_a_fact(client):
    """The source of Dili's population (and the one of all 38 cities' map points) listed nothing citing it but
    the dataset: what cites it is a fact's node (a measurement, a geometry), which the links into a page leave
    out. Its page now lists the entities those facts belong to, saying through which."""
    html = page_text(client.get("/id/source/wikimili_dili"))
    assert re.search(r"<h3>Cities citing this source <small>\(1\)</small></h3>", html)
    assert re.search(r'<a href="/id/city/dili">Dili</a>\s*<small class="muted">through its population</small>', html)
    html = page_text(client.get("/id/source/gh_nonarkara_appjs"))
    assert len(re.findall(r'<small class="muted">through its location</small>', html)) == 38
    html = page_text(client.get("/id/source/ascn_me_2025"))
    assert re.search(r'>ASEAN Smart Cities Network</a>\s*<small class="muted">through its member count, project', html)


def test_member_state_page_shows_its_cities_projects_partners_and_figures(client):
    html = client.get("/id/country/vn").get_data(as_text=True)
    figures = re.findall(r'<span class="figure">(\d+)</span> ([a-z ]+)', html)
    assert figures[:3] == [("3", "member cities"), ("9", "projects"), ("3", "external partners")]
    projects = html[html.index('id="state-projects"') : html.index('id="state-partners"')]
    assert 'Intelligent Operation Centre (Da Nang)</a> <small class="muted">Da Nang · ongoing' in projects
    assert 'href="/projects?country=vn"' in projects
    partners = html[html.index('id="state-partners"') : html.index('id="facts"')]
    assert re.findall(r'">([^<]+)</a> <small class="muted">with ([^<]+)</small>', partners) == [
        ("City of Yokohama", "Da Nang"),
        ("Japan", "Da Nang"),
        ("United States", "Ho Chi Minh City"),
    ]
    map_data = json.loads(re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)[1])
    assert sorted(c["label"] for c in map_data["cities"]) == ["Da Nang", "Ha Noi", "Ho Chi Minh City"]


def test_city_page_puts_its_own_projects_first_and_narrows_peers_to_a_topic(client):
    html = client.get("/id/city/da-nang").get_data(as_text=True)
    assert (
        html.index('id="own-projects"')
        < html.index('id="rec-projects_for_city"')
        < html.index('id="rec-partners_for_city"')
        < html.index('id="links"')
    )
    assert 'href="/id/city/da-nang?focus=quality_environment#rec-projects_for_city"' in html
    narrowed = client.get("/id/city/da-nang?focus=quality_environment").get_data(as_text=True)
    section = narrowed[
        narrowed.index('data-recommendations="projects_for_city"') : narrowed.index('id="rec-partners_for_city"')
    ]
    # compared with Da Nang's own Quality Environment project, its Smart Water Management System: Mandalay's shares
    # its drainage, wastewater treatment and upgrades
    assert (
        re.findall(r'class="rec-title"[^>]*>([^<]+)', section)[0]
        == "Solid Waste and Wastewater Treatment / drainage upgrade (Mandalay)"
    )
    assert "the topic chosen" in section and "the plan" not in section
    recommended = re.findall(r'class="rec-title" href="([^"]+)"', section)
    assert recommended and not [p for p in recommended if p.startswith("/id/project/dad-")]  # never its own projects
    assert client.get("/id/city/da-nang?focus=nothing-like-this").status_code == 400


def test_a_city_page_counts_the_projects_it_shares_with_other_cities_among_its_own(client):
    # The sheet puts the USASCP hospital project in Phnom Penh, Siem Reap and Battambang (other_cities): Siem Reap's
    # page headed its list "Projects of Siem Reap (9)", the sheet's 10 less the shared one (fidelity audit).
    html = client.get("/id/city/siem-reap").get_data(as_text=True)
    section = html[html.index('id="own-projects"') : html.index("</section>", html.index('id="own-projects"'))]
    assert "Projects of Siem Reap <small>(10)</small>" in section
    assert re.search(r"Smart Green Hospital Network[^<]*</a> <small[^>]*>status: completed, shared with", section)
    assert "<small>(4)</small>" in page_text(client.get("/id/city/da-nang"))


def test_reasons_link_their_entity_once_and_same_reasons_say_what_orders_them(client):
    from webapp.pages import _order_note

    html = client.get("/id/city/kuching").get_data(as_text=True)
    assert re.search(
        r'<li class="reason">works on <a href="/id/focus-area/built_infrastructure">Built Infrastructure</a>, '
        r"like \d projects? of Kuching\s",
        html,
    )
    assert '(<a href="/id/focus-area/built_infrastructure">' not in html  # the label is not repeated after the text
    same = [{"reasons": [{"text": "works on Mobility"}]}] * 3
    assert "the order comes from the rest of the evidence" in _order_note(same)
    assert _order_note(same[:1]) is None
    assert _order_note(same + [{"reasons": [{"text": "pairs with Japan"}]}]) is None


def test_a_store_that_cannot_answer_is_a_503_that_keeps_its_address_to_the_log(app, client, monkeypatch, caplog):
    """A remote store that is down (or past ASCN_REMOTE_TIMEOUT) made every page and API route a 500; it is a 503
    with Retry-After, in each route's form, and the store's address, which StoreError names, goes to the log only."""
    from graph.errors import StoreError
    from webapp.store import get_store

    def down(*args, **kwargs):
        raise StoreError("cannot reach the SPARQL server at http://10.1.2.3:7878/query: [Errno 111] Connection refused")

    with app.app_context():
        monkeypatch.setattr(get_store(), "query", down)
    page = client.get("/id/city/not-cached-anywhere")
    api = client.get("/api/neighbourhood", query_string={"entity": "https://w3id.org/ascn/id/city/not-cached"})
    for response in (page, api):
        assert (response.status_code, response.headers["Retry-After"]) == (503, "60")
        assert "10.1.2.3" not in response.get_data(as_text=True)
    message = "The store that holds the graph is not answering; please try again in a minute."
    assert message in page.get_data(as_text=True) and api.get_json()["message"] == message
    assert "cannot reach the SPARQL server at http://10.1.2.3:7878/query" in caplog.text


def test_rdf_answers_name_the_data_namespaces_by_the_project_prefixes(client):
    """rdflib binds ``wgs`` by default to an https variant of WGS84, so the data's own ``wgs:lat`` came out as
    ``wgs1:lat`` in every answer rdflib wrote (entity pages, the VoID description); and the status vocabulary has
    its declared prefix, so a project's status reads ``status:ongoing``, in the dumps too."""
    city = client.get("/id/city/da-nang", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "    wgs:lat 16.0544 ;" in city and "wgs1" not in city
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> ." in void and "wgs1" not in void
    project = client.get("/id/project/dad-ioc", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "    ascn:status status:ongoing ;" in project
    dump = client.get("/download/ascn-kg.ttl", buffered=True).get_data(as_text=True)
    assert "@prefix status: <https://w3id.org/ascn/id/status/> ." in dump and "ascn:status status:ongoing" in dump
    assert Graph().parse(data=dump, format="turtle").value(ID["project/dad-ioc"], ASCN.status) == ID["status/ongoing"]


@pytest.mark.parametrize("path", [*NEGOTIATED, "/id/city/"])
def test_a_client_asking_for_json_gets_json_ld(client, path):
    """Accept: application/json (requests, fetch) was a 406 on an entity IRI; JSON-LD is JSON, so it gets that."""
    response = client.get(path, headers={"Accept": "application/json"})
    assert (response.status_code, response.mimetype, "Accept" in response.vary) == (200, "application/ld+json", True)
    assert response.get_json()


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/html;q=0, */*", "text/turtle"),
        ("text/csv;q=0, text/*", "text/html"),
        ("application/ld+json; charset=UTF-8", "application/ld+json"),
        ("application/*;q=0.9, text/turtle;q=0.5", "application/n-triples"),
        ("text/turtle;q=0.4, text/*;q=0.8", "text/html"),
    ],
)
def test_negotiation_needs_no_private_part_of_werkzeug(client, monkeypatch, accept, media_type):
    """Content negotiation called ``MIMEAccept._specificity`` and ``_value_matches``, private methods a werkzeug
    release may change; with them gone (MIMEAccept falls back to Accept's, which compare whole strings) every answer
    is the same."""
    from werkzeug.datastructures import MIMEAccept

    monkeypatch.delattr(MIMEAccept, "_specificity")
    monkeypatch.delattr(MIMEAccept, "_value_matches")
    response = client.get("/id/city/da-nang", headers={"Accept": accept})
    assert (response.status_code, response.mimetype) == (200, media_type)
