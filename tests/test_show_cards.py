"""``task show`` and ``event show`` are cards of everything the record holds (#16), not
one list row: what was only in their JSON reads on the terminal too."""

from __future__ import annotations

import pytest


@pytest.fixture
def week(rolodex, monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2026-12-07T07:00:00Z")  # a Monday
    for args in (["config", "set", "timezone", "Europe/Berlin"],
                 ["add", "Jane Doe", "-e", "jane@acme.example"],
                 ["task", "add", "Send the report", "--for", "jane", "--due",
                  "2026-12-11 16:00", "--repeat", "weekly", "--note", "the Q4 one",
                  "--owner", "sam", "--priority", "high"],
                 ["event", "add", "Weekly sync", "--at", "2026-12-07 10:00", "--repeat",
                  "weekly", "--with", "jane", "--where", "Room 1", "--remind", "15m",
                  "--category", "work", "--note", "agenda in the doc"],
                 ["event", "skip", "1", "2026-12-21"],
                 ["event", "move", "1", "2026-12-14", "2026-12-15 11:00"]):
        result = rolodex(args)
        assert result.exit_code == 0, (args, result.stderr)
    return rolodex


def test_task_show_is_a_card_of_the_whole_task(week):
    card = week(["task", "show", "1"]).stdout
    for text in ("Send the report", "2026-12-11 16:00", "high", "weekly", "Jane Doe",
                 "sam", "the Q4 one"):
        assert text in card, text


def test_event_show_is_a_card_with_its_changed_occurrences(week):
    card = week(["event", "show", "1"]).stdout
    for text in ("Weekly sync", "2026-12-07 10:00 to 2026-12-07 11:00", "Room 1",
                 "Jane Doe", "weekly", "2026-12-14 10:00 moved to 2026-12-15 11:00",
                 "2026-12-21 10:00 skipped", "15 min before", "work", "agenda in the doc"):
        assert text in card, text


def test_show_json_is_unchanged(week):
    record = week(["event", "show", "1", "--format", "json"]).json()
    assert record["alarms"] == [15] and len(record["exceptions"]) == 2
    assert week(["task", "show", "1", "--format", "json"]).json()["notes"] == "the Q4 one"


def test_moving_an_occurrence_confirms_in_local_time(week):
    result = week(["event", "move", "1", "2026-12-28", "2026-12-29 09:30"])
    assert result.stderr.strip() == "moved event #1 from 2026-12-28 to 2026-12-29 09:30"


def test_the_contact_card_is_the_crm_view_of_a_person(week):
    for args in (["cadence", "set", "customer", "45d"],
                 ["contact", "edit", "jane", "-t", "customer"],
                 ["deal", "add", "Support plan", "--contact", "jane", "--amount", "1200"]):
        assert week(args).exit_code == 0, args
    card = week(["contact", "show", "jane"]).stdout
    assert "every 45 days (tag customer)" in card  # the cadence a tag gives
    assert "#1 Support plan · lead · 1200.00" in card
    assert "2026-12-07 10:00 Weekly sync" in card and "2026-12-15 11:00 Weekly sync" in card
    assert "2026-12-21" not in card  # the skipped occurrence
    assert week(["contact", "edit", "jane", "--every", "2w"]).exit_code == 0
    [line] = [x for x in week(["contact", "show", "jane"]).stdout.splitlines()
              if "Stay in touch" in x]
    assert "every 14 days" in line and "tag" not in line  # their own wins


def test_a_moved_occurrence_shows_its_own_title_and_place(rolodex, monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("ROLODEX_NOW", "2026-12-07T07:00:00Z")
    rolodex(["config", "set", "timezone", "Europe/Berlin"])
    fixture = Path(__file__).parent / "fixtures" / "ical" / "override-with-own-summary.ics"
    assert rolodex(["import", str(fixture)]).exit_code == 0
    rows = rolodex(["event", "list", "--from", "2026-12-07", "--to", "2026-12-31",
                    "--format", "json"]).json()
    assert [(r["title"], r["location"]) for r in rows] == [
        ("Team stand-up", "Room 1"), ("Stand-up and quarterly review", "Main hall"),
        ("Team stand-up", "Room 1"), ("Team stand-up", "Room 1")]
    assert "Stand-up and quarterly review" in rolodex(
        ["event", "list", "--from", "2026-12-14", "--to", "2026-12-14"]).stdout


def test_the_contact_card_fits_80_columns_and_hides_what_the_name_says(rolodex):
    """On an 80-column terminal the card's longest line (the record's) fits; the name's
    parts show only when they say more than the name."""
    assert rolodex(["add", "Jane Doe", "-c", "Acme Ltd"]).exit_code == 0
    assert rolodex(["add", "Doe, Jane Mary"]).exit_code == 0  # reordered, parts implied
    rolodex(["contact", "edit", "Jane Doe", "--last", "Doe-Smith", "--name", "Jane Doe"])
    card = rolodex(["contact", "show", "#1"]).stdout
    assert "Name parts" in card and "last_name: Doe-Smith" in card
    plain = rolodex(["contact", "show", "#2"]).stdout
    assert "Name parts" not in plain and "UID" in plain
    assert max(len(line) for line in plain.splitlines()) <= 80
