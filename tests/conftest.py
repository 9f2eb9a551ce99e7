"""Every test gets its own real SQLite file in a temp dir and a frozen clock."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rolodex.cli import _context, main

FROZEN_NOW = "2026-11-20T09:00:00Z"  # a Friday


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ROLODEX_DB at a fresh file; freeze now; no colour, fixed user and zone."""
    db_path = tmp_path / "rolodex.db"
    monkeypatch.setenv("ROLODEX_DB", str(db_path))
    monkeypatch.setenv("ROLODEX_NOW", FROZEN_NOW)
    monkeypatch.setenv("ROLODEX_USER", "tester")
    monkeypatch.setenv("ROLODEX_TZ", "Europe/Berlin")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("ROLODEX_DEBUG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    _context.state.close()
    _context.state.__init__()
    yield db_path
    _context.state.close()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)

    def jsonl(self) -> list:
        return [json.loads(line) for line in self.stdout.splitlines()]


def run_cli(argv: list[str], input: str | None = None) -> Result:
    """The real entry point in-process, error boundary included; usable outside a test
    (a module-scoped fixture seeding a database once)."""
    _context.state.close()
    _context.state.__init__()
    old_argv, sys.argv = sys.argv, ["rolodex", *argv]
    code = 0
    with CliRunner().isolation(input=input) as (out, err, _):
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            _context.state.close()
            sys.argv = old_argv
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return Result(code, stdout, stderr)


@pytest.fixture
def rolodex() -> Callable[..., Result]:
    """Run the real CLI: ``rolodex("contact list -f json")`` or a list of args; stdin
    from ``input``."""
    def run(args: str | list[str], input: str | None = None) -> Result:
        return run_cli(shlex.split(args) if isinstance(args, str) else list(args), input)

    return run


@pytest.fixture
def jane(rolodex) -> int:
    result = rolodex(["add", "Jane Doe", "-e", "jane@acme.example (work)", "-p",
                      "+1 (555) 010-0100 (mobile)", "-c", "Acme Ltd", "-t", "vip",
                      "--birthday", "1985-04-15", "--status", "customer"])
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


@pytest.fixture
def permissive_umask():
    """The usual umask (022), which leaves new files and folders readable by everyone
    unless rolodex says otherwise: permission tests must not rely on a strict one."""
    import os

    old = os.umask(0o022)
    yield
    os.umask(old)
