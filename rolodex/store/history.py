"""Interaction history: every call, mail, meeting and note, linked to its contacts.

"Last contacted" is always derived from here (never a field a command writes, which could
go stale): ``interaction_contacts`` repeats each interaction's time, and triggers on it keep
each contact's latest in ``contact_last`` (migration m007), one row per contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rolodex.dates import to_utc_iso
from rolodex.errors import InvalidInput, NotFound
from rolodex.store import journal, records, settings
from rolodex.store.db import Database


def check_kind(db: Database, kind: str) -> str:
    kind = kind.strip().lower()
    allowed = [k.lower() for k in settings.get(db, "history.kinds")]
    if kind not in allowed:
        raise InvalidInput(f"unknown interaction kind '{kind}'",
                           hint=f"use one of: {', '.join(allowed)} (or add one with "
                                "'rolodex config set history.kinds ...')")
    return kind


def log(db: Database, contact_ids: Sequence[int], kind: str, *, at: datetime,
        text: str | None = None, duration_minutes: int | None = None,
        direction: str | None = None, outcome: str | None = None,
        company_id: int | None = None, task_id: int | None = None,
        check: bool = True, message_id: str | None = None) -> int:
    """Record one interaction with one or more contacts; returns its id.

    ``check=False`` is for kinds rolodex itself writes (a completed task's call, meeting,
    email or note), which must not fail because the user trimmed ``history.kinds``.
    """
    kind = check_kind(db, kind) if check else kind
    if direction is not None and direction not in ("in", "out"):
        raise InvalidInput(f"direction must be 'in' or 'out', not '{direction}'")
    if not contact_ids and company_id is None:
        raise InvalidInput("an interaction needs at least one contact or a company")
    stamp = to_utc_iso(at)
    with db.write(f"log {kind}"):
        interaction_id = journal.insert(db, "interactions", {
            "uid": records.new_uid(), "kind": kind, "at": stamp,
            "duration_minutes": duration_minutes, "direction": direction,
            "text": records.clean(text), "outcome": records.clean(outcome),
            "company_id": company_id, "task_id": task_id, "user": db.user,
            "message_id": message_id, "created": records.timestamp()})
        for contact_id in dict.fromkeys(contact_ids):
            journal.insert(db, "interaction_contacts", {
                "interaction_id": interaction_id, "contact_id": contact_id, "at": stamp})
    return interaction_id


def delete(db: Database, interaction_id: int) -> None:
    row = db.execute("SELECT kind FROM interactions WHERE id = ?", (interaction_id,)).fetchone()
    if row is None:
        raise NotFound(f"no history entry #{interaction_id}")
    with db.write(f"delete history #{interaction_id}"):
        journal.delete_where(db, "interaction_contacts", "interaction_id", interaction_id)
        journal.delete(db, "interactions", interaction_id)


KEYS = ("id", "uid", "kind", "at", "text", "outcome", "direction", "duration_minutes",
        "contacts", "company", "company_id", "task_id", "user")


def list_entries(db: Database, *, contact_ids: Sequence[int] | None = None,
                 company_id: int | None = None, kind: str | None = None,
                 since: datetime | None = None, until: datetime | None = None,
                 limit: int | None = None, newest_first: bool = True) -> list[dict[str, Any]]:
    """History entries matching the filters: the documented history JSON shape.

    ``company_id`` selects entries logged against the company or with any of its people.
    """
    where, params = ["1"], []
    if contact_ids is not None:
        marks = ", ".join("?" * len(contact_ids)) or "NULL"
        where.append(f"i.id IN (SELECT interaction_id FROM interaction_contacts"
                     f" WHERE contact_id IN ({marks}))")
        params += list(contact_ids)
    if company_id is not None:
        where.append("(i.company_id = ? OR i.id IN (SELECT ic.interaction_id FROM"
                     " interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id"
                     " WHERE c.company_id = ?))")
        params += [company_id, company_id]
    if kind:
        where.append("i.kind = ?")
        params.append(kind.strip().lower())
    if since is not None:
        where.append("i.at >= ?")
        params.append(to_utc_iso(since))
    if until is not None:
        where.append("i.at < ?")
        params.append(to_utc_iso(until))
    order = "DESC" if newest_first else "ASC"
    sql = (f"SELECT i.*, co.name AS company FROM interactions i LEFT JOIN companies co"
           f" ON co.id = i.company_id WHERE {' AND '.join(where)} ORDER BY i.at {order}, i.id"
           f" {order}")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = db.query(sql, params)
    people = records.linked_contacts(db, "interaction_contacts", "interaction_id",
                                     [r["id"] for r in rows])
    return [{
        "id": r["id"], "uid": r["uid"], "kind": r["kind"], "at": r["at"], "text": r["text"],
        "outcome": r["outcome"], "direction": r["direction"],
        "duration_minutes": r["duration_minutes"], "contacts": people.get(r["id"], []),
        "company": r["company"], "company_id": r["company_id"], "task_id": r["task_id"],
        "user": r["user"],
    } for r in rows]


def last_contacted(db: Database, contact_ids: list[int], *,
                   bulk: bool = False) -> dict[int, str | None]:
    """When each contact was last in the history (UTC ISO), or None: ``contact_last``,
    which triggers keep equal to the latest ``interaction_contacts.at`` of each.
    ``bulk``: read all of it, for ids that are most of the contacts."""
    out: dict[int, str | None] = dict.fromkeys(contact_ids)
    for rows in records.rows_for(db, "SELECT id, at FROM contact_last", "id", contact_ids,
                                 bulk=bulk):
        for contact_id, at in rows:
            if contact_id in out:
                out[contact_id] = at
    return out


def logged_message(db: Database, message_id: str) -> int | None:
    """The history entry that already records this mail message, if any."""
    row = db.execute("SELECT id FROM interactions WHERE message_id = ?",
                     (message_id,)).fetchone()
    return row[0] if row else None
