"""Exporting contacts: vCards to a stream, a file or a vdir folder; CSV to a stream.

Records are fetched 900 at a time and each card is written as soon as it is made, so
memory stays flat however large the export.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from rolodex.atomic_write import replacing
from rolodex.dates import unreadable_date
from rolodex.errors import BadDate
from rolodex.formats.vcard_write import card_writer
from rolodex.memory import gc_paused
from rolodex.store import settings
from rolodex.store.db import Database
from rolodex.store.people import cards, contact_groups, contact_queries
from rolodex.sync.vdir import CARD_KINDS, write_items

BATCH = 900  # one query per table and batch (records.chunks splits at 900)


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
    from rolodex.store.people import companies

    for start in range(0, len(ids), BATCH):
        for company in companies.fetch(db, ids[start:start + BATCH]):
            target = version or default
            yield company["uid"], write_card(target, company_props(company, target))


def _group_cards(db: Database, ids: list[int], version: str | None,
                 default: str) -> Iterator[tuple[int, str, str]]:
    from rolodex.formats.vcard_group import group_props, members_to_write
    from rolodex.formats.vcard_lines import write_card
    from rolodex.sync.group_apply import member_uids

    for group in contact_groups.fetch(db, ids):
        target = version or (group["version"] if group["version"] in ("3.0", "4.0")
                             else default)
        members = members_to_write(group, member_uids(db, group["members"]))
        yield group["id"], group["uid"], write_card(target, group_props(group, members,
                                                                         target))


def _cards(db: Database, ids: list[int], company_ids: list[int], version: str | None,
           default: str, group_ids: list[int] = ()) -> Iterator[tuple[str, str]]:
    """(uid, card text) for every contact, then every company, then every group."""
    card_text = card_writer(version, default, contact_groups.tags(db))
    for record, kept in _records(db, ids):
        try:
            text = card_text(record, kept)
        except BadDate as exc:  # a date written past rolodex: say whose
            raise unreadable_date(record["id"], record["name"], exc) from None
        yield record["uid"], text
    yield from _company_cards(db, company_ids, version, default)
    for _, uid, text in _group_cards(db, list(group_ids), version, default):
        yield uid, text


def write_vcards(db: Database, ids: list[int], output: str, *, version: str | None,
                 company_ids: list[int] = (), group_ids: list[int] = ()) -> int:
    """Write cards to stdout (``-``), one file, or a folder with one .vcf per contact;
    companies (``company_ids``) follow as organisation cards, groups (``group_ids``) as
    group cards."""
    default = settings.get(db, "vcard.version")
    cards_ = _cards(db, ids, list(company_ids), version, default, group_ids)
    target = Path(output).expanduser() if output != "-" else None
    with gc_paused():  # millions of short-lived objects, no cycles: a fifth less time
        if target is not None and (target.is_dir() or output.endswith(os.sep)):
            return write_items(((uid, text.encode("utf-8")) for uid, text in cards_), target,
                               suffix=".vcf", kinds=CARD_KINDS)
        if target is None:
            return _write_all(cards_, sys.stdout)
        with replacing(target) as out:
            return _write_all(cards_, out)


def _write_all(cards_: Iterator[tuple[str, str]], out: TextIO) -> int:
    count = 0
    for _, text in cards_:
        out.write(text)
        count += 1
    return count


def write_csv(db: Database, ids: list[int], out: TextIO, *, fields: list[str] | None = None,
              delimiter: str = ",") -> None:
    from rolodex.formats.csv_export import write_contacts_csv

    write_contacts_csv([record for record, _ in _records(db, ids)], out, fields=fields,
                       delimiter=delimiter)


def contact_cards(db: Database, ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """(id, uid, card text) of each contact, as a vdir export writes it: what a sync
    compares and sends."""
    card_text = card_writer(None, settings.get(db, "vcard.version"), contact_groups.tags(db))
    for record, kept in _records(db, ids):
        try:
            text = card_text(record, kept)
        except BadDate as exc:
            raise unreadable_date(record["id"], record["name"], exc) from None
        yield record["id"], record["uid"], text


def group_texts(db: Database, ids: list[int]) -> Iterator[tuple[int, str, str]]:
    """(id, uid, card text) of each group, as an export writes it: what a sync sends."""
    return _group_cards(db, ids, None, settings.get(db, "vcard.version"))
