"""iCalendar import: one inline fixture per edge case, checked through the store, plus
every .ics of the shared corpus (imports, or fails cleanly, in time)."""

from __future__ import annotations

import csv
import hashlib
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rolodex.errors import FileError
from rolodex.formats.ical_zones import WINDOWS_ZONES
from rolodex.models import Email
from rolodex.store import settings
from rolodex.store.activity import events, tasks
from rolodex.store.opening import open_db
from rolodex.store.people import contacts
from rolodex.sync.calendar_apply import import_calendar

BERLIN = ZoneInfo("Europe/Berlin")  # conftest sets ROLODEX_TZ to it


@pytest.fixture
def db(tmp_path, template_copy):
    database = open_db(template_copy(tmp_path / "r.db"))
    yield database
    database.close()


def ics(*lines: str, head: tuple[str, ...] = ()) -> bytes:
    """A calendar around ``lines`` (components), CRLF as RFC 5545 wants."""
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *head, *lines,
            "END:VCALENDAR"]
    return ("\r\n".join(body) + "\r\n").encode("utf-8")


def vevent(*props: str, uid: str = "e1", summary: str | None = "Meeting") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z",
            *([f"SUMMARY:{summary}"] if summary else []), *props, "END:VEVENT"]


def run(db, data: bytes, name: str = "test.ics", **options):
    return import_calendar(db, [(name, data)], **options)


def all_events(db) -> list[dict]:
    return events.fetch(db, [r[0] for r in db.execute("SELECT id FROM events ORDER BY id")])


def one_event(db) -> dict:
    (event,) = all_events(db)
    return event


def all_tasks(db) -> list[dict]:
    ids = [r[0] for r in db.execute("SELECT id FROM tasks ORDER BY id")]
    return tasks.fetch(db, ids, tz=BERLIN)


def counts(report) -> tuple[int, ...]:
    return (report.events_new, report.events_updated, report.events_unchanged,
            report.tasks_new, report.tasks_updated, report.tasks_unchanged)


# Times and zones

def test_all_day_event_without_dtend_lasts_one_day(db):
    report = run(db, ics(*vevent("DTSTART;VALUE=DATE:20260704")))
    assert report.failed == [] and counts(report) == (1, 0, 0, 0, 0, 0)
    event = one_event(db)
    assert (event["start"], event["end"], event["all_day"], event["tz"]) == (
        "2026-07-04", "2026-07-05", True, None)


def test_all_day_dtend_equal_to_dtstart_means_that_day(db):
    run(db, ics(*vevent("DTSTART;VALUE=DATE:20260704", "DTEND;VALUE=DATE:20260704")))
    assert one_event(db)["end"] == "2026-07-05"


def test_floating_times_are_in_the_calendars_x_wr_timezone(db):
    run(db, ics(*vevent("DTSTART:20260704T100000", "DTEND:20260704T110000"),
                head=("X-WR-TIMEZONE:America/New_York",)))
    event = one_event(db)
    assert (event["start"], event["end"], event["tz"]) == (
        "2026-07-04T14:00:00Z", "2026-07-04T15:00:00Z", "America/New_York")


def test_floating_times_without_a_calendar_zone_stay_floating(db):
    """No TZID, no Z, no X-WR-TIMEZONE: the same wall time in any zone (#14)."""
    run(db, ics(*vevent("DTSTART:20260704T100000", "DURATION:PT90M")))
    event = one_event(db)
    assert (event["start"], event["end"], event["tz"]) == (
        "2026-07-04T10:00:00", "2026-07-04T11:30:00", None)


def test_the_timezone_setting_wins_over_the_system_zone(db):
    settings.set_value(db, "timezone", "Asia/Tokyo")
    run(db, ics(*vevent("DTSTART;TZID=Nowhere Special:20260704T100000")))
    assert one_event(db)["start"] == "2026-07-04T01:00:00Z"


def test_utc_times(db):
    run(db, ics(*vevent("DTSTART:20260704T100000Z", "DTEND:20260704T110000Z"),
                *vevent("DTSTART:20260704T100000Z", "RRULE:FREQ=WEEKLY", uid="weekly")))
    single, weekly = all_events(db)
    assert (single["start"], single["end"], single["tz"]) == (
        "2026-07-04T10:00:00Z", "2026-07-04T11:00:00Z", None)
    assert weekly["tz"] == "UTC"  # RFC 5545: a UTC series repeats in UTC
    assert weekly["end"] == weekly["start"]  # no DTEND, no DURATION: no length


def test_utc_series_with_x_wr_timezone_repeats_in_that_zone(db):
    """Google writes UTC times and names the zone the series lives in."""
    run(db, ics(*vevent("DTSTART:20260105T090000Z", "RRULE:FREQ=WEEKLY"),
                head=("X-WR-TIMEZONE:Europe/Berlin",)))
    assert one_event(db)["tz"] == "Europe/Berlin"
    summer = events.occurrences(db, date(2026, 7, 6), date(2026, 7, 6), BERLIN)
    assert summer[0]["start"] == "2026-07-06T08:00:00Z"  # still 10:00 in Berlin


VTIMEZONE_BERLIN = [
    "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
    "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
    "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE"]


def test_tzid_with_vtimezone_keeps_the_iana_zone_for_dst_correct_repeats(db):
    run(db, ics(*VTIMEZONE_BERLIN, *vevent(
        "DTSTART;TZID=Europe/Berlin:20260105T161500", "DTEND;TZID=Europe/Berlin:20260105T170000",
        "RRULE:FREQ=WEEKLY;BYDAY=MO")))
    event = one_event(db)
    assert (event["start"], event["tz"], event["rrule"]) == (
        "2026-01-05T15:15:00Z", "Europe/Berlin", "FREQ=WEEKLY;BYDAY=MO")
    summer = events.occurrences(db, date(2026, 7, 6), date(2026, 7, 6), BERLIN)
    assert [o["start"] for o in summer] == ["2026-07-06T14:15:00Z"]


def test_a_zone_only_the_file_defines_gets_a_named_zone_with_its_rules(db):
    custom = [line.replace("TZID:Europe/Berlin", "TZID:My Office Time")
              for line in VTIMEZONE_BERLIN]
    run(db, ics(*custom, *vevent("DTSTART;TZID=My Office Time:20260704T100000",
                                 "DTEND;TZID=My Office Time:20260704T110000")))
    event = one_event(db)
    assert (event["start"], event["end"]) == ("2026-07-04T08:00:00Z", "2026-07-04T09:00:00Z")
    named, berlin = ZoneInfo(event["tz"]), ZoneInfo("Europe/Berlin")
    assert event["tz"].startswith("Europe/")
    for month in range(1, 13):
        moment = datetime(2026, month, 15, 12)
        assert named.utcoffset(moment) == berlin.utcoffset(moment)


def test_x_lic_location_names_a_custom_tzid(db):
    custom = [line.replace("TZID:Europe/Berlin", "TZID:Berlin Time\r\nX-LIC-LOCATION:Europe/Berlin")
              for line in VTIMEZONE_BERLIN]
    run(db, ics(*custom, *vevent("DTSTART;TZID=Berlin Time:20260704T100000")))
    assert one_event(db)["tz"] == "Europe/Berlin"


@pytest.mark.parametrize(("windows", "iana", "utc_hour"), [
    ("W. Europe Standard Time", "Europe/Berlin", 8),
    ("Romance Standard Time", "Europe/Paris", 8),
    ("Central Europe Standard Time", "Europe/Budapest", 8),
    ("GMT Standard Time", "Europe/London", 9),
    ("Pacific Standard Time", "America/Los_Angeles", 17),
    ("Eastern Standard Time", "America/New_York", 14),
    ("Central Standard Time", "America/Chicago", 15),
    ("Mountain Standard Time", "America/Denver", 16),
    ("Tokyo Standard Time", "Asia/Tokyo", 1),
    ("AUS Eastern Standard Time", "Australia/Sydney", 0),
    ("India Standard Time", "Asia/Calcutta", 4),
    ("China Standard Time", "Asia/Shanghai", 2),
])
def test_windows_zone_names_map_to_iana_zones(db, windows, iana, utc_hour):
    """Outlook writes its own zone names, often with no VTIMEZONE: never silently UTC."""
    run(db, ics(*vevent(f'DTSTART;TZID="{windows}":20260704T100000')))
    event = one_event(db)
    assert event["tz"] == iana
    assert datetime.fromisoformat(event["start"]).astimezone(UTC).hour == utc_hour


def test_the_windows_table_is_large_and_every_zone_exists():
    assert len(WINDOWS_ZONES) >= 40
    for name in WINDOWS_ZONES.values():
        ZoneInfo(name)


def test_vendor_prefixed_tzid_without_vtimezone(db):
    run(db, ics(*vevent("DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20260704T100000")))
    assert one_event(db)["tz"] == "America/New_York"


def test_unknown_tzid_without_definition_is_read_as_floating(db):
    run(db, ics(*vevent("DTSTART;TZID=Nowhere Special:20260704T100000")))
    event = one_event(db)
    assert (event["start"], event["tz"]) == ("2026-07-04T08:00:00Z", "Europe/Berlin")


# Recurrence

def test_rrule_exdate_rdate(db):
    run(db, ics(*VTIMEZONE_BERLIN, *vevent(
        "DTSTART;TZID=Europe/Berlin:20260302T090000", "DTEND;TZID=Europe/Berlin:20260302T100000",
        "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6",
        "EXDATE;TZID=Europe/Berlin:20260309T090000,20260316T090000",
        "EXDATE:20260323T080000Z",
        "RDATE;TZID=Europe/Berlin:20260311T090000")))
    event = one_event(db)
    assert event["rrule"] == "FREQ=WEEKLY;COUNT=6;BYDAY=MO"
    assert [e["original"] for e in event["exceptions"] if e["cancelled"]] == [
        "2026-03-09T08:00:00Z", "2026-03-16T08:00:00Z", "2026-03-23T08:00:00Z"]
    assert event["rdates"] == ["2026-03-11T08:00:00Z"]
    found = events.occurrences(db, date(2026, 3, 1), date(2026, 4, 30), BERLIN)
    assert [o["start"] for o in found] == [
        "2026-03-02T08:00:00Z", "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z"]


def test_exdate_as_a_date_on_a_timed_series_names_that_days_occurrence(db):
    run(db, ics(*vevent("DTSTART:20260302T090000Z", "RRULE:FREQ=DAILY;COUNT=3",
                        "EXDATE;VALUE=DATE:20260303")))
    assert [e["original"] for e in one_event(db)["exceptions"]] == ["2026-03-03T09:00:00Z"]


def test_a_rule_rolodex_cannot_expand_fails_only_that_component(db):
    report = run(db, ics(*vevent("DTSTART:20260302T090000Z", "RRULE:FREQ=FORTNIGHTLY", uid="bad"),
                         *vevent("DTSTART:20260302T090000Z", uid="good")))
    assert [(p.index, p.line) for p in report.failed] == [(1, 4)]
    assert "repeat rule" in report.failed[0].reason
    assert one_event(db)["uid"] == "good"


MASTER = vevent("DTSTART:20260302T090000Z", "DTEND:20260302T100000Z",
                "RRULE:FREQ=DAILY;COUNT=5", "LOCATION:Room 1", uid="series")
MOVED = vevent("RECURRENCE-ID:20260303T090000Z", "DTSTART:20260303T140000Z",
               "DTEND:20260303T150000Z", "LOCATION:Room 2", uid="series", summary="Moved")
CANCELLED = vevent("RECURRENCE-ID:20260304T090000Z", "DTSTART:20260304T090000Z",
                   "STATUS:CANCELLED", uid="series")


@pytest.mark.parametrize("order", ["master first", "overrides first"])
def test_overridden_instances_become_exceptions_of_the_master(db, order):
    parts = [*MASTER, *MOVED, *CANCELLED] if order == "master first" else [
        *MOVED, *CANCELLED, *MASTER]
    report = run(db, ics(*parts))
    assert report.failed == [] and counts(report) == (1, 0, 0, 0, 0, 0)
    event = one_event(db)
    assert event["exceptions"] == [
        {"original": "2026-03-03T09:00:00Z", "start": "2026-03-03T14:00:00Z",
         "end": "2026-03-03T15:00:00Z", "cancelled": False, "title": "Moved",
         "location": "Room 2"},
        {"original": "2026-03-04T09:00:00Z", "start": None, "end": None, "cancelled": True,
         "title": None, "location": None}]
    found = events.occurrences(db, date(2026, 3, 1), date(2026, 3, 8), BERLIN)
    assert [(o["start"], o["moved"]) for o in found] == [
        ("2026-03-02T09:00:00Z", False), ("2026-03-03T14:00:00Z", True),
        ("2026-03-05T09:00:00Z", False), ("2026-03-06T09:00:00Z", False)]


def test_overrides_without_their_series_are_one_off_events(db):
    report = run(db, ics(*MOVED, *vevent(
        "RECURRENCE-ID:20260305T090000Z", "DTSTART:20260305T100000Z", uid="series")))
    assert report.failed == [] and report.events_new == 2
    assert sorted(e["uid"] for e in all_events(db)) == [
        "series-20260303T090000Z", "series-20260305T090000Z"]


def test_thisandfuture_splits_the_series(db):
    """The master ends before the changed occurrence; a new series starts there."""
    report = run(db, ics(*vevent(
        "DTSTART:20260302T090000Z", "DTEND:20260302T100000Z", "RRULE:FREQ=DAILY;COUNT=10",
        "EXDATE:20260309T090000Z", uid="s"), *vevent(
        "RECURRENCE-ID;RANGE=THISANDFUTURE:20260306T090000Z", "DTSTART:20260306T110000Z",
        "DTEND:20260306T113000Z", uid="s", summary="Later and shorter")))
    assert report.failed == [] and report.events_new == 2
    master, rest = all_events(db)
    assert (master["uid"], master["rrule"], master["exceptions"]) == (
        "s", "FREQ=DAILY;COUNT=4", [])
    assert (rest["uid"], rest["title"], rest["start"], rest["end"], rest["rrule"]) == (
        "s-20260306T090000Z", "Later and shorter", "2026-03-06T11:00:00Z",
        "2026-03-06T11:30:00Z", "FREQ=DAILY;COUNT=6")
    assert [e["original"] for e in rest["exceptions"]] == ["2026-03-09T11:00:00Z"]
    found = events.occurrences(db, date(2026, 3, 1), date(2026, 3, 31), UTC)
    assert [o["start"][5:16] for o in found] == [
        "03-02T09:00", "03-03T09:00", "03-04T09:00", "03-05T09:00", "03-06T11:00",
        "03-07T11:00", "03-08T11:00", "03-10T11:00", "03-11T11:00"]


# Alarms, people, kept properties

def test_relative_alarms_become_minutes_the_others_are_kept(db):
    run(db, ics(*vevent(
        "DTSTART:20260302T090000Z",
        "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "DESCRIPTION:x", "END:VALARM",
        "BEGIN:VALARM", "ACTION:AUDIO", "TRIGGER;RELATED=START:-P1D", "END:VALARM",
        "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER;VALUE=DATE-TIME:20260301T080000Z",
        "END:VALARM",
        "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER;RELATED=END:PT5M", "END:VALARM",
        "X-CUSTOM;X-PARAM=1:kept value", "URL:https://example.com/m", "CLASS:PRIVATE")))
    event = one_event(db)
    assert event["alarms"] == [15, 1440]
    raw = event["raw"]
    assert "TRIGGER;VALUE=DATE-TIME:20260301T080000Z" in raw
    assert "TRIGGER;RELATED=END:PT5M" in raw and "-PT15M" not in raw
    assert "X-CUSTOM;X-PARAM=1:kept value" in raw and "URL:https://example.com/m" in raw
    assert "CLASS:PRIVATE" in raw and "DTSTAMP" not in raw and "SUMMARY" not in raw


def test_kept_lines_parse_back_as_icalendar(db):
    import icalendar

    run(db, ics(*vevent("DTSTART:20260302T090000Z", "X-LONG:" + "word " * 40,
                        'ATTENDEE;CN="Doe, Jane";PARTSTAT=ACCEPTED:mailto:jane@example.com')))
    raw = one_event(db)["raw"]
    parsed = icalendar.Component.from_ical(f"BEGIN:VEVENT\r\n{raw}\r\nEND:VEVENT\r\n")
    assert str(parsed["X-LONG"]).startswith("word word")
    assert parsed["ATTENDEE"].params["CN"] == "Doe, Jane"


ATTENDEES = ('ORGANIZER;CN=Boss:mailto:boss@example.com', 'ATTENDEE:mailto:Boss@example.com',
             'ATTENDEE;CN="Jane Doe";PARTSTAT=ACCEPTED:MAILTO:JANE@Example.com',
             'ATTENDEE;CN=Stranger:mailto:stranger@example.org',
             'ATTENDEE:mailto:me@example.net')


def test_attendees_are_matched_to_contacts_by_email(db):
    jane = contacts.add_contact(db, "Jane Doe", details=[Email("jane@example.com")])
    settings.set_value(db, "my.emails", "me@example.net")
    report = run(db, ics(*vevent("DTSTART:20260302T090000Z", *ATTENDEES)))
    event = one_event(db)
    assert [c["id"] for c in event["contacts"]] == [jane]
    assert report.unknown_people == ["Boss <boss@example.com>",
                                     "Stranger <stranger@example.org>"]
    assert "stranger@example.org" in event["raw"] and "boss@example.com" in event["raw"]
    assert "JANE@Example.com" not in event["raw"]  # linked: the export writes it again
    assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 1


def test_create_contacts_adds_the_unknown_people(db):
    report = run(db, ics(*vevent("DTSTART:20260302T090000Z", *ATTENDEES)),
                 create_contacts=True)
    assert report.unknown_people == []
    names = sorted(c["name"] for c in one_event(db)["contacts"])
    assert names == ["Boss", "Jane Doe", "Stranger", "me@example.net"]
    assert sorted((c["name"], c["email"]) for c in report.summary()["new_contacts"]) == [
        ("Boss", "boss@example.com"), ("Jane Doe", "JANE@Example.com"),
        ("Stranger", "stranger@example.org"), ("me@example.net", "me@example.net")]
    assert report.summary()["duplicates"] == []  # nobody was there before


def test_created_attendees_that_look_like_a_contact_are_named(rolodex, tmp_path):
    """Through the CLI: each added contact is listed, a likely duplicate is named."""
    assert rolodex(["add", "Jane Doe", "-e", "jane@work.example"]).exit_code == 0
    path = tmp_path / "invite.ics"
    path.write_bytes(ics(*vevent("DTSTART:20260302T090000Z",
                                 'ATTENDEE;CN="Jane Doe":mailto:jane@home.example',
                                 "ATTENDEE;CN=Zed Stone:mailto:zed@stone.example")))
    result = rolodex(["import", str(path), "--create-contacts", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert [(c["id"], c["name"]) for c in summary["new_contacts"]] == [(2, "Jane Doe"),
                                                                         (3, "Zed Stone")]
    [dupe] = summary["duplicates"]
    assert (dupe["id"], dupe["duplicate_id"], dupe["duplicate_name"]) == (2, 1, "Jane Doe")
    assert "added contact #3 Zed Stone <zed@stone.example>" in result.stderr
    assert "Jane Doe: new #2 looks like #1 Jane Doe" in result.stderr
    assert "2 new contact(s)" in result.stderr
    dry = rolodex(["import", str(path), "--create-contacts", "--dry-run", "-f", "json"])
    assert dry.json()["new_contacts"] == []  # all known now


# Tasks

def test_vtodo_fields(db):
    jane = contacts.add_contact(db, "Jane Doe", details=[Email("jane@example.com")])
    report = run(db, ics(
        "BEGIN:VTODO", "UID:t1", "SUMMARY:File taxes", "DUE;VALUE=DATE:20260415",
        "PRIORITY:2", "CATEGORIES:admin,money", "DESCRIPTION:Before the deadline",
        "ATTENDEE;CN=Jane:mailto:jane@example.com", "RRULE:FREQ=YEARLY",
        "PERCENT-COMPLETE:10", "END:VTODO",
        "BEGIN:VTODO", "UID:t2", "SUMMARY:Done one", "STATUS:COMPLETED",
        "COMPLETED:20260301T120000Z", "PRIORITY:9", "DTSTART:20260228T100000Z", "END:VTODO",
        "BEGIN:VTODO", "UID:t3", "SUMMARY:Dropped", "STATUS:CANCELLED", "PRIORITY:5",
        "END:VTODO",
        "BEGIN:VTODO", "UID:t4", "END:VTODO"))
    assert report.failed == [] and counts(report) == (0, 0, 0, 4, 0, 0)
    first, done, dropped, bare = all_tasks(db)
    assert (first["title"], first["due"], first["priority"], first["status"], first["kind"],
            first["rrule"], first["categories"], first["notes"]) == (
        "File taxes", "2026-04-15", "high", "open", "todo", "FREQ=YEARLY", ["admin", "money"],
        "Before the deadline")
    assert [c["id"] for c in first["contacts"]] == [jane]
    assert (done["status"], done["completed"], done["priority"], done["due"]) == (
        "done", "2026-03-01T12:00:00Z", "low", "2026-02-28T10:00:00Z")
    assert (dropped["status"], dropped["priority"]) == ("cancelled", "normal")
    assert (bare["title"], bare["due"], bare["priority"]) == ("(no title)", None, "normal")
    raw = db.execute("SELECT raw FROM tasks WHERE uid = 't1'").fetchone()[0]
    assert raw == "PERCENT-COMPLETE:10"


# Identity, transactions, problems

def test_reimport_is_unchanged_then_updates_in_place(db):
    data = ics(*MASTER, *MOVED, "BEGIN:VTODO", "UID:t", "SUMMARY:Call", "END:VTODO")
    assert counts(run(db, data)) == (1, 0, 0, 1, 0, 0)
    assert counts(run(db, data)) == (0, 0, 1, 0, 0, 1)
    changed = ics(*[line.replace("Room 1", "Room 9") for line in MASTER], *vevent(
        "RECURRENCE-ID:20260305T090000Z", "DTSTART:20260305T070000Z",
        "DTEND:20260305T080000Z", uid="series"),
        "BEGIN:VTODO", "UID:t", "SUMMARY:Call back", "END:VTODO")
    assert counts(run(db, changed)) == (0, 1, 0, 0, 1, 0)
    event = one_event(db)
    assert event["location"] == "Room 9"
    assert [e["original"] for e in event["exceptions"]] == ["2026-03-05T09:00:00Z"]
    assert [t["title"] for t in all_tasks(db)] == ["Call back"]


def test_a_uid_seen_twice_the_later_one_wins(db):
    report = run(db, ics(*vevent("DTSTART:20260302T090000Z", summary="Old"),
                         *vevent("DTSTART:20260303T090000Z", summary="New")))
    assert counts(report) == (1, 0, 0, 0, 0, 0)
    assert one_event(db)["title"] == "New"


def test_items_without_uid_get_the_same_uid_every_time(db):
    data = ics("BEGIN:VEVENT", "SUMMARY:No id", "DTSTART:20260302T090000Z", "END:VEVENT")
    run(db, data)
    assert counts(run(db, data)) == (0, 0, 1, 0, 0, 0)


def test_dry_run_writes_nothing_and_counts_exactly(db):
    data = ics(*MASTER, *MOVED, "BEGIN:VTODO", "UID:t", "SUMMARY:Call", "END:VTODO")
    before = db.execute("SELECT count(*) FROM operations").fetchone()[0]
    dry = run(db, data, dry_run=True, create_contacts=True)
    assert dry.dry_run and counts(dry) == (1, 0, 0, 1, 0, 0)
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM operations").fetchone()[0] == before
    assert counts(run(db, data)) == counts(dry)


BAD_THEN_GOOD = ics(*vevent("DTSTART:20260302T100000Z", "DTEND:20260302T090000Z", uid="bad"),
                    *vevent("DTSTART:20260302T090000Z", uid="good"))


def test_a_bad_component_is_skipped_and_listed(db):
    report = run(db, BAD_THEN_GOOD, name="cal.ics")
    assert [(p.source, p.index, p.line) for p in report.failed] == [("cal.ics", 1, 4)]
    assert "end after it starts" in report.failed[0].reason
    assert one_event(db)["uid"] == "good"
    assert report.summary()["failed"] == 1


def test_strict_aborts_and_writes_nothing(db):
    with pytest.raises(FileError, match=r"cal\.ics: component 1, line 4") as caught:
        run(db, BAD_THEN_GOOD, name="cal.ics", strict=True)
    assert caught.value.exit_code == 8
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_a_damaged_line_costs_only_its_component(db):
    """icalendar refuses the whole file; each component is then read on its own."""
    report = run(db, ics(*vevent("DTSTART:20260302T090000Z", uid="a"),
                         *vevent("DTSTART:2026030", "X-BROKEN;;:", uid="b"),
                         *vevent("DTSTART:20260304T090000Z", uid="c")))
    assert sorted(e["uid"] for e in all_events(db)) == ["a", "c"]
    assert [p.index for p in report.failed] == [2]


def test_a_file_icalendar_cannot_read_is_a_problem_or_strict_error(db):
    data = b"BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n"
    report = run(db, data, name="junk.ics")
    assert [(p.source, p.index) for p in report.failed] == [("junk.ics", 0)]
    with pytest.raises(FileError, match=r"junk\.ics: component 0"):
        run(db, data, name="junk.ics", strict=True)


def test_a_component_never_closed_is_listed_and_the_rest_imported(db):
    data = ics(*vevent("DTSTART:20260302T090000Z", uid="a")[:-1],
               *vevent("DTSTART:20260303T090000Z", uid="b"))
    report = run(db, data)
    assert [(p.index, p.line, p.reason) for p in report.failed] == [
        (1, 4, "cannot read it: BEGIN:VEVENT is never closed")]
    assert one_event(db)["uid"] == "b"


def test_bare_components_and_several_calendars(db):
    bare = "\r\n".join([*vevent("DTSTART:20260302T090000Z", uid="a"),
                        "BEGIN:VTODO", "UID:t", "SUMMARY:Bare", "END:VTODO"]).encode()
    two = ics(*vevent("DTSTART:20260303T090000Z", uid="b")) + ics(
        *vevent("DTSTART:20260304T090000Z", uid="c"))
    report = import_calendar(db, [("bare.ics", bare), ("two.ics", two)])
    assert report.failed == [] and counts(report) == (3, 0, 0, 1, 0, 0)


def test_without_dtstart_and_itip_replies_are_skipped_not_failed(db):
    report = run(db, ics(*vevent(uid="no-start")) + ics(
        *vevent("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@example.com", uid="r"),
        head=("METHOD:REPLY",)), strict=True)
    assert report.failed == [] and len(report.skipped) == 2
    assert counts(report) == (0, 0, 0, 0, 0, 0)


def test_an_itip_cancel_cancels_what_was_imported_before(db):
    run(db, ics(*MASTER))
    report = run(db, ics(*vevent(uid="series"), *vevent(
        "RECURRENCE-ID:20260303T090000Z", uid="series"), head=("METHOD:CANCEL",)))
    assert counts(report) == (0, 1, 0, 0, 0, 0)
    event = one_event(db)
    assert event["status"] == "cancelled"
    assert event["exceptions"][0]["original"] == "2026-03-03T09:00:00Z"


def test_status_categories_notes_and_missing_summary(db):
    run(db, ics(*vevent("DTSTART:20260302T090000Z", "STATUS:TENTATIVE",
                        "CATEGORIES:work,Project X", "DESCRIPTION:Line one\\nLine two",
                        summary=None)))
    event = one_event(db)
    assert (event["title"], event["status"], event["categories"], event["notes"]) == (
        "(no title)", "tentative", ["work", "Project X"], "Line one\nLine two")


def test_text_that_is_not_utf8_is_refused_with_a_hint(db):
    data = ics(*vevent("DTSTART:20260302T090000Z", summary="Café")).replace(
        "Café".encode(), "Café".encode("cp1252"))
    with pytest.raises(FileError, match=r"latin\.ics: line 7: not UTF-8") as caught:
        run(db, data, name="latin.ics")
    assert "cp1252" in (caught.value.hint or "")
    run(db, data, encoding="cp1252")
    assert one_event(db)["title"] == "Café"


def test_boms_are_honoured(db):
    text = ics(*vevent("DTSTART:20260302T090000Z", summary="Grüße")).decode()
    import_calendar(db, [("a.ics", b"\xef\xbb\xbf" + text.encode()),
                         ("b.ics", text.replace("e1", "e2").encode("utf-16"))])
    assert [e["title"] for e in all_events(db)] == ["Grüße", "Grüße"]


# Real files from other projects

CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"
if (CORPUS / "MANIFEST.tsv").exists():
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        ROWS = [r for r in csv.DictReader(handle, delimiter="\t")
                if r["file"].startswith("ical/") and r["file"].endswith(".ics")]
else:
    ROWS = []
# Skipped where the corpus is absent, except on CI, where its absence is a failure.
needs_corpus = pytest.mark.skipif(not ROWS and not os.environ.get("CI"),
                                  reason="the shared corpus is not beside this checkout")


def corpus_bytes(row: dict) -> bytes:
    data = (CORPUS / row["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == row["sha256"], row["file"]
    return data


@pytest.mark.slow
@needs_corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_corpus_file_imports_or_fails_cleanly_in_time(db, row):
    data = corpus_bytes(row)
    began = time.monotonic()
    try:
        report = import_calendar(db, [(row["file"], data)])
    except FileError as error:
        assert row["expected_valid"] != "yes", error.message
        report = None
    assert time.monotonic() - began < 5, "took too long"
    if report is not None and row["expected_valid"] == "yes":
        assert report.failed == [], report.failed


@pytest.mark.slow
@needs_corpus
def test_corpus_reimport_changes_nothing(db):
    """The whole valid corpus at once, twice: the second time, everything is unchanged."""
    sources = [(r["file"], corpus_bytes(r)) for r in ROWS if r["expected_valid"] == "yes"]
    first = import_calendar(db, sources)
    again = import_calendar(db, sources)
    assert first.events_new > 200 and first.tasks_new > 20
    assert counts(again)[:2] == (0, 0) and counts(again)[3:5] == (0, 0)
    assert again.events_unchanged + again.tasks_unchanged == \
        first.events_new + first.tasks_new


def test_a_non_gregorian_rule_is_kept_as_written(db):
    """RFC 7529 RSCALE: rolodex cannot expand it, so the event keeps its first occurrence
    and the rule travels in raw, back out to calendar apps that can."""
    run(db, ics(*vevent("DTSTART;VALUE=DATE:20130210", "DTEND;VALUE=DATE:20130211",
                        "RRULE:RSCALE=CHINESE;FREQ=YEARLY")))
    event = one_event(db)
    assert event["rrule"] is None
    assert "RRULE:RSCALE=CHINESE;FREQ=YEARLY" in event["raw"]


def test_not_utf8_calendar_through_the_cli_names_the_encoding_option(rolodex, tmp_path):
    path = tmp_path / "latin.ics"
    path.write_bytes(ics(*vevent("DTSTART;VALUE=DATE:20261201", summary="Geburtstag Müller"))
                     .decode().encode("cp1252"))
    result = rolodex(["import", str(path)])
    assert result.exit_code == 8
    assert "not UTF-8 text" in result.stderr and "--encoding cp1252" in result.stderr
    assert rolodex(["import", str(path), "--encoding", "cp1252"]).exit_code == 0
    assert rolodex("event list --from 2026-12-01 --to 2026-12-01 -f json").json()[0][
        "title"] == "Geburtstag Müller"
