"""An erased person's place in group cards: their UID (or ``mailto:`` address) in a group's
member lists and in the MEMBER lines kept from its card, today and in the journal's
images of the group's rows.

The person's own rows go with them; a group is other people's, so only the entries that
point at the person are taken out of it. Written past the journal, as the rest of an
erasure is: a new before-image would keep the very UID being erased.
"""

from __future__ import annotations

import json
from typing import Any

from rolodex.store.db import Database
from rolodex.store.people.identity import Identity

_LISTS = ("members", "missing", "pending")
_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # as stored
_image_json = json.JSONEncoder(ensure_ascii=False).encode  # as the journal writes images


def _forms(who: Identity) -> set[str]:
    """Every way a group card may name the person: UID, ``urn:uuid:`` UID, ``mailto:``."""
    forms = set()
    for uid in who.uids:
        bare = uid.removeprefix("urn:uuid:")
        forms |= {uid.lower(), bare.lower(), f"urn:uuid:{bare}".lower()}
    forms |= {f"mailto:{email}".lower() for email in who.emails}
    return forms


def _scrubbed(values: dict[str, Any], forms: set[str]) -> dict[str, Any]:
    """The group columns of ``values`` (JSON text, as stored) without the person; only the
    columns that changed."""
    out = {}
    for key in _LISTS:
        if values.get(key):
            before = json.loads(values[key])
            after = [m for m in before if str(m).strip().lower() not in forms]
            if after != before:
                out[key] = _to_json(after)
    if values.get("props"):
        before = json.loads(values["props"])
        after = [p for p in before if not (
            str(p[1]).upper().endswith("MEMBER") and str(p[3]).strip().lower() in forms)]
        if after != before:
            out["props"] = _to_json(after)
    return out


def scrub_groups(db: Database, who: Identity) -> int:
    """Take the person out of every group row and every journal image of one; returns how
    many rows and images changed."""
    forms = _forms(who)
    if not forms:
        return 0
    changed = 0
    for row in db.execute("SELECT id, members, missing, pending, props FROM contact_groups"
                          ).fetchall():
        out = _scrubbed(dict(row), forms)
        if out:
            sets = ", ".join(f"{k} = ?" for k in out)
            db.execute(f"UPDATE contact_groups SET {sets} WHERE id = ?", (*out.values(), row[0]))
            changed += 1
    for change in db.execute("SELECT id, before, after FROM changes"
                             " WHERE table_name = 'contact_groups'").fetchall():
        images = {}
        for column in ("before", "after"):
            if change[column]:
                image = json.loads(change[column])
                out = _scrubbed(image, forms)
                if out:
                    images[column] = _image_json({**image, **out})
        if images:
            sets = ", ".join(f"{k} = ?" for k in images)
            db.execute(f"UPDATE changes SET {sets} WHERE id = ?", (*images.values(), change[0]))
            changed += 1
    return changed
