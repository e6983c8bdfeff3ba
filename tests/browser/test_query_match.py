"""Journeys through /query, /match, /ontology and /data in a real browser against a real ``ascn serve``.

The ``page`` fixture (tests/browser/conftest.py) fails a test on any console error, failed request or request
leaving the app; so each journey also checks that the editor, its map and chart, and the pages respect the
Content-Security-Policy and need nothing but the app.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import expect
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

ACTIVE = ".tabPanel.active"
EVALUATION_BOUND = 600
"""Seconds the recommender evaluation may take before the data page test calls it a hang."""


def _open_example(page, name: str) -> None:
    page.goto("/query")
    page.wait_for_selector("body[data-examples-ready=true]")
    page.click(f"button.example[data-query={name}]")  # opening an example runs it
    expect(page.locator(f"{ACTIVE} .yasr_results")).not_to_be_empty()


def test_researcher_runs_an_example_sees_table_and_map_and_downloads_csv(page, screenshot):
    _open_example(page, "cities_with_coordinates")
    rows = page.locator(f"{ACTIVE} .yasr_results tbody tr")
    expect(rows).to_have_count(38)
    expect(page.locator(f"{ACTIVE} .yasr_results")).to_contain_text("Bandar Seri Begawan")
    expect(page.locator("#completeness")).to_be_hidden()

    with page.expect_download() as download:
        page.click(f"{ACTIVE} .yasr_downloadIcon")
    table = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert len(table) == 38
    assert {"city", "cityLabel", "lat", "long", "wkt"} <= set(table[0])
    bangkok = next(r for r in table if r["cityLabel"] == "Bangkok")
    assert (bangkok["lat"], bangkok["long"]) == ("13.7563", "100.5018")

    page.click(f"{ACTIVE} .select_map")
    expect(page.locator(f"{ACTIVE} path.ascn-marker")).to_have_count(38)
    expect(page.locator(f"{ACTIVE} .leaflet-tooltip", has_text="Da Nang")).to_be_visible()
    screenshot(page, "query-map")


def test_counts_show_as_a_chart(page, screenshot):
    _open_example(page, "project_counts_by_focus_area")
    expect(page.locator(f"{ACTIVE} .yasr_results tbody tr")).to_have_count(6)
    page.click(f"{ACTIVE} .select_chart")
    canvas = page.locator(f"{ACTIVE} .ascn-chart canvas")
    expect(canvas).to_be_visible()
    assert canvas.bounding_box()["height"] > 200
    screenshot(page, "query-chart")


def test_a_cut_answer_shows_the_completeness_notice(page):
    page.goto("/query")
    page.wait_for_selector("body[data-examples-ready=true]")
    page.evaluate("""() => window.ascnYasgui.getTab().getYasqe().setValue(
        'PREFIX ascn: <https://w3id.org/ascn/ontology#>\\n' +
        'SELECT ?a ?b WHERE { ?a a ascn:Project . ?b a ascn:Project } LIMIT 10001')""")
    with page.expect_response(lambda r: "/sparql" in r.url and r.request.method in ("GET", "POST")) as answered:
        page.click(f"{ACTIVE} .yasqe_queryButton")
    assert answered.value.status == 200 and answered.value.headers["x-ascn-complete"] == "false"
    notice = page.locator("#completeness")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("This answer is incomplete: it reached the row limit. 10000 rows were sent")


def test_partner_fills_the_match_form_and_gets_explained_cities(page, screenshot):
    page.goto("/match")
    form = page.locator("form[aria-labelledby=partner-form]")
    form.get_by_label("Quality Environment").check()
    form.get_by_label("Programmes it runs or takes part in").select_option("smart-jamp")
    form.get_by_role("button", name="Find cities").click()
    answer = page.locator("#answer")
    expect(answer.locator(".rec-title").first).to_have_text("Battambang")
    first = answer.locator(".recs > li").first
    expect(first.locator(".reason").first).to_contain_text("already takes part in Smart JAMP")
    expect(first.locator(".sources a").nth(1)).to_be_attached()  # two sources at least, once they have arrived
    assert "who=partner" in page.url and "programme=smart-jamp" in page.url
    screenshot(page, "match-partner")
    first.locator(".rec-title").click()
    expect(page).to_have_url(re.compile(r"/id/city/battambang$"))


def test_a_partner_chooses_two_programmes_and_asks_from_the_keyboard_as_the_hint_says(page):
    """The hint under the programmes spoke of Ctrl and a click only: a keyboard user was not told how to choose
    several. Shift and the arrow keys, as it now says, choose neighbours; Tab then reaches the form's button."""
    page.goto("/match")
    programmes = page.get_by_label("Programmes it runs or takes part in")
    expect(programmes).to_have_accessible_description(re.compile(r"from the keyboard, Shift and the arrow keys"))
    programmes.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    chosen = programmes.evaluate("s => [...s.selectedOptions].map((o) => o.value)")
    assert chosen == ["adb-city-infrastructure-support", "new-zealand-initiatives-showcase"]
    button = page.locator("form[aria-labelledby=partner-form]").get_by_role("button", name="Find cities")
    for _ in range(40):  # the countries and one more box stand between
        if button.evaluate("b => b === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"programme=adb-city-infrastructure-support&programme=new-zealand"))
    expect(page.locator("#answer .rec-title").first).to_be_visible()


def test_a_partner_chosen_from_the_list_is_one_tab_from_its_answer(page):
    """After choosing a partner, "Find cities" was 20 Tab presses away, past every focus area, programme and
    country; the button beside the list answers the same question."""
    page.goto("/match")
    form = page.locator("form[aria-labelledby=partner-form]")
    form.get_by_label("An existing partner").select_option("japan")
    form.get_by_label("An existing partner").focus()
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name="Cities for this partner")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"who=partner&partner=japan"))
    page.wait_for_load_state()  # the answer's page whole, not just its first titles, before they are read
    titles = page.locator("#answer .rec-title")
    expect(titles.first).to_be_visible()
    by_the_list = titles.all_inner_texts()
    page.goto("/match")
    form.get_by_label("An existing partner").select_option("japan")
    form.get_by_role("button", name="Find cities").click()
    expect(titles).to_have_text(by_the_list)


def test_planning_city_gets_explained_projects(page, screenshot):
    page.goto("/match")
    form = page.locator("form[aria-labelledby=city-form]")
    form.get_by_label("Quality Environment").check()
    form.get_by_label("The project in a few words").fill("flood early warning")
    form.get_by_role("button", name="Find projects to learn from").click()
    answer = page.locator("#answer")
    # Kuching's flood alert system first (the issue saw it 7th, below wildfire and air-quality projects)
    expect(answer.locator(".rec-title").first).to_have_text("Integrated Flood Management and Response System")
    expect(answer.locator(".recs > li").first).to_contain_text(
        "its description speaks of “alerts”, “flood”, as the plan does (reading “warning” as “alert”)"
    )
    expect(answer.locator(".recs > li").first.locator(".rec-place")).to_have_text("Kuching, Malaysia")
    expect(answer.locator(".recs > li").first.locator(".sources a").first).to_be_attached()
    screenshot(page, "match-city")


def test_match_heading_quotes_the_plans_words(page):
    page.goto("/match?who=city&city=da-nang&focus=quality_environment&text=flood+early+warning")
    expect(page.locator("#answer-heading")).to_have_text(
        "Projects to learn from: Da Nang, Quality Environment, “flood early warning”"
    )


def test_match_folds_the_evidence_away_as_entity_pages_do(page, screenshot):
    page.goto("/match?who=city&focus=quality_environment&text=flood+early+warning")
    first = page.locator("#answer .recs > li").first
    expect(first.locator(".rec-title")).to_have_text("Integrated Flood Management and Response System")
    reason = first.locator("li.reason").first
    evidence = reason.locator("details.evidence")
    expect(evidence).not_to_have_attribute("open", "")
    sources = evidence.locator('a[href^="/id/source/"]')
    expect(sources.first).to_be_hidden()
    evidence.locator("summary").click()
    expect(sources.first).to_be_visible()
    screenshot(page, "match-city-evidence", full_page=False)


def _json_of_the_same_answer(page) -> dict:
    """Follow the answer's "the same answer as JSON" link, as a person would: it must list what the page lists."""
    titles = page.locator("#answer .rec-title")
    expect(titles.first).to_be_visible()  # the click only starts the page's loading: wait for the answer itself
    page.wait_for_load_state()  # and for the whole of it: the first title may come before the others
    shown = titles.all_inner_texts()
    with page.expect_response(lambda r: "/api/recommend/" in r.url) as answered:
        page.locator("#answer").get_by_role("link", name="recommendation API").click()
    assert answered.value.status == 200, answered.value.text()
    answer = answered.value.json()
    assert [item["label"] for item in answer["items"]] == shown
    return answer


def test_the_match_answers_link_to_the_same_answer_as_json(page):
    page.goto("/match")
    form = page.locator("form[aria-labelledby=partner-form]")
    form.get_by_label("An existing partner").select_option("japan")
    form.get_by_label("Health and Well-being").check()
    form.get_by_label("Also show cities the partner already works in (marked so)").check()
    form.get_by_role("button", name="Find cities").click()
    answer = _json_of_the_same_answer(page)
    assert answer["question"] == "cities_for_partner"

    page.goto("/match")
    form = page.locator("form[aria-labelledby=city-form]")
    form.get_by_label("Quality Environment").check()
    form.get_by_label("The project in a few words").fill("flood early warning")
    form.get_by_label("Your city (its own projects are left out)").select_option("da-nang")
    form.get_by_label("Only projects in other countries").check()
    form.get_by_role("button", name="Find projects to learn from").click()
    answer = _json_of_the_same_answer(page)
    assert answer["question"] == "projects_for_plan"
    assert all(item["country"] != "Viet Nam" for item in answer["items"])


def test_ontology_page_renders_with_diagram_and_no_errors(page, screenshot):
    page.goto("/ontology")
    expect(page.locator(".class-diagram")).to_be_visible()
    expect(page.locator("#schemes")).to_be_visible()
    page.locator(".class-diagram a.class-name").get_by_text("Pairing", exact=True).click()
    expect(page).to_have_url(re.compile(r"#Pairing$"))  # each term at its IRI's fragment since 6e411a6
    screenshot(page, "ontology", full_page=False)


def test_data_page_renders_evaluation_and_gaps_with_no_errors(page, screenshot):
    first = page.goto("/data")
    assert first is not None and first.ok
    if 'id="evaluation-table"' not in first.text():
        # still computed in the background: the page says so, then puts the table in place by itself, without a
        # reload (the page as first served is read here: the live one may already have changed under a locator)
        assert "still being computed" in first.text()
    expect(page.locator("#evaluation-table tbody tr")).not_to_have_count(0, timeout=EVALUATION_BOUND * 1000)
    expect(page.locator("#class-counts")).to_contain_text("Member city")
    expect(page.locator("#confidence-table")).to_contain_text("Only meeting-level mentions.")
    screenshot(page, "data")


def test_the_whole_graph_downloads_from_the_data_page_as_the_releases_file(page):
    """Chromium asks for gzip, so it is sent the kept file gzipped: it saves the Turtle itself, under the release's
    name, and rdflib reads it."""
    page.goto("/data")
    with page.expect_download() as download:
        page.locator('a[href="/download/ascn-kg.ttl"]').click()
    saved = download.value
    release = page.locator("footer code").first.inner_text()  # "Release <code>2026-12-07.1</code>"
    assert saved.suggested_filename == f"ascn-kg-{release}.ttl"
    union = Graph().parse(saved.path(), format="turtle")
    assert (URIRef("https://w3id.org/ascn/id/city/da-nang"), RDFS.label, Literal("Da Nang", lang="en")) in union


def test_a_named_graph_from_the_dataset_page_to_its_triples_in_the_editor(page):
    """A researcher follows the dataset's subset link to the graph's own page, then opens its triples in the editor:
    the query is the graph's CONSTRUCT, and its answer holds the graph's 967 triples."""
    page.goto("/id/dataset/ascn-kg")
    page.locator('a[href="/graph/bundled/cities"]').first.click()
    expect(page).to_have_url(re.compile(r"/graph/bundled/cities$"))
    expect(page.locator("#graph-triples")).to_have_text("967")
    expect(page.locator("#graph-class-table")).to_contain_text("Member city")
    with page.expect_response(lambda r: "/sparql" in r.url and r.request.method in ("GET", "POST")) as answered:
        page.get_by_role("link", name="in the query editor").click()  # a permalink: the editor runs its query
    page.wait_for_selector("body[data-examples-ready=true]")
    expect(page.locator(".CodeMirror").first).to_contain_text("GRAPH <https://w3id.org/ascn/graph/bundled/cities>")
    answer = answered.value  # the editor asks for a CONSTRUCT's answer as N-Triples
    assert (answer.status, answer.headers["content-type"]) == (200, "application/n-triples")
    assert len(Graph().parse(data=answer.body(), format="nt")) == 967


def test_the_footers_sparql_endpoint_link_opens_the_query_editor_in_a_browser(page, site):
    page.goto("/")
    page.locator("footer").get_by_role("link", name="SPARQL endpoint").click()  # a download before
    expect(page).to_have_url(re.compile(r"/query$"))
    page.wait_for_selector("body[data-examples-ready=true]")
    described = page.request.get(f"{site}/sparql", headers={"Accept": "*/*"})  # programs still get the description
    assert described.status == 200 and described.headers["content-type"].startswith("text/turtle")


def test_a_shared_editor_link_cannot_point_the_editor_at_another_site(page, site):
    # a permalink carries its query, but an endpoint= of its own must not make this page send queries elsewhere
    query = "ASK { ?s ?p ?o }"
    with page.expect_response(lambda r: r.url.startswith(f"{site}/sparql")) as answered:  # a permalink runs its query
        page.goto(f"/query?{urlencode({'query': query, 'endpoint': 'http://elsewhere.example/sparql'})}")
    assert answered.value.status == 200
    page.wait_for_selector("body[data-examples-ready=true]")
    expect(page.get_by_label("SPARQL endpoint")).to_have_value(f"{site}/sparql")
    expect(page.locator(f"{ACTIVE} .yasr_results")).to_contain_text("True")
