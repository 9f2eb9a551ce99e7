"""The clock, time zones, and every date, time or duration a person types.

All typed dates go through this module so the accepted forms, the error messages
and the zone rules are the same in every command. No I/O besides environment
variables and the system zone, and only stdlib imports, so importing it is cheap.

Local wall times are built with zoneinfo and normalised through UTC (``_local``):
a time in a spring-forward gap (02:30 in Berlin on 2027-03-28) is read with the
offset in force before the gap (PEP 495 fold=0) and so lands after it, at 03:30
CEST; a repeated fall-back time (02:30 on 2026-10-25) means its first occurrence.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rolodex.errors import BadDate

_WHEN_FORMS = ("try 2026-11-20, 2026-11-20 09:30, today, tomorrow 9am, fri 3pm, next monday,"
               " in 2 weeks, 3 days ago, end of month")
_PARTIAL_FORMS = "try 1985-04-15, --04-15, April 15, 15 Apr 1985 or 15.04.1985"
_DURATION_FORMS = "try 45m, 1h30m, 1:30, 1.5h, 30 min or 2 hours"
_DAYS_FORMS = "try 30, 30d, 2w, 3m (months of 30 days), 1y or 90 days"
_AMBIGUOUS = r"(?<![\d/-])(?:\d\d?/\d\d?(?:/\d{2,4})?|\d\d?-\d\d?-\d{2,4})(?![\d/-])"
_AMBIGUOUS_HINT = "dates like 04/05/2026 are ambiguous; write year-month-day: 2026-04-05"
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NAMED_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
# "m" is deliberately absent: minutes in a duration, but months in a cadence.
_UNIT = {alias: unit for unit, aliases in {
    "seconds": "s sec secs second seconds", "minutes": "min mins minute minutes",
    "hours": "h hr hrs hour hours", "days": "d day days", "weeks": "w wk wks week weeks",
    "months": "mo mos month months", "years": "y yr yrs year years",
}.items() for alias in aliases.split()}
_CLOCK_UNITS = ("seconds", "minutes", "hours")
_DAY_FACTORS = {"days": 1, "weeks": 7, "months": 30, "years": 365}
# Patterns stay plain strings: re caches what it compiles, so import compiles nothing.
_PARTIAL_PATTERNS = (
    r"(?P<y>\d{4})([-/])(?P<m>\d\d?)\2(?P<d>\d\d?)",
    r"(?P<y>\d{4})(?P<m>\d\d)(?P<d>\d\d)",
    r"--(?P<m>\d\d)-?(?P<d>\d\d)",
    r"(?P<m>\d\d?)-(?P<d>\d\d?)",
    r"(?P<d>\d\d?)\.(?P<m>\d\d?)(?:\.(?P<y>\d{4})?)?",
    r"(?P<mn>[a-z]{3,})\.? (?P<d>\d\d?)(?:st|nd|rd|th)?(?: (?P<y>\d{4}))?",
    r"(?P<d>\d\d?)(?:st|nd|rd|th)?(?: of)? (?P<mn>[a-z]{3,})\.?(?: (?P<y>\d{4}))?",
)

_clock: Callable[[], datetime] | None = None


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests, demos); None restores it. Wins over ROLODEX_NOW."""
    global _clock
    _clock = fn


def now() -> datetime:
    """The current instant as aware UTC; ROLODEX_NOW (read on every call) lets
    subprocess tests, which cannot call set_clock, freeze time too."""
    if _clock is not None:
        return _utc(_clock())
    frozen = os.environ.get("ROLODEX_NOW", "").strip()
    try:
        return _utc(datetime.fromisoformat(frozen)) if frozen else datetime.now(UTC)
    except ValueError:
        raise BadDate(f"cannot read ROLODEX_NOW '{_show(frozen)}'",
                      hint="use an ISO 8601 instant such as 2026-11-20T08:00:00Z") from None


_now = now  # parse_when's ``now`` parameter shadows the function


def _utc(dt: datetime) -> datetime:
    """dt as aware UTC; naive means UTC, the only zone-free reading of a machine time."""
    return dt.replace(tzinfo=UTC) if dt.utcoffset() is None else dt.astimezone(UTC)


def get_zone(name: str) -> ZoneInfo:
    """The IANA zone called name; a typo becomes a BadDate rather than a KeyError."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadDate(f"unknown time zone '{_show(name)}'",
                      hint="use an IANA name such as Europe/Berlin") from None


def system_zone() -> tzinfo:
    """ROLODEX_TZ, else TZ if it names a zone, else /etc/localtime's zone, else the
    fixed offset: named zones first, since only they know the DST rules."""
    if os.environ.get("ROLODEX_TZ", "").strip():
        return get_zone(os.environ["ROLODEX_TZ"])
    tz_env = os.environ.get("TZ", "").strip().removeprefix(":")
    for path in (tz_env, os.path.realpath("/etc/localtime")):
        try:
            return get_zone(path.rpartition("/zoneinfo/")[2])
        except BadDate:  # unset, a POSIX rule like CET-1CEST, or not a zoneinfo link
            continue
    return datetime.now().astimezone().tzinfo or UTC


@dataclass(frozen=True)
class PartialDate:
    """A calendar day whose year may be unknown (birthdays); valid by construction.
    Stored as ISO 8601 text, in the ``--MM-DD`` form when the year is missing."""

    year: int | None
    month: int
    day: int

    def __post_init__(self) -> None:
        """Reject days no calendar has; 29 February is fine while the year is unknown."""
        try:
            date(2000 if self.year is None else self.year, self.month, self.day)
        except ValueError:
            known = 1 <= self.month <= 12
            month = _MONTHS[self.month - 1].capitalize() if known else f"month {self.month}"
            year = "" if self.year is None else f" {self.year}"
            raise BadDate(f"no such date: {self.day} {month}{year}") from None

    def iso(self) -> str:
        """``1985-04-15``, or ``--04-15`` when the year is unknown."""
        year = "-" if self.year is None else f"{self.year:04d}"
        return f"{year}-{self.month:02d}-{self.day:02d}"

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        """Read back what iso() wrote; anything else is a BadDate."""
        found = re.fullmatch(r"(\d{4}|-)-(\d\d)-(\d\d)", text.strip(), re.ASCII)
        if not found:
            raise BadDate(f"cannot read date '{_show(text)}'; expected 1985-04-15 or --04-15")
        year, month, day = found.groups()
        return cls(None if year == "-" else int(year), int(month), int(day))

    def occurrence_in(self, year: int) -> date:
        """The day this falls on in year: 29 February is the 28th in common years."""
        return date(year, self.month, min(self.day, _days_in_month(year, self.month)))


def stored_date(text: str, contact_id: int, name: str) -> PartialDate:
    """A contact's birthday or anniversary as stored; one written past rolodex (another
    tool, raw SQL) that is no date is a BadDate naming the contact and the way out."""
    try:
        return PartialDate.from_iso(text)
    except BadDate as exc:
        raise unreadable_date(contact_id, name, exc) from None


def unreadable_date(contact_id: int, name: str, exc: BadDate) -> BadDate:
    return BadDate(f"contact #{contact_id} {name}: {exc.message}",
                   hint="'rolodex doctor --fix' sets unreadable dates aside")


def parse_partial_date(text: str) -> PartialDate:
    """A birthday-style date, with or without a year, in any common unambiguous form."""
    s = _normalize(text)
    found = _read_partial(s)
    if found is not None:
        return found
    if re.fullmatch(_AMBIGUOUS, s, re.ASCII):
        raise BadDate(f"ambiguous date '{_show(text)}' (day/month or month/day?);"
                      " write it as 1985-04-15 or --04-15")
    raise BadDate(f"cannot read date '{_show(text)}'; {_PARTIAL_FORMS}")


def _read_partial(s: str) -> PartialDate | None:
    """The first of _PARTIAL_PATTERNS that s matches, or None."""
    for pattern in _PARTIAL_PATTERNS:
        found = re.fullmatch(pattern, s, re.ASCII)
        parts = found.groupdict() if found else {}
        index = _name_index(parts["mn"], _MONTHS) if parts.get("mn") else None
        if not found or (parts.get("mn") and index is None):  # 'fri 15' is no month-day
            continue
        month = int(parts["m"]) if index is None else index + 1
        return PartialDate(int(parts["y"]) if parts.get("y") else None, month, int(parts["d"]))
    return None


def parse_when(
    text: str, *, now: datetime | None = None, tz: tzinfo | None = None
) -> date | datetime:
    """A date for day-only expressions (so all-day things stay all-day), else an aware
    datetime in tz. ``now`` (naive = UTC) defaults to now(), ``tz`` to system_zone()."""
    tz = system_zone() if tz is None else tz
    current = _utc(_now() if now is None else now).astimezone(tz)
    try:
        result = _read_when(_normalize(text), current, tz)
    except (ValueError, OverflowError):  # huge numbers, years past 9999
        result = None
    if result is None:
        hint = _AMBIGUOUS_HINT if re.search(_AMBIGUOUS, text, re.ASCII) else None
        raise BadDate(f"cannot read date '{_show(text)}'; {_WHEN_FORMS}", hint=hint)
    return result


def _read_when(s: str, current: datetime, tz: tzinfo) -> date | datetime | None:
    """parse_when on normalised text; None when no form matches."""
    s = re.sub(r"^(\d{4}-\d\d?-\d\d?)t(?=\d)", r"\1 ", s, flags=re.ASCII)  # ISO's T
    instant = re.fullmatch(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?)"
                           r" ?(z|[+-]\d\d(?::?\d\d)?)", s, re.ASCII)
    if instant:  # an explicit offset or Z wins over tz
        day, clock, offset = instant.groups()
        return datetime.fromisoformat(f"{day}T{clock}{offset.upper()}").astimezone(tz)
    if s == "now":
        return current
    shift = _read_shift(s)
    if shift is not None and shift[1] in _CLOCK_UNITS:  # exact elapsed time, so via UTC
        return (current.astimezone(UTC) + timedelta(**{shift[1]: shift[0]})).astimezone(tz)
    clock = _read_time(s)
    if clock is not None:
        return _local(current.date(), clock, tz)
    return _read_day(s, current.date()) or _read_day_and_time(s, current.date(), tz)


def _read_day_and_time(s: str, today: date, tz: tzinfo) -> datetime | None:
    """A day, then a time of one or two words: 'fri 3pm', 'tomorrow at 9 am'."""
    words = [word for word in s.split(" ") if word != "at"]
    for size in (1, 2):
        clock = _read_time(" ".join(words[-size:]))
        day = _read_day(" ".join(words[:-size]), today) if len(words) > size else None
        if clock is not None and day is not None:
            return _local(day, clock, tz)
    return None


def _read_day(s: str, today: date) -> date | None:
    """A day-only expression relative to today, or None."""
    if s in _NAMED_DAYS:
        return today + timedelta(_NAMED_DAYS[s])
    shift = _read_shift(s)
    if shift is None:
        return _read_weekday(s, today) or _read_edge(s, today) or _read_month_day(s, today)
    count, unit = shift
    if unit in ("months", "years"):
        return _add_months(today, count * 12 if unit == "years" else count)
    return None if unit in _CLOCK_UNITS else today + timedelta(**{unit: count})


def _read_weekday(s: str, today: date) -> date | None:
    """'fri': on or after today; 'next fri': strictly after (GNU date: on a Monday,
    'next monday' is a week away, never today); 'last fri': strictly before."""
    found = re.fullmatch(r"(?:(next|last|this) )?([a-z]+)\.?", s)
    weekday = _name_index(found[2], _WEEKDAYS) if found else None
    if found is None or weekday is None:
        return None
    ahead = (weekday - today.weekday()) % 7
    if found[1] == "next":
        ahead = ahead or 7
    elif found[1] == "last":
        ahead = -((today.weekday() - weekday) % 7 or 7)
    return today + timedelta(ahead)


def _read_edge(s: str, today: date) -> date | None:
    """'start of week' (Monday), 'end of week' (Sunday); likewise month and year."""
    found = re.fullmatch(r"(start|beginning|end) of (?:the |this )?(week|month|year)", s)
    if not found:
        return None
    end = found[1] == "end"
    if found[2] == "week":
        return today + timedelta((6 if end else 0) - today.weekday())
    if found[2] == "year":
        return date(today.year, 12, 31) if end else date(today.year, 1, 1)
    return today.replace(day=_days_in_month(today.year, today.month) if end else 1)


def _read_month_day(s: str, today: date) -> date | None:
    """'15 Apr 2027', or 'April 15' meaning its next occurrence on or after today."""
    partial = _read_partial(s)
    if partial is None:
        return None
    if partial.year is not None:
        return date(partial.year, partial.month, partial.day)
    for year in range(today.year, today.year + 9):  # a real 29 February, not the 28th
        found = partial.occurrence_in(year)
        if found.day == partial.day and found >= today:
            return found
    return None


def _read_shift(s: str) -> tuple[int, str] | None:
    """'in 3 days' -> (3, 'days'); '2 weeks ago' -> (-2, 'weeks'); 'a' and 'an' mean 1."""
    found = re.fullmatch(r"in (\d+|an?) ?([a-z]+)|(\d+|an?) ?([a-z]+) ago", s, re.ASCII)
    if not found or (found[2] or found[4]) not in _UNIT:
        return None
    count = found[1] or found[3]
    number = 1 if count in ("a", "an") else int(count)
    return (number if found[1] else -number), _UNIT[found[2] or found[4]]


def _read_time(s: str) -> time | None:
    """A clock time (15:00, 9am, 3:15 pm, 12am, noon, midnight); None for a bare number."""
    if s in ("noon", "midday", "midnight"):
        return time(0 if s == "midnight" else 12)
    found = re.fullmatch(r"(\d\d?)(?::(\d\d)(?::(\d\d))?)? ?(?:([ap])\.?m\.?)?", s, re.ASCII)
    if not found or (found[2] is None and found[4] is None):
        return None
    hour, minute, second, half = found.groups()
    if half and not 1 <= int(hour) <= 12:
        return None
    hours = int(hour) % 12 + (12 if half == "p" else 0) if half else int(hour)
    try:
        return time(hours, int(minute or 0), int(second or 0))
    except ValueError:  # 24:00, 9:75
        return None


def _local(day: date, clock: time, tz: tzinfo) -> datetime:
    """day at wall time clock in tz; the UTC round trip moves spring-gap times forward."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC).astimezone(tz)


def to_utc_iso(dt: datetime) -> str:
    """'2026-11-20T08:30:00Z': the one timestamp format the database stores."""
    if dt.utcoffset() is None:
        raise ValueError("to_utc_iso needs an aware datetime")
    return dt.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def from_utc_iso(text: str) -> datetime:
    """A stored timestamp (Z or +00:00; naive = UTC) as aware UTC. Raises BadDate, not
    ValueError, because the text may come from a file the user imports."""
    try:
        return _utc(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise BadDate(f"cannot read timestamp '{_show(text)}'; "
                      "expected 2026-11-20T08:30:00Z") from None


def start_of_day(d: date, tz: tzinfo) -> datetime:
    """The first instant of d in tz (aware): 01:00 where midnight falls in a DST gap."""
    return _local(d, time(0), tz)


def as_instant(value: date | datetime, tz: tzinfo, *, end: bool = False) -> datetime:
    """value as aware UTC, so dates and datetimes compare alike: a date is its start in
    tz (end=True: the next day's start, an exclusive bound); naive means wall time in tz."""
    if isinstance(value, datetime):
        aware = value if value.utcoffset() is not None else _local(value.date(), value.time(), tz)
        return aware.astimezone(UTC)
    return start_of_day(value + timedelta(1 if end else 0), tz).astimezone(UTC)


def parse_duration(text: str) -> timedelta:
    """How long something takes: 45m, 1h30m, 1:30, 1.5h, 30 min, 2 hours."""
    try:
        delta = _read_duration(_normalize(text))
    except (ValueError, OverflowError):
        delta = None
    if delta is None:
        raise BadDate(f"cannot read duration '{_show(text)}'; {_DURATION_FORMS}")
    if delta <= timedelta(0):
        raise BadDate(f"duration '{_show(text)}' must be longer than zero; {_DURATION_FORMS}")
    return delta


def _read_duration(s: str) -> timedelta | None:
    """parse_duration on normalised text, before the check that it is positive."""
    clock = re.fullmatch(r"(\d+)[:h]([0-5]\d)", s, re.ASCII)  # 1:30, 1h30
    if clock:
        return timedelta(hours=int(clock[1]), minutes=int(clock[2]))
    s = s.replace(" ", "")
    if not re.fullmatch(r"(?:\d+(?:\.\d+)?[a-z]+)+", s, re.ASCII):
        return None
    total = timedelta()
    for number, word in re.findall(r"(\d+(?:\.\d+)?)([a-z]+)", s, re.ASCII):
        unit = "minutes" if word == "m" else _UNIT.get(word, "")
        if unit not in ("seconds", "minutes", "hours", "days", "weeks"):
            return None
        total += timedelta(**{unit: float(number)})
    return total


def parse_days(text: str) -> int:
    """Days for cadences and ages: 30, 30d, 2w, 3m (30 days), 1y (365). At most six
    digits, so the result always fits a timedelta."""
    found = re.fullmatch(r"(\d{1,6}) ?([a-z]*)", _normalize(text), re.ASCII)
    unit = ("months" if found[2] == "m" else _UNIT.get(found[2] or "d", "")) if found else ""
    factor = _DAY_FACTORS.get(unit)
    if found is None or factor is None:
        raise BadDate(f"cannot read number of days '{_show(text)}'; {_DAYS_FORMS}")
    if int(found[1]) == 0:
        raise BadDate(f"number of days '{_show(text)}' must be more than zero; {_DAYS_FORMS}")
    return int(found[1]) * factor


def _normalize(text: str) -> str:
    """Lower case, commas dropped, whitespace collapsed: the shape every pattern expects."""
    return " ".join(text.lower().replace(",", " ").split())


def _show(text: str) -> str:
    """text fit to quote inside a one-line message: printable and not too long."""
    shown = " ".join(text.split())
    if not shown.isprintable():
        shown = shown.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _name_index(word: str, names: tuple[str, ...]) -> int | None:
    """Index of the name word abbreviates (3+ letters: 'sep', 'sept', 'thurs'), or None."""
    word = word.rstrip(".")
    matches = [index for index, name in enumerate(names) if name.startswith(word)]
    return matches[0] if len(word) >= 3 and matches else None


def _days_in_month(year: int, month: int) -> int:
    """Length of a month (no calendar import), for clamping 31 Jan + 1 month to Feb 28/29."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _add_months(day: date, count: int) -> date:
    """day moved by count calendar months, clamped to the end of the target month."""
    years, month_index = divmod(day.month - 1 + count, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, _days_in_month(year, month)))
