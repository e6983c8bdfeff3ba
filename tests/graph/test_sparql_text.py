"""Reading a query before it runs: its form, its own dataset, whether it is an update."""

from __future__ import annotations

import pytest

from graph.sparql_text import inspect_query


@pytest.mark.parametrize(
    "query, form",
    [
        ("PREFIX select: <http://x.org/> ASK { ?s select:p ?o }", "ASK"),
        ("# SELECT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("BASE <http://x.org/> describe <a>", "DESCRIBE"),
        ("SELECT * { { SELECT ?s { ?s ?p ?o } } }", "SELECT"),
        ("INSERT DATA { <a> <b> <c> }", None),
    ],
)
def test_form_is_the_first_form_keyword_token(query, form):
    assert inspect_query(query).form == form


@pytest.mark.parametrize(
    "query, has_from",
    [
        ("SELECT * FROM <http://g> { ?s ?p ?o }", True),
        ("select * from named <http://g> { graph ?g { ?s ?p ?o } }", True),
        ('SELECT * { ?s ?p "FROM <http://g>" }', False),
        ("PREFIX from: <http://x.org/> SELECT * { ?s from:p ?from }", False),
    ],
)
def test_dataset_clause_is_found_only_as_a_keyword(query, has_from):
    assert inspect_query(query).has_dataset_clause is has_from


@pytest.mark.parametrize(
    "query, update",
    [
        ("PREFIX x: <http://x.org/> DELETE WHERE { ?s x:p ?o }", True),
        ("LOAD <http://x.org/data.ttl>", True),
        ("SELECT ?insert { ?insert ?p ?o }", False),
    ],
)
def test_updates_are_recognised(query, update):
    assert inspect_query(query).update is update
