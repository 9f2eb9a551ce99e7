"""Where a person is still named after their erasure, in what was not theirs to erase.

Other records' free text ("Lunch with Zebulon", a shared mail's subject and Message-ID, a
deal's title, a saved search's query), the journal's images of those records, and the
command lines and summaries of operations on them: each hit is reported, never rewritten
(another person's "lunch with Jane" is theirs), for the user to judge.
"""

from __future__ import annotations

from typing import Any

from rolodex.store.db import Database
from rolodex.store.people.identity import Identity, Words, mentioning

FREE_TEXT = (("interactions", ("text", "outcome", "message_id")),
             ("tasks", ("title", "notes", "imported")),
             ("events", ("title", "notes", "location", "imported")),
             ("event_exceptions", ("title", "location")), ("deals", ("title", "notes")),
             ("contacts", ("notes",)), ("contact_fields", ("value",)),
             ("relationships", ("related_name",)),
             ("companies", ("name", "email", "phone", "notes")), ("company_fields", ("value",)),
             ("saved_searches", ("name", "query")))


def traces(db: Database, who: Identity, skip_operation: int | None = None
           ) -> list[dict[str, Any]]:
    """Every place that still names the person: ``{table, id, column, match, record}``.

    ``match`` is ``exact`` (a full name, an email address, a phone number) or ``word`` (one
    word of a name, such as a first name alone: perhaps someone else). ``record`` is, for a
    journal image (table ``changes``), the record it is an image of (``deals #3``), else
    null. ``skip_operation``: the erasure's own record, which names only an id."""
    words = who.words()
    found: dict[tuple[str, int, str], dict[str, Any]] = {}

    def add(table: str, row: Any, columns: tuple[str, ...], match: str,
            matcher: Identity | Words, record: str | None = None) -> None:
        for column in columns:
            if (table, row["id"], column) not in found and matcher.mentioned_in(row[column]):
                found[(table, row["id"], column)] = {
                    "table": table, "id": row["id"], "column": column, "match": match,
                    "record": record}

    for match, matcher in (("exact", who), ("word", words)):
        for table, columns in FREE_TEXT:
            for row in mentioning(db, table, columns, matcher):
                add(table, row, columns, match, matcher)
        for row in mentioning(db, "changes", ("before", "after"), matcher,
                              ", table_name, row_id"):
            add("changes", row, ("before", "after"), match, matcher,
                f"{row['table_name']} #{row['row_id']}")
        for row in mentioning(db, "operations", ("command", "summary"), matcher):
            if row["id"] != skip_operation:
                add("operations", row, ("command", "summary"), match, matcher)
    return sorted(found.values(), key=lambda t: (t["table"], t["id"], t["column"]))
