"""Erasure (the right to be forgotten) and what the journal holds about one person.

Deleting a contact the ordinary way (``contacts.delete_contact``) journals every row it
removes so that it can be restored: right for a mistake, wrong for an erasure request. Here
every trace goes by direct SQL instead, inside one operation of kind ``forget`` whose only
record is a summary without personal data; that operation is also the line undo never
crosses, since the rows before it can no longer be put back. The journal's own before and
after images, the command lines that named the person, kept iCalendar lines and saved
searches are rewritten too, and the file is vacuumed so the bytes leave the disk image.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from rolodex.store.db import Database
from rolodex.store.people.identity import ERASED, Identity, Words, identity, mentioning
from rolodex.store.privacy.group_members import scrub_groups
from rolodex.store.privacy.traces import traces
from rolodex.store.records import chunks
from rolodex.store.sync_state import forget_synced

# Tables whose rows hang on a contact through a ``contact_id`` column: the journal's
# ``changes.contact_id`` already names their person.
CHILD_TABLES = ("contact_emails", "contact_phones", "contact_addresses", "contact_urls",
                "contact_tags", "contact_fields", "contact_cards", "contact_uids", "consents",
                "labelled_dates",
                "interaction_contacts", "task_contacts", "event_contacts", "deal_contacts")
def deleted_contact(db: Database, contact_id: int) -> bool:
    """Whether ``contact_id`` names no contact now but one the journal remembers."""
    if db.execute("SELECT 1 FROM contacts WHERE id = ?", (contact_id,)).fetchone():
        return False
    return db.execute("SELECT 1 FROM changes WHERE table_name = 'contacts' AND row_id = ?"
                      " LIMIT 1", (contact_id,)).fetchone() is not None


def _ids(db: Database, sql: str, params: tuple) -> list[int]:
    return [r[0] for r in db.execute(sql, params)]


def _linked(db: Database, link: str, owner: str, contact_id: int, *, only: bool) -> list[int]:
    """Records (tasks, history entries...) linked to the contact; with ``only``, those
    linked to nobody else, which are about this person alone."""
    sql = f"SELECT {owner} FROM {link} WHERE contact_id = ?"
    if only:
        sql += f" AND {owner} NOT IN (SELECT {owner} FROM {link} WHERE contact_id <> ?)"
        return _ids(db, sql, (contact_id, contact_id))
    return _ids(db, sql, (contact_id,))


def _relationships(db: Database, contact_id: int) -> list[int]:
    return _ids(db, "SELECT id FROM relationships WHERE contact_id = ? OR related_id = ?",
                (contact_id, contact_id))


def saved_searches_about(db: Database, who: Identity) -> list[dict[str, Any]]:
    """Saved searches whose name or query names the person."""
    return [{"id": r["id"], "name": r["name"], "query": r["query"]}
            for r in db.query("SELECT id, name, query FROM saved_searches ORDER BY name")
            if who.mentioned_in(r["query"]) or who.mentioned_in(r["name"])]


def _changes_about(db: Database, who: Identity, rows: dict[str, list[int]]) -> dict[int, int]:
    """Journal changes about the person, as {change id: operation id}: those naming them
    (``contact_id``), those of the ``rows`` given by table, and any whose before or after
    image mentions their name, an email address or a phone number."""
    found = dict(db.execute("SELECT id, operation_id FROM changes WHERE contact_id = ?"
                            " AND id > ?", (who.contact_id, who.since)).fetchall())
    for table, ids in rows.items():
        for chunk in chunks(sorted(set(ids))):
            found.update(db.execute(
                f"SELECT id, operation_id FROM changes WHERE table_name = ? AND id > ?"
                f" AND row_id IN ({', '.join('?' * len(chunk))})",
                (table, who.since, *chunk)).fetchall())
    for row in mentioning(db, "changes", ("before", "after"), who, ", operation_id"):
        found[row["id"]] = row["operation_id"]
    return found


def _operations_mentioning(db: Database, who: Identity, skip: int | None = None) -> list[Any]:
    return [r for r in db.query("SELECT id, command, summary FROM operations WHERE id IS NOT ?",
                                (skip,))
            if who.mentioned_in(r["command"]) or who.mentioned_in(r["summary"])]


def journal_about(db: Database, contact_id: int) -> list[dict[str, Any]]:
    """The operations that changed anything about the person, each with those changes
    (before and after images as objects), oldest first: the audit trail a subject access
    request is owed. Also operations whose command line or summary names them."""
    who = identity(db, contact_id)
    rows = {"contacts": [contact_id], "relationships": _relationships(db, contact_id),
            "interactions": _linked(db, "interaction_contacts", "interaction_id", contact_id,
                                    only=False),
            "tasks": _linked(db, "task_contacts", "task_id", contact_id, only=False),
            "events": _linked(db, "event_contacts", "event_id", contact_id, only=False),
            "deals": _linked(db, "deal_contacts", "deal_id", contact_id, only=False),
            "saved_searches": [s["id"] for s in saved_searches_about(db, who)]}
    changes = _changes_about(db, who, rows)
    op_ids = set(changes.values()) | {r["id"] for r in _operations_mentioning(db, who)}
    by_op: dict[int, list[dict[str, Any]]] = {i: [] for i in op_ids}
    for chunk in chunks(sorted(changes)):
        for r in db.execute(f"SELECT * FROM changes WHERE id IN ({', '.join('?' * len(chunk))})"
                            f" ORDER BY id", chunk):
            by_op[r["operation_id"]].append({
                "id": r["id"], "table": r["table_name"], "row_id": r["row_id"],
                "action": r["action"], "before": json.loads(r["before"]) if r["before"] else None,
                "after": json.loads(r["after"]) if r["after"] else None})
    out = []
    for chunk in chunks(sorted(op_ids)):
        for r in db.execute(f"SELECT * FROM operations WHERE id IN ({', '.join('?' * len(chunk))})"
                            f" ORDER BY id", chunk):
            out.append({"id": r["id"], "at": r["at"], "user": r["user"], "command": r["command"],
                        "summary": r["summary"], "kind": r["kind"],
                        "changes": sorted(by_op[r["id"]], key=lambda c: c["id"])})
    return out


@dataclass
class Erasure:
    """What an erasure removed (counts only, no personal data) and what it could not."""

    contact_id: int
    operation_id: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    journal_changes: int = 0
    operations_rewritten: int = 0
    calendar_lines: int = 0
    groups: int = 0  # group rows and journal images the person was taken out of
    saved_searches: list[str] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    vacuumed: bool = False
    wal_emptied: bool = False


def forget(db: Database, contact_id: int) -> Erasure:
    """Erase a person from every table, the search index and the journal, then reclaim
    the space so that no page of the file or its -wal still holds their data.

    History entries and tasks linked to them alone are deleted with them; shared ones (and
    events and deals) lose only the link. Backups are not touched: the caller lists them.
    """
    who = identity(db, contact_id)
    result = Erasure(contact_id)
    secure = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")  # freed pages are zeroed, not left readable
    command, db.command = db.command, f"rolodex privacy forget #{contact_id}"
    try:
        with db.write(f"privacy: erased contact #{contact_id}", kind="forget") as op_id:
            result.operation_id = op_id
            _erase(db, who, result)
        result.vacuumed, result.wal_emptied = reclaim(db)
    finally:
        db.command = command
        db.execute(f"PRAGMA secure_delete = {int(secure)}")
    return result


def _erase(db: Database, who: Identity, result: Erasure) -> None:
    contact_id = who.contact_id
    searches = saved_searches_about(db, who)
    tag_ids = _ids(db, "SELECT tag_id FROM contact_tags WHERE contact_id = ?", (contact_id,))
    doomed: dict[str, list[int]] = {
        "relationships": _relationships(db, contact_id),
        **{t: _ids(db, f"SELECT id FROM {t} WHERE contact_id = ?", (contact_id,))
           for t in CHILD_TABLES},
        "interactions": _linked(db, "interaction_contacts", "interaction_id", contact_id,
                                only=True),
        "tasks": _linked(db, "task_contacts", "task_id", contact_id, only=True),
        "saved_searches": [s["id"] for s in searches],
    }
    # Journal first: finding the changes of deleted rows needs nothing of the rows, but
    # the contact's identity must be known before its rows go.
    changes = _changes_about(db, who, {t: doomed[t] for t in (
        "relationships", "interactions", "tasks", "saved_searches")})
    own = who.words(_texts_of(db, doomed))
    for table, ids in doomed.items():
        result.rows[table] = _delete_ids(db, table, ids)
    forget_synced(db, who.uids)  # the card a sync kept; their file goes at the next sync
    result.rows["contacts"] = db.execute("DELETE FROM contacts WHERE id = ?",
                                         (contact_id,)).rowcount
    result.rows["contacts_fts"] = db.execute("DELETE FROM contacts_fts WHERE rowid = ?",
                                             (contact_id,)).rowcount
    # Merging every index segment into one drops the deleted row's terms for good.
    db.execute("INSERT INTO contacts_fts(contacts_fts) VALUES ('optimize')")
    unused = _ids(db, f"SELECT id FROM tags WHERE id IN ({', '.join('?' * len(tag_ids))})"
                  " AND NOT EXISTS (SELECT 1 FROM contact_tags WHERE tag_id = tags.id)"
                  " AND NOT EXISTS (SELECT 1 FROM company_tags WHERE tag_id = tags.id)",
                  tuple(tag_ids)) if tag_ids else []
    result.rows["tags"] = _delete_ids(db, "tags", unused)
    changes.update(_changes_about(db, who, {"tags": unused}))
    result.saved_searches = [s["name"] for s in searches]
    result.calendar_lines = _scrub_calendar(db, who)
    result.groups = scrub_groups(db, who)
    result.journal_changes = _delete_ids(db, "changes", list(changes))
    result.operations_rewritten = _rewrite_operations(
        db, who, own, set(changes.values()), result.operation_id, result.saved_searches)
    result.mentions = traces(db, who, result.operation_id)


# The free text of the records erased with the person, which operation summaries quote
# ("add task Send Zebulon the Q4 offer").
_OWN_TEXT = (("tasks", ("title",)), ("interactions", ("text",)),
             ("saved_searches", ("name", "query")), ("relationships", ("related_name",)))


def _texts_of(db: Database, doomed: dict[str, list[int]]) -> list[str]:
    texts = []
    for table, columns in _OWN_TEXT:
        for chunk in chunks(sorted(set(doomed[table]))):
            for row in db.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id IN"
                                  f" ({', '.join('?' * len(chunk))})", chunk):
                texts += [v for v in row if isinstance(v, str)]
    return texts


def _delete_ids(db: Database, table: str, ids: list[int]) -> int:
    count = 0
    for chunk in chunks(sorted(set(ids))):
        count += db.execute(f"DELETE FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})",
                            chunk).rowcount
    return count


def _scrub_calendar(db: Database, who: Identity) -> int:
    """Drop the kept iCalendar lines (``raw``) of tasks, events and history entries that
    name the person, such as ``ATTENDEE;CN=Jane Doe:mailto:jane@...`` of an attendee never
    linked, and the last import's copy of such an item (``imported``: the next import then
    merges it as one met for the first time)."""
    removed = 0
    for table in ("tasks", "events", "interactions"):
        for row in list(mentioning(db, table, ("raw",), who)):
            lines = row["raw"].split("\n")
            kept = [line for line in lines if not who.mentioned_in(line)]
            removed += len(lines) - len(kept)
            db.execute(f"UPDATE {table} SET raw = ? WHERE id = ?",
                       ("\n".join(kept) or None, row["id"]))
        for row in list(mentioning(db, table, ("imported",), who)):
            db.execute(f"UPDATE {table} SET imported = NULL WHERE id = ?", (row["id"],))
    return removed


def _rewrite_operations(db: Database, who: Identity, own: Words, touched: set[int],
                        stub: int, searches: list[str]) -> int:
    """Neutralise the journal's command lines and summaries that describe the person.

    An operation that changed their rows had them as its arguments, so its whole command
    line goes; a summary keeps its words but loses the mentions ("edit contact [erased]"),
    and the names of the saved searches erased with them ("save search @[erased]"). The
    summary of an operation on their rows loses what ``own`` holds too: the words of their
    name and the text of the records erased with them ("add task [erased]").
    """
    named = re.compile("|".join(rf"@{re.escape(n)}(?![\w-])" for n in searches) or r"(?!)",
                       re.IGNORECASE)
    rows = {r["id"]: r for r in _operations_mentioning(db, who, stub)}
    for chunk in chunks(sorted(touched - {stub})):
        for r in db.execute(f"SELECT id, command, summary FROM operations WHERE id IN"
                            f" ({', '.join('?' * len(chunk))})", chunk):
            rows[r["id"]] = r
    changed = 0
    for op_id, r in rows.items():
        command = ERASED if r["command"] else r["command"]
        summary = named.sub(f"@{ERASED}", who.scrub(r["summary"]))
        if op_id in touched:
            summary = own.scrub(summary)
        if (command, summary) != (r["command"], r["summary"]):
            db.execute("UPDATE operations SET command = ?, summary = ? WHERE id = ?",
                       (command, summary, op_id))
            changed += 1
    return changed


def reclaim(db: Database) -> tuple[bool, bool]:
    """Rewrite the file without free pages, then empty its -wal: (vacuumed, wal emptied).

    Either can be kept from finishing by another process (a writer holding the lock, a
    reader holding an old snapshot); the erasure itself is committed by then, so that is
    reported, not raised.
    """
    try:
        db.execute("VACUUM")
        vacuumed = True
    except sqlite3.OperationalError:
        vacuumed = False
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return vacuumed, busy == 0
