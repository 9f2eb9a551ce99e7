"""``rolodex backup`` and ``restore``, and the automatic, rotated copies before bulk changes.

Real files throughout: copies are opened with sqlite3 and compared with the database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from rolodex.store.db import APPLICATION_ID
from rolodex.store.migrations import MIGRATION_COUNT, apply_all


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT display_name FROM contacts ORDER BY id")]
    finally:
        conn.close()


def add(rolodex, name: str) -> None:
    result = rolodex(["add", name])
    assert result.exit_code == 0, result.stderr


def assert_one_error_line(stderr: str) -> None:
    lines = stderr.splitlines()
    assert lines and lines[0].startswith("rolodex: ")
    assert all(line.startswith("  ") for line in lines[1:])
    assert "Traceback" not in stderr


def backups_of(db_path: Path, pattern: str = "*.db") -> list[Path]:
    return sorted((db_path.parent / f"{db_path.stem}-backups").glob(pattern))


def vcard(*names: str) -> str:
    return "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{n.replace(' ', '-')}\r\nFN:{n}\r\n"
                   f"N:{n.split()[-1]};{n.split()[0]};;;\r\nEND:VCARD\r\n" for n in names)


# --- rolodex backup ------------------------------------------------------------------------


def test_backup_into_the_backup_folder_prints_the_path(rolodex, isolated):
    add(rolodex, "Jane Doe")
    result = rolodex("backup")
    assert result.exit_code == 0, result.stderr
    copy = Path(result.stdout.strip())
    assert copy.parent == isolated.parent / "rolodex-backups"
    assert copy.name.startswith("rolodex-") and copy.name.endswith(".db")
    assert "-auto-" not in copy.name
    assert mode(copy) == 0o600 and mode(copy.parent) == 0o700
    assert names(copy) == ["Jane Doe"]
    header = copy.read_bytes()[:100]
    assert header[18:20] == b"\x01\x01", "a copy is one self-contained file, not WAL"
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID
    assert not Path(f"{copy}-wal").exists()


def test_backup_to_a_file_replaces_it_privately(rolodex, tmp_path):
    add(rolodex, "Jane Doe")
    target = tmp_path / "safe" / "copy.db"
    target.parent.mkdir()
    target.write_text("an older copy")
    target.chmod(0o644)
    result = rolodex(["backup", str(target)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(target)
    assert mode(target) == 0o600
    assert names(target) == ["Jane Doe"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.db"], "no temp files left"


def test_backup_to_a_folder_names_the_copy(rolodex, tmp_path):
    add(rolodex, "Jane Doe")
    folder = tmp_path / "safe"
    folder.mkdir()
    result = rolodex(["backup", str(folder)])
    assert result.exit_code == 0, result.stderr
    copy = Path(result.stdout.strip())
    assert copy.parent == folder and mode(copy) == 0o600
    assert names(copy) == ["Jane Doe"]


def test_backup_reads_a_snapshot_while_another_process_writes(rolodex, isolated, tmp_path):
    add(rolodex, "Jane Doe")
    writer = sqlite3.connect(isolated, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE contacts SET display_name = 'Uncommitted' WHERE id = 1")
    try:
        result = rolodex(["backup", str(tmp_path / "copy.db")])
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.exit_code == 0, result.stderr
    assert names(tmp_path / "copy.db") == ["Jane Doe"]


@pytest.mark.parametrize("where", ["missing-folder/copy.db", "a-file.txt/copy.db"])
def test_backup_to_an_impossible_place_exits_8(rolodex, tmp_path, where):
    add(rolodex, "Jane Doe")
    (tmp_path / "a-file.txt").write_text("not a folder")
    result = rolodex(["backup", str(tmp_path / where)])
    assert result.exit_code == 8
    assert_one_error_line(result.stderr)
    assert "cannot write backup" in result.stderr
    assert result.stdout == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_backup_into_a_read_only_folder_exits_8(rolodex, tmp_path):
    add(rolodex, "Jane Doe")
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    result = rolodex(["backup", str(folder / "copy.db")])
    assert result.exit_code == 8
    assert_one_error_line(result.stderr)


def test_backup_refuses_to_overwrite_the_database_itself(rolodex, isolated):
    add(rolodex, "Jane Doe")
    result = rolodex(["backup", str(isolated)])
    assert result.exit_code == 8
    assert "database in use" in result.stderr
    assert names(isolated) == ["Jane Doe"]


@pytest.mark.fresh_db
def test_backup_without_a_database_creates_nothing(rolodex, isolated):
    result = rolodex("backup")
    assert result.exit_code == 6
    assert "no database" in result.stderr
    assert not isolated.exists()


def test_backup_to_stdout_in_a_pipe(rolodex, isolated, tmp_path):
    add(rolodex, "Jane Doe")
    script = shutil.which("rolodex") or str(Path(sys.executable).parent / "rolodex")
    target = tmp_path / "piped.db"
    temp = tmp_path / "tmp"
    temp.mkdir()
    with target.open("wb") as out:
        done = subprocess.run([script, "backup", "-"], stdout=out, stderr=subprocess.PIPE,
                              env={**os.environ, "TMPDIR": str(temp)}, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert b"to stdout" in done.stderr
    assert names(target) == ["Jane Doe"]
    assert list(temp.iterdir()) == [], "the temporary copy is removed"


def test_backup_list_shows_yours_and_the_automatic_ones(rolodex, isolated, tmp_path):
    add(rolodex, "Jane Doe")
    assert rolodex("backup").exit_code == 0
    (tmp_path / "people.vcf").write_text(vcard("Ann Lee"))
    assert rolodex(["import", str(tmp_path / "people.vcf")]).exit_code == 0
    result = rolodex("backup --list -f json")
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    assert [(r["automatic"], r["reason"]) for r in rows] == [(False, None), (True, "import")]
    assert set(rows[0]) == {"path", "taken", "automatic", "reason", "size"}
    assert all(Path(r["path"]).exists() and r["size"] > 0 for r in rows)
    csv = rolodex("backup --list -f csv")
    assert csv.stdout.splitlines()[0] == "path,taken,automatic,reason,size"


def test_backup_list_when_there_are_none(rolodex):
    result = rolodex("backup --list -f csv")
    assert result.exit_code == 0
    assert result.stdout == "path,taken,automatic,reason,size\n"
    table = rolodex("backup --list")
    assert table.exit_code == 0 and "no copies" in table.stderr


def test_backup_list_and_a_file_are_exclusive(rolodex, tmp_path):
    result = rolodex(["backup", "--list", str(tmp_path / "x.db")])
    assert result.exit_code == 5


# --- automatic copies and rotation ----------------------------------------------------------


def test_imports_take_an_automatic_backup_first(rolodex, isolated, tmp_path):
    add(rolodex, "Jane Doe")
    (tmp_path / "people.vcf").write_text(vcard("Ann Lee", "Bob Ray"))
    assert rolodex(["import", str(tmp_path / "people.vcf"), "--dry-run"]).exit_code == 0
    assert backups_of(isolated) == [], "a dry run writes nothing, so copies nothing"
    assert rolodex(["import", str(tmp_path / "people.vcf")]).exit_code == 0
    [copy] = backups_of(isolated, "*-auto-import.db")
    assert mode(copy) == 0o600
    assert names(copy) == ["Jane Doe"], "the copy is of the database before the import"
    (tmp_path / "cal.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
        "UID:ev-1\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261201T100000Z\r\n"
        "DTEND:20261201T110000Z\r\nSUMMARY:Lunch\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    result = rolodex(["import", str(tmp_path / "cal.ics")])
    assert result.exit_code == 0, result.stderr
    assert len(backups_of(isolated, "*-auto-import.db")) == 2


def test_no_automatic_backup_of_an_empty_database(rolodex, isolated, tmp_path):
    (tmp_path / "people.vcf").write_text(vcard("Ann Lee"))
    assert rolodex(["import", str(tmp_path / "people.vcf")]).exit_code == 0
    assert backups_of(isolated) == []


def test_rotation_keeps_the_newest_automatic_copies_and_all_of_yours(rolodex, isolated,
                                                                      tmp_path):
    add(rolodex, "Jane Doe")
    assert rolodex("config set backup.keep 2").exit_code == 0
    mine = Path(rolodex("backup").stdout.strip())
    for n in range(4):
        (tmp_path / f"p{n}.vcf").write_text(vcard(f"Person{n} Bulk"))
        assert rolodex(["import", str(tmp_path / f"p{n}.vcf")]).exit_code == 0
    automatic = backups_of(isolated, "*-auto-*.db")
    assert len(automatic) == 2
    # The newest two were taken before the third and fourth imports.
    assert sorted(len(names(p)) for p in automatic) == [3, 4]
    assert mine.exists()
    listed = rolodex("backup --list -f json").json()
    assert [r["automatic"] for r in listed] == [False, True, True]


def test_backup_keep_zero_takes_none(rolodex, isolated, tmp_path):
    add(rolodex, "Jane Doe")
    assert rolodex("config set backup.keep 0").exit_code == 0
    (tmp_path / "people.vcf").write_text(vcard("Ann Lee"))
    assert rolodex(["import", str(tmp_path / "people.vcf")]).exit_code == 0
    assert backups_of(isolated) == []


def test_backup_keep_must_be_a_count(rolodex):
    result = rolodex("config set backup.keep lots")
    assert result.exit_code == 5


# --- rolodex restore -------------------------------------------------------------------------


@pytest.mark.fresh_db
def test_restore_brings_a_copy_back_and_keeps_the_current_one(rolodex, isolated):
    add(rolodex, "Jane Doe")
    copy = Path(rolodex("backup").stdout.strip())
    add(rolodex, "Later Person")
    result = rolodex(["restore", str(copy), "--yes"])
    assert result.exit_code == 0, result.stderr
    assert f"restored 1 contact(s) from {copy}" in result.stderr
    [kept] = backups_of(isolated, "*-auto-restore.db")
    assert str(kept) in result.stderr
    assert mode(kept) == 0o600
    assert names(kept) == ["Jane Doe", "Later Person"]
    listed = rolodex("contact list -f json").json()
    assert [c["name"] for c in listed] == ["Jane Doe"]
    assert mode(isolated) == 0o600
    conn = sqlite3.connect(isolated)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    # and the kept copy restores the other way
    back = rolodex(["restore", str(kept), "--yes"])
    assert back.exit_code == 0, back.stderr
    assert len(rolodex("contact list -f json").json()) == 2


def test_restore_is_seen_by_a_connection_already_open(rolodex, isolated):
    add(rolodex, "Jane Doe")
    copy = Path(rolodex("backup").stdout.strip())
    add(rolodex, "Later Person")
    other = sqlite3.connect(isolated, isolation_level=None)
    assert other.execute("SELECT count(*) FROM contacts").fetchone()[0] == 2
    try:
        assert rolodex(["restore", str(copy), "--yes"]).exit_code == 0
        assert other.execute("SELECT count(*) FROM contacts").fetchone()[0] == 1
        assert other.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        other.close()


def test_restore_needs_yes_without_a_terminal(rolodex, isolated):
    add(rolodex, "Jane Doe")
    copy = Path(rolodex("backup").stdout.strip())
    add(rolodex, "Later Person")
    result = rolodex(["restore", str(copy)])
    assert result.exit_code == 9
    assert_one_error_line(result.stderr)
    assert names(isolated) == ["Jane Doe", "Later Person"]
    assert backups_of(isolated, "*-auto-*") == []


def _other_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()


def _newer(path: Path) -> None:
    shutil.copy(Path(os.environ["ROLODEX_DB"]), path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(f"PRAGMA user_version = {MIGRATION_COUNT + 1}")
    conn.close()


def _damaged(path: Path) -> None:
    """A rolodex copy whose index no longer matches its table: integrity_check fails."""
    shutil.copy(Path(os.environ["ROLODEX_DB"]), path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX contacts_name_key ON"
                 " contacts(sort_key)' WHERE name = 'contacts_name_key'")
    conn.close()


@pytest.mark.parametrize(("make", "says"), [
    (None, "no such file"),
    (lambda p: p.write_text(""), "not an SQLite database"),
    (lambda p: p.write_text("BEGIN:VCARD\r\nEND:VCARD\r\n"), "not an SQLite database"),
    (_other_sqlite, "not a rolodex one"),
    (_newer, "newer rolodex"),
    (_damaged, "is damaged"),
], ids=["missing", "empty", "text", "other-sqlite", "newer", "damaged"])
def test_restore_checks_the_file_and_changes_nothing(rolodex, isolated, tmp_path, make, says):
    add(rolodex, "Jane Doe")
    source = tmp_path / "candidate.db"
    if make is not None:
        make(source)
    before = isolated.read_bytes()
    result = rolodex(["restore", str(source), "--yes"])
    assert result.exit_code == 8, result.stderr
    assert_one_error_line(result.stderr)
    assert says in result.stderr
    assert names(isolated) == ["Jane Doe"]
    assert isolated.read_bytes() == before
    assert backups_of(isolated) == []


def test_restore_refuses_the_database_itself(rolodex, isolated):
    add(rolodex, "Jane Doe")
    result = rolodex(["restore", str(isolated), "--yes"])
    assert result.exit_code == 8
    assert "database in use" in result.stderr


def test_restore_a_folder_exits_8(rolodex, tmp_path):
    add(rolodex, "Jane Doe")
    result = rolodex(["restore", str(tmp_path), "--yes"])
    assert result.exit_code == 8
    assert_one_error_line(result.stderr)


def test_restore_of_an_older_schema_upgrades_it(rolodex, isolated, tmp_path):
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    apply_all(conn, upto=2)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO contacts (uid, display_name, name_key, sort_key, created,"
                 " updated) VALUES ('p-1', 'Old Timer', 'old timer', 'timer old',"
                 " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
    conn.close()
    add(rolodex, "Jane Doe")
    result = rolodex(["restore", str(old), "--yes"])
    assert result.exit_code == 0, result.stderr
    assert "upgraded from schema 2" in result.stderr
    conn = sqlite3.connect(isolated)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == MIGRATION_COUNT
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()
    assert names(isolated) == ["Old Timer"]
    assert sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0] == 2, (
        "the source file itself is never written")
    added = rolodex(["add", "New Person"])
    assert added.exit_code == 0, added.stderr


def test_restore_with_backup_keep_zero_says_nothing_was_kept(rolodex, isolated):
    add(rolodex, "Jane Doe")
    copy = Path(rolodex("backup").stdout.strip())
    assert rolodex("config set backup.keep 0").exit_code == 0
    result = rolodex(["restore", str(copy), "--yes"])
    assert result.exit_code == 0, result.stderr
    assert "backup.keep is 0" in result.stderr
    assert backups_of(isolated, "*-auto-*") == []


def test_restore_into_a_new_database(rolodex, isolated, tmp_path):
    add(rolodex, "Jane Doe")
    copy = tmp_path / "copy.db"
    assert rolodex(["backup", str(copy)]).exit_code == 0
    fresh = tmp_path / "elsewhere" / "new.db"
    result = rolodex(["--db", str(fresh), "restore", str(copy), "--yes"])
    assert result.exit_code == 0, result.stderr
    assert "it was empty" in result.stderr
    assert names(fresh) == ["Jane Doe"]
    assert mode(fresh) == 0o600


def test_restore_of_a_cp_copy_of_a_live_database(rolodex, isolated, tmp_path):
    """A WAL-mode file copied with cp (no -wal beside it) restores, and is not written to."""
    add(rolodex, "Jane Doe")
    copy = tmp_path / "cp-copy.db"
    shutil.copy(isolated, copy)
    add(rolodex, "Later Person")
    result = rolodex(["restore", str(copy), "--yes"])
    assert result.exit_code == 0, result.stderr
    assert names(isolated) == ["Jane Doe"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("cp-copy")) == [
        "cp-copy.db"]


def test_merge_takes_an_automatic_backup_first(rolodex, isolated):
    add(rolodex, "Jane Doe")
    add(rolodex, "Jane Q Doe")
    result = rolodex(["merge", "1", "2", "--yes"])
    assert result.exit_code == 0, result.stderr
    [copy] = backups_of(isolated, "*-auto-merge.db")
    assert mode(copy) == 0o600
    assert names(copy) == ["Jane Doe", "Jane Q Doe"]
    assert names(isolated) == ["Jane Doe"]


def test_doctor_fix_takes_an_automatic_backup_first(rolodex, isolated):
    add(rolodex, "Jane Doe")
    conn = sqlite3.connect(isolated, isolation_level=None)
    conn.execute("DELETE FROM contacts_fts")
    conn.close()
    assert rolodex("doctor --fix").exit_code == 0
    [copy] = backups_of(isolated, "*-auto-doctor.db")
    assert mode(copy) == 0o600
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT count(*) FROM contacts_fts").fetchone() == (0,)
    conn.close()


def test_rotation_within_one_second_keeps_the_newest(tmp_path):
    """Copies taken in the same second are ordered by a counter that only grows, so the
    name of a copy rotation deleted is never reused for a newer one."""
    from rolodex.store.care import backups
    from rolodex.store.opening import open_db

    db = open_db(tmp_path / "fast.db")
    try:
        made = []
        for n in range(6):
            db.execute("INSERT INTO settings (key, value) VALUES (?, '1')", (f"k{n}",))
            made.append(backups.make_backup(db, reason="import"))
            backups.rotate(db.path, 2)
    finally:
        db.close()
    kept = [Path(b["path"]) for b in backups.list_backups(tmp_path / "fast.db")]
    assert len(kept) == 2
    assert {len(sqlite3.connect(p).execute("SELECT * FROM settings").fetchall())
            for p in kept} == {5, 6}
