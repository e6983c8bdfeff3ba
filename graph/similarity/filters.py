"""The filters a user expects on a recommendation: country, focus area, status, period, exclusions.

Each filter applies to the candidate itself where it has the attribute (a project's status) and otherwise to
its projects (a city or partner passes the status filter when one of its projects has that status), so every
question takes the same filters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graph.similarity.questions import focus_area
from graph.similarity.typed_graph import TypedGraph

__all__ = ["Filters", "ResolvedFilters"]


@dataclass(frozen=True)
class Filters:
    """What the user asked to keep or leave out; entities by name, id or IRI.

    ``start_year``/``end_year`` keep what overlaps the period: a project whose stated years overlap it (a
    project without stated years is left out while a period is asked for), a city or partner with such a
    project or with a pairing starting in it.
    """

    country: str | None = None
    focus_area: str | None = None
    status: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    exclude_own_city: bool = False
    exclude_own_country: bool = False
    exclude_paired: bool = False

    def resolve(self, tg: TypedGraph) -> ResolvedFilters:
        """The same filters with entities resolved to IRIs (an unknown name raises NotFound)."""
        return ResolvedFilters(
            country=tg.resolve(self.country, "country") if self.country else None,
            focus_area=focus_area(tg, self.focus_area) if self.focus_area else None,
            status=tg.resolve(self.status.replace(" ", "_"), "status") if self.status else None,
            start_year=self.start_year,
            end_year=self.end_year,
            exclude_own_city=self.exclude_own_city,
            exclude_own_country=self.exclude_own_country,
            exclude_paired=self.exclude_paired,
        )


@dataclass(frozen=True)
class ResolvedFilters:
    """Filters with IRIs; each ``*_mask`` says, over one kind in IRI order, what passes (sparse arithmetic, so
    a filter costs the same few products at 38 cities or 10,000)."""

    country: str | None
    focus_area: str | None
    status: str | None
    start_year: int | None
    end_year: int | None
    exclude_own_city: bool
    exclude_own_country: bool
    exclude_paired: bool

    @property
    def has_period(self) -> bool:
        return self.start_year is not None or self.end_year is not None

    def _in_period(self, tg: TypedGraph, kind: str) -> np.ndarray:
        ids = tg.ids(kind)
        start = np.array([_year(tg.entities[i].start_year) for i in ids], dtype=float)
        end = np.array([_year(tg.entities[i].end_year) for i in ids], dtype=float)
        if kind == "pairing":
            end = start.copy()  # a pairing states only the year it started
        known = ~(np.isnan(start) & np.isnan(end))
        lo = np.where(np.isnan(start), end, start)
        hi = np.where(np.isnan(end), np.inf, end)
        ok = known.copy()
        if self.end_year is not None:
            ok &= lo <= self.end_year
        if self.start_year is not None:
            ok &= hi >= self.start_year
        return ok

    def _column(self, tg: TypedGraph, matrix: str, kind: str, iri: str) -> np.ndarray:
        m = tg.matrix(matrix)
        return np.asarray(m[:, tg.index(kind)[iri]].todense()).ravel() > 0

    def _project_attributes(self, tg: TypedGraph) -> np.ndarray:
        """Projects passing the focus area, status and period filters."""
        ok = np.ones(len(tg.ids("project")), dtype=bool)
        if self.focus_area:
            ok &= self._column(tg, "project_focus_area", "focus_area", self.focus_area)
        if self.status:
            ok &= self._column(tg, "project_status", "status", self.status)
        if self.has_period:
            ok &= self._in_period(tg, "project")
        return ok

    def _country_of(self, tg: TypedGraph, country: str, city_matrix) -> np.ndarray:
        in_country = self._column(tg, "city_country", "country", country).astype(float)
        return np.asarray(city_matrix @ in_country).ravel() > 0

    def project_mask(self, tg: TypedGraph) -> np.ndarray:
        """Projects passing the country, focus area, status and period filters."""
        ok = self._project_attributes(tg)
        if self.country:
            ok &= self._country_of(tg, self.country, tg.matrix("city_project").T)
        return ok

    def _through_projects(self, tg: TypedGraph, projects, pairings) -> np.ndarray:
        if not (self.focus_area or self.status or self.has_period):
            return np.ones(projects.shape[0], dtype=bool)
        ok = np.asarray(projects @ self._project_attributes(tg).astype(float)).ravel() > 0
        if self.has_period and not (self.focus_area or self.status):
            ok |= np.asarray(pairings @ self._in_period(tg, "pairing").astype(float)).ravel() > 0
        return ok

    def city_mask(self, tg: TypedGraph) -> np.ndarray:
        """Cities in the country whose projects (or, for a period alone, pairings) pass the other filters."""
        ok = self._through_projects(tg, tg.matrix("city_project"), tg.matrix("city_pairing"))
        if self.country:
            ok &= self._column(tg, "city_country", "country", self.country)
        return ok

    def partner_mask(self, tg: TypedGraph) -> np.ndarray:
        """Partners working in the country (a pairing or project there) whose projects pass the other filters."""
        projects, pairings = tg.matrix("partner_project"), tg.matrix("partner_pairing")
        ok = self._through_projects(tg, projects, pairings)
        if self.country:
            cities = projects @ tg.matrix("city_project").T + pairings @ tg.matrix("city_pairing").T
            ok &= self._country_of(tg, self.country, cities)
        return ok


def _year(value: int | None) -> float:
    return float("nan") if value is None else float(value)
