"""The /query editor's completion as you type and its data panel, in a real browser against a real ``ascn serve``.

Typing goes through the keyboard (no Ctrl+Space): the suggestions must open by themselves, in the three places
issue 18 names, and picking one must write a term the query runs with.
"""

from __future__ import annotations

from playwright.sync_api import expect

ACTIVE = ".tabPanel.active"
HINTS = ".CodeMirror-hints .CodeMirror-hint"
START = "PREFIX ascn: <https://w3id.org/ascn/ontology#>\nSELECT * WHERE {\n  "


def _editor(page, text: str):
    page.goto("/query")
    page.wait_for_selector("body[data-examples-ready=true]")
    page.evaluate("""(text) => { const y = window.ascnYasgui.getTab().getYasqe(); y.setValue(text);
        y.getDoc().setCursor(y.getDoc().lineCount(), 0); y.focus(); }""", text)
    return page.locator(f"{ACTIVE} .CodeMirror textarea")


def _value(page) -> str:
    return page.evaluate("() => window.ascnYasgui.getTab().getYasqe().getValue()")


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
    expect(page.locator(f"{ACTIVE} .yasr_results tbody tr")).to_have_count(12)  # non-empty, as promised


def test_the_data_panel_lists_counts_from_the_void_and_inserts_a_term(page):
    _editor(page, START + "?c a ")
    panel = page.locator(".data-panel")
    city = panel.locator("button.term[data-term='ascn:City']")
    expect(city).to_be_visible()
    expect(city.locator("xpath=following-sibling::span[@class='count']")).to_have_text("38")
    city.click()
    assert _value(page).endswith("?c a ascn:City ")
    panel.get_by_text("Properties (").click()
    panel.locator("button.term[data-term='ascn:focusArea']").click()
    assert _value(page).endswith("?c a ascn:City ascn:focusArea ")
