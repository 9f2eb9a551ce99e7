"""Every test gets its own real SQLite file in a temp dir and a frozen clock.

The file is a copy of a template database migrated once per session through the real
opening code (``open_db``), so a test starts from what a first command would have made
without paying for the migrations each time. A test about the file's creation (its mode,
a command on a database that is not there yet) marks itself ``@pytest.mark.fresh_db`` and
gets no file at all; tests that open databases of their own get copies from
``template_copy``, and ``seeded_once`` runs a fixture's commands once for all its tests.
"""

from __future__ import annotations

import copy
import inspect
import json
import os
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from rolodex.cli import _context, main
from rolodex.cli import app as cli_app

FROZEN_NOW = "2026-11-20T09:00:00Z"  # a Friday


def _test_environment(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    """ROLODEX_DB in ``folder``; frozen now; no colour, fixed user and zone, no width."""
    db_path = folder / "rolodex.db"
    monkeypatch.setenv("ROLODEX_DB", str(db_path))
    monkeypatch.setenv("ROLODEX_NOW", FROZEN_NOW)
    monkeypatch.setenv("ROLODEX_USER", "tester")
    monkeypatch.setenv("ROLODEX_TZ", "Europe/Berlin")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("ROLODEX_DEBUG", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # tables are not fitted to the runner's
    monkeypatch.setenv("HOME", str(folder / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "xdg"))
    return db_path


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under CI the corpus is always beside the checkout: its absence ends the run at once,
    loudly, rather than leaving the corpus tests skipped or parametrized over nothing."""
    from corpus import CORPUS, PRESENT

    if os.environ.get("CI") and not PRESENT:
        pytest.exit(f"the shared corpus is missing at {CORPUS} (CI must have it)", returncode=4)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a database as the first command leaves it: created and migrated by
    ``open_db`` under the tests' environment, then closed, which checkpoints the WAL into
    the file and removes the -wal and -shm files, so the file alone is the database."""
    from rolodex.store.opening import open_db

    folder = tmp_path_factory.mktemp("template")
    with pytest.MonkeyPatch.context() as monkeypatch:
        path = _test_environment(monkeypatch, folder)
        db = open_db(path)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    return path.read_bytes()


def _write_copy(path: Path, data: bytes) -> None:
    """The template at ``path``, created with the mode rolodex creates its database with."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


@pytest.fixture
def template_copy(template_db: bytes) -> Callable[[Path], Path]:
    """Make another database besides ROLODEX_DB's: ``template_copy(tmp_path / "r.db")``
    writes the migrated template there (as a first ``open_db`` would leave it) and
    returns the path, for tests that open databases of their own."""
    def write(path: Path) -> Path:
        _write_copy(path, template_db)
        return path

    return write


@pytest.fixture(autouse=True)
def isolated(request: pytest.FixtureRequest, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ROLODEX_DB at a copy of the migrated template (no file at all under
    ``@pytest.mark.fresh_db``); freeze now; no colour, fixed user and zone."""
    db_path = _test_environment(monkeypatch, tmp_path)
    if request.node.get_closest_marker("fresh_db") is None:
        _write_copy(db_path, request.getfixturevalue("template_db"))
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


_BUILT: dict[str | None, object] = {}
_build = cli_app.build


def _build_once(argv: list[str] | None = None):
    """``cli_app.build`` with its click command made once per session: turning a Typer
    app into click's commands reads every signature again (a command line's own process
    does it once), which was most of an in-process run's time. ``build`` depends on the
    command word alone (everything when there is none or it is unknown), and a click
    command keeps no state between invocations, so each run is the one its process
    would make; the first run of each word still goes through ``build``."""
    word = cli_app.command_word(argv) if argv is not None else None
    key = word if word in cli_app.GROUPS or word in cli_app.COMMANDS else None
    if key not in _BUILT:
        _BUILT[key] = typer.main.get_command(_build(argv))
    return _BUILT[key]


def run_cli(argv: list[str], input: str | None = None) -> Result:
    """The real entry point in-process, error boundary included; usable outside a test
    (a module-scoped fixture seeding a database once)."""
    _context.state.close()
    _context.state.__init__()
    old_argv, sys.argv = sys.argv, ["rolodex", *argv]
    code = 0
    with CliRunner().isolation(input=input) as (out, err, _):
        cli_app.build = _build_once
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            cli_app.build = _build
            _context.state.close()
            sys.argv = old_argv
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return Result(code, stdout, stderr)


def _run(args: str | list[str], input: str | None = None) -> Result:
    return run_cli(shlex.split(args) if isinstance(args, str) else list(args), input)


@pytest.fixture
def rolodex() -> Callable[..., Result]:
    """Run the real CLI: ``rolodex("contact list -f json")`` or a list of args; stdin
    from ``input``."""
    return _run


JANE = ["add", "Jane Doe", "-e", "jane@acme.example (work)", "-p", "+1 (555) 010-0100 (mobile)",
        "-c", "Acme Ltd", "-t", "vip", "--birthday", "1985-04-15", "--status", "customer"]


@pytest.fixture
def jane(rolodex) -> int:
    result = rolodex(JANE)
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


@pytest.fixture
def permissive_umask():
    """The usual umask (022), which leaves new files and folders readable by everyone
    unless rolodex says otherwise: permission tests must not rely on a strict one."""
    old = os.umask(0o022)
    yield
    os.umask(old)


_SEEDED: dict[Callable, tuple[bytes, Any]] = {}


def seeded_once(seed: Callable[..., Any]):
    """Make ``seed`` a fixture whose commands run once, not once per test.

    ``seed`` takes any of ``rolodex``, ``monkeypatch`` and ``isolated`` (the database it
    writes) and returns the fixture's value. It runs the first time a test asks for it, on a
    copy of the template in a folder of its own under the tests' environment; each test then
    starts from its own copy of the file the seed left (free to change it) and a copy of the
    value. A seed must write nothing but the database (no export, no backup), and the
    fixture must come before any other that writes to the test's database."""
    wanted = inspect.signature(seed).parameters

    @pytest.fixture(name=seed.__name__)
    def fixture(isolated: Path, template_db: bytes,
                tmp_path_factory: pytest.TempPathFactory) -> Any:
        if seed not in _SEEDED:
            folder = tmp_path_factory.mktemp(seed.__name__)
            with pytest.MonkeyPatch.context() as monkeypatch:
                path = _test_environment(monkeypatch, folder)
                _write_copy(path, template_db)
                given = {"rolodex": _run, "monkeypatch": monkeypatch, "isolated": path}
                value = seed(**{name: given[name] for name in wanted})
                _context.state.close()
            left = [p.name for p in folder.iterdir()]
            assert left == [path.name], f"a seed writes only the database, not {left}"
            _SEEDED[seed] = (path.read_bytes(), value)
        data, value = _SEEDED[seed]
        assert isolated.read_bytes() == template_db and not Path(f"{isolated}-wal").exists(), (
            f"{seed.__name__} comes before the fixtures that open the database")
        isolated.write_bytes(data)
        return copy.deepcopy(value)

    return fixture
