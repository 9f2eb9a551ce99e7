"""Files as a source of records: what ``rolodex import FILE|DIR|-`` reads.

A file, every importable file of a folder (a vdir), or stdin; address books (vCard, CSV)
are read as the import consumes them, calendars (.ics) whole. What cannot be read at all
(a missing file, bytes that are not text in the expected encoding) fails here, before
anything is written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

from rolodex.errors import FileError, InvalidInput
from rolodex.formats import input_limits
from rolodex.formats.incoming import sniff_format
from rolodex.formats.input_limits import MAX_CALENDAR_BYTES, MAX_FILE_BYTES
from rolodex.sync.apply import Incoming

KINDS = ("vcard", "csv", "ldif", "ical")
# What a folder import picks up: a vdir of cards or calendar items, and address books.
FOLDER_SUFFIXES = (".vcf", ".vcard", ".ics", ".ldif", ".csv")


def read_sources(path: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file to import: a file, every importable file of a folder,
    or stdin; a file past its size limit (``formats.input_limits``) is refused unread."""
    if path == "-":
        data = _read_capped(sys.stdin.buffer, MAX_FILE_BYTES)
        check_size("-", len(data))
        return [("-", data)]
    target = Path(path).expanduser()
    try:
        if target.is_dir():
            files = sorted(p for p in target.iterdir()
                           if p.suffix.lower() in FOLDER_SUFFIXES and p.is_file())
            if not files:
                raise FileError(f"{target}: no .vcf, .ics, .ldif or .csv files in this folder")
            return [_read(p) for p in files]
        return [_read(target)]
    except OSError as exc:
        raise FileError(f"cannot read {target}: {exc.strerror}") from exc


def _read(path: Path) -> tuple[str, bytes]:
    """A file's bytes, no more than the limit for its kind (by suffix) allows: a device
    or a file that grows while read stops there too."""
    kind = sniff_format(path.name, b"") if path.suffix else None
    size = path.stat().st_size
    check_size(str(path), size, kind)
    with path.open("rb") as handle:
        data = _read_capped(handle, MAX_FILE_BYTES, size)
    check_size(str(path), len(data), kind)
    return str(path), data


def _read_capped(stream: BinaryIO, limit: int, size: int = 0) -> bytes:
    """At most ``limit`` + 1 bytes: what ``stat`` said in one read, then (a pipe, a
    device, a file still growing) a chunk at a time, since ``read(n)`` sets aside n bytes
    before reading any."""
    chunks = [stream.read(size + 1)] if size else []
    total = len(chunks[0]) if chunks else 0
    while total <= limit and (chunk := stream.read(min(16 << 20, limit + 1 - total))):
        chunks.append(chunk)
        total += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def check_size(name: str, size: int, kind: str | None = None) -> None:
    """FileError (exit 8) naming the limit, for a file larger than its kind may be."""
    limit = MAX_CALENDAR_BYTES if kind == "ical" else MAX_FILE_BYTES
    if size > limit:
        what = "a calendar file" if kind == "ical" else "a file to import"
        raise FileError(f"{name}: larger than {input_limits.size(limit)}, the limit for {what}",
                        hint="split it into smaller files")


def incoming(path: str, *, kind: str | None = None, encoding: str | None = None,
             mapping: dict[str, str] | None = None, delimiter: str | None = None,
             strict: bool = False) -> Incoming:
    """What the files at ``path`` hold, ready for ``apply``."""
    from rolodex.formats.contact_files import ContactFiles

    if kind not in (None, *KINDS):
        raise InvalidInput(f"--type is {', '.join(KINDS[:-1])} or {KINDS[-1]}, not '{kind}'")
    calendars, address_books = [], []
    for name, data in read_sources(path):
        found = kind or sniff_format(name, data)
        if found == "ical":
            check_size(name, len(data), "ical")
        (calendars if found == "ical" else address_books).append((name, data))
    contacts = ContactFiles(address_books, kind=kind, encoding=encoding, mapping=mapping,
                            delimiter=delimiter)
    address_books.clear()  # what ContactFiles needs, it keeps: the rest of the bytes can go
    if strict:
        contacts.scan()
    return Incoming(contacts, contacts.problems, calendars, encoding)
