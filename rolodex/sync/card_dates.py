"""The dates a card gives besides the birthday and anniversary columns: a text birthday,
a date of death, labelled dates. ``contact_apply`` hands each contact it creates or
updates here, so these stay out of the merge policy's way."""

from __future__ import annotations

from typing import Any

from rolodex.models import ContactData
from rolodex.store.db import Database
from rolodex.store.people import contacts, labelled_dates


def apply_dates(db: Database, contact_id: int, data: ContactData,
                groups: set[str] | None = None) -> None:
    """Write what ``data`` says of these dates: all of it for a contact just created
    (``groups`` None), else only the groups of properties that changed in the card."""
    new = groups is None
    values: dict[str, Any] = {}
    if new or "birthday" in groups:
        values["birthday_text"] = data.birthday_text
    if new or "deathdate" in groups:
        values["deathdate"] = data.deathdate
    if new:
        values = {k: v for k, v in values.items() if v is not None}
    if values:
        contacts.update_contact(db, contact_id, values)
    if data.dates if new else "dates" in groups:
        labelled_dates.replace(db, contact_id, data.dates, new=new)
