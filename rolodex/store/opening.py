"""Opening a rolodex file: create it on first use, check it is rolodex's, migrate it.

Above ``db`` (the connection) and ``backups`` (a copy is taken before a migration);
sqlite-utils is loaded by the migration runner only when a migration is pending.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from rolodex.errors import DatabaseError
from rolodex.store.db import APPLICATION_ID, Database, connect, prepare_writes, translate


def _create_file(path: Path) -> None:
    """Create the parent folders and an empty file readable by its owner only."""
    try:
        from rolodex.store.paths import make_private_folder

        make_private_folder(path.parent)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseError(
            f"cannot create database {path}: {exc.strerror}", hint="use --db PATH or ROLODEX_DB"
        ) from exc



def open_db(path: Path, *, create: bool = True, readonly: bool = False) -> Database:
    """Open (and on first use create) the database at ``path``, migrating it if needed."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    if not path.exists():
        if not create or readonly:
            raise DatabaseError(f"no database at {path}", hint="add a contact to create it")
        _create_file(path)
    conn = connect(path, readonly=readonly)
    db = Database(conn, path)
    try:
        _check_identity(db)
        if not readonly:
            prepare_writes(conn)
            _migrate(db)
    except sqlite3.Error as exc:
        conn.close()
        raise translate(exc, path) from exc
    except BaseException:
        conn.close()
        raise
    return db


def _check_identity(db: Database) -> None:
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return
    has_tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app_id != 0 or has_tables:
        raise DatabaseError(f"{db.path} is an SQLite file but not a rolodex database")


def _migrate(db: Database) -> None:
    """Apply pending migrations, keeping a copy of a database that holds data first.

    All of them run in one write transaction that re-reads the schema version once it holds
    the lock: two processes opening a new (or just upgraded) database at once would
    otherwise both migrate it; the second now waits and finds nothing left to do.
    """
    from rolodex.store.migrations import MIGRATION_COUNT

    version = _version(db)
    if version == MIGRATION_COUNT:
        return
    if version > MIGRATION_COUNT:
        raise DatabaseError(
            f"{db.path} was written by a newer rolodex (schema {version})",
            hint="upgrade rolodex to use this database",
        )
    if version > 0:  # a copy cannot be read from inside our own write transaction
        from rolodex.store.care.backups import auto_backup

        auto_backup(db, f"schema{version}")
    with db.transaction():
        if _version(db) == MIGRATION_COUNT:
            return
        from rolodex.store.migrations import apply_all

        apply_all(db.conn)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {MIGRATION_COUNT}")


def _version(db: Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]
