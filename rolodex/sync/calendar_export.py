"""Exporting to iCalendar: events, tasks, birthdays and follow-ups as RFC 5545 text.

One calendar for a stream or a file (what a calendar app subscribes to), or a vdir-style
folder with one .ics per item (what khal, todoman and vdirsyncer read); the components
come from ``calendar_components``. ``icalendar`` is imported inside the functions that use it,
never at module level, so commands that do not export do not pay for it at start-up.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolodex.atomic_write import replacing
from rolodex.store.db import Database
from rolodex.sync.calendar_components import Item, components_by_uid, records_by_id
from rolodex.sync.ical_build import put
from rolodex.sync.vdir import CALENDAR_KINDS, write_items

if TYPE_CHECKING:
    import icalendar

PRODID = "-//rolodex//rolodex//EN"


def calendar_of(components: Iterable[Any]) -> icalendar.Calendar:
    """A VCALENDAR holding components, with a VTIMEZONE for every TZID they use."""
    import icalendar

    calendar = icalendar.Calendar()
    put(calendar, ("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"))
    years = []
    for component in components:
        calendar.add_component(component)
        years += _years(component)
    _add_zones(calendar, calendar.get_missing_tzids(), years)
    return calendar


ZONE_HORIZON = 2200  # the last year a VTIMEZONE written by export spells out


def _years(component: Any) -> list[int]:
    start = component.get("dtstart")
    return [start.dt.year] if start is not None and isinstance(start.dt, datetime) else []


def _add_zones(calendar: Any, tzids: set[str], years: list[int]) -> None:
    """A VTIMEZONE for each TZID, in name order, first in the calendar. icalendar writes
    zone transitions for 1970-2038 by default; widen that to what is exported (plus room
    for series that go on), so an app that trusts the VTIMEZONE over its own zone data
    still gets summer time right."""
    from icalendar import Timezone

    first_date = date(min([1970, *years]), 1, 1)
    # No further than ZONE_HORIZON: a series from 9999-12-31 would overflow the year, and
    # transitions to 9999 are 270 KB a zone; past the tz database's rules it is all guesswork.
    last_date = date(min(ZONE_HORIZON, max([2038, *(y + 10 for y in years)])), 1, 1)
    zones = []
    for tzid in sorted(tzids):
        try:
            zones.append(Timezone.from_tzid(tzid, first_date=first_date, last_date=last_date))
        except ValueError:  # a zone icalendar does not know: the TZID is written as it is
            continue
    calendar.subcomponents[:0] = zones


def calendar_text(db: Database, *, what: set[str], first: date | None, last: date | None,
                  tz: tzinfo) -> bytes:
    """Everything chosen by ``what`` as one .ics: a feed, a backup, a mail attachment."""
    return b"".join(_serialise(components_by_uid(db, what, first, last, tz))[0])


def _serialise(items: Iterable[Item]) -> tuple[list[bytes], int]:
    """One VCALENDAR of ``items`` as pieces of text, and how many items there were.

    Each component is serialised as soon as it is made, so 130,000 of them cost their
    text (60 MB), not a calendar of objects (1.2 GB). The VTIMEZONEs, which must come
    first, are made at the end, from the zones the components used."""
    import icalendar

    parts: list[bytes] = []
    tzids: set[str] = set()
    years: list[int] = []
    count = 0
    for _uid, components in items:
        count += 1
        for component in components:
            tzids.update(value.params["TZID"] for _name, value in
                         component.property_items(sorted=False)
                         if hasattr(value, "params") and value.params.get("TZID"))
            years += _years(component)
            parts.append(component.to_ical())
    shell = icalendar.Calendar()
    put(shell, ("prodid", PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"))
    _add_zones(shell, tzids, years)
    head, end = shell.to_ical().rsplit(b"END:VCALENDAR", 1)
    return [head, *parts, b"END:VCALENDAR" + end], count


def calendar_items(db: Database, *, what: set[str], first: date | None, last: date | None,
                   tz: tzinfo, left_out: list[str] | None = None
                   ) -> Iterator[tuple[str, icalendar.Calendar]]:
    """(UID, a calendar of that one item) pairs, made as they are asked for: a vdir keeps
    one item per file, and a moved occurrence must share the file of its series."""
    return ((uid, calendar_of(parts))
            for uid, parts in components_by_uid(db, what, first, last, tz, left_out))


def write_calendar(db: Database, output: str, *, what: set[str], first: date | None,
                   last: date | None, tz: tzinfo, left_out: list[str] | None = None) -> int:
    """Write to stdout (``-``), one .ics file, or a folder (ends with a separator or
    exists) with one private .ics per item; returns how many items were written. What
    could not be written is named in ``left_out``, for the caller to say."""
    target = Path(output).expanduser() if output != "-" else None
    if target is not None and (target.is_dir() or output.endswith(os.sep)):
        items = calendar_items(db, what=what, first=first, last=last, tz=tz,
                               left_out=left_out)
        return write_items(((uid, calendar.to_ical()) for uid, calendar in items), target,
                           suffix=".ics", kinds=CALENDAR_KINDS)
    # everything is made before anything is opened or written
    chunks, count = _serialise(components_by_uid(db, what, first, last, tz, left_out))
    if target is None:
        for chunk in chunks:
            sys.stdout.write(chunk.decode("utf-8"))
        return count
    with replacing(target, binary=True) as out:
        out.writelines(chunks)
    return count


def item_texts(db: Database, kind: str, ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """(id, UID, one VCALENDAR text) of each event or task (``kind``), in the user's zone,
    as a vdir export writes it: what a sync compares and sends (``contact_cards`` for
    calendars)."""
    from rolodex.dates import get_zone, system_zone
    from rolodex.store import settings

    name = settings.get(db, "timezone")
    zone = get_zone(name) if name else system_zone()
    for record_id, uid, parts in records_by_id(db, kind, ids, zone):
        yield record_id, uid, calendar_of(parts).to_ical().decode("utf-8")
