"""Where the database lives: ``--db``, else ``ROLODEX_DB``, else the platform's data directory."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

DB_FILENAME = "rolodex.db"


def user_data_dir() -> Path:
    """The platform's per-user data directory for rolodex (XDG on Linux and BSD)."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "rolodex"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database path the user asked for, resolved once per process."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("ROLODEX_DB")
    if env:
        return Path(env).expanduser()
    return user_data_dir() / DB_FILENAME


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and each missing parent readable by its owner only (0700).

    ``Path.mkdir(parents=True, mode=0o700)`` gives only the last folder that mode: the
    parents it creates get the default (0755 under the usual umask), and a new
    ``~/.local/share`` or ``exports/2026/`` would show the folder names to everyone.
    Folders that already exist keep their mode; raises OSError like ``mkdir``.
    """
    missing = []
    path = folder
    while not os.path.lexists(path) and path != path.parent:
        missing.append(path)
        path = path.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            os.mkdir(path, 0o700)
    if not folder.is_dir():
        raise FileExistsError(17, "File exists (not a folder)", str(folder))
