"""A damaged data directory never costs a loaded graph: every kind of damage is a clear error naming it and
`ascn repair`, and the repair restores every loaded graph (from its N-Quads snapshot) beside a fresh bundled
build, setting the damaged store aside instead of deleting it."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.backends import open_store, repair_store
from graph.backends.oxigraph import OxigraphStore
from graph.config import Settings
from loaders.dataset import USER_PREFIX, unload, user_graphs
from tests.conftest import PROTOCOL_GRAPHS, store_copy


def _live(data: Path) -> Path:
    return data / os.readlink(data / "current")


def _files(data: Path, pattern: str) -> list[str]:
    return sorted(glob.glob(str(_live(data) / pattern)))


def _overwrite(path: str, at: int, size: int) -> None:
    with open(path, "r+b") as f:
        f.seek(at)
        f.write(b"\xa5" * size)


DAMAGE = {
    "current link removed": lambda d: (d / "current").unlink(),
    "current link dangling": lambda d: ((d / "current").unlink(), (d / "current").symlink_to("stores/store-gone")),
    "current link is a file": lambda d: ((d / "current").unlink(), (d / "current").write_text("x")),
    "current link is a directory": lambda d: ((d / "current").unlink(), (d / "current").mkdir()),
    "current link points to an empty directory": lambda d: (
        (d / "stores" / "store-empty").mkdir(),
        (d / "current").unlink(),
        (d / "current").symlink_to("stores/store-empty"),
    ),
    "store directory deleted": lambda d: shutil.rmtree(_live(d)),
    "stores folder deleted": lambda d: shutil.rmtree(d / "stores"),
    "store directory emptied": lambda d: [os.remove(f) for f in _files(d, "*")],
    "RocksDB CURRENT deleted": lambda d: os.remove(_live(d) / "CURRENT"),
    "RocksDB CURRENT emptied": lambda d: open(_live(d) / "CURRENT", "w").close(),
    "RocksDB CURRENT names a missing MANIFEST": lambda d: (_live(d) / "CURRENT").write_text("MANIFEST-999999\n"),
    "MANIFEST deleted": lambda d: [os.remove(f) for f in _files(d, "MANIFEST-*")],
    "MANIFEST truncated": lambda d: [os.truncate(f, os.path.getsize(f) // 2) for f in _files(d, "MANIFEST-*")],
    "an .sst truncated": lambda d: [os.truncate(f, os.path.getsize(f) // 2) for f in _files(d, "*.sst")[:1]],
    "an .sst deleted": lambda d: [os.remove(f) for f in _files(d, "*.sst")[:1]],
    "every .sst deleted": lambda d: [os.remove(f) for f in _files(d, "*.sst")],
    "an .sst footer overwritten": lambda d: [
        _overwrite(f, os.path.getsize(f) - 64, 64) for f in _files(d, "*.sst")[:1]
    ],
    "every .sst's blocks overwritten": lambda d: [
        _overwrite(f, 0, min(4096, os.path.getsize(f) // 2)) for f in _files(d, "*.sst")
    ],
}


@pytest.fixture(scope="module")
def healthy(tmp_path_factory, bundled_graphs):
    """A data directory with the bundled build and three loaded files, and each loaded graph's triple count."""
    settings = store_copy(tmp_path_factory.mktemp("healthy") / "data", bundled_graphs, PROTOCOL_GRAPHS)
    store = open_store(settings)
    try:
        counts = {
            name: len(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"))
            for name in user_graphs(store)
        }
    finally:
        store.close()
    assert len(counts) == 3 and all(counts.values())
    return settings.data_dir, counts


def _ascn(data: Path, *args: str) -> subprocess.CompletedProcess:
    ascn = Path(sys.executable).with_name("ascn")
    return subprocess.run(
        [str(ascn), *args], capture_output=True, text=True, timeout=300, env={**os.environ, "ASCN_DATA_DIR": str(data)}
    )


def _user_counts(data: Path) -> dict[str, int]:
    store = open_store(Settings(data_dir=data, auto_build=False))
    try:
        return {
            name: len(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"))
            for name in user_graphs(store)
        }
    finally:
        store.close()


@pytest.mark.parametrize("kind", DAMAGE)
def test_damage_is_a_clear_error_and_repair_loses_no_loaded_graph(tmp_path, healthy, bundled_graphs, kind):
    source, counts = healthy
    data = tmp_path / "data"
    shutil.copytree(source, data, symlinks=True)
    DAMAGE[kind](data)

    done = _ascn(data, "stats")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert "damaged" in done.stderr and "run `ascn repair`" in done.stderr, done.stderr
    again = _ascn(data, "stats")  # nothing was rebuilt or deleted in between: the same refusal
    assert again.returncode == 2 and again.stderr == done.stderr

    report = repair_store(
        Settings(data_dir=data, auto_build=False), bundled_graphs, keep=lambda name: name.startswith(USER_PREFIX)
    )
    assert sorted(report["restored"]) == sorted(counts)
    assert _user_counts(data) == counts  # 0 loaded graphs lost, each whole
    assert all(Path(p).exists() for p in report["set_aside"])
    assert _ascn(data, "stats").returncode == 0


@pytest.mark.parametrize("command", ["repair", "build"])
def test_the_commands_repair_a_damaged_store_and_keep_the_loaded_graphs(tmp_path, healthy, command):
    source, counts = healthy
    data = tmp_path / "data"
    shutil.copytree(source, data, symlinks=True)
    damaged = _live(data)
    os.remove(damaged / "CURRENT")

    done = _ascn(data, command)
    assert done.returncode == 0, done.stderr
    assert f"restored {sorted(counts)[0]} from its snapshot" in done.stderr
    assert _user_counts(data) == counts
    assert (data / "set-aside").is_dir() and not damaged.exists()
    assert [p.name for p in (data / "set-aside").glob("*/*")] == [damaged.name]


def test_unload_removes_the_snapshot_and_a_repair_does_not_bring_the_graph_back(tmp_path, healthy, bundled_graphs):
    source, counts = healthy
    data = tmp_path / "data"
    shutil.copytree(source, data, symlinks=True)
    assert _ascn(data, "unload", "data1").returncode == 0
    assert len(list((data / "graphs").glob("*.nq"))) == 2
    (data / "current").unlink()
    repair_store(Settings(data_dir=data, auto_build=False), bundled_graphs, keep=lambda n: n.startswith(USER_PREFIX))
    assert _user_counts(data) == {n: c for n, c in counts.items() if not n.endswith("/data1")}


def test_an_unload_stopped_by_ctrl_c_leaves_a_store_that_opens(tmp_path, healthy, monkeypatch):
    """Ctrl-C as the drop of a graph returned (an unload of a 200k-triple file takes seconds) left the snapshot of a
    graph the store no longer held: every later command said the store was damaged and asked for a repair."""
    source, counts = healthy
    data = tmp_path / "data"
    shutil.copytree(source, data, symlinks=True)
    dropping = OxigraphStore._update

    def interrupted(self, update):
        dropping(self, update)
        raise KeyboardInterrupt

    store = open_store(Settings(data_dir=data, auto_build=False))
    monkeypatch.setattr(OxigraphStore, "_update", interrupted)
    try:
        with pytest.raises(KeyboardInterrupt):
            unload(store, "data1")
    finally:
        monkeypatch.undo()
        store.close()
    done = _ascn(data, "stats")
    assert done.returncode == 0, done.stderr
    assert _user_counts(data) == {n: c for n, c in counts.items() if not n.endswith("/data1")}


def test_a_repair_beside_a_process_writing_the_store_is_refused_and_moves_nothing(tmp_path, healthy):
    """`ascn repair` opened no store read-write, so it took no lock: beside an `ascn load` it switched `current` and
    moved the store that load was writing into set-aside/. It now takes RocksDB's own lock of every store first and
    is refused, naming the store, while another process holds one."""
    source, counts = healthy
    data = tmp_path / "data"
    shutil.copytree(source, data, symlinks=True)
    live = _live(data)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); print('open', flush=True); sys.stdin.read()",
            str(live),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        done = _ascn(data, "repair")
    finally:
        holder.communicate("")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"the store at {live} is in use by another process" in done.stderr, done.stderr
    assert _live(data) == live and not (data / "set-aside").exists()
    assert _ascn(data, "repair").returncode == 0 and _user_counts(data) == counts  # once that process is gone
