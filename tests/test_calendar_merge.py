"""A calendar imported again merges into the events and tasks rolodex has: what the
calendar changed comes in, what was changed in rolodex stays, a clash is reported.

Inputs: tests/fixtures/ical/merge-meeting-*.ics (one event and one task, v1; v2 moves the
meeting; v3 renames it).
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "ical"


def ics(name: str) -> str:
    return str(FIXTURES / f"merge-meeting-{name}.ics")


def event(rolodex) -> dict:
    return rolodex("event show 1 --format json").json()


def task(rolodex) -> dict:
    return rolodex("task show 1 --format json").json()


def imported(rolodex, *argv: str) -> dict:
    result = rolodex(["import", *argv, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_a_moved_meeting_moves_and_a_title_typed_here_stays(rolodex):
    imported(rolodex, ics("v1"))
    assert rolodex(["event", "edit", "1", "--title", "Review with Acme"]).exit_code == 0
    summary = imported(rolodex, ics("v2-moved"))
    assert summary["events"]["updated"] == 1 and summary["conflicts"] == []
    meeting = event(rolodex)
    assert meeting["title"] == "Review with Acme"
    assert meeting["start"] == "2026-12-11T14:00:00Z"


def test_both_sides_renamed_is_a_conflict_and_rolodex_keeps_its_own(rolodex):
    imported(rolodex, ics("v1"))
    assert rolodex(["event", "edit", "1", "--title", "Review with Acme"]).exit_code == 0
    result = rolodex(["import", ics("v3-renamed")])
    assert result.exit_code == 0, result.stderr
    assert event(rolodex)["title"] == "Review with Acme"
    assert "conflict" in result.stderr and "'Q4 review'" in result.stderr
    summary = imported(rolodex, ics("v3-renamed"), "--dry-run")
    [conflict] = summary["conflicts"]
    assert (conflict["kind"], conflict["field"], conflict["local"], conflict["value"]) == (
        "event", "title", "Review with Acme", "Q4 review")


def test_a_task_finished_here_is_not_reopened_by_the_old_file(rolodex):
    imported(rolodex, ics("v1"))
    assert rolodex(["task", "done", "1"]).exit_code == 0
    summary = imported(rolodex, ics("v1"))
    assert summary["tasks"] == {"new": 0, "updated": 0, "unchanged": 1}
    assert task(rolodex)["status"] == "done"


def test_replace_takes_the_file_and_skip_leaves_it_alone(rolodex):
    imported(rolodex, ics("v1"))
    assert rolodex(["event", "edit", "1", "--title", "Review with Acme"]).exit_code == 0
    assert rolodex(["task", "done", "1"]).exit_code == 0
    skipped = imported(rolodex, ics("v3-renamed"), "--on-match", "skip")
    assert skipped["skipped"] == 2
    assert event(rolodex)["title"] == "Review with Acme"
    imported(rolodex, ics("v3-renamed"), "--on-match", "replace")
    assert event(rolodex)["title"] == "Q4 review"
    assert task(rolodex)["status"] == "open"


def test_an_item_rolodex_made_meets_a_file_as_a_conflict(rolodex, tmp_path):
    """No import ever set it: rolodex's values are the user's."""
    assert rolodex(["event", "add", "Quarterly review", "--at", "2026-12-10 10:00"]
                   ).exit_code == 0
    out = tmp_path / "cal.ics"
    assert rolodex(["export", "--format", "ical", "--what", "events", "-o", str(out)]
                   ).exit_code == 0
    text = out.read_text().replace("SUMMARY:Quarterly review", "SUMMARY:Renamed elsewhere")
    out.write_text(text)
    summary = imported(rolodex, str(out))
    assert [c["field"] for c in summary["conflicts"]] == ["title"]
    assert event(rolodex)["title"] == "Quarterly review"
