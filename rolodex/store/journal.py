"""Every row write goes through here, so the change journal cannot be forgotten.

Each helper performs one INSERT, UPDATE or DELETE and records the row's before and after
images as JSON under the current operation (see ``Database.write``); a new row of a table
that only copies data from elsewhere (a kept card) by its keys alone (``_IMAGE_KEYS``). Undo,
redo and the audit trail read these records; privacy erasure rewrites them.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from rolodex.store.db import Database

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# What json.dumps(image, ensure_ascii=False) writes, without building an encoder per row.
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def ident(name: str) -> str:
    """Table and column names come from our code, never from users: check it anyway."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"bad SQL identifier {name!r}")
    return name


@lru_cache(maxsize=512)
def _insert_sql(table: str, cols: tuple[str, ...]) -> str:
    """The INSERT statement for these columns, built and checked once (an import runs
    the same few hundreds of thousands of times)."""
    return (f"INSERT INTO {ident(table)} ({', '.join(ident(c) for c in cols)})"
            f" VALUES ({', '.join('?' * len(cols))})")


def current_row(db: Database, table: str, row_id: int) -> dict[str, Any] | None:
    """The row as it is now, as a dict; None if there is none."""
    row = db.execute(f"SELECT * FROM {ident(table)} WHERE id = ?", (row_id,)).fetchone()
    return dict(row) if row else None


def _record(db: Database, table: str, row_id: int, action: str,
            before: dict | None, after: dict | None) -> None:
    if db.operation_id is None:
        raise RuntimeError("journalled writes must run inside Database.write()")
    image = after if after is not None else before
    contact_id = row_id if table == "contacts" else (image or {}).get("contact_id")
    db.note((db.operation_id, table, row_id, action,
             _to_json(before) if before is not None else None,
             _to_json(after) if after is not None else None,
             contact_id))


def describe(db: Database, summary: str) -> None:
    """Reword the current operation's summary: a streaming import knows how many contacts
    it read only at the end of its operation."""
    if db.operation_id is None:
        raise RuntimeError("describe() must run inside Database.write()")
    db.execute("UPDATE operations SET summary = ? WHERE id = ?", (summary, db.operation_id))


def _next_id(db: Database, table: str) -> int:
    """An id no row of ``table`` ever had: SQLite would hand out the id of the newest row
    again once it is deleted, and the journal (undo, restore, a person's audit trail and
    their erasure) must never confuse two records."""
    if table not in db.next_ids:
        db.next_ids[table] = max(
            db.execute(f"SELECT coalesce(max(id), 0) FROM {ident(table)}").fetchone()[0],
            db.execute("SELECT coalesce(max(row_id), 0) FROM changes WHERE table_name = ?",
                       (table,)).fetchone()[0])
    db.next_ids[table] += 1
    return db.next_ids[table]


def insert(db: Database, table: str, values: dict[str, Any]) -> int:
    """Insert one row and journal it; returns the new id (a fresh one unless ``values``
    names it, as undo does when it puts a row back)."""
    if "id" not in values:
        values = {"id": _next_id(db, table), **values}
    cur = db.execute(_insert_sql(table, tuple(values)), tuple(values.values()))
    row_id = cur.lastrowid
    assert row_id is not None
    if table in _IMAGE_KEYS:
        _record(db, table, row_id, "insert", None, _key_image(row_id, values, table))
        return row_id
    # The row as SQLite stored it, defaults filled in: made from ``values`` when they
    # cannot have been converted on the way in, else read back. (An import inserts
    # hundreds of thousands of rows; INSERT ... RETURNING * measured slower than either.)
    after = _stored_image(db, table, values)
    if after is None or after["id"] != row_id:
        after = current_row(db, table, row_id)
    _record(db, table, row_id, "insert", None, after)
    return row_id


# Tables whose new rows are journalled by their keys alone: what they hold is a copy made
# from elsewhere (a kept card is the vCard an import read, 1.2 KB a contact, which the
# journal would hold a second time). Undo needs no more of a new row than its id (it
# deletes it, journalling the whole row as it goes, so redo puts it back whole); the
# audit trail says only that such a row was added.
_IMAGE_KEYS: dict[str, tuple[str, ...]] = {"contact_cards": ("contact_id",)}


def _key_image(row_id: int, values: dict[str, Any], table: str) -> dict[str, Any]:
    """The journal's image of a new row of an ``_IMAGE_KEYS`` table: its id and keys."""
    return {"id": row_id, **{key: values.get(key) for key in _IMAGE_KEYS[table]}}


# Python types SQLite stores unchanged under each column affinity; any other value may be
# converted (an int into a TEXT column becomes text, 3.0 into INTEGER becomes 3, True is 1).
_KEEPS: dict[str, frozenset[type]] = {
    "INTEGER": frozenset((type(None), int, bytes)),
    "NUMERIC": frozenset((type(None), int, bytes)),
    "TEXT": frozenset((type(None), str, bytes)),
    "REAL": frozenset((type(None), float, bytes)),
    "BLOB": frozenset((type(None), int, float, str, bytes)),
}
_INTEGER_LITERAL = re.compile(r"-?[0-9]{1,18}")
_STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")


def _affinity(declared: str) -> str:
    """A column's type affinity, by SQLite's rules in their order."""
    declared = declared.upper()
    if "INT" in declared:
        return "INTEGER"
    if "CHAR" in declared or "CLOB" in declared or "TEXT" in declared:
        return "TEXT"
    if "BLOB" in declared or not declared:
        return "BLOB"
    if "REAL" in declared or "FLOA" in declared or "DOUB" in declared:
        return "REAL"
    return "NUMERIC"


def _shape(db: Database, table: str) -> tuple[dict[str, Any], dict[str, frozenset]] | None:
    """A new row of ``table`` as SQLite would store it before any value is given (every
    column, in order, holding its default), and the types each column keeps as given;
    None when that cannot be known without reading the row back (a default that is not
    a plain literal, a generated column, a trigger). Asked once per operation."""
    if table in db.row_shapes:
        return db.row_shapes[table]
    shape = None
    columns = db.execute(f"PRAGMA table_xinfo({ident(table)})").fetchall()
    triggers = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND"
                          " tbl_name = ?", (table,)).fetchone()
    if columns and not triggers and all(c["hidden"] == 0 for c in columns):
        defaults: dict[str, Any] = {}
        keeps: dict[str, frozenset] = {}
        for column in columns:
            name, default = column["name"], column["dflt_value"]
            keeps[name] = _KEEPS[_affinity(column["type"] or "")]
            if default is None or default.upper() == "NULL":
                value = None
            elif _INTEGER_LITERAL.fullmatch(default):
                value = int(default)
            elif _STRING_LITERAL.fullmatch(default):
                value = default[1:-1].replace("''", "'")
            else:
                break
            if type(value) not in keeps[name]:
                break
            defaults[name] = value
        else:
            shape = (defaults, keeps)
    db.row_shapes[table] = shape
    return shape


def _stored_image(db: Database, table: str, values: dict[str, Any]) -> dict | None:
    """The row ``values`` were just inserted as, if it can be told from them alone."""
    shape = _shape(db, table)
    if shape is None:
        return None
    defaults, keeps = shape
    image = dict(defaults)
    for key, value in values.items():
        kept = keeps.get(key)  # None: not the column's own spelling (SQLite ignores case)
        if kept is None or type(value) not in kept:
            return None
        image[key] = value
    return image


def update(db: Database, table: str, row_id: int, values: dict[str, Any]) -> bool:
    """Update one row and journal it; returns False (and records nothing) if nothing changed."""
    before = current_row(db, table, row_id)
    if before is None:
        raise LookupError(f"{table} row {row_id} is gone")
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if not changed:
        return False
    sets = ", ".join(f"{ident(c)} = ?" for c in changed)
    db.execute(f"UPDATE {ident(table)} SET {sets} WHERE id = ?", (*changed.values(), row_id))
    _record(db, table, row_id, "update", before, current_row(db, table, row_id))
    return True


def delete(db: Database, table: str, row_id: int) -> None:
    """Delete one row and journal its last image, and first every row that SQLite's
    ON DELETE CASCADE or SET NULL would change with it (read from the schema, so a
    foreign key added by a later migration is journalled without anyone remembering to):
    undo, redo and ``contact restore`` put back exactly what went."""
    before = current_row(db, table, row_id)
    if before is None:
        return
    for child, column, action in dependents(db, table):
        ids = [r[0] for r in db.execute(
            f"SELECT id FROM {ident(child)} WHERE {ident(column)} = ?", (row_id,))]
        for child_id in ids:
            if action == "CASCADE":
                delete(db, child, child_id)
            else:
                update(db, child, child_id, {column: None})
    db.execute(f"DELETE FROM {ident(table)} WHERE id = ?", (row_id,))
    _record(db, table, row_id, "delete", before, None)


# The journal's own tables: an operation's changes go with it, unjournalled by design.
_JOURNAL_TABLES = frozenset({"operations", "changes"})


def dependents(db: Database, table: str) -> list[tuple[str, str, str]]:
    """The (child table, column, ``CASCADE`` or ``SET NULL``) that deleting a row of
    ``table`` changes through a foreign key; asked of the schema once per operation."""
    if db.dependents is None:
        found: dict[str, list[tuple[str, str, str]]] = {}
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for child in tables:
            if child in _JOURNAL_TABLES:
                continue
            for key in db.execute(f"PRAGMA foreign_key_list({ident(child)})").fetchall():
                action = key["on_delete"].upper()
                if action in ("CASCADE", "SET NULL"):
                    found.setdefault(key["table"], []).append((child, key["from"], action))
        db.dependents = found
    return db.dependents.get(table, [])


def delete_where(db: Database, table: str, column: str, value: Any) -> int:
    """Delete every row whose ``column`` equals ``value``, journalling each (and what
    cascades from it); returns the count."""
    ids = [r[0] for r in db.execute(
        f"SELECT id FROM {ident(table)} WHERE {ident(column)} = ?", (value,))]
    for row_id in ids:
        delete(db, table, row_id)
    return len(ids)
