"""Interaction history: every call, mail, meeting and note, linked to its contacts.

"Last contacted" is always derived from here (never a field a command writes, which could
go stale): ``interaction_contacts`` repeats each interaction's time, and triggers on it keep
each contact's latest in ``contact_last`` (migration m007), one row per contact.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
    with db.write(f"log {kind}"):
        return _insert(db, records.new_uid(), {
            "kind": kind, "at": to_utc_iso(at), "duration_minutes": duration_minutes,
            "direction": direction, "text": records.clean(text),
            "outcome": records.clean(outcome), "company_id": company_id, "task_id": task_id,
            "user": db.user, "message_id": message_id}, contact_ids)


def add_imported(db: Database, uid: str, values: dict[str, Any],
                 contact_ids: Sequence[int]) -> int:
    """An entry that came in from a calendar (a teammate's logged call): its own UID and
    values as the import read them (``at`` a UTC instant, as stored)."""
    with db.write(f"import history {values['kind']}"):
        return _insert(db, uid, values, contact_ids)


def _insert(db: Database, uid: str, values: dict[str, Any], contact_ids: Sequence[int]
            ) -> int:
    """The entry and its links, each link repeating the entry's time (``contact_last``)."""
    interaction_id = journal.insert(db, "interactions", {
        "uid": uid, **values, "created": records.timestamp()})
    for contact_id in dict.fromkeys(contact_ids):
        journal.insert(db, "interaction_contacts", {
            "interaction_id": interaction_id, "contact_id": contact_id, "at": values["at"]})
    return interaction_id


def update_imported(db: Database, interaction_id: int, values: dict[str, Any],
                    add_contacts: Sequence[int] = ()) -> None:
    """Take an import's values; a new ``at`` moves the entry's links with it (each
    contact's last contact is derived from them)."""
    with db.write(f"import history #{interaction_id}"):
        journal.update(db, "interactions", interaction_id, values)
        at = db.execute("SELECT at FROM interactions WHERE id = ?",
                        (interaction_id,)).fetchone()[0]
        for link_id, linked_at in db.execute(
                "SELECT id, at FROM interaction_contacts WHERE interaction_id = ?",
                (interaction_id,)).fetchall():
            if linked_at != at:
                journal.update(db, "interaction_contacts", link_id, {"at": at})
        for contact_id in dict.fromkeys(add_contacts):
            journal.insert(db, "interaction_contacts", {
                "interaction_id": interaction_id, "contact_id": contact_id, "at": at})


def by_uid(db: Database, uid: str) -> Any:
    """The stored row of the entry with this UID, or None."""
    return db.execute("SELECT * FROM interactions WHERE uid = ?", (uid,)).fetchone()


def linked_ids(db: Database, interaction_id: int) -> set[int]:
    return {r[0] for r in db.execute("SELECT contact_id FROM interaction_contacts"
                                     " WHERE interaction_id = ?", (interaction_id,))}


def delete(db: Database, interaction_id: int) -> None:
    row = db.execute("SELECT kind FROM interactions WHERE id = ?", (interaction_id,)).fetchone()
    if row is None:
        raise NotFound(f"no history entry #{interaction_id}")
    with db.write(f"delete history #{interaction_id}"):
        journal.delete(db, "interactions", interaction_id)  # with its links


KEYS = ("id", "uid", "kind", "at", "text", "outcome", "direction", "duration_minutes",
        "contacts", "company", "company_id", "task_id", "user")


def list_entries(db: Database, *, contact_ids: Sequence[int] | None = None,
                 company_id: int | None = None, kind: str | None = None,
                 since: datetime | None = None, until: datetime | None = None,
                 limit: int | None = None, newest_first: bool = True,
                 user: str | None = None) -> list[dict[str, Any]]:
    """History entries matching the filters: the documented history JSON shape.

    ``company_id`` selects entries logged against the company or with any of its people;
    ``user``, those that team member logged.
    """
    return list(fetch_entries(db, entry_ids(
        db, contact_ids=contact_ids, company_id=company_id, kind=kind, since=since,
        until=until, limit=limit, newest_first=newest_first, user=user)))


def entry_ids(db: Database, *, contact_ids: Sequence[int] | None = None,
              company_id: int | None = None, kind: str | None = None,
              since: datetime | None = None, until: datetime | None = None,
              limit: int | None = None, newest_first: bool = True,
              user: str | None = None) -> list[int]:
    """The ids of ``list_entries``, in its order: a million of them are a small list,
    where a million records are gigabytes (``fetch_entries`` reads them a chunk at a time)."""
    where, params = ["1"], []
    if contact_ids is not None:
        marks = ", ".join("?" * len(contact_ids)) or "NULL"
        where.append(f"i.id IN (SELECT interaction_id FROM interaction_contacts"
                     f" WHERE contact_id IN ({marks}))")
        params += list(contact_ids)
    if company_id is not None:
        # One IN of a UNION, not "company_id = ? OR id IN (...)": with the OR, SQLite
        # walks the whole history (1.4 s at a million entries, against 1 ms).
        where.append("i.id IN (SELECT id FROM interactions WHERE company_id = ? UNION"
                     " SELECT ic.interaction_id FROM interaction_contacts ic JOIN contacts c"
                     " ON c.id = ic.contact_id WHERE c.company_id = ?)")
        params += [company_id, company_id]
    if kind:
        where.append("i.kind = ?")
        params.append(kind.strip().lower())
    if user is not None:
        where.append("i.user = ?")
        params.append(user)
    if since is not None:
        where.append("i.at >= ?")
        params.append(to_utc_iso(since))
    if until is not None:
        where.append("i.at < ?")
        params.append(to_utc_iso(until))
    order = "DESC" if newest_first else "ASC"
    sql = (f"SELECT i.id FROM interactions i WHERE {' AND '.join(where)}"
           f" ORDER BY i.at {order}, i.id {order}")
    if limit is not None:
        if limit < 0:
            raise InvalidInput("--limit must be zero or more")
        sql += " LIMIT ?"
        params.append(limit)
    return [r[0] for r in records.tuples(db, sql, params)]


def fetch_entries(db: Database, ids: list[int]) -> Iterator[dict[str, Any]]:
    """The entries of ``ids`` in that order, read a chunk at a time."""
    for chunk in records.chunks(ids):
        rows = {r["id"]: r for r in db.execute(
            f"SELECT i.*, co.name AS company FROM interactions i LEFT JOIN companies co"
            f" ON co.id = i.company_id WHERE i.id IN ({', '.join('?' * len(chunk))})", chunk)}
        people = records.linked_contacts(db, "interaction_contacts", "interaction_id",
                                         list(rows))
        for entry_id in chunk:
            r = rows.get(entry_id)
            if r is not None:
                yield {
                    "id": r["id"], "uid": r["uid"], "kind": r["kind"], "at": r["at"],
                    "text": r["text"], "outcome": r["outcome"], "direction": r["direction"],
                    "duration_minutes": r["duration_minutes"], "contacts": people[r["id"]],
                    "company": r["company"], "company_id": r["company_id"],
                    "task_id": r["task_id"], "user": r["user"]}


def export_fields(db: Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    """What writing entries out needs beyond their JSON shape: the lines kept from an
    imported entry (``raw``), the mail's Message-ID, when it was logged, and the UIDs of
    its company and task (by which another rolodex finds them)."""
    out = {}
    for chunk in records.chunks(ids):
        for row in db.execute(
                "SELECT i.id, i.raw, i.message_id, i.created, co.uid AS company_uid,"
                " t.uid AS task_uid FROM interactions i"
                " LEFT JOIN companies co ON co.id = i.company_id"
                " LEFT JOIN tasks t ON t.id = i.task_id"
                f" WHERE i.id IN ({', '.join('?' * len(chunk))})", chunk):
            out[row["id"]] = dict(row)
    return out


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
