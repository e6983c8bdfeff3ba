"""Reading a query before it runs: its form, its own dataset, the endpoints it would call."""

from __future__ import annotations

import pytest

from graph.sparql_text import inspect_query


@pytest.mark.parametrize("query, form", [
    ("PREFIX select: <http://x.org/> ASK { ?s select:p ?o }", "ASK"),
    ("# SELECT in a comment\nCONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("BASE <http://x.org/> describe <a>", "DESCRIBE"),
    ("SELECT * { { SELECT ?s { ?s ?p ?o } } }", "SELECT"),
    ("INSERT DATA { <a> <b> <c> }", None),
])
def test_form_is_the_first_form_keyword_token(query, form):
    assert inspect_query(query).form == form


@pytest.mark.parametrize("query, has_from", [
    ("SELECT * FROM <http://g> { ?s ?p ?o }", True),
    ("select * from named <http://g> { graph ?g { ?s ?p ?o } }", True),
    ('SELECT * { ?s ?p "FROM <http://g>" }', False),
    ("PREFIX from: <http://x.org/> SELECT * { ?s from:p ?from }", False),
])
def test_dataset_clause_is_found_only_as_a_keyword(query, has_from):
    assert inspect_query(query).has_dataset_clause is has_from


@pytest.mark.parametrize("query, services", [
    ("SELECT * { SERVICE <http://a.org/sparql> { ?s ?p ?o } }", ("http://a.org/sparql",)),
    ("PREFIX e: <http://a.org/> SELECT * { SERVICE SILENT e:q { ?s ?p ?o } }", ("http://a.org/q",)),
    ("SELECT * { SERVICE ?where { ?s ?p ?o } }", (None,)),
    # rdflib's parser rejects this valid query; the tokens still find the endpoint
    ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT * { ?s rdfs:label ?l . SERVICE <http://a.org/q> {} }",
     ("http://a.org/q",)),
    ("SELECT * { ?s ?p '''SERVICE <http://a.org/q> {}''' } # SERVICE <http://b.org/>", ()),
])
def test_service_targets_are_found_and_resolved(query, services):
    assert inspect_query(query).services == services


@pytest.mark.parametrize("query, update", [
    ("PREFIX x: <http://x.org/> DELETE WHERE { ?s x:p ?o }", True),
    ("LOAD <http://x.org/data.ttl>", True),
    ("SELECT ?insert { ?insert ?p ?o }", False),
])
def test_updates_are_recognised(query, update):
    assert inspect_query(query).update is update
