"""Contacts to CSV for spreadsheets and back into rolodex (see ``contacts_csv`` for reading).

Every cell goes through ``cell_guard`` (``neutralise``), so a spreadsheet never runs a
cell as a formula;
rolodex strips exactly what it added when it reads its own export back. ``addresses``
holds every address (``address`` only the preferred one, for spreadsheets), written with
``join_addresses`` so that ``split_addresses`` gives back exactly what was written.
The listings' csv/tsv (``cli/_output``) use the same rule through ``cell_guard``, and
``ROLODEX_CSV_RAW=1`` turns it off everywhere for a pipeline that needs the stored text.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable
from typing import TextIO

from rolodex.errors import UsageError
from rolodex.models import Address, join_labelled

EXPORT_HEADER = ("uid", "name", "prefix", "first_name", "middle_name", "last_name", "suffix",
                 "nickname", "company", "department", "title", "email", "emails", "phone",
                 "phones", "address", "addresses", "url", "birthday", "anniversary", "tags",
                 "status", "source", "owner", "cadence_days", "notes", "created", "updated")
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ADDRESS_KEYS = ("street", "locality", "region", "postcode", "country")
_ESCAPED = re.compile(r"([\\;:()])")
SEPARATOR = " ::: "
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


def guarding() -> bool:
    """Whether csv/tsv cells are guarded (``neutralise``): unless ``ROLODEX_CSV_RAW=1``."""
    return os.environ.get(RAW_VARIABLE) != "1"


def cell_guard() -> Callable[[str], str]:
    """What every csv/tsv cell rolodex writes goes through: ``neutralise``, or the cell
    as stored when ``ROLODEX_CSV_RAW=1`` (a pipeline that feeds no spreadsheet)."""
    return neutralise if guarding() else _as_stored


def unneutralise(cell: str) -> str:
    """The inverse of neutralise, for rolodex's own export only."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell[1:]) else cell


def labelled(value: str, label: str | None, preferred: bool) -> str:
    """``value (label, preferred)``; a value that itself ends in ``)`` (a Wikipedia URL)
    gets an empty ``()`` after it, so reading it back never takes its end for a label."""
    text = join_labelled(value, label, preferred)
    return text + " ()" if text == value and value.endswith(")") else text


def _escape(text: str) -> str:
    return _ESCAPED.sub(r"\\\1", text)


def join_addresses(addresses: list[dict]) -> str:
    """Every address as ``street; city; region; postcode; country (label, preferred)``,
    joined by `` ::: ``; ``\\ ; : ( )`` inside a part are escaped with a backslash."""
    out = []
    for item in addresses:
        parts = "; ".join(_escape(item.get(k) or "") for k in _ADDRESS_KEYS)
        meta = [m for m in (item.get("label"), "preferred" if item.get("preferred") else None)
                if m]
        out.append(f"{parts} ({', '.join(_escape(m) for m in meta)})" if meta else parts)
    return SEPARATOR.join(out)


def split_addresses(cell: str) -> list[Address]:
    """The inverse of join_addresses, in one pass over the characters (linear on any
    input); what follows an unescaped ``(`` up to ``)`` is the label and preference."""
    found: list[Address] = []
    parts: list[str] = []
    buf: list[str] = []
    meta: list[str] | None = None

    def finish() -> None:
        values = [p.strip() or None for p in [*parts, "".join(buf)]][:5]
        words = [w.strip() for w in "".join(meta or []).split(",") if w.strip()]
        label = ", ".join(w for w in words if w != "preferred") or None
        if any(values) or label:
            found.append(Address(*values, *[None] * (5 - len(values)), label=label,
                                 preferred="preferred" in words))

    i, end = 0, len(cell)
    while i < end:
        char, target = cell[i], buf if meta is None else meta
        if char == "\\" and i + 1 < end:
            target.append(cell[i + 1])
            i += 2
            continue
        if cell.startswith(SEPARATOR, i):
            finish()
            parts, buf, meta = [], [], None
            i += len(SEPARATOR)
            continue
        if meta is None and char == ";":
            parts.append("".join(buf))
            buf = []
        elif meta is None and char == "(":
            meta = []
        elif meta is None or char != ")":
            target.append(char)
        i += 1
    if parts or buf or meta is not None:
        finish()
    return found


def _best(items: list[dict]) -> dict | None:
    return next((i for i in items if i.get("preferred")), items[0] if items else None)


def _cell(record: dict, column: str) -> str:
    """One export cell from a contact JSON record."""
    if column.startswith("custom:"):
        value = (record.get("custom") or {}).get(column[7:])
        return "" if value is None else str(value)
    value = record.get(column)
    if column in ("emails", "phones", "url"):
        items, key = record.get("urls" if column == "url" else column) or [], {
            "emails": "address", "phones": "number", "url": "url"}[column]
        return SEPARATOR.join(labelled(i[key], i.get("label"), bool(i.get("preferred")))
                              for i in items)
    if column in ("email", "phone") and not value:
        best = _best(record.get(f"{column}s") or [])
        value = best and best["address" if column == "email" else "number"]
    if column == "address":
        best = _best(record.get("addresses") or [])
        return ", ".join(best.get(k) or "" for k in _ADDRESS_KEYS) if best else ""
    if column == "addresses":
        return join_addresses(record.get("addresses") or [])
    if column == "tags":
        return SEPARATOR.join(value or [])
    return "" if value is None else str(value)


def export_columns(contacts: list[dict], fields: list[str] | None) -> list[str]:
    """The columns to write: ``fields`` in its order (``custom:KEY`` for one custom field,
    ``custom`` for all of them), else rolodex's header and every custom field."""
    custom = sorted({k for c in contacts for k in (c.get("custom") or {})}, key=str.casefold)
    if not fields:
        return [*EXPORT_HEADER, *(f"custom:{k}" for k in custom)]
    out: list[str] = []
    for name in fields:
        if name == "custom":
            out += [f"custom:{k}" for k in custom]
        elif name in EXPORT_HEADER or (name.startswith("custom:") and name[7:]):
            out.append(name)
        else:
            raise UsageError(f"--fields: unknown field '{name}'",
                             hint="known fields: " + ", ".join(EXPORT_HEADER)
                             + ", custom, custom:KEY")
    return list(dict.fromkeys(out))


def parse_fields(text: str) -> list[str]:
    """``--fields name,email`` as a list, checked before anything is read."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    export_columns([], names or ["?"])  # raises on an unknown name, or on none at all
    return names


def write_contacts_csv(contacts: list[dict], out: TextIO, *, fields: list[str] | None = None,
                       delimiter: str = ",") -> None:
    """Contact JSON records as CSV, one row each: rolodex's fixed header and then one
    ``custom:KEY`` column per custom field, so the file reads back without loss; or the
    columns ``fields`` names, in its order."""
    columns = export_columns(contacts, fields)
    writer = csv.writer(out, delimiter=delimiter)
    guard = cell_guard()
    writer.writerow([guard(h) for h in columns])
    for record in contacts:
        writer.writerow([guard(_cell(record, column)) for column in columns])
