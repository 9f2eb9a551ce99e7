"""Records as a reader hands them on: each with where it came from, for messages.

Every reader of ``formats`` (vCard, CSV, LDIF, iCalendar) yields these; the apply layer
(``rolodex.sync.apply``) takes them into the store. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rolodex.models import ContactData


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
    """'vcard', 'csv' or 'ical', from the file name, else from the first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix in (".vcf", ".vcard"):
        return "vcard"
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".ics", ".ical", ".ifb"):
        return "ical"
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").upper()
    if head.startswith((b"BEGIN:VCALENDAR", b"BEGIN:VEVENT", b"BEGIN:VTODO")):
        return "ical"
    if head.startswith((b"BEGIN:VCARD", b"BEGIN:VADDRESSBOOK")) or b"BEGIN:VCARD" in head:
        return "vcard"
    return "csv"
