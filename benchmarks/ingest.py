"""How well ``ascn ingest`` reads the test documents: entity-link precision and recall, fact recall and precision.

Run ``python -m benchmarks.ingest``. The documents and the hand-written answers are in tests/ingest/texts
(``gold.yaml``): ``dev``/``test``, short texts written for the rules, and the ``realistic-*`` splits of
:data:`SPLITS`, documents in the styles of real sources (press releases, news with
datelines and quotes, chair's statements, partner pages, monitoring reports, blogs, pages with boilerplate, feeds),
whose answers also list facts that must not be proposed. Rules are tuned on the dev splits; the figures that count are those of the test splits.
The baseline is the same name matcher without the guards (a name inside a longer proper name, a project name whose
city the document does not name), so the table shows what the guards buy. Targets: link
precision at least 0.95 and fact recall at least 0.7 on the test split.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from graph.backends import memory_store
from loaders import dataset
from loaders.ingest import analyse
from loaders.ingest.documents import read_documents
from loaders.ingest.linker import Gazetteer
from ontology import PREFIXES

TEXTS = Path(__file__).resolve().parent.parent / "tests" / "ingest" / "texts"
SPLITS = (
    "dev",
    "test",
    "realistic-dev",
    "realistic-dev2",
    "realistic-dev3",
    "realistic-dev4",
    "realistic-dev5",
    "realistic-dev6",
    "realistic-dev7",
    "realistic-dev8",
    "realistic-dev9",
    "realistic-dev10",
    "realistic-dev11",
    "realistic-dev12",
    "realistic-test",
    "realistic-test2",
    "realistic-test3",
    "realistic-test4",
    "realistic-test5",
    "realistic-test6",
    "realistic-test7",
    "realistic-test8",
    "realistic-test9",
    "realistic-test10",
)
PRECISION_TARGET, RECALL_TARGET = 0.95, 0.7


def expand(value: str) -> str:
    """``city:hanoi`` → the entity IRI; anything else is a literal, returned as it is."""
    prefix, _, local = value.partition(":")
    if local and prefix in PREFIXES and prefix not in ("rdf", "xsd") and " " not in value:
        return PREFIXES[prefix] + local
    if prefix == "network" and local:
        return f"https://w3id.org/ascn/id/network/{local}"
    return value


@dataclass
class Score:
    """Counts of one split: links found / right / expected, facts expected / found / proposed, and proposals of
    facts the answers say must not be proposed (``forbidden``)."""

    links: int = 0
    right_links: int = 0
    gold_links: int = 0
    gold_facts: int = 0
    found_facts: int = 0
    proposed: int = 0
    right_proposed: int = 0
    forbidden: int = 0

    @property
    def link_precision(self) -> float:
        return self.right_links / self.links if self.links else 1.0

    @property
    def link_recall(self) -> float:
        return self.right_links / self.gold_links if self.gold_links else 1.0

    @property
    def fact_recall(self) -> float:
        return self.found_facts / self.gold_facts if self.gold_facts else 1.0

    @property
    def fact_precision(self) -> float:
        return self.right_proposed / self.proposed if self.proposed else 1.0


def _fields(fact) -> dict[str, str]:
    return {k: v.iri or v.literal for k, v in fact.fields.items()}


def _matches(gold: dict, fact) -> bool:
    fields = _fields(fact)
    return fact.kind == gold["kind"] and all(fields.get(k) == expand(str(v)) for k, v in gold["fields"].items())


def evaluate(gazetteer: Gazetteer, split: str, guards: bool = True) -> Score:
    """Score the documents of ``split`` (one of :data:`SPLITS`) against gold.yaml."""
    gold = yaml.safe_load((TEXTS / "gold.yaml").read_text(encoding="utf-8"))
    score = Score()
    documents = {}
    for path in sorted((TEXTS / split).iterdir()):
        for doc in read_documents(path):
            documents[f"{split}/{doc.name}"] = doc
    for name, doc in documents.items():
        expected = gold[name]
        analysis = analyse(doc, gazetteer, guards)
        found = Counter((m.text, m.entity.iri) for m in analysis.mentions)
        wanted = Counter((text, expand(iri)) for text, iri in expected["mentions"])
        score.links += sum(found.values())
        score.gold_links += sum(wanted.values())
        score.right_links += sum((found & wanted).values())
        proposed = [*analysis.extraction.facts, *analysis.extraction.new_entities]
        score.gold_facts += len(expected["facts"])
        score.found_facts += sum(any(_matches(g, f) for f in proposed) for g in expected["facts"])
        score.proposed += len(proposed)
        score.right_proposed += sum(any(_matches(g, f) for g in expected["facts"]) for f in proposed)
        score.forbidden += sum(any(_matches(g, f) for g in expected.get("not", [])) for f in proposed)
    return score


def bundled_gazetteer() -> Gazetteer:
    store = memory_store()
    dataset.build(store)
    return Gazetteer.from_store(store)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dev",
        action="store_true",
        help="score the development splits only: while rules are tuned, the test splits stay unread",
    )
    dev_only = parser.parse_args(argv).dev
    gazetteer = bundled_gazetteer()
    print("ascn ingest on tests/ingest/texts (rules tuned on the dev splits; the test splits are reported)")
    print(
        f"{'split':<14} {'method':<10} {'link P':>7} {'link R':>7} {'fact R':>7} {'fact P':>7} {'not':>4}  links  facts"
    )
    results = {}
    for split in (s for s in SPLITS if "dev" in s) if dev_only else SPLITS:
        for method, guards in (("ingester", True), ("baseline", False)):
            s = evaluate(gazetteer, split, guards)
            results[(split, method)] = s
            print(
                f"{split:<14} {method:<10} {s.link_precision:>7.3f} {s.link_recall:>7.3f} {s.fact_recall:>7.3f} "
                f"{s.fact_precision:>7.3f} {s.forbidden:>4}  {s.right_links}/{s.links} of {s.gold_links}  "
                f"{s.found_facts}/{s.gold_facts}"
            )
    if dev_only:
        return 0
    test = results[("test", "ingester")]
    precise = test.link_precision >= PRECISION_TARGET
    recalled = test.fact_recall >= RECALL_TARGET
    print("## test split")
    print(
        f"entity-link precision {test.link_precision:.3f} (target >= {PRECISION_TARGET}: "
        f"{'met' if precise else 'missed'})"
    )
    print(f"fact recall {test.fact_recall:.3f} (target >= {RECALL_TARGET}: {'met' if recalled else 'missed'})")
    return 0 if precise and recalled else 1


if __name__ == "__main__":
    sys.exit(main())
