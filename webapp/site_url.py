"""The site's own absolute address, for every absolute URL the site writes into what it serves: the sitemap,
``robots.txt``, the feeds, the reconciliation manifest, the service description, the query editor's endpoint,
the citation's pinned link and the pages' schema.org JSON-LD.

It is ``ASCN_SITE_URL`` when the operator gives it (``https://kg.example.org/``), else the address the server
itself answers at: the WSGI ``SERVER_NAME`` and ``SERVER_PORT``, which ``ascn serve`` sets to the address it
listens on (and waitress to the public host that a trusted proxy forwards, ``--trusted-proxy``), and the test
client to its base URL. Never the request's ``Host`` header: any client sets that, and a URL built from it went
into pages that the answer cache (and any shared HTTP cache) then handed to everyone else, so a forged
``Host: evil.example`` put ``http://evil.example/sitemap.xml`` in ``robots.txt``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.sansio.utils import get_host

from ontology.errors import InputError, shown

SETTING = "SITE_URL"


def site_root() -> str:
    """The site's address, ending in ``/`` (a site served under a path prefix includes it)."""
    configured = current_app.config.get(SETTING)
    if configured:
        return configured
    return f"{request.scheme}://{get_host(request.scheme, None, request.server)}{request.script_root}/"


def site_url(path: str) -> str:
    """The absolute URL of the app path ``path`` (``/sitemap.xml``)."""
    return site_root() + path.lstrip("/")


def site_url_for(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)`` made absolute from :func:`site_root` (Flask's ``_external`` reads ``Host``)."""
    return site_url(url_for(endpoint, **values).removeprefix(request.script_root))


def check_site_url(value: Any) -> str | None:
    """``ASCN_SITE_URL`` as :func:`site_root` uses it (ending in ``/``), or None when unset; an InputError naming the
    setting for anything but an absolute http(s) URL with no query or fragment.

    >>> check_site_url("https://kg.example.org"), check_site_url("http://127.0.0.1:5000/ascn/"), check_site_url("")
    ('https://kg.example.org/', 'http://127.0.0.1:5000/ascn/', None)
    >>> check_site_url("kg.example.org")
    Traceback (most recent call last):
    ...
    ontology.errors.InputError: ASCN_SITE_URL must be the site's absolute http(s) address, such as https://kg.example.org/ (got 'kg.example.org')
    """
    if value is None or value == "":
        return None
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise InputError(
            f"ASCN_{SETTING} must be the site's absolute http(s) address, such as https://kg.example.org/ "
            f"(got {shown(str(value))})"
        )
    return value.rstrip("/") + "/"
