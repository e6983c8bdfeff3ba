"""The "did you mean" of a plan's unknown words: :class:`graph.similarity.text.Spellings` against its peer, plain
:func:`difflib.get_close_matches` over every project word (what :meth:`Scorer.unknown_words` called before).

On the bundled graph's project words and on 50,000 words (the bundled ones and made-up words of the same lengths
and letters, seeded), each typed word (misspellings of project words, unknown words, the tested plans' words) is
answered both ways: printed are the time per word (median of the rounds) of each, their ratio, and how many
answers differ (0: the bounds leave out no word difflib would take). Also the whole note's cost on the bundled
graph (:meth:`Scorer.unknown_words` of the tested plans).

Run: ``python -m benchmarks.spellings`` (a built graph in ``ASCN_DATA_DIR``; a minute on 2 cores).
"""

from __future__ import annotations

import os
import random
import statistics
import time
from difflib import get_close_matches

from graph.backends import open_store
from graph.config import Settings
from graph.lookup import typo_of
from graph.similarity.scoring import scorer
from graph.similarity.text import Spellings
from graph.similarity.typed_graph import typed_graph

PLANS = (
    "flod warning sensers",
    "trafic signal control",
    "trafic lights",
    "Our city plans a flood early warning system with river level sensors, SMS alerts for residents in "
    "low-lying districts",
)
"""Plans the tests pin the note of (tests/graph/similarity/test_recommend.py), and the audit's "trafic lights"."""


def typed_words(vocabulary: list[str], n: int, rng: random.Random) -> list[str]:
    """Words as people mistype them: a project word with a letter dropped, doubled or swapped, or made up."""
    out = ["flod", "sensers", "trafic", "warning", "lying", "banjir", "thong"]
    letters = "abcdefghijklmnopqrstuvwxyz"
    while len(out) < n:
        w = rng.choice(vocabulary)
        i = rng.randrange(len(w))
        kind = rng.randrange(4)
        if kind == 0:
            out.append(w[:i] + w[i + 1 :])
        elif kind == 1:
            out.append(w[:i] + w[i] + w[i:])
        elif kind == 2:
            out.append(w[:i] + rng.choice(letters) + w[i + 1 :])
        else:
            out.append("".join(rng.choice(letters) for _ in range(len(w))))
    return [w for w in out if len(w) > 3]


def made_up(vocabulary: list[str], size: int, rng: random.Random) -> list[str]:
    """``vocabulary`` and made-up words of its lengths and letter frequencies, ``size`` in all."""
    letters = "".join(vocabulary)
    out = set(vocabulary)
    while len(out) < size:
        out.add("".join(rng.choice(letters) for _ in range(len(rng.choice(vocabulary)))))
    return sorted(out)


def per_word(answer, typed: list[str], rounds: int) -> tuple[float, list]:
    """Median seconds per typed word over ``rounds`` rounds, and the answers."""
    times, answers = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        answers = [answer(w) for w in typed]
        times.append((time.perf_counter() - start) / len(typed))
    return statistics.median(times), answers


def _difflib_closest(word: str, vocabulary: list[str]) -> str | None:
    """The peer: difflib over every word, its first answer a typo could give, as Spellings.closest keeps it."""
    return next((c for c in get_close_matches(word, vocabulary, n=3, cutoff=0.8) if typo_of(word, c)), None)


def compare(name: str, vocabulary: list[str], typed: list[str], rounds: int) -> None:
    start = time.perf_counter()
    spellings = Spellings(vocabulary)
    built = time.perf_counter() - start
    ours, mine = per_word(spellings.closest, typed, rounds)
    peer, theirs = per_word(lambda w: _difflib_closest(w, vocabulary), typed, 1)
    differ = sum(a != b for a, b in zip(mine, theirs, strict=True))
    print(
        f"{name}: {len(vocabulary):,} words, {len(typed)} typed words; Spellings {ours * 1e3:.3f} ms a word "
        f"(built in {built * 1e3:.0f} ms), difflib over every word {peer * 1e3:.3f} ms a word "
        f"({peer / ours:.0f}× ours); answers that differ: {differ}"
    )


def main() -> None:
    rng = random.Random(7)
    store = open_store(Settings.load(), read_only=True)
    try:
        sc = scorer(typed_graph(store))
        vocabulary = sc._project_words.words
        for plan in PLANS:
            sc.unknown_words(plan)  # warm
        notes = []
        for plan in PLANS:
            start = time.perf_counter()
            for _ in range(20):
                found = sc.unknown_words(plan)
            notes.append(f"{(time.perf_counter() - start) / 20 * 1e3:.2f} ms {found}")
        print("Scorer.unknown_words on the bundled graph:", *notes, sep="\n  ")
        compare("bundled", vocabulary, typed_words(vocabulary, 300, rng), rounds=5)
        big = made_up(vocabulary, 50_000, rng)
        compare("50,000 words", big, typed_words(vocabulary, 100, rng), rounds=3)
    finally:
        store.close()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
