"""A VTODO as a task (``calendar_apply`` reads the file and groups the components).
The file wins on what it says; what a task cannot hold stays in raw, except what only
repeats the task (so rolodex's own export reads back unchanged)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from rolodex.formats.ical_read import Item, categories_of, unmodelled
from rolodex.formats.ical_zones import attach
from rolodex.store import lookups, when
from rolodex.store.db import Database
from rolodex.sync.attendees import People
from rolodex.sync.calendar_merge import TASK_GROUPS, base_of, comparable, decide, fingerprint
from rolodex.sync.calendar_rules import event_rule
from rolodex.sync.contact_merge import Change

# Properties a task models, or drops because they change on every export (DTSTAMP...).
_TASK_PROPS = {"UID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "SUMMARY", "DESCRIPTION", "STATUS",
               "CATEGORIES", "RRULE", "RECURRENCE-ID", "ATTENDEE", "DUE", "PRIORITY",
               "COMPLETED"}
_PRIORITY = {**dict.fromkeys(range(1, 5), "high"), **dict.fromkeys(range(6, 10), "low")}


def _implied(item: Item, start: date | datetime | None, due: date | datetime | None
             ) -> set[str]:
    """Task properties that say nothing the task does not: DTSTART (+ DURATION) when it
    is how the task is due, DTSTART equal to DUE (written for a rule to expand from),
    PERCENT-COMPLETE:100 on a completed task. Kept in raw, they would make a re-import
    of rolodex's own export an update."""
    implied = set() if item.get("DUE") else {"DTSTART", "DURATION"}
    if start is not None and start == due:
        implied.add("DTSTART")
    if (item.text("STATUS") or "").upper() == "COMPLETED" \
            and item.text("PERCENT-COMPLETE") == "100":
        implied.add("PERCENT-COMPLETE")
    return implied


def apply_task(db: Database, item: Item, uid: str, cancelled: bool, people: People,
               warnings: list[str], on_match: str = "merge",
               conflicts: list[Change] | None = None) -> str:
    """A VTODO as a task: 'new', 'updated', 'unchanged' or 'skipped'; a stored task is
    merged with the file's as ``calendar_merge`` says (a task finished in rolodex stays
    finished), its conflicts added to ``conflicts``. Changed occurrences of a repeating
    VTODO are not kept: rolodex holds one open instance of a repeating task. What the
    import report should say about it is added to ``warnings``."""
    from rolodex.dates import now, to_utc_iso
    from rolodex.store.activity import tasks

    # A task is due at an instant: a floating DUE is the calendar's (the user's) time.
    due, start = (attach(v, item.zones.default) if isinstance(v, datetime) and v.tzinfo is None
                  else v for v in (item.when("DUE"), item.when("DTSTART")))
    length = getattr(item.get("DURATION"), "dt", None)
    if due is None and start is not None:  # DTSTART (+ DURATION) is when it is due
        due = start + length if isinstance(length, timedelta) else start
    number = str(item.get("PRIORITY") or "0").strip()
    contact_ids, linked = people.link(item)
    rule, warning = event_rule(item, due, None, [])
    warnings += [warning] if warning else []
    modelled = (_TASK_PROPS - ({"RRULE"} if warning else set())) | _implied(item, start, due)
    values = {"title": item.text("SUMMARY") or "(no title)", "due": due,
              "priority": _PRIORITY.get(int(number) if number.isdigit() else 0, "normal"),
              "rrule": rule, "notes": item.text("DESCRIPTION"),
              "categories": categories_of(item),
              "raw": unmodelled(item, modelled, linked, list(item.component.subcomponents))}
    status = {"COMPLETED": "done", "CANCELLED": "cancelled"}.get(
        "CANCELLED" if cancelled else (item.text("STATUS") or "").upper(), "open")
    row = lookups.task_by_uid(db, uid)
    done = item.when("COMPLETED")
    if status == "done" and not isinstance(done, datetime):  # keep the first import's time
        done = row["completed"] if row and row["status"] == "done" else now()
    state = {"status": status, "completed": (to_utc_iso(done) if isinstance(done, datetime)
                                             else done) if status == "done" else None}
    wanted = {**values, **state, "due": when.encode(due),
              "categories": json.dumps(values["categories"]) if values["categories"] else None}
    if row is None:
        task_id = tasks.add_task(db, values.pop("title"), uid=uid, kind="todo",
                                 contact_ids=contact_ids, **values)
        if status != "open":
            tasks.update_task(db, task_id, state)
        fingerprint(db, "tasks", task_id, comparable(wanted))
        return "new"
    if on_match == "skip":
        return "skipped"
    if status == "done" and row["status"] == "done" and values["rrule"] is None \
            and not item.get("RRULE"):
        # The export leaves the rule off a finished instance (its successor carries the
        # series on): its absence there is no change to the rule it finished under.
        values["rrule"] = wanted["rrule"] = row["rrule"]
    missing = [c for c in contact_ids
               if c not in {p["id"] for p in tasks.contacts_of(db, [row["id"]])[row["id"]]}]
    local = comparable({k: row[k] for k in wanted})
    take, found = decide(local, comparable(wanted), base_of(row), TASK_GROUPS, on_match)
    if conflicts is not None:
        conflicts += found
    if not take and not missing:
        return "unchanged"
    typed = {**values, **state}
    tasks.update_task(db, row["id"], {k: typed[k] for k in take}, add_contacts=missing)
    if take:
        fingerprint(db, "tasks", row["id"], comparable(wanted))
    return "updated"
