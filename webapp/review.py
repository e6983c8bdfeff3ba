"""The review page (``/review``): proposals from ingested documents, accepted or rejected by a curator.

Anyone may read the page; writing needs the curator token the operator sets (``CURATOR_TOKEN``, from
``ASCN_CURATOR_TOKEN``). There is none by default, so a public server stays read-only. A curator signs in with the
token and their name, which the review records (PROV-O, :mod:`loaders.review`); the sign-in lives in Flask's signed
session cookie, with a keyed mark of the token, so a new token ends the sign-ins made with the old one. Every form
carries a CSRF token (Flask-WTF's ``generate_csrf``/``validate_csrf``), checked before anything is done. The session
key is ``SECRET_KEY`` (``ASCN_SECRET_KEY``); without one, a random key is made at start, so sign-ins end when the
server restarts. A sign-in lasts ``CURATOR_SIGN_IN_HOURS`` (8 by default) from the moment it was made, however much
it is used (:func:`_curator`). A client address that gives a wrong token :data:`SIGN_IN_FAILURES` times within
:data:`SIGN_IN_WINDOW` seconds is refused (429) until the oldest of them is that old, whatever token it then gives
(:class:`SignInThrottle`).
"""

from __future__ import annotations

import hmac
import math
import secrets
import threading
import time
from collections import OrderedDict, deque

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from rdflib import URIRef
from werkzeug.exceptions import TooManyRequests
from wtforms.validators import ValidationError as CSRFInvalid

from loaders.review import FOCUS_AREAS, accept, get_proposal, is_a_name, list_proposals, reject
from ontology.errors import AscnError
from webapp.changes import labels
from webapp.errors import render_error
from webapp.page_data import local_path
from webapp.store import get_store

bp = Blueprint("review", __name__)


SIGN_IN_FAILURES = 5
SIGN_IN_WINDOW = 15 * 60
"""Wrong curator tokens one client address may give in a window of that many seconds. Unthrottled, one client tried
about ten tokens a second over one connection (and as many more as it opened): a token a person can type fell to a
dictionary within hours. A curator who mistypes five times waits a quarter of an hour."""
THROTTLE = "ascn-sign-in-throttle"
KEPT = "kept"
"""The session key of a form sent and not done (a wrong token, a refused acceptance): the page gives it back as it
was sent, where the redirect to it showed the message over empty fields (the curator's name, the note written, the
focus area chosen). The token is never kept."""


class SignInThrottle:
    """Failed sign-ins per client address, at most ``limit`` in ``window`` seconds; for :data:`ADDRESSES` clients
    at most (the least recently failing forgotten first), so a flood of addresses cannot fill the memory.

    >>> now = [0.0]
    >>> throttle = SignInThrottle(2, 60, clock=lambda: now[0])
    >>> throttle.failed("a"); throttle.wait("a"), throttle.failed("a"), throttle.wait("a"), throttle.wait("b")
    (0, None, 60, 0)
    >>> now[0] = 59.5; throttle.wait("a")
    1
    >>> now[0] = 60.0; throttle.wait("a")
    0
    """

    ADDRESSES = 10_000

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, client: str) -> int:
        """Whole seconds before ``client`` may give a token again; 0 when it may now."""
        with self._lock:
            times = self._failures.get(client)
            if times is None:
                return 0
            now = self.clock()
            while times and times[0] + self.window <= now:
                times.popleft()
            if not times:
                del self._failures[client]
            if len(times) < self.limit:
                return 0
            return max(1, math.ceil(times[0] + self.window - now))

    def failed(self, client: str) -> None:
        with self._lock:
            times = self._failures.pop(client, None) or deque(maxlen=self.limit)
            times.append(self.clock())
            self._failures[client] = times
            if len(self._failures) > self.ADDRESSES:
                self._failures.popitem(last=False)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, whose cookie is ``Secure`` whenever the request came over HTTPS (behind a
    trusted proxy, as its ``X-Forwarded-Proto`` says), not only when ``SESSION_COOKIE_SECURE`` is set: a curator's
    sign-in made over HTTPS was a cookie the browser also sent over plain HTTP (a link to ``http://`` of the same host,
    the port 80 a proxy redirects from), where anyone on the network could read it and review as that curator."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app) or request.is_secure)


def init_app(app: Flask) -> None:
    """A session key for the curator's sign-in and the CSRF tokens (random per start when none is configured), its
    cookie ``Secure`` over HTTPS, and the app's count of failed sign-ins."""
    app.extensions[THROTTLE] = SignInThrottle(SIGN_IN_FAILURES, SIGN_IN_WINDOW)
    app.session_interface = _Sessions()
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 3600 * 8)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:  # Flask's own default is None, so setdefault kept it
        app.config["SESSION_COOKIE_SAMESITE"] = "Strict"


def _writable() -> bool:
    return bool(current_app.config.get("CURATOR_TOKEN"))


def _curator() -> str | None:
    """The signed-in curator's name, while the token they signed in with is still the operator's and the sign-in is
    younger than ``CURATOR_SIGN_IN_HOURS``. Counted from the sign-in's own time, kept in the signed cookie: Flask
    only bounds a cookie by the time it last changed (31 days), and each use changes it (a flash, a CSRF token), so
    a stolen cookie kept in use never ended."""
    if not _writable() or not hmac.compare_digest(str(session.get("token", "")), _token_mark()):
        return None
    age = time.time() - float(session.get("signed_in", -math.inf))
    if not 0 <= age < float(current_app.config["CURATOR_SIGN_IN_HOURS"]) * 3600:
        return None
    return session.get("curator")


def _token_mark() -> str:
    """What a sign-in keeps of the curator token: its HMAC under the session key. A session holds it so that a new
    token (the operator's answer to a leaked one) ends every sign-in made with the old, which, being in a cookie the
    server signs and no longer reads back, stayed valid as long as the session key did. Keyed, so the cookie, which
    anyone holding it can read, gives no hash to guess the token from."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, str(current_app.config.get("CURATOR_TOKEN")).encode(), "sha256").hexdigest()


@bp.get("/review")
def review_page():
    """Pending proposals with their evidence and fields, and the reviewed ones for audit; a form that was not done
    comes back as it was sent (:data:`KEPT`)."""
    store = get_store()
    pending = list_proposals(store)
    reviewed = [p for p in list_proposals(store, None) if p.status != "pending"]
    reviewed.sort(key=lambda p: p.reviewed_at or "", reverse=True)
    names = labels(sorted({v for p in pending for v in p.fields.values() if isinstance(v, URIRef)}))
    response = current_app.make_response(
        render_template(
            "pages/review.html",
            pending=pending,
            reviewed=reviewed[:50],
            writable=_writable(),
            curator=_curator(),
            csrf_token=generate_csrf(),
            focus_areas=FOCUS_AREAS,
            link=local_path,
            names=names,
            kept=session.pop(KEPT, {}),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/review/sign-in")
def sign_in():
    """Sign in with the operator's curator token and the name the reviews will carry; a client address that gave
    too many wrong tokens lately is refused before its token is read (:class:`SignInThrottle`)."""
    token = current_app.config.get("CURATOR_TOKEN")
    if not token:
        abort(403, description="this server is read-only: the operator has set no curator token (ASCN_CURATOR_TOKEN)")
    _check_csrf()
    throttle: SignInThrottle = current_app.extensions[THROTTLE]
    client = request.remote_addr or ""
    wait = throttle.wait(client)
    if wait:
        response = render_error(
            TooManyRequests(
                f"Too many wrong curator tokens from your address: at most {throttle.limit} in "
                f"{throttle.window // 60:.0f} minutes. Try again in {wait} s."
            )
        )
        response.headers["Retry-After"] = str(wait)
        return response
    given = request.form.get("token", "")
    name = " ".join(request.form.get("name", "").split())
    if not hmac.compare_digest(given.encode(), str(token).encode()):
        throttle.failed(client)
        flash("That is not the curator token.", "error")
        session[KEPT] = {"name": name[:80]}
        return redirect(url_for("review.review_page"))
    throttle.succeeded(client)
    if not is_a_name(name):
        flash("Give your name: each review records who made it.", "error")
        return redirect(url_for("review.review_page"))
    session.clear()
    session["curator"] = name[:80]
    session["token"] = _token_mark()
    session["signed_in"] = time.time()
    flash(f"Signed in as {session['curator']}.", "ok")
    return redirect(url_for("review.review_page"))


@bp.post("/review/sign-out")
def sign_out():
    _check_csrf()
    session.clear()
    return redirect(url_for("review.review_page"))


@bp.post("/review/<ident>/<action>")
def decide(ident: str, action: str):
    """Accept (a new release) or reject (kept for audit) one proposal."""
    if action not in ("accept", "reject"):
        abort(404)
    if not _writable():
        abort(403, description="this server is read-only: the operator has set no curator token")
    _check_csrf()
    curator = _curator()
    if curator is None:
        abort(403, description="sign in with the curator token to review proposals")
    note = request.form.get("note", "").strip() or None
    store = get_store()
    try:
        proposal = get_proposal(store, ident)
        if action == "accept":
            overrides = {k: request.form[k] for k in ("focus_area", "status", "partner_kind") if request.form.get(k)}
            release = accept(store, [ident], curator, note, overrides)
            flash(f"Accepted “{proposal.label}”: release {release.version}.", "ok")
            session["last_release"] = release.version
        else:
            reject(store, [ident], curator, note)
            flash(f"Rejected “{proposal.label}”; it is kept for audit.", "ok")
    except AscnError as exc:
        flash(f"Not done: {exc}", "error")
        chosen = {k: request.form[k][:80] for k in ("focus_area", "partner_kind") if request.form.get(k)}
        session[KEPT] = {"ident": ident, "action": action, "note": (note or "")[:500], **chosen}  # a cookie: 4 kB
    return redirect(url_for("review.review_page"))


def _check_csrf() -> None:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (CSRFInvalid, CSRFError) as exc:
        abort(400, description=f"the form's CSRF token is missing or wrong ({exc}); reload the page and try again")
