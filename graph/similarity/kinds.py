"""The kinds of entity and of link the recommender's typed graph holds (:mod:`graph.similarity.typed_graph`), in a
module of their own so that what reads the graph's names (:mod:`graph.similarity.names`) shares them without
importing the graph."""

from __future__ import annotations

from collections.abc import Mapping

KINDS = ("city", "country", "project", "focus_area", "outcome", "partner", "programme", "pairing", "practice", "status")

RELATIONS: Mapping[str, tuple[str, str]] = {
    # relation name (as the edges query binds it) → (kind of source, kind of target)
    "in_country": ("city", "country"),
    "in_city": ("project", "city"),
    "other_city": ("project", "city"),
    "focus_area": ("project", "focus_area"),
    "strategic_outcome": ("project", "outcome"),
    "involves_partner": ("project", "partner"),
    "status": ("project", "status"),
    "paired_city": ("pairing", "city"),
    "paired_partner": ("pairing", "partner"),
    "under_programme": ("pairing", "programme"),
    "runs_programme": ("partner", "programme"),
    "parent_partner": ("partner", "partner"),
    "concerns_project": ("practice", "project"),
    "concerns_city": ("practice", "city"),
}
