"""Personalised PageRank from a query node: the second signal, for multi-hop and sparsely linked cases.

A city with one project and no pairing has almost no meta-path instances, but a random walk that restarts at
it still reaches its country's other cities, their projects and partners. That walk is networkx's
``pagerank`` with a ``personalization`` vector.

``networkx.pagerank`` converts the whole graph to a sparse matrix on every call; at 10,000 cities that
conversion alone costs far more than the 50 ms a recommendation may take. :class:`PersonalizedPageRank`
therefore converts once per graph version (with networkx's own ``to_scipy_sparse_array``) and then runs the
same power iteration as ``networkx.pagerank`` (its scipy implementation: same damping, dangling-node handling
and stopping rule), so the scores are networkx's — a test checks them against ``networkx.pagerank``.

>>> import networkx as nx
>>> ppr = PersonalizedPageRank(nx.path_graph(["a", "b", "c"]))
>>> scores = ppr.scores({"a": 1.0})
>>> [round(float(scores[ppr.position[n]]), 3) for n in "abc"]
[0.345, 0.459, 0.195]
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = ["PersonalizedPageRank", "personalized_pagerank"]


class PersonalizedPageRank:
    """Personalised PageRank over one undirected graph, its transition matrix built once."""

    def __init__(self, graph: nx.Graph, alpha: float = 0.85, max_iter: int = 100, tol: float = 1.0e-6):
        nodes = sorted(graph.nodes)
        adjacency = (
            nx.to_scipy_sparse_array(graph, nodelist=nodes, weight=None, dtype=float, format="csr") if nodes else None
        )
        self._walk(nodes, adjacency, alpha, max_iter, tol)

    @classmethod
    def from_adjacency(
        cls,
        nodes: list[str],
        adjacency: sp.spmatrix,
        alpha: float = 0.85,
        max_iter: int = 100,
        tol: float = 1.0e-6,
    ) -> PersonalizedPageRank:
        """The walk over an undirected graph given as its sorted nodes and symmetric 0/1 adjacency matrix
        (:attr:`graph.similarity.typed_graph.TypedGraph.adjacency`), with no networkx graph to convert."""
        self = cls.__new__(cls)
        self._walk(nodes, adjacency if nodes else None, alpha, max_iter, tol)
        return self

    def _walk(self, nodes: list[str], a: sp.spmatrix | None, alpha: float, max_iter: int, tol: float) -> None:
        self.nodes = nodes
        self.position = {n: i for i, n in enumerate(self.nodes)}
        self.alpha, self.max_iter, self.tol = alpha, max_iter, tol
        if a is not None:
            out = np.asarray(a.sum(axis=1)).ravel()
            scale = np.divide(1.0, out, out=np.zeros_like(out), where=out != 0)
            self.matrix_t = sp.csr_matrix((sp.diags(scale) @ a).T)
            self.dangling = np.flatnonzero(out == 0)
        else:
            self.matrix_t = sp.csr_matrix((0, 0))
            self.dangling = np.zeros(0, dtype=int)
        n = len(nodes)
        self._start = np.full(n, 1.0 / n) if n else np.zeros(0)  # networkx's start
        self._first_step = self.matrix_t @ self._start  # the same for every query: computed once

    def scores(self, personalization: Mapping[str, float]) -> np.ndarray:
        """PageRank restarting at ``personalization`` (node → weight), in :attr:`nodes` order; sums to 1."""
        n = len(self.nodes)
        p = np.zeros(n)
        for node, weight in personalization.items():
            if node in self.position:
                p[self.position[node]] += weight
        if n == 0 or p.sum() == 0:
            return np.zeros(n)
        p /= p.sum()
        x = self._start
        for step in range(self.max_iter):
            last = x
            x = self._first_step.copy() if step == 0 else self.matrix_t @ last
            x *= self.alpha
            x += (self.alpha * last[self.dangling].sum() + 1 - self.alpha) * p
            if np.abs(x - last).sum() < n * self.tol:
                return x
        raise nx.PowerIterationFailedConvergence(self.max_iter)


def personalized_pagerank(graph: nx.Graph, personalization: Mapping[str, float], alpha: float = 0.85) -> dict:
    """networkx's own personalised PageRank (one-off use; the recommender keeps a :class:`PersonalizedPageRank`).

    >>> import networkx as nx
    >>> round(personalized_pagerank(nx.path_graph(["a", "b", "c"]), {"a": 1})["a"], 3)
    0.345
    """
    return nx.pagerank(graph, alpha=alpha, personalization=dict(personalization))
