"""The rule an imported series is stored with, and what the import report says about it.

UNTIL is stored in the one form the export writes (UTC for a timed series, a date for an
all-day one), so a calendar read back from rolodex's export is unchanged.

A rule with no occurrence at all (UNTIL before DTSTART, BYMONTH=2;BYMONTHDAY=30, a COUNT
its EXDATEs cancel) is not dropped and not imported in silence: the event is kept as a
one-off on its DTSTART, as Google and Apple show such an event, its RRULE kept verbatim
(written back on export), and the import report carries a warning line saying so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from rolodex.errors import InvalidInput
from rolodex.formats.ical_read import Item, rrule_of


def _zone(item: Item, start: date | datetime, tz: str | None) -> tzinfo:
    """The zone the export writes the series in: its own, UTC for a timed one without,
    the calendar's for an all-day one."""
    if not isinstance(start, datetime):
        return item.zones.default
    return ZoneInfo(tz) if tz else UTC


def stored_rule(item: Item, start: date | datetime | None, tz: str | None) -> str | None:
    """The item's RRULE with UNTIL as the export writes it."""
    from rolodex.recurrence_rules import until_as_rfc

    rule = rrule_of(item)
    if rule is None or start is None:
        return rule
    return until_as_rfc(rule, start, _zone(item, start, tz))


def event_rule(item: Item, start: date | datetime | None, tz: str | None,
               exdates: list[date | datetime]) -> tuple[str | None, str | None]:
    """(the rule to store, a warning for the import report). A rule that never happens
    is stored as none (the RRULE line then stays in the item's raw lines). Tasks too:
    ``start`` is then when the task is due."""
    from rolodex.recurrence_gaps import ends_before_start, never_happens
    from rolodex.recurrence_rules import BOTH_ENDS, NeverHappens, until_as_rfc

    note = None
    try:
        rule = stored_rule(item, start, tz)
    except NeverHappens as exc:
        return None, _never(item, exc.hint or "no date fits it")
    except InvalidInput as exc:
        if exc.hint != BOTH_ENDS or start is None:
            raise
        rule = until_as_rfc(_first_end(_text(item), start), start, _zone(item, start, tz))
        note = (f"its rule {_shown(item)} has both COUNT and UNTIL (RFC 5545 allows one):"
                f" kept {'COUNT' if 'COUNT=' in rule else 'UNTIL'}, which ends it first")
    if rule is None or start is None:
        return rule, note
    zone = _zone(item, start, tz) if isinstance(start, datetime) else None
    if not never_happens(rule, start, tz=zone, exdates=exdates):
        return rule, note
    if ends_before_start(rule, start):
        why = "its UNTIL is before its DTSTART"
    elif exdates and not never_happens(rule, start, tz=zone):
        why = "EXDATE cancels every occurrence"
    else:
        why = "no date fits it"
    return None, _never(item, why)


def _first_end(text: str, start: date | datetime) -> str:
    """Of a rule's COUNT and UNTIL, the one that ends the series first, as a valid rule:
    UNTIL when no more than COUNT occurrences come before it (a bounded count)."""
    from rolodex.recurrence import MAX_OCCURRENCES, occurrences
    from rolodex.recurrence_rules import parse_rule

    parts = [p for p in text.split(";") if p.strip()]
    by_count = parse_rule(";".join(p for p in parts if not p.upper().startswith("UNTIL=")))
    by_until = parse_rule(";".join(p for p in parts if not p.upper().startswith("COUNT=")))
    count = int(dict(p.split("=", 1) for p in by_count.split(";"))["COUNT"])
    horizon = (start + timedelta(days=366 * 400)) if start.year < 9000 else start
    zone = start.tzinfo if isinstance(start, datetime) else None
    found = occurrences(by_until, start, start, horizon, tz=zone, duration=timedelta(0))
    return by_until if len(found) <= min(count, MAX_OCCURRENCES - 1) else by_count


def _text(item: Item) -> str:
    """The RRULE as written: icalendar keeps one it cannot read as text (unescaped)."""
    value = item.get("RRULE")
    return value.to_ical().decode() if isinstance(value, dict) else str(value)


def _shown(item: Item) -> str:
    rule = " ".join(_text(item).split())
    return rule if len(rule) <= 60 else rule[:57] + "..."


def _never(item: Item, why: str) -> str:
    when = "DUE" if item.kind == "VTODO" else "DTSTART"
    return (f"its rule {_shown(item)} never happens ({why}): imported as a one-off on its"
            f" {when}, the rule kept as written")
