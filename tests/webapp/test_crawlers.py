"""robots.txt and the sitemap, read as a crawler reads them."""

from __future__ import annotations

import urllib.robotparser
import xml.etree.ElementTree as ET

from webapp import crawlers

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def locations(body: bytes, tag: str) -> list[str]:
    """The addresses of a sitemap's ``url`` entries or of a sitemap index's ``sitemap`` entries."""
    return [entry.findtext(f"{SITEMAP}loc") or "" for entry in ET.fromstring(body).iter(f"{SITEMAP}{tag}")]


def test_robots_txt_lets_crawlers_read_pages_and_turns_them_away_from_queries(client):
    response = client.get("/robots.txt", base_url="https://ascn.example.org")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(response.get_data(as_text=True).splitlines())
    allowed = ["/", "/id/city/da-nang", "/ontology", "/data", "/data/cite.bib", "/feeds/city/da-nang.atom"]
    refused = ["/sparql?query=ASK{}", "/api/recommend/cities?partner=jica", "/projects?focus=mobility", "/search?q=x"]
    assert [p for p in allowed if not robots.can_fetch("AnyBot", "https://ascn.example.org" + p)] == []
    assert [p for p in refused if robots.can_fetch("AnyBot", "https://ascn.example.org" + p)] == []
    assert robots.site_maps() == ["https://ascn.example.org/sitemap.xml"]


def test_the_sitemap_lists_the_pages_and_every_entity_once(client):
    response = client.get("/sitemap.xml", base_url="https://ascn.example.org")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    urls = locations(response.data, "url")
    assert urls[: len(crawlers.PAGES)] == [f"https://ascn.example.org{p}" for p in crawlers.PAGES]
    assert len(urls) == len(set(urls))
    cities = [u for u in urls if u.startswith("https://ascn.example.org/id/city/")]
    assert len(cities) == 38 and "https://ascn.example.org/id/city/da-nang" in cities
    assert "https://ascn.example.org/id/partner/jica" in urls
    assert not [u for u in urls if u.count("/") > 5]  # no part of an entity (a city's geometry)
    assert [u for u in urls if "/id/" not in u] == [f"https://ascn.example.org{p}" for p in crawlers.PAGES]


def test_a_large_sitemap_is_split_into_numbered_sitemaps(client, monkeypatch):
    whole = locations(client.get("/sitemap.xml").data, "url")
    monkeypatch.setattr(crawlers, "PER_SITEMAP", 300)
    index = client.get("/sitemap.xml", base_url="http://split.example")  # another host: not the kept page
    parts = locations(index.data, "sitemap")
    assert ET.fromstring(index.data).tag == f"{SITEMAP}sitemapindex"
    assert parts == [f"http://split.example/sitemap-{n}.xml" for n in range(1, (len(whole) - 1) // 300 + 2)]
    assert len(parts) > 1
    split = [locations(client.get(f"/sitemap-{n}.xml").data, "url") for n in range(1, len(parts) + 1)]
    assert sum(split, []) == whole and {len(urls) for urls in split[:-1]} == {300}
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404
