"""What a sync needs of the far side: a collection of items, each a file at an href with an
ETag, as vdirsyncer's storages are. A vdir folder and a CardDAV/CalDAV collection are two
implementations; the sync engine sees only this.

An item is one vCard or one iCalendar object (a VCALENDAR holding one UID: an event with
its overridden instances, a task, a journal entry). ETags are opaque: equal means the item
did not change, anything else means it may have. Every write is conditional, so a change
made on the far side since it was read is never overwritten: ``update`` and ``delete``
pass the ETag they last saw and raise ``PreconditionFailed`` when it no longer holds;
``upload`` refuses to replace anything (``If-None-Match: *``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from rolodex.errors import RolodexError, ServerError


class PreconditionFailed(RolodexError):
    """The item changed (or appeared, or went) on the far side since it was read: fetch it
    again and merge; never overwrite. Raised by a conditional write (HTTP 412)."""

    exit_code = ServerError.exit_code


class TokenExpired(Exception):
    """A sync token the far side no longer honours: list everything instead."""


@dataclass(frozen=True)
class Item:
    """One item as the far side holds it."""

    href: str
    etag: str
    data: bytes


@dataclass(frozen=True)
class Changes:
    """What changed since a sync token: (href, etag) of items new or changed, hrefs gone,
    and the token to ask with next time. ``complete``: ``changed`` lists every item there
    is (a full listing), so an item known before and not in it is gone."""

    changed: list[tuple[str, str]]
    removed: list[str]
    token: str | None
    complete: bool


class Storage(Protocol):
    """A collection of items on the far side (a vdir folder, a DAV collection)."""

    def list(self) -> Iterator[tuple[str, str]]:
        """(href, etag) of every item, in no particular order."""
        ...

    def get_many(self, hrefs: Iterable[str]) -> Iterator[Item]:
        """The items at these hrefs (batched as the far side allows); an href that is gone
        meanwhile is left out."""
        ...

    def upload(self, name: str, data: bytes) -> tuple[str, str]:
        """Create a new item, under ``name`` (a file name; the far side may choose another
        href); returns (href, etag). PreconditionFailed if the name is taken."""
        ...

    def update(self, href: str, data: bytes, etag: str) -> str:
        """Replace the item at ``href`` if it still has ``etag``; returns the new etag."""
        ...

    def delete(self, href: str, etag: str) -> None:
        """Delete the item at ``href`` if it still has ``etag``."""
        ...

    def changes(self, token: str | None) -> Changes:
        """What changed since ``token`` (None: a full listing, ``complete``). A storage
        without sync tokens always answers with a full listing and token None; the engine
        then tells changes by ETag. TokenExpired when the token is no longer valid."""
        ...
