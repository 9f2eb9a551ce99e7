"""A CSV cell's emails, phones and dates as records, and what a row does with a value that
is not what its column holds (``wei`` under ``E-mail Address``): it is listed in the import
report and kept as a custom field named after the column, and the row still imports."""

from __future__ import annotations

import re

from rolodex.date_input import parse_partial_date
from rolodex.dates import PartialDate, now
from rolodex.errors import InvalidInput
from rolodex.models import (
    Email,
    Phone,
    email_problem,
    parse_email,
    parse_phone,
    phone_problem,
    split_labelled,
)


def cell_email(text: str) -> Email:
    """parse_email, plus addresses at the special-use names of RFC 2606/6761
    (``x@invalid``, ``root@localhost``: see models.email_problem)."""
    try:
        return parse_email(text)
    except InvalidInput:
        address, label, preferred = split_labelled(text)
        address = address.removeprefix("mailto:")
        if email_problem(address):
            raise
        return Email(address, label, preferred)


def cell_phone(text: str) -> Phone:
    """parse_phone, lenient as for a vCard's TEL (models.phone_problem): real exports hold
    ``1-800-FLOWERS`` and ``555 0100;ext=12``."""
    try:
        return parse_phone(text)
    except InvalidInput:
        number, label, preferred = split_labelled(text)
        number = number.removeprefix("tel:")
        if phone_problem(number):
            raise
        return Phone(number, label, preferred)


def cell_date(text: str, fmt: str) -> PartialDate | None:
    """Outlook writes month/day/year in English and day.month.year (or day/month/year)
    in German, French and Spanish, with zeros (``0/0/00``) for none; everything else as
    typed."""
    found = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})", text) \
        if fmt.startswith("outlook") else None
    if not found:
        return parse_partial_date(text)
    first, second, year = (int(g) for g in found.groups())
    month, day = (first, second) if fmt == "outlook" else (second, first)
    if not month or not day:
        return None
    if len(found[3]) == 2:
        year += 2000 if year <= now().year % 100 else 1900
    return PartialDate(year, month, day)


def why_invalid(target: str, text: str) -> str:
    """Why a cell's value is not the email, phone, URL or date its column holds."""
    if target == "phone":
        return phone_problem(split_labelled(text)[0]) or "is not a phone number"
    return {"email": "is not an email address", "url": "is not a URL"}.get(
        target, "is not a date")


def keep_invalid(invalid: list[tuple[str, str, str]], fields: dict[str, str], key: str,
                 header: str, bad: list[tuple[str, str]]) -> None:
    """Values that are not what their column holds: listed in the import report, and kept
    as the custom field named after the column, so nothing the file says is lost."""
    if bad:
        invalid += [(header, value, why) for value, why in bad]
        fields[key] = " ::: ".join(value for value, _ in bad)
