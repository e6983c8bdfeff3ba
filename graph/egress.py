"""The query workers' second wall: no outbound connection except to the endpoints the operator allowed.

pyoxigraph calls a SERVICE endpoint itself, from Rust (resolving the name, connecting, following what it
follows), where no Python check can see it. So each query worker asks the kernel to stop and show it every
``connect()`` (and every ``sendto()`` with an address) before it happens, with a seccomp user-notification
filter (libseccomp, through ``pyseccomp``): a supervising thread of the worker, started before the filter and
so outside it, reads the address the call names and lets it go on only when it is one of the allowed addresses.
The decision is made on the address the kernel is about to use, after every name was resolved and every
spelling (``localhost``, ``2130706433``, ``0x7f.1``, ``[::ffff:127.0.0.1]``, ``0.0.0.0``, a redirect's target, a
name whose DNS answer is 127.0.0.1) is gone. io_uring, which could connect without a system call, is refused.

Allowed addresses come from two kinds of endpoint:

- the allowed SERVICE endpoints (``ASCN_SPARQL_ALLOWED_SERVICES``): an IP literal is allowed as written (the
  operator wrote it, loopback included); a host name is resolved once, when the worker starts, and only its
  public addresses are allowed, so a name that resolves (or later re-resolves) to loopback, link-local or
  private addresses reaches nothing;
- the remote store's own endpoints (``ASCN_QUERY_URL`` ...): every address their names resolve to.

Local (``AF_UNIX``) and kernel (``AF_NETLINK``) sockets stay open; DNS (UDP port 53 to the resolvers of
``/etc/resolv.conf``) is open only when an allowed endpoint is a host name.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import struct
import threading
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import StoreError
from graph.federation import SERVICE_REFUSED
from queries.errors import QueryError

_CONTINUE = 1  # SECCOMP_USER_NOTIF_FLAG_CONTINUE: let the system call run as asked
_DNS_PORT = 53


@dataclass(frozen=True)
class Policy:
    """The (address, port) pairs a worker may connect to, and whether it may ask DNS."""

    allowed: frozenset[tuple[str, int]] = frozenset()
    store: frozenset[tuple[str, int]] = frozenset()
    dns: bool = False
    resolvers: frozenset[str] = field(default_factory=frozenset)

    def permits(self, family: int, host: str, port: int, datagram: bool) -> bool:
        """Whether a connection to ``host``:``port`` may go ahead.

        >>> p = Policy(frozenset({("127.0.0.1", 7878)}))
        >>> p.permits(socket.AF_INET, "127.0.0.1", 7878, False), p.permits(socket.AF_INET, "127.0.0.1", 7879, False)
        (True, False)
        >>> p.permits(socket.AF_INET6, "::ffff:127.0.0.1", 7878, False)
        True
        """
        address = _plain(host)
        if (address, port) in self.allowed or (address, port) in self.store:
            return True
        return self.dns and datagram and port == _DNS_PORT and address in self.resolvers


def policy(services: Iterable[str], store_urls: Iterable[str | None] = ()) -> Policy:
    """The policy for workers that may call ``services`` and must reach the remote store at ``store_urls``."""
    allowed: set[tuple[str, int]] = set()
    store: set[tuple[str, int]] = set()
    named = False
    for url in services:
        host, port = _host_port(url)
        if host is None:
            continue
        if _literal(host) is not None:
            allowed.add((_plain(host), port))
        else:
            named = True
            allowed.update((a, port) for a in _resolve(host, port) if ipaddress.ip_address(a).is_global)
    for store_url in store_urls:
        host, port = _host_port(store_url) if store_url else (None, 0)
        if host is not None:
            named = named or _literal(host) is None
            store.update((a, port) for a in _resolve(host, port))
    return Policy(frozenset(allowed), frozenset(store), named, frozenset(_resolvers()) if named else frozenset())


class Wall:
    """The installed filter of this process and its supervising thread; :attr:`calls` counts the connections
    to anything but the store (allowed SERVICE calls and refused ones)."""

    def __init__(self, rules: Policy):
        import pyseccomp as seccomp  # Linux only: imported where the wall goes up

        self.policy = rules
        self.calls = 0
        self._seccomp = seccomp
        self._filter = seccomp.SyscallFilter(seccomp.ALLOW)
        self._filter.add_rule(seccomp.NOTIFY, "connect")
        self._filter.add_rule(seccomp.NOTIFY, "sendto", seccomp.Arg(4, seccomp.NE, 0))
        for name in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
            self._filter.add_rule(seccomp.ERRNO(errno.EPERM), name)
        self._loaded = threading.Event()
        thread = threading.Thread(target=self._supervise, name="ascn-egress-wall", daemon=True)
        thread.start()  # before the filter: the supervisor itself is outside it
        try:
            self._filter.load()
        except OSError as exc:
            raise StoreError(
                f"cannot put up the outbound-connection wall of the query workers ({exc}); "
                "it needs Linux with seccomp (libseccomp2)"
            ) from exc
        self._loaded.set()

    def _supervise(self) -> None:
        self._loaded.wait()
        while True:
            try:
                note = self._filter.receive_notify()
            except OSError:
                continue  # the caller was interrupted before the notification was read
            try:
                allow = self._decide(note)
            except Exception:  # a failure to decide refuses: the caller must never hang or slip through
                allow = False
            response = self._seccomp.NotificationResponse(
                error=0 if allow else -errno.EACCES, flags=_CONTINUE if allow else 0, id=note.id, val=0
            )
            try:
                self._filter.respond_notify(response)
            except OSError:
                pass  # the caller went away (killed at its time limit)

    def _decide(self, note) -> bool:
        args = note.syscall_args
        connect = note.syscall == self._seccomp.resolve_syscall(self._seccomp.system_arch(), "connect")
        fd, pointer, length = (args[0], args[1], args[2]) if connect else (args[0], args[4], args[5])
        try:
            with open(f"/proc/{note.pid}/mem", "rb", buffering=0) as memory:
                memory.seek(pointer)
                raw = memory.read(min(length, 128))
        except OSError:
            return False
        family, host, port = _address(raw)
        if family in (socket.AF_UNIX, socket.AF_NETLINK):
            return True
        if host is None:
            return False
        if (_plain(host), port) in self.policy.store:
            return True
        self.calls += 1
        return self.policy.permits(family, host, port, _is_datagram(fd))


_wall: Wall | None = None


def install(rules: Policy) -> Wall:
    """Put the wall up in this process (once; a second call keeps the first policy)."""
    global _wall
    if _wall is None:
        _wall = Wall(rules)
    return _wall


@contextmanager
def guarded() -> Iterator[None]:
    """Run a query: if it fails after trying to reach another endpoint, the failure is the one generic refusal
    (:data:`graph.federation.SERVICE_REFUSED`), whatever the engine said about the host, port or connection."""
    before = _wall.calls if _wall is not None else 0
    try:
        yield
    except (QueryError, StoreError, OSError) as exc:
        if _wall is not None and (_wall.calls != before or _LOOKUP_FAILED in str(exc)):
            raise QueryError(SERVICE_REFUSED) from None
        raise


_LOOKUP_FAILED = "failed to lookup address"
"""How the engine says a SERVICE host name did not resolve (no connection was tried, so the wall saw nothing)."""


def _address(raw: bytes) -> tuple[int, str | None, int]:
    r"""The family, address and port of a ``struct sockaddr``.

    >>> _address(b"\x02\x00\x1e\xc6\x7f\x00\x00\x01" + bytes(8))
    (2, '127.0.0.1', 7878)
    """
    if len(raw) < 2:
        return -1, None, 0
    family = struct.unpack("=H", raw[:2])[0]
    if family == socket.AF_INET and len(raw) >= 8:
        return family, socket.inet_ntop(socket.AF_INET, raw[4:8]), struct.unpack("!H", raw[2:4])[0]
    if family == socket.AF_INET6 and len(raw) >= 24:
        return family, socket.inet_ntop(socket.AF_INET6, raw[8:24]), struct.unpack("!H", raw[2:4])[0]
    return family, None, 0


def _plain(host: str) -> str:
    """An address in one spelling: IPv4-mapped IPv6 as IPv4, IPv6 compressed.

    >>> _plain("::ffff:7f00:1"), _plain("[::1]")
    ('127.0.0.1', '::1')
    """
    address = _literal(host)
    if address is None:
        return host
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def _literal(host: str):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _host_port(url: str) -> tuple[str | None, int]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None, 0
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None, 0
    return parts.hostname, port


def _resolve(host: str, port: int) -> set[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        return set()  # a name that does not resolve now allows nothing
    return {_plain(address) for *_, (address, *_) in infos if isinstance(address, str)}  # IP families name a str


def _resolvers() -> set[str]:
    try:
        lines = Path("/etc/resolv.conf").read_text().splitlines()
    except OSError:
        lines = []
    found = {_plain(line.split()[1]) for line in lines if line.startswith("nameserver") and len(line.split()) > 1}
    return found or {"127.0.0.1", "::1"}  # glibc asks the local host when no resolver is named


def _is_datagram(fd: int) -> bool:
    """Whether the caller's socket ``fd`` (same process, same descriptor table) is a UDP socket."""
    try:
        copy = socket.socket(fileno=os.dup(fd))
    except OSError:
        return False
    try:
        return copy.type == socket.SOCK_DGRAM
    finally:
        copy.close()
