"""A VTIMEZONE whose rules would take dateutil billions of steps to follow (FREQ=SECONDLY
from 1601, a yearly rule changing offset every few seconds) imports at once: the zone's
rules are not followed, its times are read at its standard UTC offset, and a warning says so."""

from __future__ import annotations

import sqlite3

from hostile import FIXTURES, time_bound


def _starts(db) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT start, tz FROM events").fetchall()


def test_a_secondly_zone_from_1601_is_read_at_its_standard_offset(rolodex, isolated):
    with time_bound(10):  # before: more than 180 s in rrule.before
        result = rolodex(["import", str(FIXTURES / "vtimezone-secondly-from-1601.ics"),
                          "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert result.json()["events"]["new"] == 1
    (warning,) = result.json()["warnings"]
    assert "Acme Secondly Time" in warning["reason"] and "SECONDLY" in warning["reason"]
    assert warning["reason"].endswith("read at UTC")
    assert warning["line"] == 4  # BEGIN:VTIMEZONE; the lines after keep their numbers too
    assert _starts(isolated) == [("2026-12-03T10:00:00Z", None)]  # TZOFFSETTO:+0000


def test_lines_after_a_bounded_zone_keep_their_numbers(rolodex, tmp_path):
    text = (FIXTURES / "vtimezone-secondly-from-1601.ics").read_text()
    broken = text.replace("END:VCALENDAR", "BEGIN:VEVENT\r\nUID:broken@acme.example\r\n"
                          "DTSTART:not a date\r\nEND:VEVENT\r\nEND:VCALENDAR")
    path = tmp_path / "zone-then-broken.ics"
    path.write_text(broken, newline="")
    with time_bound(10):
        result = rolodex(["import", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert [p["line"] for p in result.json()["problems"]] == [26]  # its BEGIN:VEVENT


def test_a_zone_changing_offset_every_few_seconds_is_read_at_its_standard_offset(
        rolodex, isolated):
    with time_bound(4):  # before: 9 s and 90 MB for one event; more with longer lists
        result = rolodex(["import", str(FIXTURES / "vtimezone-yearly-every-second.ics")])
    assert result.exit_code == 0, result.stderr
    assert "time zone Acme Busy Time: its STANDARD rule changes offset several times a day" \
        in result.stderr
    assert "read at UTC+01:00" in result.stderr
    assert _starts(isolated) == [("2026-12-03T09:00:00Z", None)]
