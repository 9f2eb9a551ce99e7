"""History entries as iCalendar text, one VCALENDAR holding one VJOURNAL each: what a sync
sends to a calendar server or a vdir folder for each entry (``journal_components`` says
how an entry is written)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

from rolodex.store.db import Database
from rolodex.sync.calendar_export import item_calendar
from rolodex.sync.ical_build import Context
from rolodex.sync.journal_components import journals


def journal_texts(db: Database, ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """(id, UID, iCalendar text) of the entries ``ids`` that exist, in that order, made a
    batch at a time (as ``contact_cards`` gives cards), each stamped with its creation:
    what a sync compares and sends."""
    ctx = Context(db, UTC)  # entries are instants: written in UTC, no zone needed
    for entry_id, uid, journal in journals(db, ids, ctx, own_stamps=True):
        yield entry_id, uid, item_calendar([journal])
