"""Static files under hashed names with far-future caching, sent compressed; pages compressed too."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli

import webapp

STATIC = Path(webapp.__file__).parent / "static"


def static_urls(client, page: str) -> list[str]:
    html = client.get(page).get_data(as_text=True)
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_pages_link_static_files_by_the_digest_of_their_bytes(client):
    urls = static_urls(client, "/query")
    assert any(u.startswith("/static/vendor/yasgui/yasgui.min.") for u in urls)
    for url in urls:
        stem, digest, suffix = re.fullmatch(r"/static/(.+)\.([0-9a-f]{12})(\.\w+)", url).groups()
        assert hashlib.sha256((STATIC / (stem + suffix)).read_bytes()).hexdigest()[:12] == digest


def test_hashed_names_are_cached_for_a_year_and_sent_as_brotli_or_gzip(client):
    url = next(u for u in static_urls(client, "/query") if "yasgui.min." in u and u.endswith(".js"))
    original = (STATIC / "vendor/yasgui/yasgui.min.js").read_bytes()
    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.status_code == 200
    assert br.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert br.headers["Content-Encoding"] == "br" and "Accept-Encoding" in br.headers["Vary"]
    assert brotli.decompress(br.data) == original
    assert len(br.data) < len(original) / 3
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == original
    with client.get(url, headers={"Accept-Encoding": "identity"}) as plain:
        assert "Content-Encoding" not in plain.headers and plain.data == original
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": br.headers["ETag"]})
    assert again.status_code == 304


def test_other_names_are_served_but_revalidated(client):
    for url in (
        "/static/css/site.css",
        "/static/css/site.000000000000.css",
        "/static/vendor/leaflet/images/layers.png",
    ):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == "no-cache", url
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.get("/static/../__init__.py").status_code == 404


def test_pages_are_compressed(client):
    page = client.get("/", headers={"Accept-Encoding": "br"})
    assert page.headers["Content-Encoding"] == "br"
    assert b"ASCN knowledge graph" in brotli.decompress(page.data)
