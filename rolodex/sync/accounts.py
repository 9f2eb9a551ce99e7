"""The sync use cases behind ``rolodex sync``: running accounts, their status and
conflicts (adding and changing them: ``account_setup``). Each is one call from the
command line; the algorithm is ``engine``'s, the far side a ``Storage`` made here from
each collection of the account: a vdir folder, or a CardDAV address book or CalDAV
calendar found on the server at ``sync add`` time. A password is asked for when a server
needs it (``credentials``) and never stored.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from rolodex.errors import InvalidInput, RolodexError
from rolodex.store import sync_state
from rolodex.store.db import Database
from rolodex.sync.engine import CollectionSync
from rolodex.sync.storage import Storage
from rolodex.sync.sync_report import SyncReport


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


def open_storage(account: dict[str, Any], collection: dict[str, Any],
                 closing: ExitStack) -> Storage:
    """The far side of one collection; a server's connection is closed with ``closing``."""
    from rolodex.sync.sync_kinds import kind_of

    kind = kind_of(collection["kind"])
    if account["kind"] == "vdir":
        from rolodex.sync.vdir_storage import VdirStorage

        return VdirStorage(Path(collection["location"]), kind.suffix)
    from rolodex.sync.credentials import password
    from rolodex.sync.dav.collection import DavCollection
    from rolodex.sync.dav.http import DavSession

    user = account["username"]
    secret = password(account["name"], account["password_command"]) if user else None
    session = closing.enter_context(DavSession(collection["location"], user, secret,
                                               insecure=bool(account["insecure"])))
    return DavCollection(session, collection["location"], kind.dav_kind)


def _chosen(db: Database, name: str | None) -> list[dict[str, Any]]:
    if name is not None:
        return [sync_state.account(db, name)]
    found = sync_state.accounts(db)
    if not found:
        raise InvalidInput("no sync accounts yet", hint="rolodex sync add NAME --vdir PATH")
    return found


def run(db: Database, name: str | None = None, *, dry_run: bool = False,
        force: bool = False, progress=None
        ) -> tuple[list[SyncReport], list[tuple[str, RolodexError]]]:
    """Sync one account (every account when ``name`` is None), each of its collections
    (contacts, companies, groups, events, tasks, journal) in turn; one journalled
    operation per collection.
    ``progress``: see ``CollectionSync``. Returns the reports and the accounts that
    failed, with why: one server down (or one folder unmounted) does not keep the others
    from syncing."""
    from rolodex.sync.shared_reads import SharedReads

    reports: list[SyncReport] = []
    failed: list[tuple[str, RolodexError]] = []
    shared = SharedReads()  # one listing of an address book for its three collections
    for account in _chosen(db, name):
        try:
            for collection in sync_state.collections(db, account["id"]):
                with ExitStack() as closing:
                    storage = shared.wrap(collection["location"],
                                          open_storage(account, collection, closing))
                    reports.append(CollectionSync(db, storage, collection, dry_run=dry_run,
                                                  force=force, progress=progress).run())
        except RolodexError as exc:
            if name is not None:
                raise
            failed.append((account["name"], exc))
    return reports, failed


def status(db: Database) -> list[dict[str, Any]]:
    """Per collection: when it was last synced, how many of its records changed here
    since (to send), how many items it knows, and its open conflicts."""
    rows = []
    for collection in sync_state.collections(db):
        pending = pending_here(db, collection)
        rows.append({"account": collection["account"], "kind": collection["kind"],
                     "location": collection["location"],
                     "last_sync": collection["last_sync"],
                     "items": sync_state.count_status(db, collection["id"]),
                     "pending": pending,
                     "conflicts": sync_state.count_conflicts(db, collection["id"])})
    return rows


def pending_here(db: Database, collection: dict[str, Any]) -> int:
    """Records new, changed or deleted here since the collection's last sync."""
    sync = CollectionSync(db, None, collection)  # type: ignore[arg-type]  # reads only here
    changed, gone = sync.local_changes(sync.status_rows())
    return len(changed) + len(gone) + len(sync.fresh())


def conflicts(db: Database, name: str | None = None) -> list[dict[str, Any]]:
    """Open conflicts (of one account, or all) as the listing shows them."""
    account_id = sync_state.account(db, name)["id"] if name else None
    return [{k: v for k, v in row.items() if k not in ("remote_card", "collection_id")}
            for row in sync_state.conflicts(db, account_id)]


def resolve(db: Database, prefer: str | None, name: str | None = None, *,
            choices: dict[int, str] | None = None) -> int:
    """Settle open conflicts (of one account, or all): ``local`` keeps the value rolodex
    has (the far side got it at the sync), ``remote`` takes the far side's value here (the
    next sync sends it on). ``prefer`` settles them all one way; ``choices`` (conflict id
    -> local or remote, as ``sync conflicts --edit`` reads them) settles those named, each
    its own way, and leaves the others open. Returns how many were settled."""
    from rolodex.store import sync_records
    from rolodex.sync.sync_kinds import kind_of

    if choices is None and prefer not in ("local", "remote"):
        raise InvalidInput(f"--prefer is local or remote, not '{prefer}'")
    account_id = sync_state.account(db, name)["id"] if name else None
    open_ones = sync_state.conflicts(db, account_id)
    pick = choices if choices is not None else {row["id"]: prefer for row in open_ones}
    found = [row for row in open_ones if row["id"] in pick]
    if not found:
        return 0
    how = f"--prefer {prefer}" if choices is None else "--edit"
    with db.write(f"sync conflicts {how}"):
        by_kind: dict[str, dict[str, list[tuple[str, str]]]] = {}
        for row in found:
            if pick[row["id"]] == "remote":
                by_kind.setdefault(row["kind"], {}).setdefault(row["uid"], []).append(
                    (row["remote_card"], row["field"]))
        for collection_kind, by_uid in by_kind.items():
            kind = kind_of(collection_kind)
            ids = sync_records.ids_by_uid(db, kind.table, list(by_uid))
            items = []
            for _, uid, text in kind.texts(db, list(ids.values())):
                taken = kind.take(text, uid, by_uid[uid])
                if taken is not None:
                    items.append((uid, taken, kind.source(text)))
            kind.replace_here(db, None, items)
        for row in found:
            sync_state.drop_conflict(db, row["id"])
    return len(found)
