"""Named questions over the bundled graph, answered exactly as the fact sheet answers them."""

from __future__ import annotations

from importlib.resources import files

import pytest
import yaml
from rdflib import Literal, URIRef

from graph.store import Table
from ontology import PREFIXES as ONTOLOGY_PREFIXES

DATA = files("loaders") / "data"
PREFIXES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in ONTOLOGY_PREFIXES.items())


def records(stem: str) -> list[dict]:
    return yaml.safe_load((DATA / f"{stem}.yaml").read_text(encoding="utf-8"))["records"]


def select(store, body: str) -> Table:
    return store.query(PREFIXES + body)


def values(table: Table, var: str) -> list[str]:
    return [str(v) for v in table.column(var)]


def test_pilot_cities_of_malaysia_are_the_four_of_april_2018(store):
    answer = select(store, """
        SELECT ?name WHERE { ?c ascn:country country:my ; ascn:pilotCity true ; rdfs:label ?name }
        ORDER BY ?name""")
    assert values(answer, "name") == ["Johor Bahru", "Kota Kinabalu", "Kuala Lumpur", "Kuching"]


def test_twenty_six_pilot_cities_and_thirty_eight_members(store):
    answer = select(store, """
        SELECT (COUNT(?c) AS ?all) (SUM(IF(?pilot, 1, 0)) AS ?pilots)
        WHERE { ?c a ascn:City ; ascn:pilotCity ?pilot }""")
    assert [int(v) for v in answer.rows[0]] == [38, 26]


def test_partner_of_the_phuket_milwaukee_water_pairing(store):
    answer = select(store, """
        SELECT ?partner ?side ?programme ?year WHERE {
          pairing:wise-phuket-milwaukee ascn:pairedPartner ?partner ; ascn:partnerSideEntity ?side ;
            ascn:underProgramme ?programme ; ascn:startYear ?year }""")
    assert answer.rows == [(
        URIRef("https://w3id.org/ascn/id/partner/united_states"),
        URIRef("https://w3id.org/ascn/id/partner/water_council_milwaukee"),
        URIRef("https://w3id.org/ascn/id/programme/wise"),
        Literal("2020", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")),
    )]


@pytest.mark.parametrize("city, area", [("phuket", "built_infrastructure"), ("jakarta", "civic_social"),
                                        ("siem-reap", "quality_environment")])
def test_projects_of_a_city_in_a_focus_area(store, city, area):
    expected = sorted(p["name"] for p in records("projects") if p["city"] == city and area in p["focus_areas"])
    answer = select(store, f"""
        SELECT ?name WHERE {{ ?p ascn:inCity city:{city} ; ascn:focusArea focus:{area} ;
                               rdfs:label ?name }} ORDER BY ?name""")
    assert expected and values(answer, "name") == expected


@pytest.mark.parametrize("cls, count", [
    ("MemberState", 11), ("City", 38), ("ExternalPartner", 53), ("Pairing", 33), ("Project", 160),
    ("BestPractice", 29), ("SourceDocument", 92), ("FocusArea", 6), ("StrategicOutcome", 3),
    ("PartnerProgramme", 32),
])
def test_graph_counts_match_the_fact_sheet(store, cls, count):
    answer = select(store, f"""
        SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e rdf:type/rdfs:subClassOf* ascn:{cls} }}""")
    assert int(answer.rows[0][0]) == count


def test_every_city_pairing_and_project_has_a_source(store):
    answer = select(store, """
        SELECT ?e WHERE {
          VALUES ?cls { ascn:City ascn:Pairing ascn:Project }
          ?e a ?cls .
          FILTER NOT EXISTS { ?e dcterms:source ?s . ?s a ascn:SourceDocument ; dcterms:title ?t }
        }""")
    assert answer.rows == []
    assert store.query(PREFIXES + "ASK { ?p a ascn:Project ; dcterms:source ?s }") is True


def test_every_cited_source_resolves_to_a_document_with_a_url(store):
    answer = select(store, """
        SELECT DISTINCT ?s WHERE { ?e dcterms:source ?s FILTER NOT EXISTS { ?s schema:url ?u } }""")
    assert answer.rows == []


def test_project_statuses_keep_the_sheet_counts(store):
    answer = select(store, """
        SELECT ?status (COUNT(?p) AS ?n) WHERE { ?p ascn:status ?s BIND(STRAFTER(STR(?s), "/status/") AS ?status) }
        GROUP BY ?status ORDER BY ?status""")
    assert {str(s): int(n) for s, n in answer.rows} == {
        "completed": 23, "ongoing": 40, "ongoing_or_planning": 70, "planning": 3, "unknown": 24}


def test_confidence_marks_are_kept_with_their_reasons(store):
    answer = select(store, """
        SELECT ?e ?level ?reason WHERE { ?e ascn:confidence ?level OPTIONAL { ?e ascn:confidenceReason ?reason } }
        ORDER BY ?e""")
    marked = {str(e).rsplit("/", 1)[-1]: (str(level).rsplit("/", 1)[-1], reason) for e, level, reason in answer.rows}
    sheet = {r["id"]: r["confidence"] for stem in ("partners", "pairings", "projects") for r in records(stem)
             if r.get("confidence")}
    assert {k: v[0] for k, v in marked.items()} == sheet
    assert len(sheet) == 17
    assert marked["china"] == ("medium", Literal("Support is stated in general terms; no concrete city project found."))


def test_named_only_projects_have_no_description(store):
    answer = select(store, """
        SELECT (COUNT(?p) AS ?n) (COUNT(?d) AS ?described) WHERE {
          ?p ascn:namedOnly true OPTIONAL { ?p dcterms:description ?d } }""")
    assert [int(v) for v in answer.rows[0]] == [50, 0]


def test_gaps_stay_gaps_denpasar_has_no_population_and_no_projects(store):
    assert store.query(PREFIXES + "ASK { city:denpasar ascn:population ?p }") is False
    assert store.query(PREFIXES + "ASK { ?p ascn:inCity city:denpasar }") is False
    answer = select(store, """
        SELECT ?name WHERE { ?c a ascn:City ; rdfs:label ?name FILTER NOT EXISTS { ?p ascn:inCity ?c } }
        ORDER BY ?name""")
    assert values(answer, "name") == ["Denpasar", "Dili", "Semarang"]


def test_city_locations_are_wkt_points_with_their_source(store):
    answer = select(store, """
        SELECT ?wkt ?src WHERE { city:da-nang geo:hasGeometry ?g . ?g geo:asWKT ?wkt ; dcterms:source ?src }""")
    city = next(c for c in records("cities") if c["id"] == "da-nang")
    assert [(str(w), str(s)) for w, s in answer.rows] == [
        (f"POINT({city['lon']} {city['lat']})", "https://w3id.org/ascn/id/source/gh_nonarkara_appjs")]


def test_population_figure_carries_its_year_and_source(store):
    answer = select(store, """
        SELECT ?v ?y ?s WHERE { city:battambang ascn:population ?m . ?m rdf:value ?v ; ascn:referenceYear ?y ;
          dcterms:source ?s }""")
    assert [(int(v), str(y), str(s).rsplit("/", 1)[-1]) for v, y, s in answer.rows] == [
        (161030, "2018", "ascn_scaps_2018")]


def test_dataset_description_counts_the_build(store):
    answer = select(store, """
        SELECT ?triples ?entities WHERE { GRAPH <https://w3id.org/ascn/graph/build> {
          <https://w3id.org/ascn/id/dataset/ascn-kg> void:triples ?triples ; void:entities ?entities } }""")
    triples, entities = (int(v) for v in answer.rows[0])
    stored = int(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                             "FILTER(?g != <https://w3id.org/ascn/graph/build>) }").rows[0][0])
    assert triples == stored
    assert entities > 500
