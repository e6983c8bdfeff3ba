"""``ascn load`` killed with SIGKILL at random points leaves the store exactly as before or exactly as after.

The store holds the bundled build plus a user graph ``test-bulk`` loaded from one of two versions of a
synthetic file (the same ids, different text). Each round loads the *other* version and kills the process at a
random moment; the N-Quads export of the store must then equal one of the two snapshots taken after complete
loads, never anything between. A share of the kills is aimed at the end of a load, where the write happens: the
staging database exists for the last ~1 s of a ~2.2 s load of the file's 300 records (~2 700 triples), for about
as long as with 800 records, since the write copies the bundled build whatever the file's size; more records
only lengthen the parse before it, and each round with it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from graph.backends import open_store
from graph.config import Settings
from tests.conftest import store_copy

RECORDS = 300
ROUNDS = 20
ROUND_BUDGET = 30.0
"""Seconds the kill rounds may take together; at least MIN_ROUNDS must fit."""
MIN_ROUNDS = 10
MAX_ROUNDS = 60
"""Rounds after which too few kills interrupting a load is a failure: on a busy machine a load's length varies, so
a kill timed from the measured length may land after the load ended; the test goes on until enough interrupted."""
ASCN = Path(sys.executable).with_name("ascn")
FOCUS_AREAS = [
    "built_infrastructure",
    "quality_environment",
    "safety_security",
    "civic_social",
    "health_wellbeing",
    "industry_innovation",
]


def synthetic_projects(version: str, bad_at: int | None = None) -> str:
    """A user file of RECORDS projects of Phuket with ids ``test-bulk-<version>-<n>``; ``bad_at`` spoils one."""
    records = [
        {
            "id": f"test-bulk-{version}-{n}",
            "name": f"Synthetic test project {n} ({version})",
            "city": "phuket",
            "focus_areas": [FOCUS_AREAS[n % len(FOCUS_AREAS)]],
            "description": f"Synthetic record {n}, version {version}, written by the crash-safety test.",
            "status": "finished" if n == bad_at else "planning",
            "status_as_of": "2026-06",
            "sources": ["asean_ascn_page"],
        }
        for n in range(RECORDS)
    ]
    return "# Test example only: synthetic projects for the crash-safety test.\n" + yaml.safe_dump(
        {"type": "project", "records": records}, sort_keys=False
    )


def snapshot(settings: Settings) -> frozenset[bytes]:
    """The store's whole content as a set of N-Quads lines (opening it also recovers after a crash)."""
    return read(settings)[0]


def read(settings: Settings) -> tuple[frozenset[bytes], str]:
    """The store's content as a set of N-Quads lines, and the key it keeps with its content (the same at every
    opening until a write), read at one opening (which also recovers after a crash)."""
    store = open_store(settings)
    try:
        assert store.version_lasts
        return frozenset(store.export("nquads").splitlines()), store.version()
    finally:
        store.close()


def ascn(settings: Settings, *args: str, **kwargs) -> subprocess.Popen:
    # a load killed by SIGKILL cannot remove its temporary files: they go inside the test's own folder, not /tmp
    temporary = settings.data_dir.parent / "tmp"
    temporary.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "ASCN_DATA_DIR": str(settings.data_dir),
        "ASCN_AUTO_BUILD": "false",
        "TMPDIR": str(temporary),
    }
    return subprocess.Popen([str(ASCN), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def finish(process: subprocess.Popen, timeout: float = 600) -> tuple[int, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, (out + err).decode()


@pytest.fixture
def bulk(tmp_path, bundled_graphs):
    """Settings of a store with the bundled build, and the two versions of the bulk file plus a spoilt one."""
    files = {}
    for version in ("a", "b"):
        files[version] = tmp_path / version / "test-bulk.yaml"
        files[version].parent.mkdir()
        files[version].write_text(synthetic_projects(version), encoding="utf-8")
    files["bad"] = tmp_path / "bad" / "test-bulk.yaml"
    files["bad"].parent.mkdir()
    files["bad"].write_text(synthetic_projects("bad", bad_at=RECORDS // 2), encoding="utf-8")
    return store_copy(tmp_path / "data", bundled_graphs), files


def test_a_killed_load_leaves_the_store_as_before_or_as_after(bulk):
    settings, files = bulk
    durations, states = {}, {}
    for version in ("a", "b"):
        started = time.monotonic()
        code, output = finish(ascn(settings, "load", str(files[version])))
        durations[version] = time.monotonic() - started
        assert code == 0, output
        states[version] = snapshot(settings)
    assert states["a"] != states["b"]
    assert len(states["b"] - states["a"]) > 5 * RECORDS  # the versions differ in thousands of quads

    rng = random.Random(20261125)
    full = max(durations.values())
    current, outcomes, rounds_started = "b", [], time.monotonic()
    key = read(settings)[1]

    def enough() -> bool:
        interrupted = outcomes.count(("killed", "before"))
        if len(outcomes) >= MAX_ROUNDS or (len(outcomes) >= ROUNDS and interrupted >= MIN_ROUNDS // 3):
            return True
        in_budget = time.monotonic() - rounds_started < ROUND_BUDGET
        return not in_budget and len(outcomes) >= MIN_ROUNDS and interrupted >= MIN_ROUNDS // 3

    while not enough():
        other = "a" if current == "b" else "b"
        # half the kills anywhere in a load, half in its last third, where the write happens
        delay = rng.uniform(0, full * 1.1) if rng.random() < 0.5 else rng.uniform(full * 0.67, full * 1.1)
        process = ascn(settings, "load", str(files[other]))
        time.sleep(delay)
        killed = process.poll() is None
        if killed:
            process.send_signal(signal.SIGKILL)
        code, output = finish(process)
        before = key
        state, key = read(settings)
        assert state in (states["a"], states["b"]), (
            f"round {len(outcomes) + 1}: after a kill at {delay:.2f} s the store is neither before nor after: "
            f"{len(state - states[current])} quads more than before, {len(states[current] - state)} fewer"
        )
        now = "a" if state == states["a"] else "b"
        if not killed:
            assert code == 0 and now == other, output
        # the key changes with the content, and only then: what is derived from the content is kept under it
        assert (key == before) == (now == current), f"round {len(outcomes) + 1}: the content key is not the content's"
        outcomes.append(("killed" if killed else "finished", "after" if now == other else "before"))
        current = now
    counts = {o: outcomes.count(o) for o in sorted(set(outcomes))}
    print(
        f"\nkilled loads: {len(outcomes)} rounds in {time.monotonic() - rounds_started:.0f} s "
        f"(a full load takes {full:.1f} s): {counts}"
    )
    assert len(outcomes) >= MIN_ROUNDS
    assert counts.get(("killed", "before"), 0) >= MIN_ROUNDS // 3  # most kills really interrupted a load
    # opening the store (each round's check did) removed the snapshots killed loads had begun to write
    assert [p.suffix for p in (settings.data_dir / "graphs").iterdir()] == [".nq"]

    code, output = finish(ascn(settings, "validate"))
    assert code == 0, output
    assert "conforms" in output

    before = snapshot(settings)
    code, output = finish(ascn(settings, "load", str(files["bad"])))
    assert code == 2
    assert f"record 'test-bulk-bad-{RECORDS // 2}'" in output and "status" in output
    assert snapshot(settings) == before
