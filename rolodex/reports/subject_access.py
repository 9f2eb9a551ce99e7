"""A subject access export: everything held about one person as one JSON document.

The answer to "what do you hold about me?" must be complete and readable by a machine, so
it is the documented JSON shapes of every record kind that mentions the person, plus their
vCard (what an address book would import) and the journal entries about them: who changed
what and when is also data about them.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from rolodex.dates import now, to_utc_iso
from rolodex.store.activity import deals, events, history, tasks
from rolodex.store.db import Database
from rolodex.store.people import cards, contact_queries
from rolodex.store.privacy import consent
from rolodex.store.privacy import erasure as privacy_store
from rolodex.store.records import chunks

FORMAT = "rolodex-subject-access"
VERSION = 1
KEYS = ("format", "version", "generated", "contact", "vcard", "kept_card", "relationships",
        "history", "tasks", "events", "deals", "consents", "saved_searches",
        "campaign_memberships", "campaign_sends", "journal")


def document(db: Database, contact_id: int, *, tz: tzinfo) -> dict[str, Any]:
    """The whole export for one existing contact (see KEYS for the top-level shape)."""
    from rolodex.formats.vcard_write import card_writer
    from rolodex.store import settings
    from rolodex.store.people import contact_groups

    record = contact_queries.fetch(db, [contact_id])[0]
    task_ids = tasks.list_ids(db, status=None, contact_id=contact_id, tz=tz)
    event_ids = [r[0] for r in db.execute(
        "SELECT e.id FROM events e JOIN event_contacts l ON l.event_id = e.id"
        " WHERE l.contact_id = ? ORDER BY e.start, e.id", (contact_id,))]
    who = privacy_store.identity(db, contact_id)
    return {
        "format": FORMAT, "version": VERSION, "generated": to_utc_iso(now()),
        "contact": record,
        "vcard": card_writer(None, settings.get(db, "vcard.version"), contact_groups.tags(db))(
            record, cards.kept(db, [contact_id]).get(contact_id)),
        "kept_card": _kept_card(db, contact_id),
        "relationships": record["relationships"],
        "history": history.list_entries(db, contact_ids=[contact_id]),
        "tasks": _with_raw(db, tasks.fetch(db, task_ids, tz=tz)),
        "events": events.fetch(db, event_ids),
        "deals": deals.fetch(db, deals.list_ids(db, status=None, contact_id=contact_id)),
        "consents": consent.history(db, contact_id),
        "saved_searches": [{"name": s["name"], "query": s["query"]}
                           for s in privacy_store.saved_searches_about(db, who)],
        "campaign_memberships": [dict(r) for r in db.query(_MEMBERSHIPS, (contact_id,))],
        "campaign_sends": [dict(r) for r in db.query(_SENDS, (contact_id,))],
        "journal": privacy_store.journal_about(db, contact_id),
    }


# The campaigns the person is or was in, and every step sent (or tried) to them: the
# ledger is data about them too (what was sent where, when, and whether they answered).
_MEMBERSHIPS = """SELECT c.name AS campaign, m.entered, m.left, m.reason
    FROM campaign_members m JOIN campaigns c ON c.id = m.campaign_id
    WHERE m.contact_id = ? ORDER BY m.entered, c.name"""
_SENDS = """SELECT c.name AS campaign, s.position AS step, s.kind, d.status, d.at,
    d.message_id, d.address, d.file, d.responded
    FROM campaign_sends d JOIN campaigns c ON c.id = d.campaign_id
    JOIN campaign_steps s ON s.id = d.step_id
    WHERE d.contact_id = ? ORDER BY d.claimed, d.id"""


def _kept_card(db: Database, contact_id: int) -> dict[str, Any] | None:
    """The card the contact was imported from, property by property (X- ones included)."""
    kept = cards.kept(db, [contact_id]).get(contact_id)
    if kept is None:
        return None
    return {"version": kept["version"],
            "properties": [{"group": group, "name": name,
                            "params": [[k, list(v)] for k, v in params], "value": value}
                           for group, name, params, value in kept["props"]]}


def _with_raw(db: Database, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Tasks with the iCalendar lines kept from an import (attendees, X- properties)."""
    raw: dict[int, str | None] = {}
    for chunk in chunks([t["id"] for t in found]):
        raw.update(db.execute(f"SELECT id, raw FROM tasks WHERE id IN"
                              f" ({', '.join('?' * len(chunk))})", chunk).fetchall())
    return [{**t, "raw": raw.get(t["id"])} for t in found]
