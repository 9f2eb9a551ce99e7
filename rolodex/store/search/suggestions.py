"""What a shell's <TAB> offers: contact, saved search, company and campaign names starting with what
was typed (accents and case ignored), each with a word of description, read through the
name indexes so a million contacts answer at once."""

from __future__ import annotations

from rolodex.normalize import fold
from rolodex.store.db import Database

_CONTACTS = """SELECT c.display_name, (SELECT address FROM contact_emails e
                  WHERE e.contact_id = c.id ORDER BY preferred DESC, position LIMIT 1)
           FROM contacts c WHERE c.name_key >= ?1 AND c.name_key < ?1 || char(1114111)
           ORDER BY c.name_key LIMIT ?2"""
_SAVED = """SELECT '@' || name, query FROM saved_searches WHERE name >= ?1
            AND name < ?1 || char(1114111) ORDER BY name LIMIT ?2"""
_CAMPAIGNS = """SELECT name, status || ': ' || audience FROM campaigns WHERE name >= ?1
                AND name < ?1 || char(1114111) ORDER BY name LIMIT ?2"""
_COMPANIES = """SELECT name, domain FROM companies WHERE name_key >= ?1
                AND name_key < ?1 || char(1114111) ORDER BY name_key LIMIT ?2"""


def contacts(db: Database, typed: str, limit: int) -> list[tuple[str, str | None]]:
    """(name, preferred email) of contacts; after an '@', (@name, query) of saved searches."""
    if typed.startswith("@"):
        return db.execute(_SAVED, (typed[1:], limit)).fetchall()
    return db.execute(_CONTACTS, (fold(typed), limit)).fetchall()


def companies(db: Database, typed: str, limit: int) -> list[tuple[str, str | None]]:
    """(name, domain) of companies."""
    return db.execute(_COMPANIES, (fold(typed), limit)).fetchall()


def campaigns(db: Database, typed: str, limit: int) -> list[tuple[str, str | None]]:
    """(name, status and audience) of campaigns."""
    return db.execute(_CAMPAIGNS, (typed, limit)).fetchall()
