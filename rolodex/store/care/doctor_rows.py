"""``rolodex doctor``'s checks of rows: derived rows the triggers keep, values written past
rolodex, rows ordinary use leaves behind, and settings (see ``doctor``)."""

from __future__ import annotations

import json
import sqlite3

from rolodex.store import journal, records
from rolodex.store.care.findings import FIXED, INFO, OK, PROBLEM, finding, listed
from rolodex.store.db import Database

# --- derived rows: what triggers keep ---------------------------------------------------

# Contacts whose contact_last row is not the latest of their history, either way round.
_LAST_DIFFERS = """
    SELECT id FROM (
        SELECT contact_id AS id, max(at) AS at FROM interaction_contacts GROUP BY contact_id
        EXCEPT SELECT id, at FROM contact_last)
    UNION
    SELECT id FROM (
        SELECT id, at FROM contact_last
        EXCEPT SELECT contact_id, max(at) FROM interaction_contacts GROUP BY contact_id)
    ORDER BY id
"""


def check_last_contacted(db: Database) -> list[dict]:
    """``contact_last``, which triggers keep at each contact's latest history entry: the
    listings, follow-ups, agenda and reports read it instead of the whole history, so a
    row written past the triggers (another tool, an old copy) would mislead all of them."""
    ids = [r[0] for r in db.execute(_LAST_DIFFERS)]
    if not ids:
        return [finding("last_contacted", OK)]
    return [finding("last_contacted", PROBLEM, len(ids),
                    f"{len(ids)} contact(s) with a wrong last-contacted time: "
                    f"{listed([f'#{i}' for i in ids])} (--fix recomputes them)", fixable=True)]


def fix_last_contacted(db: Database) -> list[dict]:
    """Recompute every row from the history (derived data: not journalled, as the
    triggers' own writes are not)."""
    ids = [r[0] for r in db.execute(_LAST_DIFFERS)]
    if not ids:
        return []
    db.execute("DELETE FROM contact_last")
    db.execute("INSERT INTO contact_last (id, at) SELECT contact_id, max(at)"
               " FROM interaction_contacts GROUP BY contact_id")
    return [finding("last_contacted", FIXED, len(ids),
                    f"recomputed the last-contacted time of {len(ids)} contact(s)")]


# --- values written past rolodex -------------------------------------------------------

_DATE_FIELDS = ("birthday", "anniversary")


def _unreadable_dates(db: Database) -> list[tuple[int, str, str, str]]:
    """(contact id, name, field, value) of each birthday or anniversary that is no date
    (30 February, month 13, free text): export and the calendar stop at them."""
    from rolodex.dates import PartialDate
    from rolodex.errors import BadDate

    out = []
    for field in _DATE_FIELDS:
        for contact_id, name, value in db.execute(
                f"SELECT id, display_name, {field} FROM contacts WHERE {field} IS NOT NULL"
                f" ORDER BY id"):
            try:
                PartialDate.from_iso(value)
            except BadDate:
                out.append((contact_id, name, field, value))
    return out


def check_contact_dates(db: Database) -> list[dict]:
    bad = _unreadable_dates(db)
    if not bad:
        return [finding("contact_dates", OK)]
    return [finding("contact_dates", PROBLEM, len(bad),
                    "dates that are no date: " + listed(
                        [f"#{i} {name} {field} {value!r}" for i, name, field, value in bad])
                    + " (--fix keeps each as the custom field FIELD-unreadable)",
                    fixable=True)]


def fix_contact_dates(db: Database) -> list[dict]:
    """Clear each unreadable date, keeping its text as the custom field ``birthday-
    unreadable`` (``anniversary-unreadable``): nothing is lost, and it can be retyped."""
    bad = _unreadable_dates(db)
    for contact_id, _name, field, value in bad:
        records.set_field(db, "contact", contact_id, f"{field}-unreadable", value)
        journal.update(db, "contacts", contact_id, {field: None})
    return [finding("contact_dates", FIXED, len(bad),
                    f"set {len(bad)} unreadable date(s) aside as FIELD-unreadable")
            ] if bad else []


# --- housekeeping: rows ordinary use leaves behind ------------------------------------

_LONELY_INTERACTIONS = """
    SELECT id FROM interactions i WHERE company_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM interaction_contacts ic WHERE ic.interaction_id = i.id)
"""
_UNUSED_TAGS = """
    SELECT id, name FROM tags t
    WHERE NOT EXISTS (SELECT 1 FROM contact_tags WHERE tag_id = t.id)
      AND NOT EXISTS (SELECT 1 FROM company_tags WHERE tag_id = t.id)
    ORDER BY name
"""


def _entries(n: int) -> str:
    return f"{n} history {'entry' if n == 1 else 'entries'}"


def check_lonely_history(db: Database) -> list[dict]:
    """History entries about nobody: neither a contact nor a company (left when the only
    company they named was deleted, or written with foreign keys off)."""
    ids = [r[0] for r in db.execute(_LONELY_INTERACTIONS)]
    if not ids:
        return [finding("lonely_history", OK)]
    return [finding("lonely_history", INFO, len(ids),
                    f"{_entries(len(ids))} about no contact and no company: "
                    f"{listed([f'#{i}' for i in ids])} (--fix deletes them)", fixable=True)]


def fix_lonely_history(db: Database) -> list[dict]:
    ids = [r[0] for r in db.execute(_LONELY_INTERACTIONS)]
    for interaction_id in ids:
        journal.delete(db, "interactions", interaction_id)
    return [finding("lonely_history", FIXED, len(ids),
                    f"deleted {_entries(len(ids))} that named nobody")] if ids else []


def check_unused_tags(db: Database) -> list[dict]:
    """Tags no contact or company carries any more (untagging keeps the tag's row)."""
    names = [r["name"] for r in db.execute(_UNUSED_TAGS)]
    if not names:
        return [finding("unused_tags", OK)]
    return [finding("unused_tags", INFO, len(names),
                    f"{len(names)} tag(s) nobody uses: {listed(names)} (--fix deletes them)",
                    fixable=True)]


def fix_unused_tags(db: Database) -> list[dict]:
    rows = db.execute(_UNUSED_TAGS).fetchall()
    for row in rows:
        journal.delete(db, "tags", row["id"])
    return [finding("unused_tags", FIXED, len(rows),
                    f"deleted {len(rows)} unused tag(s): {listed([r['name'] for r in rows])}")
            ] if rows else []


# --- settings ---------------------------------------------------------------------------

def _bad_settings(db: Database) -> list[sqlite3.Row]:
    bad = []
    for row in db.execute("SELECT id, key, value FROM settings ORDER BY key"):
        try:
            json.loads(row["value"])
        except (TypeError, ValueError):
            bad.append(row)
    return bad


def check_settings(db: Database) -> list[dict]:
    """Stored values are JSON; one that is not breaks every command that reads it."""
    keys = [r["key"] for r in _bad_settings(db)]
    if not keys:
        return [finding("settings", OK)]
    return [finding("settings", PROBLEM, len(keys),
                    f"not readable: {listed(keys)} (--fix restores the default)",
                    fixable=True)]


def fix_settings(db: Database) -> list[dict]:
    rows = _bad_settings(db)
    for row in rows:
        journal.delete(db, "settings", row["id"])
    return [finding("settings", FIXED, len(rows), "restored the default of "
                    + listed([r["key"] for r in rows]))] if rows else []
