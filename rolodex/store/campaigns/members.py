"""Who is in a campaign, since when, and who may be reached by it.

The audience is a query run afresh: whoever matches it at a run is a member from that
day (``entered``), and someone who stops matching leaves (``left``, with the reason) and
is sent nothing more. People who withdraw their consent, or opt out of marketing
altogether, leave every running campaign at its next run, whatever its audience says.

An opt-out is a withdrawn consent for the purpose ``marketing`` (kept in the consent
history like any other, with its source and evidence): it covers every campaign, as an
objection to direct marketing must. A campaign with another purpose also needs that
purpose not withdrawn, and on the basis ``consent`` a current grant of it.

Membership is the ledger's, not the user's: written without the journal (an undo of
the user's last change must not make a campaign forget whom it has reached).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from rolodex.store.db import Database
from rolodex.store.privacy import consent

OPT_OUT_PURPOSE = "marketing"
LEFT_AUDIENCE, OPTED_OUT, WITHDRAWN, THERE_BEFORE = (
    "left the audience", "opted out", "consent withdrawn", "in the audience before the "
    "campaign")

_LATEST = """SELECT status FROM consents WHERE contact_id = ? AND purpose = ?
             ORDER BY at DESC, id DESC LIMIT 1"""


def refresh(db: Database, campaign: Any, audience: Iterable[int], today: date) -> dict[str,
                                                                                      int]:
    """Record who entered and who left since the last run; returns the counts. The
    caller holds the transaction (one for the whole refresh)."""
    day = today.isoformat()
    now_in = set(audience)
    rows = db.execute("SELECT contact_id, left, reason FROM campaign_members"
                      " WHERE campaign_id = ?", (campaign["id"],)).fetchall()
    known = {r[0]: (r[1], r[2]) for r in rows}
    counts = {"entered": 0, "left": 0, "returned": 0}
    new = [(campaign["id"], cid, day) for cid in now_in if cid not in known]
    db.conn.executemany("INSERT INTO campaign_members (campaign_id, contact_id, entered)"
                        " VALUES (?, ?, ?)", new)
    counts["entered"] = len(new)
    for contact_id, (left, reason) in known.items():
        inside = contact_id in now_in
        if left is None and not inside:
            _leave(db, campaign["id"], contact_id, day, LEFT_AUDIENCE)
            counts["left"] += 1
        elif left is not None and inside and reason == LEFT_AUDIENCE:
            db.execute("UPDATE campaign_members SET left = NULL, reason = NULL"
                       " WHERE campaign_id = ? AND contact_id = ?",
                       (campaign["id"], contact_id))
            counts["returned"] += 1
    return counts


def enrol_first(db: Database, campaign_id: int, audience: Iterable[int], today: date, *,
                only_new: bool) -> int:
    """The audience when the campaign is planned: members from today, or with
    ``only_new`` recorded as there before, so only people who join later are reached."""
    day = today.isoformat()
    rows = [(campaign_id, cid, day, day if only_new else None,
             THERE_BEFORE if only_new else None) for cid in audience]
    db.conn.executemany("INSERT INTO campaign_members (campaign_id, contact_id, entered,"
                        " left, reason) VALUES (?, ?, ?, ?, ?)", rows)
    return len(rows)


def _leave(db: Database, campaign_id: int, contact_id: int, day: str, reason: str) -> None:
    db.execute("UPDATE campaign_members SET left = ?, reason = ? WHERE campaign_id = ? AND"
               " contact_id = ?", (day, reason, campaign_id, contact_id))


def consent_state(db: Database, contact_id: int, purpose: str) -> str | None:
    """``granted``, ``withdrawn`` or None: the latest word of ``contact_id`` on
    ``purpose``, by when it happened."""
    row = db.execute(_LATEST, (contact_id, purpose)).fetchone()
    return row[0] if row else None


def may_reach(db: Database, campaign: Any, contact_id: int) -> tuple[bool, str | None]:
    """(may be sent this campaign's steps now, why they must leave or None).

    Leaving is for a withdrawal: an opt-out of marketing or of the campaign's purpose.
    Without a grant on the basis ``consent`` the person stays a member, not reached,
    until they grant it."""
    if consent_state(db, contact_id, OPT_OUT_PURPOSE) == "withdrawn":
        return False, OPTED_OUT
    state = consent_state(db, contact_id, campaign["purpose"])
    if state == "withdrawn":
        return False, WITHDRAWN
    if campaign["basis"] == "consent" and state != "granted":
        return False, None
    return True, None


def leave(db: Database, campaign_id: int, contact_id: int, day: date, reason: str) -> None:
    """Take someone out of a campaign for good (a withdrawal, an opt-out)."""
    with db.transaction():
        _leave(db, campaign_id, contact_id, day.isoformat(), reason)


def current_ids(db: Database, campaign_id: int) -> list[int]:
    return [r[0] for r in db.execute(
        "SELECT contact_id FROM campaign_members WHERE campaign_id = ? AND left IS NULL"
        " ORDER BY contact_id", (campaign_id,))]


def opt_out(db: Database, contact_id: int, source: str, evidence: str | None, *,
            at: datetime | None = None) -> int | None:
    """Record that ``contact_id`` wants no more marketing: a withdrawn consent for
    ``marketing`` (journalled, in the consent history with its source and evidence), which
    takes them out of every campaign at its next run. Returns the consent row's id, or
    None when their latest word on marketing is already a withdrawal (nothing written)."""
    if consent_state(db, contact_id, OPT_OUT_PURPOSE) == "withdrawn":
        return None
    return consent.record(db, contact_id, OPT_OUT_PURPOSE, "withdrawn", at=at,
                          source=source, evidence=evidence)
