"""Importing address books (vCard, CSV) into the store, all or nothing.

One transaction for the whole import; a bad card is skipped (or, with ``strict``, aborts
everything) without leaving half of itself behind: cards are written in batches under a
savepoint, and a batch in which a card failed half-way is rolled back and written again
card by card, each in its own savepoint (see ``_Writer``). A dry run does all the work and
rolls it back, so its summary is exact. Cards may be read while they are written
(``contact_files``): a file of 100,000 cards is never all in memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from rolodex.errors import FileError, InvalidInput, RolodexError
from rolodex.memory import gc_paused
from rolodex.models import Address, ContactData, Email, Phone, Url, split_name
from rolodex.normalize import fold, phone_key
from rolodex.store import (
    cards,
    contact_queries,
    contacts,
    journal,
    lookups,
    records,
    search,
)
from rolodex.store import details as detail_rows
from rolodex.store.db import Database
from rolodex.store.refs import company_named

ON_MATCH = ("update", "skip", "new")
_UID_NAMESPACE = uuid.UUID("6f1d1c8e-4a59-4d5e-9a57-1c9b0f3f2a10")


@dataclass
class Item:
    """One contact read from a file, with where it came from for messages."""

    data: ContactData
    source: str
    index: int
    line: int


@dataclass
class Problem:
    source: str
    index: int
    line: int
    reason: str


@dataclass
class Report:
    new: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    dry_run: bool = False
    items: int = 0  # contacts read (and so written, skipped or failed)

    def summary(self) -> dict[str, Any]:
        return {"new": len(self.new), "updated": len(self.updated),
                "unchanged": len(self.unchanged), "skipped": len(self.skipped),
                "failed": len(self.failed), "dry_run": self.dry_run,
                "problems": [asdict(p) for p in self.failed],
                "matches": [s for s in self.updated + self.skipped + self.new
                            if s.get("matched_by")],
                "duplicates": self.duplicates}


class _Rollback(Exception):
    """Raised at the end of a dry run to undo everything it did."""


def stable_uid(data: ContactData) -> str:
    """A UID for a card that has none, the same every time the same card is imported, so
    importing a file again finds its contacts again; made from everything the card says
    (a vCard's properties; every field of a CSV row), so two people who share a name are
    never taken for one."""
    from rolodex.formats.vcard import KeptCard

    if isinstance(data.extra, KeptCard):
        key = repr([(p.group, p.name, p.params, p.value) for p in data.extra.props
                    if p.name != "REV"])
    else:
        key = repr([getattr(data, f.name) for f in fields(data)
                    if f.name not in ("uid", "extra")])
    return str(uuid.uuid5(_UID_NAMESPACE, key))


# The card of a contact merged into another (``rolodex merge``) is that other contact, and
# is skipped: rolodex keeps one card per contact, so applying it would undo the merge's
# choices on every import, in turn with the card of the contact it was merged into.
MERGED = "the UID of a contact merged into this one"
MERGED_COMPANY = "the UID or name of a company merged into this one"


def _find(db: Database, data: ContactData, uid: str, fresh: set[int], others: bool = True,
          uids: dict[str, int] | None = None) -> tuple[int | None, str | None]:
    """The existing contact this one is: by UID (its own, else ``stable_uid``), else by
    email, else by phone.

    Contacts this import created (``fresh``) are never matched by email or phone: two
    cards of one address book are two people even when they share a number. ``others``:
    whether any contact was there before the import; when none was, every email or phone
    match would be a fresh contact, so those lookups are not made at all, and ``uids``
    (the UIDs of the contacts this import created) knows every contact a UID can find.
    """
    found = uids.get(uid) if uids is not None else lookups.contact_with_uid(db, uid)
    if found is not None:
        return found, None
    if not others:
        return None, None
    merged = lookups.merged_into(db, uid)
    if merged is not None:
        return merged, MERGED
    for email in data.emails:
        for contact_id in lookups.contacts_by_email(db, email.address):
            if contact_id not in fresh:
                return contact_id, f"email {email.address}"
    for phone in data.phones:
        key = phone_key(phone.number)
        if len(key) >= 6:
            for contact_id in lookups.contacts_by_phone_key(db, key):
                if contact_id not in fresh:
                    return contact_id, f"phone {phone.number}"
    return None, None


def import_items(db: Database, items: Iterable[Item], *, on_match: str = "update",
                 dry_run: bool = False, strict: bool = False, problems: list[Problem] = (),
                 meaning=None, progress=None) -> Report:
    """Write what was read; ``meaning(record_or_data)`` compares contents (vCard's);
    ``progress()`` is called after each item (a terminal's progress bar).

    ``items`` may be read lazily (``ContactFiles``): ``problems`` are the ones met reading
    them, complete once ``items`` is exhausted, and listed before the ones met writing, as
    they always were. With ``strict`` they must be known before (``ContactFiles.scan``).
    """
    from rolodex.formats.vcard import meaning as vcard_meaning

    meaning = meaning or vcard_meaning
    if on_match not in ON_MATCH:
        raise InvalidInput(f"--on-match is one of {', '.join(ON_MATCH)}, not '{on_match}'")
    report = Report(dry_run=dry_run)
    if strict and problems:
        _stop_at(problems[0])
    try:
        # The operation's summary names the count, known once everything is read.
        with db.write("import contacts", backup=None if dry_run else "import"):
            writer = _Writer(db, report, on_match, strict, meaning)
            with search.reindexing_later(db):
                writer.write_all(items, progress)
            if strict and problems:  # read only now: nothing of the import may stay
                _stop_at(problems[0])
            journal.describe(db, f"import {report.items} contacts")
            _likely_duplicates(db, report, writer.fresh)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    report.failed[:0] = problems
    return report


class _Writer:
    """Writes items one after the other, each all or nothing.

    A card that fails must leave nothing of itself behind. A savepoint per card says so
    directly, but costs as much as the card's own writes (SQLite copies every page a
    savepoint touches first, and the search index flushes at each one), so cards are
    written ``BATCH`` at a time under one savepoint instead. A card that fails before it
    wrote anything (an ambiguous company name, the usual failure) needs nothing undone.
    One that fails after writing rewinds its batch, ids and all, and the batch is written
    again card by card, each in its own savepoint, as every import once was: the same rows,
    ids and report either way.
    """

    BATCH = 500
    # From this many cards on, a bigger page cache: SQLite's default 2 MiB holds little of
    # the indexes a big import writes all over, and pages then go back and forth between
    # the cache and the WAL (3 s of system time in 100,000 cards). Small imports keep the
    # default, so they write as they always did.
    BIG = 10_000
    BIG_CACHE_KIB = 32 * 1024

    def __init__(self, db: Database, report: Report, on_match: str, strict: bool,
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
                search.flush_index(db)
                db.release("cards")
                batch = []
                mark = self._begin()
        db.release("cards")

    def one(self, item: Item) -> None:
        """Write one item inside its own savepoint; a failure is reported, not raised."""
        try:
            with self.db.savepoint("card"):
                entry = _apply(self.db, item, self.on_match, self.meaning, self.fresh,
                               self.others, self.uids)
        except RolodexError as exc:
            self._failed(item, exc)
            return
        self._done(entry)

    def _try(self, item: Item) -> bool:
        """Write one item in the open batch; False when it failed after writing (the batch
        must be rewound and written again card by card)."""
        before = self.db.rows_changed
        try:
            entry = _apply(self.db, item, self.on_match, self.meaning, self.fresh,
                           self.others, self.uids)
        except RolodexError as exc:
            if self.db.rows_changed != before and not self.strict:
                return False
            self._failed(item, exc)
            return True
        self._done(entry)
        return True

    def _done(self, entry: dict[str, Any]) -> None:
        uid = entry.pop("uid", None)
        if entry["action"] == "new" and not entry.get("company"):
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


_OUTCOMES = ("new", "updated", "unchanged", "skipped", "failed")


def _stop_at(first: Problem) -> None:
    raise FileError(f"{first.source}: card {first.index}, line {first.line}: {first.reason}",
                    hint="nothing was imported (--strict)")


def _likely_duplicates(db: Database, report: Report, fresh: set[int]) -> None:
    """New contacts that look like one that was there before the import (the best match
    each); new ones are not compared with each other, as in ``_find``."""
    from rolodex.store.dupes import candidates_for

    if db.execute("SELECT count(*) FROM contacts").fetchone()[0] <= len(fresh):
        return  # nobody was there before: nothing to be a duplicate of
    for entry in report.new:
        if entry.get("company"):
            continue
        found = candidates_for(db, entry["id"], exclude=fresh)
        if found:
            best = found[0]
            report.duplicates.append({
                "name": entry["name"], "source": entry["source"], "index": entry["index"],
                "id": entry["id"], "duplicate_id": best.a_id, "duplicate_name": best.a_name,
                "score": best.score, "reasons": [str(r) for r in best.reasons],
                "why": best.phrases()})


def _apply(db: Database, item: Item, on_match: str, meaning, fresh: set[int],
           others: bool = True, uids: dict[str, int] | None = None) -> dict[str, Any]:
    """What became of one item: ``action`` and ``id`` besides the report's keys, and
    ``uid`` for a new contact."""
    data = item.data
    entry: dict[str, Any] = {"name": data.name, "source": item.source, "index": item.index}
    if data.is_company:
        return {**entry, **_company(db, data)}
    if data.extra is None:
        _fill_name_parts(data)
    uid = data.uid or stable_uid(data)
    found, matched_by = _find(db, data, uid, fresh, others, uids)
    if matched_by:
        entry["matched_by"], entry["matched_id"] = matched_by, found
    if matched_by == MERGED:  # see MERGED
        return {**entry, "action": "skipped", "id": found}
    if found is not None and matched_by and on_match == "skip":
        return {**entry, "action": "skipped", "id": found}
    if found is None or (matched_by and on_match == "new"):
        return {**entry, "action": "new", "id": _create(db, data, meaning, uid), "uid": uid}
    changed = _update(db, found, data, meaning)
    return {**entry, "action": "updated" if changed else "unchanged", "id": found}


def _fill_name_parts(data: ContactData) -> None:
    """Give a row without a kept card (CSV) the name parts a new contact gets from its name
    (``add_contact`` splits it): compared with the contact on the next import, a row that
    names only "John Smith" is then unchanged, and never clears the parts split from it."""
    parsed = split_name(" ".join(data.name.split()))
    for key, value in (("prefix", parsed.prefix), ("first_name", parsed.first),
                       ("middle_name", parsed.middle), ("last_name", parsed.last),
                       ("suffix", parsed.suffix)):
        if getattr(data, key) is None:
            setattr(data, key, value)


def _kept(data: ContactData) -> dict[str, Any] | None:
    from rolodex.formats.vcard import KeptCard

    if not isinstance(data.extra, KeptCard):
        return None
    return {"version": data.extra.version, "meaning": data.extra.meaning,
            "props": [[p.group, p.name, [[k, v] for k, v in p.params], p.value]
                      for p in data.extra.props]}


def _details(data: ContactData) -> list[Email | Phone | Address | Url]:
    return [*data.emails, *data.phones, *data.addresses, *data.urls]


def _create(db: Database, data: ContactData, meaning, uid: str) -> int:
    company_id = company_named(db, data.company) if data.company else None
    values = {k: getattr(data, k) for k in (
        "prefix", "first_name", "middle_name", "last_name", "suffix", "nickname", "title",
        "department", "birthday", "anniversary", "notes") if getattr(data, k) is not None}
    contact_id = contacts.add_contact(
        db, data.name, details=_details(data), keep_duplicates=True, tags=data.tags,
        fields=data.fields,
        uid=uid, company_id=company_id, **values)
    kept = _kept(data)
    if kept:
        cards.keep(db, contact_id, kept, new=True)
    for kind, other in data.relations:
        other_id = lookups.contact_by_uid(db, other)
        if other_id is None:
            contacts.link(db, contact_id, kind, other_name=other)
        elif other_id != contact_id:
            contacts.link(db, contact_id, kind, other_id=other_id)
    return contact_id


def _update(db: Database, contact_id: int, data: ContactData, meaning) -> bool:
    """Bring an existing contact up to date with what changed in the source since it was
    last imported (or with everything, the first time); rolodex-side edits to other
    fields stay. Returns False when the source brought nothing new."""
    kept_before = cards.kept(db, [contact_id]).get(contact_id)
    kept_now = _kept(data)
    if kept_before and kept_now and kept_before["props"] == kept_now["props"]:
        return False
    current = contact_queries.fetch(db, [contact_id])[0]
    base = kept_before["meaning"] if kept_before else meaning(current)
    new = meaning(data)
    groups = {g for g in new if new[g] != base.get(g)}
    if not kept_before:
        # First meeting with this source: it adds to what rolodex knows, never erases.
        groups = {g for g in groups if not _empty(new[g])}
    if not groups:
        if kept_now:
            cards.keep(db, contact_id, kept_now)
        return bool(kept_now and kept_before != kept_now)
    _write_groups(db, contact_id, data, groups, current, base)
    if kept_now:
        cards.keep(db, contact_id, kept_now)
    contacts.touch(db, contact_id)
    return True


def _empty(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_empty(v) for v in value)
    if isinstance(value, dict):
        return not value
    return value is None or value == "" or value is False


def _write_groups(db: Database, contact_id: int, data: ContactData, groups: set[str],
                  current: dict, base: dict) -> None:
    values: dict[str, Any] = {}
    if "name" in groups:
        values.update(name=data.name, prefix=data.prefix, first_name=data.first_name,
                      middle_name=data.middle_name, last_name=data.last_name,
                      suffix=data.suffix)
    for group, keys in (("nickname", ("nickname",)), ("title", ("title",)),
                        ("birthday", ("birthday",)), ("anniversary", ("anniversary",)),
                        ("notes", ("notes",))):
        if group in groups:
            values.update({k: getattr(data, k) for k in keys})
    if "org" in groups:
        values["company_id"] = company_named(db, data.company) if data.company else None
        values["department"] = data.department
    if values:
        if "name" in values:
            values.pop("display_name", None)
        contacts.update_contact(db, contact_id, values)
    for group, kind, items in (("emails", Email, data.emails), ("phones", Phone, data.phones),
                               ("addresses", Address, data.addresses),
                               ("urls", Url, data.urls)):
        if group in groups:
            detail_rows.replace(db, contact_id, kind, list(items))
    if "tags" in groups:
        old = set(base.get("tags") or [])
        records.remove_tags(db, "contact", contact_id,
                            [t for t in current["tags"] if t.lower() in old
                             and t.lower() not in {x.lower() for x in data.tags}])
        records.add_tags(db, "contact", contact_id, data.tags)
    if "fields" in groups:
        for key in (base.get("fields") or {}).keys() - data.fields.keys():
            records.set_field(db, "contact", contact_id, key, None)
        for key, value in data.fields.items():
            records.set_field(db, "contact", contact_id, key, value)


def _company(db: Database, data: ContactData) -> dict[str, Any]:
    """A KIND:org card: a company, matched by UID or exact name."""
    from rolodex.store import companies

    found = lookups.company_by_uid_or_name(db, data.uid, fold(data.name))
    if found is None:
        merged = lookups.company_merged_from(db, data.uid, fold(data.name))
        if merged is not None:  # as for a merged contact's card: see MERGED
            return {"action": "skipped", "id": merged, "company": True,
                    "matched_by": MERGED_COMPANY, "matched_id": merged}
    values = {"notes": data.notes,
              "email": data.emails[0].address if data.emails else None,
              "phone": data.phones[0].number if data.phones else None,
              "website": data.urls[0].url if data.urls else None,
              "address": data.addresses[0].one_line() if data.addresses else None}
    values = {k: v for k, v in values.items() if v}
    if found is not None:
        changed = companies.update_company(db, found, values, add_tags=data.tags)
        return {"action": "updated" if changed else "unchanged", "id": found, "company": True}
    company_id = companies.add_company(db, data.name, tags=data.tags, as_card=True,
                                       uid=data.uid or stable_uid(data), **values)
    return {"action": "new", "id": company_id, "company": True}


def sniff_format(name: str, data: bytes) -> str:
    """'vcard', 'csv' or 'ical', from the file name, else from the first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix in (".vcf", ".vcard"):
        return "vcard"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".ics", ".ical", ".ifb"):
        return "ical"
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").upper()
    if head.startswith((b"BEGIN:VCALENDAR", b"BEGIN:VEVENT", b"BEGIN:VTODO")):
        return "ical"
    if head.startswith((b"BEGIN:VCARD", b"BEGIN:VADDRESSBOOK")) or b"BEGIN:VCARD" in head:
        return "vcard"
    return "csv"
