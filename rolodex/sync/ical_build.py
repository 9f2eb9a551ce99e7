"""What every iCalendar component rolodex writes is made with: the export's context (its
instant, zones, the linked people as ATTENDEEs), ``put`` for values that may be empty, a
new component with the properties every item carries, and ``add_raw`` for the lines rolodex
keeps but does not model. Shared by events and tasks (``calendar_components``) and history
entries (``journal_components``). Components are ``formats.ical_write``'s, written
directly; ``icalendar`` is imported only to read kept lines, inside ``add_raw``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from rolodex.dates import from_utc_iso, get_zone, now
from rolodex.errors import BadDate
from rolodex.formats.ical_write import Component
from rolodex.store import settings
from rolodex.store.db import Database
from rolodex.store.people import contact_queries


class Context:
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
        self.uids: dict[int, str] = {}  # the linked people's UIDs, for history entries
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
        for person in contact_queries.calendar_people(self.db,
                                                      list(dict.fromkeys(ids))).values():
            self.people[person["id"]] = (person["name"], person["email"])
            self.uids[person["id"]] = person["uid"]

    def attend(self, component: Component, contacts: list[dict[str, Any]]) -> None:
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


def put(component: Component, *pairs: tuple[str, Any]) -> None:
    """Add each (name, value) that has a value: iCalendar has no empty properties."""
    for name, value in pairs:
        if value not in (None, "", []):
            component.add(name, value)


def new_component(kind: str, uid: str, ctx: Context,
                  record: dict[str, Any] | None = None) -> Component:
    """A VEVENT, VTODO or VJOURNAL with the properties every item carries; CREATED and
    LAST-MODIFIED from a stored record, so a sync tool can tell which copy is newer."""
    component = Component(kind)
    put(component, ("uid", uid), ("dtstamp", ctx.stamp))
    if record is not None:
        put(component, ("created", from_utc_iso(record["created"])),
             ("last-modified", from_utc_iso(record["updated"]) if record.get("updated")
              else None))
    return component


# Properties a component may carry several times: a kept one is added unless the same
# value was already written (an attendee both linked and kept is written once).
_REPEATABLE = {"ATTENDEE", "ATTACH", "COMMENT", "CONTACT", "RELATED-TO", "RESOURCES"}


def _values(component: Component, name: str) -> set[str]:
    return {str(v).lower() for v in component.values(name)}


def _zones_of(parsed: Any) -> set[str]:
    """The TZIDs a kept property or subcomponent names (its VTIMEZONE must be written)."""
    return {value.params["TZID"] for _name, value in parsed.property_items(sorted=False)
            if hasattr(value, "params") and value.params.get("TZID")}


def add_raw(component: Component, raw: str | None) -> None:
    """Put back the iCalendar lines rolodex does not model (X- properties, ATTACH...).

    They are read with icalendar inside a small wrapper of the same kind, and written as
    icalendar writes what it read, so their parameters and value types survive; a property
    the export already wrote wins, so a stale copy cannot make DTSTART or UID appear
    twice. icalendar drops unreadable lines itself.
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
        if name not in taken or (name in _REPEATABLE
                                 and str(value).lower() not in _values(component, name)):
            # an attendee rolodex does not know is added beside the linked ones
            component.add_line(name, str(parsed.content_line(name, value)), value,
                               zone=getattr(value, "params", {}).get("TZID"))
    for sub in parsed.subcomponents:
        component.add_component(sub.to_ical().decode("utf-8"), zones=_zones_of(sub))
