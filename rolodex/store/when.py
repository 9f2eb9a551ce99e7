"""How dates and instants are stored: a date as 'YYYY-MM-DD', an instant as UTC ISO
('2026-11-20T08:30:00Z'), a floating time as its wall time without a zone
('2014-11-08T05:30:00').

Tasks may be due on a day or at a time and events may be all-day or timed, so one column
holds either; these helpers encode, decode and build the SQL that filters such a column
by a local day window. A floating time (iCalendar's DTSTART:20141108T053000, no TZID, no
Z) is the same wall time in whatever zone the user is in: it is stored as written and
made aware only when read, in the zone of whoever reads it, so 05:30 stays 05:30 when
ROLODEX_TZ changes. Decoded without a zone it stays naive (the export writes it so).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

from rolodex.dates import from_utc_iso, start_of_day, to_utc_iso


def encode(value: date | datetime | None) -> str | None:
    """A date, an aware datetime (as UTC) or a naive one (floating, as its wall time)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            return value.replace(tzinfo=None, microsecond=0).isoformat()
        return to_utc_iso(value)
    return value.isoformat()


def is_floating(text: str | None) -> bool:
    """Whether a stored value is a floating time: a time with neither Z nor an offset."""
    return text is not None and len(text) == 19 and text[10] == "T"


def decode(text: str | None, tz: tzinfo | None = None) -> date | datetime | None:
    """A stored value back as a date, or an aware datetime (in ``tz`` when given); a
    floating time as that wall time in ``tz``, or naive without one."""
    if text is None:
        return None
    if len(text) == 10:
        return date.fromisoformat(text)
    if is_floating(text):
        wall = datetime.fromisoformat(text)
        return wall if tz is None else wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)
    instant = from_utc_iso(text)
    return instant.astimezone(tz) if tz else instant


def encode_as(value: date | datetime, stored: str | None, tz: tzinfo) -> str | None:
    """``value`` encoded as ``stored`` is: the wall time in ``tz`` when that is floating
    (a moved or skipped occurrence of a floating series stays floating)."""
    if is_floating(stored) and isinstance(value, datetime) and value.utcoffset() is not None:
        return encode(value.astimezone(tz).replace(tzinfo=None))
    return encode(value)


def window_sql(column: str, first: date | None, last: date | None,
               tz: tzinfo) -> tuple[str, list[str]]:
    """SQL matching ``column`` values on local days ``first`` to ``last`` inclusive.

    Either bound may be None (open-ended). Dates compare as dates; instants compare with
    the UTC instants of the local day boundaries.
    """
    day_parts, instant_parts, params_day, params_instant = [], [], [], []
    if first is not None:
        day_parts.append(f"{column} >= ?")
        params_day.append(first.isoformat())
        instant_parts.append(f"{column} >= ?")
        params_instant.append(to_utc_iso(start_of_day(first, tz)))
    if last is not None:
        day_parts.append(f"{column} <= ?")
        params_day.append(last.isoformat())
        instant_parts.append(f"{column} < ?")
        params_instant.append(to_utc_iso(start_of_day(last + timedelta(days=1), tz)))
    day = " AND ".join(day_parts) or "1"
    instant = " AND ".join(instant_parts) or "1"
    return (f"((length({column}) = 10 AND {day}) OR (length({column}) > 10 AND {instant}))",
            params_day + params_instant)


class LocalDays:
    """The local day of many stored UTC instants, without a datetime per instant.

    Within one UTC day the local date changes at most once (at local midnight), so the UTC
    time of day of that change is worked out once per UTC day and each instant is then
    compared as text. Exact across DST changes, for every zone.
    """

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._days: dict[str, tuple[date, str | None, date]] = {}

    def __call__(self, text: str) -> date:
        if len(text) < 19 or text[10] != "T" or not text.endswith("Z"):
            return self._slow(text)
        entry = self._days.get(text[:10])
        if entry is None:
            entry = self._days[text[:10]] = self._day(text[:10])
        before, change, after = entry
        if change is None:
            return before
        if not change:  # an odd day: see _day
            return self._slow(text)
        return after if text[11:19] >= change else before

    def _slow(self, text: str) -> date:
        from rolodex.dates import from_utc_iso

        return from_utc_iso(text).astimezone(self.tz).date()

    def _day(self, text: str) -> tuple[date, str | None, date]:
        """(local date at the UTC day's start, UTC time it changes or None, date after);
        an odd day (two local midnights in it) gets "" to be converted one by one."""
        from datetime import UTC, datetime

        start = datetime.fromisoformat(text).replace(tzinfo=UTC)
        first = start.astimezone(self.tz).date()
        last = (start + timedelta(seconds=86399)).astimezone(self.tz).date()
        if first == last:
            return first, None, first
        if (last - first).days != 1:
            return first, "", first
        change = start_of_day(last, self.tz).astimezone(UTC)
        return first, change.strftime("%H:%M:%S"), last
