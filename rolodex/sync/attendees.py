"""Attendees and organisers of imported iCalendar items as contacts: matched by address,
created when asked (``--create-contacts``), and those new ones that look like a contact
already there."""

from __future__ import annotations

import re
from typing import Any

from rolodex.formats.ical_read import Item, props_of
from rolodex.formats.incoming_text import clean_line, has_control
from rolodex.store import lookups
from rolodex.store.db import Database


class People:
    """Attendees and organisers as contacts: matched by address, created when asked."""

    def __init__(self, db: Database, create: bool, mine: set[str]) -> None:
        self.db, self.create, self.mine = db, create, mine
        self.unknown: list[str] = []
        self.created: list[dict[str, Any]] = []

    def link(self, item: Item) -> tuple[list[int], set[int]]:
        """Contact ids, and the positions of the ATTENDEE properties that became links
        and of the user's own ORGANIZER beside them (those the export writes again; the
        others stay in ``raw``)."""
        from rolodex.models import Email
        from rolodex.store.people import contacts

        found, linked, me = [], set(), set()
        for position, (name, prop) in enumerate(props_of(item.component)):
            address = re.sub(r"(?i)^mailto:", "", str(prop)).strip()
            if name == "ORGANIZER" and address.lower() in self.mine:
                me.add(position)
            if name == "ATTENDEE" and (by_uid := self._by_uid(prop)) is not None:
                found.append(by_uid)  # a card UID rolodex wrote (a history entry's people)
                linked.add(position)
                continue
            if name not in ("ATTENDEE", "ORGANIZER") or "@" not in address \
                    or address.lower() in self.mine or has_control(address):
                continue  # an address with a control character is none: kept in raw only
            label = (clean_line(str(prop.params.get("CN", ""))) or "").strip()
            known = lookups.contacts_by_email(self.db, address)
            if not known and self.create:
                known = [contacts.add_contact(self.db, label or address,
                                              details=[Email(address)])]
                self.created.append({"id": known[0], "name": label or address,
                                     "email": address})
            if not known:
                self.unknown.append(f"{label} <{address}>" if label else address)
                continue
            found.append(known[0])
            if name == "ATTENDEE":
                linked.add(position)
        # The export writes the user as ORGANIZER of any item with linked attendees:
        # that one is modelled too, or a re-import would call the item changed.
        return list(dict.fromkeys(found)), linked | (me if linked else set())

    def _by_uid(self, prop: Any) -> int | None:
        uid = str(getattr(prop, "params", {}).get("X-ROLODEX-UID", "")).strip()
        return lookups.contact_by_uid(self.db, uid) if uid else None


def address_of(person: str) -> str:
    """'Jane <jane@x.org>' or 'jane@x.org' -> jane@x.org: one person, however named."""
    return person.rpartition("<")[2].rstrip(">").lower()


def likely_duplicates(db: Database, new_contacts: list[dict[str, Any]]) -> list[dict]:
    """Those of ``new_contacts`` that look like a contact that was there before (the best
    match each), as the vCard import reports them."""
    from rolodex.store.dedupe.dupes import candidates_for

    fresh = {c["id"] for c in new_contacts}
    out = []
    for contact in new_contacts:
        found = candidates_for(db, contact["id"], exclude=fresh)
        if found:
            best = found[0]
            out.append({
                "name": contact["name"], "id": contact["id"], "duplicate_id": best.a_id,
                "duplicate_name": best.a_name, "score": best.score,
                "reasons": [str(r) for r in best.reasons], "why": best.phrases()})
    return out
