"""Recommendation speed on synthetic graphs of 1,000 and 10,000 cities with ten projects each.

The generator is deterministic (a fixed seed) and follows the bundled graph's schema and proportions: ten
member states, six focus areas with the bundled skew, one partner per 20 cities (a tenth of them under a parent),
one programme per 50 cities, pairings on a fifth of the cities, a best practice per 100 cities, two sources per
record. The records go straight into :meth:`TypedGraph.from_rows` — the same constructor the store path feeds
with the rows of the ``similarity_*`` queries — so the build measured is the real one minus the SPARQL read.

Prints the one-off build time (typed graph, every meta-path structure, the PageRank operator, the text index)
and the p50/p95 latency of each recommendation question over 200 random queries (with reasons).
Targets: build < 30 s and p95 < 50 ms at 10,000 cities.

Run: ``.venv/bin/python benchmarks/recommend.py [--cities 1000 10000] [--queries 200]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from graph.similarity import recommend as r
from graph.similarity.scoring import scorer
from graph.similarity.typed_graph import Entity, Fact, Link, SourceRef, TypedGraph

ID = "https://w3id.org/ascn/id/"
FOCUS = ["built_infrastructure", "civic_social", "quality_environment", "safety_security", "industry_innovation",
         "health_wellbeing"]
FOCUS_SHARE = np.array([45, 42, 36, 22, 20, 12], dtype=float) / 177
STATUSES = ["ongoing", "planning", "completed", "ongoing_or_planning", "unknown"]
WORDS = ("water drainage flood bus transit traffic waste energy solar digital platform payment health clinic "
         "tourism heritage sensors data centre mobility housing river air quality school training safety cctv "
         "emergency lighting parking bicycle market innovation startup governance portal").split()


def synthetic(cities: int, seed: int = 7) -> TypedGraph:
    """A typed graph of ``cities`` cities with ten projects each, generated deterministically."""
    rng = np.random.default_rng(seed)
    entities: list[Entity] = []
    links: list[Link] = []
    facts: dict[str, Fact] = {}
    sources = [SourceRef(f"{ID}source/s{i}", f"Synthetic source {i}") for i in range(max(50, cities // 20))]

    def fact(iri: str) -> None:
        picks = rng.choice(len(sources), size=2, replace=False)
        facts[iri] = Fact(iri, tuple(sources[i] for i in sorted(picks)), "medium" if rng.random() < 0.1 else None)

    countries = [f"{ID}country/c{i}" for i in range(10)]
    entities += [Entity(c, "country", f"Country {i}") for i, c in enumerate(countries)]
    entities += [Entity(f"{ID}focus-area/{f}", "focus_area", f.replace("_", " ").title()) for f in FOCUS]
    entities += [Entity(f"{ID}status/{s}", "status", s) for s in STATUSES]
    n_partners, n_programmes = max(10, cities // 20), max(5, cities // 50)
    partners = [f"{ID}partner/p{i}" for i in range(n_partners)]
    programmes = [f"{ID}programme/g{i}" for i in range(n_programmes)]
    for i, a in enumerate(partners):
        entities.append(Entity(a, "partner", f"Partner {i}"))
        fact(a)
        links.append(Link(a, "runs_programme", programmes[i % n_programmes], a))
        if i >= 10 and rng.random() < 0.1:
            links.append(Link(a, "parent_partner", partners[int(rng.integers(0, 10))], a))
    for i, g in enumerate(programmes):
        entities.append(Entity(g, "programme", f"Programme {i}"))
        fact(g)
    city_ids = [f"{ID}city/x{i:05d}" for i in range(cities)]
    for i, c in enumerate(city_ids):
        entities.append(Entity(c, "city", f"City {i}"))
        fact(c)
        links.append(Link(c, "in_country", countries[i % 10], c))
        for j in range(10):
            p = f"{ID}project/x{i:05d}-{j}"
            start = int(rng.integers(2016, 2025))
            words = " ".join(rng.choice(WORDS, size=3, replace=False))
            named_only = rng.random() < 0.3
            entities.append(Entity(p, "project", f"Project {words} {i}-{j}", description=None if named_only else
                                   f"A project on {words}.", named_only=named_only, start_year=start,
                                   end_year=start + int(rng.integers(0, 6))))
            fact(p)
            links.append(Link(p, "in_city", c, p))
            links.append(Link(p, "status", f"{ID}status/{STATUSES[int(rng.integers(0, 5))]}", p))
            for f in sorted(set(rng.choice(len(FOCUS), size=int(rng.integers(1, 3)), p=FOCUS_SHARE))):
                links.append(Link(p, "focus_area", f"{ID}focus-area/{FOCUS[f]}", p))
            if rng.random() < 0.25:
                links.append(Link(p, "involves_partner", partners[int(rng.integers(0, n_partners))], p))
        if rng.random() < 0.2:
            pairing = f"{ID}pairing/x{i:05d}"
            entities.append(Entity(pairing, "pairing", f"City {i} pairing", start_year=int(rng.integers(2017, 2025))))
            fact(pairing)
            links += [Link(pairing, "paired_city", c, pairing),
                      Link(pairing, "paired_partner", partners[int(rng.integers(0, n_partners))], pairing),
                      Link(pairing, "under_programme", programmes[int(rng.integers(0, n_programmes))], pairing)]
    for i in range(max(5, cities // 100)):
        bp = f"{ID}practice/b{i}"
        entities.append(Entity(bp, "practice", f"Lesson {i}"))
        fact(bp)
        for c in rng.choice(cities, size=2, replace=False):
            links.append(Link(bp, "concerns_project", f"{ID}project/x{int(c):05d}-0", bp))
    return TypedGraph.from_rows(entities, links, facts, version=f"synthetic-{cities}")


def measure(cities: int, queries: int) -> None:
    t0 = time.perf_counter()
    tg = synthetic(cities)
    generated = time.perf_counter() - t0
    t0 = time.perf_counter()
    tg = TypedGraph.from_rows(tg.entities.values(), tg.links, tg.facts, tg.version)  # the constructor alone
    scorer(tg).warm()
    build = time.perf_counter() - t0
    rng = np.random.default_rng(1)
    city_ids, project_ids, partner_ids = tg.ids("city"), tg.ids("project"), tg.ids("partner")
    questions = {
        "similar_cities": lambda: r.similar_cities(None, city_ids[rng.integers(len(city_ids))], tg=tg),
        "projects_for_city": lambda: r.projects_for_city(None, city_ids[rng.integers(len(city_ids))], tg=tg),
        "projects_like": lambda: r.projects_like(None, project_ids[rng.integers(len(project_ids))], tg=tg),
        "cities_for_partner": lambda: r.cities_for_partner(None, partner_ids[rng.integers(len(partner_ids))], tg=tg),
        "partners_for_city": lambda: r.partners_for_city(None, city_ids[rng.integers(len(city_ids))], tg=tg),
        "projects_for_plan": lambda: r.projects_for_plan(None, ["quality_environment"], [], "flood drainage sensors",
                                                         tg=tg),
    }
    print(f"\n{cities:,} cities: {len(tg.ids('project')):,} projects, {len(tg.links):,} links, "
          f"{tg.structure.number_of_nodes():,} nodes")
    print(f"  generate records {generated:6.2f} s   build similarity structures {build:6.2f} s")
    print(f"  {'question':<20} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, ask in questions.items():
        ask()  # first call outside the timing
        times = []
        for _ in range(queries):
            t = time.perf_counter()
            ask()
            times.append((time.perf_counter() - t) * 1000)
        p50, p95 = np.percentile(times, [50, 95])
        print(f"  {name:<20} {p50:8.1f} {p95:8.1f} {max(times):8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cities", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    for n in args.cities:
        measure(n, args.queries)


if __name__ == "__main__":
    main()
