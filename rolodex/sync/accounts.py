"""The sync use cases behind ``rolodex sync``: accounts, running them, their status and
conflicts. Each is one call from the command line; the algorithm is ``engine``'s, the far
side a ``Storage`` made here from the account (a vdir folder now; CardDAV/CalDAV next).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rolodex.errors import InvalidInput
from rolodex.store import sync_state
from rolodex.store.db import Database
from rolodex.sync.engine import ContactSync
from rolodex.sync.storage import Storage
from rolodex.sync.sync_report import SyncReport, digest, parse_card


def add_vdir(db: Database, name: str, path: str) -> dict[str, Any]:
    """A vdir account: one address book, the folder (created if missing)."""
    from rolodex.sync.vdir_storage import VdirStorage

    if not name.strip() or name.startswith("-"):
        raise InvalidInput(f"'{name}' cannot name a sync account")
    folder = VdirStorage(Path(path), create=True).root  # made now, not at the first sync
    sync_state.add_account(db, name, "vdir", str(folder),
                           collections=[("contacts", str(folder))])
    return account_row(db, sync_state.account(db, name))


def account_row(db: Database, account: dict[str, Any]) -> dict[str, Any]:
    kinds = [c["kind"] for c in sync_state.collections(db, account["id"])]
    return {"name": account["name"], "kind": account["kind"],
            "location": account["location"], "username": account["username"],
            "password_command": account["password_command"],
            "insecure": bool(account["insecure"]), "collections": kinds,
            "created": account["created"]}


def list_accounts(db: Database) -> list[dict[str, Any]]:
    return [account_row(db, a) for a in sync_state.accounts(db)]


def remove(db: Database, name: str) -> None:
    sync_state.remove_account(db, name)


def open_storage(account: dict[str, Any], collection: dict[str, Any]) -> Storage:
    """The far side of one collection."""
    if account["kind"] == "vdir":
        from rolodex.sync.vdir_storage import VdirStorage

        return VdirStorage(Path(collection["location"]))
    raise InvalidInput(f"sync account '{account['name']}' is {account['kind']}: not "
                       "supported yet", hint="vdir folders sync today (sync add --vdir)")


def _chosen(db: Database, name: str | None) -> list[dict[str, Any]]:
    if name is not None:
        return [sync_state.account(db, name)]
    found = sync_state.accounts(db)
    if not found:
        raise InvalidInput("no sync accounts yet", hint="rolodex sync add NAME --vdir PATH")
    return found


def run(db: Database, name: str | None = None, *, dry_run: bool = False,
        force: bool = False, progress=None) -> list[SyncReport]:
    """Sync one account (every account when ``name`` is None), each of its contact
    collections in turn; one journalled operation per collection. ``progress``: see
    ``ContactSync``."""
    reports = []
    for account in _chosen(db, name):
        for collection in sync_state.collections(db, account["id"]):
            if collection["kind"] != "contacts":
                continue  # events, tasks and journals: not yet
            storage = open_storage(account, collection)
            reports.append(ContactSync(db, storage, collection, dry_run=dry_run,
                                       force=force, progress=progress).run())
    return reports


def status(db: Database) -> list[dict[str, Any]]:
    """Per collection: when it was last synced, how many contacts changed here since
    (to send), how many items it knows, and its open conflicts."""
    rows = []
    for collection in sync_state.collections(db):
        pending = None
        if collection["kind"] == "contacts":
            pending = pending_here(db, collection)
        rows.append({"account": collection["account"], "kind": collection["kind"],
                     "location": collection["location"],
                     "last_sync": collection["last_sync"],
                     "items": sync_state.count_status(db, collection["id"]),
                     "pending": pending,
                     "conflicts": sync_state.count_conflicts(db, collection["id"])})
    return rows


def pending_here(db: Database, collection: dict[str, Any]) -> int:
    """Contacts new, changed or deleted here since the collection's last sync."""
    sync = ContactSync(db, None, collection)  # type: ignore[arg-type]  # reads only here
    status_ = sync_state.status_rows(db, collection["id"])
    changed, gone = sync._local_changes(status_)
    return len(changed) + len(gone) + len(sync_state.contacts_without_status(
        db, collection["id"]))


def conflicts(db: Database, name: str | None = None) -> list[dict[str, Any]]:
    """Open conflicts (of one account, or all) as the listing shows them."""
    account_id = sync_state.account(db, name)["id"] if name else None
    return [{k: v for k, v in row.items() if k not in ("remote_card", "collection_id")}
            for row in sync_state.conflicts(db, account_id)]


def resolve(db: Database, prefer: str, name: str | None = None) -> int:
    """Settle every open conflict (of one account, or all): ``local`` keeps the value
    rolodex has (the far side got it at the sync), ``remote`` takes the far side's value
    here (the next sync sends it on). Returns how many were settled."""
    from rolodex.formats.incoming import Item
    from rolodex.sync.apply import Incoming, Policy, apply
    from rolodex.sync.contact_3way import take
    from rolodex.sync.contact_export import contact_cards

    if prefer not in ("local", "remote"):
        raise InvalidInput(f"--prefer is local or remote, not '{prefer}'")
    account_id = sync_state.account(db, name)["id"] if name else None
    found = sync_state.conflicts(db, account_id)
    with db.write(f"sync conflicts --prefer {prefer}"):
        if prefer == "remote":
            by_uid: dict[str, list[dict]] = {}
            for row in found:
                if row["contact_id"] is not None:
                    by_uid.setdefault(row["uid"], []).append(row)
            ids = [rows[0]["contact_id"] for rows in by_uid.values()]
            items = []
            for _, uid, text in contact_cards(db, ids):
                mine = parse_card(text.encode("utf-8"), uid)
                for row in by_uid[uid]:
                    theirs = parse_card(row["remote_card"].encode("utf-8"), uid)
                    if mine is not None and theirs is not None:
                        take(mine, theirs, row["field"])
                if mine is not None:
                    items.append(Item(mine, f"conflict {digest(text)[:8]}", 1, 1))
            apply(db, Incoming(contacts=items), Policy(on_match="replace"))
        for row in found:
            sync_state.drop_conflict(db, row["id"])
    return len(found)
