"""Byte ranges and preconditions for every file the app sends whole (the graph's downloads, static files), read as
RFC 9110 reads them.

Werkzeug answers one byte range. For a range in another unit (``items=0-5``), several ranges or a malformed one it
sent 416, where RFC 9110 (14.2) says to ignore a unit it does not know and lets a server ignore the rest: the file
whole. A suffix of no bytes (``bytes=-0``), which werkzeug reads as malformed too, is well formed and unsatisfiable
(14.1.1), so its 416 stands. A suffix longer than the file (``bytes=-N``) asks for all of it (14.1.1); werkzeug sent
416, so a route that knows the file's size drops it first (:func:`whole_past_a_long_suffix`).

A failed ``If-Match`` is a 412 with the error's own body: werkzeug set the status and sent the whole file with it.
``If-Unmodified-Since``, which werkzeug does not read, is a 412 too when the file was modified after the date
(13.1.4): evaluated where RFC 9110 puts it (13.2.2), after ``If-Match`` (which, when present, decides alone) and
before ``If-None-Match``, ``If-Modified-Since`` and ``Range``; ignored when it is no HTTP date or the file has no
``Last-Modified`` (a remote store's dump, written for the request).
"""

from __future__ import annotations

import re

from flask import Flask, Response, request
from werkzeug.exceptions import PreconditionFailed

_NO_BYTES = re.compile(r"bytes=[ \t]*-0+[ \t]*", re.IGNORECASE)


def _ignore_unsupported_range() -> None:
    """Drop a Range werkzeug would refuse though it is to be ignored, before any route sends a file."""
    given = request.headers.get("Range")
    asked = request.range
    ignored = asked is None or asked.units != "bytes" or len(asked.ranges) != 1
    if given is not None and ignored and not _NO_BYTES.fullmatch(given):
        del request.environ["HTTP_RANGE"]


def whole_past_a_long_suffix(size: int) -> None:
    """Drop a suffix Range longer than the file of ``size`` bytes, which asks for all of it."""
    asked = request.range
    if asked is not None and "HTTP_RANGE" in request.environ and -asked.ranges[0][0] > size:
        del request.environ["HTTP_RANGE"]


def precondition_met(response: Response) -> Response:
    """``response``, unless a precondition failed: werkzeug made it a 412 (a failed ``If-Match``) with the file still
    in it, or the file was modified after ``If-Unmodified-Since``; then the error."""
    if response.status_code == 412:
        response.close()
        raise PreconditionFailed("the file does not match If-Match: it has changed, or never had that ETag")
    since, modified = request.if_unmodified_since, response.last_modified
    if "If-Match" not in request.headers and since is not None and modified is not None and modified > since:
        response.close()
        raise PreconditionFailed(
            f"the file was modified at {response.headers['Last-Modified']}, after If-Unmodified-Since"
        )
    return response


def init_app(app: Flask) -> None:
    app.before_request(_ignore_unsupported_range)
