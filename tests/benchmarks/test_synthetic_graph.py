"""The synthetic benchmark graph: the same bytes every time, valid against the shapes, and never mistaken for real."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from benchmarks import synthetic
from loaders.dataset import bundled_graphs, bundled_records
from loaders.records import RecordSet, check_records
from loaders.validate import validate
from ontology.namespace import ASCN, GEO, GRAPH, ID

TARGET = 2000


def _generate(seed: int = synthetic.SEED, quads: bool = False) -> tuple[str, synthetic.Written]:
    out = io.StringIO()
    written = synthetic.write(out, TARGET, seed, quads=quads)
    return out.getvalue(), written


@pytest.fixture(scope="module")
def text() -> str:
    return _generate()[0]


@pytest.fixture(scope="module")
def graph(text) -> Graph:
    return Graph().parse(data=text, format="nt")


def test_same_seed_gives_the_same_bytes(text):
    assert _generate()[0] == text
    assert _generate(seed=8)[0] != text


def test_stops_at_the_first_whole_city_past_the_target(text, graph):
    again, written = _generate()
    assert written.triples == len(graph) == sum(1 for line in text.splitlines() if not line.startswith("#"))
    assert TARGET <= written.triples < TARGET + 400
    assert written.cities == len(set(graph.subjects(RDF.type, ASCN.City)))


def test_quads_hold_the_same_triples_in_the_synthetic_graph(graph):
    quads = _generate(quads=True)[0]
    lines = [line for line in quads.splitlines() if not line.startswith("#")]
    assert all(line.endswith(f" <{synthetic.SYNTHETIC_GRAPH}> .") for line in lines)
    assert len(Graph().parse(data=quads.replace(f" <{synthetic.SYNTHETIC_GRAPH}> .", " ."), format="nt") ^ graph) == 0


def test_conforms_to_the_data_shapes(graph):
    bundled = bundled_graphs()
    context = [bundled[str(GRAPH["bundled/countries"])], bundled[str(GRAPH["bundled/network"])]]
    report = validate([graph, *context], focus=graph, file="synthetic")
    assert report.checked > 200


def test_has_the_classes_of_the_real_schema(graph):
    classes = Counter(graph.objects(None, RDF.type))
    assert set(classes) == {
        ASCN.City,
        GEO.Geometry,
        ASCN.Measurement,
        ASCN.Project,
        ASCN.Pairing,
        ASCN.PartnerProgramme,
        ASCN.PartnerOrganisation,
        ASCN.PartnerCountry,
        ASCN.PartnerCompany,
        ASCN.BestPractice,
        ASCN.SourceDocument,
    }
    assert classes[ASCN.Project] > 3 * classes[ASCN.City]  # about 4.2 projects per city, as bundled


def test_links_only_real_member_states_and_focus_areas(graph):
    countries = {o for o in graph.objects(None, ASCN.country)}
    assert countries and countries <= {ID[f"country/{c.id.lower()}"] for c in bundled_records().by_type["country"]}
    areas = set(graph.objects(None, ASCN.focusArea))
    assert areas == {
        ID[f"focus-area/{a}"]
        for a in (
            "built_infrastructure",
            "civic_social",
            "quality_environment",
            "safety_security",
            "industry_innovation",
            "health_wellbeing",
        )
    }


def test_every_entity_is_marked_synthetic(graph):
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert subjects and all(str(s).removeprefix(str(ID)).split("/")[1].startswith("syn-") for s in subjects)
    cited = set(graph.objects(None, DCTERMS.source))
    assert cited and all(str(o).startswith(str(ID["source/syn-source-"])) for o in cited)
    titles = list(graph.objects(None, DCTERMS.title))
    assert titles and all("Synthetic" in t and "not a real document" in t for t in titles)
    labelled = {s for s in graph.subjects(RDFS.label, None)}
    assert all(any("ynthetic" in label for label in graph.objects(s, RDFS.label)) for s in labelled)


def test_every_reference_resolves(text):
    records = RecordSet()
    for city_records in synthetic.records(TARGET):
        for record in city_records:
            records.add(record)
    real = bundled_records()
    check_records(records, {"country": real.ids("country"), "focus_area": real.ids("focus_area")})
