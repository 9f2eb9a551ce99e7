"""The relationships report: how each relationship is kept against its stay-in-touch cadence.

Days since the last contact and the cadence are counted as ``followups`` counts them (from
the last interaction, else from when the contact was added; the cadence is the contact's
own, else its tags' shortest), as of today; the interaction counts cover the period.

At 100,000 contacts the work is: one query with an index lookup per contact (its last
interaction), a sort in Python on plain tuples, details only for the rows shown, and one
GROUP BY per aggregate.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from typing import Any

from rolodex.report_model import Chart, Report, Section
from rolodex.reports.scope import bounds, contact_filter, count_totals, in_scope, unknown_tags
from rolodex.store.activity.cadence import cadence_sql, with_cadence
from rolodex.store.db import Database
from rolodex.store.records import chunks
from rolodex.store.when import LocalDays

CONTACT_COLUMNS = [("id", "ID"), ("name", "Name"), ("company", "Company"), ("tags", "Tags"),
                   ("cadence_days", "Every (days)"), ("last_contacted", "Last contacted"),
                   ("days_since", "Days since"), ("days_overdue", "Days late"),
                   ("stale", "Stale"), ("interactions", "Interactions")]
TAG_COLUMNS = [("tag", "Tag"), ("contacts", "Contacts"), ("stale", "Stale"),
               ("interactions", "Interactions")]


def _scope(db: Database, tags: Sequence[str], owner: str | None, everyone: bool
           ) -> tuple[str, list[Any]]:
    """Contacts with the tags if any are given, else everyone (``everyone``), else those
    with a cadence of their own or from a tag."""
    sql, params = contact_filter("c", tags=tags, owner=owner)
    if tags or everyone:
        return sql, params
    cadence, cadence_params = with_cadence(db)
    return f"{sql} AND {cadence}", params + cadence_params


def relationships(db: Database, first: date, last: date, today: date, tz: tzinfo, *,
                  tags: Sequence[str] = (), owner: str | None = None, everyone: bool = False,
                  limit: int | None = None) -> Report:
    """Per contact: cadence, days since the last contact, days past the cadence as of
    ``today``, interactions on local days ``first`` to ``last``; stale first. And the same
    per tag. ``limit`` cuts the contact rows, never the totals."""
    lo, hi = bounds(first, last, tz)
    scope, params = _scope(db, tags, owner, everyone)
    expr, expr_params = cadence_sql(db)
    local = LocalDays(tz)
    ranked = []  # (sort key..., id, cadence, days_since, days_overdue): plain tuples sort fast
    for contact_id, every, since, sort_key in db.execute(
            f"SELECT c.id, {expr}, coalesce((SELECT l.at FROM contact_last l"
            f" WHERE l.id = c.id), c.created), c.sort_key FROM contacts c"
            f" WHERE {scope}", expr_params + params):
        days = (today - local(since)).days
        overdue = None if every is None else days - every
        ranked.append((overdue is None, -(overdue or 0), -days, sort_key, contact_id, every,
                       days, overdue))
    ranked.sort()
    stale = {r[4] for r in ranked if r[7] is not None and r[7] > 0}
    shown = ranked if limit is None else ranked[:limit]
    rows = _rows(db, shown, stale, lo, hi)
    notes = unknown_tags(db, tags)
    if len(shown) < len(ranked):
        notes.append(f"contacts: {len(ranked) - len(shown)} more not shown; --limit shows more")
    totals = count_totals(CONTACT_COLUMNS, len(ranked))
    totals.update(stale=len(stale), interactions=db.execute(
        f"SELECT count(*) FROM interactions i JOIN interaction_contacts x"
        f" ON x.interaction_id = i.id WHERE i.at >= ? AND i.at < ?"
        f" AND {in_scope('x.contact_id', scope)}",
        [lo, hi, *params]).fetchone()[0])
    contacts = Section("contacts", "Relationships, stale first", CONTACT_COLUMNS, rows,
                       totals=totals, empty="no contacts with a stay-in-touch cadence"
                       if not (tags or everyone) else "no contacts")
    by_tag = _by_tag(db, {r[4] for r in ranked}, stale, scope, params, lo, hi)
    return Report("relationships", "Relationships", [contacts, by_tag], start=first, end=last,
                  notes=notes)


def _rows(db: Database, shown: list[tuple], stale: set[int], lo: str, hi: str
          ) -> list[dict[str, Any]]:
    """The rows shown, with the details fetched for them only."""
    ids = [r[4] for r in shown]
    detail: dict[int, Any] = {}
    tags: dict[int, list[str]] = {i: [] for i in ids}
    for chunk in chunks(ids):
        marks = ", ".join("?" * len(chunk))
        for row in db.execute(
                f"""SELECT c.id, c.display_name AS name, co.name AS company,
                       (SELECT l.at FROM contact_last l WHERE l.id = c.id) AS last,
                       (SELECT count(*) FROM interaction_contacts y WHERE y.contact_id = c.id
                           AND y.at >= ? AND y.at < ?) AS n
                    FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
                    WHERE c.id IN ({marks})""", [lo, hi, *chunk]):
            detail[row["id"]] = row
        for contact_id, name in db.execute(
                f"SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t"
                f" ON t.id = ct.tag_id WHERE ct.contact_id IN ({marks})"
                f" ORDER BY t.name COLLATE NOCASE", chunk):
            tags[contact_id].append(name)
    return [{"id": i, "name": detail[i]["name"], "company": detail[i]["company"],
             "tags": tags[i], "cadence_days": every,
             "last_contacted": detail[i]["last"], "days_since": days,
             "days_overdue": overdue, "stale": i in stale, "interactions": detail[i]["n"]}
            for *_, i, every, days, overdue in shown]


def _by_tag(db: Database, ids: set[int], stale: set[int], scope: str, params: list[Any],
            lo: str, hi: str) -> Section:
    """Per tag of the contacts in the report: how many, how many stale, and the distinct
    interactions with any of them in the period (a meeting with two counts once)."""
    names = dict(db.execute("SELECT id, name FROM tags").fetchall())
    stats: dict[int, dict[str, Any]] = {}
    if len(ids) > 20000:  # reading every link beats tens of queries by id
        links = db.execute("SELECT contact_id, tag_id FROM contact_tags").fetchall()
    else:
        links = [link for chunk in chunks(sorted(ids)) for link in db.execute(
            f"SELECT contact_id, tag_id FROM contact_tags WHERE contact_id IN"
            f" ({', '.join('?' * len(chunk))})", chunk)]
    for contact_id, tag_id in links:
        if contact_id in ids:
            entry = stats.setdefault(tag_id, {"tag": names[tag_id], "contacts": 0, "stale": 0,
                                              "interactions": 0})
            entry["contacts"] += 1
            entry["stale"] += contact_id in stale
    for tag_id, count in [] if not ids else db.execute(
            f"SELECT ct.tag_id, count(DISTINCT i.id) FROM interactions i"
            f" JOIN interaction_contacts x ON x.interaction_id = i.id"
            f" JOIN contact_tags ct ON ct.contact_id = x.contact_id"
            f" WHERE i.at >= ? AND i.at < ?"
            f" AND {in_scope('x.contact_id', scope)}"
            f" GROUP BY ct.tag_id", [lo, hi, *params]):
        if tag_id in stats:
            stats[tag_id]["interactions"] = count
    rows = sorted(stats.values(), key=lambda s: (-s["stale"], -s["contacts"],
                                                 s["tag"].casefold()))
    return Section("by_tag", "By tag", TAG_COLUMNS, rows,
                   chart=Chart("bar", "tag", "stale"), empty="none of these contacts has a tag")
