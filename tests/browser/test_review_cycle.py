"""The whole cycle in a real Chromium against a real ``ascn serve`` with a curator token: a document ingested
(``ascn ingest`` beside the running server), its pairing reviewed and accepted on /review, the new release in the
footer, the difference on /changes, and the entry in the city's Atom feed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, PageErrors, serious
from tests.conftest import running_ascn, store_copy
from tests.ingest.test_ingest import TEXTS

TOKEN = "browser-test-curator-token"


@pytest.fixture
def curated_site(tmp_path, bundled_graphs, monkeypatch):
    """A server of its own, over a copy of the bundled build, where curators may review."""
    settings = store_copy(tmp_path / "data", bundled_graphs)
    monkeypatch.setenv("ASCN_CURATOR_TOKEN", TOKEN)
    with running_ascn(settings.data_dir) as server:
        yield server.url.removesuffix("/sparql"), settings.data_dir


@pytest.fixture
def curator_page(browser, curated_site):
    site, _ = curated_site
    errors = PageErrors(site)
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and errors.add(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: errors.add(f"script error: {exc}"))
    yield page
    context.close()
    assert not errors.unexpected(), errors.unexpected()


def test_ingest_review_accept_release_diff_and_feed(curator_page, curated_site, screenshot, axe):
    page = curator_page
    site, data_dir = curated_site
    ascn = Path(sys.executable).with_name("ascn")
    ingested = subprocess.run(
        [str(ascn), "--data-dir", str(data_dir), "ingest", str(TEXTS / "test" / "04-news.html")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ingested.returncode == 0, ingested.stderr
    assert "(stored)" in ingested.stdout

    page.goto("/review")
    proposal = page.locator("article.proposal", has_text="pairing: city")
    expect(proposal).to_have_count(1)
    expect(proposal.locator("h3")).to_contain_text("partner City of Yokohama")
    expect(proposal.locator("blockquote")).to_contain_text("Da Nang has been paired with the City of Yokohama")
    expect(proposal.locator("button")).to_have_count(0)  # not signed in: no review buttons

    page.get_by_label("Your name").fill("Mai Tran")
    page.get_by_label("Curator token").fill(TOKEN)
    page.get_by_role("button", name="Sign in to review").click()
    expect(page.locator("#curator")).to_have_text("Mai Tran")
    screenshot(page, "review-pending")
    assert serious(axe(page)) == []

    proposal.get_by_label("Note").first.fill("checked against the city's own page")
    proposal.get_by_role("button", name="Accept").click()
    notice = page.locator("p.notice.ok")
    expect(notice).to_contain_text("Accepted")
    expect(notice).to_contain_text(re.compile(r"release \d{4}-\d\d-\d\d\.\d+"))  # whole before it is read
    version = re.search(r"release (\d{4}-\d\d-\d\d\.\d+)", notice.inner_text())[1]
    assert version.endswith(".2")
    expect(page.locator("footer")).to_contain_text(f"Release {version}")
    expect(page.locator("#reviewed-list")).to_contain_text("Mai Tran")

    page.locator("footer").get_by_role("link", name="what changed").click()
    expect(page.locator("#difference")).to_have_text(re.compile(rf"to {re.escape(version)}$"))
    added = page.locator("#added")
    expect(added).to_contain_text("ascn:pairedCity")
    expect(added.locator('a[href="/id/city/da-nang"]').first).to_be_visible()
    screenshot(page, "changes-after-accept")
    assert serious(axe(page)) == []

    page.goto("/id/city/da-nang")
    page.get_by_role("link", name="changes feed (Atom)").first.wait_for()
    feed = feedparser.parse(page.request.get(f"{site}/feeds/city/da-nang.atom").body())
    assert feed.entries[0].title.startswith(f"Release {version}:")
    assert "ascn:pairedPartner City of Yokohama" in feed.entries[0].content[0].value
