"""The clock, time zones, and the kinds of date and time rolodex stores.

An instant is aware UTC, kept as ISO 8601 text (``to_utc_iso``, ``from_utc_iso``); a
birthday or anniversary is a ``PartialDate``, whose year may be unknown. Every layer
imports this module at start-up, so it holds the values and not the reading of what a
person types (dates, durations, numbers of days): that is ``rolodex.date_input``, loaded
only by the code that reads typed text. No I/O besides environment variables and the
system zone, and only stdlib imports, so importing it is cheap.

Local wall times are built with zoneinfo and normalised through UTC (``local``):
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

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")

_clock: Callable[[], datetime] | None = None


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests, demos); None restores it. Wins over ROLODEX_NOW."""
    global _clock
    _clock = fn


def now() -> datetime:
    """The current instant as aware UTC; ROLODEX_NOW (read on every call) lets
    subprocess tests, which cannot call set_clock, freeze time too."""
    if _clock is not None:
        return utc(_clock())
    frozen = os.environ.get("ROLODEX_NOW", "").strip()
    try:
        return utc(datetime.fromisoformat(frozen)) if frozen else datetime.now(UTC)
    except ValueError:
        raise BadDate(f"cannot read ROLODEX_NOW '{show(frozen)}'",
                      hint="use an ISO 8601 instant such as 2026-11-20T08:00:00Z") from None


def utc(dt: datetime) -> datetime:
    """dt as aware UTC; naive means UTC, the only zone-free reading of a machine time."""
    return dt.replace(tzinfo=UTC) if dt.utcoffset() is None else dt.astimezone(UTC)


def get_zone(name: str) -> ZoneInfo:
    """The IANA zone called name; a typo becomes a BadDate rather than a KeyError."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise BadDate(f"unknown time zone '{show(name)}'",
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
            month = MONTHS[self.month - 1].capitalize() if known else f"month {self.month}"
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
            raise BadDate(f"cannot read date '{show(text)}'; expected 1985-04-15 or --04-15")
        year, month, day = found.groups()
        return cls(None if year == "-" else int(year), int(month), int(day))

    def occurrence_in(self, year: int) -> date:
        """The day this falls on in year: 29 February is the 28th in common years."""
        return date(year, self.month, min(self.day, days_in_month(year, self.month)))


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


def local(day: date, clock: time, tz: tzinfo) -> datetime:
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
        return utc(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise BadDate(f"cannot read timestamp '{show(text)}'; "
                      "expected 2026-11-20T08:30:00Z") from None


def start_of_day(d: date, tz: tzinfo) -> datetime:
    """The first instant of d in tz (aware): 01:00 where midnight falls in a DST gap."""
    return local(d, time(0), tz)


def as_instant(value: date | datetime, tz: tzinfo, *, end: bool = False) -> datetime:
    """value as aware UTC, so dates and datetimes compare alike: a date is its start in
    tz (end=True: the next day's start, an exclusive bound); naive means wall time in tz."""
    if isinstance(value, datetime):
        aware = value if value.utcoffset() is not None else local(value.date(), value.time(), tz)
        return aware.astimezone(UTC)
    return start_of_day(value + timedelta(1 if end else 0), tz).astimezone(UTC)


def show(text: str) -> str:
    """text fit to quote inside a one-line message: printable and not too long."""
    shown = " ".join(text.split())
    if not shown.isprintable():
        shown = shown.encode("unicode_escape").decode("ascii")
    return shown if len(shown) <= 60 else shown[:57] + "..."


def days_in_month(year: int, month: int) -> int:
    """Length of a month (no calendar import), for clamping 31 Jan + 1 month to Feb 28/29."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31
