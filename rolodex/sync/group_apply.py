"""Group cards into groups: vCard 4 ``KIND:group`` with ``MEMBER``, Apple's
``X-ADDRESSBOOKSERVER-KIND:group`` with ``X-ADDRESSBOOKSERVER-MEMBER``.

A group is a tag named after the group on each member, plus a ``contact_groups`` row
with its UID and card. Members may come before or after their group in a file, or in
another file: ``apply_group`` records which members a card adds (``pending``), and
``resolve_members``, run once every item of an import is applied, tags them; members no
contact answers to are kept (``missing``), written back on export, and found by a later
import. A group card seen again unchanged changes nothing, so a member the user untagged
stays out until the card itself changes.
"""

from __future__ import annotations

from typing import Any

from rolodex.formats.vcard_group import member_uid
from rolodex.models import ContactData, clean_tag
from rolodex.store import lookups
from rolodex.store.db import Database
from rolodex.store.people import contact_groups, contacts


def group_tag(name: str) -> str:
    """The tag that holds a group's members: its name as a tag is written from CATEGORIES
    (so a category and a group of one name are one), never starting with - or @."""
    return clean_tag(name).lstrip("-@") or "group"


def _card(data: ContactData) -> tuple[str | None, list | None]:
    from rolodex.formats.vcard import KeptCard

    if not isinstance(data.extra, KeptCard):
        return None, None
    return data.extra.version, [[p.group, p.name, [[k, v] for k, v in p.params], p.value]
                                for p in data.extra.props]


def apply_group(db: Database, data: ContactData, uid: str) -> dict[str, Any]:
    """One group card: a new group, or the group with its UID brought up to date."""
    version, props = _card(data)
    tag = group_tag(data.name)
    found = contact_groups.by_uid(db, uid)
    if found is None:
        group_id = contact_groups.add(db, {
            "uid": uid, "name": data.name, "tag": tag, "members": data.members,
            "missing": [], "pending": data.members, "version": version, "props": props})
        return {"action": "new", "id": group_id, "group": True}
    if (found["version"], found["props"], found["name"]) == (version, props, data.name):
        return {"action": "unchanged", "id": found["id"], "group": True}
    old, listed = set(found["members"]), set(data.members)  # sets: a group may be big
    gone = [m for m in found["members"] if m not in listed]
    gone_set = set(gone)
    # A member the card no longer lists leaves the group, as a category a card dropped.
    for member in gone:
        contact_id = _member(db, member)
        if contact_id is not None:
            contacts.tag(db, [contact_id], [found["tag"]], remove=True)
    if tag.lower() != found["tag"].lower():  # renamed: the members follow
        for contact_id in contact_groups.tagged_ids(db, found["tag"]):
            contacts.tag(db, [contact_id], [found["tag"]], remove=True)
            contacts.tag(db, [contact_id], [tag])
    pending = list(dict.fromkeys(found["pending"] + [m for m in data.members
                                                     if m not in old]))
    contact_groups.update(db, found["id"], {
        "name": data.name, "tag": tag, "members": data.members,
        "missing": [m for m in found["missing"] if m not in gone_set],
        "pending": [m for m in pending if m not in gone_set], "version": version,
        "props": props})
    return {"action": "updated", "id": found["id"], "group": True}


def resolve_members(db: Database) -> None:
    """Tag the members group cards of this import added, and any member missing so far
    that a contact now answers to; the rest stay missing, in the card's order."""
    for group in contact_groups.with_work(db):
        todo = list(dict.fromkeys(group["pending"] + group["missing"]))
        missing = []
        for member in todo:
            contact_id = _member(db, member)
            if contact_id is None:
                missing.append(member)
            else:
                contacts.tag(db, [contact_id], [group["tag"]])
        order = {m: n for n, m in enumerate(group["members"])}
        missing.sort(key=lambda m: order.get(m, len(order)))
        contact_groups.update(db, group["id"], {"pending": [], "missing": missing})


def _member(db: Database, member: str) -> int | None:
    """The contact a MEMBER names: by the UID it gives (with or without ``urn:uuid:``, as
    some cards' UID property carries it too; a UUID in either case, RFC 4122 says case
    does not matter), or the contact merged from it; a ``mailto:`` member by its email."""
    if member[:7].lower() == "mailto:":
        found = lookups.contacts_by_email(db, member[7:])
        return found[0] if found else None
    uid = member_uid(member)
    for candidate in dict.fromkeys((uid, member, uid.lower(), uid.upper())):
        found = lookups.contact_by_uid(db, candidate)
        if found is not None:
            return found
    return None


def member_uids(db: Database, members: list[str]) -> dict[str, str]:
    """The UID of the contact each member names now (members nobody answers to left
    out), so an export writes a member as its card listed it while it is still one."""
    out = {}
    for member in members:
        contact_id = _member(db, member)
        if contact_id is not None:
            out[member] = contacts.get_row(db, contact_id)["uid"]
    return out
