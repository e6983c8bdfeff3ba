"""The front end's flows on a laptop and on a phone (1366×900 and 390×844): search everywhere, and what every
page must keep — no critical or serious axe-core violation and no sideways scrolling. Screenshots are named
``<page>-<screen>`` in test-output/screenshots/."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, overflow, serious


def test_header_search_opens_an_exact_name_and_groups_the_rest(page, screen, axe, screenshot):
    page.goto("/")
    box = page.get_by_role("search").get_by_label("Search the graph")
    box.fill("da nang")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/id/city/da-nang$"))
    expect(page.locator("h1")).to_have_text("Da Nang")

    page.goto("/search?q=Yokohama&list=1")  # the whole name of the partner: listed only when asked
    expect(page.locator("#search-count")).to_have_text("6 entities named like “Yokohama”")
    expect(page.locator(".search-group h2")).to_have_text(
        [
            re.compile(r"^Partner cities"),
            re.compile(r"^Partner programmes"),
            re.compile(r"^Pairings"),
            re.compile(r"^Meetings"),
            re.compile(r"^Source documents"),
        ]
    )
    assert serious(axe(page)) == []
    assert overflow(page) == 0
    screenshot(page, f"search-{screen}")
    page.locator(".search-group").first.get_by_role("link", name="City of Yokohama").click()
    expect(page).to_have_url(re.compile(r"/id/partner/yokohama$"))


def test_find_projects_narrows_in_place_keeping_focus_and_scroll_sorts_and_exports(page, screen, axe, screenshot):
    page.goto("/projects")
    page.evaluate("window.samePage = true")  # lost if the page were loaded again
    facets = page.locator("#find-filters")
    if screen == "mobile":
        expect(facets).to_be_hidden()
        page.get_by_role("button", name="Filters").click()
        expect(facets).to_be_visible()
    legends = facets.locator("legend").all_inner_texts()
    assert legends[0] == "Focus area" and legends[-1] == "Period"
    facets.evaluate("el => el.scrollTop = 200") if screen == "mobile" else page.mouse.wheel(0, 300)
    page.wait_for_function("() => (window.scrollY || document.getElementById('find-filters').scrollTop) > 0")
    before = page.evaluate("[window.scrollY, document.getElementById('find-filters').scrollTop]")
    box = page.locator('[data-facet="focus"]').get_by_label("Safety and Security")
    box.check()
    expect(page).to_have_url(re.compile(r"/projects\?focus=safety_security$"))
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^\d+ projects match your search$"))
    safety = page.locator("#result-count").inner_text()
    total = int(safety.split()[0])
    assert page.evaluate("window.samePage") is True
    expect(page.locator('[data-facet="focus"]').get_by_label("Safety and Security")).to_be_focused()
    assert page.evaluate("[window.scrollY, document.getElementById('find-filters').scrollTop]") == before
    page.locator("#q").fill("police")
    expect(page.locator("#result-count")).to_have_text("2 projects match your search")
    expect(page.locator("#q")).to_be_focused()
    expect(page.locator(".result .snippet mark")).to_have_text([re.compile("^police$", re.I)] * 2)
    page.locator("#q").fill("")
    expect(page.locator("#result-count")).to_have_text(safety)
    if screen == "mobile":
        page.locator(".drawer-close").click()
        expect(facets).to_be_hidden()
        expect(page.get_by_role("button", name="Filters (1 chosen)")).to_be_focused()
    page.get_by_label("Order").select_option("newest")
    expect(page).to_have_url(re.compile(r"sort=newest"))
    years = page.locator(".result small").all_inner_texts()
    assert page.evaluate("window.samePage") is True and len(years) == total
    assert serious(axe(page)) == []
    assert overflow(page) == 0
    screenshot(page, f"find-projects-{screen}")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download {total} as CSV").click()
    rows = download.value.path().read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("project,name,city,member_state,focus_areas") and len(rows) == total + 1
    page.go_back()
    expect(page).to_have_url(re.compile(r"/projects\?focus=safety_security$"))
    expect(page.locator("#result-count")).to_have_text(safety)


def box(locator) -> dict:
    return locator.bounding_box()


def apart(a: dict, b: dict) -> bool:
    """Whether two boxes on the page do not overlap (half a pixel of rounding allowed)."""
    return (
        a["x"] + a["width"] <= b["x"] + 0.5
        or b["x"] + b["width"] <= a["x"] + 0.5
        or a["y"] + a["height"] <= b["y"] + 0.5
        or b["y"] + b["height"] <= a["y"] + 0.5
    )


def test_home_map_reads_without_tiles_and_its_cities_are_reached_by_keyboard(page, screen, axe, screenshot):
    page.goto("/")
    expect(page.locator("#city-map")).to_have_attribute("data-outlines", "ready")
    expect(page.locator("#city-map path.country.member")).to_have_count(11)
    dots = page.locator("#city-map .city-dot")
    expect(dots).to_have_count(38)
    badges = page.locator("#city-map .country-badge")
    expect(badges).to_have_count(11)  # every member state's counts show on the map
    expect(badges.filter(has_text="Viet Nam")).to_have_text("Viet Nam3 cities · 9 projects")
    frame = page.locator("#city-map").bounding_box()
    names = page.locator("#city-map .map-label:not(.crowded)")
    boxes = [("dot", box(dots.nth(i))) for i in range(dots.count())]
    boxes += [("badge", box(badges.nth(i))) for i in range(badges.count())]
    boxes += [("name", box(names.nth(i))) for i in range(names.count())]
    assert names.count() >= (38 if screen == "desktop" else 20), names.count()  # the rest show on focus
    for i, (kind, a) in enumerate(boxes):
        assert frame["x"] <= a["x"] and a["x"] + a["width"] <= frame["x"] + frame["width"] + 0.5, (kind, a)
        assert frame["y"] <= a["y"] and a["y"] + a["height"] <= frame["y"] + frame["height"] + 0.5, (kind, a)
        for other, b in boxes[i + 1 :]:  # nothing shown covers anything else (dots are placed by the data)
            assert kind == other == "dot" or apart(a, b), (kind, a, other, b)
    expect(page.locator(".legend")).to_contain_text("Viet Nam 3 cities · 9 projects")
    assert serious(axe(page)) == []
    assert overflow(page) == 0
    screenshot(page, f"home-{screen}")
    da_nang = page.locator('#city-map .city-dot[data-city="/id/city/da-nang"]')
    expect(da_nang).to_have_attribute("aria-label", "Da Nang (Viet Nam)")
    da_nang.focus()
    expect(da_nang).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/id/city/da-nang$"))


PAGES = {
    "home": "/",
    "find-projects": "/projects",
    "query": "/query",
    "match": "/match",
    "match-partner": "/match?who=partner&partner=yokohama&focus=quality_environment",
    "data": "/data",
    "ontology": "/ontology",
    "search": "/search?q=water",
    "changes": "/changes",
    "review": "/review",
    "not-found": "/id/city/da-nangg",
    "city": "/id/city/da-nang",
    "project": "/id/project/han-ioc",
    "partner": "/id/partner/yokohama",
    "pairing": "/id/pairing/yokohama-danang",
    "focus-area": "/id/focus-area/safety_security",
    "source": "/id/source/ascn_me_2022",
    "member-state": "/id/country/vn",
    "programme": "/id/programme/smart-jamp",
    "practice": None,
}
AXE_COUNTS = SCREENSHOTS.parent / "axe"
"""Where the every-page test writes what axe-core found on each page, per screen (``<screen>.json``: page ->
impact -> rules with their node counts), for the closing note's figures."""


def test_every_page_passes_axe_fits_the_screen_and_shows_locations_in_degrees(
    page, page_errors, screen, axe, screenshot
):
    page_errors.allow(r"status of 404")  # the not-found page's own status
    found = {}
    scripts = {}  # every script the pages load, with how it came compressed
    page.on(
        "response",
        lambda r: r.request.resource_type == "script" and scripts.setdefault(r.url, r.headers.get("content-encoding")),
    )
    for name, path in PAGES.items():
        if path is None:
            page.goto("/search?q=lesson&list=1")
            path = page.locator('.search-group[data-kind="practice"] a').first.get_attribute("href")
        page.goto(path)
        expect(page.locator("h1").first).to_be_visible()
        if page.locator("#city-map").count():
            expect(page.locator("#city-map")).to_have_attribute("data-outlines", "ready")
        if name == "query":
            page.wait_for_selector("body[data-examples-ready=true]")
            expect(page.locator(".tabPanel.active .CodeMirror")).to_be_visible()
        found[name] = axe(page)
        assert serious(found[name]) == [], name
        assert overflow(page) == 0, name
        assert "POINT(" not in page.locator("main").inner_text(), name
        screenshot(page, f"{name}-{screen}", full_page=name != "ontology")
    assert len(scripts) >= 10 and {url: how for url, how in scripts.items() if how not in ("br", "gzip")} == {}
    AXE_COUNTS.mkdir(parents=True, exist_ok=True)
    (AXE_COUNTS / f"{screen}.json").write_text(json.dumps(found, indent=1), encoding="utf-8")


def test_per_country_chart_of_a_library_query_in_three_clicks(page, screen, axe, screenshot):
    page.goto("/")
    page.get_by_role("link", name="Query", exact=True).first.click()  # 1
    page.wait_for_selector("body[data-examples-ready=true]")
    editor = page.locator(".tabPanel.active .CodeMirror").bounding_box()
    content = page.locator("main").evaluate(
        "m => { const s = getComputedStyle(m); return m.clientWidth"
        " - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); }"
    )
    assert editor["width"] >= content - 40  # the editor fills the width: the examples sit above it, not beside
    assert page.locator(".query-examples").bounding_box()["y"] < editor["y"]
    page.get_by_label("Search the examples").fill("projects per member state")
    expect(page.locator("#example-count")).to_have_text(re.compile(r"^\d+ of \d+ questions match\.$"))
    visible = page.locator(".example-list li:not([hidden]) button.example")
    expect(visible.first).to_have_text("Projects per member state and focus area")
    expect(page.locator(".example-list li:not([hidden])").first).to_contain_text("chart it by member state")
    visible.first.click()  # 2: opens and runs
    expect(page.locator("#example-groups")).to_be_hidden()  # the list folds away, the answer comes into view
    expect(page.get_by_role("button", name="Show the list")).to_have_attribute("aria-expanded", "false")
    active = page.locator(".tabPanel.active")
    expect(active.locator(".yasr_results tbody tr").first).to_be_visible()
    expect(active.locator(".yasr_results tbody tr").first).to_contain_text("Brunei Darussalam")
    expect(active.locator(".lit-tag").first).to_have_text("en")  # labels as values, their language as a tag
    assert '"@' not in active.locator(".yasr_results tbody").inner_text()
    assert axe(page) == {}  # the answer's table too: not even a minor finding
    active.locator(".select_chart").click()  # 3
    expect(active.locator(".ascn-chart canvas")).to_have_attribute(
        "aria-label", "Stacked bar chart of projects by countryLabel, grouped by focusAreaLabel"
    )
    expect(active.get_by_role("combobox", name="Grouped by")).to_have_value("focusAreaLabel")
    bars = page.evaluate(
        "() => { const c = Chart.getChart(document.querySelector('.tabPanel.active .ascn-chart canvas'));"
        " return [c.data.labels.length, c.data.datasets.length]; }"
    )
    states = page.evaluate(
        "() => new Set(window.ascnYasgui.getTab().getYasr().results.getBindings().map(r => r.countryLabel.value)).size"
    )
    assert bars[0] == states >= 10 and bars[1] >= 5  # a bar per member state with projects, a part per focus area
    assert serious(axe(page)) == []
    assert overflow(page) == 0
    screenshot(page, f"query-chart-{screen}")
    active.get_by_role("combobox", name="Grouped by").select_option("")
    expect(active.locator(".ascn-chart canvas")).to_have_attribute("aria-label", re.compile("^Bar chart of projects"))


def test_a_syntax_error_is_short_and_links_to_its_place(page, page_errors, screen):
    page_errors.allow("status of 400")  # the endpoint refuses the malformed query, as it should
    page.goto("/query")
    page.wait_for_selector("body[data-examples-ready=true]")
    page.evaluate(
        "() => window.ascnYasgui.getTab().getYasqe().setValue('SELECT ?x WHERE {\\n  ?x ?p ?o .\\n  FILTER( }')"
    )
    page.click(".tabPanel.active .yasqe_queryButton")
    error = page.locator(".tabPanel.active .errorResult")
    expect(error).to_contain_text("(line 3, column 11)")
    assert len(error.inner_text()) < 300
    error.get_by_role("button", name="Go to line 3, column 11").click()
    assert page.evaluate(
        "() => { const c = window.ascnYasgui.getTab().getYasqe().getCursor(); return [c.line, c.ch]; }"
    ) == [2, 10]


def test_city_officer_narrows_peer_projects_to_a_topic_in_two_clicks(page, screen, axe, screenshot):
    page.goto("/")
    expect(page.locator("#city-map")).to_have_attribute("data-outlines", "ready")
    page.locator('#city-map .city-dot[data-city="/id/city/da-nang"]').click()  # 1
    expect(page).to_have_url(re.compile(r"/id/city/da-nang$"))
    main = page.locator(".two-col > div").first
    expect(main.locator("h2").first).to_have_text(re.compile(r"^Projects of Da Nang \(4\)"))
    # the page may still be arriving: wait for the headings themselves, in their order, rather than read them
    expect(main.locator("h2")).to_contain_text(
        [re.compile(r"^Projects in other cities to learn from$"), re.compile(r"^Partners that fit this city$")]
    )
    page.evaluate("window.samePage = true")
    peers = page.locator('[data-recommendations="projects_for_city"]')
    peers.locator(".topic-chips").get_by_role("link", name="Quality Environment").click()  # 2
    expect(page).to_have_url(re.compile(r"/id/city/da-nang\?focus=quality_environment#rec-projects_for_city$"))
    expect(peers.locator(".rec-title").first).to_have_text(
        "Solid Waste and Wastewater Treatment / drainage upgrade (Mandalay)"
    )
    expect(peers.locator(".topic-chips").get_by_role("link", name="Quality Environment")).to_have_attribute(
        "aria-current", "true"
    )
    assert page.evaluate("window.samePage") is True
    first = peers.locator("li.rec").first
    expect(first.locator(".rec-place")).to_have_text("Mandalay, Myanmar")
    expect(first.locator("details.evidence").first).not_to_have_attribute("open", "")
    assert serious(axe(page)) == []
    assert overflow(page) == 0
    screenshot(page, f"city-da-nang-topic-{screen}")
    peers.get_by_label("or in words").fill("flood early warning")
    peers.get_by_role("button", name="Show projects").click()
    expect(page).to_have_url(re.compile(r"focus=quality_environment&topic=flood\+early\+warning"))
    expect(peers.locator(".rec-title").first).to_have_text("Integrated Flood Management and Response System")
    assert page.evaluate("window.samePage") is True


def test_partner_gets_new_cities_for_a_focus_in_two_clicks(page, screen, axe, screenshot):
    page.goto("/")
    box = page.get_by_role("search").get_by_label("Search the graph")
    box.fill("City of Yokohama")
    box.press("Enter")  # a whole name opens its page
    expect(page).to_have_url(re.compile(r"/id/partner/yokohama$"))
    fits = page.locator('[data-recommendations="cities_for_partner"]')
    page.evaluate("window.samePage = true")
    fits.locator(".topic-chips").get_by_role("link", name="Quality Environment").click()  # 2
    expect(page).to_have_url(re.compile(r"/id/partner/yokohama\?focus=quality_environment#rec-cities_for_partner$"))
    expect(fits.locator(".topic-chips a[aria-current=true]")).to_have_text("Quality Environment")
    expect(fits.locator(".rec-title").first).to_be_visible()
    cities = fits.locator(".rec-title").all_inner_texts()
    assert "Da Nang" not in cities  # the city it already works with is not offered as new
    assert page.evaluate("window.samePage") is True
    assert serious(axe(page)) == []
    assert overflow(page) == 0
    screenshot(page, f"partner-yokohama-focus-{screen}")


def test_ontology_class_diagram_reads_on_both_screens(page, screen, axe, screenshot):
    page.goto("/ontology")
    diagram = page.locator(".class-diagram")
    expect(diagram.locator(".module-panel h3")).to_have_text(
        [
            re.compile(f"^{m}", re.I)
            for m in ("core", "partnership", "project", "provenance", "framework", "vocabularies")
        ]
    )
    boxes = diagram.locator(".class-box")
    expect(boxes).to_have_count(37)
    placed = [box(boxes.nth(i)) for i in range(boxes.count())]
    width = page.viewport_size["width"]
    for i, a in enumerate(placed):  # every box on the screen, none over another
        assert a["x"] >= 0 and a["x"] + a["width"] <= width, a
        assert all(apart(a, b) for b in placed[i + 1 :]), a
    smallest = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('.class-diagram .class-box *')]"
        ".filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))"
        ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
    )
    assert smallest >= 11, smallest  # every label legible: no text shrunk with a picture
    project = diagram.locator("#class-Project")
    in_city = project.locator(".class-props li").filter(has_text="inCity")
    expect(in_city).to_have_text(re.compile(r"^inCity\s*→\s*to\s*City core$"))
    in_city.get_by_role("link", name="City", exact=True).click()
    expect(page).to_have_url(re.compile(r"/ontology#class-City$"))
    expect(diagram.locator("#class-City")).to_be_in_viewport()
    assert serious(axe(page)) == []
    assert overflow(page) == 0
    diagram.screenshot(path=str(SCREENSHOTS / f"ontology-diagram-{screen}.png"))
