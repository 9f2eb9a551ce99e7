"""Interaction history as iCalendar VJOURNAL components, so that a calendar server carries
the calls, mails and meetings one teammate logged to the others (``rolodex sync``), and
``export ics --what history`` writes them for any program that reads journal entries.

RFC 5545 defines a VJOURNAL as descriptive text tied to a calendar date: what a logged call
is. One entry is one VJOURNAL:

- ``UID``; ``DTSTART``, when it happened (UTC); ``DESCRIPTION``, its text; ``CATEGORIES``,
  its kind (call, email, meeting...); ``SUMMARY``, the kind and the text's first line (made
  from them, so other programs list something readable; not stored);
- one ``ATTENDEE`` per person it is about: their name (``CN``), their address (``mailto:``,
  else their UID as a URI) and ``X-ROLODEX-UID``, their card's UID, by which another
  rolodex finds them whether or not they have an address;
- ``RELATED-TO``: the UID of the task whose completion logged it;
- what RFC 5545 has no property for, as ``X-ROLODEX-`` properties: ``COMPANY`` (its name,
  ``X-ROLODEX-UID`` its UID), ``DIRECTION`` (in, out), ``OUTCOME``, ``DURATION`` (a
  VJOURNAL may not carry DURATION), ``USER`` (who logged it), ``MESSAGE-ID`` (the mail it
  was logged from);
- and the lines an entry brought from elsewhere that rolodex does not model, as they came.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from rolodex.dates import from_utc_iso
from rolodex.formats.ical_write import Component
from rolodex.store.activity import history
from rolodex.store.db import Database
from rolodex.sync.ical_build import Context, add_raw, new_component, put

X_UID = "X-ROLODEX-UID"
SUMMARY_WIDTH = 72  # a summary is a title: the text's first line, cut to a list's width
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
BATCH = 500


def summary_of(kind: str, text: str | None) -> str:
    """What an entry is called in other programs: 'Call: talked pricing'. A SUMMARY equal
    to this says nothing the entry does not (an import does not keep it)."""
    first = (text or "").strip().split("\n", 1)[0].strip()
    if len(first) > SUMMARY_WIDTH:
        first = first[:SUMMARY_WIDTH - 1].rstrip() + "…"
    label = kind[:1].upper() + kind[1:]
    return f"{label}: {first}" if first else label


def person_address(uid: str, email: str | None) -> str:
    """An ATTENDEE's value: the person's address, else their UID as a URI (a calendar
    user address must be one)."""
    if email:
        return f"mailto:{email}"
    if _URI.match(uid):
        return uid
    try:
        return UUID(uid).urn
    except ValueError:
        from urllib.parse import quote

        return "urn:x-rolodex-uid:" + quote(uid, safe="")


def safe_param(value: str) -> bool:
    """A parameter value iCalendar can carry: no DQUOTE, no control character."""
    return not re.search(r'["\x00-\x1f\x7f]', value)


def journal_component(entry: dict[str, Any], extra: dict[str, Any], ctx: Context
                      ) -> Component:
    """One history entry (``history.fetch_entries``' shape, plus ``history.export_fields``)
    as a VJOURNAL."""
    journal = new_component("VJOURNAL", entry["uid"], ctx,
                            {"created": extra["created"], "updated": None})
    raw = extra["raw"] or ""
    kept = {line.split(":", 1)[0].split(";", 1)[0].upper() for line in raw.splitlines()}
    put(journal, ("dtstart", from_utc_iso(entry["at"])),
        ("summary", None if "SUMMARY" in kept else summary_of(entry["kind"], entry["text"])),
        ("description", entry["text"]),
        ("categories", None if "CATEGORIES" in kept else [entry["kind"]]))
    for contact in entry["contacts"]:
        name, email = ctx.people.get(contact["id"], (contact["name"], None))
        uid = ctx.uids.get(contact["id"])
        if uid is None:
            continue
        params = {"CN": name}
        if safe_param(uid):
            params[X_UID] = uid
        journal.add("attendee", person_address(uid, email), parameters=params)
    put(journal, ("related-to", extra["task_uid"]))
    if entry["company"]:
        params = {X_UID: extra["company_uid"]} if safe_param(extra["company_uid"]) else {}
        journal.add("x-rolodex-company", entry["company"], parameters=params)
    minutes = entry["duration_minutes"]
    put(journal, ("x-rolodex-direction", entry["direction"]),
        ("x-rolodex-outcome", entry["outcome"]),
        ("x-rolodex-duration", f"PT{minutes}M" if minutes else None),
        ("x-rolodex-user", entry["user"]), ("x-rolodex-message-id", extra["message_id"]))
    add_raw(journal, raw)
    return journal


def journals(db: Database, ids: list[int], ctx: Context, *, own_stamps: bool = False
             ) -> Iterator[tuple[int, str, Component]]:
    """(id, UID, VJOURNAL) of the entries ``ids``, in that order, a batch at a time.
    ``own_stamps``: each entry's DTSTAMP is its CREATED (an entry has no later change to
    stamp it with, RFC 5545 allows it outside iTIP), so an entry gives the same text until
    it changes: what a sync compares and sends (as ``records_by_id`` for events)."""
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        entries = list(history.fetch_entries(db, chunk))
        extras = history.export_fields(db, chunk)
        ctx.load(entries)
        for entry in entries:
            extra = extras[entry["id"]]
            if own_stamps:
                ctx.stamp = from_utc_iso(extra["created"])
            yield entry["id"], entry["uid"], journal_component(entry, extra, ctx)


def journal_components(db: Database, ids: list[int], ctx: Context
                       ) -> Iterator[tuple[str, list[Component]]]:
    """(UID, [VJOURNAL]) of the entries ``ids``: ``components_by_uid``'s shape."""
    for _, uid, journal in journals(db, ids, ctx):
        yield uid, [journal]
