"""Load throughput: ``ascn load`` against ``oxigraph load`` on the same synthetic file, in the same run.

For each size the synthetic graph (:mod:`benchmarks.synthetic`, cached under ``--cache``) is loaded

- by ``oxigraph load --location DIR --file F`` into a fresh store (the peer; triples go to the default graph),
- by ``oxigraph load ... --graph G`` (the same, into a named graph, as ascn stores every file), and
- by ``ascn load F`` (the real command, in a subprocess) into a fresh data directory built from the bundled
  data beforehand (the build is not timed),

and the script prints triples per second, the ratio of ascn to the peer (target: at least 0.5), each process's
peak resident memory and the store's size on disk after the load.

Run: ``python -m benchmarks.load`` (30k and 300k triples) or ``python -m benchmarks.load --sizes 3000000``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import synthetic

TARGET = 0.5
BIN = Path(sys.executable).parent
GRAPH = "https://w3id.org/ascn/graph/user/synthetic"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float
    disk_mb: float


def measure(command: list[str], store_dir: Path, env: dict | None = None) -> Run:
    """Run ``command`` to completion; its wall time, its peak RSS (from wait4) and ``store_dir``'s size."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    out, err = process.stdout.read(), process.stderr.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{(out + err).decode()[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, disk_size(store_dir) / 2**20)


def disk_size(path: Path) -> int:
    path = path.resolve()
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def synthetic_file(cache: Path, triples: int) -> tuple[Path, int]:
    """The cached synthetic file of about ``triples`` triples and its exact count (made when missing)."""
    path = cache / f"synthetic-{triples}.nt"
    if not path.exists():
        print(f"generating {path} ...", flush=True)
        synthetic.generate(path, triples)
    with path.open("rb") as f:
        count = sum(1 for line in f if line.strip() and not line.startswith(b"#"))
    return path, count


def bench(path: Path, count: int, work: Path) -> dict[str, Run]:
    runs = {}
    for label, extra in (("oxigraph load", []), ("oxigraph load --graph", ["--graph", GRAPH])):
        location = work / label.replace(" ", "_")
        shutil.rmtree(location, ignore_errors=True)
        runs[label] = measure([str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(path),
                               *extra], location)
    data = work / "ascn-data"
    shutil.rmtree(data, ignore_errors=True)
    env = {**os.environ, "ASCN_DATA_DIR": str(data)}
    subprocess.run([str(BIN / "ascn"), "build"], env=env, check=True, capture_output=True)
    runs["ascn load"] = measure([str(BIN / "ascn"), "load", str(path), "--name", "synthetic"], data / "current", env)
    return runs


def report(count: int, runs: dict[str, Run]) -> bool:
    print(f"\n## {count:,} triples")
    print(f"{'command':<24} {'seconds':>8} {'triples/s':>11} {'peak RSS MB':>12} {'disk MB':>8}")
    for label, run in runs.items():
        print(f"{label:<24} {run.seconds:>8.2f} {count / run.seconds:>11,.0f} {run.peak_rss_mb:>12.0f} "
              f"{run.disk_mb:>8.1f}")
    ratio = runs["oxigraph load"].seconds / runs["ascn load"].seconds
    named = runs["oxigraph load --graph"].seconds / runs["ascn load"].seconds
    met = ratio >= TARGET
    print(f"ascn / oxigraph load: {ratio:.2f}x (target >= {TARGET}x: {'met' if met else 'missed'}); "
          f"ascn / oxigraph load --graph: {named:.2f}x")
    return met


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="30000,300000", help="comma-separated triple counts (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ascn-bench-load",
                        help="where generated files are kept between runs (default: %(default)s)")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ascn-bench-load-") as work:
        for size in (int(s) for s in args.sizes.split(",")):
            path, count = synthetic_file(args.cache, size)
            report(count, bench(path, count, Path(work)))


if __name__ == "__main__":
    main()
