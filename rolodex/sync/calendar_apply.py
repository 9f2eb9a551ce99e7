"""Importing iCalendar files (.ics) into events and tasks, all or nothing.

Mirrors the vCard import (``sync/apply.py``): one transaction, a savepoint per UID,
so a bad item is skipped and listed (with ``strict``, aborts everything) without leaving
half of itself behind; a dry run does the work and rolls it back, so its summary is exact.
The UID is identity: importing a file again updates its items in place, never doubling them.

Times keep their meaning. All-day items stay dates. A TZID becomes the IANA zone the event
repeats in (Windows names from Outlook and vendor prefixes like ``/mozilla.org/...`` too), so
a weekly meeting stays at its local hour across clock changes; a zone only the file defines
still gives exact instants (the event then repeats in the user's zone). Floating times (no
TZID, no Z) stay floating: the same wall time in whatever zone the user is in, stored as
written (``store/when.py``) and exported without TZID or Z. X-WR-TIMEZONE wins over that: a
calendar that names its zone means its floating times are there (Google writes it so), and
they are pinned to it. A floating DUE is pinned to the calendar's (else the user's) zone: a
task is due at an instant. What rolodex does not model is kept in ``raw`` as iCalendar lines
and written back on export.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rolodex.errors import FileError, RolodexError
from rolodex.formats.ical_read import (
    Item,
    alarms_of,
    categories_of,
    decode,
    read_items,
    recurrence_key,
    same_kind_as,
    short,
    unmodelled,
)
from rolodex.formats.ical_zones import BAD_DATA
from rolodex.formats.incoming import Problem
from rolodex.formats.incoming_text import has_control
from rolodex.store import lookups, when
from rolodex.store.care.backups import bulk_write
from rolodex.store.db import Database
from rolodex.sync.attendees import People, address_of, likely_duplicates
from rolodex.sync.calendar_derived import own_items
from rolodex.sync.calendar_merge import (
    EVENT_GROUPS,
    Skip,
    base_of,
    comparable,
    decide,
    fingerprint,
)
from rolodex.sync.calendar_rules import event_rule
from rolodex.sync.calendar_tasks import apply_task
from rolodex.sync.contact_merge import Change
from rolodex.sync.journal_apply import apply_journal
from rolodex.sync.report import CalendarReport

ANSWERS = ("REPLY", "REFRESH", "COUNTER", "DECLINECOUNTER")  # iTIP: about an event, not one
# Properties rolodex models, or drops because they change on every export (DTSTAMP...).
_COMMON = {"UID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "SUMMARY", "DESCRIPTION", "STATUS",
           "CATEGORIES", "RRULE", "RECURRENCE-ID", "ATTENDEE"}
_EVENT_PROPS = _COMMON | {"DTSTART", "DTEND", "DURATION", "EXDATE", "RDATE", "LOCATION"}
KIND_OF = {"VEVENT": "events", "VTODO": "tasks", "VJOURNAL": "history"}
ONE = {"events": "event", "tasks": "task", "history": "history entry"}
_UID_NAMESPACE = uuid.UUID("0b7c9d4e-52a4-4c36-9f0e-3d6a8b1e7c21")
_EVENT_FIELDS = ("title", "start", "end", "tz", "rrule", "location", "notes", "categories",
                 "alarms", "rdates", "status", "raw")


class _Rollback(Exception):
    """Raised at the end of a dry run to undo everything it did."""


def import_calendar(db: Database, sources: list[tuple[str, bytes]], *, dry_run: bool = False,
                    strict: bool = False, create_contacts: bool = False,
                    encoding: str | None = None, on_match: str = "merge") -> CalendarReport:
    """Import the VEVENTs, VTODOs and VJOURNALs of ``sources`` ((name, bytes) pairs); items rolodex
    has (by UID) are merged, replaced or skipped as ``on_match`` says (``calendar_merge``).

    Attendees and organisers are linked to the contacts with their address; others are
    listed in ``unknown_people``, or created with ``create_contacts``.
    """
    from rolodex.dates import get_zone, system_zone
    from rolodex.store import settings

    name = settings.get(db, "timezone")
    user_zone = get_zone(name) if name else system_zone()
    report = CalendarReport(dry_run=dry_run)
    items: list[Item] = []
    for source, data in sources:
        found, problems = read_items(source, decode(source, data, encoding), user_zone)
        items += found
        report.failed += problems
    if strict and report.failed:
        raise _strict(report.failed[0])
    mine = {a.lower() for a in settings.get(db, "my.emails")}
    items = own_items(db, items, report.skipped)
    try:
        with bulk_write(db, f"import calendar ({len(items)} components)", "import",
                        dry_run=dry_run):
            for group in _groups(items, report).values():
                _one(db, group, report, strict, create_contacts, mine, on_match)
            report.duplicates = likely_duplicates(db, report.new_contacts)
            report.warnings += _zone_warnings(items)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _zone_warnings(items: list[Item]) -> list[Problem]:
    """Each file's zones read at a fixed offset (``Zones.refused``), once per calendar."""
    calendars = {id(item.zones): item for item in items}
    return [Problem(item.source, 0, line, reason) for item in calendars.values()
            for line, reason in item.zones.refused]


def _strict(problem: Problem) -> FileError:
    return FileError(f"{problem.source}: component {problem.index}, line {problem.line}: "
                     f"{problem.reason}", hint="nothing was imported (--strict)")


@dataclass
class _Group:
    """The components sharing a UID: the series, its changed occurrences, an iTIP CANCEL."""

    uid: str
    first: Item
    master: Item | None = None
    overrides: dict[str, Item] = field(default_factory=dict)
    cancelled: bool = False


def _groups(items: list[Item], report: CalendarReport) -> dict[tuple[str, str], _Group]:
    """By kind and UID, in file order; a later copy of a component replaces an earlier
    one. iTIP answers (REPLY...) carry attendance, not events: skipped."""
    groups: dict[tuple[str, str], _Group] = {}
    for item in items:
        if item.method in ANSWERS:
            report.skipped.append(Problem(item.source, item.index, item.line,
                                          f"an iTIP {item.method} is an answer, not an item"))
            continue
        uid = str(item.get("UID") or "").strip() or _stable_uid(item.component)
        if has_control(uid):  # no such UID: a file or app could never name it back
            report.failed.append(Problem(item.source, item.index, item.line,
                                         f"UID {uid!r} has a control character"))
            continue
        group = groups.setdefault((item.kind, uid), _Group(uid, item))
        rid = item.get("RECURRENCE-ID")
        if rid is not None:
            group.overrides[str(rid.to_ical() if hasattr(rid, "to_ical") else rid)] = item
        elif item.method == "CANCEL":
            group.cancelled = True
        else:
            group.master = item
    return groups


def _stable_uid(component: Any) -> str:
    """A UID for an item without one, the same every time the same file is imported."""
    text = re.sub(r"(?im)^DTSTAMP[:;].*$", "", component.to_ical().decode("utf-8", "replace"))
    return str(uuid.uuid5(_UID_NAMESPACE, text))


def _one(db: Database, group: _Group, report: CalendarReport, strict: bool,
         create: bool, mine: set[str], on_match: str) -> None:
    people = People(db, create, mine)
    first = group.master or group.first
    warnings: list[str] = []
    conflicts: list[Change] = []
    try:
        with db.savepoint("calendar_item"):
            kind = KIND_OF[first.kind]
            if kind == "history":
                actions = [apply_journal(db, group.master or first, group.uid, people,
                                         on_match, conflicts)]
            elif group.master is None and all(i.method == "CANCEL"
                                              for i in group.overrides.values()):
                actions = [_cancel_stored(db, group, kind)]
            elif kind == "tasks":
                actions = [apply_task(db, group.master or first, group.uid, group.cancelled,
                                      people, warnings, on_match, conflicts)]
            else:
                series = _event_series(group, people)
                actions = [_save_event(db, uid, values, on_match, conflicts)
                           for uid, values in series]
                warnings = [values["warning"] for _, values in series if values["warning"]]
        for action in actions:
            if action == "skipped":
                raise Skip(f"rolodex has this {ONE[kind]} (--on-match skip)")
            setattr(report, f"{kind}_{action}", getattr(report, f"{kind}_{action}") + 1)
    except (Skip, RolodexError, *BAD_DATA) as exc:
        reason = exc.message if isinstance(exc, RolodexError) else short(exc)
        problem = Problem(first.source, first.index, first.line, reason)
        if isinstance(exc, Skip):
            report.skipped.append(problem)
            return
        if strict:
            raise _strict(problem) from exc
        report.failed.append(problem)
        return
    report.warnings += [Problem(first.source, first.index, first.line, w) for w in warnings]
    report.conflicts += [{"source": first.source, "index": first.index, "line": first.line,
                          "uid": group.uid, "kind": ONE[kind],
                          "title": first.text("SUMMARY") or "(no title)", "field": c.field,
                          "local": c.local, "value": c.value} for c in conflicts]
    report.new_contacts += people.created
    listed = {address_of(p) for p in report.unknown_people}
    for person in people.unknown:
        if address_of(person) not in listed:
            report.unknown_people.append(person)
            listed.add(address_of(person))


def _cancel_stored(db: Database, group: _Group, kind: str) -> str:
    """An iTIP CANCEL for an item imported before: cancel it, or the occurrences named."""
    from rolodex.store.activity import events, tasks

    found = lookups.task_by_uid(db, group.uid) if kind == "tasks" else \
        lookups.event_by_uid(db, group.uid)
    if found is None:
        raise Skip(f"cancels {group.uid}, which is not in rolodex")
    row = found if kind == "tasks" else events.get_row(db, found)
    if kind == "tasks":
        tasks.set_status(db, row["id"], "cancelled")
    elif group.cancelled:
        events.update_event(db, row["id"], {"status": "cancelled"})
    for item in group.overrides.values() if kind == "events" else ():
        start = when.decode(row["start"], ZoneInfo(row["tz"]) if row["tz"] else None)
        original = same_kind_as(item.when("RECURRENCE-ID"), start)  # type: ignore[arg-type]
        events.set_exception(db, row["id"], when.encode(original), None, None)
    return "updated"


def _span(item: Item) -> tuple[date | datetime, date | datetime]:
    """DTSTART and the end: DTEND, else DURATION, else a day for a date and no time for a
    time (RFC 5545); an all-day DTEND equal to DTSTART means that one day."""
    start = item.when("DTSTART")
    if start is None:
        raise Skip(f"a {item.kind} without DTSTART: nothing to place in the calendar")
    end = item.when("DTEND")
    if isinstance(end, datetime) and isinstance(start, datetime):  # one floating, one not
        end = same_kind_as(end, start)
    length = getattr(item.get("DURATION"), "dt", None)
    if end is None and isinstance(length, timedelta):
        end = start + (length if isinstance(start, datetime) else
                       timedelta(days=max(length.days, 1)))
    if end is None or (end == start and not isinstance(start, datetime)):
        end = start if isinstance(start, datetime) else start + timedelta(days=1)
    return start, end


def _event_values(item: Item, people: People) -> dict[str, Any]:
    start, end = _span(item)
    tz = item.zones.name(item.get("DTSTART"), bool(item.get("RRULE"))) \
        if isinstance(start, datetime) else None
    exdates = [same_kind_as(v, start) for v in item.whens("EXDATE")]
    rule, warning = event_rule(item, start, tz, exdates)
    # A rule rolodex cannot expand (RSCALE) stays in raw: the event shows its first
    # occurrence here, and calendar apps get the rule back on export.
    modelled = _EVENT_PROPS if rule or not item.all("RRULE") else _EVENT_PROPS - {"RRULE"}
    contact_ids, linked = people.link(item)
    alarms, kept = alarms_of(item)
    status = "CANCELLED" if item.method == "CANCEL" else item.text("STATUS")
    return {
        "title": item.text("SUMMARY") or "(no title)", "start": start, "end": end,
        "tz": tz,
        "rrule": rule, "location": item.text("LOCATION"), "notes": item.text("DESCRIPTION"),
        "categories": categories_of(item), "alarms": alarms,
        "rdates": list(dict.fromkeys(same_kind_as(v, start) for v in item.whens("RDATE"))),
        "status": status.lower() if status else None,
        "raw": unmodelled(item, modelled, linked, kept), "contacts": contact_ids,
        "shift": timedelta(0),
        "exceptions": {when.encode(v): (None, None, None, None) for v in exdates},
        "warning": warning}


def _event_series(group: _Group, people: People) -> list[tuple[str, dict[str, Any]]]:
    """(UID, values) per series: the master with its moved and cancelled occurrences. A
    RANGE=THISANDFUTURE override starts a series of its own (see ``_split``); overrides
    without a master in the import are one-off events."""
    overrides = sorted(group.overrides.values(),
                       key=lambda i: when.encode(i.when("RECURRENCE-ID")) or "")
    if group.master is None:
        return [(group.uid if len(overrides) == 1 else f"{group.uid}-{recurrence_key(i)}",
                 _event_values(i, people)) for i in overrides if i.method != "CANCEL"]
    series = [(group.uid, _event_values(group.master, people))]
    if group.cancelled:
        series[0][1]["status"] = "cancelled"
    for item in overrides:
        uid, master = series[-1]
        # The ID names an occurrence of the master's rule: where a split series shifted it.
        rid = same_kind_as(item.when("RECURRENCE-ID"), master["start"]) + master["shift"]  # type: ignore
        original = when.encode(rid)
        if item.method == "CANCEL" or item.text("STATUS") == "CANCELLED":
            master["exceptions"][original] = (None, None, None, None)
            continue
        values = _event_values(item, people)
        if str(item.get("RECURRENCE-ID").params.get("RANGE", "")).upper() == "THISANDFUTURE":
            series[-1:] = _split(uid, master, rid, values, f"{group.uid}-{recurrence_key(item)}")
        elif (values["start"], values["end"], values["title"], values["location"]) != (
                rid, rid + (master["end"] - master["start"]), master["title"],
                master["location"]):
            master["exceptions"][original] = (
                when.encode(values["start"]), when.encode(values["end"]),
                None if values["title"] == master["title"] else values["title"],
                None if values["location"] == master["location"] else values["location"])
    return series


def _split(uid: str, master: dict[str, Any], rid: date | datetime, values: dict[str, Any],
           new_uid: str) -> list[tuple[str, dict[str, Any]]]:
    """THISANDFUTURE: the master keeps the occurrences before ``rid`` (a COUNT of them,
    exact whatever its rule said); a new series ``new_uid`` (``<UID>-<RECURRENCE-ID>``)
    starts at the override with the master's rule, and the exceptions after ``rid`` move
    to it, shifted as the override is. Without a rule the override is the event itself."""
    from rolodex.recurrence import occurrences
    from rolodex.recurrence_rules import parse_rule

    if not master["rrule"]:
        return [(uid, {**values, "exceptions": master["exceptions"]})]
    start = master["start"]
    before = len(occurrences(master["rrule"], start, start, rid, duration=timedelta(0),
                             tz=start.tzinfo if isinstance(start, datetime) else None))
    parts = dict(p.split("=", 1) for p in master["rrule"].split(";"))
    count = int(parts.pop("COUNT", 0))
    delta = values["start"] - rid
    moved = {k: v for k, v in master["exceptions"].items() if k >= when.encode(rid)}
    rest = {**parts, **({"COUNT": str(count - before)} if count else {})}
    values.update(rrule=None if count and count <= before else parse_rule(
        ";".join(f"{k}={v}" for k, v in rest.items())), tz=values["tz"] or master["tz"],
        exceptions={when.encode(when.decode(k) + delta): v for k, v in moved.items()},
        shift=master["shift"] + delta)
    if before == 0:
        return [(uid, values)]
    parts.pop("UNTIL", None)
    master["rrule"] = parse_rule(";".join(f"{k}={v}" for k, v in parts.items())
                                 + f";COUNT={before}")
    master["exceptions"] = {k: v for k, v in master["exceptions"].items() if k not in moved}
    return [(uid, master), (new_uid, values)]


def _save_event(db: Database, uid: str, values: dict[str, Any], on_match: str,
                conflicts: list[Change]) -> str:
    """'new', 'updated', 'unchanged' or 'skipped' (``--on-match skip``); a stored event is
    merged with the file's as ``calendar_merge`` says, its conflicts added to
    ``conflicts``."""
    from rolodex.store import journal
    from rolodex.store.activity import events

    fields = {k: values[k] for k in _EVENT_FIELDS}
    exceptions = sorted((k, *v) for k, v in values["exceptions"].items())
    incoming = comparable({**fields, "start": when.encode(values["start"]),
                           "end": when.encode(values["end"]),
                           "rdates": list(map(when.encode, values["rdates"])),
                           "exceptions": exceptions})
    existing = lookups.event_by_uid(db, uid)
    if existing is None:
        event_id = events.add_event(db, fields.pop("title"), uid=uid,
                                    contact_ids=values["contacts"], **fields)
        _set_exceptions(db, event_id, exceptions)
        fingerprint(db, "events", event_id, incoming)
        return "new"
    if on_match == "skip":
        return "skipped"
    old = events.fetch(db, [existing])[0]
    missing = [c for c in values["contacts"] if c not in {p["id"] for p in old["contacts"]}]
    local = comparable({**{k: old[k] for k in _EVENT_FIELDS}, "exceptions": [
        (e["original"], e["start"], e["end"], e["title"], e["location"])
        for e in old["exceptions"]]})
    take, found = decide(local, incoming, base_of(events.get_row(db, existing)),
                         EVENT_GROUPS, on_match)
    conflicts += found
    if not take and not missing:
        return "unchanged"
    events.update_event(db, existing, {k: fields[k] for k in take if k in fields},
                        add_contacts=missing)
    if "exceptions" in take:
        journal.delete_where(db, "event_exceptions", "event_id", existing)
        _set_exceptions(db, existing, exceptions)
    if take:
        fingerprint(db, "events", existing, incoming)
    return "updated"


def _set_exceptions(db: Database, event_id: int, exceptions: list[tuple]) -> None:
    from rolodex.store.activity import events

    for original, start, end, title, location in exceptions:
        events.set_exception(db, event_id, original, start, end, title=title,
                             location=location)
