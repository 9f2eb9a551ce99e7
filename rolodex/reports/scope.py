"""What the reports narrow by: a period of local days, and which contacts count.

Shared by the report modules so ``--from/--to``, ``--tag`` and ``--owner`` mean the same
thing in every report. Only SQL fragments and bounds here: each report runs its own
aggregate queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta, tzinfo

from rolodex.dates import start_of_day, to_utc_iso
from rolodex.store.db import Database


def bounds(first: date, last: date, tz: tzinfo) -> tuple[str, str]:
    """The stored-time (UTC ISO) bounds of local days ``first`` to ``last``: the first
    instant of ``first`` and that of the day after ``last`` (exclusive)."""
    return (to_utc_iso(start_of_day(first, tz)),
            to_utc_iso(start_of_day(last + timedelta(days=1), tz)))


def contact_filter(alias: str, *, tags: Sequence[str] = (), owner: str | None = None
                   ) -> tuple[str, list[str]]:
    """SQL true for the rows of ``contacts AS alias`` that carry every tag in ``tags`` (as
    ``contact list --tag`` does) and, with ``owner``, whose owner it is; ``"1"`` (every
    contact) without either."""
    where, params = [], []
    for tag in tags:
        where.append(f"{alias}.id IN (SELECT ct.contact_id FROM contact_tags ct JOIN tags t"
                     f" ON t.id = ct.tag_id WHERE t.name = ?)")
        params.append(tag.strip())
    if owner is not None:
        where.append(f"{alias}.owner = ?")
        params.append(owner)
    return " AND ".join(where) or "1", params


def unknown_tags(db: Database, tags: Sequence[str]) -> list[str]:
    """Notes for tags no record has ever carried, so an empty report explains itself."""
    notes = []
    for tag in tags:
        if db.execute("SELECT 1 FROM tags WHERE name = ?", (tag.strip(),)).fetchone() is None:
            notes.append(f"no tag named '{tag.strip()}'")
    return notes


def count_totals(columns: list[tuple[str, str]], count: int) -> dict[str, object]:
    """The totals row of a list of records: the label, then how many, blanks elsewhere."""
    keys = [key for key, _ in columns]
    return {keys[0]: "Total", keys[1]: count, **dict.fromkeys(keys[2:])}


def in_scope(column: str, scope: str) -> str:
    """SQL: ``column`` (a contact id) is one of the contacts ``scope`` (over ``contacts AS
    c``) selects; nothing to test when it selects them all. The unary plus keeps SQLite from
    probing an index once per listed contact for every row, which is what it would do."""
    return "1" if scope == "1" else f"+{column} IN (SELECT c.id FROM contacts c WHERE {scope})"
