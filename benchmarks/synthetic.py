"""A deterministic synthetic ASCN graph of any size, made by the project's own loader from generated records.

Benchmarks need graphs of 30k, 300k and 3M triples with the real schema; the bundled graph has about 6.5k. This
module generates records in the bundled files' format (:mod:`loaders.schema`) — sources, cities, partners,
programmes, pairings, projects and best practices — and turns them into RDF with
:func:`loaders.to_rdf.records_to_graph`, so every triple is one the real loader would make. The synthetic records
refer to the 11 real member states, the real network and the 6 real focus areas (and the other framework
concepts), which the bundled build and the ontology already hold.

Nothing synthetic can pass for real data: every id starts with ``syn-``, every label says "Synthetic", and every
record cites only synthetic source documents whose titles say they are generated benchmark data (at
``example.org``). The output file starts with a comment saying the same.

Proportions follow the bundled graph, read from the bundled records when generation starts: cities per member
state, join years, partner kinds, source kinds, focus areas per project and their shares, project statuses,
named-only projects, pairings concentrated on a minority of cities, and so on. Per city the generator makes about
2.4 sources, 1.4 partners, 0.84 programmes, 0.87 pairings, 4.2 projects and 0.76 best practices, as the bundled
data has; later records link to earlier ones chosen at random, so early partners become hubs as Japan or the
United States are.

Generation streams city by city: each city's records (with the sources, partners and programmes created with
it) become one small graph, written sorted and then dropped, so 3M triples need no more memory than 30k.
The same seed and target give the same bytes.

Run: ``python -m benchmarks.synthetic --triples 300000 --output synthetic-300k.nt`` (``.nq`` writes N-Quads
in the named graph a ``ascn load --name synthetic`` would use).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from loaders.dataset import bundled_records
from loaders.records import Record, RecordSet, raise_all, record_problems
from loaders.to_rdf import NAMED_ONLY, records_to_graph
from ontology.namespace import GRAPH

SEED = 7
SYNTHETIC_GRAPH = str(GRAPH["user/synthetic"])
"""The named graph of ``.nq`` output: where ``ascn load synthetic.nt --name synthetic`` puts the same triples."""

_FILE = "synthetic"
_WORDS = [
    "water",
    "drainage",
    "flood",
    "bus",
    "transit",
    "traffic",
    "waste",
    "energy",
    "solar",
    "digital",
    "platform",
    "payment",
    "health",
    "clinic",
    "tourism",
    "heritage",
    "sensors",
    "data",
    "mobility",
    "housing",
    "river",
    "air",
    "school",
    "training",
    "safety",
    "cctv",
    "emergency",
    "lighting",
    "parking",
    "bicycle",
    "market",
    "innovation",
    "startup",
    "governance",
    "portal",
    "canal",
    "port",
    "logistics",
]
_PLACE = [
    "Tirta",
    "Baru",
    "Kota",
    "Ban",
    "Nam",
    "Muang",
    "Phum",
    "Lang",
    "Son",
    "Thanh",
    "Bukit",
    "Sungai",
    "Tanjung",
    "Pulau",
    "Dong",
    "Tay",
    "Nakhon",
    "Krong",
    "Mae",
    "Ayer",
    "Batu",
    "Kampung",
]
_STATUS_MONTHS = ("2025-09", "2022-09", "2018-07", "2023-08", "2024-09", "2021-12")


@dataclass(frozen=True)
class Proportions:
    """What the bundled records look like, as weights the generator draws from."""

    countries: list[tuple[str, int]]
    anchors: dict[str, list[tuple[float, float]]]
    joined: list[tuple[int, int]]
    partner_kinds: list[tuple[str, int]]
    source_kinds: list[tuple[str, int]]
    focus_areas: list[tuple[str, int]]
    statuses: list[tuple[str, int]]
    practice_kinds: list[tuple[str, int]]

    @classmethod
    def bundled(cls) -> Proportions:
        records = bundled_records()

        def weights(type_: str, key: Callable[[Record], object]) -> list:
            return sorted(Counter(key(r) for r in records.by_type[type_]).items())

        cities = records.by_type["city"]
        anchors: dict[str, list[tuple[float, float]]] = {}
        for city in cities:
            anchors.setdefault(city.data["country"], []).append((city.data["lat"], city.data["lon"]))
        projects = records.by_type["project"]
        return cls(
            countries=weights("city", lambda r: r.data["country"]),
            anchors=anchors,
            joined=weights("city", lambda r: r.data["joined"]),
            partner_kinds=weights("partner", lambda r: r.data["kind"]),
            source_kinds=weights("source", lambda r: r.data["kind"]),
            focus_areas=sorted(Counter(a for p in projects for a in p.data["focus_areas"]).items()),
            statuses=weights("project", lambda r: r.data["status"]),
            practice_kinds=weights("best_practice", lambda r: r.data["kind"]),
        )


class Generator:
    """Synthetic records city by city; :meth:`city_records` yields the records that come with city ``i``."""

    def __init__(self, seed: int = SEED, proportions: Proportions | None = None):
        self.rng = random.Random(seed)
        self.p = proportions or Proportions.bundled()
        self.sources = self.partners = self.programmes = 0

    # -- drawing helpers -----------------------------------------------------------------------
    def _pick(self, weighted: list[tuple]):
        values, weights = zip(*weighted)
        return self.rng.choices(values, weights)[0]

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _earlier(self, count: int, k: int) -> list[int]:
        """``k`` distinct indexes among the first ``count``, uniformly: early entities gather more links."""
        return sorted(self.rng.sample(range(count), min(k, count))) if count else []

    def _cite(self, low: int = 1, high: int = 4) -> list[str]:
        """Sources to cite, most of them recent (the city's own), some from anywhere before."""
        k = self.rng.randint(low, high)
        recent = range(max(0, self.sources - 6), self.sources)
        picks = {self.rng.choice(recent) if self._chance(0.7) else self.rng.randrange(self.sources) for _ in range(k)}
        return [source_id(i) for i in sorted(picks)]

    def _words(self, n: int) -> str:
        return " ".join(self.rng.sample(_WORDS, n))

    # -- records -------------------------------------------------------------------------------
    def city_records(self, i: int) -> list[Record]:
        """The records of synthetic city ``i`` and of what is created with it, in the loader's type order."""
        records = [self._source() for _ in range(2 + self._chance(0.42))]
        records += [self._programme() for _ in range(self._chance(0.84))]
        records += [self._partner() for _ in range(1 + self._chance(0.39))]
        city = self._city(i)
        records.append(city)
        if self._chance(0.4):
            records += [self._pairing(i, n) for n in range(1, self.rng.randint(1, 4) + 1)]
        projects = []
        if self._chance(0.92):
            projects = [self._project(i, n) for n in range(1, self.rng.randint(1, 8) + 1)]
        records += projects
        if self._chance(0.76):
            records.append(self._practice(i, projects))
        raise_all([problem for record in records for problem in record_problems(record)])
        return records

    def _source(self) -> Record:
        n = self.sources
        self.sources += 1
        data = {
            "id": source_id(n),
            "title": f"Synthetic benchmark source {n} (generated data, not a real document)",
            "publisher": "ascn-kg benchmarks (synthetic)",
            "url": f"https://example.org/ascn-synthetic/source/{n}",
            "kind": self._pick(self.p.source_kinds),
        }
        if self._chance(0.84):
            data["date"] = f"{self.rng.randint(2018, 2025)}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
        if self._chance(0.5):
            data["note"] = "Generated by benchmarks.synthetic; describes no real document."
        return Record("source", data, _FILE, 0)

    def _programme(self) -> Record:
        n = self.programmes
        self.programmes += 1
        name = programme_name(n)
        data = {
            "id": programme_id(n),
            "name": name,
            "as_stated": [name, f"{name} ({self._words(1)})"],
            "partners": [partner_id(k) for k in self._earlier(self.partners, self.rng.randint(0, 2))],
            "sources": self._cite(1, 6),
        }
        if data["partners"] and self._chance(0.4):
            data["lead_partner"] = data["partners"][0]
        if self._chance(0.9):
            data["note"] = "A synthetic programme for benchmarks."
        return Record("programme", data, _FILE, 0)

    def _partner(self) -> Record:
        n = self.partners
        self.partners += 1
        data = {
            "id": partner_id(n),
            "name": partner_name(n),
            "kind": self._pick(self.p.partner_kinds),
            "programmes": [programme_id(k) for k in self._earlier(self.programmes, self.rng.choice((0, 1, 1, 1, 2)))],
            "summary": f"A synthetic partner working on {self._words(2)}.",
            "sources": self._cite(1, 6),
        }
        if n and self._chance(0.43):
            data["parent"] = partner_id(self.rng.randrange(n))
        if self._chance(0.17):
            data["confidence"] = "medium"
            data["confidence_reason"] = "Synthetic: marked medium to mirror the bundled share."
        return Record("partner", data, _FILE, 0)

    def _city(self, i: int) -> Record:
        country = self._pick(self.p.countries)
        lat, lon = self.rng.choice(self.p.anchors[country])
        joined = self._pick(self.p.joined)
        data = {
            "id": city_id(i),
            "name": city_name(i),
            "country": country,
            "joined": joined,
            "pilot_city": joined == 2018,
            "lat": round(lat + self.rng.uniform(-1, 1), 4),
            "lon": round(lon + self.rng.uniform(-1, 1), 4),
            "coordinates_note": "synthetic point near a real member city",
            "coordinates_sources": self._cite(1, 1),
            "sources": self._cite(2, 5),
        }
        if joined == 2018 or self._chance(0.1):
            data["population"] = {
                "value": self.rng.randint(20_000, 3_000_000),
                "year": 2018,
                "as_reported_by": "synthetic",
                "sources": self._cite(1, 1),
            }
        if self._chance(0.66):
            data["land_area_km2"] = {
                "value": round(self.rng.uniform(20, 2000), 1),
                "year": 2018,
                "sources": self._cite(1, 1),
            }
        if self._chance(0.16):
            data["alt_names"] = [f"Syn-{self.rng.choice(_PLACE)} {i}"]
        if self._chance(0.26):
            data["note"] = "Synthetic city for benchmarks."
        return Record("city", data, _FILE, 0)

    def _pairing(self, i: int, n: int) -> Record:
        partner = self.rng.randrange(self.partners)
        data = {
            "id": f"syn-pairing-{i:06d}-{n}",
            "city": city_id(i),
            "partner": partner_id(partner),
            "summary": f"A synthetic pairing on {self._words(2)}.",
            "sources": self._cite(1, 4),
        }
        if self._chance(0.85):
            data["programme"] = programme_id(self.rng.randrange(self.programmes)) if self.programmes else None
        else:
            data["programme"] = None
        data["programme_as_stated"] = f"Synthetic twinning ({self._words(1)})"
        data["year"] = self.rng.randint(2018, 2025) if self._chance(0.88) else None
        if data["year"] is None:
            data["year_note"] = "synthetic: no year given"
        if self._chance(0.79):
            data["partner_side_entity"] = partner_id(self.rng.randrange(self.partners))
        if self._chance(0.2):
            data["partner_city"] = f"Synthetic partner town {self.rng.randrange(1000)}"
        if self._chance(0.15):
            data["city_side_entity"] = f"Synthetic city utility {i}"
        if self._chance(0.12):
            data["confidence"] = "low"
            data["confidence_reason"] = "Synthetic: marked low to mirror the bundled share."
        return Record("pairing", data, _FILE, 0)

    def _project(self, i: int, n: int) -> Record:
        areas = [self._pick(self.p.focus_areas)]
        if self._chance(0.11):
            areas = sorted({*areas, self._pick(self.p.focus_areas)})
        words = self._words(2)
        named_only = self._chance(0.31)
        data = {
            "id": f"syn-project-{i:06d}-{n}",
            "name": f"Synthetic {words} project {i}-{n}",
            "city": city_id(i),
            "focus_areas": areas,
            "description": NAMED_ONLY if named_only else f"A synthetic project on {words} and {self._words(1)}.",
            "status": self._pick(self.p.statuses),
            "status_as_of": self.rng.choice(_STATUS_MONTHS),
            "partners": [partner_id(k) for k in self._earlier(self.partners, self.rng.choice((0, 0, 0, 1, 2)))],
            "sources": self._cite(1, 4),
        }
        if self._chance(0.16):
            start = self.rng.randint(2016, 2024)
            data["period"] = f"{start}-" if self._chance(0.6) else f"{start}-{start + self.rng.randint(1, 6)}"
        if self._chance(0.13):
            data["name_history_note"] = "Synthetic: renamed once."
        if self._chance(0.025):
            data["confidence"] = "medium"
            data["confidence_reason"] = "Synthetic: marked medium to mirror the bundled share."
        return Record("project", data, _FILE, 0)

    def _practice(self, i: int, projects: list[Record]) -> Record:
        data = {
            "id": f"syn-bp-{i:06d}",
            "kind": self._pick(self.p.practice_kinds),
            "statement": f"Synthetic lesson: {self._words(3)} work better when planned together.",
            "sources": self._cite(1, 2),
        }
        if projects and self._chance(0.76):
            data["projects"] = [projects[0].id]
        if self._chance(0.66):
            data["cities"] = [city_id(i)]
        return Record("best_practice", data, _FILE, 0)


def source_id(n: int) -> str:
    return f"syn-source-{n:06d}"


def city_id(i: int) -> str:
    return f"syn-city-{i:06d}"


def partner_id(n: int) -> str:
    return f"syn-partner-{n:06d}"


def programme_id(n: int) -> str:
    return f"syn-programme-{n:06d}"


def city_name(i: int) -> str:
    """A label that says what it is; the place word makes label searches less uniform."""
    return f"Synthetic city {i} ({_PLACE[i % len(_PLACE)]})"


def partner_name(n: int) -> str:
    return f"Synthetic partner {n} ({_WORDS[n % len(_WORDS)]})"


def programme_name(n: int) -> str:
    return f"Synthetic programme {n} ({_WORDS[(7 * n) % len(_WORDS)]})"


def _label(type_: str, id_: str) -> str | None:
    """Names of synthetic entities made in an earlier city, computed from their ids (nothing kept in memory)."""
    number = int(id_.rsplit("-", 1)[1])
    return {"city": city_name, "partner": partner_name, "programme": programme_name}[type_](number)


def records(triples: int, seed: int = SEED) -> Iterator[list[Record]]:
    """The records city by city (one list per city) until their RDF holds at least ``triples`` triples."""
    for _, city_records, _ in _cities(triples, seed):
        yield city_records


def _cities(triples: int, seed: int) -> Iterator[tuple[int, list[Record], list[str]]]:
    generator = Generator(seed)
    total, i = 0, 0
    while total < triples:
        city_records = generator.city_records(i)
        context = RecordSet()
        for record in city_records:
            context.add(record)
        graph = records_to_graph(context, context, labels=_label)
        lines = sorted(line for line in graph.serialize(format="nt", encoding="utf-8").decode().splitlines() if line)
        total += len(lines)
        yield i, city_records, lines
        i += 1


@dataclass(frozen=True)
class Written:
    cities: int
    triples: int
    seconds: float


def write(out: IO[str], triples: int, seed: int = SEED, quads: bool = False) -> Written:
    """Write at least ``triples`` triples (whole cities) as N-Triples, or N-Quads in :data:`SYNTHETIC_GRAPH`."""
    start = time.perf_counter()
    out.write(
        f"# Synthetic ASCN benchmark data from benchmarks.synthetic (seed {seed}, target {triples} triples).\n"
        "# Generated, not real: every id starts with syn- and every source is a synthetic document.\n"
    )
    suffix = f" <{SYNTHETIC_GRAPH}> .\n" if quads else " .\n"
    total = cities = 0
    for _, _, lines in _cities(triples, seed):
        out.writelines(line[:-2] + suffix for line in lines)
        total += len(lines)
        cities += 1
    return Written(cities, total, time.perf_counter() - start)


def generate(path: Path, triples: int, seed: int = SEED) -> Written:
    """Write the synthetic graph to ``path`` (``.nq`` for N-Quads, else N-Triples)."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        return write(out, triples, seed, quads=path.suffix.lower() == ".nq")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=300_000, help="about how many triples (whole cities)")
    parser.add_argument("--output", type=Path, required=True, help="file to write: .nt (N-Triples) or .nq (N-Quads)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    written = generate(args.output, args.triples, args.seed)
    print(
        f"{args.output}: {written.triples:,} triples, {written.cities:,} cities, {written.seconds:.1f} s "
        f"({written.triples / written.seconds:,.0f} triples/s)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
