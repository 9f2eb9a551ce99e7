"""Bringing a stored event or task together with the one a calendar file gives.

The same rule as for contacts (``contact_merge``), per group of fields: **merge** (the
default) takes the file's value where rolodex's is empty, or where rolodex still holds
what the file said at the last import (``imported``: the fields as that import wrote
them), so a calendar that moved a meeting moves it here too; a field changed in rolodex
since then stays, and a file that says otherwise is a conflict in the report. A task
you finished in rolodex is never reopened by an old file. **replace** takes the file's
values; **skip** leaves the stored item alone.
"""

from __future__ import annotations

import json
from typing import Any

from rolodex.store import journal
from rolodex.store.db import Database
from rolodex.sync.contact_merge import Change, empty

# Fields that change together: a series' time is its start, end, zone, rule, extra dates
# and moved or cancelled occurrences, never some of them from one side.
EVENT_GROUPS = {"title": ("title",), "time": ("start", "end", "tz", "rrule", "rdates",
                                              "exceptions"),
                "location": ("location",), "notes": ("notes",),
                "categories": ("categories",), "alarms": ("alarms",), "status": ("status",),
                "unmodelled": ("raw",)}
TASK_GROUPS = {"title": ("title",), "due": ("due", "rrule"), "priority": ("priority",),
               "notes": ("notes",), "categories": ("categories",),
               "status": ("status", "completed"), "unmodelled": ("raw",)}


class Skip(Exception):
    """A component that holds nothing rolodex can place (or that ``--on-match skip``
    leaves alone): reported, not a failure."""


def comparable(values: dict[str, Any]) -> dict[str, Any]:
    """Values as JSON gives them back (lists, not tuples), so a stored fingerprint
    compares equal to values made now."""
    return json.loads(json.dumps(values, default=str))


def decide(local: dict[str, Any], incoming: dict[str, Any], base: dict[str, Any] | None,
           groups: dict[str, tuple[str, ...]], on_match: str
           ) -> tuple[dict[str, Any], list[Change]]:
    """(the file's values to take, the conflicts) for one stored item."""
    take: dict[str, Any] = {}
    conflicts: list[Change] = []
    for name, keys in groups.items():
        mine = {k: local.get(k) for k in keys}
        theirs = {k: incoming.get(k) for k in keys}
        if mine == theirs:
            continue
        before = {k: base.get(k) for k in keys} if base is not None else None
        if on_match == "replace" or mine == before or empty(list(mine.values())):
            take.update(theirs)
        elif theirs != before:  # both changed since the last import: rolodex's stays
            conflicts.append(Change("conflict", name, _shown(theirs), _shown(mine)))
    return take, conflicts


def _shown(values: dict[str, Any]) -> Any:
    if len(values) == 1:
        return next(iter(values.values()))
    shown = {k: v for k, v in values.items() if not empty(v)}
    return ", ".join(f"{k} {v}" for k, v in shown.items())


def fingerprint(db: Database, table: str, row_id: int, incoming: dict[str, Any]) -> None:
    """Remember what this import said of the item: the base of the next one's merge."""
    text = json.dumps(incoming, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    journal.update(db, table, row_id, {"imported": text})


def base_of(row: Any) -> dict[str, Any] | None:
    text = row["imported"]
    return json.loads(text) if text else None
