"""Copies of the database file: on demand, automatically before bulk changes, and back.

Copies are taken with SQLite's online backup API, which reads a consistent snapshot even
while another process writes, and are created readable by their owner only. Automatic
copies (before a migration, an import, a merge, a restore, a repair) are rotated: the
newest ``backup.keep`` are kept. Copies the user asked for are never deleted by rolodex.

A restore goes the other way through the same API, into the open connection: SQLite then
writes the pages through its own WAL, so other processes and the -wal/-shm files stay
consistent, which copying a file over a live database would not guarantee.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from rolodex.errors import DatabaseBusy, FileError
from rolodex.store.backup_temps import (
    private_temp,
    remove,
    stale_temporaries,
    with_companions,
)
from rolodex.store.db import APPLICATION_ID, Database, open_db, translate
from rolodex.store.paths import make_private_folder

DEFAULT_KEEP = 10
SQLITE_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite 3 file
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?"
                   r"(?:-auto-(?P<reason>[a-z0-9-]+))?\.db$")


def backup_dir(db_path: Path) -> Path:
    """Where a database's copies go: ``<stem>-backups`` beside the file."""
    return db_path.parent / f"{db_path.stem}-backups"


def stale_copies(db_path: Path) -> list[Path]:
    """The files of copies a killed ``backup``, ``merge`` or import left half-written in
    the backup folder, not those another process is writing now."""
    return stale_temporaries(backup_dir(db_path), db_path.stem)


def _abort_when_busy(status: int, remaining: int, total: int) -> None:
    """Progress callback of ``Connection.backup``: Python retries a busy step forever,
    so a lock held past the busy timeout must end the copy instead."""
    if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        raise sqlite3.OperationalError("database is locked")


def _snapshot(conn: sqlite3.Connection, path: Path) -> None:
    """Copy the open database into the (empty) file ``path`` as one self-contained file.

    The copy is switched out of WAL mode, so it is a single file that ``cp`` and ``scp``
    carry whole and that opening later does not surround with -wal and -shm files.
    """
    dest = sqlite3.connect(path, isolation_level=None)
    try:
        conn.backup(dest, progress=_abort_when_busy)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()


def copy_database(conn: sqlite3.Connection, target: Path, *, db_path: Path | None = None
                  ) -> None:
    """Write a consistent copy of ``conn`` to ``target``, private, replacing it atomically:
    a failed copy leaves no half-written file and an older copy of that name intact."""
    temp = private_temp(target.parent, target.name, target)
    try:
        _snapshot(conn, temp)
        os.replace(temp, target)
    except sqlite3.Error as exc:
        if db_path is not None and ("locked" in str(exc) or "busy" in str(exc)):
            raise translate(exc, db_path) from exc
        raise FileError(f"cannot write backup {target}: {exc}") from exc
    except OSError as exc:
        raise FileError(f"cannot write backup {target}: {exc.strerror}") from exc
    finally:
        remove(with_companions(temp))


def _new_name(db_path: Path, reason: str | None, folder: Path | None = None) -> Path:
    """A fresh file name: the UTC time, a counter if taken, the reason (automatic ones)."""
    folder = folder if folder is not None else backup_dir(db_path)
    try:
        make_private_folder(folder)
    except OSError as exc:
        raise FileError(f"cannot create backup folder {folder}: {exc.strerror}") from exc
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    tail = f"-auto-{reason}" if reason else ""
    # Copies within one second are ordered by their counter, so it must only grow: reusing
    # the number of a copy rotation just deleted would make the newest copy sort oldest.
    taken = [int(m["n"] or 0) for p in folder.glob(f"{db_path.stem}-{stamp}*.db")
             if (m := _NAME.match(p.name)) and m["stem"] == db_path.stem]
    n = max(taken) + 1 if taken else 0
    while True:
        counter = f"-{n}" if n else ""
        path = folder / f"{db_path.stem}-{stamp}{counter}{tail}.db"
        if not path.exists():
            return path
        n += 1


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def make_backup(db: Database, target: Path | None = None, *, reason: str | None = None) -> Path:
    """Copy the database to ``target`` (a file, or a folder to name it in), else to a new
    file in its backup folder; returns the path written."""
    if target is None:
        path = _new_name(db.path, reason)
    elif target.is_dir():
        path = _new_name(db.path, reason, target)
    else:
        path = target
        if not path.parent.is_dir():
            raise FileError(f"cannot write backup {path}: no folder {path.parent}")
    for own in (db.path, Path(f"{db.path}-wal"), Path(f"{db.path}-shm")):
        if _same_file(path, own):
            raise FileError(f"{path} is the database in use; back it up to another file")
    # What an earlier copy killed half-way left behind goes first.
    remove(stale_temporaries(backup_dir(db.path), db.path.stem)
           + stale_temporaries(path.parent, path.name))
    copy_database(db.conn, path, db_path=db.path)
    return path


def write_backup(db: Database, out: BinaryIO) -> int:
    """Write a copy of the database to a stream (``rolodex backup -``); returns its size.

    The backup API writes to a file, so the copy goes through a private temporary file
    that is removed at once. It is made in the backup folder, where a copy killed half-way
    is found and removed like any other (the system's temporary folder when that cannot be
    created).
    """
    folder = backup_dir(db.path)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.gettempdir())
    remove(stale_temporaries(folder, db.path.stem))
    temp = private_temp(folder, db.path.name, Path("-"))
    try:
        try:
            _snapshot(db.conn, temp)
        except sqlite3.Error as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise translate(exc, db.path) from exc
            # the copy failed, not the database: a full disk or quota where it is made
            raise FileError(f"cannot write the copy {temp}: {exc}") from exc
        with temp.open("rb") as copy:
            shutil.copyfileobj(copy, out)
        return temp.stat().st_size
    finally:
        remove(with_companions(temp))


def _keep(db: Database) -> int:
    """The ``backup.keep`` setting; its default when the stored value cannot be read
    (``rolodex doctor --fix`` must still be able to back up before repairing it)."""
    from rolodex.store.settings import get

    try:
        keep = get(db, "backup.keep")
    except ValueError:
        return DEFAULT_KEEP
    return keep if isinstance(keep, int) and keep >= 0 else DEFAULT_KEEP


def auto_backup(db: Database, reason: str) -> Path | None:
    """An automatic copy before a bulk change, then rotation; None when ``backup.keep`` is 0
    or the database holds nothing yet."""
    keep = _keep(db)
    empty = not any(db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
                    for table in ("operations", "contacts", "companies"))
    if keep == 0 or empty:
        return None
    path = make_backup(db, reason=reason)
    rotate(db.path, keep)
    return path


def list_backups(db_path: Path) -> list[dict[str, Any]]:
    """The copies in the backup folder, oldest first: path, taken (UTC), automatic, reason,
    size in bytes."""
    folder = backup_dir(db_path)
    out = []
    for path in folder.glob(f"{db_path.stem}-*.db") if folder.is_dir() else ():
        match = _NAME.match(path.name)
        if not match or match["stem"] != db_path.stem:
            continue
        stat = path.stat()
        taken = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        out.append({"path": str(path), "taken": taken.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "automatic": match["reason"] is not None, "reason": match["reason"],
                    "size": stat.st_size, "_order": (match["stamp"], int(match["n"] or 0))})
    out.sort(key=lambda b: b["_order"])
    for item in out:
        del item["_order"]
    return out


def rotate(db_path: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` automatic copies; returns what was deleted."""
    automatic = [Path(b["path"]) for b in list_backups(db_path) if b["automatic"]]
    doomed = automatic[:-keep] if keep else automatic
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


# --- restore ---------------------------------------------------------------------------

def open_copy(path: Path) -> sqlite3.Connection:
    """A read-only connection to a copy; it never writes to the file it checks.

    Without a -wal file beside it nothing is pending and no process has it open, so it is
    opened immutable: a WAL-mode file (one copied with ``cp``) then gets no -wal and -shm
    files left beside it.
    """
    immutable = "" if Path(f"{path}-wal").exists() else "&immutable=1"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True,
                           isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


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
        if _same_file(source, own):
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
        conn.backup(db.conn, progress=_abort_when_busy)
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
