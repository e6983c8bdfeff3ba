"""Browser fixtures: Debian's Chromium driven headless by Playwright against a real ``ascn serve``.

One browser for the session; each test gets a fresh context and page (``page``) that fails the test on any
console error, uncaught script error or failed request — including any request that tries to leave the
app's own origin, which is blocked (the app must work with nothing but itself). A test that expects an
error (a 404 page logs "Failed to load resource") says so with ``page_errors.allow("404")``.
Screenshots go to ``test-output/screenshots/`` through the ``screenshot`` fixture, for a person to look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PROTOCOL_GRAPHS, AscnServer, running_ascn, store_copy

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
TIMEOUT_MS = 120_000
"""How long a page may take to reach the state a test waits for (loaded, answered, drawn) before the test calls
it a hang. Tests wait for states, so on an idle machine they move on in milliseconds; the bound is generous so a
machine busy with other work is slow, not failing. It applies to Playwright's actions and to its assertions
(``expect``), whose own default is 5 s."""
QUERY_TIME_LIMIT = "120"
"""The browser server's query time limit: the editor's queries must be answered however busy the machine is (the
time limit itself is tested in tests/reliability)."""

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser_server(tmp_path_factory, bundled_graphs) -> AscnServer:
    """The ``ascn serve`` the browser tests use: like ``ascn_server`` but with a time limit no busy machine hits."""
    settings = store_copy(tmp_path_factory.mktemp("browser-served") / "data", bundled_graphs, PROTOCOL_GRAPHS)
    with running_ascn(settings.data_dir, "--workers", "2", "--timeout", QUERY_TIME_LIMIT) as server:
        yield server


@pytest.fixture(scope="session")
def site(browser_server) -> str:
    """The base URL of the running app (no trailing slash)."""
    return browser_server.url.removesuffix("/sparql")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the whole session (Debian's package; Playwright's own download is not used)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make system-deps`)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageErrors:
    """What went wrong in a page: console errors, uncaught exceptions, failed and off-site requests."""

    origin: str
    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Expect errors matching ``pattern`` (a regular expression) in this test."""
        self.allowed.append(re.compile(pattern))

    def add(self, message: str) -> None:
        self.errors.append(message)

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@pytest.fixture
def page_errors(site) -> PageErrors:
    return PageErrors(site)


@pytest.fixture
def page(browser, site, page_errors):
    """A fresh page on the app (``page.goto("/")`` works) that fails the test on any error it saw."""
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)

    def only_the_app(route):
        if route.request.url.startswith(site + "/") or route.request.url == site:
            route.continue_()
        else:
            page_errors.add(f"request outside the app blocked: {route.request.url}")
            route.abort()

    context.route("**/*", only_the_app)
    p = context.new_page()
    p.on("console", lambda msg: msg.type == "error" and page_errors.add(f"console: {msg.text}"))
    p.on("pageerror", lambda exc: page_errors.add(f"script error: {exc}"))
    # net::ERR_ABORTED is the browser cancelling a request itself (the favicon of a page left by a form
    # submit); a missing or broken resource shows as a console error or another failure
    p.on(
        "requestfailed",
        lambda req: req.failure != "net::ERR_ABORTED" and page_errors.add(f"request failed: {req.url} ({req.failure})"),
    )
    yield p
    context.close()
    unexpected = page_errors.unexpected()
    if unexpected:
        pytest.fail("the page reported errors:\n" + "\n".join(unexpected))


@pytest.fixture
def screenshot():
    """Save a screenshot as ``test-output/screenshots/<name>.png`` (the whole page unless ``full_page=False``:
    a very tall page, such as /ontology, takes Chromium longer than the time limit); returns the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str, full_page: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


AXE = Path(__file__).resolve().parents[2] / "webapp" / "assets" / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"desktop": {"width": 1366, "height": 900}, "mobile": {"width": 390, "height": 844}}
"""The two screens every flow is tried on: a laptop and a phone."""


@pytest.fixture(params=list(SIZES))
def screen(request, page) -> str:
    """Run a test once per screen size (``desktop``, ``mobile``), the page resized to it."""
    page.set_viewport_size(SIZES[request.param])
    return request.param


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make vendor` (axe-core comes from webapp/assets/package.json)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source):
    """axe-core's violations on the page as it is now, as {impact: [rule ids]} (injected through the
    DevTools protocol, so the page's Content-Security-Policy stays as it is)."""

    def check(page) -> dict[str, list[str]]:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        found = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']}))"
            ".violations.map(v => [v.impact, v.id, v.nodes.length])"
        )
        out: dict[str, list[str]] = {}
        for impact, rule, nodes in found:
            out.setdefault(impact, []).append(f"{rule} ({nodes} nodes)")
        return out

    return check


def serious(violations: dict[str, list[str]]) -> list[str]:
    """The critical and serious ones of :func:`axe`'s answer (the target is none)."""
    return violations.get("critical", []) + violations.get("serious", [])


def overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
