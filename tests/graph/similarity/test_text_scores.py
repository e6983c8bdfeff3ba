"""A vector's dot products with an index's rows, as the questions score texts: the same bits as the sparse product."""

from __future__ import annotations

from difflib import get_close_matches

import numpy as np
import scipy.sparse as sp

from graph.lookup import typo_of
from graph.similarity import text
from graph.similarity.recommend import ask
from graph.similarity.scoring import scorer
from graph.similarity.text import Spellings, TextIndex, dot_rows
from graph.similarity.typed_graph import TypedGraph


def _sparse_product(rows: sp.csr_matrix, vector) -> np.ndarray:
    """How the scores were computed before: a sparse × sparse product, made dense."""
    return np.asarray((rows @ sp.csr_matrix(vector).T).todense()).ravel()


def test_dot_rows_is_the_sparse_product_bit_for_bit(store):
    """Every pairing of rows and vector the questions and reasons use, on the bundled graph, for every city and
    partner: equal floats, not just close ones (an answer orders its items by these sums)."""
    sc = scorer(TypedGraph.from_store(store))
    cases = [(sc.text.matrix, sc.city_vectors[c]) for c in range(sc.city_vectors.shape[0])]
    cases += [(sc.city_vectors, sc.partner_vectors[a]) for a in range(sc.partner_vectors.shape[0])]
    cases += [(sc.partner_vectors, sc.city_vectors[c]) for c in range(sc.city_vectors.shape[0])]
    cases += [(sc.plain_expertise, sc.plain_city_vectors[c]) for c in range(sc.plain_city_vectors.shape[0])]
    cases += [(sc.text.matrix[[0, 3, 5]], sc.partner_vectors[0])]  # a city's own projects, in a reason
    summed = np.asarray(sc.city_vectors.T @ np.ones(sc.city_vectors.shape[0])).ravel()  # a dense vector of terms
    cases += [(sc.city_vectors, summed)]
    for rows, vector in cases:
        assert dot_rows(rows, vector).tolist() == _sparse_product(rows, vector).tolist()
    assert sum(bool(dot_rows(rows, vector).any()) for rows, vector in cases) > len(cases) / 2


def test_spellings_answer_as_difflib_over_every_project_word(store):
    """The "did you mean" of a plan's unknown words compares a typed word with the project words its length and
    letters allow, not with every one (:class:`graph.similarity.text.Spellings`): its answer is still
    ``get_close_matches`` over every word, for every project word of the bundled graph mistyped each way (a letter
    dropped, doubled, replaced by its neighbour) and for words no project is near."""
    words = scorer(TypedGraph.from_store(store))._project_words.words
    spellings = Spellings(words)
    typed = ["flod", "sensers", "trafic", "warning", "lying", "banjir", "thong", "lites", "xxxxxxxx"]
    for w in words[::3]:
        i = len(w) // 2
        typed += [w[:i] + w[i + 1 :], w[:i] + w[i] + w[i:], w[:i] + chr(ord(w[i]) + 1) + w[i + 1 :]]
    answers = [spellings.closest(w) for w in typed]
    assert answers == [
        next((c for c in get_close_matches(w, words, n=3, cutoff=0.8) if typo_of(w, c)), None) for w in typed
    ]
    assert answers[:4] == ["flood", "sensors", "traffic", None] and sum(a is not None for a in answers) > 1000


def test_a_plans_text_is_not_kept_after_its_answer(store):
    """The memo of analysed texts is for the texts indexes are built from: a plan typed into /match or the API was
    kept there too (0.2 MB for 10,000 characters, up to 100,000 plans), and so was each typed "word" of any
    length in the memo of stems. The answer is the same whether the plan's analysis was remembered or not."""
    tg = TypedGraph.from_store(store)
    first = ask(store, "projects_for_plan", text="smart water meters", top=5, tg=tg)
    texts, stems = text._analysed.cache_info().currsize, text._remembered_stem.cache_info().currsize
    for n in range(20):
        plan = f"flood warning sensors along river {n} " + "x" * (text.LONGEST_WORD + 1 + n)
        ask(store, "projects_for_plan", text=plan, top=5, tg=tg)
    assert text._analysed.cache_info().currsize == texts
    assert text._remembered_stem.cache_info().currsize <= stems + 1  # "flood", "warning", ... once; the long word never
    assert ask(store, "projects_for_plan", text="smart water meters", top=5, tg=tg).items == first.items


def test_a_reason_names_no_word_that_only_joins_others():
    """'both speak of “until”' was a reason JICA fits Cebu City; such words still count, they are not shown."""
    index = TextIndex(
        ["Traffic signals until end-March 2024", "Signals run until 2025 across districts, between junctions"]
    )
    assert index.shared_terms("signals until across between junctions", 1) == ["junctions", "signals"]
