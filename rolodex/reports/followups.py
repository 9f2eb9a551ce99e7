"""Who and what needs attention: people past their stay-in-touch cadence, and tasks due.

A contact's cadence is its own (``contact edit --every``) or else the shortest cadence of
its tags (``rolodex cadence set TAG 90d``). Days are counted from the last interaction, or
from when the contact was added if there is none yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta, tzinfo
from typing import Any

from rolodex.dates import from_utc_iso, now
from rolodex.store import tasks
from rolodex.store.db import Database
from rolodex.store.settings import CADENCE_PREFIX

KEYS = ("type", "id", "title", "due", "days_overdue", "last_contacted", "cadence_days",
        "priority", "contacts")
PRIORITY_RANK = {"high": 0, "normal": 1, "low": 2}


def tag_cadences(db: Database) -> dict[str, int]:
    """Cadence in days per tag name (lower-cased), from the ``cadence.TAG`` settings."""
    import json

    rows = db.query("SELECT key, value FROM settings WHERE key LIKE ?", (CADENCE_PREFIX + "%",))
    return {r["key"][len(CADENCE_PREFIX):].lower(): json.loads(r["value"]) for r in rows}


def cadence_sql(db: Database, alias: str = "c") -> tuple[str, list[Any]]:
    """An SQL expression for the cadence of ``contacts AS alias`` (null: none): its own,
    else the shortest of its tags' -- the one place that rule is written."""
    by_tag = tag_cadences(db)
    if not by_tag:
        return f"{alias}.cadence_days", []
    cases = " ".join("WHEN ? THEN ?" for _ in by_tag)
    return (f"coalesce({alias}.cadence_days, (SELECT min(CASE lower(t.name) {cases} END)"
            f" FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
            f" WHERE ct.contact_id = {alias}.id))",
            [value for pair in by_tag.items() for value in pair])


def with_cadence(db: Database, alias: str = "c") -> tuple[str, list[str]]:
    """SQL true for the rows of ``contacts AS alias`` that have a cadence: their own, or a
    tag with one (a filter for queries that compute ``cadence_sql`` for each row)."""
    by_tag = list(tag_cadences(db))
    sql = f"{alias}.cadence_days IS NOT NULL"
    if by_tag:
        sql += (f" OR {alias}.id IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t"
                f" ON t.id = ct.tag_id WHERE lower(t.name) IN ({', '.join('?' * len(by_tag))}))")
    return f"({sql})", by_tag


def people_due(db: Database, horizon: date, tz: tzinfo) -> list[dict[str, Any]]:
    """Contacts whose next contact date (last contact + cadence) is on or before ``horizon``.

    One query with an index lookup per contact for the last contact, and local days
    worked out per UTC day rather than per contact: 100,000 contacts stay cheap."""
    today = now().astimezone(tz).date()
    return [{"type": "followup", "id": contact_id, "title": name, "due": due.isoformat(),
             "days_overdue": (today - due).days, "last_contacted": last,
             "cadence_days": every, "priority": None,
             "contacts": [{"id": contact_id, "name": name}]}
            for contact_id, name, last, every, due in due_rows(db, horizon, tz)]


def due_rows(db: Database, horizon: date, tz: tzinfo
             ) -> Iterator[tuple[int, str, str | None, int, date]]:
    """``people_due`` as (id, name, last contacted, cadence, due day) tuples, unshaped."""
    from rolodex.reports.scope import LocalDays
    from rolodex.store.records import tuples

    expr, expr_params = cadence_sql(db)
    where, params = with_cadence(db)
    local = LocalDays(tz)
    steps: dict[int, timedelta] = {}
    for contact_id, name, created, last, every in tuples(
            db, f"SELECT c.id, c.display_name, c.created, (SELECT l.at FROM contact_last l"
            f" WHERE l.id = c.id), {expr} FROM contacts c WHERE {where}"
            f" AND c.deathdate IS NULL",  # nobody to get in touch with
            expr_params + params):
        step = steps.get(every)
        if step is None:
            step = steps[every] = timedelta(days=every)
        try:
            due = local(last or created) + step
        except OverflowError:  # due after 9999-12-31: before no horizon there can be
            continue
        if due <= horizon:
            yield contact_id, name, last, every, due


def tasks_due(db: Database, horizon: date, tz: tzinfo) -> list[dict[str, Any]]:
    """Open tasks due on or before ``horizon`` (overdue ones included)."""
    today = now().astimezone(tz).date()
    out = []
    for task in tasks.due_brief(db, first=None, last=horizon, tz=tz):
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
    items = people_due(db, horizon, tz) + tasks_due(db, horizon, tz)
    items.sort(key=lambda i: (-i["days_overdue"], PRIORITY_RANK.get(i["priority"] or "", 1),
                              i["type"] != "followup", i["title"].casefold()))
    return items

