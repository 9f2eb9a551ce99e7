"""The activity report: how much contact there was in a period, and with whom not.

Each section is one aggregate statement over the period's interactions (found through the
``interactions_at`` index, or by reading the table when the period covers much of the
history); ``not_contacted`` is one statement with an index lookup per contact. Never a
query per contact, per week or per interaction from Python.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta, tzinfo
from typing import Any

from rolodex.report_model import Chart, Report, Section
from rolodex.reports.scope import bounds, contact_filter, in_scope, unknown_tags
from rolodex.store.db import Database

NO_INTERACTIONS = "no interactions in this period"
COUNT_COLUMN = ("interactions", "Interactions")


def _narrowing(tags: Sequence[str], owner: str | None) -> tuple[str, list[Any]]:
    """SQL over ``interactions AS i`` besides its time: logged by ``owner``, and with at
    least one contact carrying every tag."""
    where, params = [], []
    if owner is not None:
        # The unary plus keeps SQLite on interactions_at: interactions_user would have it
        # read every entry the user ever logged.
        where.append("+i.user = ?")
        params.append(owner)
    if tags:
        scope, values = contact_filter("c", tags=tags)
        where.append(f"EXISTS (SELECT 1 FROM interaction_contacts x WHERE x.interaction_id"
                     f" = i.id AND {in_scope('x.contact_id', scope)})")
        params += values
    return " AND ".join(where) or "1", params


def activity(db: Database, first: date, last: date, tz: tzinfo, *, tags: Sequence[str] = (),
             owner: str | None = None, limit: int = 20) -> Report:
    """Interactions on local days ``first`` to ``last``: by kind, week, contact and owner,
    and the contacts with none. ``owner`` narrows interactions to those the user logged
    (and ``not_contacted`` to contacts the user owns); ``tags`` narrows both to contacts
    with every tag; ``limit`` cuts the two lists of contacts, never their totals."""
    lo, hi = bounds(first, last, tz)
    narrow, params = _narrowing(tags, owner)
    wide = _wide(db, lo, hi)
    at = "+i.at" if wide else "i.at"  # the plus: read the table, not the index
    where = f"{at} >= ? AND {at} < ? AND {narrow}"
    kinds: Counter[str] = Counter()
    users: Counter[str | None] = Counter()
    for kind, user, count in db.execute(
            f"SELECT i.kind, i.user, count(*) FROM interactions i WHERE {where}"
            f" GROUP BY i.kind, i.user", [lo, hi, *params]):
        kinds[kind] += count
        users[user] += count
    notes = unknown_tags(db, tags)
    sections = [
        _counted("by_kind", "Interactions by kind", ("kind", "Kind"), kinds),
        _by_week(db, first, last, tz, narrow, params, wide and narrow != "1"),
        _by_contact(db, lo, hi, tags, owner, limit, notes, wide),
        _counted("by_owner", "Interactions by who logged them", ("owner", "Owner"), users),
        _not_contacted(db, lo, hi, tags, owner, limit, notes),
    ]
    return Report("activity", "Activity", sections, start=first, end=last, notes=notes)


def _wide(db: Database, lo: str, hi: str) -> bool:
    """Whether the period holds so much of the history (by time, about a sixth or more)
    that reading the whole table beats finding rows through ``interactions_at``, where each
    row found costs a random read of the table."""
    from rolodex.dates import from_utc_iso

    oldest, newest = db.execute("SELECT (SELECT min(at) FROM interactions),"
                                " (SELECT max(at) FROM interactions)").fetchone()
    if oldest is None or oldest == newest:
        return False
    span = (from_utc_iso(newest) - from_utc_iso(oldest)).total_seconds()
    inside = (from_utc_iso(min(hi, newest)) - from_utc_iso(max(lo, oldest))).total_seconds()
    return inside / span > 1 / 6


def _counted(name: str, title: str, label: tuple[str, str], counts: Counter) -> Section:
    """Interactions per value, most first (ties by value, null last)."""
    key = label[0]
    rows = [{key: value, "interactions": count} for value, count in sorted(
        counts.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))]
    return Section(name, title, [label, COUNT_COLUMN], rows,
                   totals={key: "Total", "interactions": sum(counts.values())},
                   chart=Chart("bar", key, "interactions"), empty=NO_INTERACTIONS)


def _by_week(db: Database, first: date, last: date, tz: tzinfo, narrow: str,
             params: list[Any], scan: bool) -> Section:
    """One row per week (its Monday) touching the period, zero weeks included; the first
    and last weeks count only their days inside the period.

    Local weeks have no fixed UTC length (DST), so SQLite counts per UTC hour (per minute
    in a zone whose midnight is not on a UTC hour, such as India's) and each hour goes to
    the week whose UTC bounds hold it: one pass, at most 24 groups a day."""
    mondays, starts = [], []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        mondays.append(monday.isoformat())
        starts.append(bounds(max(monday, first), last, tz)[0])
        monday += timedelta(days=7)
    lo, hi = bounds(first, last, tz)
    # the coarsest prefix of "2026-10-25T23:00:00Z" that no week bound falls inside
    size = next(n for n in (13, 16, 19) if all(set(b[n:19]) <= {":", "0"} for b in [*starts, hi]))
    rest = "0000-00-00T00:00:00Z"[size:]
    at = "+i.at" if scan else "i.at"
    counts = [0] * len(mondays)
    for bucket, count in db.execute(
            f"SELECT substr(i.at, 1, {size}) AS bucket, count(*) FROM interactions i"
            f" WHERE {at} >= ? AND {at} < ? AND {narrow} GROUP BY bucket", [lo, hi, *params]):
        counts[bisect_right(starts, bucket + rest) - 1] += count
    rows = [{"week": week, "interactions": count}
            for week, count in zip(mondays, counts, strict=True)]
    return Section("by_week", "Interactions by week (Monday)",
                   [("week", "Week of"), COUNT_COLUMN], rows,
                   totals={"week": "Total", "interactions": sum(counts)},
                   chart=Chart("bar", "week", "interactions"), empty=NO_INTERACTIONS)


def _by_contact(db: Database, lo: str, hi: str, tags: Sequence[str], owner: str | None,
                limit: int, notes: list[str], wide: bool) -> Section:
    """Each contact's interactions in the period, most first; an interaction with three
    people counts once for each of them. A short period starts from its interactions
    (``i.at`` keeps both index reads covering); a long one reads the covering
    (contact_id, at) index once, or with an owner the interactions table once."""
    narrow, params = _narrowing((), owner)
    scope, scope_params = contact_filter("c", tags=tags)
    links = "interactions i JOIN interaction_contacts x ON x.interaction_id = i.id"
    at, test = "i.at", "i.at"
    if wide and owner is None:
        links, at, test = "interaction_contacts x", "x.at", "x.at"
    elif wide:  # read the table once; CROSS JOIN keeps that order, and the plus the scan
        links, test = links.replace(" JOIN ", " CROSS JOIN "), "+i.at"
    found = db.query(
        f"""WITH per AS (
                SELECT x.contact_id AS id, count(*) AS n, max({at}) AS last FROM {links}
                WHERE {test} >= ? AND {test} < ? AND {narrow}
                    AND {in_scope('x.contact_id', scope)}
                GROUP BY x.contact_id)
            SELECT per.id, c.display_name AS name, per.n, per.last,
                   count(*) OVER () AS contacts, sum(per.n) OVER () AS total,
                   max(per.last) OVER () AS latest
            FROM per JOIN contacts c ON c.id = per.id
            ORDER BY per.n DESC, per.last DESC, c.sort_key, c.id LIMIT ?""",
        [lo, hi, *params, *scope_params, max(limit, 1)])
    rows = [{"id": r["id"], "name": r["name"], "interactions": r["n"], "last": r["last"]}
            for r in found[:limit]]
    contacts = found[0]["contacts"] if found else 0
    if contacts > len(rows):
        notes.append(f"by_contact: {contacts - len(rows)} more not shown; --limit shows more")
    return Section("by_contact", "Most contacted",
                   [("id", "ID"), ("name", "Name"), COUNT_COLUMN, ("last", "Last in period")],
                   rows, totals={"id": "Total", "name": contacts,
                                 "interactions": found[0]["total"] if found else 0,
                                 "last": found[0]["latest"] if found else None},
                   empty=NO_INTERACTIONS)


def _not_contacted(db: Database, lo: str, hi: str, tags: Sequence[str], owner: str | None,
                   limit: int, notes: list[str]) -> Section:
    """Contacts (with the tags, owned by ``owner``) nobody was in touch with in the period:
    those never contacted before its end first, then the longest silent.

    One index lookup per contact (its last interaction before the period's end) tells both
    whether it falls in the period and how long the silence is; MATERIALIZED keeps SQLite
    from repeating it for each use, and ``count(*) OVER ()`` counts in the pass that sorts."""
    scope, scope_params = contact_filter("c", tags=tags, owner=owner)
    found = db.query(
        f"""WITH seen AS MATERIALIZED (
                SELECT c.id, c.display_name AS name, c.company_id, c.sort_key,
                       (SELECT max(y.at) FROM interaction_contacts y
                        WHERE y.contact_id = c.id AND y.at < ?) AS last
                FROM contacts c WHERE {scope})
            SELECT id, name, (SELECT co.name FROM companies co WHERE co.id = company_id)
                       AS company, last, count(*) OVER () AS total
            FROM seen WHERE last IS NULL OR last < ?
            ORDER BY last IS NOT NULL, last, sort_key, id LIMIT ?""",
        [hi, *scope_params, lo, max(limit, 1)])
    total = found[0]["total"] if found else 0
    rows = [{"id": r["id"], "name": r["name"], "company": r["company"],
             "last_contacted": r["last"]} for r in found[:limit]]
    if total > len(rows):
        notes.append(f"not_contacted: {total - len(rows)} more not shown; --limit shows more")
    empty = "every contact was in touch in this period"
    if not total and db.execute(f"SELECT 1 FROM contacts c WHERE {scope} LIMIT 1",
                                scope_params).fetchone() is None:
        empty = "no contacts"
    return Section("not_contacted", "Not contacted in this period",
                   [("id", "ID"), ("name", "Name"), ("company", "Company"),
                    ("last_contacted", "Last contacted")], rows,
                   totals={"id": "Total", "name": total, "company": None,
                           "last_contacted": None}, empty=empty)
