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


LOCAL_STEPS = 4
"""At most how many first steps of a walk read only the columns of the nodes the restarts' walk is on (see
:meth:`PersonalizedPageRank.scores`): from a city that walk is on the city, then on its neighbours, then on a
country's cities and the focus areas, and from there on most of the graph. The uniform start's walk is kept for
this many steps."""
LOCAL_SHARE = 0.01
"""A step reads only the columns of the nodes the restarts' walk is on while those hold at most this share of the
operator's entries: gathering columns and summing by node cost several times per entry what the whole product
costs. At 10,074 cities, CPU per walk (p50 over 45 starts) was 8.5–8.9 ms at 1%, 9.2–9.6 ms at 3%, 11.4–12.0 ms at
10%, and 10.0–10.2 ms with the first step alone read this way."""


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
            scale = np.zeros(0)
            self.matrix_t = sp.csr_matrix((0, 0))
            self.dangling = np.zeros(0, dtype=int)
        # Column j of matrix_t is 1/degree(j) at j's neighbours, which the graph being undirected makes row j's
        # positions: what a step from a few nodes reads (see _local).
        self._scale = scale
        self._degree = np.diff(self.matrix_t.indptr)
        n = len(nodes)
        start = np.full(n, 1.0 / n) if n else np.zeros(0)  # networkx's start
        # The part of every walk that the uniform start makes, the same for every query: LOCAL_STEPS steps of it
        # (see :meth:`scores`), each as the loop makes it, and how far each step moves it.
        self._uniform = [start]
        for _ in range(LOCAL_STEPS):
            step = self.matrix_t @ self._uniform[-1]
            step *= alpha
            self._uniform.append(step)
        self._uniform_moves = [float(np.abs(b - a).sum()) for a, b in zip(self._uniform, self._uniform[1:])]
        self._uniform_dangling = [float(u[self.dangling].sum()) for u in self._uniform]

    def scores(self, personalization: Mapping[str, float]) -> np.ndarray:
        """PageRank restarting at ``personalization`` (node → weight), in :attr:`nodes` order; sums to 1.

        networkx's power iteration from the uniform vector, split as the walk of that uniform start (the same for
        every query, made once) plus the walk of what the restarts put back at the query's nodes, which stays on
        the few nodes near them for the first steps: those steps read only those nodes' columns instead of the
        whole operator. Once the restarts' walk reaches enough of the graph, the two are added and the rest is
        networkx's loop. The result is networkx's iterate, the same steps with the same stopping rule, to the
        last bits of rounding (a test compares it with the plain loop on the bundled graph).
        """
        n = len(self.nodes)
        weights: dict[int, float] = {}
        for node, weight in personalization.items():
            if node in self.position:
                weights[self.position[node]] = weights.get(self.position[node], 0.0) + weight
        at = np.array(sorted(weights), dtype=np.int64)
        p = np.array([weights[i] for i in at], dtype=float)
        if n == 0 or p.sum() == 0:
            return np.zeros(n)
        p /= p.sum()
        x, taken, converged = self._local(at, p)
        if converged:
            return x
        moved = np.empty(n)
        for _ in range(taken, self.max_iter):
            last = x
            x = self.matrix_t @ last
            x *= self.alpha
            x[at] += (self.alpha * last[self.dangling].sum() + 1 - self.alpha) * p
            np.subtract(x, last, out=moved)
            if np.abs(moved, out=moved).sum() < n * self.tol:
                return x
        raise nx.PowerIterationFailedConvergence(self.max_iter)

    def _local(self, at: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, int, bool]:
        """The first steps of :meth:`scores` while the restarts' walk ``w`` is on few nodes: the iterate after
        them (the uniform start's walk plus ``w``), how many steps were taken, and whether it has converged.

        Each step is the loop's ``x ← α·P·x + (α·dangling mass + 1 − α)·p`` with ``x`` = uniform part + ``w``:
        the uniform part's step is kept from :meth:`_walk`; ``w`` is kept as the nodes it is on and its values
        there, and its step reads only those nodes' columns (each column's products summed in the order the whole
        product sums them); the stopping rule's sum ``|x_next − x|`` is the uniform part's own (kept) corrected on
        the nodes ``w`` is on before and after.
        """
        alpha, uniform, indptr, indices = self.alpha, self._uniform, self.matrix_t.indptr, self.matrix_t.indices
        on, w = np.zeros(0, dtype=np.int64), np.zeros(0)
        k = -1
        for k in range(min(LOCAL_STEPS, self.max_iter)):
            counts = self._degree[on]
            first = np.repeat(indptr[on] - (np.cumsum(counts) - counts), counts)
            entries = first + np.arange(first.size)  # the positions of the columns of ``on``, column by column
            reached, where = np.unique(indices[entries], return_inverse=True)
            spread = alpha * np.bincount(where, np.repeat(self._scale[on], counts) * np.repeat(w, counts), reached.size)
            dangling_mass = self._uniform_dangling[k] + w[np.isin(on, self.dangling)].sum()
            on_next = np.union1d(reached, at)
            w_next = np.zeros(on_next.size)
            w_next[np.searchsorted(on_next, reached)] = spread
            w_next[np.searchsorted(on_next, at)] += (alpha * dangling_mass + 1 - alpha) * p
            both = np.union1d(on, on_next)
            before, after = uniform[k][both], uniform[k + 1][both]
            w_before, w_after = np.zeros(both.size), np.zeros(both.size)
            w_before[np.searchsorted(both, on)] = w
            w_after[np.searchsorted(both, on_next)] = w_next
            moved = (
                self._uniform_moves[k]
                - np.abs(after - before).sum()
                + np.abs((after + w_after) - (before + w_before)).sum()
            )
            on, w = on_next, w_next
            if moved < len(self.nodes) * self.tol or self._degree[on].sum() > self.matrix_t.nnz * LOCAL_SHARE:
                break
        x = uniform[k + 1].copy()
        x[on] += w
        return x, k + 1, bool(k >= 0 and moved < len(self.nodes) * self.tol)


def personalized_pagerank(graph: nx.Graph, personalization: Mapping[str, float], alpha: float = 0.85) -> dict:
    """networkx's own personalised PageRank (one-off use; the recommender keeps a :class:`PersonalizedPageRank`).

    >>> import networkx as nx
    >>> round(personalized_pagerank(nx.path_graph(["a", "b", "c"]), {"a": 1})["a"], 3)
    0.345
    """
    return nx.pagerank(graph, alpha=alpha, personalization=dict(personalization))
