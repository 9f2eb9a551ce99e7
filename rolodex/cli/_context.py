"""Per-process state of the CLI: the database the user chose, opened once and on demand."""

from __future__ import annotations

import sys
from pathlib import Path

from rolodex.errors import InvalidInput, NotFound
from rolodex.store.db import Database, open_db
from rolodex.store.paths import resolve_db_path


class State:
    """The root options and the open database. A plain class: importing dataclasses costs
    mutt-query, which uses this too, a tenth of its time."""

    def __init__(self) -> None:
        self.db_option: str | None = None
        self.quiet = False
        self.command = ""
        self._db: Database | None = None

    def db_path(self) -> Path:
        return resolve_db_path(self.db_option)

    def db(self) -> Database:
        """The database, created and migrated on first use."""
        if self._db is None:
            self._db = open_db(self.db_path())
            self._db.command = self.command
        return self._db

    def zone(self):
        """The user's time zone: the ``timezone`` setting, else the system's."""
        from rolodex.dates import get_zone, system_zone
        from rolodex.store.settings import get

        name = get(self.db(), "timezone")
        return get_zone(name) if name else system_zone()

    def when(self, text: str):
        """A date or time as the user typed it, read in the user's zone."""
        from rolodex.dates import parse_when

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


state = State()


def say(text: str) -> None:
    """A confirmation for the person at the terminal (stderr; silenced by --quiet). Names
    in it come from strangers' files: control characters are shown escaped."""
    if not state.quiet:
        from rolodex.cli._output import visible

        sys.stderr.write(visible(text) + "\n")


def expand_refs(refs: list[str], *, saved: bool = True) -> list[str]:
    """Replace ``-`` with the references read from stdin, one a line (blank lines skipped),
    and (with ``saved``) each ``@NAME`` with the current members of that saved search."""
    out: list[str] = []
    empty: list[str] = []
    for ref in refs:
        items = [line.strip() for line in sys.stdin if line.strip()] if ref == "-" else [ref]
        for item in items:
            name = _saved_name(item) if saved else None
            if name is None:
                out.append(item)
                continue
            from rolodex.store.saved_searches import members

            found = members(state.db(), name)
            out.extend(f"#{i}" for i in found)
            if not found:
                empty.append(name)
    if not out:
        if empty:
            from rolodex.errors import NotFound

            raise NotFound(f"saved search @{empty[0]} has no members",
                           hint=f"'rolodex search @{empty[0]}' shows whom it selects")
        raise InvalidInput("no contacts given", hint="name them, or pass - to read them from stdin")
    return out


def _saved_name(ref: str) -> str | None:
    if not ref.startswith("@"):
        return None
    from rolodex.store.saved_searches import ref_name

    return ref_name(ref)


def expand_ids(values: list[str]) -> list[int]:
    """Numeric ids as typed (``12`` or ``#12``), ``-`` reading them from stdin."""
    from rolodex.store.refs import MAX_ID, typed_id

    out = []
    for value in expand_refs(values, saved=False):
        number = typed_id(value)
        if number is None:
            raise InvalidInput(f"not an id: '{value}'", hint="ids are numbers such as 12")
        if number > MAX_ID:
            raise NotFound(f"nothing has id {number}: ids are at most {MAX_ID}")
        out.append(number)
    return list(dict.fromkeys(out))


def delete_by_ids(typed: list[str], noun: str, check, delete, yes: bool) -> None:
    """The body of ``task rm`` and ``deal rm``: every id must exist before anything is
    asked or deleted, then all go in one operation."""
    db = state.db()
    ids = expand_ids(typed)
    for record_id in ids:
        check(db, record_id)
    confirm(f"Delete {len(ids)} {noun}(s)?", yes)
    with db.write(f"delete {len(ids)} {noun}s"):
        for record_id in ids:
            delete(db, record_id)
    say(f"deleted {len(ids)} {noun}(s)")


def confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; without one, ``--yes`` is required."""
    from rolodex.errors import Aborted

    if yes:
        return
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise Aborted(f"{question.rstrip('?')}: refusing without --yes (no terminal to ask on)")
    from rolodex.cli._output import visible

    sys.stderr.write(f"{visible(question)} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise Aborted("nothing was changed")
