"""Migrations run forward from every older schema, keeping the data and a backup copy."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from rolodex.store.db import APPLICATION_ID
from rolodex.store.migrations import MIGRATION_COUNT, MIGRATIONS, apply_all
from rolodex.store.opening import open_db
from rolodex.store.people import contact_queries


def _old_database(path, upto: int) -> None:
    """A database as the first ``upto`` migrations left it, with a contact in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    apply_all(conn, upto=upto)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {upto}")
    conn.execute("INSERT INTO companies (uid, name, name_key, created, updated)"
                 " VALUES ('c-1', 'Acme Ltd', 'acme ltd', '2026-01-01T00:00:00Z',"
                 " '2026-01-01T00:00:00Z')")
    conn.execute("INSERT INTO contacts (uid, first_name, last_name, display_name, name_key,"
                 " sort_key, company_id, birthday, created, updated) VALUES ('p-1', 'Zoë',"
                 " 'Müller', 'Zoë Müller', 'zoe muller', 'muller zoe', 1, '--02-29',"
                 " '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
    conn.execute("INSERT INTO contact_emails (contact_id, address, preferred)"
                 " VALUES (1, 'zoe@example.org', 1)")
    conn.close()


def test_there_is_a_history_to_migrate_through():
    assert MIGRATION_COUNT == len(MIGRATIONS) >= 2


@pytest.mark.fresh_db
@pytest.mark.parametrize("upto", range(1, MIGRATION_COUNT))
def test_migrates_forward_keeping_rows_and_a_backup(tmp_path, upto):
    path = tmp_path / "rolodex.db"
    _old_database(path, upto)
    path.chmod(0o600)
    db = open_db(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == MIGRATION_COUNT
        applied = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        assert applied == [fn.__name__ for fn in MIGRATIONS]
        [zoe] = contact_queries.fetch(db, [1])
        assert (zoe["name"], zoe["company"], zoe["email"], zoe["birthday"]) == (
            "Zoë Müller", "Acme Ltd", "zoe@example.org", "--02-29")
    finally:
        db.close()
    [backup] = list((tmp_path / "rolodex-backups").glob(f"rolodex-*-auto-schema{upto}.db"))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == upto
    assert old.execute("SELECT display_name FROM contacts").fetchall() == [("Zoë Müller",)]
    old.close()


@pytest.mark.fresh_db
def test_no_backup_for_a_new_database(tmp_path):
    open_db(tmp_path / "rolodex.db").close()
    assert not (tmp_path / "rolodex-backups").exists()
