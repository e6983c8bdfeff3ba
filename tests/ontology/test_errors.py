from graph.errors import StoreError
from loaders.errors import ValidationError
from ontology.errors import AscnError, InputError, NotFound
from queries.errors import QueryError


def test_input_error_message():
    err = InputError("projects.yaml", "bsb-clean-river", "city", "an existing city id", got="bandar")
    assert (
        str(err) == "projects.yaml, record 'bsb-clean-river', field 'city': expected an existing city id, got 'bandar'"
    )
    assert (err.file, err.record, err.field) == ("projects.yaml", "bsb-clean-river", "city")


def test_input_error_omits_missing_parts():
    assert str(InputError("cities.yaml", field="lat")) == "cities.yaml, field 'lat'"
    assert str(InputError(expected="a year")) == "expected a year"


def test_hierarchy():
    for cls in (InputError, ValidationError, StoreError, QueryError, NotFound):
        assert issubclass(cls, AscnError)


def test_query_error_position_and_suggestions():
    assert QueryError("bad", position=(1, 2)).position == (1, 2)
    assert NotFound("no city 'x'", ["a", "b"]).suggestions == ["a", "b"]
