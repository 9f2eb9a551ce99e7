"""The far side of a sync as the engine reads it: a listing (whole, or the changes since a
sync token), the items new or changed there, each one item of the collection's kind (a
vCard, a calendar object) with a UID, one of another kind, or skipped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rolodex.sync.storage import Item, Storage, TokenExpired
from rolodex.sync.sync_report import SyncReport


@dataclass
class Remote:
    """An item fetched from the far side: ``data`` what the kind reads of it (a contact's
    record; None for calendar items, which are read from ``text``), ``name`` what a
    summary calls it; ``foreign``: an item of another kind (a VTODO in a calendar the
    events collection reads), left alone."""

    href: str
    etag: str
    text: str
    data: Any
    name: str | None = None
    foreign: bool = False


Reader = Callable[[Item], "tuple[str, Remote] | str"]


class FarSide:
    """One collection there, as one sync reads it; ``token``: the sync token its listing
    came with (None: none), ``listed``: how many items it holds."""

    def __init__(self, storage: Storage, collection: dict[str, Any], report: SyncReport,
                 reader: Reader) -> None:
        """``reader(item)``: (UID, Remote), or why the item cannot be read (skipped)."""
        self.storage, self.collection, self.report = storage, collection, report
        self.reader = reader
        self.token: str | None = None
        self.listed = 0

    @staticmethod
    def wanted(status: dict[str, dict], listed: dict[str, str]) -> list[str]:
        """The hrefs whose items are new or changed there."""
        etags = {row["href"]: row["etag"] for row in status.values()}
        return [h for h, etag in listed.items() if etags.get(h) != etag]

    def prefetch(self, status: dict[str, dict]) -> tuple[dict[str, str], dict[str, Item]]:
        """The far side's listing and its new and changed items, read before the sync takes
        the database's write lock (a server may be slow; every write there is conditional,
        so what changes there meanwhile is caught at the write)."""
        listed = self.listing(status)
        return listed, {i.href: i for i in self.storage.get_many(self.wanted(status, listed))}

    def read(self, status: dict[str, dict], listed: dict[str, str],
                       cache: dict[str, Item]) -> tuple[dict[str, Remote], set[str]]:
        """(items new or changed there by UID, UIDs gone from there), against the status
        rows as they are inside the sync's transaction; items fetched already are used
        while their ETag holds."""
        self.listed = len(listed)
        by_href = {row["href"]: uid for uid, row in status.items()}
        wanted = self.wanted(status, listed)
        ready = [cache[h] for h in wanted if h in cache and cache[h].etag == listed[h]]
        more = [h for h in wanted if h not in cache or cache[h].etag != listed[h]]
        fetched: dict[str, Remote] = {}
        for item in [*ready, *self.storage.get_many(more)]:
            found = self.readable(item)
            if found is None:
                continue
            uid, remote = found
            if uid in fetched and fetched[uid].href == status.get(uid, {}).get("href"):
                continue  # a second file of one UID: the one known wins
            fetched[uid] = remote
        gone = {uid for uid, row in status.items() if row["href"] not in listed}
        for uid, remote in fetched.items():
            before = by_href.get(remote.href)
            if before is not None and before != uid and before not in fetched:
                gone.add(before)  # the file now holds another item
        return fetched, gone - fetched.keys()

    def listing(self, status: dict[str, dict]) -> dict[str, str]:
        """href -> ETag of every item there: what changed since the collection's sync
        token applied to what the status rows say (RFC 6578), or a full listing (a storage
        without tokens, a first sync, an expired token)."""
        token = self.collection.get("sync_token")
        try:
            changes = self.storage.changes(token)
        except TokenExpired:
            changes = self.storage.changes(None)
        self.token = changes.token
        if changes.complete:
            return dict(changes.changed)
        listed = {row["href"]: row["etag"] for row in status.values()}
        for href in changes.removed:
            listed.pop(href, None)
        listed.update(changes.changed)
        return listed

    def readable(self, item: Item) -> tuple[str, Remote] | None:
        found = self.reader(item)
        if isinstance(found, str):
            self.report.skipped.append({"href": item.href, "reason": found})
            return None
        return found

    def fetch_again(self, href: str) -> Remote | None:
        for item in self.storage.get_many([href]):
            found = self.readable(item)
            if found is not None:
                return found[1]
        return None
