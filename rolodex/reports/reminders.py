"""Reminders that fall in a window of time: each alarm of each event occurrence (minutes
before its start, as iCalendar's VALARM says), and each open task due at a time of day
(at that time). What ``rolodex reminders`` gives a cron job to show with notify-send.

An all-day event's alarm counts from the start of its day in the user's zone. A window is
[start, end): a cron job asking every five minutes for the next five sees each reminder
once.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, tzinfo
from typing import Any

from rolodex.dates import start_of_day, to_utc_iso
from rolodex.store import when
from rolodex.store.activity import events, tasks
from rolodex.store.db import Database

KEYS = ("at", "minutes_before", "type", "id", "title", "start", "location", "contacts")


def reminders(db: Database, start: datetime, end: datetime, tz: tzinfo
              ) -> list[dict[str, Any]]:
    """Reminders due from ``start`` (included) to ``end`` (excluded), soonest first; ``at``
    and ``start`` are UTC instants, or the day for an all-day event's ``start``."""
    alarms = {row[0]: json.loads(row[1]) for row in db.execute(
        "SELECT id, alarms FROM events WHERE alarms IS NOT NULL AND alarms != '[]'")}
    found = []
    if alarms:
        ahead = timedelta(minutes=max((m for ms in alarms.values() for m in ms), default=0))
        first = start.astimezone(tz).date() - timedelta(days=1)
        last = (end + ahead).astimezone(tz).date()
        for occ in events.occurrences(db, first, last, tz):
            begins = when.decode(occ["start"], tz)
            if not isinstance(begins, datetime):
                begins = start_of_day(begins, tz)
            for minutes in alarms.get(occ["id"], []):
                at = begins - timedelta(minutes=minutes)
                if start <= at < end:
                    found.append(_row(at, minutes, "event", occ, occ["start"]))
    for task in tasks.due_brief(db, first=start.astimezone(tz).date(),
                                last=end.astimezone(tz).date(), tz=tz):
        due = when.decode(task["due"], tz)
        if isinstance(due, datetime) and start <= due < end:
            found.append(_row(due, 0, "task", {**task, "location": None}, task["due"]))
    found.sort(key=lambda r: (r["at"], r["type"], r["id"]))
    return found


def _row(at: datetime, minutes: int, kind: str, item: dict[str, Any], begins: str
         ) -> dict[str, Any]:
    return {"at": to_utc_iso(at), "minutes_before": minutes, "type": kind, "id": item["id"],
            "title": item["title"], "start": begins, "location": item["location"],
            "contacts": item["contacts"]}
