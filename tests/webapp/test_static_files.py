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


def test_a_static_file_answers_ranges_and_preconditions_as_a_download_does(client):
    """Werkzeug's 416 stood for static files where the downloads had been fixed: a range in another unit, several
    ranges, a malformed one (to be ignored: the file whole) and a suffix longer than the file (all of it) were each a
    416; a failed If-Match was a 412 carrying the whole file."""
    whole = client.get("/static/css/site.css", buffered=True)
    size, tag = len(whole.data), whole.headers["ETag"]
    assert whole.status_code == 200 and size > 100
    part = client.get("/static/css/site.css", buffered=True, headers={"Range": "bytes=10-19"})
    assert (part.status_code, part.data, part.headers["Content-Range"]) == (
        206,
        whole.data[10:20],
        f"bytes 10-19/{size}",
    )
    for ignored in ("items=0-5", "bytes=0-1,3-4", "bytes=9-0", f"bytes=-{size + 1}"):
        answer = client.get("/static/css/site.css", buffered=True, headers={"Range": ignored})
        assert (answer.status_code, answer.data) == (200, whole.data), ignored
    for unsatisfiable in (f"bytes={size}-", "bytes=-0"):
        refused = client.get("/static/css/site.css", headers={"Range": unsatisfiable, "Accept": "*/*"})
        assert (refused.status_code, refused.headers["Content-Range"]) == (416, f"bytes */{size}"), unsatisfiable
        assert refused.mimetype == "text/plain" and b"416" in refused.data  # a downloader, not a reader: no page
    failed = client.get("/static/css/site.css", buffered=True, headers={"If-Match": '"another"'})
    assert failed.status_code == 412 and whole.data[:200] not in failed.data and b"If-Match" in failed.data
    assert client.get("/static/css/site.css", buffered=True, headers={"If-Match": tag}).status_code == 200


def test_if_unmodified_since_is_a_412_when_the_file_changed_after_it(client):
    """Downloads and static files (sent as they are or compressed) ignored If-Unmodified-Since: the file whole to a
    client that asked for it only if unchanged since a date (RFC 9110 13.1.4). If-Match decides alone when given, a
    date that is no HTTP date is ignored, and the 412 comes before a 304 or a range (13.2.2)."""
    for url, encoding in (("/download/ascn-kg.nt", ""), ("/static/css/site.css", ""), ("/static/css/site.css", "br")):
        whole = client.get(url, buffered=True, headers={"Accept-Encoding": encoding})
        modified, tag = whole.headers["Last-Modified"], whole.headers["ETag"]
        unchanged = {"Accept-Encoding": encoding, "If-Unmodified-Since": modified}
        assert client.get(url, buffered=True, headers=unchanged).status_code == 200
        for before in ({}, {"If-None-Match": tag}, {"Range": "bytes=0-9"}):
            headers = {"Accept-Encoding": encoding, "If-Unmodified-Since": "Sat, 01 Jan 2000 00:00:00 GMT", **before}
            failed = client.get(url, buffered=True, headers=headers)
            assert failed.status_code == 412 and whole.data[:100] not in failed.data, (url, encoding, before)
            assert f"modified at {modified}, after If-Unmodified-Since".encode() in failed.data
        for ignored in ({"If-Match": tag}, {"If-Unmodified-Since": "yesterday"}):
            headers = {"Accept-Encoding": encoding, "If-Unmodified-Since": "Sat, 01 Jan 2000 00:00:00 GMT", **ignored}
            assert client.get(url, buffered=True, headers=headers).status_code == 200, (url, ignored)


def test_a_static_name_longer_than_the_system_takes_is_a_404(client):
    """It was a 500: Path.is_file raised OSError (File name too long) where a name that is not there gives False."""
    for path in ("/static/" + "a" * 3000, "/static/css/" + "a" * 3000 + ".css"):
        assert client.get(path).status_code == 404, path
