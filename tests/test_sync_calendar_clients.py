"""khal and todoman on the folders a rolodex sync keeps (#15): they read what rolodex
wrote, and what they write comes in at the next sync. The real programs, run as
processes on the same vdir folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def tool(name: str) -> str:
    """khal and todoman are test dependencies (pyproject's ``test`` extra): a missing one
    is a broken set-up and fails rather than skipping."""
    path = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    assert path, f"'{name}' is missing: pip install -e '.[test]'"
    return path


@pytest.fixture
def synced(rolodex, tmp_path):
    """A rolodex with account 'mine': events in ``cal``, tasks in ``todo``."""
    cal, todo = tmp_path / "cal", tmp_path / "todo"

    def run(*args: str, code: int = 0):
        result = rolodex(["--db", str(tmp_path / "r.db"), *args])
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    run("config", "set", "timezone", "Europe/Berlin")
    run("sync", "add", "mine", "--events-vdir", str(cal), "--tasks-vdir", str(todo))
    return run, cal, todo


def khal(tmp_path: Path, cal: Path, *args: str) -> str:
    config = tmp_path / "khal.conf"
    config.write_text(f"[calendars]\n[[mine]]\npath = {cal}\n\n[locale]\n"
                      "timeformat = %H:%M\ndateformat = %Y-%m-%d\n"
                      "longdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
                      "longdatetimeformat = %Y-%m-%d %H:%M\nlocal_timezone = Europe/Berlin\n"
                      "default_timezone = Europe/Berlin\n\n[default]\n"
                      "default_calendar = mine\n\n[sqlite]\n"
                      f"path = {tmp_path / 'khal.db'}\n")
    done = subprocess.run([tool("khal"), "-c", str(config), *args], capture_output=True,
                          text=True, env={**os.environ, "TZ": "Europe/Berlin"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def todo(tmp_path: Path, folder: Path, *args: str) -> str:
    config = tmp_path / "todoman.py"
    config.write_text(f'path = "{folder}"\ndate_format = "%Y-%m-%d"\n'
                      f'time_format = "%H:%M"\ncache_path = "{tmp_path / "todo.db"}"\n'
                      'default_list = "todo"\n')
    # --porcelain for reading only: todoman 4.7's ``new`` refuses it
    porcelain = ["--porcelain"] if args[0] == "list" else []
    done = subprocess.run([tool("todo"), "--config", str(config), *porcelain, *args],
                          capture_output=True, text=True,
                          env={**os.environ, "TZ": "Europe/Berlin"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_khal_reads_the_events_and_its_new_event_comes_in(synced, tmp_path):
    run, cal, _ = synced
    run("event", "add", "Team sync", "--at", "2027-03-01 10:00", "--for", "30m",
        "--repeat", "weekly")
    run("event", "move", "1", "2027-03-08", "2027-03-08 11:00")
    run("event", "add", "Company holiday", "--at", "2027-03-03", "--all-day")
    run("sync")
    lines = khal(tmp_path, cal, "list", "--format", "{title} {start}", "2027-03-01",
                 "14d").splitlines()
    assert "Team sync 2027-03-01 10:00" in lines
    assert "Team sync 2027-03-08 11:00" in lines  # the moved occurrence
    assert "Company holiday 2027-03-03" in lines
    khal(tmp_path, cal, "new", "2027-03-04 14:00", "15:00", "Dentist")
    out = run("sync", "-f", "json").json()
    assert [r["downloaded"] for r in out] == [1, 0]
    listed = run("event", "list", "--from", "2027-03-04", "--to", "2027-03-04",
                 "-f", "json").json()
    assert [(e["title"], e["start"]) for e in listed] == [("Dentist", "2027-03-04T13:00:00Z")]


def test_todoman_reads_the_tasks_and_its_changes_come_in(synced, tmp_path):
    run, _, folder = synced
    run("task", "add", "Send proposal", "--due", "2027-03-05 15:00", "--priority", "high")
    run("task", "add", "Call Acme", "--due", "2027-03-06")
    run("task", "done", "2")
    run("sync")
    listed = {t["summary"]: t for t in json.loads(todo(tmp_path, folder, "list", "--status",
                                                        "ANY"))}
    assert set(listed) == {"Send proposal", "Call Acme"}
    assert listed["Call Acme"]["completed"] is True
    assert listed["Send proposal"]["completed"] is False
    todo(tmp_path, folder, "done", str(listed["Send proposal"]["id"]))
    todo(tmp_path, folder, "new", "-l", "todo", "Renew passport")
    out = run("sync", "-f", "json").json()
    assert [(r["downloaded"], r["updated_here"]) for r in out] == [(0, 0), (1, 1)]
    tasks = {t["title"]: t for t in run("task", "list", "--all", "-f", "json").json()}
    assert tasks["Send proposal"]["status"] == "done"
    assert tasks["Renew passport"]["status"] == "open"
