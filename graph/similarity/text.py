"""A small TF-IDF text similarity over project names and descriptions, on scipy.sparse.

scikit-learn is not a dependency, and the recommender needs only this much of it: lower-case word tokens
without stop words, sublinear term frequency, smoothed inverse document frequency, L2-normalised rows, cosine
by dot product. It lets a planned project described in a sentence ("flood sensors and drainage") meet the
projects whose names or descriptions use the same words.

>>> index = TextIndex(["Smart water meters", "Bus rapid transit", "Water quality sensors"])
>>> index.scores("water sensors").round(2).tolist()
[0.29, 0.0, 0.78]
>>> index.shared_terms("water sensors", 2)
['sensors', 'water']
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

import numpy as np
import scipy.sparse as sp

_TOKEN = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z]")
STOP_WORDS = frozenset("""
a an and are as at be by for from has have in into is it its of on or that the their this to was were which
with within under over per via not no also more most new than then city cities project projects asean ascn
named list report gives further detail monitoring
""".split())
"""Words too common to tell projects apart, including the boilerplate of projects the sources only name."""


def tokens(text: str) -> list[str]:
    """Lower-case word tokens without stop words.

    >>> tokens("The Smart-City bus and a BRT line")
    ['smart-city', 'bus', 'brt', 'line']
    """
    return [t for t in _TOKEN.findall(text.casefold()) if t not in STOP_WORDS]


class TextIndex:
    """TF-IDF vectors of a fixed list of documents, to score free text against them."""

    def __init__(self, documents: Sequence[str]):
        counts = [Counter(tokens(d)) for d in documents]
        self.vocabulary = {t: i for i, t in enumerate(sorted({t for c in counts for t in c}))}
        df = np.zeros(len(self.vocabulary))
        for c in counts:
            for t in c:
                df[self.vocabulary[t]] += 1
        self.idf = np.log((1 + len(documents)) / (1 + df)) + 1
        self.terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        self.matrix = self._vectors(counts)

    def _vectors(self, counts: Sequence[Counter]) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for i, c in enumerate(counts):
            for t, n in c.items():
                j = self.vocabulary.get(t)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    vals.append((1 + np.log(n)) * self.idf[j])
        m = sp.csr_matrix((vals, (rows, cols)), shape=(len(counts), len(self.vocabulary)))
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        return sp.csr_matrix(sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ m)

    def vector(self, text: str) -> sp.csr_matrix:
        return self._vectors([Counter(tokens(text))])

    def scores(self, text: str) -> np.ndarray:
        """Cosine similarity of ``text`` with every document, in document order."""
        return np.asarray((self.matrix @ self.vector(text).T).todense()).ravel()

    def row_scores(self, i: int) -> np.ndarray:
        """Cosine similarity of document ``i`` with every document."""
        return np.asarray((self.matrix @ self.matrix[i].T).todense()).ravel()

    def shared_terms(self, text: str, i: int, limit: int = 5) -> list[str]:
        """The words ``text`` shares with document ``i``, most telling (highest IDF) first, then a–z."""
        row = self.matrix[i]
        query = set(self.vector(text).indices)
        common = [self.terms[j] for j in row.indices if j in query]
        return sorted(common, key=lambda t: (-self.idf[self.vocabulary[t]], t))[:limit]
