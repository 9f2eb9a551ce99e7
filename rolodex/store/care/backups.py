"""Copies of the database file: on demand and automatically before bulk changes.

Copies are taken with SQLite's online backup API, which reads a consistent snapshot even
while another process writes, and are created readable by their owner only. Automatic
copies (before a migration, an import, a merge, a restore, a repair) are rotated: the
newest ``backup.keep`` are kept. Copies the user asked for are never deleted by rolodex.
Restoring one is ``backup_restore``'s.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from rolodex.errors import FileError
from rolodex.store.care.backup_temps import private_temp, remove, stale_temporaries, with_companions
from rolodex.store.db import Database, translate
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


def abort_when_busy(status: int, remaining: int, total: int) -> None:
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
        conn.backup(dest, progress=abort_when_busy)
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


def same_file(a: Path, b: Path) -> bool:
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
        if same_file(path, own):
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


@contextmanager
def bulk_write(db: Database, summary: str, reason: str, *, dry_run: bool = False
               ) -> Iterator[int]:
    """``db.write`` for a bulk change (an import, a merge, a repair): an automatic copy
    first, so the change can also be undone by restoring it. None inside an operation
    that is already open (its outer caller took one) or for a dry run."""
    if db.operation_id is None and not dry_run:
        auto_backup(db, reason)
    with db.write(summary) as operation:
        yield operation
