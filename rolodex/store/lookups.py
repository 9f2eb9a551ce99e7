"""Finding existing records by the keys other systems use: UID, email, phone digits.

The apply layer asks these questions for every card or calendar item, so each is one indexed query.
"""

from __future__ import annotations

from typing import Any

from rolodex.store.db import Database


def any_contact(db: Database) -> bool:
    """Whether there is any contact at all (an import into an empty database needs not
    look for the people it could match)."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM contacts)").fetchone()[0] == 1


def count(db: Database, table: str) -> int:
    """How many rows a table of records holds (contacts, companies, tags...)."""
    if table not in _COUNTED:
        raise ValueError(f"not a table of records: {table}")
    return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


_COUNTED = frozenset({"contacts", "companies", "tags", "tasks", "events", "deals",
                      "interactions"})


def company_of_contact(db: Database, contact_id: int) -> int | None:
    """The company a contact works at, if any."""
    row = db.execute("SELECT company_id FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    return row[0] if row else None


def contact_by_uid(db: Database, uid: str) -> int | None:
    """The contact with this UID, or the one a contact with it was merged into."""
    found = contact_with_uid(db, uid)
    return found if found is not None else merged_into(db, uid)


def contact_with_uid(db: Database, uid: str) -> int | None:
    """The contact whose own UID this is."""
    row = db.execute("SELECT id FROM contacts WHERE uid = ?", (uid,)).fetchone()
    return row[0] if row else None


def merged_into(db: Database, uid: str) -> int | None:
    """The contact that the contact with this UID was merged into (``rolodex merge``)."""
    row = db.execute("SELECT contact_id FROM contact_uids WHERE uid = ?", (uid,)).fetchone()
    return row[0] if row else None


def contacts_by_email(db: Database, address: str) -> list[int]:
    """Contacts with this address (case ignored), oldest first."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT contact_id FROM contact_emails WHERE address = ? COLLATE NOCASE"
        " ORDER BY contact_id", (address,))]


def contacts_by_phone_key(db: Database, key: str) -> list[int]:
    """Contacts with a number whose reversed significant digits are ``key``."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT contact_id FROM contact_phones WHERE digits_rev = ?"
        " ORDER BY contact_id", (key,))]


def contacts_by_url_key(db: Database, key: str) -> list[int]:
    """Contacts with a URL whose ``normalize.url_key`` is ``key`` (a profile page)."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT contact_id FROM contact_urls WHERE url_key = ? ORDER BY contact_id",
        (key,))]


def company_by_uid_or_name(db: Database, uid: str | None, name_key: str) -> int | None:
    row = db.execute("SELECT id FROM companies WHERE uid = ? OR name_key = ? LIMIT 1",
                     (uid or "", name_key)).fetchone()
    return row[0] if row else None


def company_merged_from(db: Database, uid: str | None, name_key: str) -> int | None:
    """The company that a company with this UID or name was merged into."""
    row = db.execute("SELECT company_id FROM company_uids WHERE uid = ? OR name_key = ?"
                     " ORDER BY id LIMIT 1", (uid or "", name_key)).fetchone()
    return row[0] if row else None


def event_by_uid(db: Database, uid: str) -> int | None:
    row = db.execute("SELECT id FROM events WHERE uid = ?", (uid,)).fetchone()
    return row[0] if row else None


def task_by_uid(db: Database, uid: str) -> Any:
    return db.execute("SELECT * FROM tasks WHERE uid = ?", (uid,)).fetchone()
