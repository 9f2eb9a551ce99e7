"""Repeating tasks and events: expansion of the rules ``recurrence_rules`` reads.

Pure functions, no I/O; dateutil.rrule is imported only when something expands, so
commands that never look at a repeating item do not pay for it at start-up. Expansion
runs in local wall time (a weekly 16:15 Berlin meeting stays at 16:15 when the clocks
change), made aware as ``rolodex.dates`` does: a time in a spring-forward gap moves past
it, a repeated fall-back time is its first occurrence. As in dateutil, the start counts
only when it matches the rule (RFC 5545 always counts DTSTART, but an "every monday" task
created on a Friday should first come up on Monday). Days that do not exist are skipped,
as RFC 5545 says: a yearly series on 29 February happens in leap years only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import islice
from types import MappingProxyType
from typing import Any

from rolodex.dates import as_instant
from rolodex.recurrence_rules import (
    STEP,
    TIME_PARTS,
    Rule,
    dateutil_rule,
    read_rule,
    until_value,
)

# A series shows at most this many occurrences in one window (an agenda, an export
# check): a SECONDLY rule has 86,400 a day, and nothing a file says may hang a listing.
MAX_OCCURRENCES = 10_000
MAX_WALK = 100_000
_NOTHING_MOVED: Mapping[Any, tuple[Any, Any]] = MappingProxyType({})


@dataclass(frozen=True)
class Occurrence:
    """One happening of an item: ``original`` is its nominal start (the RECURRENCE-ID
    that exdates and moves refer to), ``start``/``end`` where it really is."""

    start: date | datetime
    end: date | datetime
    original: date | datetime
    moved: bool = False


def occurrences(
    rrule: str | None, start: date | datetime, window_start: datetime | date,
    window_end: datetime | date, *, tz: tzinfo | None = None,
    exdates: Iterable[date | datetime] = (), moved: Mapping[Any, tuple[Any, Any]] = _NOTHING_MOVED,
    duration: timedelta | None = None,
) -> list[Occurrence]:
    """Every occurrence overlapping [window_start, window_end), sorted by start.

    A date ``start`` makes an all-day series (dates out); an aware datetime a timed one,
    expanded in the wall time of ``tz`` (default: start's zone). Date bounds mean
    midnight in that zone; for all-day items without ``tz`` the zone of an aware bound
    (else UTC) places the days. ``exdates`` and the keys of ``moved`` are nominal starts;
    an occurrence both cancelled and moved stays cancelled."""
    allday = not isinstance(start, datetime)
    zone = _zone(start, tz, window_start, window_end)
    first = start if allday else _aware(start, zone)
    length = duration or (timedelta(days=1) if allday else timedelta(0))
    low, high = as_instant(window_start, zone), as_instant(window_end, zone)
    rule = read_rule(rrule) if rrule else None
    skip = {_key(x, zone, allday) for x in exdates}
    moves = {_key(k, zone, allday): v for k, v in moved.items()}
    slack = _slack(rule)
    nominals = _nominals(rule, first, zone, allday, _wall(low, zone) - length - slack,
                         _wall(high, zone) + slack)
    if not allday:  # the slack's occurrences that end before the window use no place
        nominals = (n for n in nominals if n + length > low or n >= low)
    found = {_key(n, zone, allday): n for n in islice(nominals, MAX_OCCURRENCES)}
    for key in moves.keys() - found.keys():  # moved in from far away: if really in the series
        near = _wall(as_instant(key, zone), zone)
        if key in {_key(n, zone, allday) for n in islice(_nominals(
                rule, first, zone, allday, near - slack, near + slack), MAX_OCCURRENCES)}:
            found[key] = key if allday else key.astimezone(zone)
    result = []
    for key, nominal in found.items():
        begin, end = moves.get(key, (nominal, nominal + length))
        begin, end = (_aware(v, zone) if isinstance(v, datetime) else v for v in (begin, end))
        instants = as_instant(begin, zone), as_instant(end, zone)
        if key not in skip and instants[0] < high and (instants[1] > low or instants[0] >= low):
            result.append(Occurrence(begin, end, nominal, key in moves))
    return sorted(result, key=lambda o: (as_instant(o.start, zone), _key(o.original, zone, False)))


def next_after(
    rrule: str, start: date | datetime, after: date | datetime, *, tz: tzinfo | None = None
) -> date | datetime | None:
    """The first nominal occurrence strictly after ``after``, None once the series has
    ended: completing one occurrence of a repeating task creates this one. A date
    ``after`` for a timed series means after that whole day; a datetime ``after`` for an
    all-day series means after its day."""
    allday = not isinstance(start, datetime)
    zone = _zone(start, tz, after)
    rule = read_rule(rrule) if rrule else None
    if allday:
        low = datetime.combine(_key(after, zone, True) + timedelta(days=1), time())
        return next(_nominals(rule, start, zone, True, low, None), None)
    bound = as_instant(after, zone, end=not isinstance(after, datetime))
    candidates = _nominals(rule, _aware(start, zone), zone, False,
                           _wall(bound, zone) - _slack(rule), None)
    return next((n for n in candidates if n > bound), None)


def _nominals(rule: Rule | None, first: Any, zone: tzinfo, allday: bool,
              low: datetime, high: datetime | None) -> Iterator[Any]:
    """Nominal starts with local wall time in [low, high] (high None: no end), in order:
    dates for all-day series, aware datetimes in zone otherwise."""
    dtstart = datetime.combine(first, time()) if allday else _wall(first, zone)
    if rule is None:
        if low <= dtstart and (high is None or dtstart <= high):
            yield first
        return
    until, limit = _until(rule, zone, allday)
    # dateutil stops at UNTIL: a window's end (else a horizon) bounds even a rule whose
    # BY parts never meet, which would otherwise be searched up to the year 9999.
    bound = high or _horizon(low)
    if rule.count is None:  # dateutil refuses COUNT and UNTIL together; COUNT bounds too
        until = bound if until is None else min(until, bound)
    restart, extra, rule = _restart(rule, dtstart, low)
    try:
        expansion = dateutil_rule(rule, restart, until, extra)
    except ValueError:  # BYHOUR an INTERVAL never reaches from this DTSTART: none at all
        return
    # A COUNT series with BY parts is walked from its start (each occurrence counts): its
    # first MAX_WALK occurrences are followed, so COUNT=999999 on a SECONDLY rule from 1601
    # costs a fraction of a second, not seconds, for every listing.
    walked = islice(expansion, MAX_WALK) if rule.count is not None else expansion
    for naive in (n for n in walked if n >= low):
        aware = None if allday else naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
        if (high is not None and naive > high) or (aware and limit and aware > limit):
            return
        yield aware or naive.date()


def _until(rule: Rule, zone: tzinfo, allday: bool) -> tuple[datetime | None, datetime | None]:
    """UNTIL as a naive wall-time bound for dateutil, plus the exact instant when it is
    in UTC. dateutil wants UNTIL aware exactly when DTSTART is, and expansion runs on
    naive wall times: a UTC UNTIL becomes local time, with slack for a clock change,
    and the instant then cuts exactly. A date UNTIL includes that whole local day."""
    text = rule.until or ""
    stamp = until_value(text)
    if stamp is None or not text.endswith("Z"):  # none, a date, or floating wall time
        whole_day = stamp is not None and "T" not in text and not allday
        return (datetime.combine(stamp.date(), time.max) if whole_day else stamp), None
    local = _wall(stamp.replace(tzinfo=UTC), zone)
    return (local, None) if allday else (local + timedelta(hours=3), stamp.replace(tzinfo=UTC))


def _slack(rule: Rule | None) -> timedelta:
    """How far before a window expansion starts: a day covers any clock change for the
    daily and longer rules; finer ones would spend it on 86,400 seconds."""
    return timedelta(hours=3) if rule and rule.freq in STEP and rule.freq != "DAILY" \
        else timedelta(days=1)


def _horizon(low: datetime) -> datetime:
    """How far an open-ended search looks: 400 years (the Gregorian calendar's whole
    cycle of weekdays and leap years), or to the last day dateutil can hold."""
    try:
        return low.replace(year=low.year + 400)
    except ValueError:
        return datetime(9999, 12, 31) if low.year + 400 > 9999 else low + timedelta(days=146097)


def _restart(rule: Rule, dtstart: datetime, target: datetime
             ) -> tuple[datetime, dict[str, Any], Rule]:
    """A later DTSTART (and the rule from there) giving the same occurrences from target
    on. dateutil walks every period from DTSTART, so a daily series begun ten years ago
    would walk 3650 days to reach this week, and a SECONDLY one begun in 1601 would never
    arrive. A rule without BY parts has one occurrence per period: jump straight there,
    COUNT shortened by what was jumped. Otherwise, without COUNT no period depends on the
    ones before, so start at the last INTERVAL-aligned period at or before target,
    spelling out the parts dateutil would otherwise take from DTSTART."""
    if target <= dtstart:
        return dtstart, {}, rule
    if rule.freq in STEP and not _filtered(rule):
        step = STEP[rule.freq] * rule.interval
        periods = (target - dtstart) // step
        if rule.count is not None:
            periods = min(periods, rule.count - 1)
            rule = replace(rule, count=rule.count - periods)
        return dtstart + periods * step, {}, rule
    if rule.count is not None:
        return dtstart, {}, rule
    if rule.freq in STEP and rule.freq != "DAILY":  # aligned: same minute and second
        step = STEP[rule.freq] * rule.interval
        return dtstart + (target - dtstart) // step * step, {}, rule
    first, goal, step = dtstart.date(), target.date(), rule.interval
    if rule.freq == "DAILY":
        begin = first + timedelta((goal - first).days // step * step)
    elif rule.freq == "WEEKLY":
        week = first - timedelta((first.weekday() - (rule.wkst or 0)) % 7)
        begin = week + timedelta(weeks=(goal - week).days // 7 // step * step)
    elif rule.freq == "MONTHLY":
        months = (goal.year - first.year) * 12 + goal.month - first.month
        index = first.year * 12 + first.month - 1 + months // step * step
        begin = date(index // 12, index % 12 + 1, 1)
    else:
        begin = date(first.year + (goal.year - first.year) // step * step, 1, 1)
    if begin <= first:
        return dtstart, {}, rule
    extra: dict[str, Any] = {part: getattr(dtstart, part[2:]) for part in
                             ("byhour", "byminute", "bysecond") if not getattr(rule, part)}
    if not (rule.byday or rule.bymonthday or rule.byyearday or rule.byweekno):
        extra.update({"YEARLY": {"bymonth": rule.bymonth or dtstart.month,
                                 "bymonthday": dtstart.day},
                      "MONTHLY": {"bymonthday": dtstart.day},
                      "WEEKLY": {"byweekday": dtstart.weekday()}}.get(rule.freq, {}))
    return datetime.combine(begin, time()), extra, rule


def _filtered(rule: Rule) -> bool:
    """Whether a BY part may leave a period without an occurrence (or give it several)."""
    return bool(rule.byday or rule.bymonthday or rule.bymonth or rule.bysetpos
                or any(getattr(rule, part) for part in TIME_PARTS))


def _zone(start: date | datetime, tz: tzinfo | None, *bounds: date | datetime) -> tzinfo:
    """tz, else start's zone, else an aware bound's zone, else UTC."""
    aware = [v.tzinfo for v in (start, *bounds) if isinstance(v, datetime) and v.utcoffset()
             is not None]
    return tz or (aware[0] if aware else None) or UTC


def _aware(value: datetime, zone: tzinfo) -> datetime:
    """value in zone; a naive value is wall time there, made aware like rolodex.dates."""
    if value.utcoffset() is None:
        return value.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return value.astimezone(zone)


def _wall(instant: datetime, zone: tzinfo) -> datetime:
    """The naive local wall time of an aware instant in zone."""
    return instant.astimezone(zone).replace(tzinfo=None)


def _key(value: date | datetime, zone: tzinfo, allday: bool) -> date | datetime:
    """What identifies a nominal start: its day for all-day series, else its instant."""
    if not allday:
        return as_instant(value, zone)
    if isinstance(value, datetime):
        return value.astimezone(zone).date() if value.utcoffset() is not None else value.date()
    return value
