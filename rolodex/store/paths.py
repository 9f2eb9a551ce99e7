"""Where the database lives: ``--db``, else ``ROLODEX_DB``, else the platform's data directory."""

from __future__ import annotations

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
