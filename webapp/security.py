"""Security headers on every response: a strict Content-Security-Policy and the usual companions.

The policy allows only the app itself (``default-src 'self'``), no inline scripts and no inline styles, so
an injected ``<script>`` or ``style=`` does nothing even if escaping ever failed. Data for scripts travels
in ``<script type="application/json">`` blocks, which the policy does not run. Map tiles are the one
outside origin a page may load, and only when the operator sets ``TILE_URL`` (``ASCN_TILE_URL``).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, Response, current_app

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
}


@lru_cache(maxsize=16)
def content_security_policy(tile_url: str | None = None) -> str:
    """The CSP header value; a tile server's origin is added to ``img-src`` when one is configured.

    >>> content_security_policy()
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    >>> "https://tiles.example.org" in content_security_policy("https://tiles.example.org/{z}/{x}/{y}.png")
    True
    """
    images = "'self' data:"
    origin = tile_origin(tile_url)
    if origin:
        images += f" {origin}"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {images}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def tile_origin(tile_url: str | None) -> str | None:
    """The origin (scheme://host[:port]) of a tile URL template, or None for none or a malformed one.

    Leaflet's ``{s}`` subdomain placeholder becomes a wildcard, which CSP allows in the host's first label.

    >>> tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    'https://*.tile.example.org'
    >>> tile_origin("not a url") is None
    True
    """
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "x-sub"))
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in parts.netloc for c in " ;,'\""):
        return None
    return f"{parts.scheme}://{parts.netloc.replace('x-sub', '*')}"


def _add_headers(response: Response) -> Response:
    """Each header the view did not set itself (one pass over the response's headers: this runs on every request)."""
    present = {name.lower() for name in response.headers.keys()}
    policy = content_security_policy(current_app.config.get("TILE_URL"))
    response.headers.extend(
        [
            (name, value)
            for name, value in (("Content-Security-Policy", policy), *HEADERS.items())
            if name.lower() not in present
        ]
    )
    return response


def init_app(app: Flask) -> None:
    """Register the headers on every response of ``app``."""
    app.after_request(_add_headers)
