"""The README is the front door: what it says about configuration and commands must be what the code does."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from click import Group

from graph.config import Settings
from queries.library import library
from webapp import DEFAULTS
from webapp.cli import main

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def _configuration_table() -> set[str]:
    section = README[README.index("## Configuration") :]
    section = section[: section.index("\n## ", 3)] if "\n## " in section[3:] else section
    return set(re.findall(r"`(ASCN_[A-Z_]+)`", section))


def test_every_setting_is_in_the_configuration_table():
    settings = {f"ASCN_{f.name.upper()}" for f in fields(Settings)}
    app = {f"ASCN_{key}" for key in DEFAULTS if key != "MAX_CONTENT_LENGTH"}  # Flask's own, not ours to document
    commands = {
        option.envvar
        for command in _commands(main)
        for option in command.params
        if isinstance(option.envvar, str) and option.envvar.startswith("ASCN_")
    }
    assert sorted((settings | app | commands) - _configuration_table()) == []


def test_every_command_is_in_the_command_table():
    documented = set(re.findall(r"^\| `ascn ([a-z]+)", README, re.MULTILINE))
    assert sorted(set(main.commands) - documented) == []


def test_the_query_library_is_counted_as_it_stands():
    assert re.search(r"The query library \(`queries/library/\*\.rq`, (\d+) competency questions", README)[1] == str(
        len(library())
    )


def _commands(group: Group):
    for command in group.commands.values():
        yield command
        if isinstance(command, Group):
            yield from _commands(command)
