"""``python -m benchmarks.judged``: nDCG@10 on the judged questions, the shipped recommender against the keyword
baseline (TF-IDF and BM25; the targets against the stronger), per kind and overall, with the issue's targets (1.2x
overall, at least the keyword baseline per kind), for the development set and the test set apart. The exit status
follows the test set's targets: the development set is there to be studied, not to be passed."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.judged import SPLITS, TARGET_RATIO, load, score_all
from graph.backends import open_store
from graph.config import Settings
from graph.similarity.typed_graph import TypedGraph
from loaders import dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-question", action="store_true", help="print each question's figures too")
    parser.add_argument("--split", choices=[*SPLITS, "both"], default="both", help="which judged set (default both)")
    args = parser.parse_args(argv)
    splits = list(SPLITS) if args.split == "both" else [args.split]
    with tempfile.TemporaryDirectory(prefix="ascn-judged-") as work:
        store = open_store(Settings(data_dir=Path(work), auto_build=False))
        try:
            dataset.build(store)
            tg = TypedGraph.from_store(store)
            rows = {split: score_all(tg, load(SPLITS[split])) for split in splits}
        finally:
            store.close()
    ok = {split: _report(split, rows[split], args.per_question) for split in splits}
    return 0 if ok.get("test", True) else 1


def _report(split: str, rows: list[dict], per_question: bool) -> bool:
    """Print one judged set's table; whether it meets every target."""
    print(f"== {split} set ({len(rows)} questions) ==")
    if per_question:
        for r in rows:
            print(
                f"{r['id']:<28} {r['kind']:<8} shipped {r['shipped']:.3f}  keyword {r['keyword']:.3f}  "
                f"bm25 {r['bm25']:.3f}"
            )
    baseline = max(("keyword", "bm25"), key=lambda b: (np.mean([r[b] for r in rows]), b))
    print(f"keyword baseline judged against: {'TF-IDF' if baseline == 'keyword' else 'BM25'} (the stronger overall)")
    print(f"{'kind':<10} {'n':>3} {'shipped':>8} {'tf-idf':>8} {'bm25':>8} {'ratio':>6}  target")
    ok = True
    for kind in ("plan", "partner", "city", "all"):
        sub = [r for r in rows if kind == "all" or r["kind"] == kind]
        if not sub:
            continue
        ours, theirs = np.mean([r["shipped"] for r in sub]), np.mean([r[baseline] for r in sub])
        ratio = ours / theirs if theirs else float("inf")
        need = TARGET_RATIO if kind == "all" else 1.0
        met = ratio >= need
        ok &= bool(met)
        print(
            f"{kind:<10} {len(sub):>3} {ours:>8.3f} {np.mean([r['keyword'] for r in sub]):>8.3f} "
            f"{np.mean([r['bm25'] for r in sub]):>8.3f} {ratio:>6.2f}  >= {need:.1f}x {'met' if met else 'NOT met'}"
        )
    return ok


if __name__ == "__main__":
    sys.exit(main())
