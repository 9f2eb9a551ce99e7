"""What contacts and companies share: identifiers, timestamps, tags and custom fields."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from rolodex.dates import now, to_utc_iso
from rolodex.errors import InvalidInput
from rolodex.models import check_tag
from rolodex.store import journal
from rolodex.store.db import Database

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


def add_tags(db: Database, kind: str, record_id: int, names: Iterable[str]) -> list[str]:
    """Attach tags; returns those that were newly attached."""
    link, owner, _ = KINDS[kind]
    added = []
    for name in names:
        tid = tag_id(db, check_tag(name))
        exists = db.execute(f"SELECT 1 FROM {link} WHERE {owner} = ? AND tag_id = ?",
                            (record_id, tid)).fetchone()
        if not exists:
            journal.insert(db, link, {owner: record_id, "tag_id": tid})
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


def tags_of(db: Database, kind: str, ids: list[int]) -> dict[int, list[str]]:
    link, owner, _ = KINDS[kind]
    out: dict[int, list[str]] = {i: [] for i in ids}
    for chunk in chunks(ids):
        rows = db.execute(
            f"SELECT l.{owner}, t.name FROM {link} l JOIN tags t ON t.id = l.tag_id"
            f" WHERE l.{owner} IN ({', '.join('?' * len(chunk))}) ORDER BY t.name COLLATE NOCASE",
            chunk)
        for owner_id, name in rows:
            out[owner_id].append(name)
    return out


def fields_of(db: Database, kind: str, ids: list[int]) -> dict[int, dict[str, str]]:
    _, owner, table = KINDS[kind]
    out: dict[int, dict[str, str]] = {i: {} for i in ids}
    for chunk in chunks(ids):
        rows = db.execute(
            f"SELECT {owner}, key, value FROM {table}"
            f" WHERE {owner} IN ({', '.join('?' * len(chunk))}) ORDER BY key", chunk)
        for owner_id, key, value in rows:
            out[owner_id][key] = value
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
        rows = db.execute(
            f"SELECT l.{owner}, c.id, c.display_name FROM {link_table} l JOIN contacts c"
            f" ON c.id = l.contact_id WHERE l.{owner} IN ({', '.join('?' * len(chunk))})"
            f" ORDER BY l.id", chunk)
        for owner_id, contact_id, name in rows:
            out[owner_id].append({"id": contact_id, "name": name})
    return out


def chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    """Slices small enough for SQLite's bound-parameter limit."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]
