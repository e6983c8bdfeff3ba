"""The review page: read-only without a curator token, CSRF on every form, accepting makes a release."""

from __future__ import annotations

import re

import pytest

from graph import releases
from loaders.ingest import ingest
from loaders.review import list_proposals
from tests.ingest.test_ingest import TEXTS
from webapp import create_app
from webapp.review import SIGN_IN_FAILURES, SIGN_IN_WINDOW, THROTTLE, SignInThrottle
from webapp.store import close_app


@pytest.fixture
def make_app(fresh_settings, fresh_store):
    ingest(fresh_store, [TEXTS / "test" / "04-news.html"], dry_run=False)
    fresh_store.close()
    apps = []

    def make(**config):
        app = create_app({"TESTING": True, "DATA_DIR": str(fresh_settings.data_dir), "AUTO_BUILD": False, **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def _sign_in(client, token: str, name: str = "Mai", page: str | None = None):
    """Post the sign-in form of ``page`` (the review page fetched now if not given) with ``token`` and ``name``."""
    csrf = _csrf(page if page is not None else client.get("/review").get_data(as_text=True))
    return client.post("/review/sign-in", data={"csrf_token": csrf, "token": token, "name": name})


def _assert_signed_out(client, page: str) -> None:
    """``page`` offers the sign-in form and shows no curator, and a review is refused."""
    assert 'id="curator"' not in page and 'name="token"' in page
    refused = client.post("/review/some-proposal/accept", data={"csrf_token": _csrf(page)})
    assert refused.status_code == 403 and "sign in with the curator token" in refused.get_data(as_text=True)


def _pairing(app) -> str:
    return next(p.id for p in list_proposals(app.extensions["ascn"].store) if p.kind == "pairing")


def test_without_a_curator_token_the_server_is_read_only(make_app):
    app = make_app()
    client = app.test_client()
    html = client.get("/review").get_data(as_text=True)
    assert 'id="read-only"' in html and "Da Nang has been paired with the City of Yokohama" in html
    assert (
        'pairing: city <a href="/id/city/da-nang">Da Nang</a>; partner <a href="/id/partner/yokohama">City of '
        'Yokohama</a>; programme <a href="/id/programme/smart-jamp">Smart JAMP'
    ) in html
    assert 'action="/review/' not in html  # no accept or reject forms
    ident = _pairing(app)
    answer = client.post(f"/review/{ident}/accept", data={"csrf_token": "any"})
    assert answer.status_code == 403 and "read-only" in answer.get_data(as_text=True)
    assert client.post("/review/sign-in", data={"csrf_token": "any", "token": "", "name": "x"}).status_code == 403
    assert releases.current_release(app.extensions["ascn"].store).number == 1


def test_a_curator_signs_in_and_accepts_with_csrf(make_app):
    app = make_app(CURATOR_TOKEN="s3cret-token")
    client = app.test_client()
    html = client.get("/review").get_data(as_text=True)
    assert 'name="token"' in html
    token = _csrf(html)
    assert client.post("/review/sign-in", data={"token": "s3cret-token", "name": "Mai"}).status_code == 400
    wrong = client.post(
        "/review/sign-in", data={"csrf_token": token, "token": "guess", "name": "Mai"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "That is not the curator token." in wrong and 'name="token"' in wrong
    assert '<input name="name" autocomplete="name" required value="Mai">' in wrong  # was empty: typed again
    signed = client.post(
        "/review/sign-in",
        data={"csrf_token": token, "token": "s3cret-token", "name": "Mai Tran"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert '<strong id="curator">Mai Tran</strong>' in signed
    ident = _pairing(app)
    assert client.post(f"/review/{ident}/accept", data={}).status_code == 400
    assert client.post(f"/review/{ident}/accept", data={"csrf_token": "forged"}).status_code == 400
    done = client.post(
        f"/review/{ident}/accept", data={"csrf_token": _csrf(signed), "note": "checked"}, follow_redirects=True
    ).get_data(as_text=True)
    store = app.extensions["ascn"].store
    release = releases.current_release(store)
    assert release.number == 2 and release.kind == "accepted"
    assert f"release {release.version}" in done and f"Release <code>{release.version}</code>" in done
    assert "<td>accepted</td><td>Mai Tran</td>" in done
    at = list_proposals(store, "accepted")[0].reviewed_at  # when, readably in UTC; it was the raw ISO timestamp
    assert re.search(
        rf'<td>Mai Tran</td><td><time datetime="{re.escape(at)}">\d{{1,2}} \w+ \d{{4}}, \d\d:\d\d UTC</time>', done
    )
    project = next(p.id for p in list_proposals(store) if p.kind == "project")
    hostile = client.post(  # a focus area no form offers: named, where the store's refusal of its IRI was shown
        f"/review/{project}/accept",
        data={"csrf_token": _csrf(done), "focus_area": "x> <y", "note": "seen in <the> news"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert (
        f"Not done: {project}, field &#39;focus_area&#39;: expected a focus area id (civic_social, "
        "health_wellbeing, safety_security, quality_environment, built_infrastructure, industry_innovation) for a "
        "project, got &#39;x&gt; &lt;y&#39;"
    ) in hostile
    form = hostile[hostile.index(f'action="/review/{project}/accept"') :].split("</form>")[0]
    assert '<input name="note" value="seen in &lt;the&gt; news">' in form  # a refused form was given back empty
    assert " selected>" not in form  # the refused value is no option to choose
    assert "seen in &lt;the&gt; news" not in client.get("/review").get_data(as_text=True)  # given back once
    new_project = next(p.id for p in list_proposals(store) if p.kind == "new-project")
    card = done[done.index(f'id="proposal-{new_project}"') :]
    card = card[: card.index("</article>")]
    assert "cannot be accepted" in card and f"/review/{new_project}/accept" not in card  # no form that must fail
    assert f"/review/{new_project}/reject" in card  # rejecting it stays one click
    cityless = client.post(  # by hand: was the shapes' "exactly one of the two" (inCity, networkWide)
        f"/review/{new_project}/accept",
        data={"csrf_token": _csrf(done), "focus_area": "built_infrastructure"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert (
        f"Not done: {new_project}, field &#39;city&#39;: expected a city: proposal {project} names this project with "
        "its city, accept that one instead; reject this one, got &#39;none (the text names the project only)&#39;"
    ) in cityless
    assert releases.current_release(store).number == 2
    client.post(f"/review/{new_project}/reject", data={"csrf_token": _csrf(done), "note": "duplicate"})
    assert [p.note for p in list_proposals(store, "rejected")] == ["duplicate"]
    refused = client.post(f"/review/{ident}/accept", data={"csrf_token": _csrf(done)}, follow_redirects=True)
    assert "Not done:" in refused.get_data(as_text=True) and "already accepted" in refused.get_data(as_text=True)
    changes = client.get("/changes").get_data(as_text=True)
    added, records = (_rows(changes, table) for table in ("added", "records"))
    assert "Da Nang – City of Yokohama ascn:pairedCity Da Nang" in added  # the facts, not their provenance ...
    assert not any(row.startswith(("Mai Tran", "review of proposal")) for row in added)
    assert '<details id="records-of-acceptance">' in changes  # ... which is kept apart, folded
    assert len(records) == len(releases.diff(store, None, None, releases.release_changes(store)).added) - len(added)
    assert "review of proposal " + ident + " by Mai Tran prov:wasAssociatedWith Mai Tran" in records


def test_wrong_curator_tokens_are_throttled_per_client_address(app, monkeypatch):
    now = [1000.0]
    monkeypatch.setitem(app.extensions, THROTTLE, SignInThrottle(SIGN_IN_FAILURES, SIGN_IN_WINDOW, lambda: now[0]))
    monkeypatch.setitem(app.config, "CURATOR_TOKEN", "s3cret-token")
    guesser, curator = app.test_client(), app.test_client()
    guesser.environ_base["REMOTE_ADDR"], curator.environ_base["REMOTE_ADDR"] = "203.0.113.7", "198.51.100.2"

    assert [_sign_in(guesser, f"guess-{i}").status_code for i in range(5)] == [302] * 5
    now[0] += 60
    refused = _sign_in(guesser, "s3cret-token")  # the right token too: the address is refused before it is read
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "840"
    assert (
        "Too many wrong curator tokens from your address: at most 5 in 15 minutes. Try again in 840 s."
        in refused.get_data(as_text=True)
    )
    assert 'id="curator"' not in guesser.get("/review").get_data(as_text=True)
    assert _sign_in(curator, "s3cret-token").status_code == 302  # another address signs in meanwhile
    assert '<strong id="curator">Mai</strong>' in curator.get("/review").get_data(as_text=True)
    now[0] += 840
    assert _sign_in(guesser, "s3cret-token").status_code == 302
    assert '<strong id="curator">Mai</strong>' in guesser.get("/review").get_data(as_text=True)


def test_a_new_curator_token_ends_the_sign_ins_made_with_the_old_one(app, monkeypatch):
    monkeypatch.setitem(app.config, "CURATOR_TOKEN", "leaked-token")
    client = app.test_client()
    _sign_in(client, "leaked-token", "Mallory")
    assert '<strong id="curator">Mallory</strong>' in client.get("/review").get_data(as_text=True)
    monkeypatch.setitem(app.config, "CURATOR_TOKEN", "new-token")  # the operator's answer to a leak, same session key
    page = client.get("/review").get_data(as_text=True)
    _assert_signed_out(client, page)
    _sign_in(client, "new-token", page=page)
    assert '<strong id="curator">Mai</strong>' in client.get("/review").get_data(as_text=True)


def test_a_sign_in_ends_hours_after_it_was_made_however_much_it_is_used(app, monkeypatch):
    monkeypatch.setitem(app.config, "CURATOR_TOKEN", "s3cret-token")
    client = app.test_client()
    _sign_in(client, "s3cret-token")

    def older(seconds: float) -> str:
        """The review page after the sign-in is made ``seconds`` older, as by a clock moved on."""
        with client.session_transaction() as session:
            session["signed_in"] -= seconds
        return client.get("/review").get_data(as_text=True)

    assert '<strong id="curator">Mai</strong>' in older(8 * 3600 - 60)  # in use all day: each use re-sets the cookie
    page = older(60)
    _assert_signed_out(client, page)
    _sign_in(client, "s3cret-token", page=page)
    monkeypatch.setitem(app.config, "CURATOR_SIGN_IN_HOURS", 0.5)  # the operator's setting
    assert '<strong id="curator">Mai</strong>' in older(1790)
    assert 'id="curator"' not in older(10)


def test_the_session_cookie_is_same_site_strict_and_http_only(client):
    cookie = client.get("/review").headers["Set-Cookie"]  # the CSRF token's session, and later the sign-in's
    assert cookie.startswith("session=") and "; HttpOnly" in cookie and "; SameSite=Strict" in cookie


@pytest.mark.parametrize("scheme, secure", [("https", True), ("http", False)])
def test_a_sign_in_over_https_is_a_secure_cookie(app, monkeypatch, scheme, secure):
    monkeypatch.setitem(app.config, "CURATOR_TOKEN", "s3cret-token")
    client = app.test_client()
    base = f"{scheme}://localhost"
    csrf = _csrf(client.get("/review", base_url=base).get_data(as_text=True))
    signed = client.post(
        "/review/sign-in", base_url=base, data={"csrf_token": csrf, "token": "s3cret-token", "name": "Mai"}
    )
    cookie = signed.headers["Set-Cookie"]  # the sign-in's: over HTTPS, a browser sends it over HTTPS only
    assert cookie.startswith("session=") and ("; Secure" in cookie) is secure


def _rows(page: str, table: str) -> list[str]:
    """The text of each row of a table of /changes, its cells joined by spaces."""
    body = re.search(rf'<table class="figures" id="{table}">.*?<tbody>(.*?)</tbody>', page, re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", body[1], re.S) if body else []
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_entity_pages_link_their_feed(client):
    html = client.get("/id/city/hanoi").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml" href="/feeds/city/hanoi.atom"' in html
    assert 'href="/feeds/city/hanoi.atom">changes feed (Atom)</a>' in html
    assert "application/atom+xml" not in client.get("/id/project/bsb-clean-river").get_data(as_text=True)


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200d\u2060", "\u00ad", "..."])
def test_a_name_without_a_letter_or_digit_is_no_name(make_app, name):
    """Each review records its curator's name; a name of zero-width characters alone signed in a curator no one can
    read, and the reviews recorded an invisible name."""
    client = make_app(CURATOR_TOKEN="s3cret-token").test_client()
    _sign_in(client, "s3cret-token", name)
    page = client.get("/review").get_data(as_text=True)
    assert "Give your name: each review records who made it." in page
    _assert_signed_out(client, page)
