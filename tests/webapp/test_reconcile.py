"""The Reconciliation Service API (v0.2) and the completion API against a real ``ascn serve`` (session fixture
``ascn_server``), called with ``requests`` and checked with ``jsonschema`` against the specification's schemas
(tests/webapp/data/reconciliation)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import requests

SCHEMAS = Path(__file__).parent / "data" / "reconciliation"
DA_NANG = "https://w3id.org/ascn/id/city/da-nang"
JICA = "https://w3id.org/ascn/id/partner/jica"


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


def valid(document, name: str) -> None:
    jsonschema.Draft202012Validator(schema(name)).validate(document)


@pytest.fixture(scope="module")
def site(ascn_server) -> str:
    return ascn_server.url.removesuffix("/sparql")


@pytest.fixture(scope="module")
def service(site) -> str:
    return site + "/api/reconcile"


def reconcile(service: str, queries: dict, method: str = "post") -> dict:
    valid(queries, "reconciliation-query-batch")
    if method == "post":
        response = requests.post(service, data={"queries": json.dumps(queries)}, timeout=30)
    else:
        response = requests.get(service, params={"queries": json.dumps(queries)}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    valid(response.json(), "reconciliation-result-batch")
    return response.json()


def test_manifest_follows_the_specification(service, site):
    manifest = requests.get(service, timeout=30).json()
    valid(manifest, "manifest")
    assert manifest["identifierSpace"] == "https://w3id.org/ascn/id/"
    assert manifest["schemaSpace"] == "https://w3id.org/ascn/ontology#"
    assert [t["id"] for t in manifest["defaultTypes"]] == ["City", "Partner", "Project", "Programme", "Country"]
    assert manifest["preview"]["url"] == site + "/api/reconcile/preview?id={{id}}"
    assert {k: v["service_url"] + v["service_path"] for k, v in manifest["suggest"].items()} == {
        kind: f"{site}/api/reconcile/suggest/{kind}" for kind in ("entity", "type", "property")
    }


def test_the_issue_targets(service):
    answer = reconcile(
        service, {"q0": {"query": "Da Nang", "type": "City"}, "q1": {"query": "Japan International Cooperation Agency"}}
    )
    first = answer["q0"]["result"][0]
    assert (first["id"], first["name"], first["score"], first["match"]) == (DA_NANG, "Da Nang", 100.0, True)
    assert first["type"] == [{"id": "City", "name": "Member city"}]
    assert [c["match"] for c in answer["q0"]["result"][1:]] == [False] * (len(answer["q0"]["result"]) - 1)
    jica = answer["q1"]["result"][0]
    assert (jica["id"], jica["match"], jica["description"]) == (JICA, True, "External partner in Japan")
    assert answer["q1"]["result"][1]["id"] == "https://w3id.org/ascn/id/partner/jbic"


def test_get_answers_as_post_and_a_type_narrows(service):
    batch = {"a": {"query": "JICA", "type": ["Partner"], "limit": 2}, "b": {"query": "Da Nnag", "type": "City"}}
    assert reconcile(service, batch, "get") == reconcile(service, batch)
    answer = reconcile(service, batch)
    assert [c["id"] for c in answer["a"]["result"]] == [JICA, "https://w3id.org/ascn/id/partner/jbic"]
    spelled = answer["b"]["result"][0]
    assert (spelled["id"], spelled["match"]) == (DA_NANG, False)  # close, not certain: a person decides
    assert all(c["type"] == [{"id": "City", "name": "Member city"}] for c in answer["b"]["result"])


def test_a_place_in_brackets_is_no_name_of_a_project_an_abbreviation_is(service):
    """A project column holding only a city must not be matched for sure to the one project named "Introduction of
    Blockchain Technology (Kuching)": the brackets say where it is, not what it is called. "(AASCTF)" is a name."""
    answer = reconcile(
        service, {"p": {"query": "Kuching", "type": "Project"}, "a": {"query": "AASCTF", "type": "Programme"}}
    )
    assert [(c["score"], c["match"]) for c in answer["p"]["result"] if c["score"] == 100 or c["match"]] == []
    first = answer["a"]["result"][0]
    assert (first["id"], first["score"], first["match"]) == ("https://w3id.org/ascn/id/programme/aasctf", 100.0, True)


def test_a_country_property_tells_namesakes_apart(service):
    """ "Japan" is a partner country; asked with the country Viet Nam, it is no longer a sure match."""
    plain = reconcile(service, {"q": {"query": "Japan"}})["q"]["result"][0]
    assert (plain["id"], plain["match"]) == ("https://w3id.org/ascn/id/partner/japan", True)
    answer = reconcile(
        service,
        {
            "vn": {"query": "Japan", "properties": [{"pid": "country", "v": "VN"}]},
            "city": {
                "query": "Da Nang",
                "type": "City",
                "properties": [{"pid": "country", "v": {"id": "https://w3id.org/ascn/id/country/vn"}}],
            },
            "wrong": {"query": "Da Nang", "type": "City", "properties": [{"pid": "country", "v": "Thailand"}]},
        },
    )
    assert answer["vn"]["result"][0]["match"] is False
    assert answer["city"]["result"][0]["id"] == DA_NANG and answer["city"]["result"][0]["match"] is True
    wrong = answer["wrong"]["result"]
    assert wrong[0]["id"] == DA_NANG and wrong[0]["match"] is False and wrong[0]["score"] == 50.0


@pytest.mark.parametrize(
    "queries, message",
    [
        ("{", "parameter 'queries' is not JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
        (
            '{"q0": {"query": "a\tb"}}',  # a parameter may hold a tab, a JSON string may not
            "parameter 'queries' is not JSON: Invalid control character at line 1 column 20",
        ),
        ('{"q0": {"query": "ab', "parameter 'queries' is not JSON: Unterminated string starting at line 1 column 18"),
        ("[]", "parameter 'queries' must be a JSON object of queries by key"),
        ('{"q0": {"query": "x", "limit": 0}}', "query 'q0': field 'limit' must be a whole number from 1 to 100"),
        *(  # a type the graph has no entity of gave an empty result: "no match" for every row of a column
            (
                json.dumps({"q0": {"query": "Hanoi", "type": ["City", wrong]}}),
                "query 'q0': field 'type': expected one of this service's types (City, Partner, Project, Programme, "
                f"Country) or a class with instances in the graph, got {wrong!r}",
            )
            for wrong in ("Town", "ascn:Cty", "https://example.org/Town")
        ),
        (
            '{"q0": {"query": "x", "colour": 1}}',
            "query 'q0': unknown field(s) colour; known: query, type, limit, properties, type_strict",
        ),
        (
            '{"q0": {"query": "x", "properties": [{"pid": "mayor", "v": "y"}]}}',
            "query 'q0': field 'properties': expected a property id: country, city, got 'mayor'",
        ),
        (  # each value is compared with every candidate's country: 20,000 values took 3.8 s
            json.dumps({"q0": {"query": "Da Nang", "properties": [{"pid": "country", "v": ["VN"] * 11}]}}),
            "query 'q0': field 'properties' holds more than 10 values",
        ),
        (  # each query is compared with every name: 50 took 3.4 s
            json.dumps({f"q{n}": {"query": "Da Nang"} for n in range(11)}),
            "a batch holds at most 10 queries, got 11",
        ),
        ("[" * 10000 + "]" * 10000, "parameter 'queries' is nested too deeply to be a batch of queries"),  # a 500
        (  # json keeps the last of two members of one name: the batch was answered for one query of the two
            '{"q0": {"query": "Hanoi"}, "q0": {"query": "Hue"}}',
            "parameter 'queries' gives the key 'q0' twice in one object",
        ),
        ('{"q0": {"query": "Hanoi", "query": "Hue"}}', "parameter 'queries' gives the key 'query' twice in one object"),
        (  # json reads a whole number of over 4,300 digits as a ValueError that is no JSONDecodeError: a 500
            '{"q0": {"query": "x", "limit": 1%s}}' % ("0" * 5000),
            "parameter 'queries' holds a number of more than 4,300 digits (5,001)",
        ),
        (
            '{"q0": {"query": "x", "properties": [{"pid": "country", "v": 1%s}]}}' % ("0" * 4300),
            "parameter 'queries' holds a number of more than 4,300 digits (4,301)",
        ),
    ],
)
def test_a_bad_batch_is_refused_naming_the_query_and_field(service, queries, message):
    response = requests.post(service, data={"queries": queries}, timeout=30)
    assert response.status_code == 400
    assert response.json() == {"error": message, "message": message, "parameter": "queries", "status": 400}


def test_suggest_services(site):
    def suggest(kind, **params):
        response = requests.get(f"{site}/api/reconcile/suggest/{kind}", params=params, timeout=30)
        assert response.status_code == 200
        valid(response.json(), "suggest-response")
        return response.json()["result"]

    entities = suggest("entity", prefix="jic", type="Partner")
    assert [e["id"] for e in entities] == [JICA]
    assert entities[0]["notable"] == [{"id": "Partner", "name": "External partner"}]
    assert suggest("entity", prefix="da n")[0]["id"] == DA_NANG
    assert [t["id"] for t in suggest("type", prefix="prog")] == ["Programme"]
    assert [p["id"] for p in suggest("property", prefix="coun")] == ["country"]
    assert [e["id"] for e in suggest("entity", prefix="da n", type="ascn:City")] == [DA_NANG]
    refused = requests.get(
        f"{site}/api/reconcile/suggest/entity", params={"prefix": "da n", "type": "Town"}, timeout=30
    )
    assert refused.status_code == 400 and refused.json()["parameter"] == "type"
    assert refused.json()["message"].startswith("parameter 'type': expected one of this service's types (City, ")


def test_preview_is_a_small_page_of_the_entity(site):
    response = requests.get(f"{site}/api/reconcile/preview", params={"id": JICA}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert '<a href="/id/partner/jica"' in response.text
    assert "Also: Japan International Cooperation Agency · JICA" in response.text
    missing = requests.get(f"{site}/api/reconcile/preview", params={"id": "urn:x"}, timeout=30)
    assert missing.status_code == 404 and missing.json()["error"] == "no entity with id 'urn:x'"


# -- completion ---------------------------------------------------------------------------------
def complete(site: str, **params) -> list[dict]:
    response = requests.get(site + "/api/complete", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_entities_by_label_and_alternative_name_most_used_first(site):
    cities = complete(site, q="da", type="ascn:City")
    assert [(c["label"], c["prefixed"]) for c in cities] == [
        ("Davao City", "city:davao-city"),
        ("Da Nang", "city:da-nang"),
    ]
    assert cities[0]["count"] > cities[1]["count"]
    assert [c["label"] for c in complete(site, q="jica", type="Partner")] == [
        "Japan International Cooperation Agency (JICA)"
    ]


def test_terms_for_the_editor(site):
    assert [c["prefixed"] for c in complete(site, kind="class", q="pro")] == [
        "ascn:Project",
        "ascn:PartnerProgramme",
        "ascn:ProjectStatus",
    ]
    assert [p["prefixed"] for p in complete(site, kind="property", **{"class": "ascn:Project"}, q="foc")] == [
        "ascn:focusArea"
    ]
    objects = complete(site, predicate="ascn:focusArea", **{"class": "ascn:Project"}, q="")
    assert [o["label"] for o in objects][:2] == ["Built Infrastructure", "Civic and Social"]
    assert len(objects) == 6


@pytest.mark.parametrize("callback", ["alert(1)//", "a b", "1x", "x..y", "ｃｂ", "C" * 129])
def test_a_jsonp_callback_that_is_no_javascript_name_is_a_400_naming_it(service, callback):
    """It was answered as plain JSON, which the client's script tag cannot run, without a word; a name of any
    length was taken, so the answer began with as many bytes of the client's choosing."""
    response = requests.get(service, params={"callback": callback}, timeout=30)
    assert (response.status_code, response.json()["parameter"]) == (400, "callback")
    assert response.json()["error"].startswith(
        "parameter 'callback': expected a JavaScript name (letters, digits, '_', '$', '.') of at most 128 characters"
    )
    named = requests.get(service, params={"callback": "jQuery_1.cb$" + "x" * 116}, timeout=30)
    assert named.status_code == 200 and named.text.startswith("/**/jQuery_1.cb$" + "x" * 116 + "({")
    assert named.headers["Content-Type"].startswith("application/javascript")
    assert named.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "body",
    [
        {"json": {"queries": {"q0": {"query": "Hue"}}}},
        {"files": {"queries": ("batch.json", b'{"q0": {"query": "Hue"}}', "application/json")}},
    ],
)
def test_a_post_without_the_queries_field_is_a_400_not_the_manifest(service, body):
    """A JSON body, or the batch sent as a file, was answered with the manifest: 200, and no candidates."""
    response = requests.post(service, timeout=30, **body)
    assert (response.status_code, response.json()["parameter"]) == (400, "queries")
    assert response.json()["error"].startswith("a POST carries its batch in the form field 'queries'")


def test_completion_refuses_bad_parameters_by_name(site):
    response = requests.get(site + "/api/complete", params={"kind": "colour"}, timeout=30)
    assert response.status_code == 400 and response.json()["parameter"] == "kind"
    response = requests.get(site + "/api/complete", params={"limit": "500"}, timeout=30)
    assert response.json()["error"] == "parameter 'limit' must be a whole number from 1 to 50, got '500'"


# -- an entity's neighbourhood (the entity page's graph view) -------------------------------------
def test_neighbourhood_holds_links_out_and_in(site):
    body = requests.get(site + "/api/neighbourhood", params={"entity": DA_NANG}, timeout=30).json()
    assert body["centre"] == DA_NANG
    links = {(t["s"]["value"], t["p"]["value"], t["o"]["value"]) for t in body["triples"]}
    assert (DA_NANG, "https://w3id.org/ascn/ontology#country", "https://w3id.org/ascn/id/country/vn") in links
    assert ("https://w3id.org/ascn/id/project/dad-ioc", "https://w3id.org/ascn/ontology#inCity", DA_NANG) in links
    missing = requests.get(
        site + "/api/neighbourhood", params={"entity": "https://w3id.org/ascn/id/city/x"}, timeout=30
    )
    assert missing.status_code == 404 and missing.json()["parameter"] == "entity"
    for entity in (DA_NANG + ">", DA_NANG + " x", DA_NANG + '"'):  # no IRI, and binding one for a query was a 500
        refused = requests.get(site + "/api/neighbourhood", params={"entity": entity}, timeout=30)
        assert refused.status_code == 404 and refused.json()["error"] == f"the graph has no entity {entity!r}"
