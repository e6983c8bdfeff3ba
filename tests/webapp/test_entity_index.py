"""/id/ and /id/<kind>/: an entity IRI shortened by hand lists what is there, instead of a 404."""

from __future__ import annotations

import re


def links(html: str) -> list[tuple[str, str]]:
    block = html[html.index('id="kind-entities"') :]
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', block[: block.index("</ul>")])


def test_a_kind_lists_every_entity_of_it_by_name(client):
    cities = links(client.get("/id/city/").get_data(as_text=True))
    assert len(cities) == 38
    assert cities[0] == ("/id/city/bandar-seri-begawan", "Bandar Seri Begawan")
    assert ("/id/city/da-nang", "Da Nang") in cities
    assert len(links(client.get("/id/project/").get_data(as_text=True))) == 179


def test_the_kind_without_its_slash_is_sent_to_it(client):
    response = client.get("/id/city")
    assert response.status_code == 308 and response.headers["Location"].endswith("/id/city/")


def test_an_unknown_kind_is_a_404_naming_the_closest(client):
    response = client.get("/id/ctiy/", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert {"label": "city", "path": "/id/city/"} in response.json["suggestions"]


def test_the_base_lists_the_kinds_with_their_counts(client):
    kinds = dict(links(client.get("/id/").get_data(as_text=True)))
    assert kinds["/id/city/"] == "member city (38)"
    assert kinds["/id/project/"] == "project (179)"
    assert kinds["/id/source-kind/"] == "source kind (7)"  # a kind with no name of its own: its segment in words


def test_an_entity_of_a_kind_without_a_name_of_its_own_is_not_called_entity(client):
    html = client.get("/id/status/ongoing").get_data(as_text=True)
    assert '<p class="kicker">status' in html
