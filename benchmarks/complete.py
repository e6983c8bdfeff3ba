"""Completion latency (``/api/complete``) over HTTP from a real ``ascn serve``, on the bundled graph and at 300k.

For each size a fresh data directory is made by the real commands (:func:`benchmarks.recommend.prepare`:
``ascn build``, then ``ascn load`` of the synthetic file) and served by ``ascn serve`` on 127.0.0.1. The first
completion request reads the index (:mod:`graph.lookup`) and is timed on its own; then one client sends what an
editor sends while someone types: for random entity names, each prefix of 1 to 6 characters of one of its words
(with and without a class filter), and the editor's term questions (classes, a class's properties, the entities
a class links to by a property). Printed: p50/p95/max, and the target from issue 18 (p95 under 100 ms).

The peer, in the same run and on the same server: the same entity question as SPARQL on ``/sparql`` (names
containing the text, ranked by uses; the query a client without the completion API would send), over a sample.

Run: ``python -m benchmarks.complete`` (bundled and 300k) or ``--sizes 0,30000``.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

from benchmarks.endpoint import serve_ascn
from benchmarks.load import CACHE, synthetic_file
from benchmarks.recommend import BIN, prepare

P95_TARGET_MS = 100.0
PEER_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e (SAMPLE(?name) AS ?label) (COUNT(?s) AS ?uses) WHERE {
  ?e rdfs:label|skos:altLabel ?name .
  FILTER(STRSTARTS(STR(?e), "https://w3id.org/ascn/id/") && REGEX(STR(?name), CONCAT("\\\\b", ?q), "i"))
  OPTIONAL { ?s ?p ?e }
} GROUP BY ?e ORDER BY DESC(?uses) LIMIT 10"""


def get(url: str) -> tuple[float, dict]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = json.loads(response.read())
    return (time.perf_counter() - start) * 1000, body


def typed_prefixes(site: str, n: int, seed: int = 1) -> list[str]:
    """The URLs an editor sends while someone types: word prefixes of random entity names, term questions."""
    rng = random.Random(seed)
    _, names = get(f"{site}/api/complete?q=&limit=50")
    _, cities = get(f"{site}/api/complete?q=&type=ascn:City&limit=50")
    words = [w for r in names["results"] + cities["results"] for w in r["label"].split() if w.isalpha()]
    urls = []
    for _ in range(n):
        word = rng.choice(words)
        for length in range(1, min(6, len(word)) + 1):
            q = urllib.parse.quote(word[:length])
            urls.append(f"{site}/api/complete?q={q}")
            urls.append(f"{site}/api/complete?q={q}&type=ascn:City")
        urls.append(f"{site}/api/complete?kind=class&q={urllib.parse.quote(word[:2])}")
        urls.append(f"{site}/api/complete?kind=property&class=ascn:Project&q={urllib.parse.quote(word[:1])}")
        urls.append(f"{site}/api/complete?predicate=ascn:focusArea&class=ascn:Project&q=")
    return urls


def peer_urls(site: str, urls: list[str], n: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    qs = [urllib.parse.parse_qs(urllib.parse.urlsplit(u).query).get("q", [""])[0] for u in urls]
    qs = [q for q in qs if len(q) >= 2]
    out = []
    for q in rng.sample(qs, min(n, len(qs))):
        escaped = q.replace("\\", "").replace('"', "")
        text = PEER_QUERY.replace("?q)", f'"{escaped}")')
        out.append(f"{site}/sparql?" + urllib.parse.urlencode({"query": text}))
    return out


def percentiles(ms: list[float]) -> str:
    a = np.array(ms)
    return f"n {len(a)}, p50 {np.percentile(a, 50):.1f} ms, p95 {np.percentile(a, 95):.1f} ms, max {a.max():.1f} ms"


def measure(size: int, n: int, cache: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="ascn-bench-complete-") as work:
        data_dir = Path(work) / "data"
        if size:
            path, count = synthetic_file(cache, size)
            steps = prepare(path, data_dir)
            title = f"## {count:,} synthetic triples with the bundled graph"
        else:
            steps = _build_only(data_dir)
            title = "## bundled graph"
        print(f"\n{title} — " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()), flush=True)
        with serve_ascn(data_dir, Path(work) / "serve.log", settle_for=60, workers=2, threads=4) as server:
            site = f"http://127.0.0.1:{server.port}"
            first, _ = get(f"{site}/api/complete?q=a")
            print(f"   first request (reads the index: four bulk SPARQL reads): {first:.0f} ms (no target)")
            urls = typed_prefixes(site, n)
            times = [get(u)[0] for u in urls]
            p95 = float(np.percentile(times, 95))
            print(f"   /api/complete while typing: {percentiles(times)}")
            peers = [_sparql(u) for u in peer_urls(site, urls, 20)]
            answered = [ms for ms, ok in peers if ok]
            stopped = len(peers) - len(answered)
            print(
                "   peer, the same entity question as SPARQL on /sparql: "
                + (
                    f"{percentiles(answered)}; p95 ratio {np.percentile(answered, 95) / p95:.0f}x"
                    if answered
                    else "no answer"
                )
                + f"; {stopped} of {len(peers)} refused or stopped at the server's limit"
            )
            print(
                f"   completion p95 {p95:.1f} ms (target < {P95_TARGET_MS:g} ms: "
                f"{'met' if p95 < P95_TARGET_MS else 'missed'})",
                flush=True,
            )


def _build_only(data_dir: Path) -> dict[str, float]:
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "ascn"), "--data-dir", str(data_dir), "build"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"ascn build failed:\n{(done.stdout + done.stderr)[-2000:]}")
    return {"ascn build": time.perf_counter() - start}


def _sparql(url: str) -> tuple[float, bool]:
    """Milliseconds to the SPARQL answer, and whether there was one (the server stops a query at its time
    limit and refuses one when its workers are busy)."""
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
    except urllib.error.HTTPError:
        return (time.perf_counter() - start) * 1000, False
    return (time.perf_counter() - start) * 1000, True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="0,300000", help="triple counts, 0 for the bundled graph (default: %(default)s)"
    )
    parser.add_argument("--words", type=int, default=40, help="random words typed per size (default: %(default)s)")
    parser.add_argument(
        "--cache", type=Path, default=CACHE, help="where synthetic files are kept (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"completion latency: {args.words} random words typed letter by letter per size, through HTTP", flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        measure(size, args.words, args.cache)


if __name__ == "__main__":
    main()
