"""Rolodex's records as iCalendar components: events (with their moved and cancelled
occurrences and the lines rolodex does not model), tasks, birthdays and anniversaries,
follow-ups, campaign steps, as ``formats.ical_write`` components (written directly, not
through icalendar). ``calendar_export`` writes them as one calendar or a folder of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from rolodex.dates import PartialDate, from_utc_iso
from rolodex.errors import InvalidInput
from rolodex.formats.ical_write import Component, Recur
from rolodex.store import when
from rolodex.store.activity import events, history, tasks
from rolodex.store.activity.anniversaries import anniversaries
from rolodex.store.activity.cadence import people_due
from rolodex.store.campaigns.calendar_days import planned
from rolodex.store.campaigns.calendar_days import title as campaign_title
from rolodex.store.db import Database
from rolodex.store.people import contact_queries
from rolodex.sync.calendar_derived import mark
from rolodex.sync.ical_build import Context, add_raw, new_component, put
from rolodex.sync.journal_components import journal_components

WHAT = ("events", "tasks", "history", "birthdays", "followups", "campaigns")
BATCH = 500  # records fetched at once: memory stays flat, queries stay few
PEOPLE_BATCH = 5000  # birthdays' people read at once (a few columns each)
PRIORITY = {"high": 1, "normal": 5, "low": 9}  # RFC 5545: 1 highest, 5 medium, 9 lowest
TASK_STATUS = {"open": "NEEDS-ACTION", "done": "COMPLETED", "cancelled": "CANCELLED"}
FOLLOWUP_DAYS = 30  # how far ahead follow-ups are exported when no window end is given
# A yearless birthday still needs a DTSTART year; a leap year, so that 29 February exists
# in it and matches the "last day of February" rule that carries it into common years.
YEARLESS = 2000

Item = tuple[str, list[Component]]  # a UID and its components (a master plus moved instances)




def _recur(text: str, start: date | datetime, zone: tzinfo | None) -> Recur:
    """The stored RRULE with UNTIL in the form RFC 5545 demands for this DTSTART: a date
    for all-day series, UTC for zoned ones (dateutil and khal reject anything else)."""
    from rolodex.recurrence_rules import until_as_rfc

    return Recur(until_as_rfc(text, start, zone))


def _details(component: Component, record: dict[str, Any], ctx: Context, summary: str,
             location: str | None) -> None:
    """What a master event and its moved instances share: an instance replaces the whole
    occurrence (RFC 5545), so it repeats these rather than inheriting them."""
    put(component, ("location", location), ("description", record["notes"]),
         ("categories", record["categories"]), ("status", (record["status"] or "").upper()))
    ctx.attend(component, record["contacts"])
    for minutes in record["alarms"]:
        alarm = Component("VALARM")
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(minutes=-int(minutes)))
        component.add_component(alarm)


def _event(record: dict[str, Any], ctx: Context) -> list[Component]:
    """The master VEVENT plus one VEVENT per moved occurrence (same UID, RECURRENCE-ID)."""
    zone = ctx.zone(record["tz"]) if not record["all_day"] else ctx.fallback
    if when.is_floating(record["start"]):
        zone = None  # floating stays floating: written without TZID and without Z
    start, end = when.decode(record["start"], zone), when.decode(record["end"], zone)
    master = new_component("VEVENT", record["uid"], ctx, record)
    put(master, ("summary", record["title"]), ("dtstart", start), ("dtend", end),
         ("rrule", record["rrule"] and _recur(record["rrule"], start, zone)),
         ("exdate", [when.decode(e["original"], zone) for e in record["exceptions"]
                     if e["cancelled"]]))
    extra = [when.decode(v, zone) for v in record["rdates"]]
    for timed in (False, True):  # one RDATE per value type: a property has one VALUE
        put(master, ("rdate", [v for v in extra if isinstance(v, datetime) == timed]))
    _details(master, record, ctx, record["title"], record["location"])
    add_raw(master, record["raw"])
    out = [master]
    for moved in record["exceptions"]:
        if moved["cancelled"]:
            continue
        if zone is None and not when.is_floating(moved["start"]):  # moved to an instant
            moved = {**moved, "start": when.encode_as(when.decode(moved["start"]),
                                                      record["start"], ctx.tz),
                     "end": when.encode_as(when.decode(moved["end"]), record["start"], ctx.tz)}
        summary = moved["title"] or record["title"]
        instance = new_component("VEVENT", record["uid"], ctx, record)
        put(instance, ("recurrence-id", when.decode(moved["original"], zone)),
             ("summary", summary), ("dtstart", when.decode(moved["start"], zone)),
             ("dtend", when.decode(moved["end"], zone)))
        _details(instance, record, ctx, summary, moved["location"] or record["location"])
        out.append(instance)
    return out


def _day(value: date | datetime, tz: tzinfo) -> date:
    return value.astimezone(tz).date() if isinstance(value, datetime) else value


def _event_ids(db: Database, first: date | None, last: date | None, ctx: Context
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


def _events(db: Database, first: date | None, last: date | None, ctx: Context
            ) -> Iterator[Item]:
    ids = _event_ids(db, first, last, ctx)
    for start in range(0, len(ids), BATCH):
        records = events.fetch(db, ids[start:start + BATCH])
        ctx.load(records)
        for record in records:
            yield record["uid"], _event(record, ctx)


def _task(record: dict[str, Any], raw: str | None, ctx: Context) -> Component:
    todo = new_component("VTODO", record["uid"], ctx, record)
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
    add_raw(todo, raw)
    return todo


def _tasks(db: Database, first: date | None, last: date | None, ctx: Context
           ) -> Iterator[Item]:
    """Every task; with a window, those due in it plus every open one (still to do)."""
    ids = tasks.list_ids(db, status=None, tz=ctx.tz)
    if first is not None or last is not None:
        chosen = set(tasks.list_ids(db, status=None, first=first, last=last, tz=ctx.tz))
        chosen |= set(tasks.list_ids(db, status="open", tz=ctx.tz))
        ids = [i for i in ids if i in chosen]
    for start in range(0, len(ids), BATCH):
        records = tasks.fetch(db, ids[start:start + BATCH], tz=ctx.tz)
        raws = tasks.raw_lines(db, ids[start:start + BATCH])  # not in the task JSON shape
        ctx.load(records)
        for record in records:
            yield record["uid"], [_task(record, raws.get(record["id"]), ctx)]


def _yearly(contact: dict[str, Any], kind: str, ctx: Context) -> Component:
    """One all-day VEVENT repeating every year on a birthday or anniversary."""
    partial = PartialDate.from_iso(contact[kind])
    start = date(partial.year or YEARLESS, partial.month, partial.day)
    rule = "FREQ=YEARLY"
    if (partial.month, partial.day) == (2, 29):
        # Plain FREQ=YEARLY skips common years (RFC 5545); people celebrate on 28 February.
        rule += ";BYMONTH=2;BYMONTHDAY=-1"
    event = new_component("VEVENT", f"{contact['uid']}-{kind}", ctx)
    put(event, ("summary", f"{contact['name']}'s {kind}"), ("dtstart", start),
         ("dtend", start + timedelta(days=1)), ("rrule", Recur(rule)),
         ("transp", "TRANSPARENT"),  # a birthday does not make anyone busy
         ("categories", [kind]))
    mark(event, kind)
    return event


def _birthdays(db: Database, first: date | None, last: date | None, ctx: Context
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
    del found
    for start in range(0, len(pairs), PEOPLE_BATCH):  # at 1,000,000 contacts, 500,000
        batch = pairs[start:start + PEOPLE_BATCH]       # people at once took 300 MB
        people = contact_queries.calendar_people(db, list(dict.fromkeys(i for i, _ in batch)))
        for contact_id, kind in batch:
            contact = people[contact_id]
            try:
                event = _yearly(contact, kind, ctx)
            except (OverflowError, ValueError):  # 9999-12-31: the day after it is no date
                ctx.left_out.append(f"#{contact_id} {contact['name']}: {kind}"
                                    f" {contact[kind]} is too close to the year 9999 to"
                                    " repeat: left out")
                continue
            yield f"{contact['uid']}-{kind}", [event]


def _followups(db: Database, first: date | None, last: date | None, ctx: Context
               ) -> Iterator[Item]:
    """People past their cadence by ``last`` (or the next month): overdue ones included,
    however early the window starts, because they are still to be done."""
    today = ctx.stamp.astimezone(ctx.tz).date()
    due = people_due(db, last or today + timedelta(days=FOLLOWUP_DAYS), ctx.tz)
    people = contact_queries.calendar_people(db, [d["id"] for d in due])
    for item in sorted(due, key=lambda d: (d["due"], d["title"].casefold())):
        uid = f"{people[item['id']]['uid']}-followup-{item['due']}"
        todo = new_component("VTODO", uid, ctx)
        put(todo, ("summary", f"Get in touch with {item['title']}"),
             ("due", date.fromisoformat(item["due"])), ("status", "NEEDS-ACTION"),
             ("categories", ["followup"]))
        mark(todo, "followup")
        yield uid, [todo]


def _campaigns(db: Database, first: date | None, last: date | None, ctx: Context
               ) -> Iterator[Item]:
    """One all-day VEVENT per day, campaign and step (``calendar_days.planned``), marked
    as derived: the campaign is the record, so reading the file back adds nothing."""
    today = ctx.stamp.astimezone(ctx.tz).date()
    for item in planned(db, first, last, ctx.tz, today):
        day = date.fromisoformat(item["date"])
        uid = f"{item['uid']}-step{item['step']}-{item['date']}"
        event = new_component("VEVENT", uid, ctx)
        put(event, ("summary", campaign_title(item)), ("dtstart", day),
             ("dtend", day + timedelta(days=1)), ("transp", "TRANSPARENT"),
             ("categories", ["campaign"]))
        mark(event, "campaign")
        yield uid, [event]


def _history(db: Database, first: date | None, last: date | None, ctx: Context
             ) -> Iterator[Item]:
    """Interaction history as journal entries, oldest first; with a window, those in it."""
    def edge(day: date | None) -> datetime | None:
        return None if day is None else datetime.combine(day, time(), ctx.tz)

    ids = history.entry_ids(db, since=edge(first),
                            until=edge(last + timedelta(days=1)) if last else None,
                            newest_first=False)
    yield from journal_components(db, ids, ctx)


def components_by_uid(db: Database, what: set[str], first: date | None, last: date | None,
                      tz: tzinfo, left_out: list[str] | None = None) -> Iterator[Item]:
    """Each exported item (``what``) as its UID and components, in a fixed order of kinds;
    a record that cannot be written (a date at the end of time) is named in ``left_out``."""
    unknown = set(what) - set(WHAT)
    if unknown:
        raise InvalidInput(f"cannot export '{', '.join(sorted(unknown))}' as iCalendar",
                           hint=f"choose from: {', '.join(WHAT)}")
    ctx = Context(db, tz, left_out)
    makers = {"events": _events, "tasks": _tasks, "history": _history,
              "birthdays": _birthdays, "followups": _followups, "campaigns": _campaigns}
    for kind in WHAT:  # a fixed order, whatever order ``what`` was given in
        if kind in what:
            yield from makers[kind](db, first, last, ctx)


def records_by_id(db: Database, kind: str, ids: list[int], tz: tzinfo
                  ) -> Iterator[tuple[int, str, list[Component]]]:
    """(id, UID, components) of these events or tasks (``kind``), each stamped with its
    own last change (DTSTAMP = LAST-MODIFIED, as RFC 5545 allows outside iTIP), so a
    record gives the same text until it changes: what a sync compares and sends."""
    ctx = Context(db, tz)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        records = events.fetch(db, chunk) if kind == "events" else tasks.fetch(db, chunk,
                                                                                tz=tz)
        raws = tasks.raw_lines(db, chunk) if kind == "tasks" else {}
        ctx.load(records)
        for record in records:
            ctx.stamp = from_utc_iso(record["updated"])
            if kind == "events":
                yield record["id"], record["uid"], _event(record, ctx)
            else:
                yield record["id"], record["uid"], [_task(record, raws.get(record["id"]),
                                                          ctx)]
