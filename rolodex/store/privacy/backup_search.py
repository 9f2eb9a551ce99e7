"""Which backup copies hold a person: looked for inside each copy, read-only.

An erasure cannot reach into the copies (they are the way back from a mistake), so it
names those that still hold the person; a copy taken before they were added, or after
an earlier erasure, does not, and listing it would send the user to delete it for nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from rolodex.store.care.backups import list_backups, open_copy
from rolodex.store.people.identity import Identity

# Each asks whether a copy knows the person by a UID, an email address or a name, in its
# tables or in its journal (a contact deleted the ordinary way is still there); a table the
# copy's schema does not have yet is skipped. Lists are JSON arrays, read by json_each.
_UIDS = "(SELECT value FROM json_each(:uids))"
_NAMES = "(SELECT value FROM json_each(:names))"
_EMAILS = "(SELECT value FROM json_each(:emails))"
_IMAGE = "json_extract(coalesce(before, after), '$.{}')"
_QUERIES = (
    f"SELECT 1 FROM contacts WHERE uid IN {_UIDS} OR lower(display_name) IN {_NAMES}",
    f"SELECT 1 FROM contact_emails WHERE lower(address) IN {_EMAILS}",
    f"SELECT 1 FROM contact_uids WHERE uid IN {_UIDS}",
    f"SELECT 1 FROM changes WHERE table_name = 'contacts' AND ({_IMAGE.format('uid')} IN"
    f" {_UIDS} OR lower({_IMAGE.format('display_name')}) IN {_NAMES})",
    f"SELECT 1 FROM changes WHERE table_name = 'contact_emails'"
    f" AND lower({_IMAGE.format('address')}) IN {_EMAILS}",
)


def holds(path: Path, who: Identity) -> bool | None:
    """Whether the copy at ``path`` holds the person; None when it cannot be read."""
    params = {"uids": json.dumps(list(who.uids)),
              "names": json.dumps([n.lower() for n in who.names]),
              "emails": json.dumps([e.lower() for e in who.emails])}
    try:
        conn = open_copy(path)
    except sqlite3.Error:
        return None
    try:
        for sql in _QUERIES:
            try:
                if conn.execute(sql, params).fetchone():
                    return True
            except sqlite3.OperationalError as exc:
                if "no such table" not in str(exc):
                    return None
        return False
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def backups_holding(db_path: Path, who: Identity) -> list[dict[str, Any]]:
    """The database's backups that hold the person (``holds`` true) or could not be read
    to tell (``holds`` null), oldest first, as ``list_backups`` describes them."""
    out = []
    for backup in list_backups(db_path):
        found = holds(Path(backup["path"]), who)
        if found is not False:
            out.append({**backup, "holds": found})
    return out
