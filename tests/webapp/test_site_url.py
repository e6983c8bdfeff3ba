"""Absolute URLs come from ``ASCN_SITE_URL`` or the server's own address, never from the request's ``Host``."""

from __future__ import annotations

import urllib.request

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from ontology.errors import InputError

ABSOLUTE = [
    "/robots.txt",
    "/sitemap.xml",
    "/feeds/city/hanoi.atom",
    "/api/reconcile",
    "/sparql",
    "/.well-known/sparql-examples",
    "/query",
    "/data/cite.bib",
    "/id/city/da-nang",
]
"""Every route that writes an absolute URL of the site into what it serves."""


@pytest.mark.parametrize("path", ABSOLUTE)
def test_a_forged_host_reaches_no_url_and_no_one_else(client, path):
    """A forged Host was written into the page, which the answer cache then gave the next visitor."""
    forged = client.get(path, headers={"Host": "evil.example"})
    honest = client.get(
        path,
    )
    assert forged.status_code == honest.status_code == 200
    assert "evil.example" not in forged.get_data(as_text=True)
    if honest.mimetype == "text/turtle":  # the service description lists its named graphs in no fixed order
        assert isomorphic(
            Graph().parse(data=forged.data, format="turtle"), Graph().parse(data=honest.data, format="turtle")
        )
    else:
        assert forged.data == honest.data
    assert "http://localhost/" in honest.get_data(as_text=True)


@pytest.mark.parametrize("path", ABSOLUTE)
def test_the_configured_site_url_names_every_absolute_url(app, client, monkeypatch, path):
    monkeypatch.setitem(app.config, "SITE_URL", "https://kg.example.org/ascn/")
    body = client.get(path, headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "https://kg.example.org/ascn/" in body
    assert "evil.example" not in body and "http://localhost/" not in body


def test_robots_txt_names_the_configured_sitemap(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://kg.example.org/")
    assert "Sitemap: https://kg.example.org/sitemap.xml\n" in client.get("/robots.txt").get_data(as_text=True)


@pytest.mark.parametrize(
    "value", ["kg.example.org", "ftp://kg.example.org/", "https://kg.example.org/?a=1", "https://"]
)
def test_a_site_url_that_is_no_http_address_stops_the_app_naming_the_setting(value):
    from webapp import create_app

    with pytest.raises(InputError, match=r"ASCN_SITE_URL must be the site's absolute http\(s\) address"):
        create_app({"SITE_URL": value})


def test_ascn_serve_answers_a_forged_host_with_its_own_address(ascn_server):
    """``make run`` needs no setting: the address ``ascn serve`` listens on is the site's, whatever Host says."""
    root = ascn_server.url.removesuffix("sparql")
    request = urllib.request.Request(root + "robots.txt", headers={"Host": "evil.example"})
    with urllib.request.urlopen(request) as answer:
        assert f"Sitemap: {root}sitemap.xml\n" in answer.read().decode()
