"""The recommender: typed graph → text, meta-path, random-walk and neighbourhood signals → sourced reasons.

:mod:`~graph.similarity.typed_graph` reads the RDF graph into typed nodes, links and sparse matrices (once per
graph version); :mod:`~graph.similarity.text` (TF-IDF with the framework's thesaurus),
:mod:`~graph.similarity.metapath` (PathSim, HeteSim) and :mod:`~graph.similarity.ppr` (personalised PageRank)
score, :mod:`~graph.similarity.scoring` holds the structures; :mod:`~graph.similarity.questions` is the one
registry of questions and :mod:`~graph.similarity.recommend` the one :func:`~graph.similarity.recommend.ask`
that answers them, with reasons from :mod:`~graph.similarity.explain`, item cards from
:mod:`~graph.similarity.card` and the partner–city ties of :mod:`~graph.similarity.ties`;
:mod:`~graph.similarity.evaluate` measures it.
"""
