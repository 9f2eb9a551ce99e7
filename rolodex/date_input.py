"""Every date, time or duration a person types: ``parse_when``, ``parse_partial_date``,
``parse_duration`` and ``parse_days``.

All typed dates go through this module so the accepted forms, the error messages
and the zone rules are the same in every command. It is apart from ``rolodex.dates``
(the clock, zones and stored kinds every layer imports at start-up) because only the
code that reads typed text needs its forms and patterns. Like that module: no I/O,
only stdlib imports, and wall times made as ``dates.local`` makes them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from rolodex.dates import (
    MONTHS,
    PartialDate,
    days_in_month,
    local,
    show,
    system_zone,
    utc,
)
from rolodex.dates import now as _now  # parse_when's ``now`` parameter shadows the function
from rolodex.errors import BadDate

_WHEN_FORMS = ("try 2026-11-20, 2026-11-20 09:30, today, tomorrow at 9, fri 3pm, next monday,"
               " next month, in 2 weeks, 3 days ago, eom (end of month), 2027-02")
_PARTIAL_FORMS = "try 1985-04-15, --04-15, April 15, 15 Apr 1985 or 15.04.1985"
_DURATION_FORMS = "try 45m, 1h30m, 1:30, 1.5h, 30 min or 2 hours"
_DAYS_FORMS = "try 30, 30d, 2w, 3m (months of 30 days), 1y or 90 days"
_AMBIGUOUS = r"(?<![\d/-])(?:\d\d?/\d\d?(?:/\d{2,4})?|\d\d?-\d\d?-\d{2,4})(?![\d/-])"
_AMBIGUOUS_HINT = "dates like 04/05/2026 are ambiguous; write year-month-day: 2026-04-05"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NAMED_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1}
_SHORT_EDGES = {"eow": "end of week", "eom": "end of month", "eoy": "end of year",
                "sow": "start of week", "som": "start of month", "soy": "start of year"}
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


def parse_partial_date(text: str) -> PartialDate:
    """A birthday-style date, with or without a year, in any common unambiguous form."""
    s = _normalize(text)
    found = _read_partial(s)
    if found is not None:
        return found
    if re.fullmatch(_AMBIGUOUS, s, re.ASCII):
        raise BadDate(f"ambiguous date '{show(text)}' (day/month or month/day?);"
                      " write it as 1985-04-15 or --04-15")
    raise BadDate(f"cannot read date '{show(text)}'; {_PARTIAL_FORMS}")


def _read_partial(s: str) -> PartialDate | None:
    """The first of _PARTIAL_PATTERNS that s matches, or None."""
    for pattern in _PARTIAL_PATTERNS:
        found = re.fullmatch(pattern, s, re.ASCII)
        parts = found.groupdict() if found else {}
        index = _name_index(parts["mn"], MONTHS) if parts.get("mn") else None
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
    current = utc(_now() if now is None else now).astimezone(tz)
    try:
        result = _read_when(_normalize(text), current, tz)
    except (ValueError, OverflowError):  # huge numbers, years past 9999
        result = None
    if result is None:
        hint = _AMBIGUOUS_HINT if re.search(_AMBIGUOUS, text, re.ASCII) else None
        raise BadDate(f"cannot read date '{show(text)}'; {_WHEN_FORMS}", hint=hint)
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
        return local(current.date(), clock, tz)
    return _read_day(s, current.date()) or _read_day_and_time(s, current.date(), tz)


def _read_day_and_time(s: str, today: date, tz: tzinfo) -> datetime | None:
    """A day, then a time of one or two words: 'fri 3pm', 'tomorrow at 9 am'; after
    'at' a bare hour is one too ('tomorrow at 9' is 09:00)."""
    words = [word for word in s.split(" ") if word != "at"]
    at = " at " in f" {s} "
    for size in (1, 2):
        text = " ".join(words[-size:])
        clock = _read_time(text) or (_bare_hour(text) if at else None)
        day = _read_day(" ".join(words[:-size]), today) if len(words) > size else None
        if clock is not None and day is not None:
            return local(day, clock, tz)
    return None


def _bare_hour(s: str) -> time | None:
    return time(int(s)) if re.fullmatch(r"\d\d?", s, re.ASCII) and int(s) < 24 else None


def _read_day(s: str, today: date) -> date | None:
    """A day-only expression relative to today, or None."""
    if s in _NAMED_DAYS:
        return today + timedelta(_NAMED_DAYS[s])
    s = _SHORT_EDGES.get(s, s)
    month = re.fullmatch(r"(\d{4})-(\d\d)", s, re.ASCII)
    if month:  # a month: its first day (calendar --month 2027-02)
        return date(int(month[1]), int(month[2]), 1)
    step = re.fullmatch(r"(next|last) (week|month|year)", s)
    if step:  # a week, month or year from today, forward or back
        sign = 1 if step[1] == "next" else -1
        if step[2] == "week":
            return today + timedelta(weeks=sign)
        return _add_months(today, sign * (12 if step[2] == "year" else 1))
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
    return today.replace(day=days_in_month(today.year, today.month) if end else 1)


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


def parse_duration(text: str) -> timedelta:
    """How long something takes: 45m, 1h30m, 1:30, 1.5h, 30 min, 2 hours."""
    try:
        delta = _read_duration(_normalize(text))
    except (ValueError, OverflowError):
        delta = None
    if delta is None:
        raise BadDate(f"cannot read duration '{show(text)}'; {_DURATION_FORMS}")
    if delta <= timedelta(0):
        raise BadDate(f"duration '{show(text)}' must be longer than zero; {_DURATION_FORMS}")
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
        raise BadDate(f"cannot read number of days '{show(text)}'; {_DAYS_FORMS}")
    if int(found[1]) == 0:
        raise BadDate(f"number of days '{show(text)}' must be more than zero; {_DAYS_FORMS}")
    return int(found[1]) * factor


def _normalize(text: str) -> str:
    """Lower case, commas dropped, whitespace collapsed: the shape every pattern expects."""
    return " ".join(text.lower().replace(",", " ").split())


def _name_index(word: str, names: tuple[str, ...]) -> int | None:
    """Index of the name word abbreviates (3+ letters: 'sep', 'sept', 'thurs'), or None."""
    word = word.rstrip(".")
    matches = [index for index, name in enumerate(names) if name.startswith(word)]
    return matches[0] if len(word) >= 3 and matches else None


def _add_months(day: date, count: int) -> date:
    """day moved by count calendar months, clamped to the end of the target month."""
    years, month_index = divmod(day.month - 1 + count, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, days_in_month(year, month)))
