"""Groups from group cards: a tag on each member plus this row (see migration m009).

The members of a group are the contacts with its tag, so ``contact tag``/``untag`` edit a
group and ``contact list --tag`` lists it; the row keeps what the tag cannot: the group's
UID, its card, and the members no contact answered to. Every write is journalled.
"""

from __future__ import annotations

import json
from typing import Any

from rolodex.store import journal, records
from rolodex.store.db import Database

_LISTS = ("members", "missing", "pending")
_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _row(row: Any) -> dict[str, Any]:
    out = dict(row)
    for key in (*_LISTS, "props"):
        out[key] = json.loads(out[key]) if out[key] is not None else None
    return out


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _to_json(v) if k in (*_LISTS, "props") and v is not None else v
            for k, v in values.items()}


def by_uid(db: Database, uid: str) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM contact_groups WHERE uid = ?", (uid,)).fetchone()
    return _row(row) if row else None


def add(db: Database, values: dict[str, Any]) -> int:
    """A new group: ``uid``, ``name``, ``tag`` and the lists and card of m009."""
    stamp = records.timestamp()
    return journal.insert(db, "contact_groups",
                          {**_stored(values), "created": stamp, "updated": stamp})


def update(db: Database, group_id: int, values: dict[str, Any]) -> bool:
    """Change a group's row; False (nothing journalled) when nothing differs."""
    before = journal.current_row(db, "contact_groups", group_id) or {}
    stored = _stored(values)
    if all(before.get(k) == v for k, v in stored.items()):
        return False
    return journal.update(db, "contact_groups", group_id,
                          {**stored, "updated": records.timestamp()})


def with_work(db: Database) -> list[dict[str, Any]]:
    """Groups with members still to tag (``pending``) or not found yet (``missing``)."""
    return [_row(r) for r in db.execute(
        "SELECT * FROM contact_groups WHERE pending != '[]' OR missing != '[]' ORDER BY id")]


def list_ids(db: Database) -> list[int]:
    return [r[0] for r in db.execute("SELECT id FROM contact_groups ORDER BY id")]


def fetch(db: Database, ids: list[int]) -> list[dict[str, Any]]:
    """Groups by id, each with ``member_uids``: the UIDs of the contacts carrying its tag
    now, in the order they were added."""
    out = []
    for chunk in records.chunks(ids):
        for row in db.execute(f"SELECT * FROM contact_groups WHERE id IN"
                              f" ({', '.join('?' * len(chunk))}) ORDER BY id", chunk):
            group = _row(row)
            group["member_uids"] = [r[0] for r in db.execute(
                "SELECT c.uid FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
                " JOIN contacts c ON c.id = ct.contact_id WHERE t.name = ? ORDER BY ct.id",
                (group["tag"],))]
            out.append(group)
    return out


def tagged_ids(db: Database, tag: str) -> list[int]:
    """The contacts carrying a group's tag, in the order they were given it."""
    return [r[0] for r in db.execute(
        "SELECT ct.contact_id FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
        " WHERE t.name = ? ORDER BY ct.id", (tag,))]


def tags(db: Database) -> set[str]:
    """Every group's tag, lower-cased."""
    return {r[0].lower() for r in db.execute("SELECT tag FROM contact_groups")}


def delete(db: Database, group_id: int) -> None:
    """A group gone (its card deleted on a synced address book): its members lose its
    tag, which was the group and nothing else, then the row goes; both journalled."""
    from rolodex.store.people import contacts

    row = db.execute("SELECT tag FROM contact_groups WHERE id = ?", (group_id,)).fetchone()
    if row is None:
        return
    contacts.tag(db, tagged_ids(db, row["tag"]), [row["tag"]], remove=True)
    journal.delete(db, "contact_groups", group_id)
