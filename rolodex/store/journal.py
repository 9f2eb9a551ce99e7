"""Every row write goes through here, so the change journal cannot be forgotten.

Each helper performs one INSERT, UPDATE or DELETE and records the row's before and after
images as JSON under the current operation (see ``Database.write``). Undo, redo and the
audit trail read these records; privacy erasure rewrites them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rolodex.store.db import Database

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _ident(name: str) -> str:
    """Table and column names come from our code, never from users: check it anyway."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"bad SQL identifier {name!r}")
    return name


def current_row(db: Database, table: str, row_id: int) -> dict[str, Any] | None:
    """The row as it is now, as a dict; None if there is none."""
    row = db.execute(f"SELECT * FROM {_ident(table)} WHERE id = ?", (row_id,)).fetchone()
    return dict(row) if row else None


def _record(db: Database, table: str, row_id: int, action: str,
            before: dict | None, after: dict | None) -> None:
    if db.operation_id is None:
        raise RuntimeError("journalled writes must run inside Database.write()")
    image = after if after is not None else before
    contact_id = row_id if table == "contacts" else (image or {}).get("contact_id")
    db.execute(
        "INSERT INTO changes (operation_id, table_name, row_id, action, before, after,"
        " contact_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (db.operation_id, table, row_id, action,
         json.dumps(before, ensure_ascii=False) if before is not None else None,
         json.dumps(after, ensure_ascii=False) if after is not None else None,
         contact_id),
    )


def _next_id(db: Database, table: str) -> int:
    """An id no row of ``table`` ever had: SQLite would hand out the id of the newest row
    again once it is deleted, and the journal (undo, restore, a person's audit trail and
    their erasure) must never confuse two records."""
    if table not in db.next_ids:
        db.next_ids[table] = max(
            db.execute(f"SELECT coalesce(max(id), 0) FROM {_ident(table)}").fetchone()[0],
            db.execute("SELECT coalesce(max(row_id), 0) FROM changes WHERE table_name = ?",
                       (table,)).fetchone()[0])
    db.next_ids[table] += 1
    return db.next_ids[table]


def insert(db: Database, table: str, values: dict[str, Any]) -> int:
    """Insert one row and journal it; returns the new id (a fresh one unless ``values``
    names it, as undo does when it puts a row back)."""
    if "id" not in values:
        values = {"id": _next_id(db, table), **values}
    cols = [_ident(c) for c in values]
    cur = db.execute(
        f"INSERT INTO {_ident(table)} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        tuple(values.values()),
    )
    row_id = cur.lastrowid
    assert row_id is not None
    _record(db, table, row_id, "insert", None, current_row(db, table, row_id))
    return row_id


def update(db: Database, table: str, row_id: int, values: dict[str, Any]) -> bool:
    """Update one row and journal it; returns False (and records nothing) if nothing changed."""
    before = current_row(db, table, row_id)
    if before is None:
        raise LookupError(f"{table} row {row_id} is gone")
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if not changed:
        return False
    sets = ", ".join(f"{_ident(c)} = ?" for c in changed)
    db.execute(f"UPDATE {_ident(table)} SET {sets} WHERE id = ?", (*changed.values(), row_id))
    _record(db, table, row_id, "update", before, current_row(db, table, row_id))
    return True


def delete(db: Database, table: str, row_id: int) -> None:
    """Delete one row and journal its last image."""
    before = current_row(db, table, row_id)
    if before is None:
        return
    db.execute(f"DELETE FROM {_ident(table)} WHERE id = ?", (row_id,))
    _record(db, table, row_id, "delete", before, None)


def delete_where(db: Database, table: str, column: str, value: Any) -> int:
    """Delete every row whose ``column`` equals ``value``, journalling each; returns the count.

    Used for child rows before their parent goes, so ON DELETE CASCADE never removes a row
    the journal has not seen.
    """
    ids = [r[0] for r in db.execute(
        f"SELECT id FROM {_ident(table)} WHERE {_ident(column)} = ?", (value,))]
    for row_id in ids:
        delete(db, table, row_id)
    return len(ids)
