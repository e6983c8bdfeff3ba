"""The one lock for the writes that read the store and write it back whole, in a module of its own: the build
(:mod:`loaders.dataset`) takes it, and importing it from :mod:`loaders.ingest.proposals` put the ingester's language
models (spaCy, about 2 s) on the start of every ``ascn`` command."""

from __future__ import annotations

import threading

WRITING = threading.Lock()
"""One change of the proposals graph or of the releases at a time in a process. An ingest, an acceptance and a
rejection each read the graph, change it and write it whole, so two at once (two curators on /review, a review
beside an ingest handed to ``ascn serve``) kept the later and lost the earlier: its proposals, or its review with the
facts it accepted. A build takes it too (:func:`loaders.dataset.build`), since it also reads the releases and writes
the next. Processes are kept apart by the embedded store's own lock."""
