"""Contacts as a kind of synced record: vCards, one per person, read through ``apply``
and merged field by field (``contact_3way``). What the engine asks of every kind (see
``sync_kinds.Kind``), answered for an address book. Its company and group cards are the
``companies`` and ``groups`` collections' (``kind_cards``): foreign here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rolodex.store import sync_records, sync_state
from rolodex.store.db import Database
from rolodex.sync.bring_in import apply_remote, bring_in
from rolodex.sync.far_side import Remote
from rolodex.sync.storage import Item
from rolodex.sync.sync_report import SyncReport, card_name, digest, parse_card
from rolodex.sync.vdir import CARD_KINDS, record_uids


class Contacts:
    """The contacts of an address book (a CardDAV collection or a folder of .vcf)."""

    table = "contacts"
    noun = "contacts"
    suffix = ".vcf"
    dav_kind = "addressbook"

    def read(self, item: Item) -> tuple[str, Remote] | str:
        uids = record_uids(item.data, CARD_KINDS)
        data = parse_card(item.data, item.href) if len(uids) == 1 else None
        if data is None:
            return "not one readable vCard with a UID"
        uid = uids.pop().decode("utf-8", "replace")
        data.uid = uid
        text = item.data.decode("utf-8", "replace")
        if data.is_company or data.is_group:
            return uid, Remote(item.href, item.etag, text, None, data.name, foreign=True)
        return uid, Remote(item.href, item.etag, text, data, data.name)

    def texts(self, db: Database, ids: list[int]) -> Iterator[tuple[int, str, str]]:
        from rolodex.sync.contact_export import contact_cards

        return contact_cards(db, ids)

    def changed_since(self, db: Database, operation: int) -> set[int]:
        return sync_state.contacts_changed_since(db, operation)

    def name(self, text: str) -> str | None:
        return card_name(text)

    def adopt(self, db: Database, uid: str, remote: Remote,
              fresh: dict[str, int]) -> str | None:
        """A contact new here that a card new there is (by email, phone or profile URL,
        as an import matches) takes the card's UID: one file per person, the other
        program's UID kept. Its old UID, or None."""
        from rolodex.sync.contact_match import MERGED, find

        match = find(db, remote.data, uid, set())
        if match is None or not match.by or match.by == MERGED \
                or match.id not in set(fresh.values()):
            return None
        return sync_records.adopt_uid(db, self.table, match.id, uid)

    def delete(self, db: Database, record_id: int) -> None:
        from rolodex.store.people import contacts

        contacts.delete_contact(db, record_id)

    def bring_in(self, db: Database, cid: int, report: SyncReport,
                 items: list[tuple[str, Remote, str]], on_match: str) -> None:
        bring_in(db, cid, report, items, on_match)

    def merge(self, base: str | None, local: str, remote: Remote
              ) -> tuple[Any, list[dict[str, Any]]]:
        """(the merged contact, the conflicts: field, local, remote)."""
        merged, clashes, _ = merge_cards(base, local, remote)
        return merged, clashes

    def replace_here(self, db: Database, report: SyncReport | None,
                     items: list[tuple[str, Any, str]]) -> None:
        """(uid, merged, source) items written over what rolodex holds."""
        apply_remote(db, report or SyncReport("", ""), items, "replace")

    def same(self, text: str, remote: Remote) -> bool:
        from rolodex.formats.vcard import meaning

        now_here = parse_card(text.encode("utf-8"), remote.data.uid)
        return now_here is not None and meaning(now_here) == meaning(remote.data)

    def take(self, local: str, uid: str, theirs: list[tuple[str, str]]) -> Any:
        """The local contact with each (remote card, field) pair's value taken: ``sync
        conflicts --prefer remote``. None when the local card cannot be read."""
        from rolodex.sync.contact_3way import take

        mine = parse_card(local.encode("utf-8"), uid)
        for remote_text, field in theirs:
            other = parse_card(remote_text.encode("utf-8"), uid)
            if mine is not None and other is not None:
                take(mine, other, field)
        return mine

    @staticmethod
    def source(text: str) -> str:
        return f"conflict {digest(text)[:8]}"


def merge_cards(base: str | None, local: str, remote: Remote
                ) -> tuple[Any, list[dict[str, Any]], Any]:
    """A card changed on both sides merged against ``base`` (None: new on both): (the
    merged card, the conflicts, this side's card read back; None when it cannot be read,
    and the far side's card is taken)."""
    from rolodex.sync.contact_3way import three_way

    uid = remote.data.uid
    mine = parse_card(local.encode("utf-8"), uid)
    if mine is None:
        return remote.data, [], None
    was = parse_card(base.encode("utf-8"), uid) if base else None
    merged, clashes = three_way(was, mine, remote.data)
    merged.uid = uid
    return merged, clashes, mine
