"""iCalendar import that never loses or duplicates (#14): rules rolodex used to refuse,
floating times, rules that never happen, monthly series on short months, and round trips
of rolodex's own export. One fixture per case under tests/fixtures/ical/."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "ical"


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
    rolodex("event skip 2 2026-11-30")
    rolodex(["event", "move", "2", "2026-12-07", "2026-12-08 10:00"])
    rolodex(["task", "add", "Send proposal", "--for", "jane", "--due", "2026-11-25 15:00"])
    rolodex(["task", "add", "Done thing", "--due", "2026-11-10"])
    rolodex("task done 4")
    return rolodex


@pytest.mark.parametrize("target", ["cal/", "cal.ics"])
def test_export_then_dry_run_import_reports_everything_unchanged(crm, tmp_path, target):
    out = str(tmp_path / target)
    assert crm(["export", "--format", "ical", "-o", out]).exit_code == 0
    result = crm(["import", out.rstrip("/"), "--dry-run", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    events = crm("event list --from 2020-01-01 --to 2030-01-01 -f json").json()
    assert summary["events"] == {"new": 0, "updated": 0, "unchanged": 5}, summary
    assert summary["tasks"] == {"new": 0, "updated": 0, "unchanged": 4}, summary
    assert summary["failed"] == 0 and len(events) > 5


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
