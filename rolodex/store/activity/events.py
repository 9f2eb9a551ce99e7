"""Calendar events: one-off or recurring, all-day or timed, with skipped and moved dates.

A timed event keeps its start as a UTC instant plus the zone it recurs in, so a weekly
16:15 meeting in Europe/Berlin stays at 16:15 local across daylight-saving changes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from rolodex.dates import get_zone
from rolodex.errors import InvalidInput, NotFound
from rolodex.store import journal, records, when
from rolodex.store.db import Database


def get_row(db: Database, event_id: int) -> Any:
    row = db.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        raise NotFound(f"no event #{event_id}")
    return row


def _check_span(start: date | datetime, end: date | datetime) -> None:
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise InvalidInput("an event is either all-day (dates) or timed (times), not both")
    if end < start or (not isinstance(start, datetime) and end == start):
        raise InvalidInput("an event must end after it starts")


EXTRA = ("categories", "alarms", "rdates", "status", "raw")  # kept for iCalendar files


def _extra(values: dict[str, Any]) -> dict[str, Any]:
    """categories (strings), alarms (minutes before the start), rdates (dates or aware
    times) as JSON; status and raw (unmodelled iCalendar lines) as text."""
    out = {}
    for key in EXTRA:
        if key not in values:
            continue
        value = values[key]
        if key == "rdates" and value:
            value = [when.encode(v) for v in value]
        if key in ("categories", "alarms", "rdates"):
            value = json.dumps(list(value)) if value else None
        out[key] = value or None
    return out


def add_event(db: Database, title: str, *, start: date | datetime, end: date | datetime,
              tz: str | None = None, rrule: str | None = None, location: str | None = None,
              notes: str | None = None, contact_ids: Sequence[int] = (),
              uid: str | None = None, **extra: Any) -> int:
    """Create an event; ``start``/``end`` are dates (all-day, end exclusive) or aware times.

    ``extra`` takes the iCalendar fields of EXTRA (see ``_extra``).
    """
    title = records.clean(title) or ""
    if not title:
        raise InvalidInput("an event needs a title")
    _check_span(start, end)
    stamp = records.timestamp()
    with db.write(f"add event {title}"):
        event_id = journal.insert(db, "events", {
            "uid": uid or records.new_uid(), "title": title, "start": when.encode(start),
            "end": when.encode(end), "all_day": int(not isinstance(start, datetime)),
            "tz": tz if isinstance(start, datetime) else None, "rrule": rrule,
            "location": records.clean(location), "notes": records.clean(notes),
            **_extra(extra), "created": stamp, "updated": stamp})
        for contact_id in dict.fromkeys(contact_ids):
            journal.insert(db, "event_contacts", {"event_id": event_id,
                                                  "contact_id": contact_id})
    return event_id


def update_event(db: Database, event_id: int, values: dict[str, Any], *,
                 add_contacts: Sequence[int] = (), remove_contacts: Sequence[int] = ()) -> None:
    old = get_row(db, event_id)
    row = {k: v for k, v in values.items() if k not in EXTRA}
    row.update(_extra(values))
    if "start" in row or "end" in row:
        start = row.get("start", when.decode(old["start"]))
        end = row.get("end", when.decode(old["end"]))
        _check_span(start, end)
        row["start"], row["end"] = when.encode(start), when.encode(end)
        row["all_day"] = int(not isinstance(start, datetime))
    if "title" in row and not records.clean(row["title"]):
        raise InvalidInput("an event needs a title")
    with db.write(f"edit event #{event_id}"):
        journal.update(db, "events", event_id, {**row, "updated": records.timestamp()})
        records.relink(db, "event_contacts", "event_id", event_id, add_contacts,
                       remove_contacts)


def delete_event(db: Database, event_id: int) -> None:
    get_row(db, event_id)
    with db.write(f"delete event #{event_id}"):
        journal.delete(db, "events", event_id)  # with its links and changed occurrences


def _nominal(db: Database, event: Any, day: date, tz: tzinfo) -> date | datetime:
    """The nominal start of the occurrence of ``event`` on local ``day`` (or raise)."""
    from rolodex.recurrence import occurrences

    start = when.decode(event["start"], _zone(event, tz))
    if not event["rrule"]:
        raise InvalidInput(f"event #{event['id']} does not repeat; edit or remove it instead")
    found = occurrences(event["rrule"], start, day, day + timedelta(days=1),
                        tz=_zone(event, tz), duration=timedelta(0))
    found = [o for o in found if _local_day(o.original, tz) == day]
    if not found:
        raise NotFound(f"event #{event['id']} has no occurrence on {day.isoformat()}")
    return found[0].original


def _local_day(value: date | datetime, tz: tzinfo) -> date:
    return value.astimezone(tz).date() if isinstance(value, datetime) else value


def _zone(event: Any, fallback: tzinfo) -> tzinfo:
    return get_zone(event["tz"]) if event["tz"] else fallback


def skip(db: Database, event_id: int, day: date, tz: tzinfo) -> None:
    """Cancel the occurrence of a recurring event on local ``day``."""
    event = get_row(db, event_id)
    original = when.encode_as(_nominal(db, event, day, tz), event["start"], tz)
    set_exception(db, event_id, original, None, None)


def move(db: Database, event_id: int, day: date, new_start: date | datetime,
         tz: tzinfo) -> None:
    """Move the occurrence on local ``day`` to ``new_start``, keeping its length."""
    event = get_row(db, event_id)
    length = when.decode(event["end"]) - when.decode(event["start"])
    if isinstance(new_start, datetime) != bool(not event["all_day"]):
        raise InvalidInput("give a time for a timed event and a date for an all-day one")
    original = when.encode_as(_nominal(db, event, day, tz), event["start"], tz)
    set_exception(db, event_id, original, when.encode_as(new_start, event["start"], tz),
                   when.encode_as(new_start + length, event["start"], tz))


def set_exception(db: Database, event_id: int, original: str, start: str | None,
                  end: str | None, **changed: str | None) -> None:
    """Record one changed occurrence (by its nominal start, encoded): moved to start/end,
    cancelled when ``start`` is None; ``changed`` may give its own title or location."""
    existing = db.execute("SELECT id FROM event_exceptions WHERE event_id = ? AND original = ?",
                          (event_id, original)).fetchone()
    with db.write(f"change occurrence of event #{event_id}"):
        values = {"start": start, "end": end, **{k: changed.get(k) for k in ("title",
                                                                              "location")}}
        if existing:
            journal.update(db, "event_exceptions", existing[0], values)
        else:
            journal.insert(db, "event_exceptions", {"event_id": event_id, "original": original,
                                                    **values})
        journal.update(db, "events", event_id, {"updated": records.timestamp()})


def contacts_of(db: Database, event_ids: list[int]) -> dict[int, list[dict]]:
    return records.linked_contacts(db, "event_contacts", "event_id", event_ids)


def fetch(db: Database, ids: list[int]) -> list[dict[str, Any]]:
    """Event records (not occurrences): the documented event JSON shape plus exceptions."""
    rows = {r["id"]: r for chunk in records.chunks(ids) for r in db.execute(
        f"SELECT * FROM events WHERE id IN ({', '.join('?' * len(chunk))})", chunk)}
    ids = [i for i in ids if i in rows]
    people = contacts_of(db, ids)
    exceptions: dict[int, list[dict]] = {i: [] for i in ids}
    for chunk in records.chunks(ids):
        for r in db.execute(f"SELECT * FROM event_exceptions WHERE event_id IN"
                            f" ({', '.join('?' * len(chunk))}) ORDER BY original", chunk):
            exceptions[r["event_id"]].append({
                "original": r["original"], "start": r["start"], "end": r["end"],
                "cancelled": r["start"] is None, "title": r["title"],
                "location": r["location"]})
    return [{**_base(rows[i], people[i]), "notes": rows[i]["notes"],
             "exceptions": exceptions[i], **_read_extra(rows[i]),
             "created": rows[i]["created"], "updated": rows[i]["updated"]} for i in ids]


def _read_extra(row: Any) -> dict[str, Any]:
    return {"categories": json.loads(row["categories"] or "[]"),
            "alarms": json.loads(row["alarms"] or "[]"),
            "rdates": json.loads(row["rdates"] or "[]"), "status": row["status"],
            "raw": row["raw"]}


def _base(row: Any, people: list[dict]) -> dict[str, Any]:
    return {"id": row["id"], "uid": row["uid"], "title": row["title"], "start": row["start"],
            "end": row["end"], "all_day": bool(row["all_day"]), "tz": row["tz"],
            "rrule": row["rrule"], "contacts": people, "location": row["location"]}


OCCURRENCE_KEYS = ("id", "uid", "title", "start", "end", "all_day", "tz", "rrule", "contacts",
                   "location", "original", "moved")


def occurrences(db: Database, first: date, last: date, tz: tzinfo,
                contact_id: int | None = None) -> list[dict[str, Any]]:
    """Every occurrence on local days ``first`` to ``last`` (inclusive), recurring events
    expanded with their skipped and moved dates, sorted by start."""
    from rolodex.recurrence import occurrences as expand

    window_start, window_end = first, last + timedelta(days=1)
    margin_lo = (first - timedelta(days=2)).isoformat()
    margin_hi = (last + timedelta(days=2)).isoformat()
    # A series never occurs before its start unless an occurrence was moved: one that
    # starts after the window (with no moved occurrences) is not expanded at all.
    where = ("((rrule IS NOT NULL AND (start <= ? OR id IN (SELECT event_id FROM"
             " event_exceptions))) OR (start <= ? AND end >= ?))")
    params: list[Any] = [margin_hi + "T", margin_hi + "T", margin_lo]
    if contact_id is not None:
        where += " AND id IN (SELECT event_id FROM event_contacts WHERE contact_id = ?)"
        params.append(contact_id)
    rows = db.query(f"SELECT * FROM events WHERE {where}", params)
    exceptions: dict[int, list[Any]] = {}
    for r in db.query("SELECT * FROM event_exceptions"):
        exceptions.setdefault(r["event_id"], []).append(r)
    people = contacts_of(db, [r["id"] for r in rows])
    timed_window = _sort_key(window_start, tz), _sort_key(window_end, tz)
    out = []
    for row in rows:
        zone = _zone(row, tz)
        start, end = when.decode(row["start"], zone), when.decode(row["end"], zone)
        exdates = [when.decode(e["original"], zone) for e in exceptions.get(row["id"], [])
                   if e["start"] is None]
        changed = {when.decode(e["original"], zone): e
                   for e in exceptions.get(row["id"], []) if e["start"] is not None}
        moved = {original: (when.decode(e["start"], zone), when.decode(e["end"], zone))
                 for original, e in changed.items()}
        if isinstance(start, datetime):
            lo, hi = timed_window
        else:
            lo, hi = window_start, window_end
        for occ in expand(row["rrule"], start, lo, hi, tz=zone,
                          exdates=exdates, moved=moved, duration=end - start):
            # A changed occurrence may carry its own title and place (an imported
            # RECURRENCE-ID with its own SUMMARY): it shows them, not the series'.
            own = changed.get(occ.original) if occ.moved else None
            out.append({**_base(row, people[row["id"]]), "start": when.encode(occ.start),
                        "end": when.encode(occ.end), "original": when.encode(occ.original),
                        "moved": occ.moved, "_sort": _sort_key(occ.start, tz),
                        **{k: own[k] for k in ("title", "location") if own and own[k]}})
    out.sort(key=lambda o: (o.pop("_sort"), o["id"]))
    return out


def _sort_key(value: date | datetime, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value
    from rolodex.dates import start_of_day

    return start_of_day(value, tz)


def series(db: Database) -> list[Any]:
    """Every event's id, start, zone, rule and extra dates, for window checks."""
    return db.query("SELECT id, start, tz, rrule, rdates FROM events ORDER BY start, id")
