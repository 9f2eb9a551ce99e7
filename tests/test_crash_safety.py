"""Crash safety with real processes: the installed ``rolodex`` script, killed, racing, blocked.

Each test starts ``rolodex`` as a separate process on the test's own database file (the
conftest fixture exports ROLODEX_DB, the subprocesses inherit it) and then checks the
file itself with sqlite3: ``PRAGMA integrity_check``, the exact rows, and ``rolodex doctor``.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # real processes, killed, racing and blocked

ROLODEX = shutil.which("rolodex") or str(Path(sys.executable).parent / "rolodex")
BUSY_TIMEOUT_MS = 400  # ROLODEX_BUSY_TIMEOUT: fail fast instead of the 5 s default


def run(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([ROLODEX, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **env}, check=False)


def dump(path: Path) -> list[str]:
    """Every row of every table (the search index's own tables included), as SQL text."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def assert_doctor_clean() -> None:
    done = run("doctor", "-f", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    import json

    assert {row["status"] for row in json.loads(done.stdout)} == {"ok"}


def seed(n: int = 3) -> None:
    for i in range(n):
        done = run("add", f"Seed Person{i}", "-e", f"seed{i}@example.org", "-t", "seed")
        assert done.returncode == 0, done.stderr


def big_vcard(path: Path, cards: int) -> None:
    path.write_text("".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bulk-{i}\r\nFN:Bulk Person{i}\r\n"
        f"N:Person{i};Bulk;;;\r\nEMAIL;TYPE=work:bulk{i}@example.org\r\n"
        f"TEL;TYPE=cell:+1 555 {i:07d}\r\nORG:Company {i % 40}\r\n"
        f"NOTE:Imported in bulk to be killed half-way; card number {i}.\r\n"
        f"CATEGORIES:bulk,group{i % 9}\r\nEND:VCARD\r\n" for i in range(cards)))


def test_import_killed_half_way_leaves_the_database_as_it_was(isolated, tmp_path):
    """SIGKILL in the middle of a one-transaction import: nothing of it may remain.

    Timing strategy: the import is one transaction, so nothing reaches the -wal file
    until SQLite's page cache (2 MB by default) overflows and spills uncommitted pages
    into it. The database was closed cleanly before (no -wal, or an empty one), so a
    -wal file past WAL_UNDERWAY bytes while the process still runs means the import is
    genuinely writing and has not committed. 6,000 cards keep it writing for a couple
    of seconds after the first spill, far longer than the 10 ms polling step, so the
    kill lands before the commit; the test checks that the process was still running.
    """
    seed()
    before = dump(isolated)
    assert integrity(isolated) == "ok"
    vcf = tmp_path / "big.vcf"
    big_vcard(vcf, 6000)
    wal = Path(f"{isolated}-wal")
    wal_underway = 512 * 1024

    proc = subprocess.Popen([ROLODEX, "import", str(vcf)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if wal.exists() and wal.stat().st_size > wal_underway:
                break
            time.sleep(0.01)
        assert proc.poll() is None, (
            f"the import ended (exit {proc.returncode}) before it could be killed: "
            f"{proc.stderr.read() if proc.stderr else ''}")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert wal.stat().st_size > wal_underway, "the killed transaction's pages were in the WAL"

    assert integrity(isolated) == "ok"
    assert dump(isolated) == before, "nothing of the killed import is visible"
    listed = run("contact", "list", "-f", "ids")
    assert listed.returncode == 0 and len(listed.stdout.split()) == 3
    assert_doctor_clean()
    # The automatic backup taken before the import is complete and sound, too.
    [copy] = (isolated.parent / "rolodex-backups").glob("*-auto-import.db")
    assert integrity(copy) == "ok"


def test_two_writers_at_once_lose_nothing(isolated):
    """Two processes adding contacts and logging calls in a loop at the same time: every
    write lands (the second waits on the busy timeout, it never fails or half-writes)."""
    seed(1)
    rounds = 8

    def writer(name: str) -> list[str]:
        failures = []
        for k in range(rounds):
            for args in (["add", f"{name} Person{k}", "-t", name.lower()],
                         ["log", "Seed Person0", "call", f"{name} call {k}"]):
                done = run(*args)
                if done.returncode != 0:
                    failures.append(f"{args}: exit {done.returncode}: {done.stderr}")
        return failures

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(writer, ["Alpha", "Beta"]))
    assert results == [[], []]

    assert integrity(isolated) == "ok"
    conn = sqlite3.connect(isolated)
    try:
        people = {r[0] for r in conn.execute("SELECT display_name FROM contacts")}
        calls = {r[0] for r in conn.execute("SELECT text FROM interactions")}
        operations = conn.execute("SELECT count(*) FROM operations").fetchone()[0]
    finally:
        conn.close()
    for name in ("Alpha", "Beta"):
        assert {f"{name} Person{k}" for k in range(rounds)} <= people
        assert {f"{name} call {k}" for k in range(rounds)} <= calls
    assert len(people) == 1 + 2 * rounds and len(calls) == 2 * rounds
    assert operations == 1 + 4 * rounds, "one journalled operation per command"
    assert_doctor_clean()


def _hold(path: Path, begin: str) -> subprocess.Popen:
    """Another process that opens a transaction on the database and sleeps in it."""
    code = ("import sqlite3, sys, time\n"
            "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            f"conn.execute({begin!r})\n"
            "conn.execute('SELECT count(*) FROM contacts').fetchone()\n"
            "print('holding', flush=True)\n"
            "time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def test_a_writer_blocked_past_the_busy_timeout_exits_7(isolated):
    seed(1)
    holder = _hold(isolated, "BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        done = run("add", "Blocked Person", ROLODEX_BUSY_TIMEOUT=str(BUSY_TIMEOUT_MS))
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 7, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("rolodex: database ") and "is busy" in lines[0]
    assert sum(line.startswith("rolodex:") for line in lines) == 1
    assert all(line.startswith("  ") for line in lines[1:])
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert waited >= BUSY_TIMEOUT_MS / 1000, "it waited for the lock before giving up"
    listed = run("contact", "list", "-f", "json")
    assert "Blocked Person" not in listed.stdout
    assert integrity(isolated) == "ok"


def test_a_long_reader_does_not_block_a_writer(isolated):
    """WAL: a process sitting in a read transaction (a long report) never blocks `add`."""
    seed(1)
    holder = _hold(isolated, "BEGIN")
    try:
        started = time.monotonic()
        done = run("add", "Unblocked Person")
        elapsed = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 0, done.stderr
    assert elapsed < 4, "the writer did not wait for the reader"


@pytest.mark.fresh_db
def test_two_processes_creating_the_database_at_once(isolated):
    """The second waits for the first's migrations and finds nothing left to do."""
    for attempt in range(6):
        for leftover in isolated.parent.glob(f"{isolated.name}*"):
            leftover.unlink()
        procs = [subprocess.Popen([ROLODEX, "add", f"{who} {attempt}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for who in ("First", "Second")]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errors
        assert integrity(isolated) == "ok"


def test_restore_while_another_process_writes_waits_then_exits_7(isolated, tmp_path):
    """The backup API into a locked database would retry forever; it gives up after the
    busy timeout instead, and the database is untouched."""
    seed(1)
    copy = tmp_path / "copy.db"
    assert run("backup", str(copy)).returncode == 0
    seed(2)
    before = dump(isolated)
    holder = _hold(isolated, "BEGIN IMMEDIATE")
    try:
        done = run("restore", str(copy), "--yes", timeout=30,
                   ROLODEX_BUSY_TIMEOUT=str(BUSY_TIMEOUT_MS))
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 7, done.stderr
    assert "is busy" in done.stderr and "Traceback" not in done.stderr
    assert dump(isolated) == before
    assert integrity(isolated) == "ok"
