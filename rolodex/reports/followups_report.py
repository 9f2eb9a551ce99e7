"""The follow-ups report: ``rolodex followups`` as a report, split into what is late
(``overdue``), what is due between today and the horizon (``due``), and the people past
or reaching their stay-in-touch cadence (``stay_in_touch``).

The items and their order come from ``reports.followups.followups``; this module only
splits, narrows (tags, owner) and shapes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from typing import Any

from rolodex.report_model import Report, Section
from rolodex.reports.followups import followups
from rolodex.reports.scope import contact_filter, count_totals, unknown_tags
from rolodex.store.db import Database
from rolodex.store.records import chunks

TASK_COLUMNS = [("id", "ID"), ("title", "Task"), ("due", "Due"), ("days_overdue", "Days late"),
                ("priority", "Priority"), ("owner", "Owner"), ("contacts", "With"),
                ("contact_ids", "Contact IDs")]
PEOPLE_COLUMNS = [("id", "ID"), ("name", "Name"), ("company", "Company"),
                  ("cadence_days", "Every (days)"), ("last_contacted", "Last contacted"),
                  ("due", "Due"), ("days_overdue", "Days late"), ("owner", "Owner")]


def followups_report(db: Database, today: date, horizon: date, tz: tzinfo, *,
                     tags: Sequence[str] = (), owner: str | None = None) -> Report:
    """Open tasks due before ``today`` (overdue) and from ``today`` to ``horizon`` (due),
    and people due for contact by ``horizon``. ``owner`` is the task's or the contact's
    owner; ``tags`` keeps tasks with at least one such contact, and such people."""
    items = followups(db, horizon, tz)
    tasks = [i for i in items if i["type"] == "task"]
    people = [i for i in items if i["type"] == "followup"]
    task_owner = _column(db, "tasks", "owner", [t["id"] for t in tasks])
    person = _people(db, [p["id"] for p in people])
    if tags:
        scope, params = contact_filter("c", tags=tags)
        wanted = {r[0] for r in db.execute(f"SELECT c.id FROM contacts c WHERE {scope}", params)}
        tasks = [t for t in tasks if any(c["id"] in wanted for c in t["contacts"])]
        people = [p for p in people if p["id"] in wanted]
    if owner is not None:
        tasks = [t for t in tasks if task_owner.get(t["id"]) == owner]
        people = [p for p in people if person[p["id"]]["owner"] == owner]
    task_rows = [_task_row(t, task_owner.get(t["id"])) for t in tasks]
    overdue = [r for r in task_rows if r["days_overdue"] > 0]
    due = [r for r in task_rows if r["days_overdue"] <= 0]
    people_rows = [{"id": p["id"], "name": p["title"], "company": person[p["id"]]["company"],
                    "cadence_days": p["cadence_days"], "last_contacted": p["last_contacted"],
                    "due": p["due"], "days_overdue": p["days_overdue"],
                    "owner": person[p["id"]]["owner"]} for p in people]
    sections = [
        Section("overdue", "Overdue tasks", TASK_COLUMNS, overdue,
                totals=count_totals(TASK_COLUMNS, len(overdue)), empty="no overdue tasks"),
        Section("due", "Tasks due" + (" today" if horizon == today else ""), TASK_COLUMNS, due,
                totals=count_totals(TASK_COLUMNS, len(due)), empty="no tasks due"),
        Section("stay_in_touch", "Stay in touch", PEOPLE_COLUMNS, people_rows,
                totals=count_totals(PEOPLE_COLUMNS, len(people_rows)),
                empty="nobody to get in touch with"),
    ]
    return Report("followups", "Follow-ups", sections, start=today, end=horizon,
                  notes=unknown_tags(db, tags))


def _task_row(item: dict[str, Any], owner: str | None) -> dict[str, Any]:
    return {"id": item["id"], "title": item["title"], "due": item["due"],
            "days_overdue": item["days_overdue"], "priority": item["priority"], "owner": owner,
            "contacts": "; ".join(c["name"] for c in item["contacts"]),
            "contact_ids": [c["id"] for c in item["contacts"]]}


def _column(db: Database, table: str, column: str, ids: list[int]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for chunk in chunks(ids):
        out.update(db.execute(f"SELECT id, {column} FROM {table} WHERE id IN"
                              f" ({', '.join('?' * len(chunk))})", chunk).fetchall())
    return out


def _people(db: Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for chunk in chunks(ids):
        for row in db.execute(f"SELECT c.id, c.owner, co.name AS company FROM contacts c"
                              f" LEFT JOIN companies co ON co.id = c.company_id"
                              f" WHERE c.id IN ({', '.join('?' * len(chunk))})", chunk):
            out[row["id"]] = {"owner": row["owner"], "company": row["company"]}
    return out
