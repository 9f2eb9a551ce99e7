"""Reading .ics files into VEVENT, VTODO and VJOURNAL items, leniently: one damaged component
costs only itself, and text is never decoded with replacement characters; and reading an item's
values (its alarms, categories, rule, the lines rolodex does not model)."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from rolodex.errors import FileError, InvalidInput
from rolodex.formats.ical_zones import BAD_DATA, Zones, attach, iana
from rolodex.formats.incoming import Problem

_MULTI_LINE = {"DESCRIPTION", "COMMENT"}
ITEM_KINDS = ("VEVENT", "VTODO", "VJOURNAL")


@dataclass
class Item:
    """One VEVENT, VTODO or VJOURNAL read from a file, with where it came from for messages."""

    component: Any
    source: str
    index: int
    line: int
    zones: Zones
    method: str = ""

    @property
    def kind(self) -> str:
        return self.component.name

    def get(self, name: str) -> Any:
        value = self.component.get(name)
        return value[0] if isinstance(value, list) else value

    def all(self, name: str) -> list[Any]:
        value = self.component.get(name, [])
        return value if isinstance(value, list) else [value]

    def text(self, name: str) -> str | None:
        """A text value as stored: one line for a title or place (control characters
        dealt with as ``incoming_text`` says), several for a description."""
        from rolodex.formats.incoming_text import clean_line, clean_text

        value = self.get(name)
        if value is None:
            return None
        text = clean_text(str(value)) if name in _MULTI_LINE else clean_line(str(value))
        return (text or "").strip() or None

    def when(self, name: str) -> date | datetime | None:
        prop = self.get(name)
        if prop is None:
            return None
        if not hasattr(prop, "dt"):
            raise InvalidInput(f"cannot read {name} '{prop}'")
        return self.zones.value(prop.dt, prop.params.get("TZID"))

    def whens(self, name: str) -> list[date | datetime]:
        """Every value of EXDATE or RDATE (several lines, several values a line)."""
        out = []
        for prop in self.all(name):
            if not hasattr(prop, "dts"):
                if str(prop).strip():
                    raise InvalidInput(f"cannot read {name} '{prop}'")
                continue
            out += [self.zones.value(d.dt, prop.params.get("TZID")) for d in prop.dts]
        return out


def decode(source: str, data: bytes, encoding: str | None) -> str:
    """The file as text: ``encoding``, else a BOM's, else UTF-8. Never decoded with
    replacement characters: importing mojibake is worse than asking for a conversion."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                       (b"\xfe\xff", "utf-16")):
        if encoding is None and data.startswith(bom):
            encoding = codec
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        guess = "cp1252"
        try:
            data.decode(guess)
        except UnicodeDecodeError:
            guess = "latin-1"
        line = data[:exc.start].count(b"\n") + 1
        raise FileError(f"{source}: line {line}: not {encoding or 'UTF-8'} text",
                        hint=f"give the file's encoding, e.g. --encoding {guess}") from None
    except LookupError:
        raise FileError(f"{source}: unknown encoding {encoding!r}") from None


def read_items(source: str, text: str, user_zone: tzinfo) -> tuple[list[Item], list[Problem]]:
    """The items of one file. When icalendar refuses the whole file (one damaged line
    anywhere), each item is read on its own so the others still import.
    Components past the size limits are failed first, zones too costly to follow bounded."""
    from rolodex.formats.ical_limits import drop_oversized

    text, oversized = drop_oversized(source, text)
    items, problems = _read_items(source, text, user_zone)
    return items, oversized + problems


def _read_items(source: str, text: str, user_zone: tzinfo) -> tuple[list[Item], list[Problem]]:
    import icalendar

    from rolodex.formats.ical_zone_bounds import bounded_zones

    text, costly = bounded_zones(text)
    starts = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(
        r"^BEGIN:(?:VEVENT|VTODO|VJOURNAL)[ \t]*\r?$", text, re.I | re.M)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            items = _walk(source, icalendar.Calendar.from_ical(text, multiple=True), user_zone,
                          costly)
    except BAD_DATA as exc:
        return _by_block(source, text, user_zone, exc, costly)
    if not items and starts:  # a VCALENDAR never closed: icalendar returns nothing
        return _by_block(source, text, user_zone, None, costly)
    if len(items) == len(starts):
        for item, line in zip(items, starts, strict=True):
            item.line = line
    return items, []


def _walk(source: str, roots: list[Any], user_zone: tzinfo, costly: dict[str, tuple[int, str]],
          index: int = 0, line: int = 0) -> list[Item]:
    """Items of every root: VCALENDARs, and items with no VCALENDAR around."""
    timezones = {str(tz.get("TZID", "")).strip(): tz for root in roots
                 for tz in root.walk("VTIMEZONE")}
    items = []
    for root in roots:
        wrapped = root.name == "VCALENDAR"
        header = iana(str(root.get("X-WR-TIMEZONE", ""))) if wrapped else None
        zones = Zones(timezones, ZoneInfo(header) if header else user_zone, bool(header),
                      costly)
        method = str(root.get("METHOD", "")).strip().upper() if wrapped else ""
        for child in root.subcomponents if wrapped else [root]:
            if child.name in ITEM_KINDS:
                index += 1
                items.append(Item(child, source, index, line, zones, method))
    return items


def _by_block(source: str, text: str, user_zone: tzinfo, error: Exception | None,
              costly: dict[str, tuple[int, str]]) -> tuple[list[Item], list[Problem]]:
    import icalendar

    text = text.replace("\r\n", "\n")
    flags = re.I | re.M | re.S
    # A block may not hold the start of another: an unclosed one must not swallow the next.
    block = re.compile(r"^BEGIN:(VEVENT|VTODO|VJOURNAL)[ \t]*$"
                       r"(?:(?!^BEGIN:V(?:EVENT|TODO|JOURNAL)\b).)*?"
                       r"^END:\1[ \t]*$", flags)
    timezone = r"^BEGIN:VTIMEZONE[ \t]*$.*?^END:VTIMEZONE[ \t]*$"
    begins = list(re.finditer(r"^BEGIN:V(?:EVENT|TODO|JOURNAL)[ \t]*$", text, re.I | re.M))
    if not begins:
        try:  # nothing to import: a damaged VTIMEZONE alone loses nothing
            icalendar.Calendar.from_ical(re.sub(timezone, "", text, flags=flags), multiple=True)
            return [], []
        except BAD_DATA:
            return [], [Problem(source, 0, 0, f"cannot read the file: {short(error)}")]
    zones = []
    for found in re.finditer(timezone, text, flags):
        try:
            zones.append(icalendar.Component.from_ical(found[0]))
        except BAD_DATA:
            continue
    head = "\n".join(re.findall(r"^(?:X-WR-TIMEZONE|METHOD):.*$", text, re.I | re.M)[:2])
    items, problems = [], []
    for index, begin in enumerate(begins, start=1):
        line = text.count("\n", 0, begin.start()) + 1
        found = block.match(text, begin.start())
        try:
            if found is None:
                raise ValueError(f"{begin[0].strip()} is never closed")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                calendar = icalendar.Calendar.from_ical(
                    f"BEGIN:VCALENDAR\n{head}\n{found[0]}\nEND:VCALENDAR\n")
            calendar.subcomponents[:0] = zones
            items += _walk(source, [calendar], user_zone, costly, index - 1, line)
        except BAD_DATA as exc:
            problems.append(Problem(source, index, line, f"cannot read it: {short(exc)}"))
    return items, problems


# --- an item's values -------------------------------------------------------------------

def props_of(component: Any) -> list[tuple[str, Any]]:
    """A component's own properties, in file order (not its subcomponents')."""
    return [(n, v) for n, v in component.property_items(recursive=False, sorted=False)
            if n not in ("BEGIN", "END")]


def unmodelled(item: Item, modelled: set[str], linked: set[int], subs: list[Any]) -> str | None:
    """What rolodex does not model, as unfolded iCalendar lines: serialised by icalendar
    so parameters and escapes survive the trip back out (``sync.ical_build.add_raw``)."""
    import icalendar

    holder = icalendar.Component()
    holder.name = item.kind
    for position, (name, value) in enumerate(props_of(item.component)):
        linked_here = name in ("ATTENDEE", "ORGANIZER") and position in linked
        if not linked_here and (name not in modelled or name == "ATTENDEE"):
            holder.add(name, value, encode=False)
    for sub in subs:
        holder.add_component(sub)
    lines = holder.to_ical().decode("utf-8").replace("\r\n ", "").splitlines()
    return "\n".join(lines[1:-1]) or None


def alarms_of(item: Item) -> tuple[list[int], list[Any]]:
    """Reminders some minutes before the start; other alarms (absolute, after the end,
    e-mail, repeating, with sound files) are kept whole."""
    minutes, kept = [], []
    for sub in item.component.subcomponents:
        trigger = sub.get("TRIGGER") if sub.name == "VALARM" else None
        offset = getattr(trigger, "dt", None)
        if (isinstance(offset, timedelta) and offset <= timedelta(0)
                and not offset.total_seconds() % 60
                and trigger.params.get("RELATED", "START").upper() == "START"
                and str(sub.get("ACTION", "DISPLAY")).upper() in ("DISPLAY", "AUDIO")
                and not any(k in sub for k in ("REPEAT", "ATTACH", "ATTENDEE"))):
            minutes.append(int(-offset.total_seconds() // 60))
        else:
            kept.append(sub)
    return list(dict.fromkeys(minutes)), kept


def categories_of(item: Item) -> list[str]:
    """Every CATEGORIES value, once each, in order."""
    names = [str(c).strip() for p in item.all("CATEGORIES") for c in getattr(p, "cats", [p])]
    return list(dict.fromkeys(n for n in names if n))


def rrule_of(item: Item) -> str | None:
    """The RRULE, validated so the store only holds rules it can expand. One written
    twice counts once; two different ones cannot be represented."""
    from rolodex.recurrence_rules import parse_rule

    texts = {p.to_ical().decode() if isinstance(p, dict) else str(p) for p in item.all("RRULE")}
    if any("RSCALE" in t.upper() for t in texts):
        return None  # a non-Gregorian rule (RFC 7529): kept as written (sync.calendar_apply)
    rules = {parse_rule(t) for t in texts if t.strip()}
    if len(rules) > 1:
        raise InvalidInput("more than one RRULE: rolodex keeps one rule per event")
    return rules.pop() if rules else None


def same_kind_as(value: date | datetime, start: date | datetime) -> date | datetime:
    """value as the same kind as the series start: EXDATEs and RECURRENCE-IDs written as
    dates for a timed series (or the other way round) still name its occurrences, and
    floating ones for a zoned series (or the other way round) their wall time there."""
    if isinstance(start, datetime) and not isinstance(value, datetime):
        value = datetime.combine(value, start.time())
    if not isinstance(start, datetime):
        return value.date() if isinstance(value, datetime) else value
    if start.tzinfo is None:  # a floating series: the value's own wall time
        return value.replace(tzinfo=None)  # type: ignore[union-attr]
    if value.tzinfo is None:  # type: ignore[union-attr]
        return attach(value, start.tzinfo)  # type: ignore[arg-type]
    return value


def recurrence_key(item: Item) -> str:
    """A moved occurrence's RECURRENCE-ID as text for a UID: ``20261130T090000Z``."""
    return item.get("RECURRENCE-ID").to_ical().decode().replace(":", "")


def short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


