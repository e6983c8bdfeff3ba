"""The front end's flows on a laptop and on a phone (1366×900 and 390×844): search everywhere, and what every
page must keep — no critical or serious axe-core violation and no sideways scrolling. Screenshots are named
``<page>-<screen>`` in test-output/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import overflow, serious


def test_header_search_opens_an_exact_name_and_groups_the_rest(page, screen, axe, screenshot):
    page.goto("/")
    box = page.get_by_role("search").get_by_label("Search the graph")
    box.fill("da nang")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/id/city/da-nang$"))
    expect(page.locator("h1")).to_have_text("Da Nang")

    box = page.get_by_role("search").get_by_label("Search the graph")
    box.fill("Yokohama")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=Yokohama$"))
    expect(page.locator("#search-count")).to_have_text("6 entities named like “Yokohama”")
    expect(page.locator(".search-group h2")).to_have_text([re.compile(r"^Partner cities"), re.compile(r"^Partner programmes"),
                                                           re.compile(r"^Pairings"), re.compile(r"^Meetings"),
                                                           re.compile(r"^Source documents")])
    assert serious(axe(page)) == []
    assert overflow(page) == 0
    screenshot(page, f"search-{screen}")
    page.locator(".search-group").first.get_by_role("link", name="City of Yokohama").click()
    expect(page).to_have_url(re.compile(r"/id/partner/yokohama$"))
