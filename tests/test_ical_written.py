"""The iCalendar export is written directly (``formats/ical_write``), not through the
icalendar package's serialiser: these tests hold it to what that serialiser wrote.

``fixtures/ical_world/`` is a hostile little world (accents, CJK and emoji at fold points,
escapes and control characters, quotes and carets in names, zoned, floating, UTC and
all-day series with skips, moves, extra dates and alarms, kept raw lines, every derived
kind); ``golden/`` holds the bytes the icalendar-based export wrote for it before the
change, for every way out (one file, a window, the feed, a vdir folder, what a sync
sends). Every byte must still be the same. Beside that, icalendar itself re-reads and
re-writes each component and must get the very same bytes back.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.formats.ical_write import fold, parameter, text
from rolodex.store.opening import open_db
from rolodex.sync.calendar_export import item_texts
from rolodex.sync.journal_export import journal_texts

WORLD = Path(__file__).parent / "fixtures" / "ical_world"
GOLDEN = WORLD / "golden"
ALL = "events,tasks,history,birthdays,followups,campaigns"


@pytest.fixture
def world(rolodex, isolated):
    """The people, the diary, a cadence for follow-ups and a campaign with a fixed UID
    (an import takes a backup, so this is no ``seeded_once`` seed)."""
    for args in (["import", str(WORLD / "people.vcf")],
                 ["import", str(WORLD / "diary.ics"), "--create-contacts"],
                 ["config", "set", "my.emails", "me@example.org"],
                 ["cadence", "set", "vip", "30d"],
                 ["campaign", "add", "offer", "--tag", "vip", "--basis",
                  "legitimate-interest", "--step", "0d task 'call {{ first_name }}'",
                  "--step", "7d task 'again, later'", "--on", "2026-12-15"]):
        result = rolodex(args)
        assert result.exit_code == 0, result.stderr
    db = sqlite3.connect(isolated)
    with db:
        db.execute("UPDATE campaigns SET uid = 'world-campaign'")
    db.close()


EXPORTS = {
    "all.ics": ["export", "-f", "ical", "--what", ALL],
    "default.ics": ["export", "-f", "ical"],
    "window.ics": ["export", "-f", "ical", "--what", ALL, "--from", "2026-12-01", "--to",
                   "2026-12-10"],
    "feed.ics": ["calendar", "feed"],
}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_byte_is_what_the_icalendar_serialiser_wrote(world, rolodex, tmp_path, name):
    out = tmp_path / name
    result = rolodex([*EXPORTS[name], "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == (GOLDEN / name).read_bytes()


def test_stdout_is_the_same_text_as_the_file(world, rolodex):
    result = rolodex(["export", "-f", "ical", "--what", ALL])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.encode("utf-8") == (GOLDEN / "all.ics").read_bytes()


def test_a_folder_gets_the_same_file_per_item(world, rolodex, tmp_path):
    folder = tmp_path / "cal"
    result = rolodex(["export", "-f", "ical", "--what", ALL, "-o", f"{folder}/"])
    assert result.exit_code == 0, result.stderr
    written = {p.name: p.read_bytes() for p in folder.iterdir()}
    golden = {p.name: p.read_bytes() for p in (GOLDEN / "vdir").iterdir()}
    assert written == golden


def test_what_a_sync_sends_is_unchanged(world, isolated):
    db = open_db(isolated)
    try:
        sent = {}
        for kind in ("events", "tasks"):
            ids = [r[0] for r in db.execute(f"SELECT id FROM {kind} ORDER BY id")]
            sent |= {uid: text for _id, uid, text in item_texts(db, kind, ids)}
        ids = [r[0] for r in db.execute("SELECT id FROM interactions ORDER BY id")]
        sent |= {uid: text for _id, uid, text in journal_texts(db, ids)}
    finally:
        db.close()
    golden = {p.stem: p.read_bytes().decode("utf-8") for p in (GOLDEN / "sync").iterdir()}
    assert sent == golden


def test_icalendar_writes_each_component_back_the_same(world, rolodex):
    """icalendar's own reading and writing of every component (folding, escaping,
    parameter quoting, property order) gives the bytes we wrote."""
    text = (GOLDEN / "all.ics").read_bytes()
    result = rolodex(["export", "-f", "ical", "--what", ALL])
    assert result.stdout.encode("utf-8") == text
    calendar = icalendar.Calendar.from_ical(text)
    for component in calendar.subcomponents:
        if component.name == "VTIMEZONE":
            continue
        ours = component.to_ical()
        assert ours in text, ours.decode()


def test_zones_are_those_the_items_use(world, rolodex):
    result = rolodex(["export", "-f", "ical", "--what", "events"])
    calendar = icalendar.Calendar.from_ical(result.stdout)
    zones = [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]
    assert zones == ["America/New_York", "Asia/Tokyo", "Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()
    berlin = next(e for e in calendar.walk("VEVENT") if e["UID"] == "world-weekly")
    assert berlin.decoded("DTSTART").tzinfo.key == ZoneInfo("Europe/Berlin").key


def test_a_line_break_in_an_x_property_is_escaped_not_a_crash(rolodex):
    """icalendar could not write an outcome typed over two lines (it stopped the whole
    export); it is written with the TEXT escape for a line break."""
    for args in (["add", "Jane Doe", "-e", "jane@acme.example"],
                 ["log", "jane", "call", "hello", "--outcome", "sent\nquote"]):
        result = rolodex(args)
        assert result.exit_code == 0, result.stderr
    result = rolodex(["export", "-f", "ical", "--what", "history"])
    assert result.exit_code == 0, result.stderr
    assert "X-ROLODEX-OUTCOME:sent\\nquote\r\n" in result.stdout
    assert icalendar.Calendar.from_ical(result.stdout).walk("VJOURNAL")


# Hostile text: every escape, quote and caret, line breaks, control characters, 2- to
# 4-byte UTF-8 characters, so folds land inside characters and right after escapes.
_TRICKY = list("ab ,;:\\^\"'\u2019\r\n\t\x01\x1bN\u00e9\u00df\u20ac\u4f1a\U0001f389")
HOSTILE = st.text(st.sampled_from(_TRICKY) | st.characters(exclude_categories=("Cs",)),
                  max_size=300)


@given(HOSTILE)
@settings(max_examples=300, deadline=None)
def test_folding_and_text_escaping_are_icalendars(value):
    from icalendar.parser.string import _foldline
    from icalendar.prop import vText

    assert text(value) == vText(value).to_ical().decode("utf-8")
    line = "DESCRIPTION:" + text(value)
    assert fold(line) == _foldline(line)


@given(HOSTILE.filter(lambda v: v.strip()), st.sampled_from(["CN", "ROLE", "X-ROLODEX-UID",
                                                             "MEMBER"]))
@settings(max_examples=300, deadline=None)
def test_parameters_are_quoted_as_icalendar_quotes_them(value, name):
    from icalendar import Parameters

    assert parameter(name, value) == Parameters({name: value}).to_ical().decode("utf-8")
