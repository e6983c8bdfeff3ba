"""The ``ascn serve`` that holds a data directory's store, and the commands it runs for the ``ascn`` beside it.

RocksDB lets one process write the embedded store, and a second process must never open files another one
writes. So while ``ascn serve`` runs, an ``ascn`` command on the same data directory does not open the store:
it hands its arguments to the server, which runs the very same command on its own store handle and sends back
what the command printed and its exit code. Reads (query, stats, export, recommend, ...) answer as they would
alone; writes (load, unload, build) go through the server's handle, so the server sees them at once: the store's
version changes, the answer cache and the query workers are renewed.

The server registers itself in ``server.json`` in the data directory (its URL, its PID and a random token,
readable by the owner only) and removes the file when it stops. The route answers only requests from this
machine that carry the token.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, jsonify, request

from graph.errors import StoreError

bp = Blueprint("served", __name__)

FILE = "server.json"
ROUTE = "/_served/cli"
_RUN_LOCK = "served_cli_lock"


@dataclass(frozen=True)
class Registration:
    """The server that holds a data directory's store: where it listens, its PID, and the token it accepts."""

    url: str
    pid: int
    token: str


def register(data_dir: Path, url: str) -> Registration:
    """Write ``server.json`` for the server listening at ``url`` (this process), readable by the owner only."""
    registration = Registration(url, os.getpid(), secrets.token_urlsafe(32))
    part = data_dir / f"{FILE}.part"
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump({"url": registration.url, "pid": registration.pid, "token": registration.token}, out)
    part.replace(data_dir / FILE)
    return registration


def unregister(data_dir: Path, registration: Registration) -> None:
    """Remove ``server.json`` if it is still this server's."""
    if find(data_dir, check_alive=False) == registration:
        (data_dir / FILE).unlink(missing_ok=True)


def find(data_dir: Path, check_alive: bool = True) -> Registration | None:
    """The registered server of ``data_dir``, or None (no file, an unreadable one, or its process is gone)."""
    try:
        found = json.loads((data_dir / FILE).read_text(encoding="utf-8"))
        registration = Registration(str(found["url"]), int(found["pid"]), str(found["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if check_alive and not _alive(registration.pid):
        return None
    return registration


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive, though not ours to reach
        return True
    return True


def forward(registration: Registration, args: list[str]) -> tuple[str, str, int]:
    """Run ``ascn ARGS`` in the registered server; its standard output, standard error and exit code. The file names
    in ``args`` must be absolute (:func:`webapp.cli._with_absolute_paths`): the server does not share this process's
    folder."""
    body = json.dumps({"args": args}).encode("utf-8")
    call = urllib.request.Request(
        registration.url + ROUTE,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {registration.token}"},
    )
    try:
        with urllib.request.urlopen(call) as response:  # noqa: S310 - the registered loopback server
            answer = json.load(response)
    except urllib.error.HTTPError as exc:
        raise StoreError(
            f"the `ascn serve` at {registration.url} holds the store but refused to run the command "
            f"(HTTP {exc.code}); stop it to run the command alone"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        raise StoreError(
            f"the `ascn serve` at {registration.url} holds the store but did not answer ({exc}); "
            "stop it to run the command alone"
        ) from None
    return answer["stdout"], answer["stderr"], int(answer["exit_code"])


def _from_this_machine(address: str | None, registration: Registration) -> bool:
    """Loopback, or the address the server itself listens on (a command on the same machine)."""
    try:
        return ip_address(address or "").is_loopback or address == urlsplit(registration.url).hostname
    except ValueError:
        return False


@bp.route(ROUTE, methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def run_command():
    """Run an ``ascn`` command for the CLI beside this server, on this server's store (see the module's text).

    Every other request is a 404, whatever its method: a GET was a 405 naming POST (and OPTIONS listed it), telling
    a browser or a crawler what a POST without the token is not told."""
    from webapp.cli import run_in_server
    from webapp.store import EXTENSION

    registration: Registration | None = current_app.config.get("SERVED_REGISTRATION")
    if request.method != "POST" or registration is None or not _from_this_machine(request.remote_addr, registration):
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if not hmac.compare_digest(given.encode(), registration.token.encode()):
        abort(404)
    args = (request.get_json(silent=True) or {}).get("args")
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        abort(400)
    state = current_app.extensions[EXTENSION]
    lock = current_app.extensions.setdefault(_RUN_LOCK, threading.Lock())
    with lock:  # one command at a time, as on a machine without a server
        stdout, stderr, code = run_in_server(args, state.settings, state.store)
    return jsonify({"stdout": stdout, "stderr": stderr, "exit_code": code})
