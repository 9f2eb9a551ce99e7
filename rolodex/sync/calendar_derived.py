"""Calendar items rolodex derives from contacts (birthdays, anniversaries, follow-ups) and
from campaigns (the days their steps fall on): marked in what ``export --format ical`` and
``calendar feed`` write, recognised when read back. They are views of a record, not
records: importing one would add a yearly event beside the birthday the agenda already
shows, so ``export -o cal/ && import cal/`` must skip them (and say so) rather than add
anything.

The mark is an ``X-ROLODEX-DERIVED`` property naming the kind. Files written before the
mark existed are recognised by their UID, ``<contact UID>-birthday`` (``-anniversary``,
``-followup-YYYY-MM-DD``), when that contact is in the database.
"""

from __future__ import annotations

import re

from rolodex.formats.ical_read import Item
from rolodex.formats.ical_write import Component
from rolodex.formats.incoming import Problem
from rolodex.store import lookups
from rolodex.store.db import Database

PROPERTY = "X-ROLODEX-DERIVED"
_UID = re.compile(r"^(?P<contact>.+)-(?:(?P<kind>birthday|anniversary)"
                  r"|(?P<followup>followup)-\d{4}-\d{2}-\d{2})$")
_KIND = re.compile(r"[a-z-]{1,20}")


def mark(component: Component, kind: str) -> None:
    """Say in the component that rolodex derives it (``birthday``, ``followup``...)."""
    component.add(PROPERTY, kind)


def derived_kind(db: Database, item: Item) -> str | None:
    """What rolodex derived ``item`` from ('birthday', 'anniversary', 'followup'), or
    None for an item of its own. A marked item is derived whatever its UID says; an
    unmarked one only when its UID is a stored contact's plus the suffix rolodex uses."""
    marked = item.text(PROPERTY)
    if marked is not None:
        kind = marked.lower()
        return kind if _KIND.fullmatch(kind) else "item"
    found = _UID.match(str(item.get("UID") or "").strip())
    if found and lookups.contact_by_uid(db, found["contact"]) is not None:
        return found["kind"] or found["followup"]
    return None


def reason(kind: str) -> str:
    """The import report's line for a skipped derived item: one text per kind, so a
    summary can count them."""
    if kind == "campaign":
        return "rolodex derives this campaign step from a campaign: not imported"
    shown = {"followup": "follow-up"}.get(kind, kind)
    return f"rolodex derives this {shown} from a contact: not imported"


def own_items(db: Database, items: list[Item], skipped: list[Problem]) -> list[Item]:
    """The items that are records of their own; each derived one becomes a line in
    ``skipped`` (the import report's), so nothing is dropped in silence."""
    kept = []
    for item in items:
        kind = derived_kind(db, item)
        if kind is None:
            kept.append(item)
        else:
            skipped.append(Problem(item.source, item.index, item.line, reason(kind)))
    return kept
