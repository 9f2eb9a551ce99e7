"""A contact's labelled details (emails, phones, addresses, URLs): add, remove, replace.

At most one detail of each kind is preferred; when none is marked the first one is, so
exports and mail lookups always have an address to pick.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rolodex.errors import NotFound
from rolodex.models import Address, Email, Phone, Url
from rolodex.normalize import fold, phone_digits, phone_key, url_key
from rolodex.store import journal
from rolodex.store.db import Database

Detail = Email | Phone | Address | Url

TABLES: dict[type, str] = {
    Email: "contact_emails", Phone: "contact_phones", Address: "contact_addresses",
    Url: "contact_urls",
}


# The columns of each kind, in its fields' order (what ``dataclasses.asdict`` gives, without
# its deep copies: an import stores a few hundred thousand of these).
_FIELDS: dict[type, tuple[str, ...]] = {kind: tuple(f.name for f in dataclasses.fields(kind))
                                        for kind in TABLES}


def _row(item: Detail) -> dict[str, Any]:
    row = {name: getattr(item, name) for name in _FIELDS[type(item)]}
    row["preferred"] = int(item.preferred)
    if isinstance(item, Phone):
        row["digits_rev"] = phone_key(item.number)
    elif isinstance(item, Url):
        row["url_key"] = url_key(item.url)
    return row


def detail_key(kind: type, value: Any) -> tuple:
    """What makes two details the same value, label and preference aside: a model object
    or a stored row. Merges and ``add`` agree on it, so neither stores a value twice."""
    get = (lambda k: getattr(value, k)) if isinstance(value, kind) else (lambda k: value[k])
    if kind is Email:
        return (fold(get("address")),)
    if kind is Phone:
        digits = phone_digits(get("number"))
        # "BusinessPhone", "ask reception": no digits, so the text itself is the value
        return ("digits", digits) if digits else ("text", get("number"))
    if kind is Url:
        return (get("url"),)
    return tuple(fold(get(k)) for k in ("street", "locality", "region", "postcode", "country"))


def _same(item: Detail, row: Any) -> bool:
    """Whether a stored row holds the same value (ignoring label and preference)."""
    return detail_key(type(item), item) == detail_key(type(item), row)


def _rows(db: Database, table: str, contact_id: int) -> list[Any]:
    return db.query(f"SELECT * FROM {table} WHERE contact_id = ? ORDER BY position, id",
                    (contact_id,))


def add(db: Database, contact_id: int, item: Detail) -> bool:
    """Add a detail, or update the label/preference of the same value; True if changed."""
    table = TABLES[type(item)]
    rows = _rows(db, table, contact_id)
    existing = next((r for r in rows if _same(item, r)), None)
    changed = False
    if item.preferred:
        for r in rows:
            if r["preferred"] and r is not existing:
                changed |= journal.update(db, table, r["id"], {"preferred": 0})
    if existing is not None:
        values = {"preferred": int(item.preferred or existing["preferred"])}
        if item.label:
            values["label"] = item.label
        changed |= journal.update(db, table, existing["id"], values)
    else:
        position = max((r["position"] for r in rows), default=-1) + 1
        journal.insert(db, table, {"contact_id": contact_id, "position": position, **_row(item)})
        changed = True
    _ensure_one_preferred(db, table, contact_id)
    return changed


def remove(db: Database, contact_id: int, item: Detail) -> None:
    table = TABLES[type(item)]
    matches = [r for r in _rows(db, table, contact_id) if _same(item, r)]
    if not matches:
        noun = table.split("_")[1].removesuffix("es" if table.endswith("sses") else "s")
        raise NotFound(f"contact #{contact_id} has no such {noun}: "
                       f"'{_describe(item)}'")
    for r in matches:
        journal.delete(db, table, r["id"])
    _ensure_one_preferred(db, table, contact_id)


def replace(db: Database, contact_id: int, kind: type, items: list[Detail], *,
            new: bool = False) -> None:
    """Make the stored list equal ``items`` (order, labels, preference), touching only
    the rows that differ so the journal shows what really changed. ``new``: the contact
    was created in this operation and has no rows of this kind yet (nothing to read)."""
    table = TABLES[kind]
    rows = [] if new else _rows(db, table, contact_id)
    first_preferred = bool(items) and not any(i.preferred for i in items)
    kept: set[int] = set()
    for position, item in enumerate(items):
        match = next((r for r in rows if r["id"] not in kept and _same(item, r)),
                     None) if rows else None
        values = {"position": position, **_row(item)}
        if first_preferred and position == 0:
            values["preferred"] = 1  # none is marked: the first is (the caller's item kept)
        if match is None:
            journal.insert(db, table, {"contact_id": contact_id, **values})
        else:
            kept.add(match["id"])
            journal.update(db, table, match["id"], values)
    for r in rows:
        if r["id"] not in kept:
            journal.delete(db, table, r["id"])


def _ensure_one_preferred(db: Database, table: str, contact_id: int) -> None:
    rows = _rows(db, table, contact_id)
    if rows and not any(r["preferred"] for r in rows):
        journal.update(db, table, rows[0]["id"], {"preferred": 1})


def _describe(item: Detail) -> str:
    if isinstance(item, Address):
        return item.one_line()
    return str(dataclasses.asdict(item)[next(iter(dataclasses.asdict(item)))])
