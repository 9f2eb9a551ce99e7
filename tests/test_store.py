"""The SQLite file itself: creation, pragmas, identity, journal."""

from __future__ import annotations

import json
import sqlite3
import stat

import pytest

from rolodex.errors import DatabaseError
from rolodex.store import settings
from rolodex.store.db import APPLICATION_ID
from rolodex.store.migrations import MIGRATION_COUNT
from rolodex.store.opening import open_db
from rolodex.store.people import contacts


def test_created_private_with_parents_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "deep" / "er" / "rolodex.db"
    db = open_db(path)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert db.execute("PRAGMA user_version").fetchone()[0] == MIGRATION_COUNT
    finally:
        db.close()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "r.db"
    open_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {MIGRATION_COUNT + 5}")
    conn.close()
    with pytest.raises(DatabaseError, match="newer rolodex"):
        open_db(path)


def test_other_sqlite_files_are_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.close()
    with pytest.raises(DatabaseError, match="not a rolodex database"):
        open_db(path)


def test_every_write_is_journalled(tmp_path):
    db = open_db(tmp_path / "r.db")
    db.command = "rolodex add 'Jane Doe'"
    contact_id = contacts.add_contact(db, "Jane Doe", tags=["vip"])
    contacts.update_contact(db, contact_id, {"title": "CTO"})
    settings.set_value(db, "timezone", "Europe/Berlin")
    contacts.delete_contact(db, contact_id)
    ops = db.query("SELECT * FROM operations ORDER BY id")
    assert [o["summary"] for o in ops] == ["add contact Jane Doe", "edit contact Jane Doe",
                                           "config set timezone", "delete contact Jane Doe"]
    assert all(o["user"] == "tester" and o["command"] == "rolodex add 'Jane Doe'" for o in ops)
    changes = db.query("SELECT * FROM changes WHERE table_name = 'contacts' ORDER BY id")
    assert [c["action"] for c in changes] == ["insert", "update", "delete"]
    assert json.loads(changes[1]["before"])["title"] is None
    assert json.loads(changes[1]["after"])["title"] == "CTO"
    assert json.loads(changes[2]["before"])["display_name"] == "Jane Doe"
    tag_link = db.query("SELECT action FROM changes WHERE table_name = 'contact_tags'")
    assert [r["action"] for r in tag_link] == ["insert", "delete"]
    db.close()


def test_failed_operation_leaves_nothing(tmp_path):
    db = open_db(tmp_path / "r.db")
    with pytest.raises(RuntimeError), db.write("doomed"):
        contacts.add_contact(db, "Jane Doe")
        raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM operations").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM contacts_fts").fetchone()[0] == 0
    db.close()


def test_the_copy_every_test_starts_from_is_a_new_database(isolated, tmp_path):
    """conftest's template, copied to ROLODEX_DB, is what a first open_db makes: the same
    identity, schema, migrations, settings and mode, and no -wal or -shm beside it."""
    def described(path):
        conn = sqlite3.connect(path)
        try:
            return {
                "pragmas": [conn.execute(f"PRAGMA {p}").fetchone()[0] for p in (
                    "application_id", "user_version", "journal_mode", "page_size",
                    "encoding", "auto_vacuum", "freelist_count")],
                "schema": conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"
                                       " ORDER BY type, name").fetchall(),
                "migrations": conn.execute("SELECT migration_set, name FROM"
                                           " _sqlite_migrations ORDER BY id").fetchall(),
                "settings": conn.execute("SELECT * FROM settings ORDER BY id").fetchall(),
                "rows": sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                            for (t,) in conn.execute(
                                "SELECT name FROM sqlite_master WHERE type = 'table' AND"
                                " name NOT LIKE 'sqlite_%' AND name NOT LIKE 'contacts_fts%'"
                                " AND name != '_sqlite_migrations'")),
                "mode": stat.S_IMODE(path.stat().st_mode),
            }
        finally:
            conn.close()

    assert sorted(p.name for p in isolated.parent.glob(f"{isolated.name}*")) == [isolated.name]
    fresh = tmp_path / "fresh" / "rolodex.db"
    open_db(fresh).close()
    assert described(isolated) == described(fresh)
