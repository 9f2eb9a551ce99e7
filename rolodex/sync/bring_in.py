"""What a sync brings in from the far side: through ``apply``, the one way records enter the
store, then each item's status row, as ``engine`` remembers items synced."""

from __future__ import annotations

from rolodex.formats.incoming import Item
from rolodex.models import ContactData
from rolodex.store import sync_state
from rolodex.store.db import Database
from rolodex.sync.apply import Incoming, Policy, apply
from rolodex.sync.contact_export import contact_cards
from rolodex.sync.far_side import Remote
from rolodex.sync.sync_report import SyncReport, digest


def apply_remote(db: Database, report: SyncReport, items: list[tuple[str, ContactData, str]],
                 on_match: str) -> dict[str, dict]:
    """(uid, data, href) items ``apply``-ed with ``on_match``; the apply report's entry of
    each by href. What could not come in is noted in the sync's report as skipped."""
    applied = apply(db, Incoming(contacts=[Item(data, href, 1, 1) for _, data, href in items]),
                    Policy(on_match=on_match), progress=report.on_item)
    found = applied.contacts
    for problem in found.failed:
        report.skipped.append({"href": problem.source, "reason": problem.reason})
    for entry in found.skipped:
        if entry.get("conflict"):  # a UID that names someone else here
            report.skipped.append({"href": entry["source"], "reason": entry["conflict"]})
    return {e["source"]: e for e in found.new + found.updated + found.unchanged
            + found.skipped}


def bring_in(db: Database, cid: int, report: SyncReport,
             items: list[tuple[str, Remote, str]], on_match: str) -> None:
    """(uid, remote, action) items into the store; each one's status row after. An item
    that became a company, a group, or merged into a contact of another UID is followed,
    not owned (its status row has no local id)."""
    if not items:
        return
    entries = apply_remote(db, report, [(uid, r.data, r.href) for uid, r, _ in items],
                           on_match)
    ids = {}
    for uid, remote, _ in items:
        entry = entries.get(remote.href)
        owned = (entry is not None and not entry.get("company") and not entry.get("group")
                 and sync_state.uid_of(db, entry["id"]) == uid)
        ids[uid] = entry["id"] if owned else None
    texts = {uid: text for _, uid, text in contact_cards(
        db, [i for i in ids.values() if i is not None])}
    for uid, remote, action in items:
        text = texts.get(uid)
        sync_state.put_status(db, cid, uid, local_id=ids[uid], href=remote.href,
                              etag=remote.etag,
                              local_hash=digest(text) if text is not None else None,
                              base=remote.text)
        entry = entries.get(remote.href)
        note = None
        if entry and ids[uid] is None and action == "downloaded":
            note = f"merged into #{entry['id']}" if not entry.get("company") else "a company"
        report.add(action, uid, remote.name, note, advance=False)
