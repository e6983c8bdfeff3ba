"""Recommendations by graph similarity: typed graph → meta-path and random-walk scores → sourced reasons.

The layers: :mod:`~graph.similarity.typed_graph` reads the RDF graph into typed nodes, links and sparse
matrices (once per graph version); :mod:`~graph.similarity.metapath` (PathSim, HeteSim) and
:mod:`~graph.similarity.ppr` (personalised PageRank) score; :mod:`~graph.similarity.scoring` combines with
documented weights; :mod:`~graph.similarity.recommend` answers the questions with reasons;
:mod:`~graph.similarity.evaluate` measures them by leave-one-out on the bundled graph.
"""
