"""Who and what needs attention: people past their stay-in-touch cadence, and tasks due.

A contact's cadence is its own (``contact edit --every``) or else the shortest cadence of
its tags (``rolodex cadence set TAG 90d``). Days are counted from the last interaction, or
from when the contact was added if there is none yet.
"""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from typing import Any

from rolodex.dates import from_utc_iso, now
from rolodex.store import tasks
from rolodex.store.db import Database
from rolodex.store.history import last_contacted
from rolodex.store.settings import CADENCE_PREFIX

KEYS = ("type", "id", "title", "due", "days_overdue", "last_contacted", "cadence_days",
        "priority", "contacts")
PRIORITY_RANK = {"high": 0, "normal": 1, "low": 2}


def tag_cadences(db: Database) -> dict[str, int]:
    """Cadence in days per tag name (lower-cased), from the ``cadence.TAG`` settings."""
    import json

    rows = db.query("SELECT key, value FROM settings WHERE key LIKE ?", (CADENCE_PREFIX + "%",))
    return {r["key"][len(CADENCE_PREFIX):].lower(): json.loads(r["value"]) for r in rows}


def people_due(db: Database, horizon: date, tz: tzinfo) -> list[dict[str, Any]]:
    """Contacts whose next contact date (last contact + cadence) is on or before ``horizon``."""
    by_tag = tag_cadences(db)
    own = dict(db.execute("SELECT id, cadence_days FROM contacts"
                          " WHERE cadence_days IS NOT NULL").fetchall())
    cadence = dict(own)
    if by_tag:
        marks = ", ".join("?" * len(by_tag))
        for contact_id, tag in db.execute(
                f"SELECT ct.contact_id, lower(t.name) FROM contact_tags ct JOIN tags t"
                f" ON t.id = ct.tag_id WHERE lower(t.name) IN ({marks})", list(by_tag)):
            if contact_id not in own and by_tag[tag] < cadence.get(contact_id, 10**9):
                cadence[contact_id] = by_tag[tag]
    if not cadence:
        return []
    ids = list(cadence)
    last = last_contacted(db, ids)
    created = _created(db, ids)
    today = now().astimezone(tz).date()
    out = []
    for contact_id in ids:
        since = from_utc_iso(last[contact_id] or created[contact_id][0]).astimezone(tz).date()
        due = since + timedelta(days=cadence[contact_id])
        if due <= horizon:
            out.append({
                "type": "followup", "id": contact_id, "title": created[contact_id][1],
                "due": due.isoformat(), "days_overdue": (today - due).days,
                "last_contacted": last[contact_id], "cadence_days": cadence[contact_id],
                "priority": None, "contacts": [{"id": contact_id,
                                                "name": created[contact_id][1]}]})
    return out


def _created(db: Database, ids: list[int]) -> dict[int, tuple[str, str]]:
    from rolodex.store.records import chunks

    out: dict[int, tuple[str, str]] = {}
    for chunk in chunks(ids):
        for row in db.execute(f"SELECT id, created, display_name FROM contacts WHERE id IN"
                              f" ({', '.join('?' * len(chunk))})", chunk):
            out[row[0]] = (row[1], row[2])
    return out


def tasks_due(db: Database, horizon: date, tz: tzinfo) -> list[dict[str, Any]]:
    """Open tasks due on or before ``horizon`` (overdue ones included)."""
    ids = tasks.list_ids(db, status="open", last=horizon, tz=tz)
    today = now().astimezone(tz).date()
    out = []
    for task in tasks.fetch(db, ids, tz=tz):
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

