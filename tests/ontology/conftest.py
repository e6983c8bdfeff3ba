import pytest

from ontology import ontology_graph, shapes_graph


@pytest.fixture(scope="session")
def ontology():
    return ontology_graph()


@pytest.fixture(scope="session")
def data_shapes():
    return shapes_graph()
