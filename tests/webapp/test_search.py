"""/search over the names of every entity: exact names open their page, other searches list hits by kind."""

from __future__ import annotations

import re

import pytest


def groups(html: str) -> list[tuple[str, list[str]]]:
    """(heading, hit labels) per group of a search page."""
    out = []
    for section in re.findall(r'<section class="search-group".*?</section>', html, re.S):
        title = re.search(r'<h2 id="kind-[^"]+">([^<]+)<small>', section)[1].strip()
        out.append((title, re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section)))
    return out


@pytest.mark.parametrize(
    "q, target",
    [
        ("Da Nang", "/id/city/da-nang"),
        ("danang", "/id/city/da-nang"),
        ("  viet   nam ", "/id/country/vn"),
        ("City of Yokohama", "/id/partner/yokohama"),
        ("Yokohama", "/id/partner/yokohama"),
        ("JICA", "/id/partner/jica"),
    ],
)
def test_an_exact_name_opens_its_page(client, q, target):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 302
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "q, target",
    [
        ("ha noi", "/id/city/hanoi"),
        ("Ha Nôi", "/id/city/hanoi"),
        ("HÀ NỘI", "/id/city/hanoi"),
        ("Đa Nang", "/id/city/da-nang"),
        ("da nẵng", "/id/city/da-nang"),
        ("ＤＡ\u3000ＮＡＮＧ", "/id/city/da-nang"),
        ("ｋｕｃｈｉｎｇ", "/id/city/kuching"),
        ("thanh pho ho chi minh", "/id/city/ho-chi-minh-city"),
    ],
)
def test_accents_case_and_full_width_forms_are_folded_as_completion_folds_them(client, q, target):
    """Hà Nội, Đà Nẵng and Thành phố Hồ Chí Minh are alternative names in the data (Ha Noi, Da Nang, Ho Chi Minh
    City the labels): typed with some, all or none of their accents, or in full-width forms, each names its city."""
    response = client.get("/search", query_string={"q": q})
    assert (response.status_code, response.headers["Location"]) == (302, target)
    first = client.get("/api/complete", query_string={"q": q}).json["results"][0]
    assert first["iri"] == "https://w3id.org/ascn" + target


def test_other_searches_are_grouped_by_kind_whole_names_first(client):
    html = client.get("/search?q=Yokohama&list=1").get_data(as_text=True)  # "Yokohama" alone names the city
    assert "6 entities named like “Yokohama”" in html
    found = groups(html)
    assert [title for title, _ in found] == [
        "Partner cities",
        "Partner programmes",
        "Pairings",
        "Meetings",
        "Source documents",
    ]
    assert found[0][1] == ["City of Yokohama"]
    assert found[2][1] == ["Da Nang – City of Yokohama"]


def test_every_word_must_appear_in_one_name(client):
    found = dict(groups(client.get("/search?q=flood").get_data(as_text=True)))
    assert found == {
        "Projects": [
            "Integrated Flood and Monitoring Pump House System (INFLOS)",
            "Integrated Flood Management and Response System",
        ]
    }
    both = {"Projects": ["Integrated Flood Management and Response System"]}
    assert dict(groups(client.get("/search?q=flood+management&list=1").get_data(as_text=True))) == both
    assert dict(groups(client.get("/search?q=management+FLOOD&list=1").get_data(as_text=True))) == both


def test_alternative_names_are_searched_and_shown(client):
    html = client.get("/search?q=ASCN&list=1").get_data(as_text=True)
    assert re.search(r"ASEAN Smart Cities Network</a>\s*<small>also called “ASCN”</small>", html)


def test_nothing_found_says_so_and_offers_the_project_text_search(client):
    html = client.get("/search?q=zzqx").get_data(as_text=True)
    assert "Nothing in the graph is named like “zzqx”." in html
    assert 'href="/projects?q=zzqx"' in html


def test_search_text_is_bound_not_pasted(client):
    html = client.get("/search", query_string={"q": '") } SELECT * WHERE { ?s ?p ?o'}).get_data(as_text=True)
    assert "Nothing in the graph is named like" in html


def test_every_page_has_the_search_box(client):
    for path in ("/", "/projects", "/id/city/da-nang", "/search"):
        html = client.get(path).get_data(as_text=True)
        assert 'role="search"' in html and 'name="q"' in html, path
