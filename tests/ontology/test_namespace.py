from pathlib import Path

import pytest
from rdflib import URIRef

import ontology
from ontology import generate_namespace
from ontology.namespace import ASCN, ID


def test_regenerating_namespace_changes_nothing(tmp_path):
    out = tmp_path / "namespace.py"
    assert generate_namespace.main([str(out)]) == 0
    committed = Path(ontology.__file__).with_name("namespace.py").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == committed, "run: python -m ontology.generate_namespace"


def test_misspelt_term_raises():
    with pytest.raises(AttributeError):
        ASCN.Citty  # noqa: B018


def test_every_member_is_an_ontology_term(ontology):
    subjects = set(ontology.subjects())
    for name in ASCN.__annotations__:
        term = getattr(ASCN, name)
        assert isinstance(term, URIRef) and term in subjects, name


def test_id_namespace():
    assert ID["city/hanoi"] == URIRef("https://w3id.org/ascn/id/city/hanoi")
