"""The agenda: events, tasks, follow-ups, birthdays and anniversaries, day by day."""

from __future__ import annotations

import calendar
from datetime import date, timedelta, tzinfo
from typing import Any

from rolodex.dates import PartialDate, from_utc_iso
from rolodex.reports.followups import people_due
from rolodex.store import events, tasks
from rolodex.store.db import Database

TYPE_ORDER = {"birthday": 0, "anniversary": 1, "event": 2, "task": 3, "followup": 4}
# Every item carries every key (null where it does not apply), so the JSON shape is fixed.
KEYS = ("type", "date", "time", "title", "id", "contacts", "start", "end", "location", "due",
        "overdue", "priority", "days_overdue", "years")


def _local(text: str, tz: tzinfo) -> tuple[date, str | None]:
    """A stored date or instant as a local day and 'HH:MM' (None for all-day)."""
    if len(text) == 10:
        return date.fromisoformat(text), None
    moment = from_utc_iso(text).astimezone(tz)
    return moment.date(), moment.strftime("%H:%M")


def _event_days(occ: dict, tz: tzinfo) -> list[tuple[date, str | None]]:
    """Each local day an occurrence covers: the first with its start time, later ones
    (a multi-day event) as all-day."""
    day, clock = _local(occ["start"], tz)
    if len(occ["end"]) == 10:
        last = date.fromisoformat(occ["end"]) - timedelta(days=1)  # all-day end is exclusive
    else:
        end = from_utc_iso(occ["end"]).astimezone(tz) - timedelta(microseconds=1)
        last = max(end.date(), day)
    return [(d, clock if d == day else None) for d in _days(day, last)]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def anniversaries(db: Database, first: date, last: date) -> list[dict[str, Any]]:
    """Birthdays and anniversaries falling on ``first``..``last``; 29 February is
    celebrated on 28 February in other years; ages only where the year is known."""
    days = _days(first, last)
    keys = {d.strftime("%m-%d") for d in days}
    if any(d.month == 2 and d.day == 28 and not calendar.isleap(d.year) for d in days):
        keys.add("02-29")
    marks = ", ".join("?" * len(keys))
    out = []
    for field, kind in (("birthday", "birthday"), ("anniversary", "anniversary")):
        rows = db.query(f"SELECT id, display_name, {field} AS value FROM contacts"
                        f" WHERE {field} IS NOT NULL AND substr({field}, -5) IN ({marks})",
                        sorted(keys))
        for row in rows:
            partial = PartialDate.from_iso(row["value"])
            for year in sorted({d.year for d in days}):
                day = partial.occurrence_in(year)
                if first <= day <= last:
                    years = year - partial.year if partial.year else None
                    label = "birthday" if kind == "birthday" else "anniversary"
                    title = f"{row['display_name']}'s {label}" + (
                        f" ({years})" if years is not None else "")
                    out.append({"type": kind, "date": day.isoformat(), "time": None,
                                "title": title, "id": row["id"],
                                "contacts": [{"id": row["id"], "name": row["display_name"]}],
                                "years": years})
    return out


def agenda(db: Database, first: date, last: date, tz: tzinfo, today: date) -> list[dict]:
    """Every agenda item from ``first`` to ``last``; overdue tasks and follow-ups are shown
    on ``today`` (with how late they are) when the window includes it."""
    items: list[dict[str, Any]] = []
    for occ in events.occurrences(db, first, last, tz):
        for day, clock in _event_days(occ, tz):
            if first <= day <= last:
                items.append({"type": "event", "date": day.isoformat(), "time": clock,
                              "title": occ["title"], "id": occ["id"],
                              "contacts": occ["contacts"], "start": occ["start"],
                              "end": occ["end"], "location": occ["location"]})
    overdue_first = first <= today <= last
    task_ids = tasks.list_ids(db, status="open", first=None if overdue_first else first,
                              last=last, tz=tz)
    for task in tasks.fetch(db, task_ids, tz=tz):
        day, clock = _local(task["due"], tz)
        shown = max(day, today) if overdue_first else day
        items.append({"type": "task", "date": shown.isoformat(), "time": clock,
                      "title": task["title"], "id": task["id"], "contacts": task["contacts"],
                      "due": task["due"], "overdue": task["overdue"],
                      "priority": task["priority"]})
    for person in people_due(db, last, tz):
        day = date.fromisoformat(person["due"])
        if day < first and not overdue_first:
            continue
        shown = max(day, today) if overdue_first else day
        items.append({"type": "followup", "date": shown.isoformat(), "time": None,
                      "title": f"Get in touch with {person['title']}", "id": person["id"],
                      "contacts": person["contacts"], "due": person["due"],
                      "days_overdue": person["days_overdue"]})
    items += anniversaries(db, first, last)
    items.sort(key=lambda i: (i["date"], i["time"] is not None, i["time"] or "",
                              TYPE_ORDER[i["type"]], i["title"].casefold()))
    return [{key: item.get(key) for key in KEYS} for item in items]



