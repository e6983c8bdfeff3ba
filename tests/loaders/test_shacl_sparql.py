"""The data shapes compiled to SPARQL give pySHACL's answers: same conformance, same nodes checked, same
(focus node, path, message) results, on the bundled graph and on crafted violations of every construct."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from graph.backends.oxigraph import OxigraphStore
from loaders import shacl_sparql, validate
from loaders.errors import ValidationError

DATA = Path(__file__).parent / "data"
CRAFTED = "https://w3id.org/ascn/graph/user/crafted"
PREFIXES = """
@prefix ascn: <https://w3id.org/ascn/ontology#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> . @prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix schema: <https://schema.org/> .
@prefix id: <https://w3id.org/ascn/id/> . @prefix city: <https://w3id.org/ascn/id/city/> .
@prefix src: <https://w3id.org/ascn/id/source/> .
"""
CASES = {
    # sh:pattern, sh:datatype, sh:maxCount, sh:minCount
    "pattern and datatype": """<https://w3id.org/ascn/id/country/zz> a ascn:MemberState ; rdfs:label "Zed" ;
        dcterms:source src:asean_ascn_page ; ascn:iso3166Alpha2 "zz" ; ascn:iso3166Alpha3 3 .""",
    # sh:maxInclusive / sh:minInclusive, sh:maxCount, sh:class, sh:node (geometry), sh:targetObjectsOf
    "ranges and counts": """city:test-x a ascn:City ; rdfs:label "X", "Y" ; dcterms:source src:asean_ascn_page ;
        ascn:country city:phuket ; ascn:joinedYear "2018"^^xsd:gYear ; wgs:lat 100.5 ; wgs:long -200.0 ;
        geo:hasGeometry city:test-x-geo . city:test-x-geo geo:asWKT "POINT(1 2)" .""",
    # node-level sh:or over property shapes, sh:in, sh:node DateAtPrecision (sh:or of datatypes)
    "or and in": """<https://w3id.org/ascn/id/event/2030-1> a ascn:Event ; dcterms:source src:asean_ascn_page ;
        ascn:startDate "soon" ; ascn:eventKind <https://w3id.org/ascn/id/event-kind/party> .""",
    # sh:xone over sh:class, sh:nodeKind
    "xone of classes": """<https://w3id.org/ascn/id/partner/test-two> a ascn:PartnerCountry, ascn:PartnerCompany ;
        rdfs:label "Two kinds" ; dcterms:source src:asean_ascn_page .
        src:test-doc a ascn:SourceDocument ; dcterms:title "T" ; schema:url "http://example.org" ;
        ascn:sourceKind <https://w3id.org/ascn/id/source-kind/news> .""",
    # sh:xone with sh:hasValue, property sh:or of datatypes (measurement value), sh:node MeasurementShape
    "xone with hasValue": """<https://w3id.org/ascn/id/project/test-both> a ascn:Project ; rdfs:label "Both" ;
        dcterms:source src:asean_ascn_page ; ascn:inCity city:phuket ; ascn:networkWide true ;
        ascn:focusArea <https://w3id.org/ascn/id/focus-area/civic_social> ;
        ascn:status <https://w3id.org/ascn/id/status/planning> .
        city:phuket ascn:population <https://w3id.org/ascn/id/city/phuket/test-pop> .
        <https://w3id.org/ascn/id/city/phuket/test-pop> a ascn:Measurement ; rdf:value "many" .""",
    # sh:targetSubjectsOf with sh:minCount and sh:class
    "subjects of": """city:phuket ascn:confidenceReason "guess" .
        city:hue ascn:confidence <https://w3id.org/ascn/id/confidence/certain> .""",
}


@pytest.fixture(scope="module")
def bundled_store(bundled_graphs):
    store = OxigraphStore.in_memory()
    store.replace_graphs(bundled_graphs)
    return store


def test_the_bundled_graph_conforms_with_the_same_count_as_pyshacl(bundled_store, bundled_graphs):
    compiled = shacl_sparql.check(bundled_store.query)
    reference = validate.check(bundled_graphs.values())
    assert compiled.conforms and reference.conforms
    assert compiled.checked == reference.checked > 600


def test_the_violation_file_gives_pyshacls_results(bundled_store, bundled_graphs):
    graph = Graph().parse(DATA / "violation.ttl")
    store = OxigraphStore.in_memory()
    store.replace_graphs({**bundled_graphs, CRAFTED: graph})
    compiled = shacl_sparql.check(store.query, CRAFTED)
    reference = validate.check([*bundled_graphs.values(), graph], focus=graph)
    assert compiled.results == reference.results
    assert [path for _, path, _ in compiled.results] == ["ascn:country", "dcterms:source", "geo:hasGeometry"]
    assert compiled.checked == reference.checked == 1


@pytest.mark.parametrize("case", CASES)
def test_each_construct_gives_pyshacls_results(bundled_graphs, case):
    graph = Graph().parse(data=PREFIXES + CASES[case], format="turtle")
    store = OxigraphStore.in_memory()
    store.replace_graphs({**bundled_graphs, CRAFTED: graph})
    compiled = shacl_sparql.check(store.query, CRAFTED)
    reference = validate.check([*bundled_graphs.values(), graph], focus=graph)
    assert reference.results, "the crafted data must violate something, or the comparison proves nothing"
    assert compiled.results == reference.results
    # pySHACL's count reads types from the file alone; a node of the file typed elsewhere (Phuket) counts here
    assert compiled.checked >= reference.checked > 0


def test_a_year_that_is_not_a_year_is_refused_though_rdflib_accepts_it(bundled_graphs):
    graph = Graph().parse(
        data=PREFIXES
        + """city:test-y a ascn:City ; rdfs:label "Y" ;
        dcterms:source src:asean_ascn_page ; ascn:country <https://w3id.org/ascn/id/country/th> ;
        ascn:joinedYear "soon"^^xsd:gYear ; geo:hasGeometry city:test-y-geo .
        city:test-y-geo geo:asWKT "POINT(1 2)"^^geo:wktLiteral .""",
        format="turtle",
    )
    store = OxigraphStore.in_memory()
    store.replace_graphs({**bundled_graphs, CRAFTED: graph})
    assert validate.check([*bundled_graphs.values(), graph], focus=graph).conforms  # rdflib cannot tell
    with pytest.raises(ValidationError) as info:
        shacl_sparql.validate(store.query, CRAFTED, file="late.ttl")
    assert info.value.results == [
        (
            "https://w3id.org/ascn/id/city/test-y",
            "ascn:joinedYear",
            "A city needs exactly one year it joined the network (ascn:joinedYear, a year such as 2018).",
        )
    ]
    assert info.value.report.startswith("late.ttl: 1 SHACL violation(s):")


def test_a_construct_the_compiler_does_not_know_fails_loudly():
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minLength 3 ; sh:message "m" ] .
    """,
        format="turtle",
    )
    with pytest.raises(shacl_sparql.UnsupportedShape, match="minLength"):
        shacl_sparql.checks(shapes=shapes)
