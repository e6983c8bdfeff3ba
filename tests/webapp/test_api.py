"""The JSON and data API (webapp/api.py) on the bundled graph: exact answers, errors that say which, formats."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

import pytest
import requests
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, SH, VOID

from ontology.namespace import ASCN, GRAPH, ID
from queries.library import library


def _json(response):
    assert response.mimetype == "application/json", response.data[:200]
    return json.loads(response.data)


# -- /api/queries --------------------------------------------------------------------------------
def test_library_index_describes_every_query_with_its_parameters(client):
    body = _json(client.get("/api/queries"))
    by_name = {q["name"]: q for q in body["queries"]}
    assert set(by_name) == set(library())
    country = by_name["cities_of_country"]
    assert country["url"] == "/api/queries/cities_of_country"
    assert [p["name"] for p in country["params"]] == ["country"]
    assert country["params"][0]["entity"] == "country"
    assert "PREFIX ascn:" in country["sparql"] and not country["sparql"].startswith("#+")


def test_library_query_binds_a_parameter_and_answers_exactly(client):
    response = client.get("/api/queries/cities_of_country?country=vn&format=json")
    assert response.status_code == 200
    body = _json(response) if response.mimetype == "application/json" else json.loads(response.data)
    labels = sorted(b["cityLabel"]["value"] for b in body["results"]["bindings"])
    assert labels == ["Da Nang", "Ha Noi", "Ho Chi Minh City"]
    assert body["ascn:completeness"] == {"complete": True, "rows": 3, "limit": 10_000}
    assert response.headers["X-ASCN-Complete"] == "true"


def test_an_empty_parameter_asks_for_every_value_as_the_description_says(client):
    """The descriptions say "leave ``country`` empty for the cities of every member state"; ``country=`` was a 400
    and leaving it out binds the default (Malaysia), so no URL asked for every state's cities."""
    rows = json.loads(client.get("/api/queries/cities_of_country?country=&format=json").data)["results"]["bindings"]
    assert len(rows) == 38 and len({r["country"]["value"] for r in rows}) == 11
    years = json.loads(client.get("/api/queries/cities_by_join_year?year=&format=json").data)["results"]["bindings"]
    assert sorted({r["year"]["value"] for r in years}) == ["2018", "2023", "2024", "2025", "2026"]
    assert _json(client.get("/api/queries/cities_of_country?country=&country=vn"))["parameter"] == "country"


def test_library_query_negotiates_csv_like_the_endpoint(client):
    response = client.get("/api/queries/cities_of_country?country=vn", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode())))
    assert sorted(r["cityLabel"] for r in rows) == ["Da Nang", "Ha Noi", "Ho Chi Minh City"]
    assert (
        client.get("/api/queries/cities_of_country?country=vn&format=xml").mimetype == "application/sparql-results+xml"
    )


def test_cut_library_answer_says_so_in_headers_and_json(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SPARQL_ROW_LIMIT", 3)
    response = client.get("/api/queries/cities_with_coordinates?format=json")
    assert response.status_code == 200
    assert response.headers["X-ASCN-Complete"] == "false"
    assert response.headers["X-ASCN-Reason"] == "row-limit"
    assert response.headers["X-ASCN-Rows"] == "3"
    assert response.headers["X-ASCN-Row-Limit"] == "3"
    body = json.loads(response.data)
    assert len(body["results"]["bindings"]) == 3
    assert body["ascn:completeness"] == {"complete": False, "rows": 3, "limit": 3, "reason": "row-limit"}


def test_unknown_library_query_is_404_with_closest_names(client):
    response = client.get("/api/queries/cities_of_contry")
    assert response.status_code == 404
    body = _json(response)
    assert body["suggestions"][0] == "cities_of_country"


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/queries/cities_of_country?country=not%20an%20id!", "country"),
        ("/api/queries/cities_of_country?town=vn", "town"),
        ("/api/queries/cities_by_join_year?year=20x8", "year"),
        ("/api/queries/cities_of_country?country=vn&format=yaml", "format"),
    ],
)
def test_bad_library_parameter_is_400_naming_it(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    body = _json(response)
    assert body["parameter"] == parameter
    assert repr(parameter) in body["error"]


@pytest.mark.parametrize("km", ["-3", "0", "-0.0", "nan", "inf", "1e400", "20000.1", "99999999999999999999999"])
def test_a_distance_outside_its_range_is_400_naming_the_range(client, km):
    """cities_within_distance answered km=-3 (0, a number past what the store's decimals hold) with an empty 200,
    as if no city were that near; nan and inf were refused without saying what is accepted."""
    response = client.get("/api/queries/cities_within_distance", query_string={"city": "da-nang", "km": km})
    assert response.status_code == 400
    message = f"parameter 'km' expects decimal (more than 0 and at most 20000), got {km!r}"
    assert _json(response) == {"error": message, "message": message, "parameter": "km", "status": 400}


def test_a_distance_at_its_bound_is_answered(client):
    """20,000 km, the range's top, reaches every other member city (the farthest pair is under 5,000 km apart)."""
    url = "/api/queries/cities_within_distance?city=da-nang&km=20000&format=json"
    assert len(json.loads(client.get(url).data)["results"]["bindings"]) == 37
    index = {q["name"]: q for q in _json(client.get("/api/queries"))["queries"]}
    km = index["cities_within_distance"]["params"][1]
    assert (km["name"], km["exclusive_minimum"], km["maximum"]) == ("km", 0, 20000)


def test_an_iri_parameter_takes_the_prefixed_names_completion_offers(client):
    """/api/complete writes terms as ascn:City and city:da-nang; given back as parameters they mean those terms."""
    by_type = client.get("/api/queries/entities_by_label?type=ascn:City&text=da&format=csv").get_data(as_text=True)
    assert by_type.splitlines()[1:] == [
        f"https://w3id.org/ascn/id/city/{ident},https://w3id.org/ascn/ontology#City,{label}"
        for ident, label in [
            ("bandar-seri-begawan", "Bandar Seri Begawan"),
            ("da-nang", "Da Nang"),
            ("davao-city", "Davao City"),
            ("mandalay", "Mandalay"),
            ("sumedang", "Sumedang"),
        ]
    ]
    prefixed = client.get("/api/queries/projects_of_city?city=city:da-nang&format=csv").get_data(as_text=True)
    assert prefixed == client.get("/api/queries/projects_of_city?city=da-nang&format=csv").get_data(as_text=True)


def test_the_closest_ids_are_ids_of_the_kind_not_parts_of_an_entity(client):
    body = client.get("/api/queries/projects_of_city?city=bangkk").get_json()
    assert body["suggestions"] == ["bangkok", "yangon", "rayong"]  # not bangkok/geometry, bangkok/land-area


@pytest.mark.parametrize(
    "path, message, suggestion",
    [
        ("projects_of_city?city=danang", "parameter 'city': no city with the id 'danang'", "da-nang"),
        ("cities_of_country?country=vm", "parameter 'country': no country with the id 'vm'", "vn"),
    ],
)
def test_a_bare_id_naming_nothing_is_404_with_the_closest_ids_not_an_empty_answer(
    ascn_server, path, message, suggestion
):
    site = ascn_server.url.removesuffix("/sparql")
    response = requests.get(f"{site}/api/queries/{path}", timeout=60)
    assert response.status_code == 404, response.text
    assert response.json()["error"] == message
    assert suggestion in response.json()["suggestions"]
    found = requests.get(f"{site}/api/queries/projects_of_city?city=da-nang&format=csv", timeout=60)
    assert found.status_code == 200 and "Smart Water Management System" in found.text


# -- /api/recommend ------------------------------------------------------------------------------
def test_projects_for_a_city_are_elsewhere_and_explained_with_sources(client):
    body = _json(client.get("/api/recommend/projects?city=da-nang&top=3"))
    assert body["question"] == "projects_for_city"
    assert body["items"][0]["iri"] == str(ID["project/han-ioc"])
    assert body["items"][0]["reasons"][0]["text"].startswith("tackles what Intelligent Operation Centre (Da Nang) does")
    for item in body["items"]:
        assert item["city"] != "Da Nang" and item["country"] and item["status"] and item["summary"]
        assert item["reasons"], item["label"]
        assert any(s["title"] for r in item["reasons"] for e in r["evidence"] for s in e["sources"])


PLAN = "/api/recommend/projects?text=intelligent%20operation%20centre&top=10"


@pytest.mark.parametrize(
    ("asked", "note"),
    [
        ("&plan_country=vn&exclude_own_country=true", "9 projects in Viet Nam are left out, as asked"),
        ("&city=da-nang&exclude_own_country=true", "5 projects in Viet Nam are left out, as asked"),  # 4 are its own
    ],
)
def test_a_plan_for_projects_in_other_countries_says_what_it_left_out(client, asked, note):
    """A plan "only projects in other countries" silently lost the Intelligent Operation Centres of Da Nang and Ha
    Noi, its best matches: the answer now says how many projects of the country it left out. The others keep their
    order."""
    everywhere = _json(client.get(PLAN + asked.replace("&exclude_own_country=true", "")))
    elsewhere = _json(client.get(PLAN + asked))
    assert everywhere["note"] is None and elsewhere["note"] == note
    assert "Intelligent Operations Centre (Ha Noi)" in [i["label"] for i in everywhere["items"][:4]]
    kept = [i["iri"] for i in everywhere["items"] if i["country"] != "Viet Nam"]
    assert [i["iri"] for i in elsewhere["items"]][: len(kept)] == kept
    assert all(i["country"] != "Viet Nam" for i in elsewhere["items"])


def test_a_city_planning_a_project_combines_city_text_and_focus(client):
    body = _json(
        client.get(
            "/api/recommend/projects?city=cebu-city&text=traffic%20signal%20control&focus=built_infrastructure&top=5"
        )
    )
    assert body["question"] == "projects_for_plan"
    assert body["query_labels"][:2] == ["Cebu City", "Built Infrastructure"]
    assert body["items"] and all(i["city"] != "Cebu City" for i in body["items"])


def test_cities_for_a_partner_are_new_cities_unless_asked(client):
    body = _json(client.get("/api/recommend/cities?partner=japan&top=10"))
    labels = [i["label"] for i in body["items"]]
    assert labels and not {"Siem Reap", "Luang Prabang", "Da Nang"} & set(labels)
    assert not any(i["already_works_here"] for i in body["items"])
    tied = _json(client.get("/api/recommend/cities?partner=japan&top=38&include_tied=true"))
    siem_reap = next(i for i in tied["items"] if i["label"] == "Siem Reap")
    assert siem_reap["already_works_here"] and siem_reap["reasons"][0]["kind"] == "tie"


def test_partner_and_focus_narrow_the_list(client):
    body = _json(client.get("/api/recommend/cities?partner=japan&focus=health_wellbeing&top=10"))
    assert body["question"] == "cities_for_partner"
    plain = _json(client.get("/api/recommend/cities?partner=japan&top=10"))
    assert [i["iri"] for i in body["items"]] != [i["iri"] for i in plain["items"]]


def test_cities_for_a_partner_profile_rank_programme_members_first(client):
    body = _json(client.get("/api/recommend/cities?focus=quality_environment&programme=smart-jamp&top=2"))
    assert body["question"] == "cities_for_profile"
    assert [i["label"] for i in body["items"]] == ["Battambang", "Siem Reap"]
    kinds = [r["kind"] for r in body["items"][0]["reasons"]]
    assert kinds == ["programme", "focus_area"]


def test_planned_project_gets_projects_sharing_its_area_and_words(client):
    body = _json(client.get("/api/recommend/projects?focus=quality_environment&text=flood%20early%20warning&top=2"))
    assert body["question"] == "projects_for_plan"
    # Kuching's flood management system, then Kota Kinabalu's INFLOS (BM25 weighs "flood" in the shorter text)
    assert [i["label"] for i in body["items"]] == [
        "Integrated Flood Management and Response System",
        "Integrated Flood and Monitoring Pump House System (INFLOS)",
    ]
    texts = [r["text"] for r in body["items"][0]["reasons"]]
    assert texts == [
        "its description speaks of “alerts”, “flood”, as the plan does (reading “warning” as “alert”)",
        "works on Quality Environment, as the plan does",
    ]


def test_partners_for_a_city_new_first_and_filters_apply(client):
    body = _json(client.get("/api/recommend/partners?city=siem-reap&top=53"))
    assert body["question"] == "partners_for_city" and body["items"]
    japan = next(i for i in body["items"] if i["iri"] == str(ID["partner/japan"]))
    assert japan["already_works_here"] and not body["items"][0]["already_works_here"]
    paired = _json(client.get("/api/recommend/partners?city=siem-reap&top=53&exclude_paired=true"))
    assert str(ID["partner/japan"]) not in [i["iri"] for i in paired["items"]]


def test_unknown_name_is_404_with_suggestions(client):
    response = client.get("/api/recommend/partners?city=danag")
    assert response.status_code == 404
    body = _json(response)
    assert body["suggestions"][0] == "Da Nang"
    assert "no city named 'danag'" in body["error"]
    # "Danang" is a spelling the sources use (skos:altLabel), so it names the city
    assert client.get("/api/recommend/partners?city=danang").status_code == 200


def test_a_piece_of_a_city_name_and_a_problem_as_focus_area_are_404_with_what_they_point_to(client):
    response = client.get("/api/recommend/partners?city=minh")
    body = _json(response)
    assert response.status_code == 404 and body["error"].startswith("'minh' is only part of a city's name")
    assert body["suggestions"] == ["Ho Chi Minh City"]
    response = client.get("/api/recommend/cities?partner=jica&focus=traffic%20jam")
    assert response.status_code == 404
    assert _json(response)["suggestions"] == ["Built Infrastructure", "Safety and Security"]
    assert client.get("/api/recommend/partners?city=Makassar%20City").status_code == 200


@pytest.mark.parametrize(
    "url, parameter",
    [
        ("/api/recommend/projects", "city"),
        ("/api/recommend/projects?city=da-nang&project=han-ioc", "project"),
        ("/api/recommend/projects?city=da-nang&top=0", "top"),
        ("/api/recommend/projects?city=da-nang&top=many", "top"),
        ("/api/recommend/projects?city=da-nang&exclude_own_country=maybe", "exclude_own_country"),
        ("/api/recommend/projects?city=da-nang&from=20", "from"),
        ("/api/recommend/cities", "partner"),
        ("/api/recommend/partners", "city"),
        ("/api/recommend/partners?city=hanoi&city=da-nang", "city"),
    ],
)
def test_bad_or_missing_recommend_parameter_is_400_naming_it(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert _json(response)["parameter"] == parameter


def test_a_parameter_a_recommendation_does_not_take_is_400_naming_those_it_takes(client):
    """``limit=2`` (for ``top=2``) was ignored: ten items came back as if asked for, where a library query refuses a
    parameter it does not have."""
    response = client.get("/api/recommend/projects?city=da-nang&limit=2")
    assert response.status_code == 400 and _json(response)["parameter"] == "limit"
    assert _json(response)["error"] == (
        "/api/recommend/projects has no parameter 'limit'; its parameters: city, project, focus, outcome, text, "
        "plan_country, diverse, top, country, focus_area, status, from, to, exclude_own_city, exclude_own_country, "
        "exclude_paired"
    )
    assert _json(client.get("/api/recommend/partners?city=hanoi&include_tied=true"))["parameter"] == "include_tied"
    for taken in (  # every parameter it takes is still taken
        "top=2&country=th&from=2015&to=2035&exclude_own_city=true&exclude_paired=false&diverse=false",
        "top=2&focus_area=built_infrastructure&status=ongoing&exclude_own_country=true&plan_country=vn",
    ):
        assert len(_json(client.get(f"/api/recommend/projects?city=da-nang&{taken}"))["items"]) == 2, taken


@pytest.mark.parametrize("digits", ["\uff15", "\u0663", "\u00b2"])  # full-width 5, Arabic-Indic 3, superscript 2
def test_a_number_in_other_digits_than_ascii_is_400(client, digits):
    """``int`` reads other scripts' digits (``top=５`` was 5) and ``isdigit`` lets ``²`` through to it (a 500)."""
    cases = [
        (
            "/api/recommend/projects?city=da-nang&top=",
            f"parameter 'top' must be a whole number from 1 to 100, got {digits!r}",
        ),
        (
            "/api/recommend/projects?city=da-nang&from=201",
            f"parameter 'from' must be a year (four digits), got '201{digits}'",
        ),
        ("/api/complete?q=dan&limit=", f"parameter 'limit' must be a whole number from 1 to 50, got {digits!r}"),
    ]
    for url, message in cases:
        response = client.get(url + digits)
        assert (response.status_code, _json(response)["error"]) == (400, message)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/recommend/projects?city=da-nang&top=", "parameter 'top' must be a whole number from 1 to 100, got"),
        ("/api/complete?q=dan&limit=", "parameter 'limit' must be a whole number from 1 to 50, got"),
    ],
)
def test_a_number_of_more_digits_than_int_reads_is_400(client, url, message):
    """``int`` refuses more than 4,300 digits with a ValueError: ``top=1000…0`` (5,001 digits) was a 500. Leading
    zeros count for nothing (5,000 of them before a 5 are 5)."""
    response = client.get(url + "1" + "0" * 5000)
    assert response.status_code == 400 and _json(response)["error"].startswith(message)
    assert client.get(url + "0" * 5000 + "5").status_code == 200


@pytest.mark.parametrize("path", ["/api/reconcile", "/api/queries/annual_meetings", "/download/ascn-kg.ttl", "/"])
def test_an_options_request_is_answered_without_a_body_or_its_type(client, path):
    """Flask's own answer to OPTIONS on every route but /sparql was an empty body typed ``text/html``."""
    response = client.options(path, headers={"Origin": "https://example.org"})
    assert (response.status_code, response.data) == (200, b"") and "GET" in response.headers["Allow"]
    assert "Content-Type" not in response.headers


# -- well-known descriptions, vocabulary, downloads ----------------------------------------------
def test_sparql_examples_hold_one_executable_per_library_query(client):
    response = client.get("/.well-known/sparql-examples")
    assert response.mimetype == "text/turtle"
    g = Graph().parse(data=response.data, format="turtle")
    examples = set(g.subjects(RDF.type, SH.SPARQLExecutable))
    assert {str(e).rsplit("/", 1)[-1] for e in examples} == set(library())
    for example in examples:
        assert g.value(example, SH.select) or g.value(example, SH.ask) or g.value(example, SH.construct)
        assert g.value(example, URIRef("https://schema.org/target")) == URIRef("http://localhost/sparql")


def test_sparql_example_runs_on_the_endpoint_as_published(client):
    g = Graph().parse(data=client.get("/.well-known/sparql-examples").data, format="turtle")
    example = URIRef("http://localhost/.well-known/sparql-examples/cities_of_country")
    text = str(g.value(example, SH.select))
    response = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert json.loads(response.data)["results"]["bindings"]


def test_sparql_examples_negotiate_json_ld(client):
    response = client.get("/.well-known/sparql-examples", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    g = Graph().parse(data=response.data, format="json-ld")
    assert len(set(g.subjects(RDF.type, SH.SPARQLExecutable))) == len(library())


@pytest.mark.parametrize("path", ["/.well-known/void", "/.well-known/sparql-examples"])
@pytest.mark.parametrize("accept", ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"])
def test_a_browser_reads_the_descriptions_as_turtle_in_the_tab(client, path, accept):
    """A browser was handed RDF/XML to download (its application/xml;q=0.9), and Accept: text/html alone a 406."""
    response = client.get(path, headers={"Accept": accept})
    assert (response.status_code, response.content_type, "Accept" in response.vary) == (
        200,
        "text/plain; charset=utf-8",
        True,
    )
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert isomorphic(Graph().parse(data=response.data, format="turtle"), Graph().parse(data=turtle.data))


def test_void_counts_the_classes_of_the_build(client):
    response = client.get("/.well-known/void")
    assert response.mimetype == "text/turtle" and "Accept" in response.vary
    g = Graph().parse(data=response.data, format="turtle")
    counts = {g.value(p, VOID["class"]): int(g.value(p, VOID.entities)) for p in g.objects(None, VOID.classPartition)}
    assert counts[ASCN.City] == 38
    assert counts[ASCN.Project] == 179
    assert counts[ASCN.AnnualMeeting] == 9
    assert counts[ASCN.MemberState] == 11
    rdfxml = client.get("/.well-known/void?format=rdfxml")
    assert rdfxml.mimetype == "application/rdf+xml"
    assert len(Graph().parse(data=rdfxml.data, format="xml")) == len(g)


def test_void_json_ld_reads_as_plain_json_with_the_published_context(client):
    """It was expanded (``"http://rdfs.org/ns/void#triples": [{"@value": 8937}]``); it now carries the context's terms it
    uses, as an entity's JSON-LD does, links the whole context, and parses to the Turtle's graph."""
    response = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    document = response.get_json()
    turtle = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data)
    dataset = ID["dataset/ascn-kg"]
    described = next(node for node in document["@graph"] if node["@id"] == str(dataset))
    assert described["triples"] == int(turtle.value(dataset, VOID.triples)) > 8000
    assert described["modified"] == str(turtle.value(dataset, DCTERMS.modified))
    assert document["@context"]["triples"] == "void:triples"
    assert '</ontology/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"' in response.headers["Link"]
    assert isomorphic(Graph().parse(data=response.data, format="json-ld"), turtle)


def test_void_counts_each_named_graph_the_downloads_hold(client):
    """The VoID counted the graphs a build writes (8,335 triples) where the TriG download held 8,937 quads, the build's
    own description and the releases' records too: it now gives each named graph's count, summing to the dump's."""
    void = Graph().parse(data=client.get("/.well-known/void?format=turtle").data, format="turtle")
    dump = Dataset()
    dump.parse(data=client.get("/download/ascn-kg.trig", buffered=True).data, format="trig")
    per_graph = Counter(str(getattr(graph, "identifier", graph)) for *_, graph in dump.quads())
    dataset = ID["dataset/ascn-kg"]
    assert {str(g): int(void.value(g, VOID.triples)) for g in void.objects(dataset, VOID.subset)} == per_graph
    assert int(void.value(dataset, VOID.triples)) == sum(per_graph.values()) > 8000
    assert str(GRAPH["build"]) in per_graph


def test_vocabulary_lists_the_graphs_classes_and_properties(client):
    body = _json(client.get("/api/vocabulary"))
    assert str(ASCN.City) in body["classes"] and str(ASCN.inCity) in body["properties"]
    assert "http://www.w3.org/2000/01/rdf-schema#label" in body["properties"]
    assert body["prefixes"]["ascn"] == str(ASCN)
    assert _json(client.get("/api/prefixes"))["city"] == str(ID["city/"])


def test_download_trig_keeps_the_named_graphs(client):
    response = client.get("/download/ascn-kg.trig", buffered=True)
    assert response.mimetype == "application/trig"
    version = (
        client.application.extensions["ascn"]
        .store.query(
            "SELECT ?v { GRAPH <https://w3id.org/ascn/graph/build> { ?d <http://www.w3.org/ns/dcat#version> ?v } }"
        )
        .rows[0][0]
    )
    assert response.headers["Content-Disposition"] == f'attachment; filename="ascn-kg-{version}.trig"'
    ds = Dataset()
    ds.parse(data=response.data, format="trig")
    names = {str(g.identifier) for g in ds.graphs()}
    assert str(GRAPH["bundled/cities"]) in names and str(GRAPH["ontology"]) in names


def test_download_ntriples_holds_the_union_graph(client):
    response = client.get("/download/ascn-kg.nt", buffered=True)
    g = Graph().parse(data=response.data, format="nt")
    assert (ID["city/da-nang"], RDF.type, ASCN.City) in g
    assert (
        ID["city/da-nang"],
        URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
        Literal("Da Nang", lang="en"),
    ) in g


def test_the_jsonld_downloads_say_what_they_hold_and_hold_it(client):
    """rdflib reads the plain JSON-LD download as one graph holding everything (the union), and the named-graph one
    into a Dataset with each graph apart: each download is what /data says it is."""
    union = Graph().parse(data=client.get("/download/ascn-kg.jsonld", buffered=True).data, format="json-ld")
    assert (ID["city/da-nang"], RDF.type, ASCN.City) in union and len(union) > 5_000
    response = client.get("/download/ascn-kg.graphs.jsonld", buffered=True)
    assert response.mimetype == "application/ld+json"
    ds = Dataset()
    ds.parse(data=response.data, format="json-ld")
    assert (ID["city/da-nang"], RDF.type, ASCN.City) in ds.graph(GRAPH["bundled/cities"])
    page = client.get("/data").get_data(as_text=True)
    assert "JSON-LD with named graphs: each named graph kept" in page
    assert "JSON-LD: the union of all graphs in one" in page


def test_the_data_page_counts_what_the_void_description_and_the_downloads_hold(client):
    """A researcher checks the page against the files: the VoID's own figure, the TriG's quads, the Turtle's triples."""
    page = client.get("/data").get_data(as_text=True)
    figures = dict(re.findall(r'<strong id="(void|dump|union)-triples">([\d,]+)</strong>', page))
    void = Graph().parse(data=client.get("/.well-known/void?format=turtle").data, format="turtle")
    dataset = Dataset()
    dataset.parse(data=client.get("/download/ascn-kg.trig", buffered=True).data, format="trig")
    union = Graph().parse(data=client.get("/download/ascn-kg.ttl", buffered=True).data, format="turtle")
    quads = list(dataset.quads())
    assert figures == {
        "void": f"{int(void.value(ID['dataset/ascn-kg'], VOID.triples)):,}",
        "dump": f"{len(quads):,}",
        "union": f"{len(union):,}",
    }
    assert figures["void"] == figures["dump"]
    assert (
        f"in {len({graph for *_, graph in quads})} named graphs (the ontology, the bundled data, the build"
        in " ".join(page.split())
    )


def test_unknown_download_is_404_naming_the_files(client):
    response = client.get("/download/ascn-kg.xlsx", buffered=True)
    assert response.status_code == 404
    assert any(re.fullmatch(r"ascn-kg-\d{4}-\d\d-\d\d\.\d+\.ttl", s) for s in _json(response)["suggestions"])


def test_a_download_format_parameter_picks_the_file_as_on_the_ontology_files(client):
    """/download/ascn-kg.ttl?format=jsonld was the Turtle file without a word; the parameter is read as on
    /ontology.ttl?format=nt: the file of that syntax, under its own name."""
    response = client.get("/download/ascn-kg.ttl?format=jsonld", buffered=True)
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert re.fullmatch(
        r'attachment; filename="ascn-kg-\d{4}-\d\d-\d\d\.\d+\.jsonld"', response.headers["Content-Disposition"]
    )
    assert response.data == client.get("/download/ascn-kg.jsonld", buffered=True).data
    same = client.get("/download/ascn-kg.nt?format=NT", buffered=True)
    assert same.mimetype == "application/n-triples"


def test_a_download_format_no_file_has_is_a_400_naming_it_and_the_files(client):
    response = client.get("/download/ascn-kg.ttl?format=xlsx", buffered=True)
    assert response.status_code == 400
    assert _json(response)["parameter"] == "format"
    assert _json(response)["message"] == (
        "parameter 'format': no download in the format 'xlsx'; there are: trig (ascn-kg.trig), jsonld-graphs "
        "(ascn-kg.graphs.jsonld), turtle (ascn-kg.ttl), ntriples (ascn-kg.nt), jsonld (ascn-kg.jsonld)"
    )


@pytest.mark.parametrize(
    "query, status, message",
    [
        ({"city": "hanoy"}, 404, "no city named 'hanoy'"),
        ({"city": "Ha Noi", "top": "0"}, 400, "parameter 'top' must be a whole number from 1 to 100, got '0'"),
        ({"text": "x" * 10_001}, 400, "parameter 'text': a value of 10001 characters; at most 10000 are accepted"),
    ],
)
def test_every_refusal_of_the_recommendation_api_says_what_went_wrong_in_its_message(client, query, status, message):
    """A plan over 10,000 characters was refused with "error": "The request could not be understood" and its reason
    in "message", which the API's own refusals did not have: a client reading "error", as docs/api.md said, got no
    reason. Every JSON refusal now has "message"."""
    r = client.get("/api/recommend/projects", query_string=query)
    assert (r.status_code, r.json["message"]) == (status, message)


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("PUT", "/api/queries/projects_of_city", "GET, HEAD, OPTIONS"),
        ("POST", "/api/complete", "GET, HEAD, OPTIONS"),
        ("DELETE", "/api/reconcile", "GET, HEAD, OPTIONS, POST"),
    ],
)
def test_a_method_an_api_route_does_not_take_is_a_json_405_naming_those_it_does(client, method, path, allowed):
    r = client.open(path, method=method)
    assert (r.status_code, r.headers["Allow"], r.headers["Access-Control-Allow-Origin"]) == (405, allowed, "*")
    assert r.json == {
        "error": "Method not allowed",
        "message": f"method {method} is not allowed here; {path} accepts {allowed}",
        "status": 405,
    }


@pytest.mark.parametrize(
    "value", ["https://example.org/x", "https://w3id.org/ascn/id/country/vnx", "urn:isbn:0451450523"]
)
def test_an_entity_iri_the_graph_does_not_describe_is_404_naming_the_parameter(client, value):
    """A foreign IRI (or one of ours naming nothing) gave 200 with an empty answer, a true-looking "no cities"."""
    response = client.get("/api/queries/cities_of_country", query_string={"country": value})
    assert response.status_code == 404
    message = (
        f"parameter 'country': the graph describes nothing with the IRI {value!r}; give a country's id or its IRI "
        "(https://w3id.org/ascn/id/country/<id>)"
    )
    assert response.get_json() == {
        "error": message,
        "message": message,
        "parameter": "country",
        "status": 404,
        "suggestions": [],
    }


def test_an_iri_the_graph_describes_is_taken_as_it_is(client):
    found = client.get("/api/queries/cities_of_country?country=https://w3id.org/ascn/id/country/vn&format=csv")
    assert found.status_code == 200 and "Da Nang" in found.get_data(as_text=True)
    # a city is no country, but the graph describes it: the empty answer is a true one
    other = client.get("/api/queries/cities_of_country?country=https://w3id.org/ascn/id/city/hanoi&format=csv")
    assert other.status_code == 200 and other.headers["X-ASCN-Rows"] == "0"
