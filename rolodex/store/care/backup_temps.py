"""The hidden temporary files a backup is written into before it is renamed into place.

A copy killed half-way (``kill -9``, a power cut) leaves its ``.NAME.PID.XXXXXXXX.tmp``
behind, often with ``-wal`` and ``-shm`` files: full personal data nobody lists. Each name
carries the process id of its writer, so a later run can tell a stale copy (its writer is
gone) from another process's copy in progress, and remove only the first. Names from
before the process id was written in are stale once an hour old: no copy takes that long
without writing, and writing keeps a file's time fresh.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from rolodex.errors import FileError

LEGACY_STALE_SECONDS = 3600
_COMPANIONS = ("-wal", "-shm", "-journal")
_TEMP = re.compile(r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)\.)?[a-z0-9_]{8}\.tmp$")


def private_temp(folder: Path, name: str, what: Path) -> Path:
    """A new empty file in ``folder`` readable by its owner only, before any data is in it
    (mkstemp creates it 0600 and exclusively), named after ``name`` and this process;
    ``what`` names the target in errors."""
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.{os.getpid()}.", suffix=".tmp")
    except OSError as exc:
        raise FileError(f"cannot write backup {what}: {exc.strerror}") from exc
    os.close(fd)
    return Path(temp)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return False
    return True


def _stale(path: Path, match: re.Match[str], now: float) -> bool:
    if match["pid"] is not None:
        return not _alive(int(match["pid"]))
    try:
        return now - path.stat().st_mtime > LEGACY_STALE_SECONDS
    except OSError:
        return False


def stale_temporaries(folder: Path, stem: str) -> list[Path]:
    """Every stale temporary copy of a database named ``stem...`` in ``folder`` (its
    backup folder, or the folder a copy was asked for in), with its -wal, -shm and
    -journal files (also those whose copy is gone), sorted."""
    try:
        names = [p for p in folder.iterdir() if p.name.startswith(f".{stem}")]
    except OSError:
        return []
    now = time.time()
    found = []
    for path in names:
        base = path.name
        for tail in _COMPANIONS:
            if base.endswith(tail):
                base = base[:-len(tail)]
                break
        match = _TEMP.match(base)
        if match and match["name"].startswith(stem) and _stale(folder / base, match, now):
            found.append(path)
    return sorted(found)


def copies(paths: list[Path]) -> int:
    """How many copies ``paths`` are (a copy with its -wal and -shm counts once)."""
    return len({p.name.split(".tmp")[0] for p in paths})


def remove(paths: list[Path]) -> int:
    """Delete them, as far as the file system lets us (a copy that cannot be removed is
    still listed by ``doctor``); returns how many copies are gone."""
    left = []
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            left.append(path)
    return copies(paths) - copies(left)


def with_companions(temp: Path) -> list[Path]:
    """A temporary copy and the -wal, -shm and -journal files SQLite may have made beside
    it: a copy that failed (a full disk) leaves its journal, which must go with it."""
    return [temp, *(temp.with_name(temp.name + tail) for tail in _COMPANIONS)]
