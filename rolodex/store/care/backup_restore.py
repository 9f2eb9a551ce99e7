"""Restoring a backup copy: check it is a sound rolodex database, keep what it replaces,
copy it in, and migrate it when it is older.

A restore goes through SQLite's backup API into the open connection: SQLite then writes
the pages through its own WAL, so other processes and the -wal/-shm files stay
consistent, which copying a file over a live database would not guarantee. Apart from
``backups`` (taking copies) because restoring reopens the database through
``opening``, which itself takes a copy before a migration.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from rolodex.errors import DatabaseBusy, FileError
from rolodex.store.care.backups import (
    SQLITE_MAGIC,
    abort_when_busy,
    auto_backup,
    open_copy,
    same_file,
)
from rolodex.store.db import APPLICATION_ID, Database, translate
from rolodex.store.opening import open_db


def inspect_copy(path: Path) -> dict[str, Any]:
    """Check that ``path`` is a sound rolodex database this version can use; FileError
    saying what is wrong otherwise. Returns path, schema (version) and contacts (count).

    The cheap checks come first: a missing file, a file that is not SQLite at all (an
    empty file would otherwise open as an empty database), another program's database,
    a newer schema. The integrity check reads every page, so it comes last.
    """
    from rolodex.store.migrations import MIGRATION_COUNT

    if path.is_dir():
        raise FileError(f"{path} is a folder, not a database file")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise FileError(f"cannot read {path}: {exc.strerror}") from exc
    if head != SQLITE_MAGIC:
        raise FileError(f"{path} is not an SQLite database",
                        hint="'rolodex backup --list' shows the copies rolodex made")
    try:
        conn = open_copy(path)
    except sqlite3.Error as exc:
        raise FileError(f"cannot open {path}: {exc}") from exc
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise FileError(f"{path} is an SQLite database but not a rolodex one")
        schema = conn.execute("PRAGMA user_version").fetchone()[0]
        if schema > MIGRATION_COUNT:
            raise FileError(f"{path} was written by a newer rolodex (schema {schema})",
                            hint="upgrade rolodex to restore this copy")
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
        if problems != ["ok"]:
            raise FileError(f"{path} is damaged: {'; '.join(problems)}",
                            hint="restore an older copy: 'rolodex backup --list'")
        contacts = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
    except sqlite3.Error as exc:
        raise FileError(f"{path} is not a usable rolodex database: {exc}") from exc
    finally:
        conn.close()
    return {"path": str(path), "schema": schema, "contacts": contacts}


def check_restore(db: Database, source: Path) -> dict[str, Any]:
    """``inspect_copy`` plus the one mistake only the open database can tell: restoring
    the database from itself."""
    if not source.exists():
        raise FileError(f"no such file: {source}")
    for own in (db.path, Path(f"{db.path}-wal"), Path(f"{db.path}-shm")):
        if same_file(source, own):
            raise FileError(f"{source} is the database in use; name a backup copy",
                            hint="'rolodex backup --list' shows them")
    return inspect_copy(source)


def restore(db: Database, source: Path, checked: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    """Replace the database's contents with the copy at ``source``.

    The copy is checked first (``checked``: what ``check_restore`` returned, to spare a
    second integrity check); the current contents are kept as an automatic backup
    (reason ``restore``) before anything is written; an older copy is migrated by
    reopening the database. Returns what was restored: source, contacts, schema_from,
    schema, previous (the kept copy, or None when ``backup.keep`` is 0 or it was empty).

    Undo cannot reach across a restore (the journal is part of what is replaced): the
    kept copy is the way back.
    """
    from rolodex.store.migrations import MIGRATION_COUNT

    info = checked if checked is not None else check_restore(db, source)
    previous = auto_backup(db, "restore")
    try:
        conn = open_copy(source)
    except sqlite3.Error as exc:
        raise FileError(f"cannot open {source}: {exc}") from exc
    try:
        conn.backup(db.conn, progress=abort_when_busy)
    except sqlite3.Error as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseBusy(f"database {db.path} is busy: another rolodex is writing to it",
                               hint="nothing was restored; try again in a moment") from exc
        raise translate(exc, db.path) from exc
    finally:
        conn.close()
    reopened = open_db(db.path)  # runs the migrations an older copy needs
    try:
        contacts = reopened.execute("SELECT count(*) FROM contacts").fetchone()[0]
    finally:
        reopened.close()
    return {"source": str(source), "contacts": contacts, "schema_from": info["schema"],
            "schema": MIGRATION_COUNT, "previous": str(previous) if previous else None}
