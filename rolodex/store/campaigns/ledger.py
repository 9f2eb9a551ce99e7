"""The ledger of a campaign: one row per person and step, so nobody gets a step twice.

A send goes through three states, each committed before the next thing happens:
``claimed`` (chosen by this run; nothing has left yet), ``sending`` (written just before
the last byte that makes a mail the server's: the end of its DATA, the start of a
sendmail command), then ``sent`` or ``failed``, written in the transaction that logs the
history entry. A run killed while ``claimed`` sent nothing and the row is released; one
killed while ``sending`` may or may not have been delivered, so the row is kept as
*unconfirmed* and reported, never sent again without the user's word.

Like ``sync_status``, these rows record what happened outside the database and are not
journalled: an undo cannot unsend a mail, and must not make a run send it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from rolodex.dates import now, to_utc_iso
from rolodex.store.db import Database

BATCH = 500


def due(db: Database, campaign: Any, step: Any, today: date) -> Iterator[int]:
    """The members this step is due for today and not yet claimed, by id, read a batch
    at a time (a large audience is never one list in memory).

    From a start day, a step is due on start + offset to whoever was a member by then
    (or joined when the campaign was planned); people who join later get only the steps
    still ahead of them. Without a start, it is due offset days after each person
    entered."""
    if campaign["start"]:
        day = date.fromisoformat(campaign["start"]).toordinal() + step["offset_days"]
        if day > today.toordinal():
            return
        latest = max(date.fromordinal(day).isoformat(), campaign["created"][:10])
        timing, params = "m.entered <= ?", [latest]
    else:
        timing, params = "date(m.entered, '+' || ? || ' days') <= ?", [
            step["offset_days"], today.isoformat()]
    after = 0
    while True:
        rows = db.execute(f"""
            SELECT m.contact_id FROM campaign_members m
            WHERE m.campaign_id = ? AND m.left IS NULL AND {timing} AND m.contact_id > ?
              AND NOT EXISTS (SELECT 1 FROM campaign_sends s
                              WHERE s.step_id = ? AND s.contact_id = m.contact_id)
            ORDER BY m.contact_id LIMIT ?""",
            (campaign["id"], *params, after, step["id"], BATCH)).fetchall()
        for row in rows:
            yield row[0]
        if len(rows) < BATCH:
            return
        after = rows[-1][0]


def claim(db: Database, campaign_id: int, step_id: int, contact_id: int, *,
          address: str | None, message_id: str | None) -> int:
    """Take a (person, step) for this run, committed at once; returns the row's id."""
    with db.transaction():
        return db.execute(
            "INSERT INTO campaign_sends (campaign_id, step_id, contact_id, status, address,"
            " message_id, claimed) VALUES (?, ?, ?, 'claimed', ?, ?, ?)",
            (campaign_id, step_id, contact_id, address, message_id,
             to_utc_iso(now()))).lastrowid


def mark_sending(db: Database, send_id: int) -> None:
    """Committed just before the byte that hands the mail over: from here, a crash
    leaves the send unconfirmed rather than free to repeat."""
    with db.transaction():
        db.execute("UPDATE campaign_sends SET status = 'sending' WHERE id = ?", (send_id,))


def release(db: Database, send_id: int) -> None:
    """Nothing left (the server refused for now, or the run stopped first): the next run
    sends it."""
    with db.transaction():
        db.execute("DELETE FROM campaign_sends WHERE id = ?", (send_id,))


def record_outcome(db: Database, send_id: int, status: str, *, error: str | None = None,
                   interaction_id: int | None = None, task_id: int | None = None,
                   file: str | None = None) -> None:
    """``sent`` or ``failed``; the caller holds the transaction that also logs the
    history entry or creates the task, so both or neither are written."""
    db.execute("UPDATE campaign_sends SET status = ?, at = ?, error = ?, interaction_id = ?,"
               " task_id = ?, file = ? WHERE id = ?",
               (status, to_utc_iso(now()), error, interaction_id, task_id, file, send_id))


def leftovers(db: Database, campaign_id: int) -> tuple[list[Any], list[Any]]:
    """What a killed run left: (claimed rows, to release; sending rows, unconfirmed)."""
    rows = db.query("SELECT * FROM campaign_sends WHERE campaign_id = ? AND status IN"
                    " ('claimed', 'sending') ORDER BY id", (campaign_id,))
    return ([r for r in rows if r["status"] == "claimed"],
            [r for r in rows if r["status"] == "sending"])


def settle(db: Database, send: Any, *, sent: bool, text: str) -> None:
    """The user's word on an unconfirmed send: it arrived (``campaign confirm``: logged in
    the person's history with its Message-ID, as a confirmed send would have been), or
    it did not (``--not-sent``: released, so the next run sends it)."""
    from rolodex.store.activity import history

    if not sent:
        release(db, send["id"])
        return
    with db.write(f"confirm campaign mail to contact #{send['contact_id']}"):
        entry = history.log(db, [send["contact_id"]], "email", at=now(), text=text,
                            direction="out", message_id=send["message_id"], check=False)
        confirm(db, send["id"], entry, "confirmed by hand")


def confirm(db: Database, send_id: int, interaction_id: int, how: str) -> None:
    """An unconfirmed send known to have left: sent, with its history entry; ``how``
    says who knew (kept in ``error``, which a sent row does not otherwise use)."""
    db.execute("UPDATE campaign_sends SET status = 'sent', at = ?, error = ?,"
               " interaction_id = ? WHERE id = ? AND status = 'sending'",
               (to_utc_iso(now()), how, interaction_id, send_id))


def retry_failed(db: Database, campaign_id: int) -> int:
    """Release the failed sends of a campaign so the next run tries them again."""
    with db.transaction():
        return db.execute("DELETE FROM campaign_sends WHERE campaign_id = ? AND status ="
                          " 'failed'", (campaign_id,)).rowcount


def by_message_ids(db: Database, message_ids: list[str]) -> list[Any]:
    """The sends whose Message-ID a reply names (In-Reply-To, References)."""
    if not message_ids:
        return []
    marks = ", ".join("?" * len(message_ids))
    return db.query(f"SELECT * FROM campaign_sends WHERE message_id IN ({marks})",
                    message_ids)


def record_response(db: Database, send_id: int, interaction_id: int, at: str) -> None:
    """A reply to a campaign mail, logged by ``log-mail``: the first one counts."""
    db.execute("UPDATE campaign_sends SET response_id = ?, responded = ? WHERE id = ? AND"
               " response_id IS NULL", (interaction_id, at, send_id))
