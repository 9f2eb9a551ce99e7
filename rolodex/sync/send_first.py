"""The part of a sync done before the database's write lock is taken: sending what only
this side changed, when there is a lot of it. A first sync sends thousands of new records,
and a sync after a bulk edit thousands of changed ones, one request each; every other
rolodex command (a cron job, the user's shell) would wait on the lock meanwhile and give
up after the busy timeout. Each batch sent is remembered in a short transaction of its own
(status rows only: nothing here changes), so the locked pass finds those records synced;
one edited or deleted meanwhile is a change here like any other, and a sync killed
between sending and remembering is settled by the next one (by UID, or by the ETag the
item now has). Deletions wait for the locked pass: the mass-deletion guard sees them first.

A mixin of ``engine.CollectionSync``, whose methods and attributes it uses.
"""

from __future__ import annotations

from rolodex.store import sync_state
from rolodex.sync.storage import PreconditionFailed
from rolodex.sync.vdir import safe_name

# From this many records new (or changed) here, they are sent before the write lock.
SEND_FIRST_MIN = 50
SEND_FIRST_BATCH = 200  # records sent between two short transactions remembering them


class SendsFirst:
    def _send_new_first(self) -> None:
        """Records new here go out before the write lock is taken: a first sync sends
        thousands, one request each, and every other rolodex command (a cron job, the
        user's shell) would wait on the lock meanwhile and give up after the busy timeout.
        Each batch sent is remembered in a short transaction of its own (status rows only),
        so the locked pass finds them synced; one edited or deleted meanwhile is a change
        here like any other; a sync killed between sending and remembering is settled by
        the next one by UID. Not while the far side has items new to this sync: one may
        be a record new here (``Kind.adopt``), which must not be sent as a second."""
        fresh = self.fresh()
        if len(fresh) < SEND_FIRST_MIN:
            return
        status = self.status_rows()
        known = {row["href"] for row in status.values()}
        if self.far.listing(status).keys() - known:
            return
        if self.progress is not None:
            self.report.on_item = self.progress(len(fresh))
        sent: list[tuple[str, int, str, str, str]] = []
        for record_id, uid, text in self.kind.texts(self.db, list(fresh.values())):
            try:
                href, etag = self.storage.upload(f"{safe_name(uid)}{self.suffix}",
                                                 text.encode("utf-8"))
            except PreconditionFailed:
                continue  # the name is taken there: the locked pass finds another
            self._created = True
            sent.append((uid, record_id, href, etag, text))
            self.report.add("uploaded", uid, self.kind.name(text))
            if len(sent) >= SEND_FIRST_BATCH:
                self._remember_sent(sent)
        self._remember_sent(sent)
        self.report.on_item = None

    def _send_changed_first(self, status: dict[str, dict], listed: dict[str, str]) -> None:
        """Records changed here whose item is unchanged there (listed with the ETag last
        synced) go out before the lock, as new ones do, and ``listed`` takes their new
        ETags. An item changed there meanwhile answers 412: the locked pass fetches and
        merges it."""
        owned = {uid: row for uid, row in status.items() if row["local_id"] is not None
                 and row["local_hash"] not in (sync_state.ERASED, sync_state.NOT_OURS)}
        if len(owned) < SEND_FIRST_MIN:
            return
        changed, _ = self.local_changes(status)
        ready = {uid: text for uid, text in changed.items()
                 if uid in owned and listed.get(owned[uid]["href"]) == owned[uid]["etag"]}
        if len(ready) < SEND_FIRST_MIN:
            return
        if self.progress is not None:
            self.report.on_item = self.progress(len(ready))
        sent: list[tuple[str, int, str, str, str]] = []
        for uid, text in ready.items():
            row = owned[uid]
            try:
                etag = self.storage.update(row["href"], text.encode("utf-8"), row["etag"])
            except PreconditionFailed:
                continue  # changed there meanwhile: the locked pass merges it
            listed[row["href"]] = etag
            sent.append((uid, row["record_id"], row["href"], etag, text))
            self.report.add("updated_there", uid, self.kind.name(text))
            if len(sent) >= SEND_FIRST_BATCH:
                self._remember_sent(sent)
        self._remember_sent(sent)
        self.report.on_item = None

    def _remember_sent(self, sent: list[tuple[str, int, str, str, str]]) -> None:
        if not sent:
            return
        self._flush()
        with self.db.transaction():
            for uid, record_id, href, etag, text in sent:
                self._remember(uid, record_id, href, etag, text)
        sent.clear()

