"""What the site asks of web crawlers: ``/robots.txt`` and the sitemap of every page worth indexing.

The entity pages, the ontology and the data page are the site's documents; a crawler that finds them through the
sitemap indexes each entity once. Everything computed per request (SPARQL answers, searches, the faceted project
list, recommendations, diffs between releases) is turned away in ``robots.txt``: the project list alone has a page
for every combination of facets, and a crawler following them would keep the server busy for nothing. The
sitemap holds at most :data:`PER_SITEMAP` addresses per file, as the sitemap protocol allows; a larger graph gets a
sitemap index of numbered sitemaps.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort

from webapp.page_data import entity_pages
from webapp.site_url import site_url

bp = Blueprint("crawlers", __name__)

PER_SITEMAP = 50_000
"""The most addresses one sitemap file may hold (sitemaps.org)."""
PAGES = ("/", "/data", "/ontology")
"""The site's own documents, listed before the entities."""
TURNED_AWAY = (
    "/sparql",
    "/api/",
    "/search",
    "/projects",
    "/match",
    "/query",
    "/changes",
    "/download/",
    "/review",
    "/go/",
    "/id/*?",
)
"""Paths computed per request (whole paths: a rule such as ``/projects?`` is read as all of ``/projects`` by some
crawlers, Python's own robots.txt parser among them), and files too large to fetch again and again. Entity pages
with a query (a city page narrowed to a topic) are turned away by crawlers that read ``*`` as RFC 9309 does."""


@bp.get("/robots.txt")
def robots() -> Response:
    lines = [
        "# ascn-kg: entity pages, the ontology and the data page are for everyone to read and index;",
        "# queries, searches and recommendations are computed per request and are not for crawling.",
        "User-agent: *",
        *(f"Disallow: {path}" for path in TURNED_AWAY),
        f"Sitemap: {site_url('/sitemap.xml')}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every page worth indexing, or, past :data:`PER_SITEMAP` of them, the index of the numbered sitemaps."""
    paths = _paths()
    if len(paths) <= PER_SITEMAP:
        return _urlset(paths)
    parts = range(1, (len(paths) - 1) // PER_SITEMAP + 2)
    entries = "".join(f"<sitemap><loc>{escape(site_url(f'/sitemap-{n}.xml'))}</loc></sitemap>" for n in parts)
    return _xml(f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>')


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int) -> Response:
    paths = _paths()
    part = paths[(number - 1) * PER_SITEMAP : number * PER_SITEMAP] if number >= 1 else []
    if not part or len(paths) <= PER_SITEMAP:
        abort(404, description=f"There is no sitemap {number}: see /sitemap.xml.")
    return _urlset(part)


def _paths() -> list[str]:
    """The site's documents, then every entity's page in IRI order."""
    return [*PAGES, *entity_pages()]


def _urlset(paths: list[str]) -> Response:
    entries = "".join(f"<url><loc>{escape(site_url(path))}</loc></url>" for path in paths)
    return _xml(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>')


def _xml(body: str) -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", mimetype="application/xml")
