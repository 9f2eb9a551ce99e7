"""Rolodex's records as iCalendar components: events (with their moved and cancelled
occurrences and the lines rolodex does not model), tasks, birthdays and anniversaries,
follow-ups. ``calendar_export`` writes them as one calendar or a folder of them. ``icalendar``
is imported inside the functions, never at module level.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from rolodex.dates import PartialDate, from_utc_iso, get_zone, now
from rolodex.errors import BadDate, InvalidInput
from rolodex.store import settings, when
from rolodex.store.activity import events, tasks
from rolodex.store.activity.anniversaries import anniversaries
from rolodex.store.activity.cadence import people_due
from rolodex.store.db import Database
from rolodex.store.people import contact_queries
from rolodex.sync.calendar_derived import mark

WHAT = ("events", "tasks", "birthdays", "followups")
BATCH = 500  # records fetched at once: memory stays flat, queries stay few
PRIORITY = {"high": 1, "normal": 5, "low": 9}  # RFC 5545: 1 highest, 5 medium, 9 lowest
TASK_STATUS = {"open": "NEEDS-ACTION", "done": "COMPLETED", "cancelled": "CANCELLED"}
FOLLOWUP_DAYS = 30  # how far ahead follow-ups are exported when no window end is given
# A yearless birthday still needs a DTSTART year; a leap year, so that 29 February exists
# in it and matches the "last day of February" rule that carries it into common years.
YEARLESS = 2000

Item = tuple[str, list[Any]]  # a UID and its components (a master plus moved instances)


class _Context:
    """What every component needs: the export's instant, zones and linked people."""

    def __init__(self, db: Database, tz: tzinfo, left_out: list[str] | None = None) -> None:
        self.db = db
        self.tz = tz
        # Only a named zone can be written as a TZID with a VTIMEZONE; a bare offset
        # (a system without zone files) would become an invalid TZID, so use UTC.
        self.fallback: tzinfo = tz if isinstance(tz, ZoneInfo) else UTC
        self.stamp = now()
        mine = settings.get(db, "my.emails")
        self.organizer = mine[0] if mine else None
        self.people: dict[int, tuple[str, str | None]] = {}
        self.left_out = left_out if left_out is not None else []  # what could not be written

    def zone(self, name: str | None) -> tzinfo:
        """An event's own zone. One without (imported as UTC, or from a zone only its file
        defined) is written in UTC: its instants are exact, and claiming the user's zone
        would change what a re-import says about it. A zone the system lost falls back."""
        try:
            return get_zone(name) if name else UTC
        except BadDate:
            return self.fallback

    def load(self, records: Iterable[dict[str, Any]]) -> None:
        """Fetch the linked contacts of a batch at once, not one query per attendee."""
        ids = [c["id"] for r in records for c in r["contacts"] if c["id"] not in self.people]
        for person in contact_queries.fetch(self.db, list(dict.fromkeys(ids))):
            self.people[person["id"]] = (person["name"], person["email"])

    def attend(self, component: Any, contacts: list[dict[str, Any]]) -> None:
        """ATTENDEE per linked contact with an address; ORGANIZER (the user) if any."""
        added = False
        for contact in contacts:
            name, email = self.people.get(contact["id"], (contact["name"], None))
            if email:
                component.add("attendee", f"mailto:{email}",
                              parameters={"CN": name, "ROLE": "REQ-PARTICIPANT"})
                added = True
        if added and self.organizer:
            component.add("organizer", f"mailto:{self.organizer}")


def put(component: Any, *pairs: tuple[str, Any]) -> None:
    """Add each (name, value) that has a value: iCalendar has no empty properties."""
    for name, value in pairs:
        if value not in (None, "", []):
            component.add(name, value)


def _new(kind: str, uid: str, ctx: _Context, record: dict[str, Any] | None = None) -> Any:
    """A VEVENT or VTODO with the properties every item carries; CREATED and
    LAST-MODIFIED from a stored record, so a sync tool can tell which copy is newer."""
    import icalendar

    component = icalendar.Event() if kind == "VEVENT" else icalendar.Todo()
    put(component, ("uid", uid), ("dtstamp", ctx.stamp))
    if record is not None:
        put(component, ("created", from_utc_iso(record["created"])),
             ("last-modified", from_utc_iso(record["updated"])))
    return component


def _recur(text: str, start: date | datetime, zone: tzinfo | None) -> Any:
    """The stored RRULE with UNTIL in the form RFC 5545 demands for this DTSTART: a date
    for all-day series, UTC for zoned ones (dateutil and khal reject anything else)."""
    import icalendar

    from rolodex.recurrence_rules import until_as_rfc

    return icalendar.vRecur.from_ical(until_as_rfc(text, start, zone))


# Properties a component may carry several times: a kept one is added unless the same
# value was already written (an attendee both linked and kept is written once).
_REPEATABLE = {"ATTENDEE", "ATTACH", "COMMENT", "CONTACT", "RELATED-TO", "RESOURCES"}


def _values(component: Any, name: str) -> set[str]:
    found = component.get(name)
    items = found if isinstance(found, list) else [found] if found is not None else []
    return {str(v).lower() for v in items}


def _add_raw(component: Any, raw: str | None) -> None:
    """Put back the iCalendar lines rolodex does not model (X- properties, ATTACH...).

    They are parsed inside a small wrapper of the same kind, so icalendar keeps their
    parameters and value types; a property the export already wrote wins, so a stale copy
    cannot make DTSTART or UID appear twice. icalendar drops unreadable lines itself.
    """
    lines = [line for line in (raw or "").splitlines() if line.strip()]
    if not lines:
        return
    import icalendar

    text = "\r\n".join([f"BEGIN:{component.name}", *lines, f"END:{component.name}"]) + "\r\n"
    try:
        parsed = icalendar.Component.from_ical(text)
    except ValueError:
        return
    taken = set(component.keys())
    for name, value in parsed.property_items(recursive=False, sorted=False):
        if name in ("BEGIN", "END"):
            continue
        if name not in taken:
            component.add(name, value, encode=False)
        elif name in _REPEATABLE and str(value).lower() not in _values(component, name):
            component.add(name, value, encode=False)  # an attendee rolodex does not know
    for sub in parsed.subcomponents:
        component.add_component(sub)


def _details(component: Any, record: dict[str, Any], ctx: _Context, summary: str,
             location: str | None) -> None:
    """What a master event and its moved instances share: an instance replaces the whole
    occurrence (RFC 5545), so it repeats these rather than inheriting them."""
    import icalendar

    put(component, ("location", location), ("description", record["notes"]),
         ("categories", record["categories"]), ("status", (record["status"] or "").upper()))
    ctx.attend(component, record["contacts"])
    for minutes in record["alarms"]:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(minutes=-int(minutes)))
        component.add_component(alarm)


def _event(record: dict[str, Any], ctx: _Context) -> list[Any]:
    """The master VEVENT plus one VEVENT per moved occurrence (same UID, RECURRENCE-ID)."""
    zone = ctx.zone(record["tz"]) if not record["all_day"] else ctx.fallback
    if when.is_floating(record["start"]):
        zone = None  # floating stays floating: written without TZID and without Z
    start, end = when.decode(record["start"], zone), when.decode(record["end"], zone)
    master = _new("VEVENT", record["uid"], ctx, record)
    put(master, ("summary", record["title"]), ("dtstart", start), ("dtend", end),
         ("rrule", record["rrule"] and _recur(record["rrule"], start, zone)),
         ("exdate", [when.decode(e["original"], zone) for e in record["exceptions"]
                     if e["cancelled"]]))
    extra = [when.decode(v, zone) for v in record["rdates"]]
    for timed in (False, True):  # one RDATE per value type: a property has one VALUE
        put(master, ("rdate", [v for v in extra if isinstance(v, datetime) == timed]))
    _details(master, record, ctx, record["title"], record["location"])
    _add_raw(master, record["raw"])
    out = [master]
    for moved in record["exceptions"]:
        if moved["cancelled"]:
            continue
        if zone is None and not when.is_floating(moved["start"]):  # moved to an instant
            moved = {**moved, "start": when.encode_as(when.decode(moved["start"]),
                                                      record["start"], ctx.tz),
                     "end": when.encode_as(when.decode(moved["end"]), record["start"], ctx.tz)}
        summary = moved["title"] or record["title"]
        instance = _new("VEVENT", record["uid"], ctx, record)
        put(instance, ("recurrence-id", when.decode(moved["original"], zone)),
             ("summary", summary), ("dtstart", when.decode(moved["start"], zone)),
             ("dtend", when.decode(moved["end"], zone)))
        _details(instance, record, ctx, summary, moved["location"] or record["location"])
        out.append(instance)
    return out


def _day(value: date | datetime, tz: tzinfo) -> date:
    return value.astimezone(tz).date() if isinstance(value, datetime) else value


def _event_ids(db: Database, first: date | None, last: date | None, ctx: _Context
               ) -> list[int]:
    """Events with an occurrence on local days ``first``..``last`` (either may be open).

    The events store has no plain listing, so the candidates come from one query here.
    A closed window asks the store's expansion (which knows skips and moves); an open end
    is decided per series with ``next_after``, which jumps to a date instead of walking
    every occurrence. Extra dates (RDATE) are not in the store's expansion: checked here.
    """
    from rolodex.recurrence import next_after

    rows = events.series(db)
    if first is None and last is None:
        return [row["id"] for row in rows]
    lo = first or date.min
    hi = last or lo + timedelta(days=366)
    found = {o["id"] for o in events.occurrences(db, lo, hi, ctx.tz)} if first else set()
    keep = []
    for row in rows:
        zone, rule = ctx.zone(row["tz"]), row["rrule"]
        zone = ctx.tz if when.is_floating(row["start"]) else zone
        start = when.decode(row["start"], zone)
        hit = False
        if first is None:  # its first occurrence is on or before last
            head = next_after(rule, start, _day(start, ctx.tz) - timedelta(days=1),
                              tz=zone) if rule else start
            hit = head is not None and _day(head, ctx.tz) <= hi
        elif last is None:  # or it goes on after the year just expanded
            later = next_after(rule, start, hi, tz=zone) if rule else start
            hit = later is not None and _day(later, ctx.tz) > hi
        extra = [_day(when.decode(v, zone), ctx.tz) for v in json.loads(row["rdates"] or "[]")]
        if hit or row["id"] in found or any(lo <= d <= (last or date.max) for d in extra):
            keep.append(row["id"])
    return keep


def _events(db: Database, first: date | None, last: date | None, ctx: _Context
            ) -> Iterator[Item]:
    ids = _event_ids(db, first, last, ctx)
    for start in range(0, len(ids), BATCH):
        records = events.fetch(db, ids[start:start + BATCH])
        ctx.load(records)
        for record in records:
            yield record["uid"], _event(record, ctx)


def _task(record: dict[str, Any], raw: str | None, ctx: _Context) -> Any:
    todo = _new("VTODO", record["uid"], ctx, record)
    due = when.decode(record["due"], ctx.fallback)
    put(todo, ("summary", record["title"]), ("due", due),
         ("priority", PRIORITY.get(record["priority"], 0)),
         ("status", TASK_STATUS.get(record["status"], "NEEDS-ACTION")))
    if record["status"] == "done" and record["completed"]:
        put(todo, ("completed", from_utc_iso(record["completed"])),
             ("percent-complete", 100))
    # Completing a repeating task already created its next instance in rolodex, which
    # carries the rule on; repeating it on finished ones would show the series twice.
    if record["rrule"] and due is not None and record["status"] != "done":
        # RFC 5545 expands a rule from DTSTART: the task's own (kept in raw), else DUE
        if not any(line.upper().startswith(("DTSTART:", "DTSTART;"))
                   for line in (raw or "").splitlines()):
            put(todo, ("dtstart", due))
        put(todo, ("rrule", _recur(record["rrule"], due, ctx.fallback)))
    put(todo, ("categories", record["categories"]), ("description", record["notes"]))
    ctx.attend(todo, record["contacts"])
    _add_raw(todo, raw)
    return todo


def _tasks(db: Database, first: date | None, last: date | None, ctx: _Context
           ) -> Iterator[Item]:
    """Every task; with a window, those due in it plus every open one (still to do)."""
    ids = tasks.list_ids(db, status=None, tz=ctx.tz)
    if first is not None or last is not None:
        chosen = set(tasks.list_ids(db, status=None, first=first, last=last, tz=ctx.tz))
        chosen |= set(tasks.list_ids(db, status="open", tz=ctx.tz))
        ids = [i for i in ids if i in chosen]
    for start in range(0, len(ids), BATCH):
        records = tasks.fetch(db, ids[start:start + BATCH], tz=ctx.tz)
        ctx.load(records)
        for record in records:
            raw = tasks.get_row(db, record["id"])["raw"]  # not part of the task JSON shape
            yield record["uid"], [_task(record, raw, ctx)]


def _yearly(contact: dict[str, Any], kind: str, ctx: _Context) -> Any:
    """One all-day VEVENT repeating every year on a birthday or anniversary."""
    import icalendar

    partial = PartialDate.from_iso(contact[kind])
    start = date(partial.year or YEARLESS, partial.month, partial.day)
    rule = "FREQ=YEARLY"
    if (partial.month, partial.day) == (2, 29):
        # Plain FREQ=YEARLY skips common years (RFC 5545); people celebrate on 28 February.
        rule += ";BYMONTH=2;BYMONTHDAY=-1"
    event = _new("VEVENT", f"{contact['uid']}-{kind}", ctx)
    put(event, ("summary", f"{contact['name']}'s {kind}"), ("dtstart", start),
         ("dtend", start + timedelta(days=1)), ("rrule", icalendar.vRecur.from_ical(rule)),
         ("transp", "TRANSPARENT"),  # a birthday does not make anyone busy
         ("categories", [kind]))
    mark(event, kind)
    return event


def _birthdays(db: Database, first: date | None, last: date | None, ctx: _Context
               ) -> Iterator[Item]:
    """Birthdays and anniversaries; a window shorter than a year keeps those falling in it."""
    if first is not None and last is not None and (last - first).days < 366:
        found = anniversaries(db, first, last)
    else:  # a whole leap year holds every day, 29 February included: everyone, once
        found = anniversaries(db, date(YEARLESS, 1, 1), date(YEARLESS, 12, 31))
    # Labelled dates ("Hired") are shown by the agenda only: these yearly events are made
    # from a contact's birthday and anniversary.
    pairs = list(dict.fromkeys((item["id"], item["type"]) for item in found
                               if item["label"] is None))
    ids = list(dict.fromkeys(contact_id for contact_id, _ in pairs))
    people = {c["id"]: c for start in range(0, len(ids), BATCH)
              for c in contact_queries.fetch(db, ids[start:start + BATCH])}
    for contact_id, kind in pairs:
        contact = people[contact_id]
        try:
            event = _yearly(contact, kind, ctx)
        except (OverflowError, ValueError):  # 9999-12-31: the day after it is no date
            ctx.left_out.append(f"#{contact_id} {contact['name']}: {kind} {contact[kind]} is"
                                " too close to the year 9999 to repeat: left out")
            continue
        yield f"{contact['uid']}-{kind}", [event]


def _followups(db: Database, first: date | None, last: date | None, ctx: _Context
               ) -> Iterator[Item]:
    """People past their cadence by ``last`` (or the next month): overdue ones included,
    however early the window starts, because they are still to be done."""
    today = ctx.stamp.astimezone(ctx.tz).date()
    due = people_due(db, last or today + timedelta(days=FOLLOWUP_DAYS), ctx.tz)
    people = {c["id"]: c for c in contact_queries.fetch(db, [d["id"] for d in due])}
    for item in sorted(due, key=lambda d: (d["due"], d["title"].casefold())):
        uid = f"{people[item['id']]['uid']}-followup-{item['due']}"
        todo = _new("VTODO", uid, ctx)
        put(todo, ("summary", f"Get in touch with {item['title']}"),
             ("due", date.fromisoformat(item["due"])), ("status", "NEEDS-ACTION"),
             ("categories", ["followup"]))
        mark(todo, "followup")
        yield uid, [todo]


def components_by_uid(db: Database, what: set[str], first: date | None, last: date | None,
                      tz: tzinfo, left_out: list[str] | None = None) -> Iterator[Item]:
    """Each exported item (``what``) as its UID and components, in a fixed order of kinds;
    a record that cannot be written (a date at the end of time) is named in ``left_out``."""
    unknown = set(what) - set(WHAT)
    if unknown:
        raise InvalidInput(f"cannot export '{', '.join(sorted(unknown))}' as iCalendar",
                           hint=f"choose from: {', '.join(WHAT)}")
    ctx = _Context(db, tz, left_out)
    makers = {"events": _events, "tasks": _tasks, "birthdays": _birthdays,
              "followups": _followups}
    for kind in WHAT:  # a fixed order, whatever order ``what`` was given in
        if kind in what:
            yield from makers[kind](db, first, last, ctx)


def records_by_id(db: Database, kind: str, ids: list[int], tz: tzinfo
                  ) -> Iterator[tuple[int, str, list[Any]]]:
    """(id, UID, components) of these events or tasks (``kind``), each stamped with its
    own last change (DTSTAMP = LAST-MODIFIED, as RFC 5545 allows outside iTIP), so a
    record gives the same text until it changes: what a sync compares and sends."""
    ctx = _Context(db, tz)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        records = events.fetch(db, chunk) if kind == "events" else tasks.fetch(db, chunk,
                                                                                tz=tz)
        ctx.load(records)
        for record in records:
            ctx.stamp = from_utc_iso(record["updated"])
            if kind == "events":
                yield record["id"], record["uid"], _event(record, ctx)
            else:
                raw = tasks.get_row(db, record["id"])["raw"]
                yield record["id"], record["uid"], [_task(record, raw, ctx)]
