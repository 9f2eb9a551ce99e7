"""What a use case needs from whoever runs it: the database, the user's zone and day.

The CLI is one front end; a sync daemon, a full-screen browser or a script is another.
Each makes a ``Session`` (the database file it was given, the command it is running) and
passes it down, so no use case needs the CLI to run. The clock is ``dates.now`` (frozen
by ``ROLODEX_NOW`` or ``dates.set_clock``) and the user ``store.db.current_user``
(``ROLODEX_USER``), both read where they are used.
"""

from __future__ import annotations

from pathlib import Path

from rolodex.errors import DatabaseError
from rolodex.store.db import Database
from rolodex.store.opening import open_db
from rolodex.store.paths import resolve_db_path


class Session:
    """The database (opened once, on first use) and the day arithmetic in the user's
    zone. A plain class: importing dataclasses costs mutt-query a tenth of its time."""

    def __init__(self, db_option: str | None = None, command: str = "") -> None:
        self.db_option = db_option
        self.command = command
        self._db: Database | None = None

    def db_path(self) -> Path:
        return resolve_db_path(self.db_option)

    def db(self) -> Database:
        """The database, created and migrated on first use."""
        if self._db is None:
            self._db = open_db(self.db_path())
            self._db.command = self.command
        return self._db

    def existing_db(self) -> Database:
        """The database, which must already exist: copying or checking a file that is not
        there should say so, not create an empty one."""
        path = self.db_path()
        if self._db is None and not path.exists():
            raise DatabaseError(f"no database at {path}", hint="add a contact to create it")
        return self.db()

    def zone(self):
        """The user's time zone: the ``timezone`` setting, else the system's."""
        from rolodex.dates import get_zone, system_zone
        from rolodex.store.settings import get

        name = get(self.db(), "timezone")
        return get_zone(name) if name else system_zone()

    def when(self, text: str):
        """A date or time as the user typed it, read in the user's zone."""
        from rolodex.date_input import parse_when

        return parse_when(text, tz=self.zone())

    def day(self, text: str):
        """A day as the user typed it; a time means its day in the user's zone."""
        from datetime import datetime

        value = self.when(text)
        return value.astimezone(self.zone()).date() if isinstance(value, datetime) else value

    def today(self):
        from rolodex.dates import now

        return now().astimezone(self.zone()).date()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
