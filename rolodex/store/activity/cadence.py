"""Stay-in-touch cadences, and the people past theirs.

A contact's cadence is its own (``contact edit --every``) or else the shortest cadence of
its tags (``rolodex cadence set TAG 90d``). Days are counted from the last interaction, or
from when the contact was added if there is none yet. The follow-ups list, the agenda,
the relationships report and the calendar export all ask here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta, tzinfo
from typing import Any

from rolodex.dates import now
from rolodex.store.db import Database
from rolodex.store.records import tuples
from rolodex.store.settings import CADENCE_PREFIX
from rolodex.store.when import LocalDays


def tag_cadences(db: Database) -> dict[str, int]:
    """Cadence in days per tag name (lower-cased), from the ``cadence.TAG`` settings."""
    import json

    rows = db.query("SELECT key, value FROM settings WHERE key LIKE ?", (CADENCE_PREFIX + "%",))
    return {r["key"][len(CADENCE_PREFIX):].lower(): json.loads(r["value"]) for r in rows}


def effective(own_days: int | None, tags: list[str],
              by_tag: dict[str, int]) -> tuple[int | None, str | None]:
    """A contact's cadence and where it comes from: its own (source None), else the
    shortest of its tags' (source: that tag), as ``cadence_sql`` computes it in SQL."""
    if own_days is not None:
        return own_days, None
    found = [(by_tag[t.lower()], t) for t in tags if t.lower() in by_tag]
    return min(found) if found else (None, None)


def cadence_sql(db: Database, alias: str = "c") -> tuple[str, list[Any]]:
    """An SQL expression for the cadence of ``contacts AS alias`` (null: none): its own,
    else the shortest of its tags' -- the one place that rule is written."""
    by_tag = tag_cadences(db)
    if not by_tag:
        return f"{alias}.cadence_days", []
    cases = " ".join("WHEN ? THEN ?" for _ in by_tag)
    return (f"coalesce({alias}.cadence_days, (SELECT min(CASE lower(t.name) {cases} END)"
            f" FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
            f" WHERE ct.contact_id = {alias}.id))",
            [value for pair in by_tag.items() for value in pair])


def with_cadence(db: Database, alias: str = "c") -> tuple[str, list[str]]:
    """SQL true for the rows of ``contacts AS alias`` that have a cadence: their own, or a
    tag with one (a filter for queries that compute ``cadence_sql`` for each row)."""
    by_tag = list(tag_cadences(db))
    # the ids come from two indexes (m022's and the tags'), so SQLite looks each contact
    # up by id rather than scanning them all for the few with a cadence
    ids = "SELECT id FROM contacts WHERE cadence_days IS NOT NULL"
    if by_tag:
        ids += (" UNION SELECT ct.contact_id FROM contact_tags ct JOIN tags t"
                f" ON t.id = ct.tag_id WHERE lower(t.name) IN ({', '.join('?' * len(by_tag))})")
    return f"{alias}.id IN ({ids})", by_tag


def people_due(db: Database, horizon: date, tz: tzinfo) -> list[dict[str, Any]]:
    """Contacts whose next contact date (last contact + cadence) is on or before ``horizon``.

    One query through the indexes of the contacts with a cadence (their own: m022's; their
    tags': contact_tags), an index lookup each for the last contact, and local days worked
    out per UTC day rather than per contact: 100,000 contacts stay cheap."""
    return shape_due(due_rows(db, horizon, tz), tz)


def shape_due(rows: Iterable[tuple[int, str, str | None, int, date]], tz: tzinfo
              ) -> list[dict[str, Any]]:
    """``due_rows`` tuples as follow-up items."""
    today = now().astimezone(tz).date()
    return [{"type": "followup", "id": contact_id, "title": name, "due": due.isoformat(),
             "days_overdue": (today - due).days, "last_contacted": last,
             "cadence_days": every, "priority": None,
             "contacts": [{"id": contact_id, "name": name}]}
            for contact_id, name, last, every, due in rows]


def due_rows(db: Database, horizon: date, tz: tzinfo
             ) -> Iterator[tuple[int, str, str | None, int, date]]:
    """``people_due`` as (id, name, last contacted, cadence, due day) tuples, unshaped."""
    expr, expr_params = cadence_sql(db)
    where, params = with_cadence(db)
    local = LocalDays(tz)
    steps: dict[int, timedelta] = {}
    for contact_id, name, created, last, every in tuples(
            db, f"SELECT c.id, c.display_name, c.created, l.at, {expr} FROM contacts c"
            f" LEFT JOIN contact_last l ON l.id = c.id WHERE {where}"
            f" AND c.deathdate IS NULL",  # nobody to get in touch with
            expr_params + params):
        step = steps.get(every)
        if step is None:
            step = steps[every] = timedelta(days=every)
        try:
            due = local(last or created) + step
        except OverflowError:  # due after 9999-12-31: before no horizon there can be
            continue
        if due <= horizon:
            yield contact_id, name, last, every, due
