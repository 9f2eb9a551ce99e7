"""How dates and instants are stored: a date as 'YYYY-MM-DD', an instant as UTC ISO.

Tasks may be due on a day or at a time and events may be all-day or timed, so one column
holds either; these helpers encode, decode and build the SQL that filters such a column
by a local day window.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from rolodex.dates import from_utc_iso, start_of_day, to_utc_iso


def encode(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_utc_iso(value)
    return value.isoformat()


def decode(text: str | None, tz: tzinfo | None = None) -> date | datetime | None:
    """A stored value back as a date, or an aware datetime (in ``tz`` when given)."""
    if text is None:
        return None
    if len(text) == 10:
        return date.fromisoformat(text)
    instant = from_utc_iso(text)
    return instant.astimezone(tz) if tz else instant


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
