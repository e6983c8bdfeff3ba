"""Releases: a build that changes the data makes a new version, and the differences between versions are exact."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import feedparser
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, XSD

from graph import releases
from graph.backends import open_store
from graph.describe import DATASET, DCAT3
from loaders import dataset
from ontology.namespace import ASCN, ID
from queries.library import internal
from tests.conftest import store_copy

HANOI = ID["city/hanoi"]
PROJECT = ID["project/bsb-clean-river"]


def test_the_first_build_is_the_baseline_release(store):
    [release] = releases.list_releases(store)
    assert release.number == 1 and release.kind == "build"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\.1", release.version)
    assert releases.current_release(store) == release
    void = store.query(internal("build_description").sparql)
    assert str(void.value(DATASET, DCAT3.version)) == release.version
    assert str(void.value(DATASET, OWL.versionInfo)) == release.version
    assert void.value(DATASET, URIRef("http://purl.org/dc/terms/modified")).datatype == XSD.dateTime
    dumps = sorted(str(u) for u in void.objects(DATASET, URIRef("http://rdfs.org/ns/void#dataDump")))
    assert f"https://w3id.org/ascn/download/ascn-kg-{release.version}.ttl" in dumps
    assert all(f"/ascn-kg-{release.version}." in d for d in dumps)
    assert not releases.diff(store)


def _changed_records(monkeypatch, changed: dataset.RecordSet | None = None):
    """The bundled records with Ha Noi joining in 2019 instead of 2018 and one project gone (or ``changed``, made
    so before) become the bundled data."""
    if changed is None:
        changed = _changed_record_set()
    monkeypatch.setattr(dataset, "bundled_records", lambda: changed)
    monkeypatch.setattr(dataset, "fingerprint", lambda: "sha256:changed-records")


def _changed_record_set() -> dataset.RecordSet:
    records = dataset.bundled_records()
    records.get("city", "hanoi").data["joined"] = 2019
    kept = [r for r in records if not (r.type == "project" and r.id == "bsb-clean-river")]
    changed = dataset.RecordSet()
    for record in kept:
        changed.add(record)
    return changed


def test_an_unchanged_rebuild_keeps_the_release(fresh_store):
    dataset.build(fresh_store)
    assert [r.number for r in releases.list_releases(fresh_store)] == [1]


def test_a_build_that_changes_the_data_is_a_new_release_with_its_differences(fresh_store, monkeypatch):
    _changed_records(monkeypatch)
    dataset.build(fresh_store)
    new, old = releases.list_releases(fresh_store)
    assert (new.number, new.kind, old.number) == (2, "build", 1)
    assert new.version.endswith(".2")
    assert dataset.build_info(fresh_store)["version"] == new.version

    d = releases.diff(fresh_store)
    assert (d.old, d.new) == (old, new)
    assert d.changed == [
        (HANOI, ASCN.joinedYear, [Literal("2018", datatype=XSD.gYear)], [Literal("2019", datatype=XSD.gYear)])
    ]
    assert not d.added
    removed_subjects = {s for s, _, _ in d.removed}
    assert removed_subjects == {PROJECT}
    assert (PROJECT, ASCN.inCity, ID["city/bandar-seri-begawan"]) in d.removed

    back = releases.diff(fresh_store, new.version, "1")
    assert back.changed == [
        (HANOI, ASCN.joinedYear, [Literal("2019", datatype=XSD.gYear)], [Literal("2018", datatype=XSD.gYear)])
    ]
    assert sorted(back.added) == sorted(d.removed) and not back.removed

    [about_hanoi] = releases.history(fresh_store, str(HANOI))
    assert about_hanoi.new == new and len(about_hanoi.changed) == 1 and not about_hanoi.removed
    [about_bsb] = releases.history(fresh_store, str(ID["city/bandar-seri-begawan"]))
    assert {s for s, _, _ in about_bsb.removed} == {PROJECT}
    assert releases.history(fresh_store, str(ID["city/singapore"])) == []


def test_an_unknown_release_names_the_ones_there_are(store):
    with pytest.raises(releases.NotFound, match="no release '9.9'") as caught:
        releases.diff(store, "9.9")
    assert caught.value.suggestions == [releases.current_release(store).version]


@pytest.fixture(scope="module")
def changed_build(tmp_path_factory, bundled_graphs):
    """A data directory holding the bundled build and then a build of the changed records (release 2), built once
    for the module, and those records."""
    changed = _changed_record_set()
    settings = store_copy(tmp_path_factory.mktemp("changed-build") / "data", bundled_graphs)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _changed_records(monkeypatch, changed)
        store = open_store(settings)
        try:
            dataset.build(store)
        finally:
            store.close()
    return settings.data_dir, changed


@pytest.fixture
def changed_app(tmp_path, changed_build, monkeypatch):
    """An app of its own over a copy of the changed build, the changed records being the bundled data."""
    from webapp import create_app

    built, changed = changed_build
    _changed_records(monkeypatch, changed)
    shutil.copytree(built, tmp_path / "data", symlinks=True)
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "AUTO_BUILD": False})
    yield app
    from webapp.store import close_app

    close_app(app)


ATOM = "{http://www.w3.org/2005/Atom}"


def _authors_as_rfc_4287_asks(body: bytes) -> list[str]:
    """The feed's author names; RFC 4287 4.1.1 wants one unless every entry names its own (so a feed without
    entries always does), and a feed without one is refused by the W3C feed validator."""
    feed = ET.fromstring(body)
    entries = feed.findall(f"{ATOM}entry")
    names = [a.findtext(f"{ATOM}name") for a in feed.findall(f"{ATOM}author")]
    assert names or (entries and all(e.find(f"{ATOM}author") is not None for e in entries))
    return names


def test_feeds_name_their_author_with_entries_and_without(client, changed_app):
    assert _authors_as_rfc_4287_asks(client.get("/feeds/city/da-nang.atom").data) == ["ascn-kg contributors"]
    changed = changed_app.test_client().get("/feeds/city/hanoi.atom").data
    assert _authors_as_rfc_4287_asks(changed) == ["ascn-kg contributors"]


def test_changes_page_footer_downloads_and_feed_follow_the_release(changed_app):
    client = changed_app.test_client()
    version = releases.current_release(changed_app.extensions["ascn"].store).version
    html = client.get("/changes").get_data(as_text=True)
    assert f"to {version}" in html
    assert "0 added, 1 removed, 1 changed." not in html  # the removed project has many triples
    assert re.search(r"\d+ added, (\d+) removed, 1 changed\.", html)
    assert 'href="/id/city/hanoi"' in html and "ascn:joinedYear" in html
    assert f"Release <code>{version}</code>" in client.get("/data").get_data(as_text=True)
    assert f"ascn-kg-{version}.ttl" in client.get("/data").get_data(as_text=True)
    download = client.get("/download/ascn-kg.nt", buffered=True)
    assert f'filename="ascn-kg-{version}.nt"' in download.headers["Content-Disposition"]
    assert client.get(f"/download/ascn-kg-{version}.nt", buffered=True).status_code == 200
    old = client.get("/download/ascn-kg-2000-01-01.1.nt", buffered=True)
    assert old.status_code == 404 and version in old.get_data(as_text=True)

    feed = feedparser.parse(client.get("/feeds/city/hanoi.atom").get_data())
    assert feed.feed.title == "ASCN knowledge graph: changes about Ha Noi"
    entry, first = feed.entries  # the newest first; the first release stays the oldest entry
    assert entry.title == f"Release {version}: 1 change(s) about Ha Noi"
    assert first.title.endswith(".1: the first release of the graph")
    assert "changed: Ha Noi ascn:joinedYear 2018 → 2019" in entry.content[0].value
    assert feedparser.parse(client.get("/feeds/focus-area/quality_environment.atom").get_data()).entries
    assert client.get("/feeds/city/atlantis.atom").status_code == 404
    assert client.get("/feeds/project/x.atom").status_code == 404


def test_feed_ids_are_permanent_whatever_host_the_feed_is_read_through(changed_app):
    """The feed's id was the address it was read at (http://localhost/feeds/...), so a reader following it through
    another host name saw a new feed; RFC 4287 ids are permanent: the configured IRI base, as entity IRIs use. The
    links lead to the server's own address (never to the request's Host: webapp.site_url)."""
    client = changed_app.test_client()
    version = releases.current_release(changed_app.extensions["ascn"].store).version
    number = version.rsplit(".", 1)[-1]
    for host in ("localhost", "ascn.example.org:8080"):
        feed = ET.fromstring(client.get("/feeds/city/hanoi.atom", base_url=f"http://{host}").data)
        assert feed.findtext(f"{ATOM}id") == "https://w3id.org/ascn/feeds/city/hanoi.atom"
        assert [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")] == [
            f"https://w3id.org/ascn/id/release/{number}#city/hanoi",
            "https://w3id.org/ascn/id/release/1#city/hanoi",
        ]
        assert [(link.get("rel"), link.get("href")) for link in feed.findall(f"{ATOM}link")] == [
            ("self", f"http://{host}/feeds/city/hanoi.atom"),
            ("alternate", f"http://{host}/id/city/hanoi"),
        ]
        [entry_link] = feed.find(f"{ATOM}entry").findall(f"{ATOM}link")
        assert entry_link.get("href") == f"http://{host}/changes?to={version}"
        [first_link] = feed.findall(f"{ATOM}entry")[-1].findall(f"{ATOM}link")
        assert first_link.get("href") == f"http://{host}/id/city/hanoi"


def test_a_city_unchanged_since_the_first_release_has_a_feed_a_reader_shows(client, store):
    """With no change since the first release a feed had no entry at all, which a feed reader shows as empty (or
    as broken); its one entry is now the first release, saying what the feed will hold."""
    first = releases.current_release(store)
    feed = feedparser.parse(client.get("/feeds/city/da-nang.atom").get_data())
    assert not feed.bozo
    [entry] = feed.entries
    assert entry.id == "https://w3id.org/ascn/id/release/1#city/da-nang"
    assert entry.title == f"Release {first.version}: the first release of the graph"
    assert entry.link == "http://localhost/id/city/da-nang"
    assert entry.updated == feed.feed.updated
    assert entry.summary == (
        f"Release {first.version} is the first release of the ASCN knowledge graph, the baseline later releases are "
        "compared with. Each later release that adds, removes or changes a fact about Da Nang, or about what links "
        "to it, is an entry of this feed."
    )


def test_cli_diff_and_releases(fresh_settings, fresh_store, monkeypatch):
    import json

    from click.testing import CliRunner

    from webapp.cli import main

    _changed_records(monkeypatch)
    dataset.build(fresh_store)
    fresh_store.close()
    runner = CliRunner()
    args = ["--data-dir", str(fresh_settings.data_dir)]
    listed = runner.invoke(main, [*args, "releases"])
    assert listed.exit_code == 0 and [line.split()[0][-2:] for line in listed.output.splitlines()] == [".2", ".1"]
    text = runner.invoke(main, [*args, "diff"])
    assert text.exit_code == 0, text.output
    assert (
        "~ <https://w3id.org/ascn/id/city/hanoi> <https://w3id.org/ascn/ontology#joinedYear> "
        '"2018"^^<http://www.w3.org/2001/XMLSchema#gYear> -> "2019"^^<http://www.w3.org/2001/XMLSchema#gYear>'
        in text.output
    )
    answer = json.loads(runner.invoke(main, [*args, "diff", "2", "1", "--format", "json"]).output)
    assert answer["old"].endswith(".2") and answer["new"].endswith(".1") and not answer["removed"]
    assert answer["changed"][0]["new"] == ['"2018"^^<http://www.w3.org/2001/XMLSchema#gYear>']
    missing = runner.invoke(main, [*args, "diff", "7"])
    assert missing.exit_code == 2 and "no release '7'" in missing.output


def test_the_changes_page_and_feeds_read_the_releases_changes_once_per_graph_version(changed_app, monkeypatch):
    """Each uncached /changes and feed read every release's changes from the store: 0.6 s of the web process per
    request at a release of 10,000 changes, for any new query string. They are read once per graph version, and
    the answers are the same."""
    client = changed_app.test_client()
    first = [client.get(path).data for path in ("/changes", "/feeds/city/hanoi.atom")]
    reads = []
    plain = releases.release_changes
    monkeypatch.setattr(releases, "release_changes", lambda store: (reads.append(1), plain(store))[1])
    from webapp import changes
    from webapp.page_data import PER_VERSION

    monkeypatch.setattr(changes, "release_changes", releases.release_changes)
    changed_app.extensions[PER_VERSION].pop("release-changes")  # read anew, as after a write
    again = [client.get(path).data for path in ("/changes?again=1", "/feeds/city/hanoi.atom?again=1")]
    for path in ("/changes?from=1", "/feeds/city/phuket.atom?x=1", "/feeds/partner/jica.atom?x=2"):
        assert client.get(path).status_code == 200
    assert len(reads) == 1
    assert again == first and b"ascn:joinedYear" in again[0]


def test_the_releases_table_gives_each_time_readably_in_utc_keeping_the_exact_value(changed_app):
    """The table showed raw ISO timestamps (2026-12-07T12:14:24+00:00); a person reads the day and time in UTC."""
    html = changed_app.test_client().get("/changes").get_data(as_text=True)
    table = html[html.index('id="release-list"') :]
    for release in releases.list_releases(changed_app.extensions["ascn"].store):
        issued = datetime.fromisoformat(release.issued).astimezone(UTC)
        shown = f"{issued.day} {issued.strftime('%B')} {issued.year}, {issued.hour:02}:{issued.minute:02} UTC"
        assert f'<time datetime="{release.issued}">{shown}</time>' in table
        assert f">{release.issued}<" not in table
