"""Interaction history as iCalendar journal entries (VJOURNAL, #15): exported with
``export --what history``, imported back unchanged, read from other programs without
losing what rolodex does not model, merged like events, and found by another rolodex
through the card UIDs written on each attendee."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "ical"


def entries(rolodex, db: Path | None = None) -> list[dict]:
    """Every history entry as JSON, ids and creation aside, oldest first."""
    args = ["--db", str(db)] if db else []
    result = rolodex([*args, "history", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    out = []
    for entry in reversed(result.json()):
        entry = {k: v for k, v in entry.items() if k not in ("id", "company_id", "task_id")}
        entry["contacts"] = sorted(c["name"] for c in entry["contacts"])
        out.append(entry)
    return out


@pytest.fixture
def logged(rolodex, tmp_path):
    """A rolodex with a call (duration, direction, outcome, two lines of text), a meeting
    with a person who has no email and a company note; and its cards, to give a teammate."""
    for args in (["add", "Jane Doe", "-e", "jane@acme.example", "-c", "Acme Ltd"],
                 ["add", "Bob Roe"],
                 ["log", "jane", "call", "talked pricing\nthey want a quote", "--duration",
                  "30m", "--direction", "out", "--outcome", "sent quote", "--at",
                  "2026-11-02 10:00"],
                 ["log", "Bob Roe", "meeting", "lunch", "--at", "2026-11-03 12:30"],
                 ["log", "jane", "note", "", "-c", "Acme Ltd", "--at", "2026-11-04 09:00"]):
        result = rolodex(args)
        assert result.exit_code == 0, result.stderr
    cards = tmp_path / "cards.vcf"
    assert rolodex(["export", "-o", str(cards)]).exit_code == 0
    return cards


def test_history_goes_out_as_journal_entries_and_comes_back_unchanged(rolodex, logged,
                                                                       tmp_path):
    out = tmp_path / "history.ics"
    result = rolodex(["export", "-f", "ical", "--what", "history", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert text.count("BEGIN:VJOURNAL") == 3
    assert "SUMMARY:Call: talked pricing" in text
    assert "X-ROLODEX-DURATION:PT30M" in text and "X-ROLODEX-DIRECTION:out" in text
    again = rolodex(["import", str(out), "--format", "json"])
    assert again.exit_code == 0, again.stderr
    assert again.json()["history"] == {"new": 0, "updated": 0, "unchanged": 3}


def test_a_teammate_gets_the_same_history_with_the_same_people(rolodex, logged, tmp_path):
    """Bob has no address: his card's UID on the ATTENDEE finds him."""
    out = tmp_path / "history.ics"
    assert rolodex(["export", "-f", "ical", "--what", "history", "-o", str(out)]).exit_code == 0
    other = tmp_path / "teammate.db"
    for args in (["import", str(logged)], ["import", str(out)]):
        result = rolodex(["--db", str(other), *args])
        assert result.exit_code == 0, result.stderr
    mine, theirs = entries(rolodex), entries(rolodex, other)
    assert theirs == mine
    assert [e["contacts"] for e in theirs] == [["Jane Doe"], ["Bob Roe"], ["Jane Doe"]]
    assert theirs[2]["company"] == "Acme Ltd"


def test_a_foreign_entry_keeps_what_rolodex_does_not_model(rolodex, tmp_path):
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example"])
    result = rolodex(["import", str(FIXTURES / "journal-foreign-entry.ics"),
                      "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert result.json()["history"]["new"] == 1
    [entry] = entries(rolodex)
    assert entry["kind"] == "meeting"
    assert entry["text"] == "Went through the renewal.\nThey want a discount."
    assert entry["contacts"] == ["Jane Doe"]
    out = tmp_path / "out.ics"
    assert rolodex(["export", "-f", "ical", "--what", "history", "-o", str(out)]).exit_code == 0
    text = out.read_text().replace("\r\n ", "")
    for line in ("SUMMARY:Quarterly review with Acme", "CATEGORIES:meeting,renewals",
                 "X-APP-COLOUR:teal", "CLASS:PRIVATE",
                 "mailto:someone@elsewhere.example"):
        assert line in text
    assert text.count("SUMMARY:") == 1 and text.count("CATEGORIES:") == 1
    again = rolodex(["import", str(out), "--format", "json"])
    assert again.json()["history"] == {"new": 0, "updated": 0, "unchanged": 1}


def test_an_entry_about_no_one_known_is_skipped_and_said(rolodex):
    result = rolodex(["import", str(FIXTURES / "journal-about-no-one.ics"),
                      "--format", "json"])
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["history"]["new"] == 0 and summary["skipped"] == 1
    assert "about no one rolodex knows" in summary["problems"][0]["reason"]
    assert entries(rolodex) == []


def test_a_day_without_a_time_is_that_day_in_the_calendars_zone(rolodex):
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example"])
    result = rolodex(["import", str(FIXTURES / "journal-date-only.ics")])
    assert result.exit_code == 0, result.stderr
    [entry] = entries(rolodex)
    assert entry["kind"] == "call"
    assert entry["at"] == "2026-10-30T23:00:00Z"  # 31 October, midnight in Paris


def test_an_entry_changed_in_the_file_comes_in_unless_skipped(rolodex, tmp_path):
    """History is written once here (no command edits an entry): what the calendar
    changes since the last import comes in; ``--on-match skip`` leaves it."""
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example"])
    source = (FIXTURES / "journal-date-only.ics").read_text()
    assert rolodex(["import", str(FIXTURES / "journal-date-only.ics")]).exit_code == 0
    changed = tmp_path / "changed.ics"
    changed.write_text(source.replace("Rang about the invoice.", "Rang twice about it."))
    skipped = rolodex(["import", str(changed), "--on-match", "skip", "--format", "json"])
    assert skipped.json()["skipped"] == 1
    assert entries(rolodex)[0]["text"] == "Rang about the invoice."
    result = rolodex(["import", str(changed), "--format", "json"])
    assert result.json()["history"]["updated"] == 1
    assert entries(rolodex)[0]["text"] == "Rang twice about it."


def test_a_mail_two_teammates_logged_keeps_one_message_id(rolodex, tmp_path):
    """The Message-ID column is unique: the second entry of the same mail keeps its
    line as it came instead of failing."""
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example"])
    first = FIXTURES / "journal-mail-logged.ics"
    second = tmp_path / "second.ics"
    second.write_text(first.read_text().replace("journal-mail-1@", "journal-mail-2@"))
    for path in (first, second):
        result = rolodex(["import", str(path), "--format", "json"])
        assert result.json()["history"]["new"] == 1, result.stdout
    out = tmp_path / "out.ics"
    assert rolodex(["export", "-f", "ical", "--what", "history", "-o", str(out)]).exit_code == 0
    assert out.read_text().count("X-ROLODEX-MESSAGE-ID:<proposal-42@acme.example>") == 2


def test_forgetting_a_person_scrubs_the_lines_kept_of_them(rolodex, tmp_path):
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example"])
    rolodex(["add", "Someone Else", "-e", "boss@acme.example"])
    assert rolodex(["import", str(FIXTURES / "journal-foreign-entry.ics")]).exit_code == 0
    # Someone Else (someone@elsewhere.example) is no contact: the attendee line is kept raw
    rolodex(["edit", "Someone Else", "--add-email", "someone@elsewhere.example"])
    result = rolodex(["privacy", "forget", "Someone Else", "--yes"])
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "out.ics"
    assert rolodex(["export", "-f", "ical", "--what", "history", "-o", str(out)]).exit_code == 0
    assert "someone@elsewhere.example" not in out.read_text()
