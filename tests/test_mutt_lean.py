"""``mutt-query``'s lean path (no Typer) answers exactly as the Typer command does.

Each case runs the installed ``rolodex`` script (lean path) and the same entry point with
the lean path switched off (Typer path) as real subprocesses, and compares bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli

from rolodex.cli._lean import lean_command

# The entry point with the lean path disabled: every command goes through Typer.
TYPER_ONLY = ("import rolodex.cli._lean as lean; lean.run_lean = lambda argv: False; "
              "from rolodex.cli import main; main()")


def _script() -> str:
    found = shutil.which("rolodex") or str(Path(sys.executable).parent / "rolodex")
    assert Path(found).exists(), "the rolodex console script is not installed"
    return found


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> dict[str, str]:
    """A small address book (seeded once) and the environment to query it with."""
    home = tmp_path_factory.mktemp("mutt")
    db = home / "book.db"
    env = {**os.environ, "ROLODEX_DB": str(db), "ROLODEX_NOW": "2026-11-20T09:00:00Z",
           "ROLODEX_USER": "tester", "ROLODEX_TZ": "Europe/Berlin", "NO_COLOR": "1",
           "HOME": str(home / "home"), "XDG_DATA_HOME": str(home / "xdg")}
    env.pop("ROLODEX_DEBUG", None)
    with pytest.MonkeyPatch.context() as mp:
        for key in ("ROLODEX_DB", "ROLODEX_NOW", "ROLODEX_USER"):
            mp.setenv(key, env[key])
        for args in (["add", "Jane Doe", "-e", "jane@acme.example (work)", "-e",
                      "jane@home.example", "-c", "Acme Ltd", "--tag", "vip"],
                     ["add", "John Doe", "-e", "john@doe.example", "-e",
                      "jd@work.example (work)"],
                     ["add", "Zoë Müller", "-e", "zoe@example.org", "--nickname", "Zo"],
                     # a tab in a name comes from a file (the command line refuses it)
                     ["import", str(Path(__file__).parent / "fixtures" / "hostile"
                                    / "tab-in-name.vcf")],
                     ["add", "No Mail"]):
            result = run_cli(args)
            assert result.exit_code == 0, (args, result.stderr)
    (home / "garbage.db").write_bytes(b"not a database at all" * 100)
    (home / "file").write_text("")
    return {**env, "_HOME": str(home)}


def _both(args: list[str], env: dict[str, str]):
    lean = subprocess.run([_script(), *args], capture_output=True, env=env, timeout=60,
                          stdin=subprocess.DEVNULL)
    typer_ = subprocess.run([sys.executable, "-c", TYPER_ONLY, *args], capture_output=True,
                            env=env, timeout=60, stdin=subprocess.DEVNULL)
    return lean, typer_


CASES = [
    ["mutt-query", "doe"],  # several contacts, several addresses each
    ["mutt-query", "jane"],
    ["mutt-query", "--plain", "doe"],
    ["mutt-query", "doe", "--plain"],
    ["mutt-query", "zzz"],  # no match: exit 1, nothing printed
    ["mutt-query", "muller"],  # folded: accents never matter
    ["mutt-query", "acme.exa"],  # part of an address
    ["mutt-query", "e@acme"],  # with '@': any address containing it
    ["mutt-query", "tab"],
    ["mutt-query", "tag:vip"],
    ["mutt-query", "tag:"],  # a query error: exit 5 and one line
    ["mutt-query", "--", "-doe"],
    ["-q", "mutt-query", "doe"],
    ["--db", "{home}/book.db", "mutt-query", "jane"],
    ["--db={home}/book.db", "-q", "mutt-query", "--plain", "jane"],
    ["--db", "{home}/garbage.db", "mutt-query", "jane"],  # not a database: exit 6
    ["--db", "{home}", "mutt-query", "jane"],  # a directory
    ["--db", "{home}/file/sub.db", "mutt-query", "jane"],  # cannot be created
    # usage errors and help are left to Typer: still the same bytes
    ["mutt-query"],
    ["mutt-query", "a", "b"],
    ["mutt-query", "--bogus", "jane"],
    ["mutt-query", "--help"],
    ["--db", "mutt-query", "jane"],
]


@pytest.mark.slow
@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_lean_and_typer_paths_answer_the_same(args, book):
    args = [a.replace("{home}", book["_HOME"]) for a in args]
    lean, typer_ = _both(args, book)
    assert lean.stdout == typer_.stdout
    assert lean.stderr == typer_.stderr
    assert lean.returncode == typer_.returncode


@pytest.mark.slow
def test_the_cases_exercise_what_they_claim(book):
    lean, _ = _both(["mutt-query", "doe"], book)
    assert lean.returncode == 0
    assert lean.stdout.decode().splitlines()[0] == "rolodex: 4 address(es) for 'doe'"
    assert _both(["mutt-query", "zzz"], book)[0].returncode == 1
    bad, _ = _both(["--db", f"{book['_HOME']}/garbage.db", "mutt-query", "jane"], book)
    assert bad.returncode == 6 and bad.stderr.decode().startswith("rolodex: ")
    tab, _ = _both(["mutt-query", "--plain", "tab"], book)
    assert tab.stdout == b"tab@example.org\tTab Name\t\n"


@pytest.mark.parametrize("argv,lean", [
    (["mutt-query", "jane"], True),
    (["--db", "x.db", "-q", "mutt-query", "--plain", "jane"], True),
    (["--quiet", "--db=x.db", "mutt-query", "--", "--plain"], True),
    (["mutt-query", "--help"], False),
    (["mutt-query", "-h"], False),
    (["mutt-query"], False),
    (["mutt-query", "a", "b"], False),
    (["--version", "mutt-query", "a"], False),
    (["--db", "mutt-query", "a"], False),
    (["search", "mutt-query"], True),  # a search for that word: search's own lean form
    (["contact", "list"], False),
])
def test_which_command_lines_take_the_lean_path(argv, lean):
    assert (lean_command(argv) is not None) is lean


def test_completion_never_takes_the_lean_path(monkeypatch):
    monkeypatch.setenv("_ROLODEX_COMPLETE", "complete_bash")
    assert lean_command(["mutt-query", "jane"]) is None


@pytest.mark.slow
def test_lean_path_imports_neither_typer_nor_rich(book):
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rolodex", "mutt-query", "jane"],
        capture_output=True, text=True, env=book, timeout=60)
    assert probe.returncode == 0, probe.stderr[-500:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in
                probe.stderr.splitlines() if line.startswith("import time:")}
    assert "rolodex" in imported
    for heavy in ("typer", "click", "rich", "pydantic", "sqlite_utils", "dateutil", "vobject",
                  "icalendar", "zoneinfo",
                  "typing", "dataclasses", "inspect"):  # a tenth of mutt-query's time
        assert heavy not in imported, f"{heavy} imported by 'rolodex mutt-query'"
