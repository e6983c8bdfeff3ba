"""The remote backend at scale, small: docs/remote-store.md's "At scale" recipe (:mod:`benchmarks.remote`) runs
end to end at 10,000 triples on a real Oxigraph server and a real Virtuoso, through the real ``ascn`` commands
and a real ``ascn serve``, so the documented steps keep working; a step that fails stops the run and says which."""

from __future__ import annotations

import pytest

from benchmarks import remote
from benchmarks.load import synthetic_file
from benchmarks.servers import ServerError
from tests.conftest import skip_without_virtuoso

LOAD = {
    "oxigraph": ["ascn load FILE --name synthetic"],
    "virtuoso": [
        "ascn build (embedded, to check FILE)",
        "ascn load FILE (embedded, the check)",
        "Virtuoso bulk load of FILE",
    ],
}
STEPS = {
    server: [
        "start the server",
        "ascn build",
        *load,
        "ascn stats",
        "ascn recommend cities --city syn-city-000000",
        "ascn recommend partners --city syn-city-000000",
        "ascn query projects_of_city",
        "start ascn serve",
        "GET / (home page)",
        "GET /projects (project search)",
        "GET /id/city/syn-city-000000 (entity page)",
        "GET /api/recommend/cities?city=syn-city-000000",
        "GET /api/queries/projects_of_city",
        "GET /sparql (count the synthetic graph)",
    ]
    for server, load in LOAD.items()
}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return synthetic_file(tmp_path_factory.mktemp("remote-recipe"), 10_000)


@pytest.mark.parametrize("server", sorted(STEPS))
def test_the_at_scale_recipe_runs_every_step_on_a_real_server(server, synthetic, tmp_path):
    if server == "virtuoso":
        skip_without_virtuoso()
    path, count = synthetic
    said: list[str] = []
    report = remote.run(server, path, count, tmp_path, say=said.append)
    assert list(report.steps) == STEPS[server]
    assert report.triples == count >= 10_000
    assert report.server_peak_rss_mb >= report.server_rss_mb > 50
    assert report.disk_mb > 1
    assert report.lines()[0] == f"## {server}: {count:,} synthetic triples"


def test_a_failing_step_stops_the_recipe_and_names_the_command(tmp_path):
    missing = tmp_path / "no-such-file.nt"
    with pytest.raises(remote.RecipeError, match=r"ascn load .*no-such-file\.nt --name synthetic exited with 2"):
        remote.run("oxigraph", missing, 0, tmp_path, say=lambda line: None)


def test_virtuosos_bulk_loader_refuses_a_bad_file_and_names_it_and_the_line(virtuoso_scratch, tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text(
        "<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
        '<https://example.org/a> <https://example.org/b> "unterminated .\n',
        encoding="utf-8",
    )
    with pytest.raises(ServerError, match=rf"bulk loader refused {bad}: {bad}: .*line \d+: Unterminated"):
        virtuoso_scratch.bulk_load(bad, "https://w3id.org/ascn/graph/user/bad")
    assert not any((virtuoso_scratch.location / "import").iterdir())  # the file's link is gone
