"""Control characters in what an import reads, dealt with once for every address-book
format (vCard, CSV, LDIF: ``contact_files``) and for calendars (``ical_read``).

A name, title or company loses them (a line break or tab becomes a space, NUL, ESC and the
invisible reordering marks go), so nothing stored can move a terminal's cursor or split a
line. Notes keep their line breaks and tabs. An email, phone, URL or UID holding one is no
such value: it is kept out of the contact, reported as invalid (``ContactData.invalid``), and
stays as written in the kept card, so an export gives the bytes back.
"""

from __future__ import annotations

import re

from rolodex.models import Address, ContactData
from rolodex.normalize import CONTROL, LINE_BREAKS

_CONTROL_BUT_LINES = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_ONE_LINE = ("name", "prefix", "first_name", "middle_name", "last_name", "suffix", "nickname",
             "company", "department", "title", "birthday_text")
WHY = "has a control character"


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def clean_line(text: str | None) -> str | None:
    """One line of text fit to store: line breaks and tabs a space, other controls gone."""
    if text is None or text.isprintable():
        return text
    return " ".join(CONTROL.sub("", LINE_BREAKS.sub(" ", text)).split(" ")).strip()


def clean_text(text: str | None) -> str | None:
    """Text of several lines (a note): its line breaks and tabs kept, other controls gone."""
    if text is None or text.isprintable():
        return text
    return _CONTROL_BUT_LINES.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_contact(data: ContactData) -> ContactData:
    """``data`` with its control characters dealt with (see the module), in place."""
    for name in _ONE_LINE:
        value = getattr(data, name)
        if isinstance(value, str) and not value.isprintable():
            setattr(data, name, clean_line(value))
    data.notes = clean_text(data.notes)
    data.fields = {clean_line(k) or k: clean_text(v) or "" for k, v in data.fields.items()}
    data.addresses = [_address(a) for a in data.addresses]
    for attr, what, key in (("emails", "EMAIL", "address"), ("phones", "TEL", "number"),
                            ("urls", "URL", "url")):
        values = getattr(data, attr)
        bad = [v for v in values if has_control(getattr(v, key))]
        if bad:
            data.invalid += [(what, getattr(v, key), WHY) for v in bad]
            setattr(data, attr, [v for v in values if v not in bad])
    if data.uid and has_control(data.uid):
        data.invalid.append(("UID", data.uid, WHY))
        data.uid = None
    if not data.name:
        data.name = data.emails[0].address if data.emails else "(no name)"
    return data


def _address(address: Address) -> Address:
    for name in ("street", "locality", "region", "postcode", "country", "label"):
        value = getattr(address, name)
        if isinstance(value, str) and not value.isprintable():
            setattr(address, name, clean_text(value) if name == "street" else clean_line(value))
    return address
