"""Contacts to CSV for spreadsheets and back into rolodex (see ``contacts_csv`` for reading).

Every cell goes through ``neutralise``, so a spreadsheet never runs a cell as a formula;
rolodex strips exactly what it added when it reads its own export back. The listings'
csv/tsv (``cli/_output``) use the same rule through ``cell_guard``, and
``ROLODEX_CSV_RAW=1`` turns it off everywhere for a pipeline that needs the stored text.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable
from typing import TextIO

from rolodex.models import join_labelled

EXPORT_HEADER = ("uid", "name", "prefix", "first_name", "middle_name", "last_name", "suffix",
                 "nickname", "company", "department", "title", "email", "emails", "phone",
                 "phones", "address", "url", "birthday", "anniversary", "tags", "status",
                 "source", "owner", "notes", "created", "updated")
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_FIRST = frozenset("'=+-@\t\r")  # what a cell _FORMULA matches can start with
RAW_VARIABLE = "ROLODEX_CSV_RAW"


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula (OWASP CSV injection).

    Phone numbers like ``+1 555`` get it too: a spreadsheet-safe export is the choice, and
    rolodex reads its own export back exactly. Cells already starting with apostrophes
    before such a character get one more, so stripping one on reading is always exact.
    """
    return "'" + cell if cell[:1] in _FIRST and _FORMULA.match(cell) else cell


def _as_stored(cell: str) -> str:
    return cell


def cell_guard() -> Callable[[str], str]:
    """What every csv/tsv cell rolodex writes goes through: ``neutralise``, or the cell
    as stored when ``ROLODEX_CSV_RAW=1`` (a pipeline that feeds no spreadsheet)."""
    return _as_stored if os.environ.get(RAW_VARIABLE) == "1" else neutralise


def unneutralise(cell: str) -> str:
    """The inverse of neutralise, for rolodex's own export only."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell[1:]) else cell


def _cell(record: dict, column: str) -> str:
    """One export cell from a contact JSON record."""
    value = record.get(column)
    if column in ("emails", "phones", "url"):
        items, key = record.get("urls" if column == "url" else column) or [], {
            "emails": "address", "phones": "number", "url": "url"}[column]
        return " ::: ".join(join_labelled(i[key], i.get("label"), bool(i.get("preferred")))
                            for i in items)
    if column in ("email", "phone") and not value:
        items = record.get(f"{column}s") or []
        best = next((i for i in items if i.get("preferred")), items[0] if items else None)
        value = best and best["address" if column == "email" else "number"]
    if column == "address":
        items = record.get("addresses") or []
        best = next((i for i in items if i.get("preferred")), items[0] if items else None)
        keys = ("street", "locality", "region", "postcode", "country")
        return ", ".join(best.get(k) or "" for k in keys) if best else ""
    if column == "tags":
        return " ::: ".join(value or [])
    return "" if value is None else str(value)


def write_contacts_csv(contacts: list[dict], out: TextIO) -> None:
    """Contact JSON records as CSV, one row each, with rolodex's fixed header and then one
    ``custom:KEY`` column per custom field, so the file reads back without loss."""
    custom = sorted({k for c in contacts for k in (c.get("custom") or {})}, key=str.casefold)
    guard = cell_guard()
    writer = csv.writer(out)
    writer.writerow([guard(h) for h in [*EXPORT_HEADER, *(f"custom:{k}" for k in custom)]])
    for record in contacts:
        row = [_cell(record, column) for column in EXPORT_HEADER]
        row += [str((record.get("custom") or {}).get(k) or "") for k in custom]
        writer.writerow([guard(cell) for cell in row])
