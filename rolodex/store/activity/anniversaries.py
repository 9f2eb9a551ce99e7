"""Birthdays, anniversaries and labelled dates falling in a range of days: the agenda, the
birthdays report and the calendar export all ask here, so they agree."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from rolodex.dates import stored_date
from rolodex.store.db import Database


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def anniversaries(db: Database, first: date, last: date) -> list[dict[str, Any]]:
    """Birthdays, anniversaries and labelled dates ("Hired") falling on ``first``..``last``;
    29 February is celebrated on 28 February in other years; ages only where the year is
    known. The deceased have none: a reminder of their birthday is no kindness. A text
    birthday ("circa 1800") is no day. ``label`` is a labelled date's label, else None."""
    days = _days(first, last)
    keys = {d.strftime("%m-%d") for d in days}
    if any(d.month == 2 and d.day == 28 and not calendar.isleap(d.year) for d in days):
        keys.add("02-29")
    marks = ", ".join("?" * len(keys))
    spanned = sorted({d.year for d in days})
    out = []
    living = "c.deathdate IS NULL"
    queries = [(f"SELECT c.id, c.display_name, c.{field}, NULL FROM contacts c WHERE"
                f" c.{field} IS NOT NULL AND substr(c.{field}, -5) IN ({marks}) AND {living}",
                kind) for field, kind in (("birthday", "birthday"),
                                          ("anniversary", "anniversary"))]
    queries.append((f"SELECT c.id, c.display_name, d.date, coalesce(d.label, 'date')"
                    f" FROM labelled_dates d JOIN contacts c ON c.id = d.contact_id"
                    f" WHERE substr(d.date, -5) IN ({marks}) AND {living}", "anniversary"))
    for sql, kind in queries:
        for contact_id, name, value, label in db.execute(sql, sorted(keys)).fetchall():
            partial = stored_date(value, contact_id, name)
            for year in spanned:
                day = partial.occurrence_in(year)
                if first <= day <= last:
                    years = year - partial.year if partial.year else None
                    title = f"{name}'s {label or kind}" + (
                        f" ({years})" if years is not None else "")
                    out.append({"type": kind, "date": day.isoformat(), "time": None,
                                "title": title, "id": contact_id,
                                "contacts": [{"id": contact_id, "name": name}],
                                "years": years, "label": label})
    return out
