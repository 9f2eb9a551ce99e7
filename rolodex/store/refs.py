"""Turning what users type (id, UID, a name or its prefix) into one record: companies here,
contacts in ``contact_refs`` (a contact may be named by a saved search, which runs a
search, whose ``company:`` filter names a company).

It never guesses: a reference that fits several records raises Ambiguous with the
candidates, so a script cannot silently log a call on the wrong Jane.
"""

from __future__ import annotations

from rolodex.errors import Ambiguous, NotFound
from rolodex.normalize import fold
from rolodex.store.db import Database
from rolodex.store.lookups import company_merged_from
from rolodex.store.people.companies import add_company

MAX_CANDIDATES = 10
MAX_ID = 2**63 - 1  # SQLite's largest integer: no row has a larger id


def typed_id(ref: str) -> int | None:
    """The id ``ref`` types (``12``, ``#12``: ASCII digits), else None."""
    text = ref.strip().lstrip("#")
    return int(text) if text.isascii() and text.isdigit() else None


def rows_with_id(db: Database, table: str, number: int) -> list[int]:
    """``[number]`` if ``table`` has such a row; an id past ``MAX_ID`` names nothing (and
    SQLite could not be asked about it)."""
    if number > MAX_ID:
        return []
    return [r[0] for r in db.execute(f"SELECT id FROM {table} WHERE id = ?", (number,))]


def one_record(db: Database, ids: list[int], ref: str, noun: str, describe) -> int:
    ids = list(dict.fromkeys(ids))
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise NotFound(f"no {noun} matches '{ref}'",
                       hint="'rolodex search' finds records by any part of them")
    shown = describe(db, ids[:MAX_CANDIDATES])
    more = len(ids) - len(shown)
    if more > 0:
        shown.append(f"... and {more} more")
    plural = "companies" if noun == "company" else f"{noun}s"
    raise Ambiguous(f"'{ref}' matches {len(ids)} {plural}", shown,
                    hint=f"name the {noun} by id, email or a longer name")


def _describe_companies(db: Database, ids: list[int]) -> list[str]:
    rows = db.query(f"SELECT id, name, domain FROM companies WHERE id IN"
                    f" ({', '.join('?' * len(ids))}) ORDER BY name_key", ids)
    return [f"#{r['id']} {r['name']}" + (f" ({r['domain']})" if r["domain"] else "")
            for r in rows]


def find_company(db: Database, ref: str) -> list[int]:
    """Companies ``ref`` could mean: by id, UID, exact name or domain, else name prefix."""
    ref = ref.strip()
    number = typed_id(ref)
    if number is not None:
        return rows_with_id(db, "companies", number)
    for sql, value in (("uid = ?", ref), ("name_key = ?", fold(ref)),
                       ("domain = ? COLLATE NOCASE", ref)):
        ids = [r[0] for r in db.execute(f"SELECT id FROM companies WHERE {sql}", (value,))]
        if ids:
            return ids
    key = fold(ref)
    merged = company_merged_from(db, ref, key)  # the UID or name of one merged into it
    if merged is not None:
        return [merged]
    if not key:
        return []
    return [r[0] for r in db.execute(
        "SELECT id FROM companies WHERE (name_key >= ? AND name_key < ?) OR name_key LIKE ?"
        " ESCAPE '\\' ORDER BY name_key",
        (key, key + "\uffff", "% " + key.replace("%", "\\%").replace("_", "\\_") + "%"))]


def resolve_company(db: Database, ref: str) -> int:
    """The one company ``ref`` names; NotFound or Ambiguous otherwise."""
    if not ref.strip():
        raise NotFound("an empty name matches no company")
    return one_record(db, find_company(db, ref), ref, "company", _describe_companies)


def company_named(db: Database, name: str) -> int:
    """The company a name read from a file or a form means: the one with that name (case
    and accents aside; the oldest if several), else the one a company of that name was
    merged into, else a new one.

    Not ``company_for_contact``: a vCard's ORG or a CSV column names a company in full, so
    "Acme" is not "Acme Ltd" (a prefix), "42" is not company #42, and two companies whose
    names start alike make no import fail as ambiguous.
    """
    key = fold(name)
    row = db.execute("SELECT id FROM companies WHERE name_key = ? ORDER BY id LIMIT 1",
                     (key,)).fetchone() or db.execute(
        "SELECT company_id FROM company_uids WHERE name_key = ? ORDER BY id LIMIT 1",
        (key,)).fetchone()  # the name of a company merged into another
    if row:
        return row[0]
    return add_company(db, name)


def company_for_contact(db: Database, ref: str) -> tuple[int, bool]:
    """The company a ``--company`` option means, created when no company fits.

    Returns (id, created). An exact or unique prefix match links; several matches are
    ambiguous; none creates a company with that name.
    """
    ids = find_company(db, ref)
    if not ids and typed_id(ref) is None:
            return add_company(db, ref), True
    return one_record(db, ids, ref, "company", _describe_companies), False
