"""Bring back a deleted contact with everything that hung on it, from the journal.

Deleting a contact journals every row that went with it (details, tags, fields, kept
vCard, links to tasks, events and deals, relationships, history only they were in), all
under the deleting operation. Restoring re-inserts those rows as a new, undoable operation,
so it works long after the delete, when ``undo`` would first revert everything since.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from rolodex.errors import Ambiguous, NotFound
from rolodex.normalize import fold
from rolodex.store import journal
from rolodex.store.db import Database
from rolodex.store.refs import typed_id

# Parents first, so every row finds what it refers to.
_ORDER = ("contacts", "interactions")


def deleted_contacts(db: Database) -> list[dict[str, Any]]:
    """Contacts deleted and not back, newest deletion first: id, name, emails, deleted,
    user, operation."""
    rows = db.query(
        "SELECT c.row_id, c.before, c.operation_id, o.at, o.user FROM changes c"
        " JOIN operations o ON o.id = c.operation_id"
        " WHERE c.table_name = 'contacts' AND c.action = 'delete' AND o.reverted_by IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM contacts WHERE uid = json_extract(c.before, '$.uid'))"
        " ORDER BY c.id DESC")
    out, seen = [], set()
    for row in rows:
        if row["row_id"] in seen:
            continue
        seen.add(row["row_id"])
        before = json.loads(row["before"])
        emails = [json.loads(r[0])["address"] for r in db.execute(
            "SELECT before FROM changes WHERE operation_id = ? AND table_name = 'contact_emails'"
            " AND contact_id = ?", (row["operation_id"], row["row_id"]))]
        out.append({"id": row["row_id"], "name": before["display_name"], "uid": before["uid"],
                    "emails": emails, "deleted": row["at"], "user": row["user"],
                    "operation": row["operation_id"]})
    return out


def find_deleted(db: Database, ref: str) -> dict[str, Any]:
    """The deleted contact ``ref`` names: ``#12``, a UID, an email or part of the name."""
    gone = deleted_contacts(db)
    text = ref.strip()
    number = typed_id(text)
    if number is not None:
        found = [g for g in gone if g["id"] == number]
    else:
        key = fold(text)
        found = [g for g in gone if g["uid"] == text
                 or any(e.lower() == text.lower() for e in g["emails"])]
        found = found or [g for g in gone if key and key in fold(g["name"])]
    if not found:
        raise NotFound(f"no deleted contact matches '{ref}'",
                       hint="'rolodex contact restore --list' shows the deleted contacts")
    if len(found) > 1:
        raise Ambiguous(f"'{ref}' matches {len(found)} deleted contacts",
                        [f"#{g['id']} {g['name']} (deleted {g['deleted']})" for g in found],
                        hint="name one by its #id")
    return found[0]


def restore_contact(db: Database, contact: dict[str, Any]) -> dict[str, Any]:
    """Re-insert the contact's rows from its deleting operation; returns the new id and
    how many rows came back and were left out (their task, event or deal is gone)."""
    old_id, op_id = contact["id"], contact["operation"]
    rows = _rows_of(db, op_id, old_id)
    new_ids: dict[tuple[str, int], int] = {}
    restored = skipped = 0
    with db.write(f"restore contact #{old_id}"):
        for table, image in rows:
            values = _unlink_missing(db, table, _remap(image, new_ids))
            if journal.current_row(db, table, image["id"]) is not None:
                values.pop("id")  # the id was given to another row since
            try:
                with db.savepoint("restore_row"):
                    new_ids[(table, image["id"])] = journal.insert(db, table, values)
                restored += 1
            except sqlite3.IntegrityError:
                skipped += 1  # its task, event, deal or tag was deleted since
        contact_id = new_ids[("contacts", old_id)]
        from rolodex.store.search.fulltext import reindex_contacts

        reindex_contacts(db, [contact_id])
    return {"id": contact_id, "name": contact["name"], "rows": restored, "skipped": skipped}


def _rows_of(db: Database, op_id: int, contact_id: int) -> list[tuple[str, dict]]:
    """The rows the deleting operation removed that belonged to this contact, parents first."""
    rows = db.query(
        "SELECT table_name, before, contact_id FROM changes WHERE operation_id = ?"
        " AND action = 'delete' ORDER BY id", (op_id,))
    images = [(r["table_name"], json.loads(r["before"]), r["contact_id"]) for r in rows]
    history = {i["interaction_id"] for t, i, c in images
               if t == "interaction_contacts" and c == contact_id}
    mine = [(t, i) for t, i, c in images
            if c == contact_id or (t == "relationships" and i.get("related_id") == contact_id)
            or (t == "interactions" and i["id"] in history)]
    return sorted(mine, key=lambda ti: _ORDER.index(ti[0]) if ti[0] in _ORDER else len(_ORDER))


def _unlink_missing(db: Database, table: str, values: dict) -> dict:
    """The row without references to what was deleted since, where the schema says a
    missing parent leaves it unlinked (ON DELETE SET NULL: the contact's company, a history
    entry's task), as that delete would have left it had the row been there."""
    for key in db.execute(f"PRAGMA foreign_key_list({journal.ident(table)})").fetchall():
        column = key["from"]
        if key["on_delete"].upper() == "SET NULL" and values.get(column) is not None \
                and journal.current_row(db, key["table"], values[column]) is None:
            values[column] = None
    return values


def _remap(image: dict, new_ids: dict) -> dict:
    """The row to insert, its references moved to the restored rows' ids."""
    values = dict(image)
    for column, parent in (("contact_id", "contacts"), ("related_id", "contacts"),
                           ("interaction_id", "interactions")):
        if column in values and (parent, values[column]) in new_ids:
            values[column] = new_ids[(parent, values[column])]
    return values
