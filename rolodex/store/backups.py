"""Copies of the database file: on demand, and automatically before bulk changes.

Copies are taken with SQLite's online backup API, which reads a consistent snapshot even
while another process writes, and are created readable by their owner only. Automatic
copies (before a migration, an import, a merge, a restore) are rotated: the newest
``backup.keep`` are kept. Copies the user asked for are never deleted by rolodex.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rolodex.errors import FileError
from rolodex.store.db import Database

DEFAULT_KEEP = 10
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?"
                   r"(?:-auto-(?P<reason>[a-z0-9-]+))?\.db$")


def backup_dir(db_path: Path) -> Path:
    """Where a database's copies go: ``<stem>-backups`` beside the file."""
    return db_path.parent / f"{db_path.stem}-backups"


def _private_file(path: Path) -> None:
    """Create (or truncate) ``path`` readable by its owner only, before any data is in it."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise FileError(f"cannot write backup {path}: {exc.strerror}") from exc
    os.close(fd)
    os.chmod(path, 0o600)


def copy_database(conn: sqlite3.Connection, target: Path) -> None:
    """Write a consistent copy of the open database ``conn`` to ``target`` (private)."""
    _private_file(target)
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    except sqlite3.Error as exc:
        dest.close()
        target.unlink(missing_ok=True)
        raise FileError(f"cannot write backup {target}: {exc}") from exc
    dest.close()


def _new_name(db_path: Path, reason: str | None) -> Path:
    """A fresh file name in the backup folder: the UTC time, a counter if taken, the reason."""
    folder = backup_dir(db_path)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise FileError(f"cannot create backup folder {folder}: {exc.strerror}") from exc
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    tail = f"-auto-{reason}" if reason else ""
    n = 0
    while True:
        counter = f"-{n}" if n else ""
        path = folder / f"{db_path.stem}-{stamp}{counter}{tail}.db"
        if not path.exists():
            return path
        n += 1


def make_backup(db: Database, target: Path | None = None, *, reason: str | None = None) -> Path:
    """Copy the database to ``target``, else to a new file in its backup folder."""
    path = target if target is not None else _new_name(db.path, reason)
    copy_database(db.conn, path)
    return path


def auto_backup(db: Database, reason: str) -> Path | None:
    """An automatic copy before a bulk change, then rotation; None when ``backup.keep`` is 0
    or the database holds nothing yet."""
    from rolodex.store.settings import get

    keep = get(db, "backup.keep")
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
