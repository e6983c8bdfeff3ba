"""Queries pinned to a release: ``/sparql?release=<version>`` (and ``/query?release=<version>``, whose editor
sends its queries there) answer from that release's data, so a cited query gives the cited answer later too.

Each pinned release gets its snapshot store (:mod:`graph.snapshots`, written on first use) and a one-worker query
pool on it, with the app's time and row limits; the two most recently used pools are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask, current_app

from graph.federation import allowed_services
from graph.pool import QueryPool
from graph.releases import Release, find_release
from graph.snapshots import ensure_snapshot
from webapp.store import EXTENSION as STORE_EXTENSION
from webapp.store import get_pool, get_store

EXTENSION = "ascn-pinned"
KEEP = 2
"""Pools of pinned releases kept at once (each is one worker process)."""


def release(version: str) -> Release:
    """The release ``version`` names (its version or number); NotFound lists the versions."""
    return find_release(get_store(), version)


def pool_for(pinned: Release) -> QueryPool:
    """The query pool answering from ``pinned``'s data (its snapshot written first if missing)."""
    state = current_app.extensions.setdefault(EXTENSION, {"lock": threading.Lock(), "pools": OrderedDict()})
    with state["lock"]:
        pools: OrderedDict = state["pools"]
        if pinned.version in pools:
            pools.move_to_end(pinned.version)
            return pools[pinned.version]
        settings = current_app.extensions[STORE_EXTENSION].settings
        snapshot = ensure_snapshot(get_store(), settings, pinned)
        services = allowed_services(current_app.config["SPARQL_ALLOWED_SERVICES"])
        # a live worker's bound, which counts the kept pinned workers among those sharing half the machine
        pool = QueryPool(snapshot, size=1, services=services, memory=get_pool().memory)
        pools[pinned.version] = pool
        while len(pools) > KEEP:
            pools.popitem(last=False)[1].close()
        return pool


def close_app(app: Flask) -> None:
    """Stop the pinned releases' workers."""
    state = app.extensions.pop(EXTENSION, None)
    for pool in (state or {}).get("pools", {}).values():
        pool.close()
