"""What contacts and companies share: identifiers, timestamps, tags and custom fields."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rolodex.dates import now, to_utc_iso
from rolodex.errors import InvalidInput
from rolodex.models import check_tag
from rolodex.store import journal
from rolodex.store.db import Database, reads_journal

# (link table, owner column, custom-field table) per record kind
KINDS = {
    "contact": ("contact_tags", "contact_id", "contact_fields"),
    "company": ("company_tags", "company_id", "company_fields"),
}


def new_uid() -> str:
    return str(uuid.uuid4())


def timestamp() -> str:
    return to_utc_iso(now())


def clean(value: str | None) -> str | None:
    """Trim a text field; an empty string means 'no value'."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def tag_id(db: Database, name: str) -> int:
    """The id of a tag, creating it on first use."""
    row = db.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
    return row[0] if row else journal.insert(db, "tags", {"name": name})


def add_tags(db: Database, kind: str, record_id: int, names: Iterable[str], *,
             new: bool = False) -> list[str]:
    """Attach tags; returns those that were newly attached. ``new``: the record was
    created in this operation, so only the tags attached here can be attached already."""
    link, owner, _ = KINDS[kind]
    added = []
    attached: set[int] = set()
    for name in names:
        tid = tag_id(db, check_tag(name))
        if new:
            exists = tid in attached
        else:
            exists = db.execute(f"SELECT 1 FROM {link} WHERE {owner} = ? AND tag_id = ?",
                                (record_id, tid)).fetchone()
        if not exists:
            journal.insert(db, link, {owner: record_id, "tag_id": tid})
            attached.add(tid)
            added.append(name)
    return added


def remove_tags(db: Database, kind: str, record_id: int, names: Iterable[str]) -> list[str]:
    """Detach tags; returns those that were attached before."""
    link, owner, _ = KINDS[kind]
    removed = []
    for name in names:
        row = db.execute(
            f"SELECT l.id FROM {link} l JOIN tags t ON t.id = l.tag_id"
            f" WHERE l.{owner} = ? AND t.name = ?", (record_id, name.strip())).fetchone()
        if row:
            journal.delete(db, link, row[0])
            removed.append(name)
    return removed


def set_field(db: Database, kind: str, record_id: int, key: str, value: str | None) -> None:
    """Set a custom field; ``None`` or an empty value removes it."""
    _, owner, table = KINDS[kind]
    key = key.strip()
    if not key or any(c.isspace() for c in key) or key[0] in "-#":
        raise InvalidInput(f"bad custom field name '{key}': use one word")
    row = db.execute(f"SELECT id FROM {table} WHERE {owner} = ? AND key = ?",
                     (record_id, key)).fetchone()
    if value is None or value == "":
        if row:
            journal.delete(db, table, row[0])
    elif row:
        journal.update(db, table, row[0], {"value": value})
    else:
        journal.insert(db, table, {owner: record_id, "key": key, "value": value})


def tags_of(db: Database, kind: str, ids: list[int], *,
            bulk: bool = False) -> dict[int, list[str]]:
    """Each record's tag names, in name order (case-insensitive). ``bulk``: read the whole
    link table, for ids that are most of the records."""
    link, owner, _ = KINDS[kind]
    out: dict[int, list[str]] = {i: [] for i in ids}
    if bulk:  # the tags are few: put them in order once, then sort by rank
        ordered = tuples(db, "SELECT id, name FROM tags ORDER BY name COLLATE NOCASE").fetchall()
        names = [name for _, name in ordered]
        rank = {tag_id: n for n, (tag_id, _) in enumerate(ordered)}
        found: dict[int, list[int]] = {}
        for owner_id, tag_id in tuples(db, f"SELECT {owner}, tag_id FROM {link}"):
            if owner_id in out:
                found.setdefault(owner_id, []).append(rank[tag_id])
        for owner_id, ranks in found.items():
            out[owner_id] = [names[n] for n in sorted(ranks)]
        return out
    for chunk in chunks(ids):
        rows = tuples(
            db, f"SELECT l.{owner}, t.name FROM {link} l JOIN tags t ON t.id = l.tag_id"
            f" WHERE l.{owner} IN ({', '.join('?' * len(chunk))}) ORDER BY t.name COLLATE NOCASE",
            chunk)
        for owner_id, name in rows:
            out[owner_id].append(name)
    return out


def fields_of(db: Database, kind: str, ids: list[int], *,
              bulk: bool = False) -> dict[int, dict[str, str]]:
    """Each record's custom fields, in key order (``bulk`` as for ``tags_of``)."""
    _, owner, table = KINDS[kind]
    out: dict[int, dict[str, str]] = {i: {} for i in ids}
    for rows in rows_for(db, f"SELECT {owner}, key, value FROM {table}", owner, ids,
                         bulk=bulk, order="key"):
        for owner_id, key, value in rows:
            fields = out.get(owner_id)
            if fields is not None:
                fields[key] = value
    return out


def relink(db: Database, link_table: str, owner: str, owner_id: int,
           add: Iterable[int] = (), remove: Iterable[int] = ()) -> None:
    """Link contacts to (and unlink them from) a task or an event, each change journalled."""
    for contact_id in add:
        if not db.execute(f"SELECT 1 FROM {link_table} WHERE {owner} = ? AND contact_id = ?",
                          (owner_id, contact_id)).fetchone():
            journal.insert(db, link_table, {owner: owner_id, "contact_id": contact_id})
    for contact_id in remove:
        row = db.execute(f"SELECT id FROM {link_table} WHERE {owner} = ? AND contact_id = ?",
                         (owner_id, contact_id)).fetchone()
        if row:
            journal.delete(db, link_table, row[0])


def linked_contacts(db: Database, link_table: str, owner: str,
                    ids: list[int]) -> dict[int, list[dict]]:
    """``[{id, name}]`` of the contacts linked to each record (a task, an event, a history
    entry) through ``link_table``, in the order they were linked."""
    out: dict[int, list[dict]] = {i: [] for i in ids}
    for chunk in chunks(ids):
        rows = tuples(
            db, f"SELECT l.{owner}, c.id, c.display_name FROM {link_table} l JOIN contacts c"
            f" ON c.id = l.contact_id WHERE l.{owner} IN ({', '.join('?' * len(chunk))})"
            f" ORDER BY l.id", chunk)
        for owner_id, contact_id, name in rows:
            out[owner_id].append({"id": contact_id, "name": name})
    return out


def chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    """Slices small enough for SQLite's bound-parameter limit."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def rows_for(db: Database, select: str, column: str, ids: list[int], *, bulk: bool,
             order: str = "") -> Iterable[sqlite3.Cursor]:
    """Batches of plain-tuple rows of ``select`` for ``ids`` (matched on ``column``).

    ``bulk`` reads the whole table in one statement, for ids that are most of the records
    (twice as fast for all contacts; the caller skips rows it did not ask for); otherwise
    the ids go in chunks small enough for SQLite's parameter limit.
    """
    tail = f" ORDER BY {order}" if order else ""
    if bulk:
        return [tuples(db, select + tail)]
    return (tuples(db, f"{select} WHERE {column} IN ({', '.join('?' * len(chunk))}){tail}",
                   chunk) for chunk in chunks(ids))


def tuples(db: Database, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
    """The rows of a query as plain tuples: for the loops over many thousands of rows,
    where ``sqlite3.Row`` and its lookups by name cost more than the query."""
    if reads_journal(sql):
        db.write_journal()
    cursor = db.conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


def delete_each(db: Database, ids: Sequence[int], noun: str,
                delete: Callable[[Database, int], Any]) -> list[Any]:
    """Delete several records of one kind in one operation (one ``undo`` brings them all
    back); returns what ``delete`` returned for each."""
    with db.write(f"delete {len(ids)} {noun}"):
        return [delete(db, record_id) for record_id in ids]
