"""A VJOURNAL as a history entry (``calendar_apply`` reads the file and groups the
components): the calls, mails and meetings a teammate logged, come in through a calendar
server, or journal entries from any other program. ``journal_components`` says how an
entry is written; this reads it back the same way, so an entry that goes out and comes
back is unchanged, and what rolodex does not model stays in ``raw``, written back out.

An entry is about the people its ATTENDEEs name (by the card UID rolodex writes on each,
else by address) or the company it names; one about no one rolodex knows is skipped and
said, not made into history of nobody. A stored entry is merged with the file's as events
are (``calendar_merge``): a field changed here since the last import stays, and a file
that says otherwise is a conflict.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from rolodex.formats.ical_read import Item, categories_of, unmodelled
from rolodex.formats.ical_zones import attach
from rolodex.store import lookups, settings
from rolodex.store.activity import history
from rolodex.store.db import Database
from rolodex.sync.attendees import People
from rolodex.sync.calendar_merge import Skip, base_of, comparable, decide, fingerprint
from rolodex.sync.contact_merge import Change
from rolodex.sync.journal_components import X_UID, summary_of

JOURNAL_GROUPS = {"kind": ("kind",), "at": ("at",), "text": ("text",),
                  "duration": ("duration_minutes",), "direction": ("direction",),
                  "outcome": ("outcome",), "company": ("company_id",), "task": ("task_id",),
                  "user": ("user",), "unmodelled": ("raw",)}
# Read into the entry, or dropped because they change on every export (DTSTAMP...).
_ALWAYS = {"UID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "DTSTART", "DESCRIPTION",
           "ATTENDEE", "X-ROLODEX-USER"}
_MINUTES = re.compile(r"^PT(\d{1,6})M$")


def apply_journal(db: Database, item: Item, uid: str, people: People, on_match: str = "merge",
                  conflicts: list[Change] | None = None) -> str:
    """A VJOURNAL as a history entry: 'new', 'updated', 'unchanged' or 'skipped'."""
    from rolodex.dates import to_utc_iso

    at = _when(item)
    contact_ids, linked = people.link(item)
    values, modelled = _values(db, item)
    row = history.by_uid(db, uid)
    mail = _mail(db, item, row["id"] if row else None)
    modelled |= {"X-ROLODEX-MESSAGE-ID"} if mail else set()
    if not contact_ids and values["company_id"] is None:
        named = [str(p.params.get("CN") or p) for p in item.all("ATTENDEE")][:3]
        raise Skip("a journal entry about no one rolodex knows: "
                   + (", ".join(named) or "it names no one"))
    values["at"] = to_utc_iso(at)
    values["raw"] = unmodelled(item, modelled, linked, list(item.component.subcomponents))
    if row is None:
        entry_id = history.add_imported(db, uid, {**values, **mail}, contact_ids)
        fingerprint(db, "interactions", entry_id, comparable(values))
        return "new"
    if on_match == "skip":
        return "skipped"
    missing = [c for c in contact_ids if c not in history.linked_ids(db, row["id"])]
    local = comparable({k: row[k] for k in values})
    take, found = decide(local, comparable(values), base_of(row), JOURNAL_GROUPS, on_match)
    if conflicts is not None:
        conflicts += found
    if not take and not missing:
        return "unchanged"
    history.update_imported(db, row["id"], {k: values[k] for k in take}, missing)
    if take:
        fingerprint(db, "interactions", row["id"], comparable(values))
    return "updated"


def _when(item: Item) -> datetime:
    """When it happened: DTSTART (a date is that day's start in the calendar's zone, a
    floating time the calendar's time), else when it was written."""
    found = item.when("DTSTART") or item.when("CREATED")
    if found is None:
        raise Skip("a journal entry without DTSTART: no time to put it at")
    if not isinstance(found, datetime):
        found = datetime.combine(found, time())
    return attach(found, item.zones.default) if found.tzinfo is None else found


def _values(db: Database, item: Item) -> tuple[dict[str, Any], set[str]]:
    """The entry's fields, and the properties they hold (the rest stays in ``raw``)."""
    modelled = set(_ALWAYS)
    categories = categories_of(item)
    kinds = [k.lower() for k in settings.get(db, "history.kinds")]
    kind = next((c.lower() for c in categories if c.lower() in kinds), "note")
    if [c.lower() for c in categories] == [kind]:
        modelled.add("CATEGORIES")
    text = item.text("DESCRIPTION")
    summary = item.text("SUMMARY")
    if summary is None or summary == summary_of(kind, text):
        modelled.add("SUMMARY")  # none, or the one rolodex makes
    elif text is None:
        text = summary  # an entry with a title only: that is its text
        modelled.add("SUMMARY")
    values: dict[str, Any] = {"kind": kind, "text": text, "user": item.text("X-ROLODEX-USER")}
    minutes = _MINUTES.match(item.text("X-ROLODEX-DURATION") or "")
    values["duration_minutes"] = int(minutes[1]) if minutes and int(minutes[1]) else None
    direction = (item.text("X-ROLODEX-DIRECTION") or "").lower()
    values["direction"] = direction if direction in ("in", "out") else None
    values["outcome"] = item.text("X-ROLODEX-OUTCOME")
    values["company_id"] = _company(db, item)
    values["task_id"] = _task(db, item)
    for name, key in (("X-ROLODEX-DURATION", "duration_minutes"),
                      ("X-ROLODEX-DIRECTION", "direction"), ("X-ROLODEX-OUTCOME", "outcome"),
                      ("X-ROLODEX-COMPANY", "company_id"), ("RELATED-TO", "task_id")):
        if values[key] is not None or item.get(name) is None:
            modelled.add(name)  # read, or not there; else kept as it came
    return values, modelled


def _company(db: Database, item: Item) -> int | None:
    from rolodex.normalize import fold

    prop = item.get("X-ROLODEX-COMPANY")
    name = item.text("X-ROLODEX-COMPANY")
    if prop is None or name is None:
        return None
    uid = str(getattr(prop, "params", {}).get(X_UID, "")) or None
    return lookups.company_by_uid_or_name(db, uid, fold(name))


def _task(db: Database, item: Item) -> int | None:
    prop = item.get("RELATED-TO")
    if prop is None or len(item.all("RELATED-TO")) > 1 \
            or str(prop.params.get("RELTYPE", "PARENT")).upper() != "PARENT":
        return None
    row = lookups.task_by_uid(db, str(prop).strip())
    return row["id"] if row else None


def _mail(db: Database, item: Item, entry_id: int | None) -> dict[str, Any]:
    """The Message-ID a mail was logged under, unless another entry here has it (two
    teammates logged the same mail; the column is unique): the line then stays in raw."""
    message_id = item.text("X-ROLODEX-MESSAGE-ID")
    if message_id is None:
        return {}
    taken = history.logged_message(db, message_id)
    return {"message_id": message_id} if taken in (None, entry_id) else {}

