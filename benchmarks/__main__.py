"""Run every benchmark with modest defaults: ``python -m benchmarks`` (``make benchmarks``).

The endpoint benchmark (bundled graph and a 300k-triple synthetic graph; ascn serve against oxigraph serve and
rdflib-endpoint), then the recommendation benchmark at 1,000 cities. Each script has its own options for longer
or larger runs: ``python -m benchmarks.endpoint --help``, ``python benchmarks/recommend.py --help``.
"""

from __future__ import annotations

import sys

from benchmarks import endpoint, load, recommend


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv:
        sys.exit("python -m benchmarks takes no options; run the scripts one by one for other settings "
                 "(python -m benchmarks.endpoint --help)")
    print("# endpoint: ascn serve vs oxigraph serve vs rdflib-endpoint", flush=True)
    endpoint.main(["--requests", "960", "--seconds", "45", "--settle", "120"])
    print("\n# recommendation latency", flush=True)
    recommend.measure(1000, 100)
    print("\n# load throughput: ascn load vs oxigraph load", flush=True)
    load.main([])


if __name__ == "__main__":
    main()
