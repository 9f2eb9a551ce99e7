"""The segments report: who the contacts are (status, tag, company kind, city, country) and
how engaged they are (recency and frequency of interactions).

Each section is one GROUP BY over the contacts in scope. Engagement classifies the contacts
with interactions in the last year in one GROUP BY over that year's interactions; the rest
are dormant or never contacted, told apart by one index lookup each. No query per contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta, tzinfo
from typing import Any

from rolodex.dates import start_of_day, to_utc_iso
from rolodex.report_model import Chart, Report, Section
from rolodex.reports.scope import contact_filter, in_scope, unknown_tags
from rolodex.store.db import Database

RECENT_DAYS = 30      # "recent": the last interaction is at most 29 days old
ACTIVE_DAYS = 90      # "recent enough": at most 89 days old; also how long a contact is "new"
YEAR_DAYS = 365       # frequency counts interactions on today and the 364 days before
FREQUENT = 6          # interactions in a year for "frequent" (about every two months)
REGULAR = 3           # interactions in a year for "regular"

# (name, rule) in the order the SQL CASE tests them: each contact gets the first that fits.
SEGMENTS = [
    ("champions", f"last interaction under {RECENT_DAYS} days ago and {FREQUENT}+ in a year"),
    ("loyal", f"last interaction under {ACTIVE_DAYS} days ago and {REGULAR}+ in a year"),
    ("new", f"first interaction under {ACTIVE_DAYS} days ago"),
    ("occasional", f"last interaction under {ACTIVE_DAYS} days ago, fewer than {REGULAR}"
                   " in a year"),
    ("at risk", f"{REGULAR}+ interactions in a year, none in the last {ACTIVE_DAYS} days"),
    ("dormant", f"fewer than {REGULAR} interactions in a year, none in the last"
                f" {ACTIVE_DAYS} days"),
    ("never contacted", "no interaction at all"),
]


def segments(db: Database, today: date, tz: tzinfo, *, tags: Sequence[str] = (),
             owner: str | None = None, limit: int = 20) -> Report:
    """Contacts (with every tag in ``tags``, owned by ``owner``) counted by status, tag,
    company kind, city, country and engagement as of ``today``."""
    scope, params = contact_filter("c", tags=tags, owner=owner)
    total = db.execute(f"SELECT count(*) FROM contacts c WHERE {scope}", params).fetchone()[0]
    notes = unknown_tags(db, tags)
    counted = _Counter(total, limit, notes)
    cities, countries = _places(db, scope, params, total)
    sections = [
        counted.section("by_status", "By status", [("status", "Status")], db.query(
            f"SELECT c.status, count(*) AS contacts FROM contacts c WHERE {scope}"
            f" GROUP BY c.status ORDER BY contacts DESC, c.status IS NULL, c.status", params)),
        counted.section("by_tag", "By tag (a contact counts once for each of its tags)",
                        [("tag", "Tag")], _tags(db, scope, params, total), cut=True),
        counted.section("by_company_kind", "By company kind", [("kind", "Company kind")],
                        db.query(
            f"SELECT co.kind, count(*) AS contacts FROM contacts c LEFT JOIN companies co"
            f" ON co.id = c.company_id WHERE {scope}"
            f" GROUP BY co.kind ORDER BY contacts DESC, co.kind IS NULL, co.kind", params)),
        counted.section("by_city", "By city (preferred or first address)",
                        [("city", "City"), ("country", "Country")], cities, cut=True),
        counted.section("by_country", "By country (preferred or first address)",
                        [("country", "Country")], countries, cut=True),
        _engagement(db, scope, params, today, tz, total),
    ]
    return Report("segments", "Segments", sections, end=today, notes=notes)


def _by_count(rows: list[tuple]) -> list[tuple]:
    """Most contacts first, the null (unknown) row after its equals, then by name."""
    return sorted(rows, key=lambda r: (-r[-1], r[0] is None, str(r[0] or "").casefold(),
                                       str(r[1] or "").casefold() if len(r) > 2 else ""))


class _Counter:
    """Builds the count sections: the label columns plus ``contacts``, a totals row with
    every contact in scope, cut to ``limit`` rows where asked."""

    def __init__(self, total: int, limit: int, notes: list[str]) -> None:
        self.total, self.limit, self.notes = total, limit, notes

    def section(self, name: str, title: str, labels: list[tuple[str, str]], found: list[Any],
                *, cut: bool = False) -> Section:
        keys = [key for key, _ in labels]
        rows = [{**dict(zip(keys, r[:len(keys)], strict=True)), "contacts": r[len(keys)]}
                for r in found if r[len(keys)]]
        if cut and len(rows) > self.limit:
            self.notes.append(f"{name}: {len(rows) - self.limit} more not shown;"
                              f" --limit shows more")
            rows = rows[:self.limit]
        totals = {keys[0]: "Total", **dict.fromkeys(keys[1:]), "contacts": self.total}
        return Section(name, title, [*labels, ("contacts", "Contacts")], rows, totals=totals,
                       chart=Chart("bar", keys[0], "contacts"), empty="no contacts")


def _tags(db: Database, scope: str, params: list[Any], total: int) -> list[tuple]:
    """Contacts per tag, and those with none (tag null)."""
    where = in_scope("ct.contact_id", scope)
    found = [tuple(r) for r in db.execute(
        f"SELECT t.name, count(*) FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id"
        f" WHERE {where} GROUP BY t.id", params)]
    tagged = db.execute(f"SELECT count(DISTINCT ct.contact_id) FROM contact_tags ct"
                        f" WHERE {where}", params).fetchone()[0]
    return _by_count([*found, (None, total - tagged)])


def _places(db: Database, scope: str, params: list[Any], total: int
            ) -> tuple[list[tuple], list[tuple]]:
    """Contacts per (city, country) and per country of their preferred (else first)
    address; contacts without one count under null. Spellings differing only in case or
    surrounding blanks are one place, shown in its first spelling in sort order (capitals
    first: "Berlin" over "berlin"). Both from one pass over the addresses."""
    where = in_scope("contact_id", scope)
    found = db.execute(
        f"""WITH first AS MATERIALIZED (
                SELECT locality, country FROM (
                    SELECT contact_id, locality, country, row_number() OVER (
                        PARTITION BY contact_id ORDER BY preferred DESC, position, id) AS rank
                    FROM contact_addresses WHERE {where})
                WHERE rank = 1)
            SELECT 1, min(trim(locality)), min(trim(country)), count(*) FROM first
                GROUP BY lower(trim(locality)), lower(trim(country))
            UNION ALL
            SELECT 2, NULL, min(trim(country)), count(*) FROM first
                GROUP BY lower(trim(country))""",
        params).fetchall()
    cities = [(r[1], r[2], r[3]) for r in found if r[0] == 1]
    countries = [(r[2], r[3]) for r in found if r[0] == 2]
    without = total - sum(r[-1] for r in countries)
    return (_by_count([*cities, (None, None, without)]),
            _by_count([*countries, (None, without)]))


def _engagement(db: Database, scope: str, params: list[Any], today: date, tz: tzinfo,
                total: int) -> Section:
    """Segment counts: the contacts with interactions in the last year are classified in
    one GROUP BY over that year's interactions (found by the interactions_at index); the
    others are dormant or never contacted, told apart by one index lookup each."""
    def since(days: int) -> str:
        return to_utc_iso(start_of_day(today - timedelta(days=days - 1), tz))

    recent, active, year = since(RECENT_DAYS), since(ACTIVE_DAYS), since(YEAR_DAYS)
    end = to_utc_iso(start_of_day(today + timedelta(days=1), tz))
    where = in_scope("x.contact_id", scope)
    counts = dict(db.execute(
        f"""WITH f AS MATERIALIZED (
                SELECT x.contact_id AS id, count(*) AS n, max(i.at) AS last
                FROM interactions i JOIN interaction_contacts x ON x.interaction_id = i.id
                WHERE i.at >= ? AND i.at < ? AND {where} GROUP BY x.contact_id)
            SELECT CASE
                WHEN last >= ? AND n >= {FREQUENT} THEN 'champions'
                WHEN last >= ? AND n >= {REGULAR} THEN 'loyal'
                WHEN last >= ? AND NOT EXISTS (SELECT 1 FROM interaction_contacts y
                    WHERE y.contact_id = f.id AND y.at < ?) THEN 'new'
                WHEN last >= ? THEN 'occasional'
                WHEN n >= {REGULAR} THEN 'at risk'
                ELSE 'dormant' END, count(*)
            FROM f GROUP BY 1""",
        [year, end, *params, recent, active, active, active,
         active]).fetchall())
    ever = db.execute(
        f"SELECT count(*) FROM contacts c WHERE {scope} AND EXISTS (SELECT 1 FROM"
        f" interaction_contacts y WHERE y.contact_id = c.id AND y.at < ?)",
        [*params, end]).fetchone()[0]
    counts["dormant"] = counts.get("dormant", 0) + ever - sum(counts.values())
    counts["never contacted"] = total - ever
    rows = [{"segment": name, "contacts": counts.get(name, 0), "rule": rule}
            for name, rule in SEGMENTS]
    return Section("engagement", "Engagement (recency and frequency)",
                   [("segment", "Segment"), ("contacts", "Contacts"), ("rule", "Rule")], rows,
                   totals={"segment": "Total", "contacts": total, "rule": None},
                   chart=Chart("bar", "segment", "contacts"), empty="no contacts")
