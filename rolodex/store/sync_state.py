"""What two-way sync remembers (#15): accounts, their collections, one status row per item,
and the conflicts left for the user.

Accounts and collections are the user's settings: journalled, so ``undo`` takes back a
``sync add`` or ``sync rm``. Status rows and conflicts are not: they say what the far side
holds, which an ``undo`` of local changes does not change (the next sync compares the
restored records with them and pushes the difference). They are written in the sync's own
transaction, with the local changes they describe.
"""

from __future__ import annotations

import json
from typing import Any

from rolodex.errors import InvalidInput, NotFound
from rolodex.store import journal
from rolodex.store.db import Database

KINDS = ("contacts", "companies", "groups", "events", "tasks", "journal")


# The address book's kinds first, the contacts' before all (a sync's first report is
# theirs), then the calendars' by name.
_KIND_ORDER = ("CASE c.kind WHEN 'contacts' THEN 0 WHEN 'companies' THEN 1"
               " WHEN 'groups' THEN 2 ELSE 3 END, c.kind")


def check_name_free(db: Database, name: str) -> None:
    """InvalidInput when an account has that name already."""
    if db.execute("SELECT 1 FROM sync_accounts WHERE name = ?", (name,)).fetchone():
        raise InvalidInput(f"there is already a sync account named '{name}'",
                           hint="rolodex sync list shows them; sync rm NAME removes one")


def add_account(db: Database, name: str, kind: str, location: str, *,
                username: str | None = None, password_command: str | None = None,
                insecure: bool = False, collections: list[tuple[str, str]] = ()) -> int:
    """A new account and its collections, (kind, location) each; InvalidInput when the name
    is taken."""
    from rolodex.dates import now, to_utc_iso

    check_name_free(db, name)
    with db.write(f"sync add {name}"):
        account_id = journal.insert(db, "sync_accounts", {
            "name": name, "kind": kind, "location": location, "username": username,
            "password_command": password_command, "insecure": int(insecure),
            "created": to_utc_iso(now())})
        for collection_kind, where in collections:
            journal.insert(db, "sync_collections", {"account_id": account_id,
                                                    "kind": collection_kind,
                                                    "location": where})
    return account_id


def accounts(db: Database) -> list[dict[str, Any]]:
    return [dict(r) for r in db.execute("SELECT * FROM sync_accounts ORDER BY name")]


def account(db: Database, name: str) -> dict[str, Any]:
    row = db.execute("SELECT * FROM sync_accounts WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NotFound(f"no sync account named '{name}'", hint="rolodex sync list shows them")
    return dict(row)


def remove_account(db: Database, name: str) -> None:
    """The account and its collections (journalled: undo brings them back), and what was
    known of their items (not journalled: a copy of every card would swell the journal;
    after an undo, the next sync finds both sides holding the same items and converges)."""
    found = account(db, name)
    with db.write(f"sync rm {name}"):
        for table in ("sync_status", "sync_conflicts"):
            db.execute(f"DELETE FROM {table} WHERE collection_id IN (SELECT id FROM"
                       " sync_collections WHERE account_id = ?)", (found["id"],))
        journal.delete(db, "sync_accounts", found["id"])


def collections(db: Database, account_id: int | None = None) -> list[dict[str, Any]]:
    """Collections with their account's name (``account``), of one account or all."""
    where, params = ("WHERE c.account_id = ?", (account_id,)) if account_id else ("", ())
    return [dict(r) for r in db.execute(
        "SELECT c.*, a.name AS account FROM sync_collections c JOIN sync_accounts a"
        f" ON a.id = c.account_id {where} ORDER BY a.name, {_KIND_ORDER}, c.location",
        params)]


def add_collection(db: Database, account_id: int, kind: str, location: str) -> int:
    """A new collection of an account (journalled: ``undo`` takes it back)."""
    with db.write(f"sync: {kind} at {location}"):
        return journal.insert(db, "sync_collections", {"account_id": account_id,
                                                       "kind": kind, "location": location})


def remove_collection(db: Database, collection_id: int) -> None:
    """A collection (journalled) and what was known of its items (not: see
    ``remove_account``)."""
    with db.write("sync: collection removed"):
        for table in ("sync_status", "sync_conflicts"):
            db.execute(f"DELETE FROM {table} WHERE collection_id = ?", (collection_id,))
        journal.delete(db, "sync_collections", collection_id)


def collection(db: Database, collection_id: int) -> dict[str, Any] | None:
    found = [c for c in collections(db) if c["id"] == collection_id]
    return found[0] if found else None




def base_of(db: Database, collection_id: int, uid: str) -> str | None:
    """The item as last synced."""
    row = db.execute("SELECT base FROM sync_status WHERE collection_id = ? AND uid = ?",
                     (collection_id, uid)).fetchone()
    return row[0] if row else None


def count_status(db: Database, collection_id: int) -> int:
    """The items a collection syncs (not those of another kind it only remembers)."""
    return db.execute("SELECT count(*) FROM sync_status WHERE collection_id = ? AND"
                      " local_hash IS NOT ?", (collection_id, NOT_OURS)).fetchone()[0]


def put_status(db: Database, collection_id: int, uid: str, *, local_id: int | None,
               href: str, etag: str, local_hash: str | None, base: str) -> None:
    """Remember an item as both sides now hold it (a row at its href for another UID goes:
    the far side replaced that item)."""
    db.execute("DELETE FROM sync_status WHERE collection_id = ? AND href = ? AND uid != ?",
               (collection_id, href, uid))
    db.execute(
        "INSERT INTO sync_status (collection_id, uid, local_id, href, etag, local_hash, base)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (collection_id, uid) DO UPDATE SET"
        " local_id = excluded.local_id, href = excluded.href, etag = excluded.etag,"
        " local_hash = excluded.local_hash, base = excluded.base",
        (collection_id, uid, local_id, href, etag, local_hash, base))


ERASED = "erased"  # local_hash of an item whose person was erased (privacy forget)
# local_hash of an item of another kind in a shared calendar (a VTODO seen by the events
# collection): remembered so it is not fetched again while its ETag holds, never touched.
NOT_OURS = "not ours"


def forget_synced(db: Database, uids: tuple[str, ...]) -> int:
    """For ``privacy forget``: what sync kept of a person (the card as last synced, their
    conflicts) goes; each status row stays, marked, so the next sync deletes their item on
    the far side even if it changed there (it must not bring them back). Returns how many
    items were marked."""
    count = 0
    for uid in uids:
        db.execute("DELETE FROM sync_conflicts WHERE uid = ?", (uid,))
        count += db.execute("UPDATE sync_status SET base = '', local_hash = ? WHERE uid = ?"
                            " AND local_id IS NOT NULL", (ERASED, uid)).rowcount
    return count


def drop_status(db: Database, collection_id: int, uid: str) -> None:
    db.execute("DELETE FROM sync_status WHERE collection_id = ? AND uid = ?",
               (collection_id, uid))


def mark_synced(db: Database, collection_id: int, *, operation: int, at: str,
                token: str | None = None) -> None:
    db.execute("UPDATE sync_collections SET synced_operation = ?, last_sync = ?,"
               " sync_token = ? WHERE id = ?", (operation, at, token, collection_id))


def mark_past(db: Database, collection_id: int, operation: int) -> None:
    """Move the collection's mark past ``operation`` (a sync's own), if it was kept."""
    with db.transaction():
        db.execute("UPDATE sync_collections SET synced_operation = ? WHERE id = ? AND"
                   " EXISTS (SELECT 1 FROM operations WHERE id = ?)",
                   (operation, collection_id, operation))


def contacts_changed_since(db: Database, operation: int) -> set[int]:
    """Contacts any operation after ``operation`` touched (their rows, details, tags,
    fields, cards), and the people of companies it touched (their cards name the company).
    Read from the journal: a sync looks at these, not at every contact."""
    found = {r[0] for r in db.execute(
        "SELECT DISTINCT contact_id FROM changes WHERE operation_id > ?"
        " AND contact_id IS NOT NULL", (operation,))}
    companies = [r[0] for r in db.execute(
        "SELECT DISTINCT row_id FROM changes WHERE operation_id > ?"
        " AND table_name = 'companies'", (operation,))]
    for start in range(0, len(companies), 900):
        chunk = companies[start:start + 900]
        found.update(r[0] for r in db.execute(
            f"SELECT id FROM contacts WHERE company_id IN ({', '.join('?' * len(chunk))})",
            chunk))
    return found








def groups_changed_since(db: Database, operation: int) -> set[int]:
    """Groups whose card an operation after ``operation`` may change: their own rows, and
    every group when a contact or a tag on one changed (a group's members are the
    contacts carrying its tag, written by UID; groups are few, so all are looked at)."""
    found = {r[0] for r in db.execute(
        "SELECT DISTINCT row_id FROM changes WHERE operation_id > ?"
        " AND table_name = 'contact_groups'", (operation,))}
    if db.execute("SELECT 1 FROM changes WHERE operation_id > ? AND table_name IN"
                  " ('contact_tags', 'contacts') LIMIT 1", (operation,)).fetchone():
        found.update(r[0] for r in db.execute("SELECT id FROM contact_groups"))
    return found


def uid_of(db: Database, contact_id: int) -> str | None:
    row = db.execute("SELECT uid FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    return row[0] if row else None


def add_conflict(db: Database, collection_id: int, uid: str, field: str, local: Any,
                 remote: Any, remote_card: str, at: str) -> None:
    db.execute(
        "INSERT INTO sync_conflicts (collection_id, uid, field, local, remote, remote_card, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (collection_id, uid, field) DO UPDATE SET"
        " local = excluded.local, remote = excluded.remote,"
        " remote_card = excluded.remote_card, at = excluded.at",
        (collection_id, uid, field, json.dumps(local, ensure_ascii=False),
         json.dumps(remote, ensure_ascii=False), remote_card, at))


def conflicts(db: Database, account_id: int | None = None) -> list[dict[str, Any]]:
    """Open conflicts, oldest first, with the collection's kind and the record they are
    about: its name (a contact's or company's, an event's or task's title; None when it
    is gone) and, for a contact, its id."""
    where, params = ("WHERE c.account_id = ?", (account_id,)) if account_id else ("", ())
    rows = db.execute(
        "SELECT k.id, a.name AS account, c.kind, k.collection_id, k.uid,"
        " ct.id AS contact_id, coalesce(ct.display_name, e.title, t.title, co.name) AS name,"
        " k.field, k.local, k.remote, k.remote_card, k.at"
        " FROM sync_conflicts k JOIN sync_collections c ON c.id = k.collection_id"
        " JOIN sync_accounts a ON a.id = c.account_id"
        " LEFT JOIN contacts ct ON ct.uid = k.uid AND c.kind = 'contacts'"
        " LEFT JOIN events e ON e.uid = k.uid AND c.kind = 'events'"
        " LEFT JOIN tasks t ON t.uid = k.uid AND c.kind = 'tasks'"
        " LEFT JOIN companies co ON co.uid = k.uid AND c.kind = 'companies'"
        f" {where} ORDER BY k.at, k.id", params)
    return [{**dict(r), "local": json.loads(r["local"]), "remote": json.loads(r["remote"])}
            for r in rows]


def count_conflicts(db: Database, collection_id: int) -> int:
    return db.execute("SELECT count(*) FROM sync_conflicts WHERE collection_id = ?",
                      (collection_id,)).fetchone()[0]


def drop_conflict(db: Database, conflict_id: int) -> None:
    db.execute("DELETE FROM sync_conflicts WHERE id = ?", (conflict_id,))


def drop_conflicts_of(db: Database, collection_id: int, uid: str) -> None:
    db.execute("DELETE FROM sync_conflicts WHERE collection_id = ? AND uid = ?",
               (collection_id, uid))
