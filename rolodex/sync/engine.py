"""Two-way sync of one kind of record (contacts, events, tasks, the journal) with one
collection of a far side (a ``Storage``); what differs between kinds is the kind's
(``sync_kinds``), the algorithm is written once, here.

vdirsyncer's algorithm, with rolodex as one of the two sides. A status row per item says
what both sides held after the last sync: its UID, href and ETag there, the hash of the
card rolodex wrote for it here, and the card itself (the base of a three-way merge). Each
sync compares both sides with it:

- the far side by ETag (a full listing; only new and changed items are fetched);
- this side by the journal: only records some operation touched since the last sync are
  written out and hashed, so a sync of 100,000 unchanged contacts exports none of them.

Then, per UID (L = this side, R = the far side):

================  ==================  ==================  ==================
                  R unchanged         R changed           R gone
================  ==================  ==================  ==================
L unchanged       nothing             R comes in          deleted here
L changed         sent (If-Match)     three-way merge     sent again, reported
L gone            deleted there       R comes back        forgotten
================  ==================  ==================  ==================

New on one side only: sent there, or brought in as an import brings a card (matched by
UID, email or phone). Whatever comes in goes through ``apply``, the one way records enter
the store. A sync is one journalled operation (``rolodex undo`` takes its local changes
back; the next sync then sends that); status rows are written in its transaction, so a
sync killed half-way leaves them describing what was there before, and the next sync finds
the far side's changes again by UID and ETag and converges.

Items of another kind (a VTODO beside the events, a company's card beside the people) are
not ours: fetched again only when they change, never touched. One that came in as part of
a record of another UID is followed (its changes come in). One new there that a record new
here is (``Kind.adopt``) merges with it as if new on both sides: one item, their UID.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rolodex.store import journal, sync_records, sync_state
from rolodex.store.db import Database
from rolodex.sync.deletion_guard import check_deletions
from rolodex.sync.far_side import FarSide, Remote
from rolodex.sync.send_first import SendsFirst
from rolodex.sync.storage import PreconditionFailed, Storage
from rolodex.sync.sync_kinds import Kind, kind_of
from rolodex.sync.sync_report import SyncReport, describe_plan, digest
from rolodex.sync.vdir import safe_name


class CollectionSync(SendsFirst):
    """One sync of one collection; ``run`` does it. See the module docstring."""

    def __init__(self, db: Database, storage: Storage, collection: dict[str, Any], *,
                 dry_run: bool = False, force: bool = False,
                 progress: Callable[[int], Callable[[], None] | None] | None = None,
                 kind: Kind | None = None) -> None:
        """``progress(total)``, once the work is known: a progress bar's advance (called
        per item acted on), or None. ``kind``: the collection's own unless given."""
        self.db, self.storage, self.collection = db, storage, collection
        self.kind = kind or kind_of(collection["kind"])
        self.progress = progress
        self.cid = collection["id"]
        self.dry_run, self.force = dry_run, force
        self.report = SyncReport(collection.get("account") or "", collection["location"],
                                 dry_run, kind=collection["kind"])
        self.suffix = self.kind.suffix
        self.far = FarSide(storage, collection, self.report, self.kind.read)
        self._unsent = False  # a merge made here could not be sent: see ``run``
        self._created = False  # items created there: the listing's token predates them

    # -- reading both sides --------------------------------------------------------------

    def status_rows(self) -> dict[str, dict]:
        return sync_records.status_rows(self.db, self.kind.table, self.cid)

    def fresh(self) -> dict[str, int]:
        """UID -> id of the records new here (no status row)."""
        return sync_records.without_status(self.db, self.kind.table, self.cid)

    def local_changes(self, status: dict[str, dict]) -> tuple[dict[str, str], set[str]]:
        """(item text by UID of owned records changed here since the last sync, UIDs of
        those gone from here)."""
        since = self.collection["synced_operation"]
        touched = self.kind.changed_since(self.db, since) if since is not None else None
        owned = {uid: row for uid, row in status.items() if row["local_id"] is not None}
        gone = {uid for uid, row in owned.items() if row["record_id"] is None}
        candidates = [row["record_id"] for row in owned.values()
                      if row["record_id"] is not None
                      and (touched is None or row["record_id"] in touched)]
        changed = {}
        for _, uid, text in self.kind.texts(self.db, candidates):
            if digest(text) != owned[uid]["local_hash"]:
                changed[uid] = text
        return changed, gone

    # -- the plan ------------------------------------------------------------------------

    def _flush(self) -> None:
        """The far side's writes made durable before a status row says they were made."""
        flush = getattr(self.storage, "flush", None)
        if flush is not None:
            flush()

    def run(self) -> SyncReport:
        db = self.db
        if not self.dry_run:
            self._send_new_first()
        before = self.status_rows()
        listed, cache = self.far.prefetch(before)
        if not self.dry_run:
            self._send_changed_first(before, listed)
        if self.dry_run:
            describe_plan(self.report, *self._compare(before, listed, cache))
            return self.report
        with db.write(f"sync {self.report.account}"):
            # This side is read under the write lock: nothing changes here meanwhile, and
            # every operation before this one is seen by this sync or the next.
            synced = db.operation_id - 1
            now_there = sync_state.collection(db, self.cid)
            if now_there is None:
                return self.report  # the account was removed meanwhile
            if now_there["last_sync"] != self.collection["last_sync"]:
                self.collection = self.far.collection = now_there  # another sync ran
                listed = self.far.listing(self.status_rows())
            status, fetched, remote_gone, local_changed, local_gone, fresh = self._compare(
                self.status_rows(), listed, cache)
            if self.progress is not None:
                self.report.on_item = self.progress(
                    len(fetched) + len(local_changed) + len(local_gone) + len(remote_gone)
                    + len(fresh.keys() - fetched.keys()))
            self._execute(status, fetched, remote_gone, local_changed, local_gone, fresh)
            self._flush()
            from rolodex.dates import now, to_utc_iso

            # A server may leave out of its changes since a token an item created and
            # deleted after it (Xandikos does): after creating items, list it all next time.
            sync_state.mark_synced(db, self.cid, operation=synced, at=to_utc_iso(now()),
                                   token=None if self._created else self.far.token)
            counts = ", ".join(f"{n} {a.replace('_', ' ')}"
                               for a, n in self.report.counts().items() if n)
            journal.describe(db, f"sync {self.report.account}: {counts or 'nothing'}")
            operation = db.operation_id
        # What this sync wrote here, its status rows already say: the next sync need not
        # look at it again (an operation that changed nothing here is gone by now, and its
        # id may be handed out again: then the mark stays before it). Not when a merge
        # made here could not be sent: the next sync must see it as a change here.
        if not self._unsent:
            sync_state.mark_past(db, self.cid, operation)
        return self.report

    def _compare(self, status: dict[str, dict], listed: dict[str, str],
                 cache: dict[str, Any]) -> tuple:
        """Both sides against the status rows, checked by the deletion guards: (status,
        fetched, remote_gone, local_changed, local_gone, fresh)."""
        db = self.db
        fetched, remote_gone = self.far.read(status, listed, cache)
        local_changed, local_gone = self.local_changes(status)
        fresh = self.fresh()
        owned = any(row["local_id"] is not None for row in status.values())
        emptied = None  # as vdirsyncer: one side with nothing left is a mistake, or forced
        if owned and not self.far.listed:
            emptied = self.collection["location"]
        elif owned and not fresh and not sync_records.count(db, self.kind.table):
            emptied = "this rolodex"
        if not self.force:
            check_deletions(status, fetched, remote_gone, local_changed, local_gone,
                            emptied=emptied, noun=self.kind.noun,
                            where=self.collection["location"])
        return status, fetched, remote_gone, local_changed, local_gone, fresh

    # -- doing it ------------------------------------------------------------------------

    def _execute(self, status, fetched, remote_gone, local_changed, local_gone,
                 fresh) -> None:
        db = self.db
        replace: list[tuple[str, Remote, str]] = []  # (uid, remote, action)
        merge: list[tuple[str, Remote, str]] = []
        both: list[tuple[str, Remote, str | None]] = []  # (uid, remote, base)
        for uid, row in status.items():
            remote = fetched.get(uid)
            if remote is not None and remote.foreign:
                self._not_ours(uid, remote)
                continue
            if row["local_hash"] == sync_state.NOT_OURS:
                if remote is not None:  # rewritten there as an item of this kind
                    merge.append((uid, remote, "downloaded"))
                elif uid in remote_gone:
                    sync_state.drop_status(db, self.cid, uid)
                continue
            if row["local_id"] is None:  # followed, not owned
                if remote is not None:
                    merge.append((uid, remote, "updated_here"))
                elif uid in remote_gone:
                    sync_state.drop_status(db, self.cid, uid)
                continue
            if uid in local_gone and row["local_hash"] == sync_state.ERASED:
                self._erase_there(uid, row, listed_etag=remote.etag if remote else None,
                                  gone=uid in remote_gone)
            elif uid in local_gone:
                if remote is not None:
                    merge.append((uid, remote, "restored"))
                elif uid in remote_gone:
                    sync_state.drop_status(db, self.cid, uid)
                else:
                    self._delete_there(uid, row, both)
            elif uid in local_changed:
                if remote is not None:
                    both.append((uid, remote, self._base(uid)))
                elif uid in remote_gone:
                    self._upload(uid, row["record_id"], local_changed[uid], "kept",
                                 "deleted there, changed here: sent again")
                else:
                    self._update_there(uid, row, local_changed[uid], both)
            elif remote is not None:
                replace.append((uid, remote, "updated_here"))
            elif uid in remote_gone:
                self._delete_here(uid, row)
        for uid, remote in fetched.items():
            if uid not in status:
                if remote.foreign:
                    self._not_ours(uid, remote)
                elif uid in fresh or self._adopted(uid, remote, fresh):
                    both.append((uid, remote, None))
                else:
                    merge.append((uid, remote, "downloaded"))
        for _, uid, text in self.kind.texts(self.db, [i for u, i in fresh.items()
                                                      if u not in fetched]):
            self._upload(uid, fresh[uid], text, "uploaded")
        self.kind.bring_in(self.db, self.cid, self.report, merge, "merge")
        self.kind.bring_in(self.db, self.cid, self.report, replace, "replace")
        self._merge_both(both)

    def _adopted(self, uid: str, remote: Remote, fresh: dict[str, int]) -> bool:
        old = self.kind.adopt(self.db, uid, remote, fresh)
        if old is not None:
            fresh[uid] = fresh.pop(old)  # not sent as a second item
        return old is not None

    def _not_ours(self, uid: str, remote: Remote) -> None:
        """An item of another kind: its place remembered, nothing of it read or sent."""
        sync_state.put_status(self.db, self.cid, uid, local_id=None, href=remote.href,
                              etag=remote.etag, local_hash=sync_state.NOT_OURS, base="")

    def _update_there(self, uid: str, row: dict, text: str, both: list) -> None:
        try:
            etag = self.storage.update(row["href"], text.encode("utf-8"), row["etag"])
        except PreconditionFailed:  # changed there meanwhile: fetch again and merge
            again = self.far.fetch_again(row["href"])
            if again is not None:
                both.append((uid, again, self._base(uid)))
            return
        self._remember(uid, row["record_id"], row["href"], etag, text)
        self.report.add("updated_there", uid, self.kind.name(text))

    def _delete_there(self, uid: str, row: dict, both: list) -> None:
        name = self.kind.name(self._base(uid) or "")
        try:
            self.storage.delete(row["href"], row["etag"])
        except PreconditionFailed:
            again = self.far.fetch_again(row["href"])
            if again is not None and again.etag != row["etag"]:  # changed there: it stays
                self.kind.bring_in(self.db, self.cid, self.report, [(uid, again, "restored")],
                                   "merge")
            return  # else unchanged after all: the next sync deletes it again
        sync_state.drop_status(self.db, self.cid, uid)
        self.report.add("deleted_there", uid, name)

    def _erase_there(self, uid: str, row: dict, *, listed_etag: str | None,
                     gone: bool) -> None:
        """A person erased here (``privacy forget``): their item goes there too, changed
        there or not; nothing of it is brought back."""
        if not gone:
            try:
                self.storage.delete(row["href"], listed_etag or row["etag"])
            except PreconditionFailed:
                return  # changed again meanwhile: the next sync tries again
        sync_state.drop_status(self.db, self.cid, uid)
        self.report.add("deleted_there", uid, None, "erased here (privacy forget)")

    def _delete_here(self, uid: str, row: dict) -> None:
        name = self.kind.name(self._base(uid) or "")
        self.kind.delete(self.db, row["record_id"])
        sync_state.drop_status(self.db, self.cid, uid)
        sync_state.drop_conflicts_of(self.db, self.cid, uid)
        self.report.add("deleted_here", uid, name)

    def _base(self, uid: str) -> str | None:
        return sync_state.base_of(self.db, self.cid, uid)

    def _upload(self, uid: str, record_id: int, text: str, action: str,
                note: str | None = None) -> None:
        stem = safe_name(uid)
        for number in range(1, 100):
            name = f"{stem}{'' if number == 1 else f'-{number}'}{self.suffix}"
            try:
                href, etag = self.storage.upload(name, text.encode("utf-8"))
                self._created = True
                break
            except PreconditionFailed:
                continue  # the name is another file's
        else:
            raise PreconditionFailed(f"no free name for {uid} in {self.collection['location']}")
        self._remember(uid, record_id, href, etag, text)
        self.report.add(action, uid, self.kind.name(text), note)

    def _remember(self, uid: str, record_id: int | None, href: str, etag: str,
                  text: str, base: str | None = None) -> None:
        sync_state.put_status(self.db, self.cid, uid, local_id=record_id, href=href,
                              etag=etag, local_hash=digest(text) if record_id else None,
                              base=base if base is not None else text)

    def _merge_both(self, both: list[tuple[str, Remote, str | None]]) -> None:
        """Changed on both sides (or new on both): merged against the base, the result
        written here and sent there."""
        if not both:
            return
        from rolodex.dates import now, to_utc_iso

        db, kind = self.db, self.kind
        uids = [uid for uid, _, _ in both]
        ids = sync_records.ids_by_uid(db, kind.table, uids)
        local = {uid: text for _, uid, text in kind.texts(db, list(ids.values()))}
        merged_items = []
        at = to_utc_iso(now())
        for uid, remote, base in both:
            if uid not in local:
                merged_items.append((uid, remote.data if remote.data is not None
                                     else remote.text, remote.href))
                continue
            merged, clashes = kind.merge(base, local[uid], remote)
            for clash in clashes:
                sync_state.add_conflict(db, self.cid, uid, clash["field"], clash["local"],
                                        clash["remote"], remote.text, at)
                self.report.conflicts.append({"uid": uid, "name": kind.name(local[uid]),
                                              **clash})
            merged_items.append((uid, merged, remote.href))
        kind.replace_here(db, self.report, merged_items)
        ids = sync_records.ids_by_uid(db, kind.table, uids)
        texts = {uid: text for _, uid, text in kind.texts(db, list(ids.values()))}
        for uid, remote, _ in both:
            text = texts.get(uid)
            if text is None:
                continue
            etag, base, pushed = remote.etag, remote.text, False
            if not kind.same(text, remote):
                try:
                    etag = self.storage.update(remote.href, text.encode("utf-8"), remote.etag)
                    base, pushed = text, True
                except PreconditionFailed:  # changed there again: the next sync merges it
                    self._unsent = True
                    continue
            sync_state.put_status(db, self.cid, uid, local_id=ids[uid], href=remote.href,
                                  etag=etag, local_hash=digest(text), base=base)
            if pushed or text != local.get(uid):  # else both sides held the same already
                self.report.add("merged", uid, remote.name, advance=False)
