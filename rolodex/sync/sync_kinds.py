"""What differs between the kinds of record a sync carries (contacts, companies, groups,
events, tasks, the journal), as one protocol the engine (``engine.CollectionSync``) is
written against; each kind's module answers it: ``kind_contacts`` (people's vCards),
``kind_cards`` (company and group cards) and ``kind_calendar`` (iCalendar objects, one
component kind per collection).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from rolodex.store.db import Database
from rolodex.sync.far_side import Remote
from rolodex.sync.storage import Item
from rolodex.sync.sync_report import SyncReport


class Kind(Protocol):
    """One kind of synced record; ``table`` names its records (``store.sync_records``),
    ``suffix`` a vdir's file names, ``dav_kind`` the DAV collection that holds them."""

    table: str
    noun: str  # what a message calls its records: "contacts", "history entries"
    suffix: str
    dav_kind: str

    def read(self, item: Item) -> tuple[str, Remote] | str:
        """(UID, Remote) of an item of the far side, or why it cannot be read."""
        ...

    def texts(self, db: Database, ids: list[int]) -> Iterator[tuple[int, str, str]]:
        """(id, uid, item text) of each record, as a sync compares and sends it."""
        ...

    def changed_since(self, db: Database, operation: int) -> set[int]:
        """Ids of the records whose item an operation after ``operation`` may change."""
        ...

    def name(self, text: str) -> str | None:
        """What a summary calls an item: a contact's name, an event's title."""
        ...

    def delete(self, db: Database, record_id: int) -> None:
        ...

    def adopt(self, db: Database, uid: str, remote: Remote,
              fresh: dict[str, int]) -> str | None:
        """A record new here (in ``fresh``, UID -> id) that an item new there is, found
        as an import finds it (a person by email or phone, a company by name), given the
        item's UID so both sides hold one item for it: its old UID, or None."""
        ...

    def bring_in(self, db: Database, cid: int, report: SyncReport,
                 items: list[tuple[str, Remote, str]], on_match: str) -> None:
        """(uid, remote, action) items into the store through the apply layer; each
        one's status row after."""
        ...

    def merge(self, base: str | None, local: str, remote: Remote
              ) -> tuple[Any, list[dict[str, Any]]]:
        """An item changed on both sides, merged against ``base`` (None: new on both):
        (what ``replace_here`` takes, the conflicts {field, local, remote})."""
        ...

    def replace_here(self, db: Database, report: SyncReport | None,
                     items: list[tuple[str, Any, str]]) -> None:
        """(uid, merged, source) items written over what rolodex holds."""
        ...

    def same(self, text: str, remote: Remote) -> bool:
        """Whether the item rolodex holds means what the far side's does."""
        ...

    def take(self, local: str, uid: str, theirs: list[tuple[str, str]]) -> Any:
        """The local item with each (remote item, field) pair's value taken (``sync
        conflicts --prefer remote``), for ``replace_here``; None if unreadable."""
        ...

    def source(self, text: str) -> str:
        """The name an item written by ``take`` goes under in the apply layer."""
        ...


def kind_of(collection_kind: str) -> Kind:
    """The kind a collection of ``sync_state.KINDS`` syncs."""
    from rolodex.sync.kind_calendar import Calendar
    from rolodex.sync.kind_cards import Companies, Groups
    from rolodex.sync.kind_contacts import Contacts

    cards = {"contacts": Contacts, "companies": Companies, "groups": Groups}
    if collection_kind in cards:
        return cards[collection_kind]()
    return Calendar(collection_kind)
