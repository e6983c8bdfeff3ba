"""What changed, and when: the ``/changes`` page and Atom feeds of changes at ``/feeds/...``.

Both read the releases' change lists (:mod:`graph.releases`): the page compares any two releases (by default the
current one with the one before it), and a feed lists, release by release, the changes about one city, partner or
focus area, so a city officer or a partner can follow what the graph learns about them in any feed reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, abort, render_template, request
from markupsafe import Markup
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.releases import Change, Diff, Release, diff, history, list_releases, release_changes
from graph.store import select
from loaders.review import RECORD_KINDS
from ontology import prefixed
from ontology.errors import NotFound, shown
from ontology.namespace import ID
from queries.library import internal
from webapp.bounds import is_entity_path
from webapp.citation import AUTHOR
from webapp.errors import EntityNotFound
from webapp.page_data import closest_entities, iri_of, local_path, once_per_version
from webapp.site_url import site_url_for
from webapp.store import get_store

bp = Blueprint("changes", __name__)

FEED_TYPES = {"city": "city", "partner": "partner", "focus-area": "focus area"}
"""The entity types with a feed: IRI path segment → what the feed calls it."""


@bp.app_template_filter("moment")
def moment(issued: str) -> Markup:
    """An ISO timestamp as a person reads it, in UTC and saying so, keeping the exact value for machines: the
    releases table of /changes and the reviewed proposals of /review showed ``2026-12-07T12:14:24+00:00``.

    >>> moment("2026-12-07T19:04:05.5+07:00")
    Markup('<time datetime="2026-12-07T19:04:05.5+07:00">7 December 2026, 12:04 UTC</time>')
    >>> moment("2026-12-07T19:04:05")
    Markup('<time datetime="2026-12-07T19:04:05">7 December 2026, 19:04</time>')
    """
    at = datetime.fromisoformat(issued)
    zone = " UTC" if at.tzinfo else ""  # a time with no zone is not said to be UTC (the app writes all in UTC)
    at = at.astimezone(UTC) if at.tzinfo else at
    return Markup('<time datetime="{}">{} {:%B %Y, %H:%M}{}</time>').format(issued, at.day, at, zone)


@bp.get("/changes")
def changes_page():
    """The releases, and the facts added, removed and changed between two of them (``from``, ``to``)."""
    store = get_store()
    releases = list_releases(store)
    old, new = request.args.get("from") or None, request.args.get("to") or None
    result = None
    if releases:
        try:
            result = diff(store, old, new, kept_changes())
        except NotFound as exc:
            abort(404, description=str(exc))
    view = DiffView(result) if result else None
    return render_template("pages/changes.html", releases=releases, diff=result, view=view, feeds=FEED_TYPES)


@bp.get("/feeds/<kind>/<path:ident>.atom")
def entity_feed(kind: str, ident: str):
    """An Atom feed of the changes about one city, partner or focus area, an entry per release."""
    if kind not in FEED_TYPES:
        abort(
            404,
            description=f"no feeds for {kind!r}; there are feeds for: "
            + ", ".join(f"/feeds/{k}/<id>.atom" for k in FEED_TYPES),
        )
    entity = iri_of(f"/id/{kind}/{ident}")
    names = labels([URIRef(entity)]) if is_entity_path(kind, ident) else {}
    if URIRef(entity) not in names:
        # the feeds of the closest entities, as a mistyped entity page offers their pages
        feeds = [
            (f"/feeds/{kind}/{path.rsplit('/', 1)[-1]}.atom", label) for path, label in closest_entities(kind, ident)
        ]
        raise EntityNotFound(
            f"There is no feed for {FEED_TYPES[kind]} {shown(ident)}: no such {FEED_TYPES[kind]} in the graph.", feeds
        )
    store = get_store()
    name = names[URIRef(entity)]
    feed = FeedGenerator()
    # RFC 4287 4.2.6: an id never changes, so it is the feed's path under the configured IRI base (as an entity's
    # IRI is), not the address it was read at: through another host name a reader would see every entry as new
    feed.id(iri_of(f"/feeds/{kind}/{ident}.atom"))
    feed.title(f"ASCN knowledge graph: changes about {name}")
    feed.subtitle(f"Facts about the {FEED_TYPES[kind]} {name} added, removed or changed, release by release.")
    feed.link(href=site_url_for("changes.entity_feed", kind=kind, ident=ident), rel="self", type="application/atom+xml")
    feed.link(href=site_url_for("pages.entity", kind=kind, ident=ident), rel="alternate")
    feed.language("en")
    feed.author(name=AUTHOR)  # RFC 4287 4.1.1: a feed whose entries name no author (or that has none) names one
    found = history(store, entity, changes=kept_changes())
    releases = list_releases(store)
    latest = max((d.new.issued for d in found), default=None) or (releases[0].issued if releases else None)
    feed.updated(datetime.fromisoformat(latest) if latest else datetime.fromisoformat("2018-04-28T00:00:00+00:00"))
    if releases:
        _first_release_entry(feed.add_entry(), releases[-1], kind, ident, name)
    for change in reversed(found):  # feedgen puts the last added entry first
        view = DiffView(change)
        entry = feed.add_entry()
        entry.id(f"{change.new.iri}#{kind}/{ident}")  # the release's IRI, as permanent as the feed's
        entry.title(f"Release {change.new.version}: {len(change)} change(s) about {name}")
        entry.updated(datetime.fromisoformat(change.new.issued))
        entry.link(href=site_url_for("changes.changes_page", to=change.new.version))
        entry.content("\n".join(view.lines()), type="text")
    response = Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response


def _first_release_entry(entry, first: Release, kind: str, ident: str, name: str) -> None:
    """The feed's oldest entry: the graph's first release, the baseline every change is counted from.

    The first release adds no change (it is what later ones are compared with), so a city unchanged since then had
    a feed of no entries, which a feed reader shows as nothing at all, or as a broken feed. This entry says what the
    feed will hold, and stays its oldest when changes come; its id is the release's IRI, as every entry's is.
    """
    entry.id(f"{first.iri}#{kind}/{ident}")
    entry.title(f"Release {first.version}: the first release of the graph")
    entry.updated(datetime.fromisoformat(first.issued))
    entry.link(href=site_url_for("pages.entity", kind=kind, ident=ident))
    entry.content(
        f"Release {first.version} is the first release of the ASCN knowledge graph, the baseline later releases are "
        f"compared with. Each later release that adds, removes or changes a fact about {name}, or about what links "
        f"to it, is an entry of this feed.",
        type="text",
    )


def kept_changes() -> list[Change]:
    """The releases' changes, read once per graph version (:func:`graph.releases.release_changes`): the changes page
    and each feed replay them, and every new query string is a request the page cache has not kept."""
    return once_per_version("release-changes", lambda: release_changes(get_store()))


class DiffView:
    """A difference ready to show: each term with its label and its page (an entity) or its short name.

    The facts about the network (``added``, ``removed``, ``changed``) are kept apart from the records of how accepted
    facts came in (``records``: the accepted fact and its statements, the review, the curator; PROV-O): one accepted
    pairing adds 6 facts and 38 such statements, which listed among them buried the pairing.
    """

    def __init__(self, result: Diff):
        self.result = result
        terms = {t for s, p, o in result.added + result.removed for t in (s, o)}
        terms |= {t for s, p, old, new in result.changed for t in (s, *old, *new)}
        self.labels = labels([t for t in terms if isinstance(t, URIRef)])
        self.records = [self.row(s, p, [], [o]) for s, p, o in result.added if is_record(s)]
        self.added = [self.row(s, p, [], [o]) for s, p, o in result.added if not is_record(s)]
        self.removed = [self.row(s, p, [o], []) for s, p, o in result.removed]
        self.changed = [self.row(s, p, old, new) for s, p, old, new in result.changed]

    def row(self, s: Node, p: Node, old: Sequence[Node], new: Sequence[Node]) -> dict:
        return {
            "subject": self.term(s),
            "predicate": prefixed(str(p)),
            "old": [self.term(o) for o in old],
            "new": [self.term(o) for o in new],
        }

    def term(self, term: Node) -> dict:
        if isinstance(term, Literal):
            return {"text": str(term), "href": None, "title": term.datatype and prefixed(str(term.datatype))}
        iri = term if isinstance(term, URIRef) else None  # a blank node has neither a label nor a page
        label = self.labels.get(iri) if iri is not None else None
        return {"text": label or prefixed(str(term)), "href": local_path(iri), "title": str(term)}

    def lines(self) -> list[str]:
        """The difference as plain text lines (for feed entries)."""
        out = []
        for heading, rows in (("added", self.added), ("removed", self.removed), ("changed", self.changed)):
            for row in rows:
                values = " → ".join(", ".join(v["text"] for v in side) for side in (row["old"], row["new"]) if side)
                out.append(f"{heading}: {row['subject']['text']} {row['predicate']} {values}")
        return out


_RECORDS = tuple(str(ID[f"{kind}/"]) for kind in RECORD_KINDS)


def is_record(subject: Node) -> bool:
    """Whether ``subject`` is a record of an acceptance (:data:`loaders.review.RECORD_KINDS`), not the network's."""
    return str(subject).startswith(_RECORDS)


def labels(iris: list[URIRef]) -> dict[URIRef, str]:
    """A name for each of ``iris`` that has one (read 500 at a time)."""
    if not iris:
        return {}
    found = {}
    for start in range(0, len(iris), 500):
        table = select(
            get_store().query, internal("labels_of").bind({"entity": [str(i) for i in iris[start : start + 500]]})
        )
        found.update({row["entity"]: str(row["label"]) for row in table})
    return found
