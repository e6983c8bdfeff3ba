"""The typed graph read by the split ``similarity_*`` reads (joins done in Python, issue 15) holds exactly what
the joined queries it replaced gave: the same entities with their kinds and labels, the same links with the
records stating them, the same sources and confidence marks. The joined queries are kept here, as they were,
to compare with."""

from __future__ import annotations

import pytest

from graph.similarity.typed_graph import Fact, SourceRef, TypedGraph

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX ascn: <https://w3id.org/ascn/ontology#>
"""
RECORDS = """VALUES ?class {
    ascn:City ascn:Project ascn:Pairing ascn:PartnerCountry ascn:PartnerOrganisation ascn:PartnerCompany
    ascn:PartnerCity ascn:PartnerProgramme ascn:BestPractice
  }"""
JOINED_NODES = (
    PREFIXES
    + """SELECT ?entity ?kind ?label WHERE {
  VALUES (?class ?kind) {
    (ascn:City "city") (ascn:MemberState "country") (ascn:Project "project") (ascn:FocusArea "focus_area")
    (ascn:PartnerCountry "partner") (ascn:PartnerOrganisation "partner") (ascn:PartnerCompany "partner")
    (ascn:PartnerCity "partner") (ascn:PartnerProgramme "programme") (ascn:Pairing "pairing")
    (ascn:BestPractice "practice") (ascn:ProjectStatus "status") (ascn:StrategicOutcome "outcome")
  }
  ?entity rdf:type ?class ; rdfs:label ?label .
}"""
)
JOINED_SOURCES = (
    PREFIXES + f"SELECT ?fact ?document WHERE {{ {RECORDS} ?fact rdf:type ?class ; dcterms:source ?document . }}"
)
JOINED_CONFIDENCE = (
    PREFIXES
    + f"""SELECT ?fact ?confidence WHERE {{
  {RECORDS} ?fact rdf:type ?class ; ascn:confidence ?level . ?level rdfs:label ?confidence .
}}"""
)
EDGES = {
    "in_country": "ascn:country",
    "in_city": "ascn:inCity",
    "other_city": "ascn:otherCity",
    "focus_area": "ascn:focusArea",
    "strategic_outcome": "ascn:strategicOutcome",
    "involves_partner": "ascn:involvesPartner",
    "status": "ascn:status",
    "paired_city": "ascn:pairedCity",
    "under_programme": "ascn:underProgramme",
    "parent_partner": "ascn:parentPartner",
    "concerns_project": "ascn:concernsProject",
    "concerns_city": "ascn:concernsCity",
}
JOINED_EDGES = (
    PREFIXES
    + "SELECT DISTINCT ?source ?relation ?target ?fact WHERE {\n"
    + "\n  UNION ".join(
        f'{{ ?source {p} ?target . BIND("{r}" AS ?relation) BIND(?source AS ?fact) }}'
        for r, p in [
            *EDGES.items(),
            ("paired_partner", "ascn:pairedPartner"),
            ("paired_partner", "ascn:partnerSideEntity"),
            ("runs_programme", "ascn:partnerProgramme"),
        ]
    )
    + '\n  UNION { ?target ascn:leadPartner ?source . BIND("runs_programme" AS ?relation) BIND(?target AS ?fact) }\n}'
)


@pytest.fixture(scope="module")
def tg(store) -> TypedGraph:
    return TypedGraph.from_store(store)


def test_the_entities_are_those_the_joined_query_gave_with_their_kinds_and_labels(store, tg):
    joined = set(store.values(JOINED_NODES).rows)
    assert len(joined) == len(tg.entities) == 418  # no entity of the bundled graph has two kinds or two labels
    assert {(e.iri, e.kind, e.label) for e in tg.entities.values()} == joined


def test_the_links_and_the_records_stating_them_are_those_the_joined_query_gave(store, tg):
    joined = {row for row in store.values(JOINED_EDGES).rows if row[0] in tg.entities and row[2] in tg.entities}
    assert {(link.source, link.relation, link.target, link.fact) for link in tg.links} == joined
    led = [link for link in tg.links if link.relation == "runs_programme" and link.fact != link.source]
    assert led and all(link.fact == link.target for link in led)  # a lead partner is stated by the programme
    assert len(tg.links) == len(set(tg.links)) == len(joined)


def test_the_facts_sources_and_confidence_marks_are_those_the_joined_queries_gave(store, tg):
    sources: dict[str, set[str]] = {}
    for fact, document in store.values(JOINED_SOURCES).rows:
        sources.setdefault(fact, set()).add(document)
    assert {f: {s.iri for s in fact.sources} for f, fact in tg.facts.items()} == sources
    confidence = dict(store.values(JOINED_CONFIDENCE).rows)
    assert len(confidence) == 44
    assert {f: fact.confidence for f, fact in tg.facts.items() if fact.confidence} == confidence


def test_the_rows_are_assembled_in_order_without_repeats_whatever_order_they_come_in():
    """The assembly puts rows in order by integer codes (numpy), not by sorting tuples of strings: the same
    order and the same choices, on rows that come unsorted, repeated, with an entity of two kinds and labels."""
    rows: dict[str, list[tuple]] = {name: [] for name in ("similarity_attributes", "similarity_vocabulary")}
    rows["similarity_kinds"] = [("p2", "project"), ("c1", "city"), ("p1", "project"), ("x", "partner"), ("x", "city")]
    rows["similarity_labels"] = [("p2", "Two"), ("p1", "One"), ("c1", "City"), ("x", "B"), ("x", "A")]
    rows["similarity_edges"] = [
        ("p2", "in_city", "c1", None),
        ("p1", "in_city", "c1", None),
        ("p2", "in_city", "c1", "p2"),  # the same link, its fact given
        ("p1", "focus_area", "f", None),  # f is no entity: dropped
        ("p1", "in_city", "c1", "d9"),
    ]
    rows["similarity_sources"] = [("p2", "d2"), ("p1", "d3"), ("p1", "d1"), ("p1", "d3"), ("d1", "d2")]
    rows["similarity_titles"] = [("d3", "Three"), ("d1", "One"), ("d1", "Uno"), ("d2", None)]
    rows["similarity_source_dates"] = [("d1", "2020-05-01"), ("d1", "2019-01-01")]
    rows["similarity_confidence"] = [("p1", "reported"), ("q", "estimated")]
    tg = TypedGraph._assembled(rows, "v")
    assert [(e.iri, e.kind, e.label) for e in tg.entities.values()] == [
        ("c1", "city", "City"),
        ("p1", "project", "One"),
        ("p2", "project", "Two"),
        ("x", "partner", "B"),  # the greatest kind and the greatest label
    ]
    assert [(link.relation, link.source, link.target, link.fact) for link in tg.links] == [
        ("in_city", "p1", "c1", "d9"),
        ("in_city", "p1", "c1", "p1"),
        ("in_city", "p2", "c1", "p2"),
    ]
    assert list(tg.facts) == ["p1", "p2"]  # d1 cites a source but is no record
    assert tg.facts["p1"] == Fact(
        "p1",
        (SourceRef("d1", "One", "2019-01-01"), SourceRef("d1", "Uno", "2019-01-01"), SourceRef("d3", "Three")),
        "reported",
    )
    assert tg.facts["p2"] == Fact("p2", (SourceRef("d2", "d2"),), None)
