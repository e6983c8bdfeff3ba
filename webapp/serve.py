"""Serve the app with waitress, a production WSGI server (pure Python, threads), never Flask's dev server.

The query workers start before the first request so that a store that cannot be opened fails the command
at once, and they stop with the server — on Ctrl-C and on SIGTERM alike, so no worker outlives it.
"""

from __future__ import annotations

import logging
import re
import signal
import socket
import sys
from collections.abc import Callable

from flask import Flask

from ontology.errors import AscnError
from webapp import connections, served, warmup
from webapp.store import EXTENSION, close_app


def serve(app: Flask, host: str, port: int, threads: int | None, announce: Callable[[str], None]) -> None:
    """Run ``app`` on ``host:port`` with ``threads`` HTTP threads (None: :func:`default_threads`) until interrupted;
    ``announce`` gets the base URL once it listens."""
    from waitress.server import create_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        per_client = connections.limit_from(app.config)
        preparing = warmup.start(app)  # the pages' slow parts, while the workers start
        app.extensions[EXTENSION].pool.start()
        preparing.join()  # no visitor gets a page whose parts are still being made
        # send_bytes=1: the request thread sends its answer itself at once; waitress's default (18,000 bytes) leaves a
        # smaller answer for the main loop, one more thread hand-off (a wake-up of another CPU) on every small query
        try:
            server = create_server(
                app,
                host=host,
                port=port,
                threads=threads or default_threads(app),
                ident="ascn",
                send_bytes=1,
                server_name=_server_name(host),
                **_proxy(app),
                **connection_limits(),
                **_body_limit(app),
            )
        except (OSError, ValueError) as exc:  # a port in use, a host naming no address here: it was a traceback
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise AscnError(f"cannot listen on {_url(host, port)}: {reason}") from None
        server.channel_class = _channel_class()
        proxy = app.config.get("TRUSTED_PROXY")
        if per_client and proxy != "*":  # "*" trusts any address as a proxy carrying many clients' connections
            server.channel_class = connections.PerClient(server.channel_class, per_client, [proxy] if proxy else [])
    except BaseException:
        close_app(app)
        raise
    previous = signal.signal(signal.SIGTERM, _stop)
    registration = _register(app, host, server.effective_port)
    try:
        announce(_url(host, server.effective_port))
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        if registration is not None:
            served.unregister(app.extensions[EXTENSION].settings.data_dir, registration)
        server.close()
        close_app(app)


def default_threads(app: Flask) -> int:
    """HTTP threads unless the operator says: one for each query worker (a request thread waits for its worker's
    answer), one for each connection a single client may hold (the cap of :mod:`webapp.connections`, or its default
    when there is none: each may be a query waiting for a worker), and four more.

    With fewer, a flood of long queries from one client held every thread, some running and the rest waiting for a
    worker, and the next client's short query waited in waitress's queue behind them all (8 s after 20 runaways,
    with 8 threads). With a thread of its own it waits in the query pool beside them, where the reserved lane's next
    turn goes to the newest query (:class:`graph.pool.QueryPool`). A waiting thread costs memory, not CPU.
    """
    from webapp import DEFAULTS

    pool = app.extensions[EXTENSION].pool
    per_client = connections.limit_from(app.config) or DEFAULTS[connections.SETTING]
    return pool.size + pool.lane + per_client + 4


CONNECTIONS = 1000
"""Open connections waitress keeps at once (its default, 100, let 100 clients that never finish their headers
lock everyone else out until they timed out)."""
IDLE_TIMEOUT = 10
"""Seconds a connection may stay silent (headers never finished, or idle between requests) before it is closed."""


def connection_limits() -> dict:
    """waitress's connection settings: many connections (a slow or half-open one costs a socket, not a thread:
    waitress reads headers in its main loop and hands a thread only a complete request), idle ones closed after
    :data:`IDLE_TIMEOUT` seconds, checked every second, and poll() instead of select(), which fails past 1024
    sockets. The limit stays below the process's file limit, with room for the store and the workers' pipes."""
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = CONNECTIONS if soft == resource.RLIM_INFINITY else max(50, min(CONNECTIONS, soft - 200))
    return {
        "connection_limit": limit,
        "channel_timeout": IDLE_TIMEOUT,
        "cleanup_interval": 1,
        "asyncore_use_poll": True,
    }


def _body_limit(app: Flask) -> dict:
    """waitress's body limit: twice the app's own (``MAX_CONTENT_LENGTH``). With waitress's default (1 GiB) a client's
    body went whole into a temporary file before the app refused it: 200 MB in 0.5 s on one connection, and a client
    may hold 50. Past this limit waitress answers 413 as soon as the ``Content-Length`` or the chunks pass it, and
    closes the connection while the client may still be sending (a client such as Python's http.client then sees a
    broken pipe, not the answer); a body a little over the app's limit is still read and refused by the app, with
    a 413 the client can read."""
    limit = app.config.get("MAX_CONTENT_LENGTH")
    return {"max_request_body_size": 2 * int(limit)} if limit else {}


def _url(host: str, port: int) -> str:
    """The base URL of ``host:port``, an IPv6 address in brackets (``--host ::1`` was announced as http://::1:5000).

    >>> _url("127.0.0.1", 5000), _url("::1", 5000)
    ('http://127.0.0.1:5000', 'http://[::1]:5000')
    """
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _server_name(host: str) -> str:
    """The WSGI ``SERVER_NAME`` of a server listening on ``host``: the absolute URLs the app writes without
    ``ASCN_SITE_URL`` are made from it (:mod:`webapp.site_url`), so it is the address listened on, or this machine's
    name for every address (waitress's own default, ``waitress.invalid``, is no address at all).

    >>> _server_name("127.0.0.1"), _server_name("::1"), _server_name("0.0.0.0") == socket.gethostname()
    ('127.0.0.1', '::1', True)
    """
    return socket.gethostname() if host in ("", "0.0.0.0", "::") else host


def _register(app: Flask, host: str, port: int) -> served.Registration | None:
    """Register this server as the holder of its embedded store, so ``ascn`` commands beside it run here."""
    settings = app.extensions[EXTENSION].settings
    if settings.store != "oxigraph":
        return None
    local = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]"}.get(host, f"[{host}]" if ":" in host else host)
    registration = served.register(settings.data_dir, f"http://{local}:{port}")
    app.config["SERVED_REGISTRATION"] = registration
    return registration


def _proxy(app: Flask) -> dict:
    """waitress's trusted-proxy options when ``TRUSTED_PROXY`` names the reverse proxy's address.

    waitress drops ``X-Forwarded-*`` headers from anyone else, so clients cannot forge the public URL.
    """
    proxy = app.config.get("TRUSTED_PROXY")
    if not proxy:
        return {}
    return {
        "trusted_proxy": str(proxy),
        "trusted_proxy_headers": "x-forwarded-for x-forwarded-host x-forwarded-proto x-forwarded-port",
    }


def _channel_class():
    """waitress's connection class without its busy wait while a request thread writes the answer.

    A request thread sends its own answer as it writes it. But from the moment the answer enters the connection's
    buffer until that thread has sent it, waitress's main loop finds the connection writable, cannot take the
    buffer's lock, and polls again at once: under concurrent load it spun about 60 times per request, holding the
    GIL the request threads need (a third of the server's CPU on small queries). While a request runs, this class
    lets the main loop step in only to close the connection or to drain a buffer past waitress's high-water mark
    (which a request thread waits for); anything a request thread leaves unsent is sent by the main loop once the
    request is done, as waitress wakes it then.
    """
    from waitress.channel import HTTPChannel

    class Channel(HTTPChannel):
        parser_class = _parser_class()

        def writable(self):
            if self.requests:
                return bool(
                    self.will_close
                    or self.close_when_flushed
                    or self.total_outbufs_len > self.adj.outbuf_high_watermark
                )
            return super().writable()

    return Channel


_RAW_BYTE = re.compile(rb"[\x80-\xff]")


def _parser_class():
    """waitress's request parser, reading a request line's raw non-ASCII bytes as their percent-encoding.

    A careless client (a script, ``curl 'http://…/id/city/đà-nẵng'``) sends ``đà`` as raw UTF-8 bytes where a browser
    sends ``%C4%91%C3%A0``; waitress refused the first with a bare "400 Bad URI" (``urllib.parse`` reads bytes as
    ASCII). Encoded, such a request means what the browser's means: the app decodes its path and query as UTF-8,
    a byte sequence that is no UTF-8 as U+FFFD, as it does for percent-encoded bytes (nginx and Apache pass raw bytes
    on likewise).
    """
    from waitress.parser import HTTPRequestParser
    from waitress.utilities import BadRequest, RequestHeaderFieldsTooLarge

    class UriTooLong(BadRequest):
        code, reason = 414, "URI Too Long"

    class Parser(HTTPRequestParser):
        def received(self, data: bytes) -> int:
            """Waitress's bare 431 "exceeds max_header of 262144" for a request line over its cap is a 414 saying to
            POST: a query of legal length (``SPARQL_MAX_QUERY_LENGTH`` characters) can be several times that long
            percent-encoded in a GET's URL (up to 12 bytes a character), and a POST body carries it as it is."""
            consumed = super().received(data)
            if isinstance(getattr(self, "error", None), RequestHeaderFieldsTooLarge):  # waitress sets it untyped
                cap, line_end = self.adj.max_request_header_size, (self.header_plus + data).find(b"\r\n")
                if not 0 <= line_end < cap // 2:  # the request line, not the other headers, fills the cap
                    self.error = UriTooLong(
                        f"The request line is over the server's limit of {cap:,} bytes for a request's line and "
                        "headers. A GET carries its parameters percent-encoded in the address (3 bytes for each "
                        "byte of UTF-8): send it with POST, which takes them as they are (/sparql a query as "
                        "application/sparql-query or a form, /api/reconcile a batch as a form)."
                    )
            return consumed

        def parse_header(self, header_plus: bytes):
            start, end = header_plus.find(b" "), header_plus.find(b"\r\n")
            if not 0 <= start < end:  # no request target: waitress's own error
                return super().parse_header(header_plus)
            target = _RAW_BYTE.sub(lambda byte: b"%%%02X" % byte[0][0], header_plus[start:end])
            return super().parse_header(header_plus[:start] + target + header_plus[end:])

    return Parser


def _stop(signum, frame) -> None:
    sys.exit(0)
