"""Writing incoming contacts one after the other, each all or nothing, fast.

``apply`` hands a whole import's contacts to a ``Writer`` inside its transaction; what
becomes of each one is ``contact_apply``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rolodex.errors import FileError, RolodexError
from rolodex.formats.incoming import Item, Problem
from rolodex.memory import gc_paused
from rolodex.store import lookups
from rolodex.store.db import Database
from rolodex.sync.contact_apply import apply_item
from rolodex.sync.report import ContactReport


class Writer:
    """Writes items one after the other, each all or nothing.

    A card that fails must leave nothing of itself behind. A savepoint per card says so
    directly, but costs as much as the card's own writes (SQLite copies every page a
    savepoint touches first, and the search index flushes at each one), so cards are
    written ``BATCH`` at a time under one savepoint instead. A card that fails before it
    wrote anything (an ambiguous company name, the usual failure) needs nothing undone.
    One that fails after writing rewinds its batch, ids and all, and the batch is written
    again card by card, each in its own savepoint, as every import once was: the same rows,
    ids and report either way.

    The search index is written once, when ``apply``'s ``reindexing_later`` ends: nothing
    an import does reads it, and FTS5 writes a segment of its index at every savepoint
    that touched it, so rows written batch by batch cost more to write and to merge.
    """

    BATCH = 500
    # From this many cards on, a bigger page cache: SQLite's default 2 MiB holds little of
    # the indexes a big import writes all over, and pages then go back and forth between
    # the cache and the WAL (3 s of system time in 100,000 cards). Small imports keep the
    # default, so they write as they always did.
    BIG = 10_000
    BIG_CACHE_KIB = 32 * 1024

    def __init__(self, db: Database, report: ContactReport, on_match: str, strict: bool,
                 meaning) -> None:
        self.db, self.report, self.on_match = db, report, on_match
        self.strict, self.meaning = strict, meaning
        self.fresh: set[int] = set()
        self.others = lookups.any_contact(db)
        # Into an empty database, the UIDs of the contacts created so far are all there is
        # to find by UID: a dict answers without a query.
        self.uids: dict[str, int] | None = None if self.others else {}
        self.added: list[tuple[int, str]] = []  # (id, uid) of the new contacts of a batch

    def write_all(self, items: Iterable[Item], progress=None) -> None:
        cache_before: list[int] = []
        # Each card's objects are freed as soon as it is written, and none is in a cycle;
        # but the report grows by one entry a card, and the cyclic collector would walk
        # all of them again and again (2.5 s of 100,000 cards). Off while writing.
        try:
            with gc_paused():
                self._write_all(items, progress, cache_before)
        finally:
            for kib in cache_before:
                self.db.cache_size(kib)

    def _write_all(self, items: Iterable[Item], progress, cache_before: list[int]) -> None:
        db, report = self.db, self.report
        batch: list[Item] = []
        mark = self._begin()
        for item in items:
            report.items += 1
            if report.items == self.BIG:
                cache_before.append(db.cache_size(max(self.BIG_CACHE_KIB, db.cache_size())))
            batch.append(item)
            if not self._try(item):
                self._restore(mark)
                for again in batch:
                    self.one(again)
                batch = []
            if progress is not None:
                progress()
            if len(batch) >= self.BATCH or not batch:
                db.release("cards")
                batch = []
                mark = self._begin()
        db.release("cards")

    def one(self, item: Item) -> None:
        """Write one item inside its own savepoint; a failure is reported, not raised."""
        try:
            with self.db.savepoint("card"):
                entry = apply_item(self.db, item, self.on_match, self.meaning, self.fresh,
                               self.others, self.uids)
        except RolodexError as exc:
            self._failed(item, exc)
            return
        self._done(entry, item)

    def _try(self, item: Item) -> bool:
        """Write one item in the open batch; False when it failed after writing (the batch
        must be rewound and written again card by card)."""
        before = self.db.rows_changed
        try:
            entry = apply_item(self.db, item, self.on_match, self.meaning, self.fresh,
                           self.others, self.uids)
        except RolodexError as exc:
            if self.db.rows_changed != before and not self.strict:
                return False
            self._failed(item, exc)
            return True
        self._done(entry, item)
        return True

    def _done(self, entry: dict[str, Any], item: Item) -> None:
        if entry["action"] != "skipped":
            self.report.add_invalid(item)
        uid = entry.pop("uid", None)
        if entry["action"] == "new" and not (entry.get("company") or entry.get("group")):
            self.fresh.add(entry["id"])
            self.added.append((entry["id"], uid))
            if self.uids is not None:
                self.uids[uid] = entry["id"]
        getattr(self.report, entry.pop("action")).append(entry)

    def _failed(self, item: Item, exc: RolodexError) -> None:
        if self.strict:  # the whole transaction is rolled back: nothing to undo here
            raise FileError(f"{item.source}: card {item.index}, line {item.line}: "
                            f"{exc.message}", hint="nothing was imported (--strict)") from exc
        self.report.failed.append(Problem(item.source, item.index, item.line, exc.message))

    def _begin(self) -> tuple:
        """Open a batch: the savepoint, and what the report and ids were at its start."""
        self.added = []
        return (self.db.begin_savepoint("cards"),
                *(len(getattr(self.report, name)) for name in _OUTCOMES))

    def _restore(self, mark: tuple) -> None:
        next_ids, *lengths = mark
        self.db.rewind("cards", next_ids)
        for contact_id, uid in self.added:
            self.fresh.discard(contact_id)
            if self.uids is not None:
                self.uids.pop(uid, None)
        self.added = []
        for name, length in zip(_OUTCOMES, lengths, strict=True):
            del getattr(self.report, name)[length:]


_OUTCOMES = ("new", "updated", "unchanged", "skipped", "failed", "invalid")


def likely_duplicates(db: Database, report: ContactReport, fresh: set[int]) -> None:
    """New contacts that look like one that was there before the import (the best match
    each); new ones are not compared with each other, as in ``_find``."""
    from rolodex.store.dedupe.dupes import candidates_for

    if db.execute("SELECT count(*) FROM contacts").fetchone()[0] <= len(fresh):
        return  # nobody was there before: nothing to be a duplicate of
    for entry in report.new:
        if entry.get("company") or entry.get("group"):
            continue
        found = candidates_for(db, entry["id"], exclude=fresh)
        if found:
            best = found[0]
            report.duplicates.append({
                "name": entry["name"], "source": entry["source"], "index": entry["index"],
                "id": entry["id"], "duplicate_id": best.a_id, "duplicate_name": best.a_name,
                "score": best.score, "reasons": [str(r) for r in best.reasons],
                "why": best.phrases()})
