"""Who and what needs attention, most urgent first: people past their stay-in-touch
cadence (``store/activity/cadence``) and tasks due."""

from __future__ import annotations

from datetime import date, tzinfo
from typing import Any

from rolodex.dates import from_utc_iso, now
from rolodex.store.activity import tasks
from rolodex.store.activity.cadence import due_rows, people_due, shape_due
from rolodex.store.db import Database

KEYS = ("type", "id", "title", "due", "days_overdue", "last_contacted", "cadence_days",
        "priority", "contacts")
PRIORITY_RANK = {"high": 0, "normal": 1, "low": 2}


def tasks_due(db: Database, horizon: date, tz: tzinfo, *,
              most: int | None = None) -> list[dict[str, Any]]:
    """Open tasks due on or before ``horizon`` (overdue ones included); with ``most``,
    the ``most`` due soonest and their day's others."""
    today = now().astimezone(tz).date()
    out = []
    for task in tasks.due_brief(db, first=None, last=horizon, tz=tz, most=most):
        due_day = _day(task["due"], tz)
        out.append({
            "type": "task", "id": task["id"], "title": task["title"], "due": task["due"],
            "days_overdue": (today - due_day).days, "last_contacted": None,
            "cadence_days": None, "priority": task["priority"], "contacts": task["contacts"]})
    return out


def _day(text: str, tz: tzinfo) -> date:
    return date.fromisoformat(text) if len(text) == 10 else \
        from_utc_iso(text).astimezone(tz).date()


def followups(db: Database, horizon: date, tz: tzinfo) -> list[dict[str, Any]]:
    """People and tasks due by ``horizon``, most urgent first (most days overdue, then
    higher priority, then people before tasks)."""
    return _ordered(people_due(db, horizon, tz) + tasks_due(db, horizon, tz))


def most_urgent(db: Database, horizon: date, tz: tzinfo, most: int,
                people: list[tuple] | None = None) -> tuple[list[dict[str, Any]], int]:
    """The first ``most`` of ``followups`` and how many there are in all, without
    building the others: what a person reads on a terminal, where 20,000 overdue rows
    at 100,000 contacts would be no list at all. Tasks come through the due index, the
    ``most`` soonest only; people due are few enough to order as tuples (``people``:
    ``due_rows`` already read for a horizon at least as late, read once by the agenda)."""
    rows = due_rows(db, horizon, tz) if people is None else \
        (r for r in people if r[4] <= horizon)  # ``due_rows`` of a later horizon, given
    people = sorted(rows, key=lambda r: r[4])
    soonest = people[:most]
    soonest += [r for r in people[most:most * 2] if soonest and r[4] == soonest[-1][4]]
    items = _ordered(shape_due(soonest, tz) + tasks_due(db, horizon, tz, most=most))[:most]
    return items, len(people) + tasks.count_due(db, last=horizon, tz=tz)


def _ordered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    items.sort(key=lambda i: (-i["days_overdue"], PRIORITY_RANK.get(i["priority"] or "", 1),
                              i["type"] != "followup", i["title"].casefold()))
    return items
