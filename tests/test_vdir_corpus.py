"""The vdir UID scan (lines, not a parse) against the real parsers, on real files (#14).

A vdir export finds the file holding a record by the UID lines in it; on every corpus file
that vobject or icalendar reads, the scan must name the same UIDs the parser does.
"""

from __future__ import annotations

import csv
import hashlib
import warnings
from pathlib import Path

import corpus
import pytest

from rolodex.sync.vdir import CALENDAR_KINDS, CARD_KINDS, record_uids

pytestmark = pytest.mark.slow  # the shared corpus

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
corpus.require()

with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
    ROWS = list(csv.DictReader(handle, delimiter="\t"))
CARDS = [r for r in ROWS if r["file"].endswith(".vcf") and r["parses_vobject"].startswith("yes")]
CALENDARS = [r for r in ROWS
             if r["file"].endswith(".ics") and r["parses_icalendar"].startswith("yes")]


def corpus_bytes(row: dict) -> bytes:
    data = (CORPUS / row["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == row["sha256"], row["file"]
    return data


@pytest.mark.parametrize("row", CARDS, ids=[r["file"] for r in CARDS])
def test_card_uids_as_vobject_reads_them(row):
    import vobject

    data = corpus_bytes(row)
    cards = list(vobject.readComponents(data.decode("utf-8", "replace"), allowQP=True))
    expected = {card.uid.value.strip().encode() for card in cards
                if hasattr(card, "uid") and isinstance(card.uid.value, str)}
    assert record_uids(data, CARD_KINDS) == expected


@pytest.mark.parametrize("row", CALENDARS, ids=[r["file"] for r in CALENDARS])
def test_calendar_uids_as_icalendar_reads_them(row):
    import icalendar

    data = corpus_bytes(row)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # vendor TZIDs: not what this test is about
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    records = [c for top in calendars
               for c in (top.subcomponents if top.name == "VCALENDAR" else [top])]
    expected = {str(c["UID"]).strip().encode() for c in records
                if c.name in ("VEVENT", "VTODO", "VJOURNAL") and "UID" in c}
    assert record_uids(data, CALENDAR_KINDS) == expected
