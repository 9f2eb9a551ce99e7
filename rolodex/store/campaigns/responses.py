"""Replies to campaign mails, as ``log-mail`` finds them: a message whose In-Reply-To or
References names a send's Message-ID is that send's response (the first one counts).

Like the rest of the ledger, a response is a fact about the outside world and is written
without the journal; the caller holds the transaction that logs the reply in history, so
both or neither are written."""

from __future__ import annotations

from rolodex.store.campaigns import ledger
from rolodex.store.db import Database


def record_replies(db: Database, message_ids: list[str], interaction_id: int,
                   at: str) -> list[str]:
    """Record ``interaction_id`` (the logged reply, at ``at``, UTC text) as the response
    of every send named in ``message_ids``; returns the names of their campaigns."""
    names: list[str] = []
    for send in ledger.by_message_ids(db, message_ids):
        ledger.record_response(db, send["id"], interaction_id, at)
        names.append(db.execute("SELECT name FROM campaigns WHERE id = ?",
                                (send["campaign_id"],)).fetchone()[0])
    return list(dict.fromkeys(names))


def confirm_copy(db: Database, message_id: str, interaction_id: int) -> str | None:
    """A copy of a campaign mail (from your Sent folder, or a Bcc to yourself) logged
    while its send is unconfirmed (a run was killed as it handed the mail over): the
    mail did leave, so the send is confirmed, with the logged copy as its history entry.
    Returns the campaign's name, or None when no unconfirmed send has that Message-ID."""
    row = db.execute("SELECT s.id, c.name FROM campaign_sends s JOIN campaigns c ON"
                     " c.id = s.campaign_id WHERE s.message_id = ? AND s.status = 'sending'",
                     (message_id,)).fetchone()
    if row is None:
        return None
    ledger.confirm(db, row[0], interaction_id, "confirmed by its logged copy")
    return row[1]
