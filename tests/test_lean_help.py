"""``rolodex ... --help`` printed from the stored texts (#18): the same bytes Typer prints,
without importing Typer, Click or Rich; Typer again where the text would differ."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rolodex.cli._help_texts import TEXTS


def rolodex(*args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "rolodex", *args],
                          capture_output=True, text=True, env={**environ, **env},
                          timeout=60)


def imported(result: subprocess.CompletedProcess) -> set[str]:
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines()
            if line.startswith("import time:")}


@pytest.mark.parametrize("args", [("--help",), ("-h",), ("contact", "add", "--help"),
                                  ("campaign", "run", "-h"), ("sync", "--help")])
def test_help_is_the_stored_text_without_typer(args):
    result = rolodex(*args)
    assert result.returncode == 0
    assert result.stdout == TEXTS[args[:-1]]
    modules = imported(result)
    assert not {"typer", "click", "rich"} & {m.split(".")[0] for m in modules}


def test_every_command_has_its_text():
    import typer

    from rolodex.cli.app import app

    def walk(command, prefix=()):
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield (*prefix, name)
            if getattr(sub, "commands", None):
                yield from walk(sub, (*prefix, name))

    assert set(TEXTS) == {(), *walk(typer.main.get_command(app))}


@pytest.mark.parametrize("args", [("--db", "x.db", "--help"), ("nosuch", "--help"),
                                  ("contact", "--bogus", "--help")])
def test_other_lines_go_to_typer(args):
    result = rolodex(*args)
    assert "typer" in {m.split(".")[0] for m in imported(result)}


def test_a_narrow_terminal_gets_typer_wrapping():
    narrow = rolodex("contact", "add", "--help", COLUMNS="60")
    assert narrow.returncode == 0 and narrow.stdout != TEXTS[("contact", "add")]
    assert "typer" in {m.split(".")[0] for m in imported(narrow)}
