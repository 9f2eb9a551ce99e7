"""One run's reads of a far side, shared by the collections synced at one place: an address
book carries the contacts, companies and groups collections, a calendar may carry events,
tasks and the journal, and each would list the place and fetch its new items again (three
listings of a 10,000-card book cost Radicale a second and a half). A listing is reused for
the same sync token and an item fetched once is reused.

That is safe although a collection may write there in between: the collections of one
place own disjoint items (people's cards, companies', groups'; VEVENTs, VTODOs,
VJOURNALs), so a later collection working from the earlier listing works from a snapshot
of the place a moment older, as any sync does (the place may change after it is listed;
every write is conditional), and it keeps that snapshot's token: the next sync sees what
came after. A collection that wrote there lists it afresh (its own writes must show), and
an item written (or refused) in this run is never served from the cache: a 412 fetches it
again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rolodex.sync.storage import Changes, Item, Storage


class _Place:
    """What one run read of one place."""

    def __init__(self) -> None:
        self.answers: dict[str | None, Changes] = {}
        self.items: dict[str, Item] = {}


class SharedReads:
    """The reads of one run, by place (the collection's location)."""

    def __init__(self) -> None:
        self._places: dict[str, _Place] = {}

    def wrap(self, location: str, storage: Storage) -> Storage:
        return _Shared(storage, self._places.setdefault(location, _Place()))


class _Shared:
    """A storage whose reads come from its place's when they were made in this run."""

    def __init__(self, storage: Storage, place: _Place) -> None:
        self.storage, self.place = storage, place
        self.wrote = False  # this collection wrote there: its listings are its own

    def __getattr__(self, name: str) -> Any:  # list, flush...: the storage's own
        return getattr(self.storage, name)

    def changes(self, token: str | None) -> Changes:
        if self.wrote or token not in self.place.answers:
            self.place.answers[token] = self.storage.changes(token)
        return self.place.answers[token]

    def get_many(self, hrefs: Iterable[str]) -> Iterator[Item]:
        hrefs = list(hrefs)
        missing = [h for h in hrefs if h not in self.place.items]
        for item in self.storage.get_many(missing):
            self.place.items[item.href] = item
        return iter([self.place.items[h] for h in hrefs if h in self.place.items])

    def upload(self, name: str, data: bytes) -> tuple[str, str]:
        self.wrote = True
        return self.storage.upload(name, data)

    def update(self, href: str, data: bytes, etag: str) -> str:
        self.wrote = True
        self.place.items.pop(href, None)
        return self.storage.update(href, data, etag)

    def delete(self, href: str, etag: str) -> None:
        self.wrote = True
        self.place.items.pop(href, None)
        self.storage.delete(href, etag)
