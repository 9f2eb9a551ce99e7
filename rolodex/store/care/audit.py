"""The audit trail: who changed what and when, read from the change journal.

Two views: the operations on the whole database (one row each), and the changes about one
record (one row per row touched, with the fields that changed).
"""

from __future__ import annotations

import json
from typing import Any

from rolodex.store.db import Database

# What a record's trail covers besides its own row: the rows hanging on it.
CHILDREN = {
    "contacts": ("contact_id", None),
    "companies": ("company_id", ("company_tags", "company_fields", "contacts", "deals",
                                 "interactions")),
    "deals": ("deal_id", ("deal_contacts", "deal_stages")),
    "tasks": ("task_id", ("task_contacts",)),
    "events": ("event_id", ("event_contacts", "event_exceptions")),
}
_STATE = """CASE
    WHEN o.kind = 'forget' THEN 'final'
    WHEN o.reverted_by IS NOT NULL THEN 'undone'
    ELSE 'done' END"""


def operations(db: Database, *, since: str | None = None, limit: int | None = None
               ) -> list[dict[str, Any]]:
    """Operations newest first: id, at, user, command, summary, kind, state, reverted_by,
    target, changes (how many rows)."""
    rows = db.query(
        f"SELECT o.id, o.at, o.user, o.command, o.summary, o.kind, {_STATE} AS state,"
        " o.reverted_by, o.target,"
        " (SELECT count(*) FROM changes c WHERE c.operation_id = o.id) AS changes"
        " FROM operations o WHERE o.at >= ? ORDER BY o.id DESC LIMIT ?",
        (since or "", -1 if limit is None else limit))
    return [dict(r) for r in rows]


def record_changes(db: Database, table: str, record_id: int, *, since: str | None = None,
                   limit: int | None = None) -> list[dict[str, Any]]:
    """Changes to one record and the rows hanging on it, newest first: operation, at, user,
    command, summary, state, reverted_by, table, row_id, action, fields
    ({name: [before, after]})."""
    column, tables = CHILDREN[table]
    if table == "contacts":
        where, params = "c.contact_id = ?", [record_id]
    else:
        marks = ", ".join("?" * len(tables))
        where = (f"(c.table_name = ? AND c.row_id = ?) OR (c.table_name IN ({marks}) AND"
                 " coalesce(json_extract(c.after, '$.' || ?), json_extract(c.before, '$.' || ?))"
                 " = ?)")
        params = [table, record_id, *tables, column, column, record_id]
    rows = db.query(
        f"SELECT o.id AS operation, o.at, o.user, o.command, o.summary, {_STATE} AS state,"
        " o.reverted_by,"
        " c.table_name, c.row_id, c.action, c.before, c.after"
        f" FROM changes c JOIN operations o ON o.id = c.operation_id WHERE ({where})"
        " AND o.at >= ? ORDER BY c.id DESC LIMIT ?",
        (*params, since or "", -1 if limit is None else limit))
    changes = [_change(r) for r in rows]
    _name_tags(db, changes)
    return changes


def _name_tags(db: Database, changes: list[dict[str, Any]]) -> None:
    """A tag link holds the tag's id: give it the tag's name too (``tag``), while the tag
    exists, so the trail reads 'tag added vip'."""
    links = [c for c in changes if c["table"] in ("contact_tags", "company_tags")]
    ids = {ids[1] or ids[0] for c in links if (ids := c["fields"].get("tag_id"))}
    if not ids:
        return
    marks = ", ".join("?" * len(ids))
    names = dict(db.execute(f"SELECT id, name FROM tags WHERE id IN ({marks})", list(ids)))
    for change in links:
        before, after = change["fields"].get("tag_id", [None, None])
        name = names.get(after if after is not None else before)
        if name is not None:
            change["fields"]["tag"] = [None, name] if after is not None else [name, None]


def _change(row: Any) -> dict[str, Any]:
    before = json.loads(row["before"]) if row["before"] else {}
    after = json.loads(row["after"]) if row["after"] else {}
    fields = {key: [before.get(key), after.get(key)]
              for key in dict.fromkeys([*before, *after])
              if key != "id" and before.get(key) != after.get(key)}
    return {"operation": row["operation"], "at": row["at"], "user": row["user"],
            "command": row["command"], "summary": row["summary"], "state": row["state"],
            "reverted_by": row["reverted_by"],
            "table": row["table_name"], "row_id": row["row_id"], "action": row["action"],
            "fields": fields}
