"""PathSim and HeteSim on tiny graphs whose scores are worked out by hand (networkx test style)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from graph.similarity.metapath import HeteSimPath, PathSimPath, hetesim, inverse_frequency, pathsim, transition


def test_P3_pathsim():
    # x – f – y and z – g: x and y share f; z shares nothing.  M = W Wᵀ = [[1,1,0],[1,1,0],[0,0,1]].
    half = sp.csr_matrix([[1, 0], [1, 0], [0, 1]])
    assert pathsim(half).tolist() == [[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]


def test_pathsim_rewards_peers_of_similar_visibility():
    # x has 1 path to f; y has 3 (three projects in f).  M[x,y] = 3, M[x,x] = 1, M[y,y] = 9 → 2·3/10 = 0.6.
    half = sp.csr_matrix([[1], [3]])
    assert pathsim(half)[0, 1] == pytest.approx(0.6)


def test_pathsim_middle_weights_scale_shared_attributes():
    # x: {f, g}, y: {f}; weights f = 1, g = 3.  M[x,y] = 1, M[x,x] = 4, M[y,y] = 1 → 2/5 = 0.4.
    half = sp.csr_matrix([[1, 1], [1, 0]])
    assert PathSimPath(half, np.array([1.0, 3.0])).scores(0)[1] == pytest.approx(0.4)
    assert PathSimPath(half).scores(0)[1] == pytest.approx(2 / 3)


def test_pathsim_of_an_object_without_paths_is_zero():
    half = sp.csr_matrix([[0, 0], [1, 0]])
    assert PathSimPath(half).scores(0).tolist() == [0.0, 0.0]


def test_K2_hetesim_even_path():
    # authors a1: papers {p1, p2}, a2: {p2, p3}; venues v1: {p1, p2}, v2: {p3}.
    # a1 → papers (½, ½, 0); v1 → papers (½, ½, 0); cosine = 1.  a2 → (0, ½, ½) vs v1: ¼ / (√½·√½) = ½;
    # a2 vs v2 → (0, 0, 1): ½ / √½ = √½.
    writes = sp.csr_matrix([[1, 1, 0], [0, 1, 1]])
    published = sp.csr_matrix([[1, 0], [1, 0], [0, 1]])
    assert np.allclose(hetesim([writes, published]), [[1.0, 0.0], [0.5, np.sqrt(0.5)]])


def test_P2_hetesim_odd_path_uses_edge_objects():
    # One relation a0–b0, a1–b0, a1–b1: three edge objects e0, e1, e2.
    # a0 → (1, 0, 0), a1 → (0, ½, ½); b0 → (½, ½, 0), b1 → (0, 0, 1).
    # HeteSim(a0, b0) = ½ / (1 · √½) = √½; (a1, b0) = ¼ / (√½ · √½) = ½; (a1, b1) = ½ / √½ = √½.
    r = sp.csr_matrix([[1, 0], [1, 1]])
    expected = [[np.sqrt(0.5), 0.0], [0.5, np.sqrt(0.5)]]
    assert np.allclose(hetesim([r]), expected)


def test_hetesim_is_symmetric_in_the_reversed_path():
    rng = np.random.default_rng(7)
    a = sp.csr_matrix((rng.random((4, 5)) > 0.5).astype(float))
    b = sp.csr_matrix((rng.random((5, 3)) > 0.5).astype(float))
    c = sp.csr_matrix((rng.random((3, 6)) > 0.5).astype(float))
    forward = hetesim([a, b, c])
    backward = hetesim([c.T, b.T, a.T])
    assert np.allclose(forward, backward.T)


def test_hetesim_middle_weights_change_the_cosine():
    # a → (½, ½) over two focus areas; t0 → (1, 0).  Unweighted cos = √½; weights (1, 3): ½·1 / (√(¼+¾)·1) = ½.
    left = sp.csr_matrix([[1, 1]])
    right = sp.csr_matrix([[1], [0]])
    assert HeteSimPath([left, right]).scores(0)[0] == pytest.approx(np.sqrt(0.5))
    assert HeteSimPath([left, right], np.array([1.0, 3.0])).scores(0)[0] == pytest.approx(0.5)


def test_hetesim_relations_must_chain():
    with pytest.raises(ValueError, match="do not chain"):
        HeteSimPath([sp.csr_matrix((2, 3)), sp.csr_matrix((2, 2))])
    with pytest.raises(ValueError, match="at least one relation"):
        HeteSimPath([])


def test_transition_leaves_empty_rows_empty():
    assert transition(sp.csr_matrix([[0, 0], [2, 2]])).toarray().tolist() == [[0.0, 0.0], [0.5, 0.5]]


def test_inverse_frequency_downweights_common_attributes():
    weights = inverse_frequency(sp.csr_matrix([[1, 1, 0], [1, 0, 0], [1, 0, 0]]))
    assert weights[0] < weights[1]
    assert weights[2] == 0.0
    assert weights[0] == pytest.approx(np.log(2))
