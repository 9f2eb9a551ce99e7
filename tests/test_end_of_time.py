"""Dates at the end of the calendar (9999-12-31) never end a command with exit 70 or a
nameless error: an export leaves out what cannot be written and names it on stderr, and
views show what fits."""

from __future__ import annotations

import pytest
from hostile import FIXTURES


def test_an_event_repeating_daily_from_9999_12_31_exports(rolodex):
    assert rolodex(["import", str(FIXTURES / "event-daily-from-9999-12-31.ics")]).exit_code == 0
    result = rolodex("export --format ical -o -")
    assert result.exit_code == 0, result.stderr  # before: exit 70, "year 10009 is out of range"
    assert "DTSTART:99991231T090000Z" in result.stdout
    assert "RRULE:FREQ=DAILY" in result.stdout


@pytest.mark.parametrize("command", ["export --format ical -o -", "calendar feed -o -",
                                     "export --format ical --what birthdays -o -"])
def test_a_birthday_on_9999_12_31_is_left_out_and_named(rolodex, command):
    assert rolodex(["import", str(FIXTURES / "birthday-9999-12-31.vcf")]).exit_code == 0
    result = rolodex(command)
    assert result.exit_code == 0, result.stderr  # before: exit 5, "date out of range"
    assert "warning: #1 Jane Doe: birthday 9999-12-31 is too close to the year 9999" \
        in result.stderr
    if "feed" not in command:  # the feed looks 90 days ahead: Bob's is in May
        assert "Bob Sample's birthday" in result.stdout
    assert "Jane Doe's birthday" not in result.stdout


@pytest.mark.parametrize("command", ["agenda", "calendar", "followups", "dashboard",
                                     "report birthdays", "calendar feed -o -",
                                     "export --format ical -o -"])
def test_views_with_a_follow_up_due_after_9999(rolodex, command):
    assert rolodex(["import", str(FIXTURES / "birthday-9999-12-31.vcf")]).exit_code == 0
    assert rolodex("contact edit jane --every 3m").exit_code == 0
    assert rolodex("log jane call 'last call' --at 9999-12-30").exit_code == 0
    result = rolodex(command)
    assert result.exit_code == 0, result.stderr  # before: exit 5, "date out of range"
    assert "Traceback" not in result.stderr
