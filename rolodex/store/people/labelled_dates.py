"""A contact's labelled dates (Apple's and Google's ``X-ABDATE``: "Hired", "Anniversary"),
each a row, in the card's order; every write journalled like the rest of the contact."""

from __future__ import annotations

from collections.abc import Sequence

from rolodex.dates import PartialDate
from rolodex.store import journal
from rolodex.store.db import Database
from rolodex.store.records import rows_for


def replace(db: Database, contact_id: int, dates: Sequence[tuple[str | None, PartialDate]],
            *, new: bool = False) -> bool:
    """Make the contact's labelled dates exactly ``dates``; rows that stay are left alone,
    so importing the same card again writes nothing. Returns whether anything changed.
    ``new``: the contact was created in this operation and has none yet."""
    wanted = [(label, value.iso()) for label, value in dates]
    rows = [] if new else db.execute(
        "SELECT id, label, date FROM labelled_dates WHERE contact_id = ? ORDER BY position, id",
        (contact_id,)).fetchall()
    if [(r["label"], r["date"]) for r in rows] == wanted:
        return False
    for row in rows:
        journal.delete(db, "labelled_dates", row["id"])
    for position, (label, value) in enumerate(wanted):
        journal.insert(db, "labelled_dates", {"contact_id": contact_id, "label": label,
                                             "date": value, "position": position})
    return True


def move(db: Database, from_id: int, to_id: int) -> None:
    """Give ``to_id`` the labelled dates of ``from_id`` it does not have (a merge)."""
    have = {(r["label"], r["date"]) for r in db.execute(
        "SELECT label, date FROM labelled_dates WHERE contact_id = ?", (to_id,))}
    position = len(have)
    for row in db.execute("SELECT id, label, date FROM labelled_dates WHERE contact_id = ?"
                          " ORDER BY position, id", (from_id,)).fetchall():
        if (row["label"], row["date"]) not in have:
            have.add((row["label"], row["date"]))
            journal.update(db, "labelled_dates", row["id"],
                           {"contact_id": to_id, "position": position})
            position += 1


def dates_of(db: Database, ids: list[int], *, bulk: bool = False) -> dict[int, list[dict]]:
    """Each contact's labelled dates, ``[{"label", "date"}]`` in their order."""
    out: dict[int, list[dict]] = {i: [] for i in ids}
    for rows in rows_for(db, "SELECT contact_id, label, date FROM labelled_dates",
                         "contact_id", ids, bulk=bulk, order="position, id"):
        for contact_id, label, value in rows:
            items = out.get(contact_id)
            if items is not None:
                items.append({"label": label, "date": value})
    return out
