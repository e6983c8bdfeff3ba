"""Reading a query before it runs: its form, its own dataset, whether it is an update."""

from __future__ import annotations

import re

import pytest

from graph import sparql_text
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


def test_a_prefixed_name_never_starts_inside_a_name():
    """Reading a text tries a prefixed name at every place a token may start. One whose prefix could start inside a
    run of name characters scanned to the run's end from each of its letters, so a query text of 100,000 letters
    (no colon) kept the server's process busy for 90 s before its 400; now each letter is tried once."""
    pname = re.compile(sparql_text._PNAME)
    text = "abc.d-e:f"
    assert pname.match(text, 0)[0] == text
    assert [pname.match(text, i) for i in range(1, 7)] == [None] * 6
    assert [m[0] for m in pname.finditer(text)] == [text]
    run = "a" * 100_000
    assert sparql_text.words(run + " SELECT") == [run, "SELECT"]
    assert [t.kind for t in sparql_text.tokens('"' + run)] == ["other", "word"]
    assert sparql_text.inspect_query("9a" * 50_000).form is None


def test_a_long_query_text_is_read_but_not_remembered():
    """The memos of read texts hold 1,024 and 512 of them: texts of 100,000 characters kept 150 MB there, beyond the
    answer cache's budget. A text over REMEMBERED_LENGTH is read anew each time, to the same reading."""
    memos = (sparql_text._normalised, sparql_text._inspected)
    long = "ASK { ?s ?p ?o }  # " + "x" * sparql_text.REMEMBERED_LENGTH
    asked = [memo.cache_info()[:2] for memo in memos]  # hits, misses
    assert sparql_text.normalised(long) == "ASK { ?s ?p ?o }"
    assert inspect_query(long).form == "ASK"
    assert [memo.cache_info()[:2] for memo in memos] == asked
    short = "ASK { ?s ?p 'remembered' }"
    for _ in range(2):
        assert sparql_text.normalised(short) == short and inspect_query(short).form == "ASK"
    assert all(memo.cache_info().hits > hits for memo, (hits, _) in zip(memos, asked, strict=True))
