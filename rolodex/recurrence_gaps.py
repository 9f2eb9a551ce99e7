"""Series that silently miss: a monthly one on the 29th to 31st skips the months without
that day and a yearly one on 29 February waits for leap years (RFC 5545 skips days that
do not exist), and some rules never happen at all. Pure functions over the rules of
``rolodex.recurrence``, so ``event add`` can warn and an import can say so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

from rolodex.dates import as_instant
from rolodex.recurrence import next_after
from rolodex.recurrence_rules import parse_rule

_SHORTEST = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30,
             12: 31}  # February of a common year
_MAX_CANCELLED = 1000  # EXDATEs looked past before a series is taken to happen


def _parts(rrule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in parse_rule(rrule).split(";"))


def short_month_warning(rrule: str, start: date | datetime) -> str | None:
    """A warning, with the rule that does what was probably meant, when the series from
    ``start`` skips months (or years) because its day is missing from some of them."""
    parts = _parts(rrule)
    if set(parts) & {"BYDAY", "BYSETPOS", "BYYEARDAY", "BYWEEKNO"}:
        return None
    interval = f";INTERVAL={parts['INTERVAL']}" if "INTERVAL" in parts else ""
    days = [int(d) for d in parts["BYMONTHDAY"].split(",")] if "BYMONTHDAY" in parts \
        else [start.day]
    if parts["FREQ"] == "YEARLY" and "BYMONTHDAY" not in parts and "BYMONTH" not in parts \
            and (start.month, start.day) == (2, 29):
        return ("29 February exists in leap years only, so this series skips three years"
                f" in four; for the last day of February use --repeat"
                f" 'FREQ=YEARLY{interval};BYMONTH=2;BYMONTHDAY=-1'")
    if parts["FREQ"] != "MONTHLY" or any(d < 0 for d in days):
        return None
    step = int(parts.get("INTERVAL", "1"))
    reached = {(start.month - 1 + i * step) % 12 + 1 for i in range(12)}
    if "BYMONTH" in parts:
        reached &= {int(m) for m in parts["BYMONTH"].split(",")}
    missing = [m for m in reached if all(d > _SHORTEST[m] for d in days)]
    if not missing:
        return None
    day = max(days)
    better = "monthly-last" if day == 31 and len(days) == 1 and not interval else (
        f"'FREQ=MONTHLY{interval};BYMONTHDAY="
        + ",".join(str(d) for d in range(28, day + 1)) + ";BYSETPOS=-1'")
    meaning = "the last day of every month" if day == 31 else \
        f"the {day}th, or the last day of shorter months"
    return (f"day {day} is missing from some months, so this series skips them (RFC 5545);"
            f" for {meaning} use --repeat {better}")


def ends_before_start(rrule: str, start: date | datetime) -> bool:
    """Whether UNTIL (as ``until_as_rfc`` stores it: a date for an all-day series, UTC
    for a timed one) falls before DTSTART."""
    until = _parts(rrule).get("UNTIL", "")
    if not until:
        return False
    if not isinstance(start, datetime):
        return until[:8] < start.strftime("%Y%m%d")
    if start.utcoffset() is None or not until.endswith("Z"):
        return until < start.strftime("%Y%m%dT%H%M%S")[:len(until)]
    return until < start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def never_happens(rrule: str, start: date | datetime, *, tz: tzinfo | None = None,
                  exdates: list[date | datetime] | tuple = ()) -> bool:
    """Whether the series has no occurrence at all: UNTIL before DTSTART, a COUNT that
    its EXDATEs cancel, BY parts that never meet. The search is bounded (the rule's
    first few occurrences, found within 400 years), so nothing a file says can hang it."""
    zone = tz or UTC
    excluded = {_key(x, zone) for x in exdates}
    after = start - timedelta(days=1) if not isinstance(start, datetime) else \
        start - timedelta(seconds=1)
    for _ in range(min(len(excluded), _MAX_CANCELLED) + 1):
        found = next_after(rrule, start, after, tz=tz)
        if found is None:
            return True
        if _key(found, zone) not in excluded:
            return False
        after = found
    return len(excluded) < _MAX_CANCELLED  # more cancelled than looked at: assume it happens


def _key(value: date | datetime, zone: tzinfo) -> date | datetime:
    """An occurrence as something comparable: its day, or its instant (naive: in zone)."""
    return value if not isinstance(value, datetime) else as_instant(value, zone)
