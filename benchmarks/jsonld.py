"""What compacting a JSON-LD answer costs (``webapp.linked_data.rdf_body``), against the expanded answer it replaced.

On a fresh build of the bundled graph, alternated, the median CPU time of ``--rounds`` writes of each answer: the
dataset description (``/.well-known/void``), the largest named graph's description (``/graph/<name>``) and the
ontology (``/ontology.jsonld``, made once per process), each written expanded (``graph.formats.write``, as before)
and compacted; and the whole-graph download (``/download/ascn-kg.jsonld``) as the store writes it, against
compacting it in rdflib (read back, then ``rdf_body``). A route is compacted only where that costs at most about
twice the expanded answer: the download is not.

Run: ``python -m benchmarks.jsonld`` (``--rounds 9`` by default).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from graph.backends import open_store
from graph.config import Settings
from graph.formats import by_name, write
from graph.store import construct
from loaders import dataset
from ontology import ontology_graph
from ontology.namespace import GRAPH
from queries.library import get_query, internal
from webapp.linked_data import rdf_body

JSONLD = by_name("graph", "jsonld")


def cpu_ms(work: Callable[[], bytes]) -> tuple[float, int]:
    """The CPU milliseconds ``work`` takes, and the size of what it wrote."""
    start = time.process_time()
    body = work()
    return (time.process_time() - start) * 1000, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    rounds = parser.parse_args().rounds
    store = open_store(Settings(data_dir=Path(tempfile.mkdtemp(prefix="ascn-jsonld-")), auto_build=False))
    dataset.build(store)
    void = construct(store.query, internal("build_description").sparql)
    graphs = {  # as /graph/<name> asks: the graph alone as the named graph, the ontology for the classes' labels
        name: store.query(
            get_query("graph_description", "pages").bind({"graph": name}),
            default_graphs=[str(GRAPH["ontology"])],
            named_graphs=[name],
        )
        for name in store.graph_names()
    }
    largest = max(graphs, key=lambda name: len(graphs[name]))
    answers: dict[str, tuple[Callable[[], bytes], Callable[[], bytes]]] = {
        f"/.well-known/void ({len(void)} triples)": (lambda: write(void, JSONLD), lambda: rdf_body(void, JSONLD)),
        f"/graph/{largest.split('/graph/', 1)[1]} ({len(graphs[largest])} triples)": (
            lambda: write(graphs[largest], JSONLD),
            lambda: rdf_body(graphs[largest], JSONLD),
        ),
        f"/ontology.jsonld ({len(ontology_graph())} triples)": (
            lambda: write(ontology_graph(), JSONLD),
            lambda: rdf_body(ontology_graph(), JSONLD),
        ),
        "/download/ascn-kg.jsonld": (
            lambda: store.export("jsonld"),
            lambda: rdf_body(Graph().parse(data=store.export("jsonld"), format="json-ld"), JSONLD),
        ),
    }
    print("load average before:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    for label, (before, after) in answers.items():
        runs: tuple[list[float], list[float]] = ([], [])
        sizes = [0, 0]
        for _ in range(rounds):  # alternated, so the machine's load weighs on both alike
            for i, work in enumerate((before, after)):
                ms, sizes[i] = cpu_ms(work)
                runs[i].append(ms)
        was, now = (statistics.median(r) for r in runs)
        print(f"{label}: expanded {was:.1f} ms {sizes[0]:,} B; compacted {now:.1f} ms {sizes[1]:,} B; {now / was:.2f}x")
    print("load average after:", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    store.close()


if __name__ == "__main__":
    main()
