"""The /query editor's completion as you type and its data panel, in a real browser against a real ``ascn serve``.

Typing goes through the keyboard (no Ctrl+Space): the suggestions must open by themselves, in the three places
issue 18 names, and picking one must write a term the query runs with.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

ACTIVE = ".tabPanel.active"
HINTS = ".CodeMirror-hints .CodeMirror-hint"
START = "PREFIX ascn: <https://w3id.org/ascn/ontology#>\nSELECT * WHERE {\n  "


def _editor(page, text: str):
    page.goto("/query")
    page.wait_for_selector("body[data-examples-ready=true]")
    page.evaluate(
        """(text) => { const y = window.ascnYasgui.getTab().getYasqe(); y.setValue(text);
        y.getDoc().setCursor(y.getDoc().lineCount(), 0); y.focus(); }""",
        text,
    )
    return page.locator(f"{ACTIVE} .CodeMirror textarea")


def _value(page) -> str:
    return page.evaluate("() => window.ascnYasgui.getTab().getYasqe().getValue()")


def test_the_ready_examples_are_grouped_under_sentence_case_headings(page):
    page.goto("/query")
    page.wait_for_selector("body[data-examples-ready=true]")
    headings = page.locator(".example-group h3").all_inner_texts()  # as shown, after any text-transform
    assert headings == ["For researchers", "For city officers", "For partners"]


def test_classes_open_after_a_as_you_type(page, screenshot):
    editor = _editor(page, START)
    editor.type("?c a ")
    hints = page.locator(HINTS)
    expect(hints.first).to_contain_text("ascn:Project")  # the largest class first
    editor.type("Ci")
    expect(hints.first).to_contain_text("member city  ·  ascn:City  (38)")
    screenshot(page, "query-complete-classes")
    page.keyboard.press("Enter")
    assert _value(page).endswith("?c a ascn:City")


def test_a_subject_of_a_known_class_gets_that_class_properties_then_linked_entities(page):
    editor = _editor(page, START + "?p a ascn:Project .\n  ?p ")
    editor.type("foc")
    hints = page.locator(HINTS)
    expect(hints).to_have_count(1)
    expect(hints.first).to_contain_text("ascn:focusArea")
    page.keyboard.press("Enter")
    editor.type(" ")
    expect(hints).to_have_count(6)  # the six focus areas projects link to, most linked first
    expect(hints.first).to_contain_text("Built Infrastructure")
    editor.type("heal")
    expect(hints).to_have_count(1)
    page.keyboard.press("Enter")
    assert _value(page).endswith("?p ascn:focusArea <https://w3id.org/ascn/id/focus-area/health_wellbeing>")
    editor.type(" }")
    page.click(f"{ACTIVE} .yasqe_queryButton")
    expect(page.locator(f"{ACTIVE} .yasr_results tbody tr")).to_have_count(13)  # non-empty, as promised


def test_the_data_panel_lists_counts_from_the_void_and_inserts_a_term(page):
    _editor(page, START + "?c a ")
    panel = page.locator(".data-panel")
    expect(panel.locator("button.term").first).to_be_hidden()  # folded: the editor keeps the page's width
    panel.locator("summary").click()
    city = panel.locator("button.term[data-term='ascn:City']")
    expect(city).to_be_visible()
    expect(city.locator("xpath=following-sibling::span[@class='count']")).to_have_text("38")
    city.click()
    assert _value(page).endswith("?c a ascn:City ")
    panel.locator("button.term[data-term='ascn:focusArea']").click()
    assert _value(page).endswith("?c a ascn:City ascn:focusArea ")


def _click_node(page, cy: str, label: str) -> None:
    """Tap the node labelled ``label``: Cytoscape's own tap event, what a click on it fires (a pixel click can land
    on the sticky header or a neighbour's label when the page's layout moves)."""
    page.evaluate(
        """([cy, label]) => eval(cy).nodes().filter((n) => n.data("label") === label)[0].emit("tap")""",
        [cy, label],
    )


def test_an_entity_page_draws_its_neighbourhood_with_clickable_nodes(page, screenshot):
    page.goto("/id/city/da-nang")
    graph = page.locator("#entity-graph[data-ready=true]")
    graph.scroll_into_view_if_needed()
    expect(graph.locator(".graph-note")).to_contain_text("resources")
    labels = page.evaluate("() => window.ascnEntityGraph.nodes().map((n) => n.data('label'))")
    assert {"Da Nang", "Viet Nam", "Intelligent Operation Centre (Da Nang)"} <= set(labels)
    _click_node(page, "window.ascnEntityGraph", "Viet Nam")
    details = graph.locator(".graph-details")
    expect(details).to_contain_text("https://w3id.org/ascn/id/country/vn")
    screenshot(page, "entity-neighbourhood")
    details.get_by_role("link", name="Open the page of Viet Nam").click()
    expect(page).to_have_url(re.compile(r"/id/country/vn$"))
    expect(page.locator("h1")).to_have_text("Viet Nam")


def test_a_construct_answer_shows_as_a_graph_readable_at_a_hundred_nodes(page, screenshot):
    _editor(
        page,
        START.replace("SELECT * WHERE {\n  ", "CONSTRUCT { ?p ascn:inCity ?c ; ascn:focusArea ?f } WHERE {\n  ")
        + "?p ascn:inCity ?c ; ascn:focusArea ?f }",
    )
    page.click(f"{ACTIVE} .yasqe_queryButton")
    expect(page.locator(f"{ACTIVE} .yasr_response_chip")).to_contain_text("results")
    page.click(f"{ACTIVE} .select_graph")
    graph = page.locator(f"{ACTIVE} .graph-view[data-ready=true]")
    nodes = int(graph.get_attribute("data-nodes"))
    assert 150 < nodes <= 250  # projects, their cities and the six focus areas
    # readable: every node inside the canvas, and nodes apart (nearest neighbours further than a node is wide)
    inside, gaps = page.evaluate("""() => {
        const view = document.querySelector('.tabPanel.active .graph-view');
        const cy = view.ascnGraph, box = view.querySelector('.graph-canvas').getBoundingClientRect();
        const at = cy.nodes().map((n) => n.renderedPosition());
        const inside = at.every((p) => p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height);
        const gaps = at.map((p, i) => Math.min(...at.filter((_, j) => j !== i).map((q) => Math.hypot(p.x - q.x, p.y - q.y))));
        return [inside, gaps.sort((a, b) => a - b)]; }""")
    assert inside
    assert gaps[len(gaps) // 10] > 8  # nine nodes in ten stand clear of their nearest neighbour
    _click_node(page, "document.querySelector('.tabPanel.active .graph-view').ascnGraph", "built_infrastructure")
    expect(graph.locator(".graph-details")).to_contain_text("focus-area/built_infrastructure")
    screenshot(page, "query-graph")  # last: a full-page screenshot resizes the page, and the picture with it


def test_a_project_status_reads_by_its_prefixed_name_in_the_results(page):
    """The status vocabulary had no prefix, so "Projects per status" showed each status as a full IRI in angle
    brackets beside the prefixed cities and projects; ``status:`` is now one of the project's prefixes."""
    page.goto("/query")
    page.wait_for_selector("body[data-examples-ready=true]")
    page.click("button.example[data-query=project_counts_by_status] >> visible=true")
    results = page.locator(f"{ACTIVE} .yasr_results")
    expect(results.locator("tbody tr")).to_have_count(5)
    expect(results).to_contain_text("status:ongoing_or_planning")
    expect(results).not_to_contain_text("https://w3id.org/ascn/id/status/")


def test_a_keyboard_user_starts_at_the_top_and_gets_past_the_editor(page):
    """The editor took the focus once it had started, so the first Tab indented the query instead of reaching the
    skip link; and in the editor Tab indents, Esc only blurred it and the next Tab went straight back in. Now the
    page opens with the focus at its top, and Esc leaves the editor for its frame, from where Tab goes on."""
    page.goto("/query")
    page.wait_for_selector("body[data-examples-ready=true]")
    text = page.locator(f"{ACTIVE} .CodeMirror textarea")
    frame = page.locator(f"{ACTIVE} .CodeMirror-scroll")
    expect(text).not_to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()

    expect(text).to_have_accessible_description(re.compile(r"Esc leaves the editor"))
    text.focus()  # where a Tab from the endpoint field lands
    query = _value(page)
    page.keyboard.press("Tab")
    expect(text).to_be_focused()
    assert _value(page) != query  # Tab indents, as in any code editor
    page.keyboard.press("Escape")
    expect(frame).to_be_focused()
    expect(frame).to_have_accessible_name("SPARQL query editor")
    page.keyboard.press("Tab")
    expect(page.locator(f"{ACTIVE} .yasqe_share")).to_be_focused()
    page.keyboard.press("Shift+Tab")  # back to the frame, which opens the editor again
    expect(text).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    expect(text).to_be_focused()


def test_the_neighbourhood_picture_lists_its_resources_for_the_keyboard_and_screen_readers(page):
    """A node is reached only by a click, and the picture's label told a screen reader of a list of resources
    beside it that was not there; the resources are now a list under the picture, each linking its page."""
    page.goto("/id/city/da-nang")
    graph = page.locator("#entity-graph[data-ready=true]")
    nodes = int(graph.get_attribute("data-nodes"))
    links = page.evaluate("() => window.ascnEntityGraph.edges().length")
    expect(graph.get_by_role("img")).to_have_accessible_name(
        f"Node-link picture of {nodes} resources and {links} links; the same resources are listed below it."
    )
    summary = graph.locator(".graph-list summary")
    expect(summary).to_have_text(f"The {nodes} resources as a list")
    expect(graph.locator(".graph-list li")).to_have_count(nodes)
    summary.focus()
    page.keyboard.press("Enter")  # unfolds it
    country = graph.locator(".graph-list").get_by_role("link", name="Viet Nam", exact=True)
    expect(country).to_be_visible()
    expect(graph.locator(".graph-list li", has=page.get_by_role("link", name="Viet Nam", exact=True))).to_have_text(
        "Viet Nam (MemberState)"
    )
    country.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/id/country/vn$"))
