"""Static files under hashed names, cached for a year by browsers, sent compressed; pages compressed too.

``url_for("static", filename="css/site.css")`` gives ``/static/css/site.<digest>.css``: the digest is of the
file's bytes, so a changed file gets a new name and its old copies in browsers' caches are never used again.
That is what lets a hashed name be sent with ``Cache-Control: max-age=31536000, immutable``. A name without
a digest (a file a stylesheet links relatively, such as Leaflet's images) or with a stale one is still served,
but revalidated each time (``no-cache`` with an ETag).

Text files (CSS, JavaScript, JSON, SVG) are sent as brotli or gzip, whichever the browser accepts, compressed
once per file version in this process. Everything else the app sends (HTML pages, JSON answers) is compressed
by flask-compress; streamed answers (SPARQL results, dumps) are left as they are, so they stay streamed.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from datetime import UTC, datetime
from mimetypes import guess_type
from pathlib import Path

import brotli
from flask import Flask, Response, abort, current_app, request, send_from_directory
from flask_compress import Compress
from werkzeug.security import safe_join

from webapp.ranges import precondition_met, whole_past_a_long_suffix

YEAR = 365 * 24 * 3600
DIGEST_LENGTH = 12
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<suffix>\.[A-Za-z0-9]+)$")
COMPRESSIBLE = {".css", ".js", ".json", ".svg", ".map", ".txt"}
ENCODINGS = {"br": lambda data: brotli.compress(data, quality=9), "gzip": lambda data: gzip.compress(data, 9)}
"""Content codings in order of preference, each with how a file is compressed with it."""
_STATE = "ascn-static-files"
"""The ``app.extensions`` key of this module's caches: digests and compressed bytes by file version."""


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_STREAMS", False)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    Compress(app)
    app.extensions[_STATE] = {"digests": {}, "compressed": {}}
    app.url_defaults(_hashed_filename)
    app.view_functions["static"] = send_static


def _hashed_filename(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values:
        values["filename"] = hashed_name(values["filename"])


def hashed_name(filename: str) -> str:
    """``css/site.css`` → ``css/site.<digest>.css`` (a name of no file is left as it is, to 404 as itself)."""
    path = _file(filename)
    if path is None or "." not in path.name:
        return filename
    stem, dot, suffix = filename.rpartition(".")
    return f"{stem}.{_digest(path)}{dot}{suffix}"


def send_static(filename: str) -> Response:
    """Serve a static file: a current hashed name for a year, any other name revalidated each time."""
    hashed = _HASHED.match(filename)
    if hashed and (path := _file(hashed["stem"] + hashed["suffix"])) is not None:
        immutable = _digest(path) == hashed["digest"]
    else:
        path, immutable = _file(filename), False
    if path is None:
        abort(404)
    encoding = _encoding(path)
    if encoding is None:
        folder = static_folder()
        whole_past_a_long_suffix(path.stat().st_size)
        response = send_from_directory(folder, str(path.relative_to(folder)))
    else:
        response = Response(_compressed(path, encoding), mimetype=_mimetype(path))
        response.headers["Content-Encoding"] = encoding
        response.set_etag(f"{_digest(path)}-{encoding}")
        # dated as send_from_directory dates the file it sends as it is
        response.last_modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        response.headers["Vary"] = "Accept-Encoding"
        response.make_conditional(request)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if immutable else "no-cache"
    return precondition_met(response)


def _file(filename: str) -> Path | None:
    """The static file ``filename`` names, or None. A name longer than the system takes names none: it was a 500,
    since ``Path.is_file`` raises OSError (File name too long) for it."""
    joined = safe_join(static_folder(), filename)
    try:
        return Path(joined) if joined is not None and Path(joined).is_file() else None
    except OSError:
        return None


def static_folder() -> str:
    """The folder the current app serves its static files from."""
    folder = current_app.static_folder
    if folder is None:  # Flask(__name__) in create_app serves webapp/static
        raise RuntimeError("the app has no static folder to serve files from")
    return folder


def _version(path: Path) -> tuple:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def _digest(path: Path) -> str:
    digests = current_app.extensions[_STATE]["digests"]
    key = _version(path)
    if key not in digests:
        digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:DIGEST_LENGTH]
    return digests[key]


def _encoding(path: Path) -> str | None:
    if path.suffix.lower() not in COMPRESSIBLE:
        return None
    return next((name for name in ENCODINGS if request.accept_encodings[name]), None)


def _compressed(path: Path, encoding: str) -> bytes:
    compressed = current_app.extensions[_STATE]["compressed"]
    key = (*_version(path), encoding)
    if key not in compressed:
        compressed[key] = ENCODINGS[encoding](path.read_bytes())
    return compressed[key]


def _mimetype(path: Path) -> str:
    return guess_type(path.name)[0] or "application/octet-stream"
