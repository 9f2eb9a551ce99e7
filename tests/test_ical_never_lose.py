"""iCalendar import that never loses or duplicates (#14): rules rolodex used to refuse,
floating times, rules that never happen, monthly series on short months, and round trips
of rolodex's own export. One fixture per case under tests/fixtures/ical/."""

from __future__ import annotations

import csv
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from rolodex.store.opening import open_db
from rolodex.sync.calendar_apply import import_calendar
from rolodex.sync.calendar_export import write_calendar

FIXTURES = Path(__file__).parent / "fixtures" / "ical"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def corpus_rows() -> list[dict]:
    """The corpus's valid .ics files; none when it is absent (CI must have it)."""
    if not (CORPUS / "MANIFEST.tsv").exists():
        assert not os.environ.get("CI"), f"CI needs the shared corpus at {CORPUS}"
        return []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle, delimiter="\t")
                if r["file"].startswith("ical/") and r["file"].endswith(".ics")
                and r["expected_valid"] == "yes"]


VALID = corpus_rows()


def fixture(name: str) -> str:
    return str(FIXTURES / name)


# Round trips create nothing new

@pytest.fixture
def crm(rolodex):
    """A database with what a user makes: contacts with birthdays, an anniversary and
    follow-up cadences, a calendar imported from elsewhere, events and tasks of its own."""
    rolodex("config set my.emails me@example.org")
    rolodex('contact add "Jane Doe" -e jane@acme.example -b 1985-04-15 --anniversary --06-01'
            " --every 30d")
    rolodex('contact add "John Roe" -e john@acme.example -b --02-29 --every 2w')
    assert rolodex(["import", fixture("roundtrip-own-items.ics")]).exit_code == 0
    rolodex(["event", "add", "Dinner", "--at", "2026-11-27 19:00", "--with", "jane",
             "--with", "john", "--remind", "1h", "--remind", "1d", "--category", "food"])
    rolodex(["event", "add", "Team sync", "--at", "2026-11-23 16:15", "--repeat", "weekly"])
    assert rolodex("event skip 5 2026-11-30").exit_code == 0
    assert rolodex(["event", "move", "5", "2026-12-07", "2026-12-08 10:00"]).exit_code == 0
    rolodex(["task", "add", "Send proposal", "--for", "jane", "--due", "2026-11-25 15:00"])
    rolodex(["task", "add", "Done thing", "--due", "2026-11-10"])
    rolodex("task done 4")
    rolodex(["event", "add", "NY call", "--at", "2026-11-25 10:00", "--tz", "America/New_York",
             "--repeat", "every 2 weeks", "--where", "Zoom", "--note", "Bring numbers"])
    rolodex(["event", "add", "Trip", "--at", "2026-12-10", "--all-day", "--for", "3d",
             "--repeat", "yearly"])
    assert rolodex("event skip 7 2027-12-10").exit_code == 0
    rolodex(["task", "add", "Weekly call", "--due", "2026-11-21 08:00", "--repeat", "weekly",
             "--kind", "call", "--priority", "low"])
    assert rolodex("task done 5").exit_code == 0  # task 6 carries the series on
    rolodex(["task", "add", "Cancel me", "--due", "2026-11-30"])
    assert rolodex("task cancel 7").exit_code == 0
    return rolodex


@pytest.mark.parametrize("target", ["cal/", "cal.ics"])
def test_export_then_dry_run_import_reports_everything_unchanged(crm, tmp_path, target):
    out = str(tmp_path / target)
    assert crm(["export", "--format", "ical", "-o", out]).exit_code == 0
    result = crm(["import", out.rstrip("/"), "--dry-run", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    events = crm("event list --from 2020-01-01 --to 2030-01-01 -f json").json()
    assert summary["events"] == {"new": 0, "updated": 0, "unchanged": 7}, summary
    assert summary["tasks"] == {"new": 0, "updated": 0, "unchanged": 7}, summary
    assert summary["failed"] == 0 and len(events) > 7


def test_derived_items_are_skipped_and_counted_with_a_reason(crm, tmp_path):
    out = tmp_path / "cal"
    crm(["export", "--format", "ical", "-o", f"{out}/"])
    before = crm("calendar --from 2027-04-01 --to 2027-04-30 -f json").stdout
    result = crm(["import", str(out), "-f", "json"])
    summary = result.json()
    reasons = [p["reason"] for p in summary["problems"]]
    # 3 birthdays/anniversaries and 2 follow-ups
    assert summary["skipped"] == 5 and len(reasons) == 5
    assert sum("birthday" in r for r in reasons) == 2
    assert sum("anniversary" in r for r in reasons) == 1
    assert sum("follow-up" in r for r in reasons) == 2
    assert "5 skipped" in result.stderr
    assert summary["events"]["new"] == 0 and summary["tasks"]["new"] == 0
    assert crm("calendar --from 2027-04-01 --to 2027-04-30 -f json").stdout == before


def test_a_feed_read_back_adds_nothing(crm, tmp_path):
    out = tmp_path / "feed.ics"
    assert crm(["calendar", "feed", "-o", str(out)]).exit_code == 0
    summary = crm(["import", str(out), "-f", "json"]).json()
    assert summary["events"]["new"] == summary["tasks"]["new"] == 0
    derived = out.read_text().count("X-ROLODEX-DERIVED:")
    assert summary["skipped"] == derived >= 2


def test_an_export_written_before_the_mark_is_recognised_by_its_uid(crm, tmp_path):
    """Files exported by an older rolodex have no X-ROLODEX-DERIVED: the UID
    (<contact UID>-birthday) of a contact in the database still tells."""
    out = tmp_path / "old.ics"
    crm(["export", "--format", "ical", "-o", str(out), "--what", "birthdays,followups"])
    text = "".join(line for line in out.read_text().splitlines(keepends=True)
                   if not line.startswith("X-ROLODEX-DERIVED"))
    out.write_text(text)
    summary = crm(["import", str(out), "-f", "json"]).json()
    assert summary["events"]["new"] == summary["tasks"]["new"] == 0
    assert summary["skipped"] == 5


def test_rules_with_until_in_any_form_read_back_unchanged(rolodex, tmp_path):
    """UNTIL floating, a date on a timed series, UTC on an all-day one: stored in the
    form the export writes, so the export reads back unchanged, occurrences and all."""
    assert rolodex(["import", fixture("until-forms-and-task-dtstart.ics")]).exit_code == 0
    listing = "event list --from 2026-11-01 --to 2027-12-31 -f json"
    before = rolodex(listing).json()
    out = tmp_path / "cal.ics"
    rolodex(["export", "--format", "ical", "-o", str(out), "--what", "events,tasks"])
    summary = rolodex(["import", str(out), "-f", "json"]).json()
    assert summary["events"] == {"new": 0, "updated": 0, "unchanged": 3}
    assert summary["tasks"] == {"new": 0, "updated": 0, "unchanged": 1}
    assert rolodex(listing).json() == before
    assert [e["start"][:10] for e in before if e["title"] == "Monthly review"] == [
        "2026-11-11", "2027-02-11", "2027-05-11"]


def test_a_repeating_task_keeps_its_own_dtstart_on_export(rolodex, tmp_path):
    rolodex(["import", fixture("until-forms-and-task-dtstart.ics")])
    out = tmp_path / "tasks.ics"
    rolodex(["export", "--format", "ical", "-o", str(out), "--what", "tasks"])
    todo = out.read_text().partition("BEGIN:VTODO")[2]
    assert "DTSTART:20260415T133000Z" in todo and todo.count("DTSTART") == 1


@pytest.mark.slow
@pytest.mark.skipif(not VALID, reason="the shared corpus is not beside this checkout")
@pytest.mark.parametrize("row", VALID, ids=[r["file"] for r in VALID])
def test_a_real_calendar_exported_and_read_back_is_unchanged(row, tmp_path, monkeypatch,
                                                             template_copy):
    monkeypatch.setenv("ROLODEX_TZ", "Europe/Berlin")
    db = open_db(template_copy(tmp_path / "r.db"))
    try:
        import_calendar(db, [(row["file"], (CORPUS / row["file"]).read_bytes())])
        write_calendar(db, f"{tmp_path / 'out'}/", what={"events", "tasks"}, first=None,
                       last=None, tz=ZoneInfo("Europe/Berlin"))
        files = [(p.name, p.read_bytes()) for p in sorted((tmp_path / "out").glob("*.ics"))]
        again = import_calendar(db, files, dry_run=True)
    finally:
        db.close()
    assert again.failed == []
    assert (again.events_new, again.events_updated, again.tasks_new, again.tasks_updated) \
        == (0, 0, 0, 0)


# Rules rolodex refused: HOURLY, MINUTELY, SECONDLY

def day_of(rolodex, day: str, title: str) -> list[str]:
    listing = rolodex(["event", "list", "--from", day, "--to", day, "-f", "json"])
    assert listing.exit_code == 0, listing.stderr
    return [e["start"] for e in listing.json() if e["title"] == title]


def test_an_hourly_rule_imports_and_repeats(rolodex):
    result = rolodex(["import", fixture("rrule-hourly-every-2-hours-5-times.ics")])
    assert result.exit_code == 0 and "1 new" in result.stderr and " 0 failed" in result.stderr
    assert day_of(rolodex, "2026-11-23", "Check the oven") == [
        "2026-11-23T08:00:00Z", "2026-11-23T10:00:00Z", "2026-11-23T12:00:00Z",
        "2026-11-23T14:00:00Z", "2026-11-23T16:00:00Z"]
    shown = rolodex("event show 1 -f json").json()
    assert shown["rrule"] == "FREQ=HOURLY;INTERVAL=2;COUNT=5"


def test_a_minutely_rule_with_hours_and_days(rolodex):
    assert rolodex(["import", fixture("rrule-minutely-slots-by-hour-and-day.ics")]).exit_code == 0
    friday = day_of(rolodex, "2026-11-27", "Office hours slot")
    assert friday == [f"2026-11-27T{h:02}:{m:02}:00Z" for h in (8, 9) for m in (0, 15, 30, 45)]
    assert day_of(rolodex, "2026-11-26", "Office hours slot") == []  # a Thursday


@pytest.mark.slow
def test_a_secondly_rule_from_1601_stays_bounded_everywhere(rolodex, tmp_path):
    """Every second since 1601 (and a COUNT of a million, and minutes that happen on a
    Monday 29 February only): every command that expands a series answers quickly, and
    shows at most MAX_OCCURRENCES of one series at a time."""
    from rolodex.recurrence import MAX_OCCURRENCES

    began = time.monotonic()
    assert rolodex(["import", fixture("rrule-secondly-since-1601.ics")]).exit_code == 0
    ticks = day_of(rolodex, "2026-11-23", "Tick")
    assert len(ticks) == MAX_OCCURRENCES and ticks[:2] == [
        "2026-11-22T23:00:00Z", "2026-11-22T23:00:01Z"]
    assert day_of(rolodex, "2026-11-23", "Counted tick") == []  # over in 11 days of 1601
    assert day_of(rolodex, "2027-02-01", "Counted February tick") == []  # over in 1601
    assert day_of(rolodex, "2028-02-28", "February minutes") == []
    for command in (["agenda", "--days", "30", "-f", "json"], ["calendar", "--month", "-f", "json"],
                    ["export", "--format", "ical", "-o", str(tmp_path / "all.ics")],
                    ["export", "--format", "ical", "-o", str(tmp_path / "window.ics"),
                     "--from", "2026-11-01", "--to", "2026-12-31"],
                    ["calendar", "feed", "-o", str(tmp_path / "feed.ics")]):
        assert rolodex(command).exit_code == 0, command
    assert "RRULE:FREQ=SECONDLY\r\n" in (tmp_path / "all.ics").read_bytes().decode()
    assert "secondly-1601@example.org" in (tmp_path / "window.ics").read_text()
    assert time.monotonic() - began < 60


# A rule with zero occurrences

@pytest.mark.parametrize(("name", "why", "day"), [
    ("rrule-until-before-dtstart.ics", "its UNTIL is before its DTSTART", "2026-11-24"),
    ("rrule-february-30th-never-happens.ics", "that day of the month never happens",
     "2026-11-25"),
])
def test_a_rule_that_never_happens_is_reported_and_kept_as_a_one_off(rolodex, tmp_path, name,
                                                                     why, day):
    result = rolodex(["import", fixture(name), "-f", "json"])
    assert result.exit_code == 0
    summary = result.json()
    assert summary["events"]["new"] == 1 and summary["failed"] == 0
    (warning,) = summary["warnings"]
    assert why in warning["reason"] and "never happens" in warning["reason"]
    assert "warning" in result.stderr and why in result.stderr
    listing = rolodex(["event", "list", "--from", day, "--to", day, "-f", "json"]).json()
    assert len(listing) == 1 and listing[0]["rrule"] is None
    out = tmp_path / "out.ics"
    rolodex(["export", "--format", "ical", "-o", str(out), "--what", "events"])
    def parts(text: str) -> set[str]:
        return set(text.split("RRULE:")[1].split()[0].split(";"))

    assert parts(out.read_text()) == parts((FIXTURES / name).read_text())  # kept for apps
    again = rolodex(["import", str(out), "-f", "json"]).json()
    assert again["events"] == {"new": 0, "updated": 0, "unchanged": 1}


def test_a_count_its_exdates_cancel_is_reported(rolodex):
    summary = rolodex(["import", fixture("rrule-count-all-cancelled-by-exdate.ics"),
                       "-f", "json"]).json()
    assert summary["events"]["new"] == 1
    assert "EXDATE cancels every occurrence" in summary["warnings"][0]["reason"]
    assert rolodex("event list --from 2026-11-24 --to 2026-11-26 -f json").json() == []


# Monthly on the 31st (and 29th, 30th; yearly on 29 February)

@pytest.mark.parametrize(("at", "repeat", "offered"), [
    ("2027-01-31", "monthly", "--repeat monthly-last"),
    ("2027-01-30 10:00", "monthly", "BYMONTHDAY=28,29,30;BYSETPOS=-1"),
    ("2027-01-29", "FREQ=MONTHLY", "BYMONTHDAY=28,29;BYSETPOS=-1"),
    ("2027-01-15", "monthly on day 31", "--repeat monthly-last"),
    ("2028-02-29", "yearly", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"),
])
def test_a_series_that_skips_short_months_warns_and_offers_the_last_day(rolodex, at, repeat,
                                                                        offered):
    result = rolodex(["event", "add", "Rent", "--at", at, "--repeat", repeat])
    assert result.exit_code == 0 and result.stdout == "1\n"
    assert "warning: " in result.stderr and offered in result.stderr


def test_a_series_that_misses_no_month_adds_without_a_warning(rolodex):
    """The spelling the warning offers, and series that miss no month, add quietly."""
    for at, repeat in [("2027-01-31", "monthly-last"), ("2027-01-28", "monthly"),
                       ("2027-01-30", "every 3 months"), ("2027-01-31", "weekly"),
                       ("2027-01-31", "FREQ=MONTHLY;BYMONTHDAY=15,31")]:
        result = rolodex(["event", "add", "Rent", "--at", at, "--repeat", repeat])
        assert result.exit_code == 0 and "warning" not in result.stderr, (at, repeat)


def test_monthly_last_is_the_last_day_of_every_month(rolodex):
    rolodex(["event", "add", "Rent", "--at", "2027-01-31", "--repeat", "monthly-last"])
    days = [e["start"] for e in rolodex(
        "event list --from 2027-01-01 --to 2027-04-30 -f json").json()]
    assert days == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]
    assert rolodex("event show 1 -f json").json()["rrule"] == "FREQ=MONTHLY;BYMONTHDAY=-1"


def test_task_add_and_event_edit_warn_too(rolodex):
    result = rolodex(["task", "add", "Invoice", "--due", "2027-01-31", "--repeat", "monthly"])
    assert "--repeat monthly-last" in result.stderr
    rolodex(["event", "add", "Rent", "--at", "2027-01-31"])
    result = rolodex(["event", "edit", "1", "--repeat", "monthly"])
    assert result.exit_code == 0 and "--repeat monthly-last" in result.stderr


# Floating times stay floating

def starts(rolodex, first: str, last: str) -> list[tuple[str, str]]:
    listing = rolodex(["event", "list", "--from", first, "--to", last, "-f", "json"])
    return [(e["title"], e["start"]) for e in listing.json()]


def test_a_floating_time_is_the_same_wall_time_in_any_zone(rolodex, monkeypatch):
    assert rolodex(["import", fixture("floating-dtstart-no-zone.ics")]).exit_code == 0
    assert rolodex("event show 1 -f json").json()["start"] == "2014-11-08T05:30:00"
    assert starts(rolodex, "2014-11-08", "2014-11-08") == [("Morning run",
                                                            "2014-11-08T04:30:00Z")]
    assert "2014-11-08 05:30" in rolodex("event list --from 2014-11-08 --to 2014-11-08").stdout
    monkeypatch.setenv("ROLODEX_TZ", "America/New_York")
    assert starts(rolodex, "2014-11-08", "2014-11-08") == [("Morning run",
                                                            "2014-11-08T10:30:00Z")]
    assert "2014-11-08 05:30" in rolodex("event list --from 2014-11-08 --to 2014-11-08").stdout


def test_a_floating_series_keeps_its_skips_and_moves_in_any_zone(rolodex, monkeypatch):
    rolodex(["import", fixture("floating-dtstart-no-zone.ics")])
    rolodex("event skip 2 2014-12-01")
    assert rolodex(["event", "move", "2", "2014-12-08", "2014-12-08 09:15"]).exit_code == 0
    walls = ["2014-11-10T07:00", "2014-11-24T08:30", "2014-12-08T09:15"]  # 17th, 1st: skipped
    for zone in ("Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"):
        monkeypatch.setenv("ROLODEX_TZ", zone)
        found = starts(rolodex, "2014-11-01", "2014-12-31")
        assert [s for t, s in found if t.startswith("Yoga")] == [
            datetime.fromisoformat(w).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
            .strftime("%Y-%m-%dT%H:%M:%SZ") for w in walls], zone


def test_a_floating_time_is_exported_floating_and_reads_back_unchanged(rolodex, tmp_path,
                                                                         monkeypatch):
    rolodex(["import", fixture("floating-dtstart-no-zone.ics")])
    monkeypatch.setenv("ROLODEX_TZ", "America/New_York")
    out = tmp_path / "out.ics"
    rolodex(["export", "--format", "ical", "-o", str(out), "--what", "events"])
    text = out.read_text()
    for line in ("DTSTART:20141108T053000", "DTEND:20141108T063000", "DTSTART:20141110T070000",
                 "EXDATE:20141117T070000", "RECURRENCE-ID:20141124T070000",
                 "RRULE:FREQ=WEEKLY;UNTIL=20141208T235959"):
        assert line + "\n" in text, line
    assert "TZID" not in text
    summary = rolodex(["import", str(out), "-f", "json"]).json()
    assert summary["events"] == {"new": 0, "updated": 0, "unchanged": 2}


def test_x_wr_timezone_places_a_calendars_floating_times(rolodex):
    """The decision (see sync/calendar_apply.py): a calendar that names its zone in
    X-WR-TIMEZONE means its floating times are in that zone, as Google writes them."""
    rolodex(["import", fixture("floating-with-x-wr-timezone.ics")])
    event = rolodex("event show 1 -f json").json()
    assert (event["start"], event["tz"]) == ("2014-11-08T14:30:00Z", "America/New_York")


def test_editing_a_floating_event_keeps_it_floating(rolodex, monkeypatch):
    rolodex(["import", fixture("floating-dtstart-no-zone.ics")])
    assert rolodex(["event", "edit", "1", "--for", "2h"]).exit_code == 0
    event = rolodex("event show 1 -f json").json()
    assert (event["start"], event["end"], event["tz"]) == (
        "2014-11-08T05:30:00", "2014-11-08T07:30:00", None)
    rolodex(["event", "edit", "1", "--at", "2014-11-09 06:00"])
    monkeypatch.setenv("ROLODEX_TZ", "Asia/Tokyo")
    assert "2014-11-09 06:00" in rolodex("event list --from 2014-11-09 --to 2014-11-09").stdout


def test_a_vendor_part_in_a_rule_does_not_cost_the_event(rolodex):
    """Evolution writes X-EVOLUTION-ENDDATE inside RRULE: a note, not a rule part."""
    result = rolodex(["import", fixture("rrule-with-vendor-x-part.ics"), "-f", "json"])
    assert result.json()["events"]["new"] == 1 and result.json()["failed"] == 0
    assert [s for _, s in starts(rolodex, "2026-11-01", "2026-11-30")] == [
        "2026-11-02", "2026-11-09", "2026-11-16"]


def test_a_tzid_that_is_utc_by_another_name_reads_back_unchanged(rolodex, tmp_path):
    """TZID=Etc/GMT or Etc/UTC is exported as UTC (Z): stored so, a re-import is no update."""
    rolodex(["import", fixture("tzid-utc-by-another-name.ics")])
    out = tmp_path / "out.ics"
    rolodex(["export", "--format", "ical", "-o", str(out), "--what", "events"])
    summary = rolodex(["import", str(out), "-f", "json"]).json()
    assert summary["events"] == {"new": 0, "updated": 0, "unchanged": 2}


def test_count_zero_is_a_rule_that_never_happens(rolodex):
    summary = rolodex(["import", fixture("rrule-count-zero.ics"), "-f", "json"]).json()
    assert summary["events"]["new"] == 1 and summary["failed"] == 0
    assert "COUNT=0" in summary["warnings"][0]["reason"]
    assert [t for t, _ in starts(rolodex, "2026-11-24", "2026-11-24")] == ["Launch"]


def test_a_task_whose_rule_never_happens_is_kept_and_reported(rolodex, tmp_path):
    summary = rolodex(["import", fixture("vtodo-rule-never-happens.ics"), "-f", "json"]).json()
    assert summary["tasks"]["new"] == 1 and summary["failed"] == 0
    assert "never happens" in summary["warnings"][0]["reason"]
    out = tmp_path / "out.ics"
    rolodex(["export", "--format", "ical", "-o", str(out), "--what", "tasks"])
    assert "BYMONTHDAY=30" in out.read_text()
    again = rolodex(["import", str(out), "-f", "json"]).json()
    assert again["tasks"] == {"new": 0, "updated": 0, "unchanged": 1}


def test_a_rule_with_both_count_and_until_ends_at_the_first(rolodex):
    """RFC 5545 forbids COUNT with UNTIL, some exporters write both: the event is kept,
    ending where the first of the two ends it, and the report says which was kept."""
    result = rolodex(["import", fixture("rrule-count-and-until-both.ics"), "-f", "json"])
    summary = result.json()
    assert summary["events"]["new"] == 2 and summary["failed"] == 0
    reasons = sorted(w["reason"] for w in summary["warnings"])  # DAILY, then WEEKLY
    assert "kept UNTIL" in reasons[0] and "kept COUNT" in reasons[1]
    found = [(t, s[:10]) for t, s in starts(rolodex, "2026-11-01", "2027-01-31")]
    assert [s for t, s in found if t == "Daily check-in"] == [
        "2026-11-23", "2026-11-24", "2026-11-25"]
    assert [s for t, s in found if t == "Weekly review"] == ["2026-11-23", "2026-11-30"]
