"""Companies and contact groups as kinds of synced record: the KIND:org and KIND:group
cards of an address book, each kind a collection of its own at the address book's
location beside the contacts one (which leaves these cards to them).

A card comes in through ``apply`` as an import brings it (``contact_apply._company``,
``group_apply``) and goes out as ``rolodex export`` writes it (``contact_export``): sync
is their second caller, not a second importer. A company merges field by field as a
person does (``contact_3way``); a group merges its members one by one.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from rolodex.models import ContactData
from rolodex.normalize import fold
from rolodex.store import settings, sync_records, sync_state
from rolodex.store.db import Database
from rolodex.sync.bring_in import apply_remote
from rolodex.sync.far_side import Remote
from rolodex.sync.kind_contacts import Contacts, merge_cards
from rolodex.sync.storage import Item
from rolodex.sync.sync_report import SyncReport, card_name, digest, parse_card
from rolodex.sync.vdir import CARD_KINDS, record_uids


class _Cards:
    """What companies and groups share: vCards in an address book, one kind of them
    owned (``_ours``), the others foreign (a person, the other kind, an unreadable file:
    the contacts collection reports those)."""

    suffix = ".vcf"
    dav_kind = "addressbook"
    flag = ""  # the key ``apply`` marks an entry of this kind with

    def _ours(self, data: ContactData) -> bool:
        raise NotImplementedError

    def read(self, item: Item) -> tuple[str, Remote] | str:
        text = item.data.decode("utf-8", "replace")
        uids = record_uids(item.data, CARD_KINDS)
        upper = item.data.upper()
        # A person's card says neither: not parsed again here (the contacts collection
        # parses it), so a big address book costs its companies and groups little.
        marked = b"KIND" in upper or b"X-ABSHOWAS" in upper
        data = parse_card(item.data, item.href) if len(uids) == 1 and marked else None
        uid = uids.pop().decode("utf-8", "replace") if len(uids) == 1 else item.href
        if data is None or not self._ours(data):
            return uid, Remote(item.href, item.etag, text, None, card_name(text),
                               foreign=True)
        data.uid = uid
        return uid, Remote(item.href, item.etag, text, data, data.name)

    def name(self, text: str) -> str | None:
        return card_name(text)

    def bring_in(self, db: Database, cid: int, report: SyncReport,
                 items: list[tuple[str, Remote, str]], on_match: str) -> None:
        """Through ``apply``; an item that became a record of another UID (a company of
        that name) is followed, not owned."""
        if not items:
            return
        entries = apply_remote(db, report, [(uid, r.data, r.href) for uid, r, _ in items],
                               on_match)
        ids = [e["id"] for e in entries.values() if e.get(self.flag)]
        for uid, remote, _ in items:
            entry = entries.get(remote.href)
            if entry and entry.get(self.flag) and entry.get("action") != "skipped":
                self._tie(db, entry["id"], uid)
        texts = {uid: (record_id, text) for record_id, uid, text in self.texts(db, ids)}
        for uid, remote, action in items:
            record_id, text = texts.get(uid, (None, None))
            sync_state.put_status(db, cid, uid, local_id=record_id, href=remote.href,
                                  etag=remote.etag,
                                  local_hash=digest(text) if text is not None else None,
                                  base=remote.text)
            report.add(action, uid, remote.name, advance=False)

    def _tie(self, db: Database, record_id: int, uid: str) -> None:
        """A card that came in as a record of another UID: see ``Companies``."""

    def replace_here(self, db: Database, report: SyncReport | None,
                     items: list[tuple[str, Any, str]]) -> None:
        apply_remote(db, report or SyncReport("", ""), items, "replace")

    source = staticmethod(Contacts.source)


class Companies(_Cards):
    """The companies of an address book: KIND:org cards (X-ABShowAs:COMPANY in 3.0)."""

    table = "companies"
    noun = "companies"
    flag = "company"

    def _ours(self, data: ContactData) -> bool:
        return data.is_company

    def texts(self, db: Database, ids: list[int]) -> Iterator[tuple[int, str, str]]:
        from rolodex.formats.vcard_lines import write_card
        from rolodex.formats.vcard_write import company_props
        from rolodex.store.people import companies

        version = settings.get(db, "vcard.version")
        for company in companies.fetch(db, ids):
            yield company["id"], company["uid"], write_card(version,
                                                            company_props(company, version))

    def changed_since(self, db: Database, operation: int) -> set[int]:
        return sync_records.changed_since(db, self.table, operation)

    def _tie(self, db: Database, record_id: int, uid: str) -> None:
        """An organisation card that found a company by its name: the company takes the
        card's UID (unless a far side knows it by its own), and a card of its own; else
        the address book would get a second card for it, or none (a company only named
        in a person's ORG has none)."""
        sync_records.adopt_uid(db, self.table, record_id, uid, {"as_card": 1})

    def delete(self, db: Database, record_id: int) -> None:
        from rolodex.store.people import companies

        companies.delete_company(db, record_id)

    def adopt(self, db: Database, uid: str, remote: Remote,
              fresh: dict[str, int]) -> str | None:
        """A company new here of the same name as a card new there becomes that card."""
        if remote.data is None:
            return None
        ids = set(fresh.values())
        for record_id, name_key in db.execute("SELECT id, name_key FROM companies WHERE"
                                              " name_key = ?", (fold(remote.data.name),)):
            if record_id in ids and name_key:
                return sync_records.adopt_uid(db, self.table, record_id, uid)
        return None

    def merge(self, base: str | None, local: str, remote: Remote
              ) -> tuple[Any, list[dict[str, Any]]]:
        merged, clashes, mine = merge_cards(base, local, remote)
        if mine is None:
            return merged, clashes
        merged.is_company = True
        for group in ("emails", "phones", "urls", "addresses"):
            # A company has one of each: two changed differently is a conflict, not a list.
            if len(getattr(merged, group)) > 1 and getattr(mine, group):
                setattr(merged, group, getattr(mine, group)[:1])
                clashes.append({"field": group, "local": _one(mine, group),
                                "remote": _one(remote.data, group)})
        return merged, clashes

    # A company's card compares and takes the other side's fields as a person's does.
    same = Contacts.same
    take = Contacts.take


def _one(data: ContactData, group: str) -> str | None:
    """A company's email, phone, URL or address as a person reads it."""
    from rolodex.formats.vcard import meaning
    from rolodex.sync.contact_3way import shown

    value = shown(group, meaning(data)[group])
    if not value:
        return None
    first = value[0]
    return first[0] if group != "addresses" else ", ".join(v for v in first[:5] if v)


def _members(data: ContactData) -> list[str]:
    from rolodex.formats.vcard_group import member_uid

    return [member_uid(m) for m in data.members]


class Groups(_Cards):
    """The contact groups of an address book: KIND:group cards (Apple's
    X-ADDRESSBOOKSERVER-KIND:group in 3.0), their members the contacts with the group's
    tag (``group_apply``)."""

    table = "contact_groups"
    noun = "groups"
    flag = "group"

    def _ours(self, data: ContactData) -> bool:
        return data.is_group

    def texts(self, db: Database, ids: list[int]) -> Iterator[tuple[int, str, str]]:
        from rolodex.sync.contact_export import group_texts

        return group_texts(db, ids)

    def changed_since(self, db: Database, operation: int) -> set[int]:
        return sync_state.groups_changed_since(db, operation)

    def delete(self, db: Database, record_id: int) -> None:
        from rolodex.store.people import contact_groups

        contact_groups.delete(db, record_id)

    @staticmethod
    def adopt(db: Database, uid: str, remote: Remote, fresh: dict[str, int]) -> None:
        return None  # a group is found by its UID only

    def merge(self, base: str | None, local: str, remote: Remote
              ) -> tuple[Any, list[dict[str, Any]]]:
        """Members added on either side are kept, removed on either side go; the name
        changed on both sides differently is a conflict (the local one stays)."""
        uid = remote.data.uid
        mine = parse_card(local.encode("utf-8"), uid)
        if mine is None:
            return remote.data, []
        was = parse_card(base.encode("utf-8"), uid) if base else None
        before = set(_members(was)) if was is not None else set()
        theirs = dict(zip(_members(remote.data), remote.data.members, strict=True))
        here = dict(zip(_members(mine), mine.members, strict=True))
        members = [m for key, m in theirs.items() if key in here or key not in before]
        members += [m for key, m in here.items() if key not in theirs and key not in before]
        name, clashes = remote.data.name, []
        if mine.name != remote.data.name and (was is None or mine.name != was.name):
            if was is not None and remote.data.name != was.name:
                clashes.append({"field": "name", "local": mine.name,
                                "remote": remote.data.name})
            name = mine.name
        return _group_card(remote.data, name, members, uid), clashes

    def same(self, text: str, remote: Remote) -> bool:
        here = parse_card(text.encode("utf-8"), remote.data.uid)
        return here is not None and (here.name, set(_members(here))) == (
            remote.data.name, set(_members(remote.data)))

    def take(self, local: str, uid: str, theirs: list[tuple[str, str]]) -> Any:
        mine = parse_card(local.encode("utf-8"), uid)
        for remote_text, field in theirs:
            other = parse_card(remote_text.encode("utf-8"), uid)
            if mine is not None and other is not None and field == "name":
                mine = _group_card(mine, other.name, mine.members, uid)
        return mine


def _group_card(data: ContactData, name: str, members: list[str], uid: str) -> ContactData:
    """A group card as ``data``'s, with this name and these members: the card is made
    again, so what ``group_apply`` keeps of it (its properties) says the same."""
    from rolodex.formats.vcard import KeptCard
    from rolodex.formats.vcard_group import group_props
    from rolodex.formats.vcard_lines import escape, write_card

    version = data.extra.version if isinstance(data.extra, KeptCard) else "4.0"
    version = version if version in ("3.0", "4.0") else "3.0"
    group = {"name": name, "uid": uid, "version": version, "props": None}
    if isinstance(data.extra, KeptCard):
        group["props"] = [[p.group, p.name, list(p.params), p.value]
                          for p in data.extra.props if p.name not in ("FN",)]
        group["props"].insert(0, [None, "FN", [], escape(name)])
    made = parse_card(write_card(version, group_props(group, members, version)).encode(
        "utf-8"), uid)
    out = made if made is not None else copy.copy(data)
    out.uid = uid
    return out
