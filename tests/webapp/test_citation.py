""" "Cite this" on /data: BibTeX a real BibTeX parser reads, CFF with the fields the format requires, both naming
the current release and the link that pins it."""

from __future__ import annotations

import html
import re

import yaml
from pybtex.database import parse_string

from graph.releases import current_release


def test_the_data_page_cites_the_current_release(client, app):
    with app.app_context():
        from webapp.store import get_store

        release = current_release(get_store())
    page = client.get("/data").get_data(as_text=True)
    assert f"You are looking at release <strong>{release.version}</strong>" in page
    bib = html.unescape(re.search(r'<pre class="cite" id="bibtex"[^>]*>(.*?)</pre>', page, re.S).group(1))
    entry = parse_string(bib, "bibtex").entries[f"ascn-kg-{release.version}"]
    assert entry.fields["version"] == release.version and entry.fields["year"] == release.issued[:4]
    assert f"/query?release={release.version}" in entry.fields["howpublished"]
    cff = yaml.safe_load(html.unescape(re.search(r'<pre class="cite" id="cff"[^>]*>(.*?)</pre>', page, re.S).group(1)))
    assert (cff["cff-version"], cff["type"], cff["version"]) == ("1.2.0", "dataset", release.version)
    assert str(cff["date-released"]) == release.issued[:10] and cff["authors"] == [{"name": "ascn-kg contributors"}]


def test_citations_download_as_files(client):
    bib = client.get("/data/cite.bib")
    assert bib.mimetype == "application/x-bibtex" and "attachment" in bib.headers["Content-Disposition"]
    assert parse_string(bib.get_data(as_text=True), "bibtex").entries
    cff = client.get("/data/cite.cff")
    assert yaml.safe_load(cff.get_data(as_text=True))["cff-version"] == "1.2.0"
    assert client.get("/data/cite.ris").status_code == 404
