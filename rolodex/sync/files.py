"""Files as a source of records: what ``rolodex import FILE|DIR|-`` reads.

A file, every importable file of a folder (a vdir), or stdin; address books (vCard, CSV)
are read as the import consumes them, calendars (.ics) whole. What cannot be read at all
(a missing file, bytes that are not text in the expected encoding) fails here, before
anything is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rolodex.errors import FileError, InvalidInput
from rolodex.formats.incoming import sniff_format
from rolodex.sync.apply import Incoming

KINDS = ("vcard", "csv", "ldif", "ical")
# What a folder import picks up: a vdir of cards or calendar items, and address books.
FOLDER_SUFFIXES = (".vcf", ".vcard", ".ics", ".ldif", ".csv")


def read_sources(path: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file to import: a file, every importable file of a folder,
    or stdin."""
    if path == "-":
        return [("-", sys.stdin.buffer.read())]
    target = Path(path).expanduser()
    try:
        if target.is_dir():
            files = sorted(p for p in target.iterdir()
                           if p.suffix.lower() in FOLDER_SUFFIXES and p.is_file())
            if not files:
                raise FileError(f"{target}: no .vcf, .ics, .ldif or .csv files in this folder")
            return [(str(p), p.read_bytes()) for p in files]
        return [(str(target), target.read_bytes())]
    except OSError as exc:
        raise FileError(f"cannot read {target}: {exc.strerror}") from exc


def incoming(path: str, *, kind: str | None = None, encoding: str | None = None,
             mapping: dict[str, str] | None = None, delimiter: str | None = None,
             strict: bool = False) -> Incoming:
    """What the files at ``path`` hold, ready for ``apply``."""
    from rolodex.formats.contact_files import ContactFiles

    if kind not in (None, *KINDS):
        raise InvalidInput(f"--type is {', '.join(KINDS[:-1])} or {KINDS[-1]}, not '{kind}'")
    calendars, address_books = [], []
    for name, data in read_sources(path):
        (calendars if (kind or sniff_format(name, data)) == "ical" else address_books).append(
            (name, data))
    contacts = ContactFiles(address_books, kind=kind, encoding=encoding, mapping=mapping,
                            delimiter=delimiter)
    address_books.clear()  # what ContactFiles needs, it keeps: the rest of the bytes can go
    if strict:
        contacts.scan()
    return Incoming(contacts, contacts.problems, calendars, encoding)
