"""The vCard a contact was imported from, kept as JSON to be written back losslessly.

The store treats it as opaque data: ``rolodex.formats.vcard`` decides what it means.
"""

from __future__ import annotations

import json
from typing import Any

from rolodex.store import journal, records
from rolodex.store.db import Database


def kept(db: Database, contact_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Kept cards by contact id: ``{"version", "props", "meaning"}`` (absent: never imported)."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in records.chunks(contact_ids):
        for row in db.execute(
                f"SELECT contact_id, version, props, meaning FROM contact_cards WHERE contact_id"
                f" IN ({', '.join('?' * len(chunk))})", chunk):
            out[row[0]] = {"version": row[1], "props": json.loads(row[2]),
                           "meaning": json.loads(row[3])}
    return out


# json.dumps with options builds an encoder per call; an import stores 100,000 cards.
_PROPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_MEANING = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def keep(db: Database, contact_id: int, card: dict[str, Any], *, new: bool = False) -> None:
    """Store (or replace) the card a contact came from; journalled like every write.
    ``new``: the contact was created in this operation, so it has no card yet."""
    values = {"version": card["version"], "props": _PROPS(card["props"]),
              "meaning": _MEANING(card["meaning"])}
    row = None if new else db.execute("SELECT id FROM contact_cards WHERE contact_id = ?",
                                      (contact_id,)).fetchone()
    if row:
        journal.update(db, "contact_cards", row[0], values)
    else:
        journal.insert(db, "contact_cards", {"contact_id": contact_id, **values})
