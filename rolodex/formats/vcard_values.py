"""What a vCard property's value is to rolodex, and whether it is what it claims.

An EMAIL without an address in it, a TEL without a digit, a BDAY of 30 February: such a
value is kept in the card (export writes it back as it came) and reported, never stored
as a detail or a date (``problem``). Shared by the card reader (``vcard``), its dates
(``vcard_dates``) and the writer (``vcard_write``).
"""

from __future__ import annotations

import re

from rolodex.dates import PartialDate
from rolodex.errors import RolodexError
from rolodex.formats.incoming_text import WHY as CONTROL_WHY
from rolodex.formats.incoming_text import has_control
from rolodex.formats.vcard_lines import unescape
from rolodex.formats.vcard_props import Prop, param
from rolodex.models import email_problem, phone_problem, url_problem

APPLE_LABEL = re.compile(r"^_\$!<(?P<label>.*)>!\$_$")


def partial_date(prop: Prop) -> PartialDate | None:
    """BDAY/ANNIVERSARY as a partial date; Apple's X-APPLE-OMIT-YEAR marks a yearless one.
    None for a value that is no date (``problem`` says why)."""
    from rolodex.date_input import parse_partial_date

    text = prop.value.strip().split("T")[0]
    try:
        value = parse_partial_date(text)
    except RolodexError:
        return None
    omit = param(prop, "X-APPLE-OMIT-YEAR")
    if omit and value.year is not None and str(value.year) == omit[0]:
        return PartialDate(None, value.month, value.day)
    return value


def detail_value(prop: Prop) -> str:
    """An EMAIL, TEL or URL as rolodex stores it: unescaped, without its URI scheme."""
    value = unescape(prop.value).strip()
    scheme = _SCHEMES.get(prop.name)
    if scheme and value[:len(scheme)].lower() == scheme:
        value = value[len(scheme):].strip()
    return value


_SCHEMES = {"EMAIL": "mailto:", "TEL": "tel:"}


def problem(prop: Prop) -> str | None:
    """Why a value rolodex models is not what its property claims (``EMAIL:wei``,
    ``BDAY:1990-02-30``), or None. Such a value stays in the kept card only: it is neither
    stored as a detail or date nor dropped from the card."""
    if prop.name in _DATES:
        if not prop.value.strip() or any(v.lower() == "text" for v in param(prop, "VALUE")):
            return None  # a text date (``circa 1800``) claims to be no date
        try:
            from rolodex.date_input import parse_partial_date

            parse_partial_date(prop.value.strip().split("T")[0])
        except RolodexError as exc:
            if "no such date" in exc.message:
                return "is no such date"
            if _REDUCED_DATE.match(prop.value.strip()):
                return "is a partial date rolodex cannot store"
            return "is not a date"
        return None
    check = _CHECKS.get(prop.name)
    value = detail_value(prop) if check else ""
    if not value:
        return None
    return check(value) or (CONTROL_WHY if has_control(value) else None)


_CHECKS = {"EMAIL": email_problem, "TEL": phone_problem, "URL": url_problem}
_DATES = {"BDAY", "ANNIVERSARY", "X-ANNIVERSARY"}
# RFC 6350's dates of reduced accuracy: a year, a year and month, a month, a day.
_REDUCED_DATE = re.compile(r"^(?:\d{4}|\d{4}-\d{2}|--\d{2}|---\d{2})$")


def valid_props(by_name: dict[str, list[Prop]], name: str,
           invalid: list[tuple[str, str, str]]) -> list[Prop]:
    """The properties ``name`` whose values are what they claim; the others are added to
    ``invalid`` as (property, value as written, why). Empty ones are neither."""
    out = []
    for prop in by_name.get(name, ()):
        why = problem(prop)
        if why:
            invalid.append((name, unescape(prop.value).strip(), why))
        elif detail_value(prop):
            out.append(prop)
    return out


def date_of(prop: Prop, invalid: list[tuple[str, str, str]]) -> PartialDate | None:
    why = problem(prop)
    if why:
        invalid.append((prop.name, prop.value.strip(), why))
        return None
    return partial_date(prop)


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]+")


def one_line(text: str) -> str:
    """A label or a date written as text, fit to show: control characters (an escape
    sequence, a bell) become a space; the kept card still has them as written."""
    return " ".join(_CONTROLS.sub(" ", text).split())


def is_text(prop: Prop) -> bool:
    return any(v.lower() == "text" for v in param(prop, "VALUE"))
