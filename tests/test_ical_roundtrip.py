"""Calendars from other projects: import, export and import again give the same occurrences
(start, end, zone, title) over two years."""

from __future__ import annotations

import csv
import hashlib
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import corpus
import pytest

from rolodex.store.activity import events
from rolodex.store.opening import open_db
from rolodex.sync.calendar_apply import import_calendar
from rolodex.sync.calendar_export import write_calendar

pytestmark = pytest.mark.slow  # the shared corpus

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
HAVE_CORPUS = (CORPUS / "MANIFEST.tsv").exists()
ROWS = []
if HAVE_CORPUS:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        ROWS = [r for r in csv.DictReader(handle, delimiter="\t")
                if r["file"].startswith("ical/") and r["expected_valid"] == "yes"]
ZONE = ZoneInfo("Europe/Berlin")


def occurrences(db, first: date) -> list[tuple]:
    """(uid, title, start, end, zone). An event whose zone has no IANA name (a zone only
    its file defined, or UTC) is written in UTC, so there "no name" and UTC are one zone."""
    rows = events.occurrences(db, first, first + timedelta(days=730), ZONE)
    return sorted((o["uid"], o["title"], o["start"], o["end"], o["tz"] or "UTC")
                  for o in rows)


@corpus.needs_corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_export_and_reimport_keep_every_occurrence(row, tmp_path, template_copy):
    data = (CORPUS / row["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == row["sha256"]
    first_db = open_db(template_copy(tmp_path / "first.db"))
    import_calendar(first_db, [(row["file"], data)])
    starts = [e["start"] for e in events.fetch(first_db, [r["id"] for r in
                                                          events.series(first_db)])]
    if not starts:
        first_db.close()
        return  # nothing to compare: tasks only, or nothing rolodex places
    first = date.fromisoformat(min(starts)[:10])
    before = occurrences(first_db, first)
    out = tmp_path / "out.ics"
    write_calendar(first_db, str(out), what={"events", "tasks"}, first=None, last=None,
                   tz=ZONE)
    first_db.close()
    second_db = open_db(template_copy(tmp_path / "second.db"))
    report = import_calendar(second_db, [("out.ics", out.read_bytes())])
    assert report.failed == []
    assert occurrences(second_db, first) == before
    second_db.close()
