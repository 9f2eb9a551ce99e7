"""Exporting contacts: vCards to a stream, a file or a vdir folder; CSV to a stream.

Records are fetched 900 at a time and each card is written as soon as it is made, so
memory stays flat however large the export.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from rolodex.dates import unreadable_date
from rolodex.errors import BadDate, FileError
from rolodex.formats.vcard_write import card_writer
from rolodex.memory import gc_paused
from rolodex.store import cards, contact_queries, settings
from rolodex.store.db import Database
from rolodex.store.paths import make_private_folder

BATCH = 900  # one query per table and batch (records.chunks splits at 900)
_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]")


def safe_name(uid: str) -> str:
    """A file name made from a UID that can never leave its folder or hide as a dotfile."""
    name = _UNSAFE.sub("_", uid).lstrip(".")
    if not name or len(name) > 120:
        name = hashlib.sha256(uid.encode()).hexdigest()
    return name


def _records(db: Database, ids: list[int]) -> Iterator[tuple[dict, dict | None]]:
    """(record, kept card or None) for each contact, fetched a batch at a time."""
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        kept = cards.kept(db, chunk)
        for record in contact_queries.fetch(db, chunk):
            yield record, kept.get(record["id"])


def _company_cards(db: Database, ids: list[int], version: str | None,
                   default: str) -> Iterator[tuple[str, str]]:
    from rolodex.formats.vcard_lines import write_card
    from rolodex.formats.vcard_write import company_props
    from rolodex.store import companies

    for start in range(0, len(ids), BATCH):
        for company in companies.fetch(db, ids[start:start + BATCH]):
            target = version or default
            yield company["uid"], write_card(target, company_props(company, target))


def _cards(db: Database, ids: list[int], company_ids: list[int], version: str | None,
           default: str) -> Iterator[tuple[str, str]]:
    """(uid, card text) for every contact, then every company."""
    card_text = card_writer(version, default)
    for record, kept in _records(db, ids):
        try:
            text = card_text(record, kept)
        except BadDate as exc:  # a date written past rolodex: say whose
            raise unreadable_date(record["id"], record["name"], exc) from None
        yield record["uid"], text
    yield from _company_cards(db, company_ids, version, default)


def write_vcards(db: Database, ids: list[int], output: str, *, version: str | None,
                 company_ids: list[int] = ()) -> int:
    """Write cards to stdout (``-``), one file, or a folder with one .vcf per contact;
    companies (``company_ids``) follow as organisation cards."""
    default = settings.get(db, "vcard.version")
    cards_ = _cards(db, ids, list(company_ids), version, default)
    target = Path(output).expanduser() if output != "-" else None
    with gc_paused():  # millions of short-lived objects, no cycles: a fifth less time
        if target is not None and (target.is_dir() or output.endswith(os.sep)):
            return _to_folder(cards_, target)
        count = 0
        stream, handle = _open(target)
        try:
            for _, text in cards_:
                stream.write(text)
                count += 1
        finally:
            if handle is not None:
                handle.close()
    return count


def _open(target: Path | None) -> tuple[TextIO, TextIO | None]:
    if target is None:
        return sys.stdout, None
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise FileError(f"cannot write {target}: {exc.strerror}") from exc
    handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
    return handle, handle


def _to_folder(cards_: Iterator[tuple[str, str]], folder: Path) -> int:
    try:
        make_private_folder(folder)
    except OSError as exc:
        raise FileError(f"cannot create folder {folder}: {exc.strerror}") from exc
    root = folder.resolve()
    count = 0
    for uid, text in cards_:
        path = root / f"{safe_name(uid)}.vcf"
        if path.parent != root:  # belt and braces: safe_name already forbids this
            raise FileError(f"refusing to write outside {root}: {path}")
        stream, handle = _open(path)
        with handle:
            stream.write(text)
        count += 1
    return count


def write_csv(db: Database, ids: list[int], out: TextIO) -> None:
    from rolodex.formats.csv_export import write_contacts_csv

    write_contacts_csv([record for record, _ in _records(db, ids)], out)
