"""Exporting to iCalendar: events, tasks, birthdays and follow-ups as RFC 5545 text.

One calendar for a stream or a file (what a calendar app subscribes to), or a vdir-style
folder with one .ics per item (what khal, todoman and vdirsyncer read); the components
come from ``calendar_components`` and are written directly by ``formats.ical_write``.
``icalendar`` makes only the VTIMEZONE blocks (a few per file, remembered per zone), and is
imported inside the function that does, so commands that do not export do not pay for it.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, tzinfo
from pathlib import Path
from typing import IO, TYPE_CHECKING

from rolodex.atomic_write import replacing
from rolodex.formats.ical_write import CALENDAR_END, Component, calendar_head
from rolodex.store.db import Database
from rolodex.sync.calendar_components import Item, components_by_uid, records_by_id
from rolodex.sync.vdir import CALENDAR_KINDS, write_items

if TYPE_CHECKING:
    import icalendar

PRODID = "-//rolodex//rolodex//EN"
ZONE_HORIZON = 2200  # the last year a VTIMEZONE written by export spells out
SPOOL_CHUNK = 1 << 20  # characters copied at once from the spooled components


class _Span:
    """The years of the timed starts written, for how far the VTIMEZONEs must reach."""

    def __init__(self) -> None:
        self.first: int | None = None
        self.last: int | None = None

    def note(self, component: Component) -> None:
        year = component.start_year()
        if year is not None:
            self.first = year if self.first is None else min(self.first, year)
            self.last = year if self.last is None else max(self.last, year)

    def dates(self) -> tuple[date, date]:
        """icalendar writes zone transitions for 1970-2038 by default; widen that to what
        is exported (plus room for series that go on), so an app that trusts the VTIMEZONE
        over its own zone data still gets summer time right. No further than ZONE_HORIZON:
        a series from 9999-12-31 would overflow the year, and transitions to 9999 are 270 KB
        a zone; past the tz database's rules it is all guesswork."""
        first = min(1970, self.first) if self.first is not None else 1970
        last = max(2038, self.last + 10) if self.last is not None else 2038
        return date(first, 1, 1), date(min(ZONE_HORIZON, last), 1, 1)


@functools.lru_cache(maxsize=64)
def _zone_text(tzid: str, first: date, last: date) -> str:
    """One VTIMEZONE as text, made by icalendar from the tz database; empty for a zone it
    does not know (the TZID is then written as it is)."""
    from icalendar import Timezone

    try:
        return Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical().decode()
    except ValueError:
        return ""


def _zones(tzids: Iterable[str], span: _Span) -> str:
    """A VTIMEZONE for each TZID, in name order."""
    first, last = span.dates()
    return "".join(_zone_text(tzid, first, last) for tzid in sorted(tzids))


def item_calendar(components: list[Component]) -> str:
    """A VCALENDAR holding components, with a VTIMEZONE for every TZID they use: one
    item's file in a folder, or what a sync sends."""
    span = _Span()
    tzids: set[str] = set()
    for component in components:
        span.note(component)
        tzids |= component.zones
    return (calendar_head(PRODID) + _zones(tzids - {"UTC"}, span)
            + "".join(c.to_ical() for c in components) + CALENDAR_END)


def calendar_text(db: Database, *, what: set[str], first: date | None, last: date | None,
                  tz: tzinfo) -> bytes:
    """Everything chosen by ``what`` as one .ics: a feed, a backup, a mail attachment."""
    out = io.StringIO()
    _write_one_calendar(components_by_uid(db, what, first, last, tz), out, None)
    return out.getvalue().encode("utf-8")


def _write_one_calendar(items: Iterable[Item], out: IO[str], spool_in: Path | None) -> int:
    """Write one VCALENDAR of ``items`` to ``out``; returns how many items there were.

    The VTIMEZONEs must come first but are known only at the end (from the zones the
    components used), so the components go to a temporary file as they are made (130,000
    of them are 60 MB of text, never held in memory) and are copied after the zones.
    Nothing reaches ``out`` before every component is made: a record that fails leaves
    the output untouched."""
    span = _Span()
    tzids: set[str] = set()
    count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="", dir=spool_in) as body:
        for _uid, components in items:
            count += 1
            for component in components:
                span.note(component)
                tzids |= component.zones
                body.write(component.to_ical())
        out.write(calendar_head(PRODID))
        out.write(_zones(tzids, span))
        body.seek(0)
        shutil.copyfileobj(body, out, SPOOL_CHUNK)
        out.write(CALENDAR_END)
    return count


def calendar_items(db: Database, *, what: set[str], first: date | None, last: date | None,
                   tz: tzinfo, left_out: list[str] | None = None
                   ) -> Iterator[tuple[str, icalendar.Calendar]]:
    """(UID, that item's calendar as icalendar reads it), for a caller that wants objects
    rather than text; a moved occurrence shares the calendar of its series."""
    import icalendar

    return ((uid, icalendar.Calendar.from_ical(text))
            for uid, text in _item_texts(db, what, first, last, tz, left_out))


def _item_texts(db: Database, what: set[str], first: date | None, last: date | None,
                tz: tzinfo, left_out: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """(UID, the text of a calendar of that one item), made as they are asked for: a vdir
    keeps one item per file, and a moved occurrence must share the file of its series."""
    return ((uid, item_calendar(parts))
            for uid, parts in components_by_uid(db, what, first, last, tz, left_out))


def write_calendar(db: Database, output: str, *, what: set[str], first: date | None,
                   last: date | None, tz: tzinfo, left_out: list[str] | None = None) -> int:
    """Write to stdout (``-``), one .ics file, or a folder (ends with a separator or
    exists) with one private .ics per item; returns how many items were written. What
    could not be written is named in ``left_out``, for the caller to say."""
    target = Path(output).expanduser() if output != "-" else None
    if target is not None and (target.is_dir() or output.endswith(os.sep)):
        items = _item_texts(db, what, first, last, tz, left_out)
        return write_items(((uid, text.encode("utf-8")) for uid, text in items), target,
                           suffix=".ics", kinds=CALENDAR_KINDS)
    components = components_by_uid(db, what, first, last, tz, left_out)
    if target is None:
        return _write_one_calendar(components, sys.stdout, None)
    with replacing(target) as out:
        return _write_one_calendar(components, out, _spool_folder(target))


def _spool_folder(target: Path) -> Path | None:
    """Where the components wait for their zones: beside a regular file they become (the
    disk it goes to, not a /tmp that may be memory), else the system's temporary folder."""
    folder = Path(os.path.realpath(target)).parent
    regular = not target.exists() or target.is_file()
    return folder if regular and os.access(folder, os.W_OK | os.X_OK) else None


def item_texts(db: Database, kind: str, ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """(id, UID, one VCALENDAR text) of each event or task (``kind``), in the user's zone,
    as a vdir export writes it: what a sync compares and sends (``contact_cards`` for
    calendars)."""
    from rolodex.dates import get_zone, system_zone
    from rolodex.store import settings

    name = settings.get(db, "timezone")
    zone = get_zone(name) if name else system_zone()
    for record_id, uid, parts in records_by_id(db, kind, ids, zone):
        yield record_id, uid, item_calendar(parts)
