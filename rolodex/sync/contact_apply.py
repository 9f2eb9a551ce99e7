"""What one imported item becomes: the contact it is (by UID, its own or the one rolodex
made for it; by email; by phone), created, brought up to date, or skipped; or a company
(KIND:org cards). ``importer`` runs these for a whole file, in batches and savepoints."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from rolodex.models import Address, ContactData, Email, Phone, Url, split_name
from rolodex.normalize import fold, phone_key
from rolodex.store import cards, contact_queries, contacts, lookups, records
from rolodex.store import details as detail_rows
from rolodex.store.db import Database
from rolodex.store.refs import company_named
from rolodex.sync.card_dates import apply_dates
from rolodex.sync.group_apply import apply_group

if TYPE_CHECKING:
    from rolodex.formats.incoming import Item

_UID_NAMESPACE = uuid.UUID("6f1d1c8e-4a59-4d5e-9a57-1c9b0f3f2a10")


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


def apply_item(db: Database, item: Item, on_match: str, meaning, fresh: set[int],
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
    if data.is_group:
        return {**entry, **apply_group(db, data, uid)}
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
    apply_dates(db, contact_id, data)
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
    apply_dates(db, contact_id, data, groups)


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
