"""Errors: one ``rolodex:`` line, the documented exit code, and nothing half-written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from rolodex.store import db as store_db

GARBAGE = b"\x00\x01garbage, certainly not SQLite\xff\xfe" * 64


def add(rolodex, *args: str) -> int:
    result = rolodex(["contact", "add", *args])
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


def snapshot(rolodex) -> tuple[list, list]:
    contacts = rolodex("contact list -f json")
    companies = rolodex("company list -f json")
    assert contacts.exit_code == 0 and companies.exit_code == 0
    return contacts.json(), companies.json()


def assert_one_error_line(stderr: str) -> None:
    lines = stderr.splitlines()
    assert lines, "expected an error message on stderr"
    assert lines[0].startswith("rolodex: ")
    assert sum(line.startswith("rolodex:") for line in lines) == 1
    assert all(line.startswith("  ") for line in lines[1:])
    assert "Traceback" not in stderr


# --- invalid input: exit 5, nothing changes ---------------------------------------------


@pytest.mark.parametrize(("args", "mentions"), [
    (["-e", "not-an-email"], "not-an-email"),
    (["-e", "jane@nodot"], "jane@nodot"),
    (["-e", "ok@x.example", "-e", "two@@x.example"], "two@@x.example"),
    (["-p", "call me maybe"], "call me maybe"),
    (["-p", "12"], "12"),
    (["-b", "2026-13-45"], "no such date"),
    (["-b", "the day after"], "the day after"),
    (["-b", "30 Feb 1990"], "30"),
    (["-b", "04/05/1985"], "04/05/1985"),
    (["--anniversary", "someday"], "someday"),
    (["--status", "bogus"], "bogus"),
    (["--every", "often"], "often"),
    (["--every", "0d"], "0d"),
    (["--field", "nokey"], "nokey"),
    (["-t", "@home"], "@home"),
])
def test_bad_input_on_add_exits_5_and_changes_nothing(rolodex, jane, args, mentions):
    before = snapshot(rolodex)
    result = rolodex(["contact", "add", "John Roe", "-c", "Initech", *args])
    assert result.exit_code == 5, result.stderr
    assert_one_error_line(result.stderr)
    assert mentions in result.stderr
    assert result.stdout == ""
    assert snapshot(rolodex) == before


@pytest.mark.parametrize("args", [
    ["--email", "bad@"],
    ["--phone", "abc"],
    ["--birthday", "2026-02-30"],
    ["--birthday", "yesterday-ish"],
    ["--status", "vip"],
    ["--every", "-3d"],
    ["--tag", "ok", "--tag", "@bad"],
    ["--field", "=value"],
    ["--name", " "],
    ["--rm-email", "not an email"],
])
def test_bad_input_on_edit_exits_5_and_changes_nothing(rolodex, jane, args):
    before = snapshot(rolodex)
    result = rolodex(["contact", "edit", str(jane), "--title", "CTO", *args])
    assert result.exit_code == 5, result.stderr
    assert_one_error_line(result.stderr)
    assert snapshot(rolodex) == before


def test_bad_status_hint_lists_the_statuses(rolodex):
    result = rolodex(["contact", "add", "Jane Doe", "--status", "bogus"])
    assert result.exit_code == 5
    assert "unknown status 'bogus'" in result.stderr
    assert "hint:" in result.stderr
    for status in ("lead", "prospect", "customer", "partner", "inactive"):
        assert status in result.stderr


def test_bad_date_says_which_forms_work(rolodex):
    result = rolodex(["contact", "add", "Jane Doe", "-b", "whenever"])
    assert result.exit_code == 5
    assert "whenever" in result.stderr
    assert "1985-04-15" in result.stderr


def test_bad_input_on_company_exits_5(rolodex):
    rolodex(["company", "add", "Acme Ltd", "--kind", "client"])
    before = snapshot(rolodex)
    for args in (["company", "add", "Initech", "--kind", "friend"],
                 ["company", "add", "Initech", "--email", "nope"],
                 ["company", "edit", "acme", "--kind", "friend"],
                 ["company", "edit", "acme", "--name", ""],
                 ["company", "edit", "acme", "--tag", "-former"]):
        result = rolodex(args)
        assert result.exit_code == 5, (args, result.stderr)
        assert_one_error_line(result.stderr)
    assert snapshot(rolodex) == before


# --- not found / ambiguous -------------------------------------------------------------


def test_not_found_message(rolodex, jane):
    result = rolodex("contact show nobody")
    assert result.exit_code == 3
    assert_one_error_line(result.stderr)
    assert "nobody" in result.stderr


def test_ambiguous_message_lists_candidates(rolodex, jane):
    janet = add(rolodex, "Janet Smith")
    result = rolodex("contact show jan")
    assert result.exit_code == 4
    lines = result.stderr.splitlines()
    assert lines[0] == "rolodex: 'jan' matches 2 contacts:"
    candidates = [line.strip() for line in lines[1:] if not line.strip().startswith("hint:")]
    assert candidates == [f"#{jane} Jane Doe <jane@acme.example> (Acme Ltd)",
                          f"#{janet} Janet Smith"]
    assert "Traceback" not in result.stderr


# --- the database file -----------------------------------------------------------------


def test_db_is_a_directory(rolodex, tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = rolodex(["--db", str(folder), "contact", "list"])
    assert result.exit_code == 6
    assert_one_error_line(result.stderr)
    assert str(folder) in result.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("args", [["contact", "list"], ["contact", "add", "Jane Doe"],
                                  ["search", "jane"], ["company", "list"]])
def test_db_is_not_sqlite(rolodex, tmp_path, args):
    path = tmp_path / "notes.txt"
    path.write_bytes(GARBAGE)
    result = rolodex(["--db", str(path), *args])
    assert result.exit_code == 6
    assert_one_error_line(result.stderr)
    assert str(path) in result.stderr
    assert result.stdout == ""
    assert path.read_bytes() == GARBAGE  # never overwritten


def test_db_is_someone_elses_sqlite_file(rolodex, tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('soup')")
    conn.commit()
    conn.close()
    result = rolodex(["--db", str(path), "contact", "add", "Jane Doe"])
    assert result.exit_code == 6
    assert_one_error_line(result.stderr)
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    conn.close()
    assert tables == ["recipes"]


def test_db_under_a_file(rolodex, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("I am a file")
    path = blocker / "sub" / "x.db"
    result = rolodex(["--db", str(path), "contact", "add", "Jane Doe"])
    assert result.exit_code == 6
    assert_one_error_line(result.stderr)
    assert blocker.read_text() == "I am a file"


def test_db_from_environment_under_a_file(rolodex, tmp_path, monkeypatch):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    monkeypatch.setenv("ROLODEX_DB", str(blocker / "x.db"))
    result = rolodex("contact list")
    assert result.exit_code == 6
    assert_one_error_line(result.stderr)


@pytest.mark.fresh_db
def test_db_created_private(rolodex, jane, isolated):
    assert isolated.exists()
    assert isolated.stat().st_mode & 0o077 == 0


def test_db_locked_by_another_writer(rolodex, jane, isolated, monkeypatch):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    before = snapshot(rolodex)
    other = sqlite3.connect(isolated, isolation_level=None, timeout=0.1)
    try:
        other.execute("BEGIN EXCLUSIVE")
        for args in (["contact", "add", "John Roe"],
                     ["contact", "edit", str(jane), "--title", "CTO"],
                     ["contact", "tag", str(jane), "lapsed"],
                     ["contact", "rm", "--yes", str(jane)],
                     ["company", "add", "Initech"]):
            result = rolodex(args)
            assert result.exit_code == 7, (args, result.stderr)
            assert_one_error_line(result.stderr)
            assert "busy" in result.stderr
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert snapshot(rolodex) == before
    # and once the lock is gone, writing works again
    assert rolodex(["contact", "add", "John Roe"]).exit_code == 0


def test_reading_works_while_another_process_writes(rolodex, jane, isolated, monkeypatch):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(isolated, isolation_level=None, timeout=0.1)
    try:
        other.execute("BEGIN EXCLUSIVE")
        listed = rolodex("contact list -f ids")
        assert listed.exit_code == 0, listed.stderr
        assert listed.stdout == f"{jane}\n"
        found = rolodex("search jane -f ids")
        assert found.exit_code == 0, found.stderr
        assert found.stdout == f"{jane}\n"
    finally:
        other.execute("ROLLBACK")
        other.close()


# --- usage errors (click) --------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["contact", "add", "Jane Doe", "--bogus"],
    ["contact", "list", "--format", "xml"],
    ["contact", "list", "--limit", "-1"],
    ["contact", "list", "--limit", "many"],
    ["contact", "add"],
    ["contact", "frobnicate"],
    ["frobnicate"],
    ["--nope", "contact", "list"],
    ["contact", "show", "jane", "--format", "yaml"],
])
def test_usage_errors_exit_2(rolodex, jane, args):
    before = snapshot(rolodex)
    result = rolodex(args)
    assert result.exit_code == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert snapshot(rolodex) == before


def test_help_and_version_exit_0(rolodex):
    assert rolodex("--help").exit_code == 0
    assert "contact" in rolodex("--help").stdout
    version = rolodex("--version")
    assert version.exit_code == 0
    assert version.stdout.startswith("rolodex ")


# --- the installed script --------------------------------------------------------------


def _script() -> list[str]:
    found = shutil.which("rolodex")
    return [found] if found else [sys.executable, "-m", "rolodex"]


@pytest.mark.slow
def test_no_traceback_subprocess(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(GARBAGE)
    env = {**os.environ, "ROLODEX_DB": str(tmp_path / "sub.db"),
           "ROLODEX_NOW": "2026-11-20T09:00:00Z", "ROLODEX_TZ": "Europe/Berlin",
           "NO_COLOR": "1", "HOME": str(tmp_path / "home"),
           "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("ROLODEX_DEBUG", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*_script(), *args], env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=60, check=False)

    added = run("add", "Jane Doe")
    assert added.returncode == 0, added.stderr
    assert added.stdout == "1\n"

    for args, code in ((["contact", "show", "nobody"], 3),
                       (["add", "John Roe", "--birthday", "31 Foo 1985"], 5),
                       (["--db", str(garbage), "contact", "list"], 6)):
        result = run(*args)
        assert result.returncode == code, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert_one_error_line(result.stderr)
        assert result.stdout == ""
    listed = run("contact", "list", "-f", "ids")
    assert listed.stdout == "1\n"


@pytest.mark.parametrize("args", [["event", "list", "--from", "9999-12-31"],
                                  ["calendar", "0001-01-01"]])
def test_dates_at_the_edge_of_the_calendar_are_user_errors(rolodex, args):
    result = rolodex(args)
    assert result.exit_code == 5
    assert_one_error_line(result.stderr)
    assert "date out of range" in result.stderr
