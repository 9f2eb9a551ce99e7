"""The birthdays report: birthdays and anniversaries in a range of days.

The dates come from ``reports.agenda.anniversaries``, so the report and the agenda agree:
yearless dates are included, 29 February falls on 28 February in common years, and ages
(years married) are given only where the year is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rolodex.report_model import Report, Section
from rolodex.reports.scope import contact_filter, unknown_tags
from rolodex.store.activity.anniversaries import anniversaries
from rolodex.store.db import Database

COLUMNS = [("date", "Date"), ("kind", "Kind"), ("id", "ID"), ("name", "Name"),
           ("years", "Years"), ("in_days", "In days"), ("label", "Label")]
KIND_ORDER = {"birthday": 0, "anniversary": 1}


def birthdays(db: Database, first: date, last: date, today: date, *,
              tags: Sequence[str] = (), owner: str | None = None) -> Report:
    """Birthdays and anniversaries on ``first`` to ``last``, by date; ``years`` is the age
    reached (years married), ``in_days`` counts from ``today``; a labelled date ("Hired")
    is an anniversary with its ``label``."""
    items = anniversaries(db, first, last)
    if tags or owner is not None:
        scope, params = contact_filter("c", tags=tags, owner=owner)
        wanted = {r[0] for r in db.execute(f"SELECT c.id FROM contacts c WHERE {scope}", params)}
        items = [i for i in items if i["id"] in wanted]
    rows = [{"date": i["date"], "kind": i["type"], "id": i["id"],
             "name": i["contacts"][0]["name"], "years": i["years"],
             "in_days": (date.fromisoformat(i["date"]) - today).days,
             "label": i["label"]} for i in items]
    rows.sort(key=lambda r: (r["date"], KIND_ORDER[r["kind"]], r["name"].casefold(), r["id"]))
    section = Section("dates", "Birthdays and anniversaries", COLUMNS, rows,
                      empty="no birthdays or anniversaries in this period")
    return Report("birthdays", "Birthdays and anniversaries", [section], start=first, end=last,
                  notes=unknown_tags(db, tags))
