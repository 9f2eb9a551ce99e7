"""Consent per contact and purpose: a history of grants and withdrawals.

A grant or a withdrawal is never an update of an earlier row but a row of its own, so the
record can always show when, how and on what evidence someone agreed or changed their mind
(what a data protection authority asks to see). The latest row per purpose, by the time it
happened, is the current state; a back-dated entry therefore slots into its place in time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rolodex.dates import now, to_utc_iso
from rolodex.errors import InvalidInput
from rolodex.store import journal, records
from rolodex.store.db import Database, current_user
from rolodex.store.people.contacts import get_row

STATUSES = ("granted", "withdrawn")
MAX_PURPOSE = 64
KEYS = ("id", "contact_id", "contact", "purpose", "status", "current", "at", "source",
        "evidence", "recorded", "user")

# Every row with a flag telling whether it is the latest for its contact and purpose.
_RANKED = """
    SELECT k.*, c.display_name AS contact, c.sort_key,
           row_number() OVER (PARTITION BY k.contact_id, k.purpose
                              ORDER BY k.at DESC, k.id DESC) = 1 AS current
    FROM consents k JOIN contacts c ON c.id = k.contact_id
"""


def check_purpose(text: str) -> str:
    """A purpose as stored: lower case, single spaces, printable, at most 64 characters.

    Purposes are compared as text, so ``Newsletter`` and ``newsletter `` must be one.
    """
    purpose = " ".join(text.split()).lower()
    if not purpose:
        raise InvalidInput("a consent needs a purpose, such as newsletter or marketing")
    if len(purpose) > MAX_PURPOSE or not purpose.isprintable():
        raise InvalidInput(f"bad purpose '{purpose[:MAX_PURPOSE]}'",
                           hint=f"a short printable name, at most {MAX_PURPOSE} characters")
    return purpose


def check_status(text: str) -> str:
    status = text.strip().lower()
    if status not in STATUSES:
        raise InvalidInput(f"unknown consent status '{status}'",
                           hint=f"use one of: {', '.join(STATUSES)}")
    return status


def record(db: Database, contact_id: int, purpose: str, status: str, *,
           at: datetime | None = None, source: str | None = None,
           evidence: str | None = None) -> int:
    """Record a grant or withdrawal (journalled); returns the new row's id.

    ``at`` is when the person agreed or withdrew (default: now); a time in the future is
    refused, since nobody can have agreed yet. ``recorded`` keeps when it was written down.
    """
    get_row(db, contact_id)
    purpose, status = check_purpose(purpose), check_status(status)
    current = now()
    moment = current if at is None else at
    if moment > current:
        raise InvalidInput("consent cannot be given or withdrawn in the future",
                           hint="leave out --at for now, or give a past date")
    with db.write(f"consent {purpose} {status} for contact #{contact_id}"):
        return journal.insert(db, "consents", {
            "contact_id": contact_id, "purpose": purpose, "status": status,
            "at": to_utc_iso(moment), "source": records.clean(source),
            "evidence": records.clean(evidence), "recorded": to_utc_iso(current),
            "user": current_user()})


def history(db: Database, contact_id: int, purpose: str | None = None) -> list[dict[str, Any]]:
    """Every grant and withdrawal of one contact, oldest first, each marked ``current``."""
    where, params = ["contact_id = ?"], [contact_id]
    if purpose is not None:
        where.append("purpose = ?")
        params.append(check_purpose(purpose))
    rows = db.query(f"SELECT * FROM ({_RANKED}) WHERE {' AND '.join(where)}"
                    f" ORDER BY at, id", params)
    return [_shape(r) for r in rows]


def current(db: Database, *, contact_id: int | None = None, purpose: str | None = None,
            status: str | None = None) -> list[dict[str, Any]]:
    """The current consent (latest row) per contact and purpose, by name then purpose."""
    where, params = ["current"], []
    if contact_id is not None:
        where.append("contact_id = ?")
        params.append(contact_id)
    if purpose is not None:
        where.append("purpose = ?")
        params.append(check_purpose(purpose))
    if status is not None:
        where.append("status = ?")
        params.append(check_status(status))
    rows = db.query(f"SELECT * FROM ({_RANKED}) WHERE {' AND '.join(where)}"
                    f" ORDER BY sort_key, contact_id, purpose", params)
    return [_shape(r) for r in rows]


def _shape(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "contact_id": row["contact_id"], "contact": row["contact"],
            "purpose": row["purpose"], "status": row["status"], "current": bool(row["current"]),
            "at": row["at"], "source": row["source"], "evidence": row["evidence"],
            "recorded": row["recorded"], "user": row["user"]}
