"""iCalendar text written directly (RFC 5545), for the components rolodex models.

The export used to build icalendar objects and let the package serialise them: 130,000
items took about 30 s, most of it there. This writes the same bytes straight from Python
values: each property is typed by its name as icalendar types it (TEXT escaping, dates and
times with their TZID or ``Z``, CAL-ADDRESS, INTEGER, DURATION, CATEGORIES, RRULE),
parameters quoted and RFC 6868-escaped as icalendar quotes them, properties in icalendar's
order (a VEVENT's canonical ones first, then by name; every other component by name) and
lines folded before the 75th octet, never inside a UTF-8 character or an escape.
``tests/test_ical_written.py`` holds it to the bytes icalendar wrote.

Lines rolodex keeps but does not model arrive already written (``add_line``); the zone
of an aware time is named as icalendar names it (``zone_label``, asked once per zone).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

LIMIT = 75  # octets a line stays under, as icalendar folds: at most 74 before the break

# VEVENT's canonical order in icalendar; other components list their properties by name.
EVENT_ORDER = ("SUMMARY", "DTSTART", "DTEND", "DURATION", "DTSTAMP", "UID", "RECURRENCE-ID",
               "SEQUENCE", "RRULE", "RDATE", "EXDATE")
_EVENT_HEAD = frozenset(EVENT_ORDER)
_DATES = frozenset({"DTSTART", "DTEND", "DUE", "RECURRENCE-ID", "DTSTAMP", "CREATED",
                    "LAST-MODIFIED", "COMPLETED", "TRIGGER"})
_UTC_ONLY = frozenset({"DTSTAMP", "CREATED", "LAST-MODIFIED"})  # icalendar makes them UTC
_DATE_LISTS = frozenset({"EXDATE", "RDATE"})
_ADDRESSES = frozenset({"ATTENDEE", "ORGANIZER"})
_INTEGERS = frozenset({"PRIORITY", "PERCENT-COMPLETE", "SEQUENCE"})
_TEXTS = frozenset({"SUMMARY", "LOCATION", "DESCRIPTION", "STATUS", "TRANSP", "UID",
                    "RELATED-TO", "ACTION", "COMMENT", "CLASS", "CONTACT", "RESOURCES"})
# Parameters icalendar always quotes, and those it quotes when they hold these characters.
_ALWAYS_QUOTED = frozenset({"ALTREP", "DELEGATED-FROM", "DELEGATED-TO", "DIR", "MEMBER",
                            "SENT-BY", "X-ADDRESS", "X-TITLE", "LINKREL"})
_QUOTE_ALSO = {"CN": " '"}
_QUOTABLE = re.compile("[,;:\u2019]")
_TEXT_SPECIAL = re.compile(r"[\\;,\r\n]")
_RFC6868 = re.compile(r'\^|\r\n|\r|\n|"')
_RFC6868_AS = {"^": "^^", "\n": "^n", "\r": "^n", "\r\n": "^n", '"': "^'"}
# RRULE parts in icalendar's order; a part it does not know follows, by name.
_RULE_ORDER = {name: i for i, name in enumerate((
    "RSCALE", "FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR",
    "BYDAY", "BYWEEKDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS",
    "WKST", "SKIP"))}


class Recur(str):
    """An RRULE value as rolodex stores it (``FREQ=WEEKLY;INTERVAL=2``), to be written."""


def text(value: str) -> str:
    r"""TEXT escaping (RFC 5545 3.3.11) as icalendar does it: ``\N`` read as a newline,
    then backslash, semicolon, comma, and every line break as ``\n``."""
    if not _TEXT_SPECIAL.search(value):
        return value
    return (value.replace(r"\N", "\n").replace("\\", "\\\\").replace(";", r"\;")
            .replace(",", r"\,").replace("\r\n", r"\n").replace("\n", r"\n")
            .replace("\r", r"\n"))


def fold(line: str) -> str:
    """Break a content line before its 75th octet (CRLF and a space), never inside a
    UTF-8 character, and never right after a backslash or caret, which moves to the next
    line with what it escapes."""
    if len(line) < LIMIT and (line.isascii() or len(line.encode("utf-8")) < LIMIT):
        return line
    pieces: list[str] = []
    start, size = 0, 0
    ascii_only = line.isascii()
    for i, char in enumerate(line):
        width = 1 if ascii_only or char < "\x80" else len(char.encode("utf-8"))
        if i > start and size + width >= LIMIT:
            if i - start > 1 and line[i - 1] in "\\^":
                pieces.append(line[start:i - 1])
                start, size = i - 1, 1
            else:
                pieces.append(line[start:i])
                start, size = i, 0
        size += width
    pieces.append(line[start:])
    return "\r\n ".join(pieces)


@functools.lru_cache(maxsize=4096)  # the same people and roles on many items
def parameter(name: str, value: str) -> str:
    """``NAME=value``, RFC 6868-escaped and double-quoted where icalendar quotes it."""
    quote = name in _ALWAYS_QUOTED or any(c in value for c in _QUOTE_ALSO.get(name, ""))
    escaped = _RFC6868.sub(lambda m: _RFC6868_AS[m.group(0)], value).replace('"', "'")
    if quote or _QUOTABLE.search(escaped):
        escaped = f'"{escaped}"'
    return f"{name}={escaped}"


_ZONES: dict[tzinfo, tuple[str | None, bool]] = {UTC: (None, True)}


def zone_label(zone: tzinfo) -> tuple[str | None, bool]:
    """(TZID, whether times in it are written as UTC) for an aware time's zone, as
    icalendar names it: a zone the same as UTC all along (Africa/Abidjan, Etc/GMT) is UTC,
    written with ``Z``; others by their key. Asked of icalendar once per zone (it is
    loaded anyway to write that zone's VTIMEZONE)."""
    found = _ZONES.get(zone)
    if found is None:
        from icalendar.prop import vDDDTypes

        sample = vDDDTypes(datetime(2000, 1, 1, tzinfo=zone))
        found = (sample.params.get("TZID"), sample.to_ical().endswith(b"Z"))
        if getattr(zone, "key", None) is not None:  # a named zone: the same every time
            _ZONES[zone] = found
    return found


def _stamp(value: datetime) -> tuple[str, str | None]:
    """A DATE-TIME value and its TZID (None when UTC or floating)."""
    body = (f"{value.year:04}{value.month:02}{value.day:02}"
            f"T{value.hour:02}{value.minute:02}{value.second:02}")
    if value.tzinfo is None:
        return body, None
    tzid, utc = zone_label(value.tzinfo)
    return (body + "Z", None) if utc else (body, tzid)


def _when(value: date | datetime | timedelta) -> tuple[str, str | None, bool]:
    """(value text, TZID, is a DATE) of a date, a date-time or a duration."""
    if isinstance(value, datetime):
        body, tzid = _stamp(value)
        return body, tzid, False
    if isinstance(value, date):
        return f"{value.year:04}{value.month:02}{value.day:02}", None, True
    return duration(value), None, False


def duration(value: timedelta) -> str:
    """A DURATION as icalendar writes one: ``-PT15M``, ``-P1DT2H``, ``PT0S`` never."""
    sign = ""
    if value.days < 0:
        sign, value = "-", -value
    part = ""
    if value.seconds:
        hours, minutes, seconds = (value.seconds // 3600, value.seconds % 3600 // 60,
                                   value.seconds % 60)
        part = "T" + (f"{hours}H" if hours else "") + (
            f"{minutes}M" if minutes or (hours and seconds) else "") + (
            f"{seconds}S" if seconds else "")
    if value.days == 0 and part:
        return f"{sign}P{part}"
    return f"{sign}P{value.days}D{part}"


def recur(rule: str) -> str:
    """An RRULE's parts in icalendar's order (rolodex stores its own canonical order)."""
    parts = [p for p in rule.split(";") if p.count("=") == 1]
    parts.sort(key=lambda p: (_RULE_ORDER.get(p.split("=")[0].upper(), len(_RULE_ORDER)),
                              p.split("=")[0].upper()))
    return ";".join(parts)


def _unknown(value: str) -> str:
    """An X- value as icalendar writes it (as given, no escaping); a line break, which
    icalendar could not write at all, becomes the TEXT escape."""
    return value.replace("\r\n", r"\n").replace("\n", r"\n").replace("\r", r"\n")


def _dates(name: str, value: Any, params: dict[str, str]) -> str:
    """DATE, DATE-TIME and DURATION values: VALUE=DATE when every one is a date, the
    TZID of the last zoned one (icalendar writes one per line)."""
    if not isinstance(value, list):  # one value, the usual case: no lists to build
        if name in _UTC_ONLY:
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        body, tzid, is_date = _when(value)
        if is_date:
            params.setdefault("VALUE", "DATE")
        elif tzid:
            params["TZID"] = tzid
        return body
    values = value
    if name in _UTC_ONLY:
        values = [v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)
                  for v in values]
    written = [_when(v) for v in values]
    if all(is_date for _t, _z, is_date in written):
        params.setdefault("VALUE", "DATE")
    zones = [tzid for _t, tzid, _d in written if tzid]
    if zones:
        params["TZID"] = zones[-1]
    return ",".join(t for t, _z, _d in written)


def _categories(_name: str, value: Any, _params: dict[str, str]) -> str:
    return ",".join(text(c) for c in (value if isinstance(value, list) else [value]))


_BODIES = {
    **dict.fromkeys(_DATES | _DATE_LISTS, _dates),
    "RRULE": lambda _n, value, _p: recur(str(value)),
    "CATEGORIES": _categories,
    **dict.fromkeys(_ADDRESSES,
                    lambda _n, value, _p: str(value).replace("\r", " ").replace("\n", " ")),
    **dict.fromkeys(_INTEGERS, lambda _n, value, _p: str(int(value))),
    **dict.fromkeys(_TEXTS, lambda _n, value, _p: text(str(value))),
}


def _x_body(_name: str, value: Any, _params: dict[str, str]) -> str:
    return _unknown(str(value))


def render(name: str, value: Any, params: dict[str, str] | None = None
           ) -> tuple[str, str | None]:
    """One unfolded content line for ``value`` typed by the property ``name``, and the
    TZID it names."""
    params = dict(params) if params else {}
    body = _BODIES.get(name, _x_body)(name, value, params)
    if not params:
        return f"{name}:{body}", None
    shown = ";".join(parameter(k, v) for k, v in sorted(params.items()))
    return f"{name};{shown}:{body}", params.get("TZID")


_DATE_LINES: dict[tuple[str, Any, Any], tuple[str, str | None]] = {}
_DATE_LINES_KEPT = 20_000


def _date_line(name: str, value: Any) -> tuple[str, str | None]:
    """``render`` of one date or time, remembered: an export writes the same DTSTAMP on
    every item and the same few hundred days on 50,000 birthdays. The zone is part of the
    key, since equal instants in two zones are written differently."""
    key = (name, value, getattr(value, "tzinfo", None))
    found = _DATE_LINES.get(key)
    if found is None:
        if len(_DATE_LINES) >= _DATE_LINES_KEPT:
            _DATE_LINES.clear()
        found = _DATE_LINES[key] = render(name, value)
    return found


class Component:
    """A VEVENT, VTODO, VJOURNAL or VALARM being written: its properties by name (each
    name's lines in the order added) and its subcomponents, as text."""

    __slots__ = ("_props", "_subs", "name", "zones")

    def __init__(self, name: str) -> None:
        self.name = name
        self._props: dict[str, list[tuple[str, Any]]] = {}  # name: (line, value) pairs
        self._subs: list[Component | str] = []
        self.zones: set[str] = set()  # the TZIDs it names, its subcomponents' included

    def add(self, name: str, value: Any, parameters: dict[str, str] | None = None) -> None:
        """A property from a Python value (str, int, date, datetime, timedelta, a list
        for CATEGORIES, EXDATE and RDATE, ``Recur`` for RRULE)."""
        name = name.upper()
        if parameters is None and name in _DATES:
            line, zone = _date_line(name, value)
        else:
            line, zone = render(name, value, parameters)
        found = self._props.get(name)
        if found is None:
            self._props[name] = [(line, value)]
        else:
            found.append((line, value))
        if zone:
            self.zones.add(zone)

    def add_line(self, name: str, line: str, value: Any, zone: str | None = None) -> None:
        """A property already written as an unfolded line (a kept raw line), naming the
        TZID ``zone`` if any."""
        found = self._props.get(name)
        if found is None:
            self._props[name] = [(line, value)]
        else:
            found.append((line, value))
        if zone:
            self.zones.add(zone)

    def add_component(self, sub: Component | str, zones: Iterable[str] = ()) -> None:
        """A subcomponent, or one already written as folded CRLF text naming ``zones``."""
        self._subs.append(sub)
        self.zones.update(sub.zones if isinstance(sub, Component) else zones)

    def start_year(self) -> int | None:
        """The year of a timed DTSTART (how far the VTIMEZONEs must reach back)."""
        found = self._props.get("DTSTART")
        start = getattr(found[0][1], "dt", found[0][1]) if found else None
        return start.year if isinstance(start, datetime) else None

    def keys(self) -> list[str]:
        return list(self._props)

    def values(self, name: str) -> list[Any]:
        """The values added under ``name`` (upper case), in order."""
        return [value for _line, value in self._props.get(name, ())]

    def lines(self) -> Iterator[str]:
        """Folded lines without their CRLF (subcomponents already written end in one)."""
        yield f"BEGIN:{self.name}"
        props = self._props
        names = sorted(props)
        if self.name == "VEVENT":
            names = [n for n in EVENT_ORDER if n in props] + [
                n for n in names if n not in _EVENT_HEAD]
        for name in names:
            for line, _value in props[name]:
                yield line if len(line) < LIMIT and line.isascii() else fold(line)
        for sub in self._subs:
            if isinstance(sub, Component):
                yield from sub.lines()
            else:
                yield sub[:-2]
        yield f"END:{self.name}"

    def to_ical(self) -> str:
        """The component as CRLF-terminated text."""
        return "\r\n".join(self.lines()) + "\r\n"


def calendar_head(prodid: str) -> str:
    """A VCALENDAR's opening lines, before its VTIMEZONEs and components."""
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + fold(f"PRODID:{text(prodid)}")
            + "\r\nCALSCALE:GREGORIAN\r\n")


CALENDAR_END = "END:VCALENDAR\r\n"

