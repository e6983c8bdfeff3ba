"""Meta-path similarity on scipy.sparse: PathSim for peers of one type, HeteSim across types.

A meta-path is a sequence of relations, e.g. city –has project→ project –focus area→ focus area. networkx has
no meta-path measures, so these two are written here; everything else (Jaccard, Adamic–Adar, PageRank) comes
from networkx.

PathSim (Sun et al. 2011) compares two objects of the same type along a symmetric meta-path ``P = L L⁻¹``:

    PathSim(x, y) = 2 M[x, y] / (M[x, x] + M[y, y]),   M = W D Wᵀ,

where ``W`` counts the path instances of the half path ``L`` and ``D`` optionally weights the middle type (we
use it to down-weight very common focus areas). It rewards peers that are linked *and* of similar visibility.

HeteSim (Shi et al. 2014) compares objects of different types along any meta-path. It walks from both ends
towards the middle with row-normalised transition matrices and takes the cosine of the two distributions:

    HeteSim(s, t | P) = U_L[s] · U_R[t] / (|U_L[s]| |U_R[t]|),

where ``U_L`` is the product of the transition matrices of the first half of ``P`` and ``U_R`` that of the
reversed second half. A path of odd length is split in its middle relation by an "edge object" per link, as
the paper does, so the two halves have equal length.

References
----------
Y. Sun, J. Han, X. Yan, P. S. Yu, T. Wu. PathSim: Meta Path-Based Top-K Similarity Search in Heterogeneous
Information Networks. PVLDB 4(11), 2011.
C. Shi, X. Kong, Y. Huang, P. S. Yu, B. Wu. HeteSim: A General Framework for Relevance Measure in
Heterogeneous Networks. IEEE TKDE 26(10), 2014.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

__all__ = ["pathsim", "pathsim_from", "hetesim", "HeteSimPath", "PathSimPath", "transition", "inverse_frequency"]


def transition(m: sp.spmatrix) -> sp.csr_matrix:
    """Row-normalise ``m`` (each non-empty row sums to 1): the walk's transition probabilities.

    >>> transition(sp.csr_matrix([[1, 3], [0, 0]])).toarray().tolist()
    [[0.25, 0.75], [0.0, 0.0]]
    """
    m = sp.csr_matrix(m, dtype=float)
    sums = np.asarray(m.sum(axis=1)).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
    return sp.csr_matrix(sp.diags(scale) @ m)


def inverse_frequency(m: sp.spmatrix) -> np.ndarray:
    """Weights ``log(1 + n / n_j)`` per column of an object × attribute matrix (``n`` rows, ``n_j`` using ``j``).

    A focus area half the projects share tells less about two projects' likeness than a rare one; this is
    the inverse document frequency of information retrieval, kept positive so that no shared area counts as
    nothing. Unused columns get weight 0.

    >>> inverse_frequency(sp.csr_matrix([[1, 1], [1, 0], [1, 0], [1, 0]])).round(3).tolist()
    [0.693, 1.609]
    """
    m = sp.csr_matrix(m)
    used = np.asarray((m > 0).sum(axis=0)).ravel().astype(float)
    n = m.shape[0]
    return np.where(used > 0, np.log1p(np.divide(n, used, out=np.zeros_like(used), where=used > 0)), 0.0)


class PathSimPath:
    """PathSim along ``W D Wᵀ`` with ``W`` the half-path count matrix (rows: the objects compared).

    The commuting matrix is never formed: one query row is ``W[x] D Wᵀ`` and the diagonal is precomputed,
    so a query costs one sparse product whatever the number of objects.

    >>> path = PathSimPath(sp.csr_matrix([[1, 0], [1, 1], [0, 1]]))
    >>> path.scores(0).round(3).tolist()
    [1.0, 0.667, 0.0]
    """

    def __init__(self, half: sp.spmatrix, weights: np.ndarray | None = None):
        self.half = sp.csr_matrix(half, dtype=float)
        self.weights = np.ones(self.half.shape[1]) if weights is None else np.asarray(weights, dtype=float)
        self.weighted_t = sp.csr_matrix((self.half @ sp.diags(self.weights)).T)
        self.diagonal = np.asarray(self.half.multiply(self.half) @ self.weights).ravel()

    def counts(self, x: int) -> np.ndarray:
        """``M[x, :]``: weighted path instances between ``x`` and every object."""
        return np.asarray((self.half[x] @ self.weighted_t).todense()).ravel()

    def scores(self, x: int) -> np.ndarray:
        """PathSim of object ``x`` with every object (1 with itself when it has any path, else 0)."""
        m = self.counts(x)
        denominator = self.diagonal[x] + self.diagonal
        return np.divide(2 * m, denominator, out=np.zeros_like(m), where=denominator > 0)


def pathsim(half: sp.spmatrix, weights: np.ndarray | None = None) -> np.ndarray:
    """The full PathSim matrix of the symmetric meta-path whose first half counts ``half`` (small graphs).

    >>> pathsim(sp.csr_matrix([[2, 0], [1, 1]])).round(3).tolist()
    [[1.0, 0.667], [0.667, 1.0]]
    """
    path = PathSimPath(half, weights)
    return np.vstack([path.scores(i) for i in range(path.half.shape[0])]) if path.half.shape[0] else np.zeros((0, 0))


def pathsim_from(half: sp.spmatrix, x: int, weights: np.ndarray | None = None) -> np.ndarray:
    """PathSim of one object with all others (a one-off; keep a :class:`PathSimPath` for repeated queries)."""
    return PathSimPath(half, weights).scores(x)


def _edge_objects(m: sp.spmatrix) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Split relation ``m`` (a × b) into a → edge and b → edge incidence matrices, one edge object per link."""
    coo = sp.coo_matrix(m)
    e = coo.nnz
    weights = np.sqrt(coo.data.astype(float))
    to_edge = sp.csr_matrix((weights, (coo.row, np.arange(e))), shape=(m.shape[0], e))
    from_edge = sp.csr_matrix((weights, (coo.col, np.arange(e))), shape=(m.shape[1], e))
    return to_edge, from_edge


def _reach(chain: Sequence[sp.spmatrix]) -> sp.csr_matrix:
    out = transition(chain[0])
    for m in chain[1:]:
        out = sp.csr_matrix(out @ transition(m))
    return out


class HeteSimPath:
    """HeteSim along a meta-path given as its relation matrices from source type to target type.

    The reach matrices of both halves are built once; a query is one sparse row times a matrix. ``middle``
    weights the middle type (e.g. inverse frequency of focus areas) before the cosine.

    >>> # authors a1, a2 write papers p1, p2, p3 published at venues v1, v2 (the paper's running example style)
    >>> writes = sp.csr_matrix([[1, 1, 0], [0, 1, 1]])
    >>> published = sp.csr_matrix([[1, 0], [1, 0], [0, 1]])
    >>> HeteSimPath([writes, published]).scores(0).round(3).tolist()
    [1.0, 0.0]
    """

    def __init__(self, relations: Sequence[sp.spmatrix], middle: np.ndarray | None = None):
        if not relations:
            raise ValueError("a meta-path needs at least one relation")
        relations = [sp.csr_matrix(r, dtype=float) for r in relations]
        for a, b in zip(relations, relations[1:]):
            if a.shape[1] != b.shape[0]:
                raise ValueError(f"relations do not chain: {a.shape} then {b.shape}")
        n = len(relations)
        half = n // 2
        if n % 2:
            to_edge, from_edge = _edge_objects(relations[half])
            left = [*relations[:half], to_edge]
            right = [r.T for r in reversed(relations[half + 1 :])] + [from_edge]
        else:
            left = relations[:half]
            right = [r.T for r in reversed(relations[half:])]
        self._meet(_reach(left), _reach(right), middle)

    @classmethod
    def halves(
        cls, left: Sequence[sp.spmatrix], right: Sequence[sp.spmatrix], middle: np.ndarray | None = None
    ) -> HeteSimPath:
        """Walks of unequal length that meet in one type: ``left`` from the sources, ``right`` from the targets.

        The same cosine of reach distributions as HeteSim, for paths whose natural meeting point is not their
        middle — e.g. a partner's paired cities' focus areas (three steps) against a city's (one step). Meeting
        at the small type (six focus areas) also keeps the reach matrices thin where a middle split would
        form a dense city × city matrix.

        >>> path = HeteSimPath.halves([sp.csr_matrix([[1, 1]])], [sp.csr_matrix([[1, 0], [1, 1]])])
        >>> path.scores(0).round(3).tolist()
        [0.707, 1.0]
        """
        self = cls.__new__(cls)
        self._meet(
            _reach([sp.csr_matrix(m, dtype=float) for m in left]),
            _reach([sp.csr_matrix(m, dtype=float) for m in right]),
            middle,
        )
        return self

    def _meet(self, left: sp.csr_matrix, right_reach: sp.csr_matrix, middle: np.ndarray | None) -> None:
        self.left = left
        if middle is not None:
            scale = sp.diags(np.sqrt(np.asarray(middle, dtype=float)))
            self.left = sp.csr_matrix(self.left @ scale)
            right_reach = sp.csr_matrix(right_reach @ scale)
        self.right_t = sp.csr_matrix(right_reach.T)
        self.right_norm = np.sqrt(np.asarray(right_reach.multiply(right_reach).sum(axis=1)).ravel())

    def scores(self, s: int) -> np.ndarray:
        """HeteSim of source object ``s`` with every target object, in [0, 1]."""
        return self.scores_for(self.left[s])

    def scores_for(self, distribution: sp.spmatrix | np.ndarray) -> np.ndarray:
        """HeteSim of an arbitrary middle-type distribution (e.g. a planned project's) with every target."""
        row = sp.csr_matrix(distribution, dtype=float)
        dots = np.asarray((row @ self.right_t).todense()).ravel()
        norm = float(np.sqrt(row.multiply(row).sum()))
        denominator = norm * self.right_norm
        return np.divide(dots, denominator, out=np.zeros_like(dots), where=denominator > 0)


def hetesim(relations: Sequence[sp.spmatrix], middle: np.ndarray | None = None) -> np.ndarray:
    """The full HeteSim matrix (source objects × target objects) of a meta-path (small graphs).

    >>> hetesim([sp.csr_matrix([[1, 0], [1, 1]])]).round(3).tolist()
    [[0.707, 0.0], [0.5, 0.707]]
    """
    path = HeteSimPath(relations, middle)
    return np.vstack([path.scores(i) for i in range(path.left.shape[0])])
