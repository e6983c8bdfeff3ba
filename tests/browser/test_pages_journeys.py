"""Journeys through the browsing pages in a real Chromium: a city officer on a city page, faceted search,
the home page's map, Linked Data negotiation, and the 404 page. Screenshots of the main pages are saved."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from tests.browser.conftest import SIZES, TIMEOUT_MS, overflow


def test_city_officer_sees_peer_projects_with_reasons_and_sources_and_follows_one(page, screenshot):
    page.goto("/id/city/da-nang")
    expect(page.locator("h1")).to_have_text("Da Nang")
    peers = page.locator('[data-recommendations="projects_for_city"]')
    first = peers.locator("li.rec").first
    expect(first.locator(".rec-title")).to_have_text("Intelligent Operations Centre (Ha Noi)")
    reason = first.locator("li.reason").first
    expect(first.locator(".rec-place")).to_have_text("Ha Noi, Viet Nam")
    expect(reason).to_contain_text("tackles what Intelligent Operation Centre (Da Nang) does")
    evidence = reason.locator("details.evidence")
    evidence.locator("summary").click()
    expect(evidence.locator('a[href^="/id/source/"]').first).to_be_visible()
    screenshot(page, "city-da-nang")
    first.locator(".rec-title").click()
    expect(page).to_have_url(re.compile(r"/id/project/han-ioc$"))
    expect(page.locator("h1")).to_have_text("Intelligent Operations Centre (Ha Noi)")
    expect(page.locator('[data-recommendations="projects_like"] li.rec').first).to_be_visible()
    screenshot(page, "project-han-ioc")


def test_faceted_search_narrows_and_its_url_reproduces_it(page, browser, site, screenshot):
    page.goto("/projects")
    expect(page.locator("#result-count")).to_have_text("179 projects")
    page.locator('[data-facet="focus"]').get_by_label("Safety and Security").check()
    expect(page).to_have_url(re.compile(r"focus=safety_security"))
    expect(page.locator("#result-count")).to_have_text("25 projects match your search")
    page.locator('[data-facet="country"]').get_by_label("Viet Nam").check()
    expect(page).to_have_url(re.compile(r"country=vn"))
    expect(page.locator("#result-count")).to_have_text("3 projects match your search")
    screenshot(page, "find-projects")
    shared = page.url
    page.goto("/")
    page.goto(shared)
    expect(page.locator("#result-count")).to_have_text("3 projects match your search")
    expect(page.locator('[data-facet="focus"]').get_by_label("Safety and Security")).to_be_checked()
    expect(page.locator('[data-facet="country"]').get_by_label("Viet Nam")).to_be_checked()
    assert page.locator("li.result strong").all_inner_texts() == [
        "Integrated and Unified Emergency Response Centre",
        "Intelligent Operation Centre (Da Nang)",
        "Intelligent Operations Centre (Ha Noi)",
    ]


def test_a_project_the_sources_only_name_has_its_sources_on_a_line_of_their_own(page):
    page.goto("/projects?q=38-Road")
    result = page.locator("li.result", has_text="38-Road Construction")
    expect(result.locator(".snippet")).to_have_count(0)  # named only: no description between the two lines
    where = result.locator("small").bounding_box()
    sources = result.locator(".sources").bounding_box()
    assert where and sources and sources["y"] >= where["y"] + where["height"]


def test_long_addresses_and_iris_wrap_inside_their_boxes(page, screen):
    """A source's address, an IRI and a GRAPH clause in a sentence are words without spaces: they wrap where
    they must, at the box's edge, and the words beside them ("changes feed (Atom)") wrap only between words."""
    for path in ("/id/source/asean_guidebook_2022", "/graph/bundled/cities", "/id/city/cebu-city"):
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert overflow(page) == 0, path
        sticking_out = page.evaluate(
            """() => [...document.querySelectorAll('main a, main code, main .iri')]
              .filter(e => e.getBoundingClientRect().right
                           > e.parentElement.closest('dd, p, li, div, section, main').getBoundingClientRect().right + 1)
              .map(e => e.textContent.slice(0, 60))"""
        )
        assert sticking_out == [], path
    assert page.locator(".iri a.feed").evaluate("a => a.getClientRects().length") == 1


def _phone(browser, site):
    """A phone's browsing context: a 390 px touch screen (the ``page`` fixture's context has a mouse)."""
    context = browser.new_context(base_url=site, viewport=SIZES["mobile"], has_touch=True, is_mobile=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def _a_finger_scrolls_the_page_over(page, picture: str) -> None:
    """Swipe one finger down the screen from the top of ``picture`` and check the page went back up."""
    page.locator(picture).first.scroll_into_view_if_needed()
    box = page.locator(picture).first.bounding_box()
    assert box
    before = page.evaluate("window.scrollY")
    # the page's first scroll above where it is, kept as a promise in the page (a string for wait_for_function to
    # poll is an eval the page's CSP refuses; a scroll event may also come from the layout settling)
    page.evaluate(
        """([before, limit]) => { window.scrolledUp = new Promise(done => {
             addEventListener("scroll", () => scrollY < before && done(scrollY));
             setTimeout(() => done(null), limit);
           }); }""",
        [before, TIMEOUT_MS],
    )
    touch = page.context.new_cdp_session(page)
    x, y = box["x"] + box["width"] / 2, box["y"] + 20
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + 20 * step}]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    assert page.evaluate("() => window.scrolledUp") is not None, picture


def test_one_finger_scrolls_a_phone_page_over_its_map_and_its_neighbourhood_picture(browser, site):
    """A finger that lands on the city's map or its neighbourhood picture while scrolling a phone's page moves the
    page, as anywhere else on it; each used to pan under the finger and stop the page (two fingers zoom them)."""
    context = _phone(browser, site)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/id/city/cebu-city")
        page.locator('#city-map[data-outlines="ready"]').wait_for()
        _a_finger_scrolls_the_page_over(page, "#city-map")
        page.locator('#entity-graph[data-ready="true"]').wait_for()
        _a_finger_scrolls_the_page_over(page, "#entity-graph canvas")
        assert errors == []
    finally:
        context.close()


def test_one_finger_scrolls_a_phone_page_over_the_query_editors_map(browser, site):
    context = _phone(browser, site)
    try:
        page = context.new_page()
        page.goto("/query")
        page.wait_for_selector("body[data-examples-ready=true]")
        page.click("button.example[data-query=cities_with_coordinates]")  # opening an example runs it
        expect(page.locator(".tabPanel.active .yasr_results tbody tr")).to_have_count(38)
        page.click(".tabPanel.active .select_map")
        expect(page.locator(".tabPanel.active path.ascn-marker")).to_have_count(38)
        _a_finger_scrolls_the_page_over(page, ".tabPanel.active .leaflet-container")
    finally:
        context.close()


def test_home_page_maps_all_member_cities_without_errors(page, screenshot):
    page.goto("/")
    markers = page.locator("#city-map .city-dot")
    expect(markers).to_have_count(38)
    expect(page.locator("#city-map .map-label")).to_have_count(38)
    expect(page.locator("#city-map .map-label", has_text="Da Nang")).to_be_visible()
    screenshot(page, "home")
    page.locator('#city-map [data-city="/id/city/da-nang"]').click()
    expect(page).to_have_url(re.compile(r"/id/city/da-nang$"))


def test_home_page_is_keyboard_usable_from_a_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_entity_iri_negotiates_turtle_and_json_ld(page, site):
    turtle = page.request.get(f"{site}/id/city/da-nang", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "Accept" in [v.strip() for v in turtle.headers["vary"].split(",")]
    graph = Graph().parse(data=turtle.text(), format="turtle")
    assert (URIRef("https://w3id.org/ascn/id/city/da-nang"), RDFS.label, Literal("Da Nang", lang="en")) in graph
    jsonld = page.request.get(f"{site}/id/city/da-nang", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    labels = {node["@id"]: node.get("label") for node in json.loads(jsonld.text())["@graph"]}  # compacted (46d33fe)
    assert labels["https://w3id.org/ascn/id/city/da-nang"] == "Da Nang"
    html = page.request.get(f"{site}/id/city/da-nang", headers={"Accept": "*/*"})
    assert html.headers["content-type"].startswith("text/html")


def test_unknown_entity_page_offers_the_closest_names(page, page_errors):
    page_errors.allow(r"status of 404")
    page.goto("/id/city/da-nangg")
    expect(page.locator("h1")).to_have_text("Page not found")
    page.get_by_role("link", name="Da Nang").click()
    expect(page).to_have_url(re.compile(r"/id/city/da-nang$"))
