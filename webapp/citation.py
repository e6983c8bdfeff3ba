""" "Cite this": BibTeX and CFF for the current release of the data, on ``/data`` and as files.

A citation names the release (its version and date, from :mod:`graph.releases`) and a link that pins it
(``/query?release=<version>``: queries from there run on that release's data), so a reader can check the cited
figures against the same data. The repository's own ``CITATION.cff`` cites the software.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort

from graph.releases import Release, current_release
from webapp.site_url import site_url_for
from webapp.store import get_store

bp = Blueprint("citation", __name__)

TITLE = "ASEAN Smart Cities Network knowledge graph"
AUTHOR = "ascn-kg contributors"
LICENSE = "CC-BY-4.0"
"""The data's licence, as the VoID description states it (dcterms:license, CC BY 4.0)."""


def release_or_404() -> Release:
    release = current_release(get_store())
    if release is None:
        abort(404, description="the store holds no release yet: run `ascn build`")
    return release


def pinned_url(release: Release) -> str:
    """The link that pins ``release``: the query editor on that release's data."""
    return site_url_for("tools.query_page", release=release.version)


def bibtex(release: Release, url: str) -> str:
    """A BibTeX ``@misc`` entry for ``release``.

    >>> r = Release("2026-12-06.3", 3, "2026-12-06T12:30:00+00:00", "build", "")
    >>> print(bibtex(r, "http://x/query?release=2026-12-06.3"))
    @misc{ascn-kg-2026-12-06.3,
      title = {{ASEAN Smart Cities Network knowledge graph}},
      author = {{ascn-kg contributors}},
      year = {2026},
      month = dec,
      version = {2026-12-06.3},
      howpublished = {\\url{http://x/query?release=2026-12-06.3}},
      note = {Release 2026-12-06.3 of 2026-12-06, CC-BY-4.0},
    }
    """
    day = release.issued[:10]
    month = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")[int(day[5:7]) - 1]
    key = re.sub(r"[^A-Za-z0-9.-]", "-", f"ascn-kg-{release.version}")
    return "\n".join(
        [
            f"@misc{{{key},",
            f"  title = {{{{{TITLE}}}}},",
            f"  author = {{{{{AUTHOR}}}}},",
            f"  year = {{{day[:4]}}},",
            f"  month = {month},",
            f"  version = {{{release.version}}},",
            f"  howpublished = {{\\url{{{url}}}}},",
            f"  note = {{Release {release.version} of {day}, {LICENSE}}},",
            "}",
        ]
    )


def cff(release: Release, url: str) -> str:
    """A Citation File Format (1.2.0) document for ``release``, as a dataset.

    >>> r = Release("2026-12-06.3", 3, "2026-12-06T12:30:00+00:00", "build", "")
    >>> print(cff(r, "http://x/query?release=2026-12-06.3").splitlines()[6])
    version: "2026-12-06.3"
    """
    return "\n".join(
        [
            "cff-version: 1.2.0",
            'message: "If you use this data, please cite this release of it."',
            "type: dataset",
            f'title: "{TITLE}"',
            "authors:",
            f'  - name: "{AUTHOR}"',
            f'version: "{release.version}"',
            f"date-released: {release.issued[:10]}",
            f"license: {LICENSE}",
            f'url: "{url}"',
            "",
        ]
    )


@bp.get("/data/cite.<ext>")
def cite(ext: str) -> Response:
    """The current release's citation as a file: ``cite.bib`` (BibTeX) or ``cite.cff`` (CFF)."""
    release = release_or_404()
    url = pinned_url(release)
    if ext == "bib":
        body, media = bibtex(release, url), "application/x-bibtex"
    elif ext == "cff":
        body, media = cff(release, url), "application/x-yaml"
    else:
        abort(404, description=f"no citation format {ext!r}; there are cite.bib and cite.cff")
    response = Response(body, mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="ascn-kg-{release.version}.{ext}"'
    return response
