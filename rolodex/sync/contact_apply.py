"""What one incoming contact becomes: created, merged into the contact it is (see
``contact_match``), skipped, or held back as a conflict; or a company (KIND:org cards).
How a matched contact changes is ``contact_merge``'s; ``apply`` runs these for a whole
import, in batches and savepoints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rolodex.models import RECORD_FIELDS, Address, ContactData, Email, Phone, Url, split_name
from rolodex.normalize import fold
from rolodex.store import lookups
from rolodex.store.db import Database
from rolodex.store.people import cards, contact_queries, contacts
from rolodex.store.refs import company_named
from rolodex.sync import contact_merge
from rolodex.sync.card_dates import apply_dates
from rolodex.sync.contact_match import MERGED, MERGED_COMPANY, find, someone_else, stable_uid
from rolodex.sync.group_apply import apply_group

if TYPE_CHECKING:
    from rolodex.formats.incoming import Item

# --on-match: what happens to a card that matches a stored contact ("update" is the name
# "merge" had before it stopped erasing; it still means merge).
ON_MATCH = ("merge", "replace", "skip", "new")
ALIASES = {"update": "merge"}


def apply_item(db: Database, item: Item, on_match: str, meaning, fresh: set[int],
               others: bool = True, uids: dict[str, int] | None = None) -> dict[str, Any]:
    """What became of one item: ``action`` and ``id`` besides the report's keys, ``uid``
    for a new contact, ``changes`` for a matched one."""
    data = item.data
    entry: dict[str, Any] = {"name": data.name, "source": item.source, "index": item.index}
    if data.is_company:
        return {**entry, **_company(db, data, on_match)}
    if data.extra is None:
        _fill_name_parts(data)
    uid = data.uid or stable_uid(data)
    if data.is_group:
        return {**entry, **apply_group(db, data, uid)}
    match = find(db, data, uid, fresh, others, uids)
    if match is not None and match.by:
        entry["matched_by"], entry["matched_id"] = match.by, match.id
    if match is None or (match.by and on_match == "new"):
        return {**entry, "action": "new", "id": _create(db, data, uid), "uid": uid}
    if match.by == MERGED or (match.by and on_match == "skip"):  # see MERGED
        return {**entry, "action": "skipped", "id": match.id}
    return {**entry, **_update(db, match.id, data, meaning, on_match, by_uid=not match.by)}


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


def _create(db: Database, data: ContactData, uid: str) -> int:
    company_id = company_named(db, data.company) if data.company else None
    values = {k: getattr(data, k) for k in (
        "prefix", "first_name", "middle_name", "last_name", "suffix", "nickname", "title",
        "department", "birthday", "anniversary", "notes", *RECORD_FIELDS)
        if getattr(data, k) is not None}
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


def _update(db: Database, contact_id: int, data: ContactData, meaning, on_match: str, *,
            by_uid: bool) -> dict[str, Any]:
    """Merge (or replace) a matched contact with the card: ``action`` is updated,
    unchanged, or skipped when the UID names someone else; ``changes`` says what changed
    and what conflicted."""
    kept_before = cards.kept(db, [contact_id]).get(contact_id)
    kept_now = _kept(data)
    if on_match != "replace" and kept_before and kept_now \
            and kept_before["props"] == kept_now["props"]:
        return {"action": "unchanged", "id": contact_id}  # the same card as last time
    record = contact_queries.fetch(db, [contact_id])[0]
    if by_uid and someone_else(data, record):
        return {"action": "skipped", "id": contact_id, "changes": [contact_merge.Change(
            "conflict", "identity", data.name, record["name"]).as_dict()],
                "conflict": f"its UID is that of #{contact_id} {record['name']}, who shares "
                            "no name, email or phone with it"}
    current, new = meaning(record), meaning(data)
    if on_match == "replace":
        changes = contact_merge.replace(db, contact_id, data, record, current, new)
    else:
        base = kept_before["meaning"] if kept_before else None
        changes = contact_merge.merge(db, contact_id, data, record, current, new, base,
                                      by_uid=by_uid)
    applied = any(c.action != "conflict" for c in changes)
    card_changed = kept_now is not None and _unmodelled(kept_now) != _unmodelled(kept_before)
    if kept_now and kept_now != kept_before:
        cards.keep(db, contact_id, kept_now)
    if applied:
        contacts.touch(db, contact_id)
    return {"action": "updated" if applied or card_changed else "unchanged",
            "id": contact_id, "changes": [c.as_dict() for c in changes]}


def _unmodelled(kept: dict[str, Any] | None) -> list:
    """The properties of a kept card that rolodex does not model (a PHOTO, X- lines): a
    card that changed only there still changes what export writes."""
    from rolodex.formats.vcard import GROUP_OF

    return [p for p in (kept or {}).get("props", ()) if GROUP_OF.get(p[1]) is None
            and p[1] not in ("REV", "PRODID", "VERSION")]


def _company(db: Database, data: ContactData, on_match: str) -> dict[str, Any]:
    """A KIND:org card: a company, matched by UID or exact name; merged as a contact is
    (a field the company has keeps its value, a differing one is a conflict)."""
    from rolodex.store.people import companies

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
        if on_match == "skip":
            return {"action": "skipped", "id": found, "company": True}
        old = companies.get_row(db, found)
        if on_match == "replace":  # the card as it is now: renamed, fields and tags gone
            return _replace_company(db, found, old, data, values)
        changes = [contact_merge.Change("conflict", key, value, old[key])
                   for key, value in values.items()
                   if on_match != "replace" and old[key] and old[key] != value]
        values = {k: v for k, v in values.items()
                  if on_match == "replace" or not old[k]}
        changes += [contact_merge.Change("set", k, v, old[k]) for k, v in values.items()
                    if old[k] != v]
        changed = companies.update_company(db, found, values, add_tags=data.tags)
        return {"action": "updated" if changed else "unchanged", "id": found, "company": True,
                "changes": [c.as_dict() for c in changes]}
    company_id = companies.add_company(db, data.name, tags=data.tags, as_card=True,
                                       uid=data.uid or stable_uid(data), **values)
    return {"action": "new", "id": company_id, "company": True}


def _replace_company(db: Database, company_id: int, old: Any, data: ContactData,
                     values: dict[str, Any]) -> dict[str, Any]:
    """A company made what its card says (a synced card changed on the far side): its
    name too when the card is its own (same UID), a field the card lacks cleared, a tag
    it lacks removed. The fields a card does not carry (domain, industry, kind, custom
    fields) are left alone."""
    from rolodex.store.people import companies
    from rolodex.store.records import tags_of

    values = {"email": None, "phone": None, "website": None, "address": None,
              "notes": None, **values}
    if data.uid and data.uid == old["uid"] and data.name.strip():
        values["name"] = data.name
    had = tags_of(db, "company", [company_id])[company_id]
    wanted = {fold(t) for t in data.tags}
    changes = [contact_merge.Change("set", k, v, old[k]) for k, v in values.items()
               if old[k] != v]
    changed = companies.update_company(
        db, company_id, values, add_tags=data.tags,
        remove_tags=[t for t in had if fold(t) not in wanted])
    return {"action": "updated" if changed else "unchanged", "id": company_id,
            "company": True, "changes": [c.as_dict() for c in changes]}
