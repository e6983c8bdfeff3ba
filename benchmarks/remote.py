"""The remote backend at scale: docs/remote-store.md's "At scale" recipe, run end to end and timed.

For each server asked for (Oxigraph server, Virtuoso) the script

1. takes the synthetic graph of about ``--triples`` triples (:mod:`benchmarks.synthetic`, cached by
   :func:`benchmarks.load.synthetic_file`);
2. starts the server on 127.0.0.1 with its database in a fresh directory (:mod:`benchmarks.servers`);
3. runs the real ``ascn`` command, each step in its own process, with ``ASCN_STORE=sparql`` and the server's
   endpoints: ``ascn build``, then puts the file in the graph ``user/synthetic``:

   - on Oxigraph server, ``ascn load FILE --name synthetic`` (parse, staging PUT, SHACL check on the server,
     ``MOVE``);
   - on Virtuoso, whose answers break the load's server-side check (docs/remote-store.md, "Virtuoso"),
     ``ascn load FILE`` into an embedded store holding the same bundled build (the same shapes, checked at
     the embedded store's bulk speed; asked against Virtuoso itself, the lookup of what a large file links to
     is refused), then Virtuoso's own bulk loader puts the checked file in the graph
     (:meth:`benchmarks.servers.VirtuosoServer.bulk_load`; one Graph Store ``PUT`` of a 450 MB file was not
     accepted within 10 minutes);

4. asks ``ascn recommend`` about the first synthetic city and runs a library query, as a user would;
5. starts ``ascn serve`` on the same settings and fetches the home page, the projects page, the city's page,
   a recommendation, a library query and a SPARQL query over HTTP;

and prints each step's time, then the server's resident memory and its database's size on disk. A step that
fails (a command's exit status, an HTTP status other than 200, an answer without the synthetic city) stops the
run with what the step printed; the command then exits with status 1.

Run: ``python -m benchmarks.remote`` (30,000 triples on both servers) or
``python -m benchmarks.remote --triples 3000000 --servers oxigraph virtuoso``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.load import CACHE, disk_size, synthetic_file
from benchmarks.servers import SERVERS, Server, ServerError, VirtuosoServer, running_oxigraph, running_virtuoso, stop

ASCN = Path(sys.executable).with_name("ascn")
CITY = "syn-city-000000"
GRAPH = "https://w3id.org/ascn/graph/user/synthetic"


class RecipeError(RuntimeError):
    """A step of the recipe failed; the message names the step and holds what it printed."""


@dataclass
class Report:
    """What one run measured: seconds per step (in order), the server's memory and its database on disk."""

    server: str
    triples: int
    steps: dict[str, float] = field(default_factory=dict)
    server_rss_mb: float = 0.0
    server_peak_rss_mb: float = 0.0
    disk_mb: float = 0.0

    def lines(self) -> list[str]:
        out = [f"## {self.server}: {self.triples:,} synthetic triples"]
        out += [f"{step:<48} {seconds:>8.2f} s" for step, seconds in self.steps.items()]
        out.append(f"{'server RSS now / peak':<48} {self.server_rss_mb:>8.0f} / {self.server_peak_rss_mb:.0f} MB")
        out.append(f"{'server database on disk':<48} {self.disk_mb:>8.1f} MB")
        return out


def run(server_name: str, path: Path, triples: int, work: Path, say: Callable[[str], None] = print) -> Report:
    """The whole recipe on one server, its database and the commands' data under ``work``; raises RecipeError."""
    report = Report(server_name, triples)
    location = work / f"{server_name}-db"
    started = time.perf_counter()
    with _server(server_name, location, triples) as server:
        report.steps["start the server"] = time.perf_counter() - started
        env = {**os.environ, **server.environ(), "ASCN_DATA_DIR": str(work / f"{server_name}-ascn")}

        def step(name: str, action: Callable[[], str]) -> str:
            began = time.perf_counter()
            out = action()
            report.steps[name] = time.perf_counter() - began
            say(f"  {name}: {report.steps[name]:.2f} s")
            return out

        step("ascn build", lambda: _ascn(env, "build"))
        if server_name == "virtuoso":  # the same bundled build, embedded, checks the file in memory
            local = {
                **{k: v for k, v in os.environ.items() if not k.startswith("ASCN_")},
                "ASCN_DATA_DIR": str(work / f"{server_name}-check"),
            }
            step("ascn build (embedded, to check FILE)", lambda: _ascn(local, "build"))
            step("ascn load FILE (embedded, the check)", lambda: _ascn(local, "load", str(path), "--name", "synthetic"))
            step("Virtuoso bulk load of FILE", lambda: _bulk_load(server, GRAPH, path))
        else:
            step("ascn load FILE --name synthetic", lambda: _ascn(env, "load", str(path), "--name", "synthetic"))
        stats = step("ascn stats", lambda: _ascn(env, "stats"))
        _expect("ascn stats", stats, GRAPH)
        similar = step(
            f"ascn recommend cities --city {CITY}",
            lambda: _ascn(env, "recommend", "cities", "--city", CITY, "--top", "5"),
        )
        _expect("ascn recommend cities", similar, "Synthetic city 0", "\n 5. ")
        partners = step(
            f"ascn recommend partners --city {CITY}",
            lambda: _ascn(env, "recommend", "partners", "--city", CITY, "--top", "5"),
        )
        _expect("ascn recommend partners", partners, "Synthetic city 0", "\n 5. ")
        projects = step(
            "ascn query projects_of_city", lambda: _ascn(env, "query", "projects_of_city", "--param", f"city={CITY}")
        )
        _expect("ascn query projects_of_city", projects, "syn-project-")
        began = time.perf_counter()
        with _serving(env, work / f"{server_name}-serve.log") as base:
            report.steps["start ascn serve"] = time.perf_counter() - began
            for name, url, needle in _web_calls(base):
                body = step(name, lambda url=url: _get(url))
                _expect(name, body, needle)
        report.server_rss_mb, report.server_peak_rss_mb = _memory(server.process.pid)
    report.disk_mb = disk_size(location) / 2**20
    return report


@contextmanager
def _server(name: str, location: Path, triples: int) -> Iterator[Server]:
    try:
        if name == "virtuoso":  # 8 KB pages: room for the whole database in memory, within 80 MB..1.6 GB
            with running_virtuoso(location, buffers=min(max(triples // 15, 10_000), 200_000)) as server:
                yield server
        else:
            location.mkdir(parents=True)
            with running_oxigraph(location, log=location.parent / f"{name}.log") as server:
                yield server
    except ServerError as exc:
        raise RecipeError(f"start the {name} server: {exc}") from None


def _ascn(env: dict, *args: str) -> str:
    done = subprocess.run([str(ASCN), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RecipeError(
            f"ascn {' '.join(args)} exited with {done.returncode}:\n{(done.stdout + done.stderr)[-3000:]}"
        )
    return done.stdout


def _expect(step: str, output: str, *needles: str) -> None:
    for needle in needles:
        if needle not in output:
            raise RecipeError(f"{step}: expected {needle!r} in the answer, got:\n{output[:2000]}")


def _bulk_load(server: VirtuosoServer, graph: str, path: Path) -> str:
    try:
        server.bulk_load(path, graph)
    except (ServerError, subprocess.TimeoutExpired) as exc:
        raise RecipeError(f"Virtuoso bulk load of {path}: {exc}") from None
    return ""


def _get(url: str, data: bytes | None = None, headers: dict | None = None) -> str:
    return _send(urllib.request.Request(url, data=data, headers=headers or {}), url)


def _send(request: urllib.request.Request, what: str) -> str:
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        raise RecipeError(f"{what} answered HTTP {exc.code}: {exc.read().decode('utf-8', 'replace')[:2000]}") from None
    except OSError as exc:
        raise RecipeError(f"{what} failed: {exc}") from None


def _web_calls(base: str) -> list[tuple[str, str, str]]:
    """(step, URL, text the answer must hold) for the web app's pages and APIs, about the synthetic city."""
    count = urllib.parse.urlencode({"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"})
    return [
        ("GET / (home page)", f"{base}/", "<html"),
        ("GET /projects (project search)", f"{base}/projects", "Synthetic"),
        (f"GET /id/city/{CITY} (entity page)", f"{base}/id/city/{CITY}", "Synthetic"),
        (f"GET /api/recommend/cities?city={CITY}", f"{base}/api/recommend/cities?city={CITY}&top=5", "syn-city-"),
        (
            "GET /api/queries/projects_of_city",
            f"{base}/api/queries/projects_of_city?city={CITY}&format=json",
            "syn-project-",
        ),
        ("GET /sparql (count the synthetic graph)", f"{base}/sparql?{count}", '"n"'),
    ]


@contextmanager
def _serving(env: dict, log: Path) -> Iterator[str]:
    """``ascn serve`` on 127.0.0.1 and a free port, with the recipe's settings; stopped by its PID."""
    with log.open("w") as err:
        process = subprocess.Popen(
            [str(ASCN), "serve", "--host", "127.0.0.1", "--port", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    try:
        started = re.match(r"serving the web app on (\S+)/ and SPARQL", process.stdout.readline())
        if not started:
            raise RecipeError(f"ascn serve did not start:\n{log.read_text()[-3000:]}")
        yield started[1]
    finally:
        stop(process, wait=15)
        process.stdout.close()


def _memory(pid: int) -> tuple[float, float]:
    """A process's resident memory now and at its peak, in MB (from /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    value = {key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M)[1]) / 1024 for key in ("VmRSS", "VmHWM")}
    return value["VmRSS"], value["VmHWM"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--triples", type=int, default=30_000, help="size of the synthetic graph (default: %(default)s)"
    )
    parser.add_argument(
        "--servers",
        nargs="+",
        choices=sorted(SERVERS),
        default=sorted(SERVERS),
        help="servers to run the recipe on (default: all)",
    )
    parser.add_argument(
        "--cache", type=Path, default=CACHE, help="where generated files are kept between runs (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    path, count = synthetic_file(args.cache, args.triples)
    with tempfile.TemporaryDirectory(prefix="ascn-bench-remote-") as work:
        for name in args.servers:
            print(f"{name}: {path.name} ({count:,} triples)", flush=True)
            try:
                report = run(name, path, count, Path(work), say=lambda line: print(line, flush=True))
            except RecipeError as exc:
                sys.exit(f"the recipe failed on {name}: {exc}")
            print("\n".join(report.lines()), flush=True)


if __name__ == "__main__":
    main()
