"""Records as a reader hands them on: each with where it came from, for messages.

Every reader of ``formats`` (vCard, CSV, LDIF, iCalendar) yields these; the apply layer
(``rolodex.sync.apply``) takes them into the store. Nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rolodex.models import ContactData

_LDIF_START = re.compile(rb"(?:#[^\n]*\n\s*)*(?:DN::?|VERSION:\s*1\s*$)", re.M)


@dataclass
class Item:
    """One contact read from a file, with where it came from for messages."""

    data: ContactData
    source: str
    index: int
    line: int


@dataclass
class Problem:
    source: str
    index: int
    line: int
    reason: str


def sniff_format(name: str, data: bytes) -> str:
    """'vcard', 'csv', 'ical' or 'ldif', from the file name, else from the first bytes
    (an LDIF file starts with ``dn:`` or ``version: 1``, after any ``#`` comments)."""
    suffix = Path(name).suffix.lower()
    if suffix in (".vcf", ".vcard"):
        return "vcard"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".ics", ".ical", ".ifb"):
        return "ical"
    if suffix in (".ldif", ".ldi"):
        return "ldif"
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").upper()
    if _LDIF_START.match(head):
        return "ldif"
    if head.startswith((b"BEGIN:VCALENDAR", b"BEGIN:VEVENT", b"BEGIN:VTODO")):
        return "ical"
    if head.startswith((b"BEGIN:VCARD", b"BEGIN:VADDRESSBOOK")) or b"BEGIN:VCARD" in head:
        return "vcard"
    return "csv"
