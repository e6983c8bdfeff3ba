from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from loaders.errors import ValidationError
from loaders.validate import validate
from ontology.namespace import ASCN

HERE = Path(__file__).parent
BSB_PROJECT = URIRef("https://w3id.org/ascn/id/project/bsb-clean-river")
BSB = URIRef("https://w3id.org/ascn/id/city/bandar-seri-begawan")


@pytest.fixture
def sample():
    return Graph().parse(HERE / "sample_valid.ttl")


def _validate(data, ontology, shapes):
    conforms, results, text = pyshacl.validate(data + ontology, shacl_graph=shapes, inference="none")
    messages = {str(m) for m in results.objects(None, SH.resultMessage)}
    return conforms, messages, text


def test_sample_conforms(sample, ontology, data_shapes):
    conforms, _, text = _validate(sample, ontology, data_shapes)
    assert conforms, text


def test_project_needs_city_or_network_not_both(sample, ontology, data_shapes):
    sample.add((BSB_PROJECT, ASCN.networkWide, Literal(True)))
    conforms, messages, _ = _validate(sample, ontology, data_shapes)
    assert not conforms
    assert any("exactly one of the two" in m for m in messages)


def test_network_wide_project_without_city_conforms(sample, ontology, data_shapes):
    sample.remove((BSB_PROJECT, ASCN.inCity, None))
    sample.add((BSB_PROJECT, ASCN.networkWide, Literal(True)))
    conforms, _, text = _validate(sample, ontology, data_shapes)
    assert conforms, text


def test_city_without_country_is_reported_readably(sample, ontology, data_shapes):
    sample.remove((BSB, ASCN.country, None))
    conforms, messages, _ = _validate(sample, ontology, data_shapes)
    assert not conforms
    assert "A city needs exactly one country (ascn:country), which must be an ASEAN member state." in messages


def test_unknown_status_value_fails(sample, ontology, data_shapes):
    sample.set((BSB_PROJECT, ASCN.status, URIRef("https://w3id.org/ascn/id/status/done")))
    conforms, messages, _ = _validate(sample, ontology, data_shapes)
    assert not conforms
    assert any("exactly one status" in m for m in messages)


def test_confidence_reason_needs_confidence(sample, ontology, data_shapes):
    sample.add((BSB_PROJECT, ASCN.confidenceReason, Literal("Only meeting-level mentions.")))
    conforms, messages, _ = _validate(sample, ontology, data_shapes)
    assert not conforms
    assert any("only given together with a confidence level" in m for m in messages)
    sample.add((BSB_PROJECT, ASCN.confidence, URIRef("https://w3id.org/ascn/id/confidence/low")))
    assert _validate(sample, ontology, data_shapes)[0]


def test_every_shape_has_a_name_and_a_message(data_shapes):
    # Messages reach people in error reports. Members of sh:or / sh:xone lists
    # report through their parent shape's message, so only these need one:
    property_shapes = set(data_shapes.objects(None, SH.property))
    node_level = {s for c in (SH.xone, SH["or"]) for s in data_shapes.subjects(c, None)}
    targeted = {
        s for t in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf) for s in data_shapes.subjects(t, None)
    }
    assert len(property_shapes) > 50
    assert not {s for s in property_shapes | targeted if (s, SH.name, None) not in data_shapes}
    assert not {s for s in property_shapes | node_level if (s, SH.message, None) not in data_shapes}


def test_validate_data_raises_with_readable_results(sample):
    assert validate([sample]).conforms
    sample.remove((BSB, ASCN.joinedYear, None))
    with pytest.raises(ValidationError) as info:
        validate([sample])
    assert info.value.results == [
        (
            str(BSB),
            "ascn:joinedYear",
            "A city needs exactly one year it joined the network (ascn:joinedYear, a year such as 2018).",
        ),
    ]
