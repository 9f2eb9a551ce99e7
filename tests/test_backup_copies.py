"""Half-written backup copies: a copy killed half-way is cleaned by the next backup (not a
copy another live process is writing), reported by ``doctor``, removed by ``privacy forget``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

# A backup killed (SIGKILL) when the copy is written but not yet renamed into place, as a
# crash or kill -9 leaves it: the kill comes from the copy's progress callback.
KILLED_BACKUP = """
import os, signal, sys
from pathlib import Path
import rolodex.store.care.backups as backups
from rolodex.store.opening import open_db
backups.abort_when_busy = lambda *args: os.kill(os.getpid(), signal.SIGKILL)
backups.make_backup(open_db(Path(sys.argv[1])))
"""


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def leftovers(rolodex, isolated) -> Iterator[dict[str, list[str]]]:
    """A database with Jane, and in its backup folder: a copy killed half-way, a stale one
    with -wal and -shm, an old one named before names carried a process id, and two that
    must stay: one of a live process and a recent one of the old kind."""
    ok(rolodex('add "Jane Doe" -e jane@acme.example'))
    killed = subprocess.run([sys.executable, "-c", KILLED_BACKUP, str(isolated)])
    assert killed.returncode == -9
    folder = isolated.parent / "rolodex-backups"
    killed_copy = hidden(folder)  # a whole copy of the database, never renamed into place
    assert [name[-4:] for name in killed_copy] == [".tmp"]
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # its pid names no process now
    dead.wait()
    live = subprocess.Popen(["sleep", "60"])
    stale = f".rolodex-20261120T080100Z.db.{dead.pid}.abcd1234.tmp"
    running = f".rolodex-20261120T080200Z.db.{live.pid}.efgh5678.tmp"
    legacy_old = ".rolodex-20261120T080300Z.db.ijkl9012.tmp"
    legacy_new = ".rolodex-20261120T080400Z.db.mnop3456.tmp"
    for name in (stale, f"{stale}-wal", f"{stale}-shm", running, legacy_old, legacy_new):
        (folder / name).write_bytes(isolated.read_bytes()[:4096])
    two_hours_ago = time.time() - 7200
    os.utime(folder / legacy_old, (two_hours_ago, two_hours_ago))
    try:
        yield {"folder": [str(folder)],
               "gone": sorted([*killed_copy, stale, f"{stale}-wal", f"{stale}-shm", legacy_old]),
               "kept": sorted([running, legacy_new])}
    finally:
        live.kill()
        live.wait()


def test_the_next_backup_removes_stale_copies_only(rolodex, leftovers):
    folder = Path(leftovers["folder"][0])
    assert hidden(folder) == sorted(leftovers["gone"] + leftovers["kept"])
    ok(rolodex("backup"))
    assert hidden(folder) == leftovers["kept"]


def test_a_merge_with_its_automatic_backup_removes_them(rolodex, leftovers):
    ok(rolodex('add "Jane Roe" -e jane@acme.example'))
    ok(rolodex("merge '#1' '#2' --yes"))
    assert hidden(Path(leftovers["folder"][0])) == leftovers["kept"]


def test_doctor_reports_them_and_fix_removes_them(rolodex, leftovers):
    found = rolodex("doctor -f json")
    assert found.exit_code == 0, "housekeeping, not a failure"
    [row] = [r for r in found.json() if r["check"] == "backup_copies"]
    assert (row["status"], row["count"], row["fixable"]) == ("info", 3, True)
    assert "killed backup" in row["detail"]
    ok(rolodex("doctor --fix"))
    assert hidden(Path(leftovers["folder"][0])) == leftovers["kept"]
    [row] = [r for r in ok(rolodex("doctor -f json")).json() if r["check"] == "backup_copies"]
    assert row["status"] == "ok"


def test_privacy_forget_removes_and_counts_them(rolodex, leftovers):
    result = ok(rolodex("privacy forget jane --yes -f json"))
    assert result.json()["backup_copies_removed"] == 3
    assert "removed 3 half-written backup copies" in result.stderr
    assert hidden(Path(leftovers["folder"][0])) == leftovers["kept"]
