"""iCalendar export: what khal, todoman, vobject and icalendar read back from our .ics.

Data is built through the CLI (as a user would) plus the store API for the fields only
an import can fill (alarms, raw lines...). Recurrences are checked by expanding the
exported RRULE/EXDATE/RECURRENCE-ID with dateutil, since recurring_ical_events is not
a dependency.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from conftest import JANE, seeded_once

from rolodex.store.activity import events, tasks
from rolodex.store.opening import open_db
from rolodex.sync.calendar_components import WHAT
from rolodex.sync.calendar_export import calendar_items, calendar_text, write_calendar

BERLIN = ZoneInfo("Europe/Berlin")
ALL = set(WHAT)


@seeded_once
def data(rolodex, isolated):
    """A small diary: a weekly meeting with a skip and a move, an all-day conference, a
    New York call, tasks (one done, one repeating), birthdays (one on 29 February), an
    anniversary and a follow-up cadence. Returns ids by name."""
    def ok(*args: str) -> str:
        result = rolodex(list(args))
        assert result.exit_code == 0, result.stderr
        return result.stdout.strip()

    ids = {"jane": int(ok(*JANE))}
    ids["bob"] = int(ok("add", "Bob Leap", "-e", "bob@leap.example", "--birthday", "--02-29"))
    ok("contact", "edit", "jane", "--anniversary", "2015-06-12")
    ok("cadence", "set", "vip", "30d")
    ids["sync"] = int(ok("event", "add", "Team sync", "--at", "2026-11-23 16:15", "--for",
                         "30m", "--repeat", "weekly", "--with", "jane", "--with", "bob",
                         "--where", "Room 1"))
    ok("event", "skip", str(ids["sync"]), "2026-11-30")
    ok("event", "move", str(ids["sync"]), "2026-12-07", "2026-12-08 10:00")
    ids["conf"] = int(ok("event", "add", "Conference", "--at", "2026-12-01", "--all-day",
                         "--for", "2d"))
    ids["ny"] = int(ok("event", "add", "NY call", "--at", "2026-12-02 09:00", "--tz",
                       "America/New_York"))
    ids["old"] = int(ok("event", "add", "Old dinner", "--at", "2026-01-10 19:00"))
    ids["offer"] = int(ok("task", "add", "Send offer", "--for", "jane", "--due",
                          "2026-11-25 15:00", "--priority", "high"))
    ids["call"] = int(ok("task", "add", "Call Bob", "--due", "2026-11-19", "--priority", "low"))
    ok("task", "done", str(ids["call"]), "--no-history")
    ids["plants"] = int(ok("task", "add", "Water plants", "--due", "2026-11-21", "--repeat",
                           "weekly"))
    ids["someday"] = int(ok("task", "add", "Read a book"))
    ids["donelong"] = int(ok("task", "add", "Old chore", "--due", "2026-01-05"))
    ok("task", "done", str(ids["donelong"]), "--no-history")
    db = open_db(isolated)
    events.update_event(db, ids["sync"], {
        "alarms": [15, 60], "categories": ["work", "weekly"], "status": "confirmed",
        "notes": "Bring numbers", "raw": "X-FOO;BAR=1:baz\nX-COLOR:red\nX-COLOR:blue",
        "rdates": [datetime(2026, 12, 5, 11, 0, tzinfo=BERLIN)]})
    tasks.update_task(db, ids["offer"], {"categories": ["sales"], "notes": "PDF please",
                                         "raw": "X-TODO-FLAG:1"})
    db.close()
    return ids


@pytest.fixture
def db(isolated):
    handle = open_db(isolated)
    yield handle
    handle.close()


def export(db, what=ALL, first=None, last=None) -> icalendar.Calendar:
    """Build, serialise and parse back, so every check is on what a reader would see."""
    text = calendar_text(db, what=set(what), first=first, last=last, tz=BERLIN)
    return icalendar.Calendar.from_ical(text)


def by_uid(cal: icalendar.Calendar, summary: str) -> list:
    """The components sharing the UID of the one titled ``summary`` (master first)."""
    uid = next(c["UID"] for c in cal.walk() if str(c.get("SUMMARY")) == summary)
    found = [c for c in cal.walk() if c.name in ("VEVENT", "VTODO") and c["UID"] == uid]
    return sorted(found, key=lambda c: "RECURRENCE-ID" in c)


def text_of(component) -> str:
    return component.to_ical().decode()


def expand(components, lo: datetime, hi: datetime) -> list:
    """Start times of a series between lo and hi: RRULE + RDATE - EXDATE, with each
    RECURRENCE-ID instance replacing its original (what any calendar app does)."""
    from dateutil.rrule import rruleset, rrulestr

    master, *moved = components
    start = master.decoded("DTSTART")
    series = rruleset()
    series.rrule(rrulestr(master["RRULE"].to_ical().decode(), dtstart=start))
    for prop in ("RDATE", "EXDATE"):
        values = master.get(prop, [])
        for group in values if isinstance(values, list) else [values]:
            for value in group.dts:
                (series.rdate if prop == "RDATE" else series.exdate)(value.dt)
    replaced = {c.decoded("RECURRENCE-ID"): c.decoded("DTSTART") for c in moved}
    found = [replaced.get(s, s) for s in series.between(lo, hi, inc=True)]
    return sorted(found)


def test_calendar_header_and_every_kind_parse_back(data, db):
    cal = export(db)
    assert str(cal["PRODID"]) == "-//rolodex//rolodex//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    summaries = {str(c["SUMMARY"]) for c in cal.walk() if c.name in ("VEVENT", "VTODO")}
    assert {"Team sync", "Conference", "NY call", "Send offer", "Call Bob",
            "Jane Doe's birthday", "Bob Leap's birthday", "Jane Doe's anniversary",
            "Get in touch with Jane Doe"} <= summaries
    for component in cal.walk():
        if component.name in ("VEVENT", "VTODO"):
            assert "DTSTAMP" in component and "UID" in component
            assert component.decoded("DTSTAMP") == datetime(2026, 11, 20, 9, 0,
                                                            tzinfo=ZoneInfo("UTC"))


def test_all_day_event_is_value_date_with_exclusive_end(data, db):
    (conference,) = by_uid(export(db, {"events"}), "Conference")
    assert "DTSTART;VALUE=DATE:20261201" in text_of(conference)
    assert "DTEND;VALUE=DATE:20261203" in text_of(conference)
    assert type(conference.decoded("DTSTART")) is date


def test_weekly_berlin_event_has_tzid_rrule_and_a_vtimezone(data, db):
    cal = export(db, {"events"})
    master = by_uid(cal, "Team sync")[0]
    assert "DTSTART;TZID=Europe/Berlin:20261123T161500" in text_of(master)
    assert "DTEND;TZID=Europe/Berlin:20261123T164500" in text_of(master)
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY"
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert zones == {"Europe/Berlin", "America/New_York"}
    (ny,) = by_uid(cal, "NY call")
    assert "DTSTART;TZID=America/New_York:20261202T090000" in text_of(ny)
    assert cal.get_missing_tzids() == set()


def test_skipped_occurrence_is_an_exdate_in_the_start_form(data, db):
    master = by_uid(export(db, {"events"}), "Team sync")[0]
    assert "EXDATE;TZID=Europe/Berlin:20261130T161500" in text_of(master)


def test_moved_occurrence_is_a_recurrence_id_instance(data, db):
    master, moved = by_uid(export(db, {"events"}), "Team sync")
    assert moved["UID"] == master["UID"]
    text = text_of(moved)
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20261207T161500" in text
    assert "DTSTART;TZID=Europe/Berlin:20261208T100000" in text
    assert "DTEND;TZID=Europe/Berlin:20261208T103000" in text
    assert str(moved["SUMMARY"]) == "Team sync" and str(moved["LOCATION"]) == "Room 1"
    assert "RRULE" not in moved and "EXDATE" not in moved


def test_expanding_the_export_gives_the_same_occurrences_as_rolodex(data, db):
    series = by_uid(export(db, {"events"}), "Team sync")
    lo, hi = datetime(2026, 11, 20, tzinfo=BERLIN), datetime(2026, 12, 22, tzinfo=BERLIN)
    ours = [datetime.fromisoformat(o["start"].replace("Z", "+00:00"))
            for o in events.occurrences(db, date(2026, 11, 20), date(2026, 12, 21), BERLIN)
            if o["title"] == "Team sync"]
    exported = expand(series, lo, hi)
    rdate = datetime(2026, 12, 5, 11, 0, tzinfo=BERLIN)  # rdates are iCal-only extras
    assert [d for d in exported if d != rdate] == ours
    assert rdate in exported
    assert datetime(2026, 11, 30, 16, 15, tzinfo=BERLIN) not in exported


def test_alarms_categories_status_notes_and_raw_lines(data, db):
    master, moved = by_uid(export(db, {"events"}), "Team sync")
    alarms = master.walk("VALARM")
    assert sorted(a.decoded("TRIGGER") for a in alarms) == [timedelta(minutes=-60),
                                                             timedelta(minutes=-15)]
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
    assert {str(a["DESCRIPTION"]) for a in alarms} == {"Team sync"}
    assert "TRIGGER:-PT15M" in text_of(master)
    assert len(moved.walk("VALARM")) == 2  # an instance replaces the whole occurrence
    assert "CATEGORIES:work,weekly" in text_of(master)
    assert str(master["STATUS"]) == "CONFIRMED"
    assert str(master["DESCRIPTION"]) == "Bring numbers"
    assert "X-FOO;BAR=1:baz" in text_of(master)
    assert text_of(master).count("X-COLOR:") == 2
    assert "RDATE;TZID=Europe/Berlin:20261205T110000" in text_of(master)


def test_attendees_are_mailto_with_names_and_organizer_only_when_configured(data, db,
                                                                            rolodex):
    master = by_uid(export(db, {"events"}), "Team sync")[0]
    attendees = master["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:jane@acme.example", "mailto:bob@leap.example"]
    assert attendees[0].params["CN"] == "Jane Doe"
    assert attendees[0].params["ROLE"] == "REQ-PARTICIPANT"
    assert "ORGANIZER" not in master
    assert rolodex(["config", "set", "my.emails", "me@home.example, other@x.example"]
                   ).exit_code == 0
    cal = export(db, {"events"})
    assert str(by_uid(cal, "Team sync")[0]["ORGANIZER"]) == "mailto:me@home.example"
    assert "ORGANIZER" not in by_uid(cal, "Conference")[0]  # no attendees, no organizer


def test_tasks_due_priority_status_completed_rrule(data, db):
    cal = export(db, {"tasks"})
    (offer,) = by_uid(cal, "Send offer")
    assert "DUE;TZID=Europe/Berlin:20261125T150000" in text_of(offer)
    assert offer["PRIORITY"] == 1 and str(offer["STATUS"]) == "NEEDS-ACTION"
    assert "COMPLETED" not in offer
    assert str(offer["ATTENDEE"]) == "mailto:jane@acme.example"
    assert str(offer["DESCRIPTION"]) == "PDF please"
    assert "CATEGORIES:sales" in text_of(offer) and "X-TODO-FLAG:1" in text_of(offer)
    (call,) = by_uid(cal, "Call Bob")
    assert "DUE;VALUE=DATE:20261119" in text_of(call)
    assert call["PRIORITY"] == 9 and str(call["STATUS"]) == "COMPLETED"
    assert call.decoded("COMPLETED") == datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("UTC"))
    assert "COMPLETED:20261120T090000Z" in text_of(call)
    (plants,) = by_uid(cal, "Water plants")
    assert plants["PRIORITY"] == 5
    assert plants["RRULE"].to_ical() == b"FREQ=WEEKLY"
    assert plants.decoded("DTSTART") == plants.decoded("DUE") == date(2026, 11, 21)
    (book,) = by_uid(cal, "Read a book")
    assert "DUE" not in book


def test_cancelled_task_is_cancelled(data, db, rolodex):
    assert rolodex(["task", "cancel", str(data["someday"])]).exit_code == 0
    (book,) = by_uid(export(db, {"tasks"}), "Read a book")
    assert str(book["STATUS"]) == "CANCELLED"


def test_window_keeps_events_that_happen_in_it_and_tasks_due_or_open(data, db):
    cal = export(db, {"events", "tasks"}, date(2026, 12, 1), date(2026, 12, 31))
    titles = {str(c["SUMMARY"]) for c in cal.walk() if c.name in ("VEVENT", "VTODO")}
    # The weekly series comes whole; open tasks stay even when due outside the window.
    assert titles == {"Team sync", "Conference", "NY call", "Send offer", "Water plants",
                      "Read a book"}
    master = by_uid(cal, "Team sync")[0]
    assert "EXDATE" in master  # the November skip travels with the series
    early = export(db, {"events"}, None, date(2026, 11, 22))
    assert {str(c["SUMMARY"]) for c in early.walk("VEVENT")} == {"Old dinner"}
    late = export(db, {"events"}, date(2026, 12, 3), None)
    assert {str(c["SUMMARY"]) for c in late.walk("VEVENT")} == {"Team sync"}
    done = export(db, {"tasks"}, date(2026, 11, 1), date(2026, 11, 30))
    assert "Call Bob" in {str(c["SUMMARY"]) for c in done.walk("VTODO")}
    assert "Old chore" not in {str(c["SUMMARY"]) for c in done.walk("VTODO")}


def test_until_is_utc_for_zoned_series_and_ended_series_leave_later_windows(data, db,
                                                                           rolodex):
    added = rolodex(["event", "add", "Course", "--at", "2026-11-24 18:00", "--repeat",
                     "FREQ=WEEKLY;UNTIL=20261208"])
    assert added.exit_code == 0, added.stderr
    (course,) = by_uid(export(db, {"events"}), "Course")
    # A date UNTIL means that whole local day; RFC 5545 wants UTC beside a TZID.
    assert course["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20261208T225959Z"
    starts = expand([course], datetime(2026, 11, 1, tzinfo=BERLIN),
                    datetime(2027, 1, 1, tzinfo=BERLIN))
    assert [s.date() for s in starts] == [date(2026, 11, 24), date(2026, 12, 1),
                                          date(2026, 12, 8)]
    later = export(db, {"events"}, date(2026, 12, 9), None)
    assert "Course" not in {str(c["SUMMARY"]) for c in later.walk("VEVENT")}
    within = export(db, {"events"}, date(2026, 12, 8), date(2026, 12, 8))
    assert "Course" in {str(c["SUMMARY"]) for c in within.walk("VEVENT")}


def test_birthdays_repeat_yearly_and_29_february_falls_on_the_28th(data, db):
    cal = export(db, {"birthdays"})
    (jane,) = by_uid(cal, "Jane Doe's birthday")
    text = text_of(jane)
    assert "DTSTART;VALUE=DATE:19850415" in text and "DTEND;VALUE=DATE:19850416" in text
    assert jane["RRULE"].to_ical() == b"FREQ=YEARLY"
    assert str(jane["TRANSP"]) == "TRANSPARENT" and "CATEGORIES:birthday" in text
    uid = db.execute("SELECT uid FROM contacts WHERE id = ?", (data["jane"],)).fetchone()[0]
    assert str(jane["UID"]) == f"{uid}-birthday"
    (anniversary,) = by_uid(cal, "Jane Doe's anniversary")
    assert str(anniversary["UID"]) == f"{uid}-anniversary"
    assert "CATEGORIES:anniversary" in text_of(anniversary)
    (bob,) = by_uid(cal, "Bob Leap's birthday")
    assert "DTSTART;VALUE=DATE:20000229" in text_of(bob)
    assert dict(bob["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [2], "BYMONTHDAY": [-1]}
    from dateutil.rrule import rrulestr

    start = datetime(2000, 2, 29)
    rule = rrulestr(bob["RRULE"].to_ical().decode(), dtstart=start)
    assert [d.date() for d in rule.between(datetime(2026, 1, 1), datetime(2029, 1, 1))] == [
        date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]


def test_a_short_window_keeps_only_birthdays_in_it(data, db):
    cal = export(db, {"birthdays"}, date(2027, 2, 1), date(2027, 3, 31))
    assert [str(c["SUMMARY"]) for c in cal.walk("VEVENT")] == ["Bob Leap's birthday"]


def test_followups_are_todos_due_on_their_day(data, db, rolodex):
    assert export(db, {"followups"}, None, date(2026, 12, 1)).walk("VTODO") == []
    cal = export(db, {"followups"})  # default horizon: 30 days
    (todo,) = cal.walk("VTODO")
    uid = db.execute("SELECT uid FROM contacts WHERE id = ?", (data["jane"],)).fetchone()[0]
    assert str(todo["UID"]) == f"{uid}-followup-2026-12-20"
    assert str(todo["SUMMARY"]) == "Get in touch with Jane Doe"
    assert "DUE;VALUE=DATE:20261220" in text_of(todo)
    assert "CATEGORIES:followup" in text_of(todo)


def test_calendar_items_are_one_item_per_uid(data, db):
    items = list(calendar_items(db, what={"events"}, first=None, last=None, tz=BERLIN))
    assert len(items) == 4
    for uid, cal in items:
        parts = [c for c in cal.walk() if c.name == "VEVENT"]
        assert {str(c["UID"]) for c in parts} == {uid}
        assert cal.get_missing_tzids() == set()
    sync = next(cal for _, cal in items if "Team sync" in cal.to_ical().decode())
    assert len(sync.walk("VEVENT")) == 2  # the moved instance shares its series' file


def test_folder_export_writes_private_safely_named_files(data, db, tmp_path):
    events.add_event(db, "Hostile", start=date(2026, 12, 3), end=date(2026, 12, 4),
                     uid="../../x")
    folder = tmp_path / "cal"
    count = write_calendar(db, str(folder) + os.sep, what=ALL, first=None, last=None,
                           tz=BERLIN)
    files = sorted(p.name for p in folder.iterdir())
    assert count == len(files) == 5 + 5 + 3 + 1
    assert "x.ics" not in files and not (tmp_path / "x.ics").exists()
    assert ".._.._x.ics" not in files and "_.._x.ics" in files
    for path in folder.iterdir():
        assert path.suffix == ".ics"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        uids = {str(c["UID"]) for c in cal.walk() if c.name in ("VEVENT", "VTODO")}
        assert len(uids) == 1
    again = write_calendar(db, str(folder), what={"events"}, first=None, last=None, tz=BERLIN)
    assert again == 5  # an existing folder needs no trailing separator


def test_file_and_stdout_output(data, db, tmp_path, capsys):
    target = tmp_path / "all.ics"
    assert write_calendar(db, str(target), what=ALL, first=None, last=None, tz=BERLIN) == 13
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    write_calendar(db, "-", what={"tasks"}, first=None, last=None, tz=BERLIN)
    out = capsys.readouterr().out
    assert out.startswith("BEGIN:VCALENDAR") and out.count("BEGIN:VTODO") == 5


def test_vobject_reads_the_export(data, db):
    import vobject

    text = calendar_text(db, what=ALL, first=None, last=None, tz=BERLIN).decode()
    (cal,) = list(vobject.readComponents(text))
    assert len(cal.vevent_list) == 5 + 3  # four events and a moved instance; 3 yearly
    assert len(cal.vtodo_list) == 5 + 1
    sync = next(e for e in cal.vevent_list if e.summary.value == "Team sync"
                and not hasattr(e, "recurrence_id"))
    assert sync.dtstart.value == datetime(2026, 11, 23, 16, 15, tzinfo=sync.dtstart.value.tzinfo)
    assert sync.dtstart.value.utcoffset() == timedelta(hours=1)
    starts = list(sync.getrruleset(addRDate=True).between(
        datetime(2026, 11, 29, tzinfo=BERLIN), datetime(2026, 12, 16, tzinfo=BERLIN)))
    assert [s.date() for s in starts] == [date(2026, 12, 5), date(2026, 12, 7),
                                          date(2026, 12, 14)]


def test_unknown_kind_is_refused(db):
    from rolodex.errors import InvalidInput

    with pytest.raises(InvalidInput):
        calendar_text(db, what={"events", "holidays"}, first=None, last=None, tz=BERLIN)


def test_importing_the_module_does_not_import_icalendar():
    code = "import sys, rolodex.sync.calendar_export; print('icalendar' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def _tool(name: str, module: str) -> str:
    """The tool's script: khal and todoman are test dependencies (pyproject's ``test``
    extra), so a missing one is a broken set-up and fails rather than skipping."""
    assert _importable(module), f"{module} is missing: pip install -e '.[test]'"
    path = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    assert path, f"{module} is importable but '{name}' is not on PATH"
    return path


@pytest.mark.slow
def test_khal_lists_the_exported_events(data, db, tmp_path):
    khal = _tool("khal", "khal")
    folder = tmp_path / "vdir"
    write_calendar(db, str(folder) + os.sep, what={"events", "birthdays"}, first=None,
                   last=None, tz=BERLIN)
    config = tmp_path / "khal.conf"
    config.write_text(f"[calendars]\n[[rolodex]]\npath = {folder}\n\n[locale]\n"
                      "timeformat = %H:%M\ndateformat = %Y-%m-%d\n"
                      "longdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
                      "longdatetimeformat = %Y-%m-%d %H:%M\nlocal_timezone = Europe/Berlin\n"
                      "default_timezone = Europe/Berlin\n\n[sqlite]\n"
                      f"path = {tmp_path / 'khal.db'}\n")
    result = subprocess.run([khal, "-c", str(config), "list", "--format", "{title} {start}",
                             "2026-11-01", "60d"], capture_output=True, text=True,
                            env={**os.environ, "TZ": "Europe/Berlin"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Team sync 2026-11-23 16:15" in lines
    assert "Team sync 2026-11-30 16:15" not in lines  # skipped
    assert "Team sync 2026-12-08 10:00" in lines  # moved
    assert "Team sync 2026-12-05 11:00" in lines  # extra date
    assert "Conference 2026-12-01" in lines
    assert "NY call 2026-12-02 15:00" in lines  # 09:00 in New York
    assert not any(line.startswith("Old dinner") for line in lines)
    birthdays = subprocess.run([khal, "-c", str(config), "list", "--format",
                                "{title} {start}", "2027-02-01", "60d"],
                               capture_output=True, text=True)
    assert "Bob Leap's birthday 2027-02-28" in birthdays.stdout.splitlines()


@pytest.mark.slow
def test_todoman_lists_the_exported_tasks(data, db, tmp_path):
    todo = _tool("todo", "todoman")
    folder = tmp_path / "tasks"
    write_calendar(db, str(folder) + os.sep, what={"tasks", "followups"}, first=None,
                   last=None, tz=BERLIN)
    config = tmp_path / "todoman.py"
    config.write_text(f'path = "{folder}"\ndate_format = "%Y-%m-%d"\n'
                      f'time_format = "%H:%M"\ncache_path = "{tmp_path / "todo.db"}"\n')
    import json

    result = subprocess.run([todo, "--config", str(config), "--porcelain", "list",
                             "--status", "ANY"], capture_output=True, text=True,
                            env={**os.environ, "TZ": "Europe/Berlin"})
    assert result.returncode == 0, result.stderr
    listed = {item["summary"]: item for item in json.loads(result.stdout)}
    assert {"Send offer", "Call Bob", "Water plants", "Read a book", "Old chore",
            "Get in touch with Jane Doe"} <= set(listed)
    assert listed["Call Bob"]["completed"] is True
    assert listed["Send offer"]["priority"] == 1


def test_unknown_attendees_survive_next_to_known_ones(rolodex):
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example"])
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
           "UID:meet-1\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261201T100000Z\r\n"
           "DTEND:20261201T110000Z\r\nSUMMARY:Kickoff\r\n"
           "ATTENDEE;CN=Jane Doe:mailto:jane@acme.example\r\n"
           "ATTENDEE;CN=Bob Poe:mailto:bob@poe.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert rolodex(["import", "-"], input=ics).exit_code == 0
    text = rolodex("export --format ical --what events").stdout.replace("\r\n ", "")
    assert text.count("mailto:jane@acme.example") == 1
    assert text.count("mailto:bob@poe.example") == 1


def test_reminders_and_categories_typed_on_the_command_line_are_exported(rolodex):
    result = rolodex(["event", "add", "Review", "--at", "2026-12-01 10:00", "--remind", "15m",
                      "--remind", "1d", "--category", "work"])
    assert result.exit_code == 0, result.stderr
    event = rolodex(["event", "show", result.stdout.strip(), "-f", "json"]).json()
    assert (event["alarms"], event["categories"]) == ([1440, 15], ["work"])
    text = rolodex("export --format ical --what events").stdout
    assert "TRIGGER:-PT15M" in text and ("TRIGGER:-P1D" in text or "TRIGGER:-PT1440M" in text)
    assert "CATEGORIES:work" in text
    rolodex(["event", "edit", result.stdout.strip(), "--no-reminders"])
    assert "VALARM" not in rolodex("export --format ical --what events").stdout


def test_one_file_has_its_zones_first_in_name_order_and_is_the_same_each_time(db, tmp_path):
    """The file is written a component at a time; the VTIMEZONEs, made last, go first."""
    for title, zone in (("Call New York", "America/New_York"), ("Call Tokyo", "Asia/Tokyo"),
                        ("Call Berlin", "Europe/Berlin")):
        tz = ZoneInfo(zone)
        events.add_event(db, title, start=datetime(2026, 12, 3, 9, tzinfo=tz),
                         end=datetime(2026, 12, 3, 10, tzinfo=tz), tz=zone)
    paths = [tmp_path / "a.ics", tmp_path / "b.ics"]
    for path in paths:
        assert write_calendar(db, str(path), what=ALL, first=None, last=None, tz=BERLIN) == 3
    text = paths[0].read_bytes()
    assert text == paths[1].read_bytes()
    assert text == calendar_text(db, what=ALL, first=None, last=None, tz=BERLIN)
    zones = [line.split(b":", 1)[1] for line in text.split(b"\r\n")
             if line.startswith(b"TZID:")]
    assert zones == [b"America/New_York", b"Asia/Tokyo", b"Europe/Berlin"]
    assert text.rindex(b"END:VTIMEZONE") < text.index(b"BEGIN:VEVENT")
    cal = icalendar.Calendar.from_ical(text)
    assert cal.get_missing_tzids() == set()
    assert text.startswith(b"BEGIN:VCALENDAR\r\n") and text.endswith(b"END:VCALENDAR\r\n")
