"""An error message repeats at most the first 100 characters of a value it quotes, and says how long it was.

Messages repeated a 10,000-character value in full (``ontology.errors.shown`` now cuts every one of them).
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from ontology.errors import InputError

LONG = "x" * 5000
ROUTES = [
    f"/api/queries/cities_of_country?country={LONG}",
    f"/api/queries/cities_of_country?format={LONG}",
    f"/api/queries/cities_of_country?{LONG}=1",
    f"/api/queries/{LONG}",
    f"/api/reconcile/preview?id={LONG}",
    "/api/reconcile?queries=" + quote(json.dumps({"q0": {"query": "Hanoi", "properties": [{"pid": LONG, "v": "x"}]}})),
    f"/projects?focus={LONG}",
    f"/projects?sort={LONG}",
    f"/sparql?query={LONG}",
    f"/sparql?query=ASK%20{{}}&format={LONG}",
    f"/download/ascn-kg.{LONG}",
    f"/changes?to={LONG}",
    f"/query?release={LONG}",
    f"/feeds/city/{LONG}.atom",
]


@pytest.mark.parametrize("url", ROUTES, ids=lambda url: url[:40])
def test_an_error_repeats_a_long_value_cut_to_its_start_and_length(client, url):
    response = client.get(url, headers={"Accept": "application/json"})
    body = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500
    assert "x" * 101 not in body.replace('"parameter":"' + LONG, "")  # the JSON member naming the parameter aside
    assert "(5,000 characters)" in body or "(5,008 characters)" in body


def test_a_file_error_cuts_the_long_value_it_got():
    message = str(InputError("cities.yaml", "hanoi", "name", "a name of at most 200 characters", "n" * 10_000))
    assert message == (
        "cities.yaml, record 'hanoi', field 'name': expected a name of at most 200 characters, "
        f"got {'n' * 100 + '…'!r} (10,000 characters)"
    )
