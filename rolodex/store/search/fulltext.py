"""The full-text index over contacts (FTS5), kept current by the store, and plain text matches.

The index holds folded text (see ``rolodex.normalize``), so case and accents never matter.
Phone numbers are matched separately on their reversed significant digits, which answers
"ends with" from an index: ``5550100100`` finds ``+1 (555) 010-0100``.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from rolodex.normalize import fold, looks_like_phone, phone_digits, phone_key, words
from rolodex.store.db import Database

MIN_PHONE_MATCH = 6  # digits a stored number must share with the query's end


INDEX_COLUMNS = ("name", "nickname", "emails", "phones", "company", "title", "notes", "tags")
_INDEX_SOURCE = """
    SELECT c.id, c.display_name, c.prefix, c.first_name, c.middle_name, c.last_name,
           c.suffix, c.nickname, c.title, c.department, c.notes, co.name AS company,
      (SELECT group_concat(address, ' ') FROM contact_emails WHERE contact_id = c.id) AS emails,
      (SELECT group_concat(number, ' ') FROM contact_phones WHERE contact_id = c.id) AS phones,
      (SELECT group_concat(t.name, ' ') FROM contact_tags ct JOIN tags t
         ON t.id = ct.tag_id WHERE ct.contact_id = c.id) AS tags
    FROM contacts c LEFT JOIN companies co ON co.id = c.company_id
"""


def _index_values(row: sqlite3.Row) -> tuple[str, ...]:
    """The folded texts of one contact's index row, in ``INDEX_COLUMNS`` order."""
    names = " ".join(filter(None, (row["display_name"], row["prefix"], row["first_name"],
                                   row["middle_name"], row["last_name"], row["suffix"])))
    phones = " ".join(phone_digits(p) for p in (row["phones"] or "").split(" ") if p)
    return (fold(names), fold(row["nickname"]), fold(row["emails"]), phones,
            fold(row["company"]),
            fold(" ".join(filter(None, (row["title"], row["department"])))),
            fold(row["notes"]), fold(row["tags"]))


def index_rows(db: Database, contact_id: int | None = None) -> Iterator[tuple[int, tuple]]:
    """(contact id, index texts) as ``reindex_contacts`` writes them: of one contact, or of
    every contact in one pass (``rolodex doctor`` compares these with the index)."""
    if contact_id is None:
        cursor = db.execute(_INDEX_SOURCE)
    else:
        cursor = db.execute(_INDEX_SOURCE + " WHERE c.id = ?", (contact_id,))
    for row in cursor:
        yield row["id"], _index_values(row)


_INSERT = (f"INSERT INTO contacts_fts (rowid, {', '.join(INDEX_COLUMNS)})"
           f" VALUES (?{', ?' * len(INDEX_COLUMNS)})")


def reindex_contacts(db: Database, ids: Iterable[int]) -> None:
    """Rewrite the index rows of these contacts from the tables (call after every write);
    inside ``reindexing_later`` they are only noted, and rewritten at its next flush."""
    if db.index_later is not None:
        db.index_later.extend(ids)
        return
    for contact_id in ids:
        db.execute("DELETE FROM contacts_fts WHERE rowid = ?", (contact_id,))
        for rowid, values in list(index_rows(db, contact_id)):
            db.execute(_INSERT, (rowid, *values))


@contextmanager
def reindexing_later(db: Database) -> Iterator[None]:
    """Bulk writes that read no search index meanwhile (an import) collect the contacts
    to reindex and rewrite their rows many at a time, at each ``flush_index`` and at the
    end: one query for hundreds of contacts instead of three each. What ends in the index
    is what reindexing each contact at once would have written (a contact noted twice is
    written from the tables as they are then; one rolled back since is no more). The ids
    are noted as machine integers: an import of 100,000 cards notes them all."""
    if db.index_later is not None:
        yield
        return
    db.index_later = array("q")
    try:
        yield
        flush_index(db)
    finally:
        db.index_later = None


def flush_index(db: Database) -> None:
    """Rewrite the index rows of the contacts noted so far (see ``reindexing_later``)."""
    if not db.index_later:
        return
    noted, db.index_later = db.index_later, array("q")
    for start in range(0, len(noted), 500):
        # Twice in one chunk is written once; twice far apart, rewritten alike.
        chunk = list(dict.fromkeys(noted[start:start + 500]))
        db.conn.executemany("DELETE FROM contacts_fts WHERE rowid = ?", [(i,) for i in chunk])
        rows = db.execute(f"{_INDEX_SOURCE} WHERE c.id IN ({', '.join('?' * len(chunk))})",
                          chunk).fetchall()
        db.conn.executemany(_INSERT, [(row["id"], *_index_values(row)) for row in rows])


def reindex_company_people(db: Database, company_id: int) -> None:
    ids = [r[0] for r in db.execute("SELECT id FROM contacts WHERE company_id = ?", (company_id,))]
    reindex_contacts(db, ids)


def fts_query(text: str, columns: tuple[str, ...] = ()) -> str | None:
    """An FTS5 query matching every word of ``text`` as a prefix; None if it has no words."""
    tokens = words(text)
    if not tokens:
        return None
    body = " ".join(f'"{t}"*' for t in tokens)
    if columns:
        return "{" + " ".join(columns) + "} : (" + body + ")"
    return body


def phone_matches(db: Database, query: str) -> list[int]:
    """Contacts with a number that ends with the query's digits, or whose digits end the query."""
    key = phone_key(query)
    if len(key) < 5:
        return []
    prefixes = [key[:n] for n in range(MIN_PHONE_MATCH, len(key) + 1)]
    rows = db.execute(
        f"""SELECT DISTINCT contact_id FROM contact_phones
            WHERE (digits_rev >= ? AND digits_rev < ?)
               OR digits_rev IN ({', '.join('?' * len(prefixes))})""",
        (key, key + "\uffff", *prefixes),
    )
    return [r[0] for r in rows]


def text_matches(db: Database, query: str, limit: int | None = None) -> list[int]:
    """Free-text search: phone matches first, then full-text matches by rank."""
    ids: list[int] = []
    if looks_like_phone(query):
        ids.extend(phone_matches(db, query))
    match = fts_query(query)
    if match:
        sql = "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rank"
        seen = set(ids)
        ids.extend(r[0] for r in db.execute(sql, (match,)) if r[0] not in seen)
    return ids if limit is None else ids[:limit]
