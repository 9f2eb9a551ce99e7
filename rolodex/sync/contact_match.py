"""Which stored contact an incoming one is: by UID, by a merged contact's UID, by email,
by phone, by profile URL; and when a UID match is someone else altogether.

Matching decides whether an import adds a person or merges into one, so its rules are
written once here for every source (files now, vdir and CardDAV next).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields

from rolodex.models import RECORD_FIELDS, ContactData
from rolodex.normalize import fold, phone_key, url_key
from rolodex.store import lookups
from rolodex.store.db import Database

_UID_NAMESPACE = uuid.UUID("6f1d1c8e-4a59-4d5e-9a57-1c9b0f3f2a10")

# The card of a contact merged into another (``rolodex merge``) is that other contact, and
# is skipped: rolodex keeps one card per contact, so applying it would undo the merge's
# choices on every import, in turn with the card of the contact it was merged into.
MERGED = "the UID of a contact merged into this one"
MERGED_COMPANY = "the UID or name of a company merged into this one"


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
        # The record fields (status, owner...) came later to CSV: left out, so the rows of
        # a file imported before they did keep their UIDs.
        key = repr([getattr(data, f.name) for f in fields(data)
                    if f.name not in ("uid", "extra", *RECORD_FIELDS)])
    return str(uuid.uuid5(_UID_NAMESPACE, key))


@dataclass
class Match:
    """The stored contact an incoming one is, and how it was found (None: by its UID)."""

    id: int
    by: str | None = None


def find(db: Database, data: ContactData, uid: str, fresh: set[int], others: bool = True,
         uids: dict[str, int] | None = None) -> Match | None:
    """The existing contact this one is: by UID (its own, else ``stable_uid``), else by
    email, phone or profile URL.

    Contacts this import created (``fresh``) are never matched by email, phone or URL: two
    cards of one address book are two people even when they share a number. ``others``:
    whether any contact was there before the import; when none was, every such match
    would be a fresh contact, so those lookups are not made at all, and ``uids`` (the UIDs
    of the contacts this import created) knows every contact a UID can find.
    """
    found = uids.get(uid) if uids is not None else lookups.contact_with_uid(db, uid)
    if found is not None:
        return Match(found)
    if not others:
        return None
    merged = lookups.merged_into(db, uid)
    if merged is not None:
        return Match(merged, MERGED)
    for email in data.emails:
        for contact_id in lookups.contacts_by_email(db, email.address):
            if contact_id not in fresh:
                return Match(contact_id, f"email {email.address}")
    for phone in data.phones:
        key = phone_key(phone.number)
        if len(key) >= 6:
            for contact_id in lookups.contacts_by_phone_key(db, key):
                if contact_id not in fresh:
                    return Match(contact_id, f"phone {phone.number}")
    for url in data.urls:
        key = url_key(url.url)
        if key:
            found_ids = [c for c in lookups.contacts_by_url_key(db, key) if c not in fresh]
            if len(found_ids) == 1:  # a page two people share names neither
                return Match(found_ids[0], f"URL {url.url}")
    return None


def someone_else(data: ContactData, current: dict) -> bool:
    """Whether a contact found by UID is another person than the card: the name differs
    and no email or phone is shared. Two address books may hand out the same UID (a
    sequence number, a copied card); merging them would turn one person into another."""
    if fold(data.name) == fold(current["name"]):
        return False
    mine = {fold(e["address"]) for e in current["emails"]}
    if any(fold(e.address) in mine for e in data.emails):
        return False
    numbers = {phone_key(p["number"]) for p in current["phones"]} - {""}
    return not any(phone_key(p.number) in numbers for p in data.phones)
