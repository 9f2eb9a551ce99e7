"""Undo and redo: replay the change journal backwards (or the undo's journal backwards).

Every operation's changes hold the before and after image of each row it touched, so
reverting an operation is mechanical: delete what it inserted, re-insert what it deleted,
put back what it updated, newest change first. An undo is itself a journalled operation
(kind ``undo``) and a redo is the revert of an undo (kind ``redo``), so both show in the
audit trail and a redo can be undone again. History is linear: new work after an undo
clears the redo stack, and nothing is undone past a privacy erasure (kind ``forget``),
whose journal was scrubbed on purpose.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from rolodex.errors import Conflict, InvalidInput
from rolodex.store import journal
from rolodex.store.db import Database


@dataclass(frozen=True)
class Operation:
    id: int
    at: str
    user: str
    summary: str
    kind: str


def _operation(row: Any) -> Operation:
    return Operation(row["id"], row["at"], row["user"], row["summary"], row["kind"])


def undo_stack(db: Database, count: int) -> list[Operation]:
    """The newest ``count`` operations still in effect, newest first, stopping at an erasure."""
    rows = db.query(
        "SELECT id, at, user, summary, kind FROM operations WHERE reverted_by IS NULL"
        " AND kind IN ('do', 'redo', 'forget') ORDER BY id DESC LIMIT ?", (count,))
    ops = []
    for row in rows:
        if row["kind"] == "forget":
            if not ops:
                raise Conflict(f"cannot undo past operation #{row['id']}, a privacy erasure",
                               hint="an erasure is final; restore a backup if it was a mistake")
            break
        ops.append(_operation(row))
    return ops


def redo_stack(db: Database, count: int) -> list[Operation]:
    """The undos that may be redone, newest first: those after the last new piece of work."""
    last_work = db.execute(
        "SELECT coalesce(max(id), 0) FROM operations WHERE kind IN ('do', 'forget')"
    ).fetchone()[0]
    rows = db.query(
        "SELECT id, at, user, summary, kind FROM operations WHERE kind = 'undo'"
        " AND reverted_by IS NULL AND id > ? ORDER BY id DESC LIMIT ?", (last_work, count))
    return [_operation(r) for r in rows]


def undo(db: Database, count: int = 1) -> list[Operation]:
    """Revert the last ``count`` operations in one new operation; returns what was undone."""
    _check_count(count)
    ops = undo_stack(db, count)
    if not ops:
        raise Conflict("nothing to undo")
    names = ", ".join(f"#{op.id}" for op in ops)
    with db.write(f"undo {names}", kind="undo") as op_id:
        _revert(db, [op.id for op in ops], op_id)
    return ops


def redo(db: Database, count: int = 1) -> list[Operation]:
    """Re-apply what the last ``count`` undos reverted, each as its own redo operation;
    returns the operations whose changes are back."""
    _check_count(count)
    undos = redo_stack(db, count)
    if not undos:
        raise Conflict("nothing to redo", hint="new changes after an undo clear what can be redone")
    redone: list[Operation] = []
    with db.transaction():  # all the redos apply, or none
        for op in undos:
            originals = [_operation(r) for r in db.query(
                "SELECT id, at, user, summary, kind FROM operations WHERE reverted_by = ?"
                " ORDER BY id", (op.id,))]
            names = ", ".join(f"#{o.id}" for o in originals)
            with db.write(f"redo {names}", kind="redo", target=op.id) as op_id:
                _revert(db, [op.id], op_id)
            redone += originals
    return redone


def _check_count(count: int) -> None:
    if count < 1:
        raise InvalidInput(f"the number of operations must be at least 1, not {count}")


def _revert(db: Database, op_ids: list[int], by: int) -> None:
    """Apply the inverse of every change of ``op_ids``, newest first; mark them reverted."""
    marks = ", ".join("?" * len(op_ids))
    rows = db.query(
        f"SELECT id, operation_id, table_name, row_id, action, before, after FROM changes"
        f" WHERE operation_id IN ({marks}) ORDER BY id DESC", op_ids)
    contacts: set[int] = set()
    companies: set[int] = set()
    for row in rows:
        before = json.loads(row["before"]) if row["before"] else None
        after = json.loads(row["after"]) if row["after"] else None
        try:
            _invert(db, row, before, after)
        except sqlite3.IntegrityError as exc:  # e.g. putting back rows doctor removed as orphans
            raise Conflict(f"cannot revert {row['table_name']} row {row['row_id']} (operation"
                           f" #{row['operation_id']}): {exc}") from exc
        _affected(row["table_name"], row["row_id"], before, after, contacts, companies)
    db.execute(f"UPDATE operations SET reverted_by = ? WHERE id IN ({marks})", (by, *op_ids))
    _reindex(db, contacts, companies)


def _invert(db: Database, change: Any, before: dict | None, after: dict | None) -> None:
    table, row_id = change["table_name"], change["row_id"]
    current = journal.current_row(db, table, row_id)
    where = f"{table} row {row_id} (operation #{change['operation_id']})"
    if change["action"] == "delete":
        if current is not None:
            raise Conflict(f"cannot bring back {where}: its id is in use again")
        journal.insert(db, table, before or {})
        return
    if current is None or not _same(current, after or {}):
        raise Conflict(f"cannot revert {where}: the row was changed since without the journal",
                       hint="'rolodex changes' shows what happened; 'rolodex doctor' checks")
    if change["action"] == "insert":
        journal.delete(db, table, row_id)
    else:
        journal.update(db, table, row_id, {k: v for k, v in (before or {}).items()
                                           if k in current and k != "id"})


def _same(current: dict, image: dict) -> bool:
    """Equal on the columns both know (a later migration may have added columns)."""
    return all(current[k] == v for k, v in image.items() if k in current)


def _affected(table: str, row_id: int, before: dict | None, after: dict | None,
              contacts: set[int], companies: set[int]) -> None:
    """Which contacts' search rows a reverted change may have made stale."""
    if table == "contacts":
        contacts.add(row_id)
    elif table == "companies":
        companies.add(row_id)
    for image in (before, after):
        if image and isinstance(image.get("contact_id"), int):
            contacts.add(image["contact_id"])


def _reindex(db: Database, contacts: set[int], companies: set[int]) -> None:
    from rolodex.store.search.fulltext import reindex_company_people, reindex_contacts

    reindex_contacts(db, sorted(contacts))
    for company_id in sorted(companies):
        reindex_company_people(db, company_id)
