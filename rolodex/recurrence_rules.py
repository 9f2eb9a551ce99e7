"""Repeat rules: what a user types ('every 2 weeks', 'monthly-last') and RFC 5545 RRULE
text, read into one validated, canonical form, described in English, and built as a
dateutil rule. ``rolodex.recurrence`` expands them; this module holds no dates but the
ones a rule names (UNTIL). Pure functions, no I/O; dateutil is imported only when a rule
is built.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from rolodex.errors import InvalidInput

_FORMS = ("try daily, weekly, every 2 weeks, every mon and wed, monthly on the last friday,"
          " monthly on day 15, monthly-last, yearly, hourly, or an RRULE such as"
          " FREQ=WEEKLY;BYDAY=MO")
# index == dateutil's constant
_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
_ADVERBS = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY",
            "annually": "YEARLY", "fortnightly": "WEEKLY", "hourly": "HOURLY"}
_UNITS = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY",
          "hour": "HOURLY", "minute": "MINUTELY", "second": "SECONDLY"}
STEP = {"HOURLY": timedelta(hours=1), "MINUTELY": timedelta(minutes=1),
        "SECONDLY": timedelta(seconds=1), "DAILY": timedelta(days=1)}
_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "fifth": 5, "5th": 5, "last": -1, "second last": -2, "second to last": -2}
_ORDINAL_WORDS = {n: word for word, n in _ORDINALS.items() if not word[0].isdigit()}
_WORKDAYS = ((0, 0), (0, 1), (0, 2), (0, 3), (0, 4))
_INT_PARTS = {"INTERVAL": (1, 1000), "COUNT": (1, 999_999), "BYMONTHDAY": (-31, 31),
              "BYMONTH": (1, 12), "BYSETPOS": (-366, 366), "BYYEARDAY": (-366, 366),
              "BYWEEKNO": (-53, 53), "BYHOUR": (0, 23), "BYMINUTE": (0, 59),
              "BYSECOND": (0, 59)}
TIME_PARTS = ("byyearday", "byweekno", "byhour", "byminute", "bysecond")
# One-word spellings of phrases: 'monthly-last' is what a warning about the 31st offers.
_SPELLINGS = {"monthly-last": "monthly on the last day"}


@dataclass(frozen=True)
class Rule:
    """A validated RRULE, held as parts so it prints in one canonical order."""

    freq: str
    interval: int = 1
    count: int | None = None
    until: str | None = None
    byday: tuple[tuple[int, int], ...] = ()  # (ordinal or 0, weekday with 0 = Monday)
    bymonthday: tuple[int, ...] = ()
    bymonth: tuple[int, ...] = ()
    bysetpos: tuple[int, ...] = ()
    wkst: int | None = None
    byyearday: tuple[int, ...] = ()
    byweekno: tuple[int, ...] = ()
    byhour: tuple[int, ...] = ()
    byminute: tuple[int, ...] = ()
    bysecond: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        """Sorted and without repeats, so equal rules print alike."""
        for name, key in (("byday", lambda p: (p[1], p[0])), ("bymonthday", lambda d: (d < 0, d)),
                          ("bymonth", None), ("bysetpos", None),
                          *((part, None) for part in TIME_PARTS)):
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name)), key=key)))

    def text(self) -> str:
        """FREQ;INTERVAL;COUNT|UNTIL;BYDAY;BYMONTHDAY;BYMONTH;BYSETPOS;WKST, defaults left out."""
        parts = {"FREQ": self.freq, "INTERVAL": self.interval if self.interval != 1 else None,
                 "COUNT": self.count, "UNTIL": self.until,
                 "BYDAY": ",".join(f"{n or ''}{_CODES[d]}" for n, d in self.byday),
                 "BYMONTHDAY": ",".join(map(str, self.bymonthday)),
                 "BYMONTH": ",".join(map(str, self.bymonth)),
                 "BYSETPOS": ",".join(map(str, self.bysetpos)),
                 **{part.upper(): ",".join(map(str, getattr(self, part)))
                    for part in TIME_PARTS},
                 "WKST": None if self.wkst is None else _CODES[self.wkst]}
        return ";".join(f"{k}={v}" for k, v in parts.items() if v not in (None, ""))


def parse_rule(text: str) -> str:
    """The RRULE value (no ``RRULE:`` prefix) for a phrase or a raw rule, validated, so
    the store only ever holds rules that expand."""
    return read_rule(text).text()


@functools.lru_cache(maxsize=256)
def read_rule(text: str) -> Rule:
    """parse_rule's work, keeping the parts; InvalidInput (reason as hint) when unreadable.
    Remembered per text (a rule is immutable): the agenda expands a thousand series that
    share a handful of rules."""
    try:
        rule = _parse_raw(text) if "=" in text else _parse_phrase(
            " ".join(text.lower().replace(",", " ").replace("&", " and ").split()))
        if rule is None:
            raise ValueError(None)
        _check(rule)
        return rule
    except ValueError as error:
        shown = " ".join(text.split())
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise (NeverHappens if isinstance(error, _Never) else InvalidInput)(
            f"cannot read repeat rule '{shown}'; {_FORMS}",
            hint=error.args[0] if error.args else None) from None


def _parse_raw(text: str) -> Rule:
    """An RRULE value, with or without 'RRULE:'; ValueError naming the bad part."""
    fields: dict[str, str] = {}
    for chunk in re.sub(r"(?i)^\s*rrule:", "", text).upper().split(";"):
        name, _, value = (part.strip() for part in chunk.partition("="))
        if name.startswith("X-"):  # a vendor's note (X-EVOLUTION-ENDDATE): no occurrence
            continue
        if name and "=" in chunk and not value:  # 'BYDAY=' says nothing: as if absent
            continue
        if chunk.strip() and (not value or name in fields):
            raise ValueError(f"'{chunk.strip()}' is not a NAME=VALUE part, or is repeated")
        fields.update({name: value} if chunk.strip() else {})
    known = {"FREQ", "UNTIL", "BYDAY", "WKST", *_INT_PARTS}
    if set(fields) - known:
        raise ValueError(f"unsupported part {min(set(fields) - known)}; rolodex knows"
                         f" {', '.join(sorted(known))}")
    if fields.get("FREQ") not in _FREQS:
        raise ValueError("FREQ must be SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY"
                         " or YEARLY")
    if fields.get("COUNT", "").lstrip("+0") == "" and "COUNT" in fields:
        raise _Never("COUNT=0 asks for no occurrence at all")
    ints = {name: _ints(name, fields[name]) for name in _INT_PARTS if name in fields}
    if len(ints.get("INTERVAL", ())) > 1 or len(ints.get("COUNT", ())) > 1:
        raise ValueError("INTERVAL and COUNT take one number")
    if "UNTIL" in fields and not until_value(fields["UNTIL"]):
        raise ValueError("UNTIL must look like 20270630 or 20270630T120000Z")
    if fields.get("WKST", "MO") not in _CODES:
        raise ValueError("WKST must be one of MO, TU, WE, TH, FR, SA, SU")
    byday = tuple(map(_byday, fields["BYDAY"].split(","))) if "BYDAY" in fields else ()
    wkst = _CODES.index(fields["WKST"]) if "WKST" in fields else None
    return Rule(fields["FREQ"], ints.get("INTERVAL", (1,))[0], ints.get("COUNT", (None,))[0],
                 fields.get("UNTIL"), byday, ints.get("BYMONTHDAY", ()), ints.get("BYMONTH", ()),
                 ints.get("BYSETPOS", ()), wkst,
                 **{part: ints.get(part.upper(), ()) for part in TIME_PARTS})


def _ints(name: str, value: str) -> tuple[int, ...]:
    """A comma list of whole numbers within the part's RFC 5545 range (zero only where
    it is a value: an hour, a minute, a second)."""
    low, high = _INT_PARTS[name]
    numbers = [int(v) if re.fullmatch(r"[+-]?\d{1,6}", v.strip()) else None
               for v in value.split(",")]
    if not all(n is not None and low <= n <= high and (n or low == 0) for n in numbers):
        raise ValueError(f"{name} takes whole numbers from {0 if low == 0 else 1} to {high}"
                         + (" or negative ones counting from the end" if low < 0 else ""))
    return tuple(n for n in numbers if n is not None)


def _byday(word: str) -> tuple[int, int]:
    """'MO', '2TU' or '-1FR' as (ordinal or 0, weekday)."""
    found = re.fullmatch(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)", word.strip())
    if not found or (found[1] and not 1 <= abs(int(found[1])) <= 53):
        raise ValueError(f"BYDAY part '{word}' is not like MO, 2TU or -1FR")
    return int(found[1] or 0), _CODES.index(found[2])


def until_value(value: str) -> datetime | None:
    """UNTIL as a naive datetime (floating, or UTC if it ends in Z); None if not a date."""
    if not re.fullmatch(r"\d{8}(T\d{6}Z?)?", value):
        return None
    try:
        return datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S" if "T" in value else "%Y%m%d")
    except ValueError:
        return None


def until_as_rfc(rrule: str, start: date | datetime, zone: tzinfo | None) -> str:
    """The rule with UNTIL in the form RFC 5545 demands for this DTSTART: a date for an
    all-day series, UTC for a timed one (a date UNTIL then includes that whole day in
    ``zone``, a floating one is wall time there). Import and export both store and write
    this one form, so a calendar read back from rolodex's export is unchanged."""
    rule = read_rule(rrule)
    stamp = until_value(rule.until or "")
    if stamp is None:
        return rule.text()
    text = rule.until or ""
    if isinstance(start, datetime) and (start.utcoffset() is None or zone is None):
        # floating: UNTIL is floating too (RFC 5545), a date its whole day
        return rule.text() if "T" in text else replace(
            rule, until=stamp.strftime("%Y%m%dT235959")).text()
    if isinstance(start, datetime):
        if text.endswith("Z"):
            return rule.text()
        wall = datetime.combine(stamp.date(), time(23, 59, 59)) if "T" not in text else stamp
        instant = wall.replace(tzinfo=zone).astimezone(UTC)
        return replace(rule, until=instant.strftime("%Y%m%dT%H%M%SZ")).text()
    if "T" not in text:
        return rule.text()
    day = stamp.replace(tzinfo=UTC).astimezone(zone).date() if text.endswith("Z") \
        else stamp.date()
    return replace(rule, until=day.strftime("%Y%m%d")).text()


BOTH_ENDS = "use COUNT or UNTIL, not both"  # the hint an import recognises (see sync)


class _Never(ValueError):
    """A rule that reads well but never happens (BYMONTH=2;BYMONTHDAY=30)."""


class NeverHappens(InvalidInput):
    """A readable rule with no occurrence at all: an import keeps the item (see
    ``sync.calendar_rules``), a user typing it is told."""


def _check(rule: Rule) -> None:
    """Refuse what RFC 5545 forbids and what could never happen (dateutil would search
    up to the year 9999 before giving up), then let dateutil build it."""
    if rule.count is not None and rule.until is not None:
        raise ValueError(BOTH_ENDS)
    if not 1 <= rule.interval <= 1000 or not all(1 <= abs(d) <= 31 for d in rule.bymonthday):
        raise ValueError("INTERVAL takes 1 to 1000, a day of the month 1 to 31 or -31 to -1")
    if rule.count is not None and rule.count < 1:
        raise ValueError("COUNT must be at least 1")
    ordinals = [n for n, _ in rule.byday if n]
    if ordinals and rule.freq in ("DAILY", "WEEKLY"):
        raise ValueError("numbered days such as 2TU need FREQ=MONTHLY or YEARLY")
    in_month = rule.freq == "MONTHLY" or bool(rule.bymonth)
    if any(abs(n) > (5 if in_month else 53) for n in ordinals):
        raise _Never("that numbered weekday never happens")
    longest = max((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[m - 1]
                  for m in rule.bymonth or range(1, 13))
    if rule.bymonthday and all(abs(d) > longest for d in rule.bymonthday):
        raise _Never("that day of the month never happens")
    try:
        dateutil_rule(rule, datetime(2000, 1, 1), None, {})
    except (ValueError, TypeError, OverflowError) as error:
        # Which hours or minutes an INTERVAL reaches depends on DTSTART: decided when
        # the series expands, not here.
        if "empty set" in str(error) and rule.freq in STEP and rule.freq != "DAILY":
            return
        raise (_Never if "empty set" in str(error) else ValueError)(str(error)) from None


def _parse_phrase(s: str) -> Rule | None:
    """A phrase (lower case, no commas) as a rule, or None when it is not one."""
    s = _SPELLINGS.get(s, s)
    count = until = None
    for _ in range(2):  # the suffixes, in either order
        if count is None and (found := re.fullmatch(r"(.+?) (?:for )?(\d{1,6}) times?", s)):
            s, count = found[1], int(found[2])
        if until is None and (found := re.fullmatch(r"(.+?) until (\d{4})-(\d\d?)-(\d\d?)", s)):
            s, until = found[1], date(*map(int, found.groups()[1:])).strftime("%Y%m%d")
    if s in ("weekdays", "every weekday", "weekends", "every weekend"):
        days = _WORKDAYS if "weekday" in s else ((0, 5), (0, 6))
        return Rule("WEEKLY", count=count, until=until, byday=days)
    found = re.fullmatch(r"(?:every (?:(other|\d{1,4}) )?(day|week|month|year)s?|(\w+))"
                         r"(?: on (.+))?", s)
    if found is None or (found[3] and found[3] not in _ADVERBS):
        days = _weekdays(s.removeprefix("every ")) if s.startswith("every ") else ()
        return Rule("WEEKLY", count=count, until=until, byday=days) if days else None
    freq = _ADVERBS[found[3]] if found[3] else _UNITS[found[2]]
    step = 2 if found[1] == "other" or found[3] == "fortnightly" else int(found[1] or 1)
    rule = Rule(freq, step, count, until)
    if found[4] is None or freq in ("DAILY", "YEARLY"):
        return rule if found[4] is None else None
    if freq == "WEEKLY":
        return replace(rule, byday=_weekdays(found[4])) if _weekdays(found[4]) else None
    return _monthly_on(rule, [item.removeprefix("the ") for item in found[4].split(" and ")])


def _monthly_on(rule: Rule, items: list[str]) -> Rule | None:
    """'last friday', '2nd tuesday', 'first and third monday', 'day 15', '15th',
    'last day', 'last weekday'. Days of the month and weekdays cannot be mixed:
    RFC 5545 would intersect them, which is not what 'and' means."""
    workday = re.fullmatch(r"(.+) weekday", items[0])
    if len(items) == 1 and workday and workday[1] in _ORDINALS:
        return replace(rule, byday=_WORKDAYS, bysetpos=(_ORDINALS[workday[1]],))
    monthdays, weekdays = [], []
    shared = _weekdays(items[-1].rpartition(" ")[2])  # 'first and third monday'
    for item in items:
        day = re.fullmatch(r"(?:day )?(\d\d?)(?:st|nd|rd|th)?(?: day)?", item)
        ordinal, _, name = item.rpartition(" ")
        if day or item == "last day":
            monthdays.append(int(day[1]) if day else -1)
        elif item in _ORDINALS and len(shared) == 1:
            weekdays.append((_ORDINALS[item], shared[0][1]))
        elif ordinal in _ORDINALS and len(_weekdays(name)) == 1:
            weekdays.append((_ORDINALS[ordinal], _weekdays(name)[0][1]))
        else:
            return None
    if monthdays and weekdays:
        return None
    return replace(rule, byday=tuple(weekdays), bymonthday=tuple(monthdays))


def _weekdays(words: str) -> tuple[tuple[int, int], ...]:
    """'mon and wed', 'tue thu', 'fridays' as BYDAY pairs in week order; () if any word
    is no day (prefixes of two letters or more count)."""
    found: set[int] = set()
    for word in (w for w in words.split() if w not in ("and", "or")):
        stem = word[:-1] if word.endswith("s") and len(word) > 3 else word
        names = [i for i, name in enumerate(_DAY_NAMES) if name.lower().startswith(stem)]
        if len(stem) < 2 or not names:
            return ()
        found.add(names[0])
    return tuple((0, d) for d in sorted(found))


def describe_rule(rrule: str) -> str:
    """Short English for a table cell ('monthly on the last Friday'). Never raises: a
    rule stored by another version must not break a listing, so it falls back to the text."""
    try:
        rule = read_rule(rrule)
        unit = next(k for k, v in _UNITS.items() if v == rule.freq)
        adverb = next((k for k, v in _ADVERBS.items() if v == rule.freq), f"every {unit}")
        text = adverb if rule.interval == 1 else f"every {rule.interval} {unit}s"
        if rule.byday == _WORKDAYS and rule.bysetpos:
            on = [f"the {' and '.join(map(_ordinal, rule.bysetpos))} weekday"]
        elif rule.byday == _WORKDAYS and rule.freq == "WEEKLY":
            on, text = [], "every weekday" if rule.interval == 1 else text + " on weekdays"
        else:
            on = [f"the {_ordinal(n)} {_DAY_NAMES[d]}" if n else _DAY_NAMES[d][:3]
                  for n, d in rule.byday]
            on += [f"position {', '.join(map(str, rule.bysetpos))}"] if rule.bysetpos else []
        on += [f"day {d}" if d > 0 else f"the {_ordinal(d)} day" for d in rule.bymonthday]
        text += f" on {', '.join(on)}" if on else ""
        text += f" in {', '.join(_MONTHS[m - 1] for m in rule.bymonth)}" if rule.bymonth else ""
        text += "".join(f", {part[2:]} {', '.join(map(str, getattr(rule, part)))}"
                        for part in TIME_PARTS if getattr(rule, part))
        if rule.count is not None:
            text += ", once" if rule.count == 1 else f", {rule.count} times"
        stamp = until_value(rule.until or "")
        return text + (f", until {stamp.date().isoformat()}" if stamp else "")
    except Exception:  # a table cell must never break a listing
        return " ".join(str(rrule).split())


def _ordinal(n: int) -> str:
    """1 -> 'first', -1 -> 'last', 12 -> '12th', -3 -> '3rd to last'."""
    if n in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[n]
    tens, units = abs(n) % 100 // 10, abs(n) % 10
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(units, "th") if tens != 1 else "th"
    return f"{abs(n)}{suffix}" + (" to last" if n < 0 else "")


def dateutil_rule(rule: Rule, dtstart: datetime, until: datetime | None, extra: dict[str, Any]):
    """The dateutil rrule for rule from a naive dtstart (imported here: start-up speed).
    WKST defaults to Monday (RFC 5545), not to the process-wide calendar setting."""
    from dateutil import rrule as du

    kwargs: dict[str, Any] = {
        "dtstart": dtstart, "interval": rule.interval, "count": rule.count, "until": until,
        "wkst": rule.wkst or 0, "byweekday": [du.weekday(d, n or None) for n, d in rule.byday]
        or None, "bymonthday": rule.bymonthday or None, "bymonth": rule.bymonth or None,
        "bysetpos": rule.bysetpos or None,
        **{part: getattr(rule, part) or None for part in TIME_PARTS}}
    return du.rrule(_FREQS.index(rule.freq), **(kwargs | extra))
