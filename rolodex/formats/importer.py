"""Importing address books (vCard, CSV) into the store, all or nothing.

One transaction for the whole import; each card runs inside its own savepoint, so a bad
card is skipped (or, with ``strict``, aborts everything) without leaving half of itself
behind. A dry run does all the work and rolls it back, so its summary is exact.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rolodex.errors import FileError, InvalidInput, RolodexError
from rolodex.models import Address, ContactData, Email, Phone, Url
from rolodex.normalize import fold, phone_key
from rolodex.store import cards, contact_queries, contacts, lookups, records
from rolodex.store import details as detail_rows
from rolodex.store.db import Database
from rolodex.store.refs import company_for_contact

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
    """A UID for a card that has none, the same every time the same card is imported:
    made from the whole card when there is one, else from name, email, phone, birthday."""
    from rolodex.formats.vcard import KeptCard

    if isinstance(data.extra, KeptCard):
        key = repr([(p.group, p.name, p.params, p.value) for p in data.extra.props
                    if p.name != "REV"])
    else:
        key = "|".join([fold(data.name), *(e.address.lower() for e in data.emails[:1]),
                        *(p.number for p in data.phones[:1]),
                        data.birthday.iso() if data.birthday else ""])
    return str(uuid.uuid5(_UID_NAMESPACE, key))


def _find(db: Database, data: ContactData, fresh: set[int]) -> tuple[int | None, str | None]:
    """The existing contact this one is: by UID, else by email, else by phone.

    Contacts this import created (``fresh``) are never matched by email or phone: two
    cards of one address book are two people even when they share a number.
    """
    if data.uid and (found := lookups.contact_by_uid(db, data.uid)) is not None:
        return found, None
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


def import_items(db: Database, items: list[Item], *, on_match: str = "update",
                 dry_run: bool = False, strict: bool = False, problems: list[Problem] = (),
                 meaning=None, progress=None) -> Report:
    """Write what was read; ``meaning(record_or_data)`` compares contents (vCard's);
    ``progress()`` is called after each item (a terminal's progress bar)."""
    from rolodex.formats.vcard import meaning as vcard_meaning

    meaning = meaning or vcard_meaning
    if on_match not in ON_MATCH:
        raise InvalidInput(f"--on-match is one of {', '.join(ON_MATCH)}, not '{on_match}'")
    report = Report(dry_run=dry_run, failed=list(problems))
    fresh: set[int] = set()
    if strict and report.failed:
        first = report.failed[0]
        raise FileError(f"{first.source}: card {first.index}, line {first.line}: {first.reason}",
                        hint="nothing was imported (--strict)")
    try:
        with db.write(f"import {len(items)} contacts",
                      backup=None if dry_run else "import"):
            for item in items:
                _one(db, item, report, on_match, strict, meaning, fresh)
                if progress is not None:
                    progress()
            _likely_duplicates(db, report, fresh)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


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


def _one(db: Database, item: Item, report: Report, on_match: str, strict: bool,
         meaning, fresh: set[int]) -> None:
    try:
        with db.savepoint("card"):
            entry = _apply(db, item, on_match, meaning, fresh)
        if entry["action"] == "new" and not entry.get("company"):
            fresh.add(entry["id"])
        getattr(report, entry.pop("action")).append(entry)
    except RolodexError as exc:
        problem = Problem(item.source, item.index, item.line, exc.message)
        if strict:
            raise FileError(f"{item.source}: card {item.index}, line {item.line}: "
                            f"{exc.message}", hint="nothing was imported (--strict)") from exc
        report.failed.append(problem)


def _apply(db: Database, item: Item, on_match: str, meaning, fresh: set[int]
           ) -> dict[str, Any]:
    data = item.data
    entry: dict[str, Any] = {"name": data.name, "source": item.source, "index": item.index}
    if data.is_company:
        return {**entry, **_company(db, data)}
    found, matched_by = _find(db, data, fresh)
    if matched_by:
        entry["matched_by"], entry["matched_id"] = matched_by, found
    if found is not None and matched_by and on_match == "skip":
        return {**entry, "action": "skipped", "id": found}
    if found is None or (matched_by and on_match == "new"):
        return {**entry, "action": "new", "id": _create(db, data, meaning)}
    changed = _update(db, found, data, meaning)
    return {**entry, "action": "updated" if changed else "unchanged", "id": found}


def _kept(data: ContactData) -> dict[str, Any] | None:
    from rolodex.formats.vcard import KeptCard

    if not isinstance(data.extra, KeptCard):
        return None
    return {"version": data.extra.version, "meaning": data.extra.meaning,
            "props": [[p.group, p.name, [[k, v] for k, v in p.params], p.value]
                      for p in data.extra.props]}


def _details(data: ContactData) -> list[Email | Phone | Address | Url]:
    return [*data.emails, *data.phones, *data.addresses, *data.urls]


def _create(db: Database, data: ContactData, meaning) -> int:
    company_id = company_for_contact(db, data.company)[0] if data.company else None
    values = {k: getattr(data, k) for k in (
        "prefix", "first_name", "middle_name", "last_name", "suffix", "nickname", "title",
        "department", "birthday", "anniversary", "notes") if getattr(data, k) is not None}
    contact_id = contacts.add_contact(
        db, data.name, details=_details(data), keep_duplicates=True, tags=data.tags,
        fields=data.fields,
        uid=data.uid or stable_uid(data), company_id=company_id, **values)
    kept = _kept(data)
    if kept:
        cards.keep(db, contact_id, kept)
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
        values["company_id"] = company_for_contact(db, data.company)[0] if data.company \
            else None
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
