"""``rolodex reminders`` (#16): event alarms and timed tasks that go off in a window,
machine-readable, each seen once by a cron job asking window after window."""

from __future__ import annotations

import pytest


@pytest.fixture
def booked(rolodex, monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2026-12-07T07:00:00Z")  # Monday 08:00 in Berlin
    for args in (["config", "set", "timezone", "Europe/Berlin"],
                 ["add", "Jane Doe"],
                 ["event", "add", "Weekly sync", "--at", "2026-12-07 10:00", "--repeat",
                  "weekly", "--with", "jane", "--where", "Room 1", "--remind", "15m",
                  "--remind", "1h"],
                 ["event", "move", "1", "2026-12-14", "2026-12-15 11:00"],
                 ["event", "add", "Offsite", "--at", "2026-12-09", "--remind", "30m"],
                 ["event", "add", "No alarm", "--at", "2026-12-07 09:00"],
                 ["task", "add", "Call back", "--due", "2026-12-07 09:30", "--for", "jane"],
                 ["task", "add", "Some day", "--due", "2026-12-07"]):
        result = rolodex(args)
        assert result.exit_code == 0, (args, result.stderr)
    return rolodex


def rows(rolodex, *args):
    result = rolodex(["reminders", *args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return [(r["at"], r["type"], r["title"], r["minutes_before"]) for r in result.json()]


def test_the_next_hours_reminders(booked):
    assert rows(booked, "--within", "3h") == [
        ("2026-12-07T08:00:00Z", "event", "Weekly sync", 60),
        ("2026-12-07T08:30:00Z", "task", "Call back", 0),
        ("2026-12-07T08:45:00Z", "event", "Weekly sync", 15),
    ]


def test_windows_one_after_another_see_each_reminder_once(booked):
    seen = []
    for start in ("08:55", "09:00", "09:05", "09:10", "09:15", "09:20", "09:25", "09:30",
                  "09:35", "09:40", "09:45", "09:50"):
        seen += rows(booked, "--from", f"2026-12-07 {start}", "--within", "5m")
    assert [title for _, _, title, _ in seen] == ["Weekly sync", "Call back", "Weekly sync"]


def test_a_moved_occurrence_and_an_all_day_event_remind_at_their_own_time(booked):
    assert rows(booked, "--from", "2026-12-15 09:00", "--to", "2026-12-15 11:00") == [
        ("2026-12-15T09:00:00Z", "event", "Weekly sync", 60),
        ("2026-12-15T09:45:00Z", "event", "Weekly sync", 15)]
    assert rows(booked, "--from", "2026-12-08 23:00", "--within", "1h") == [
        ("2026-12-08T22:30:00Z", "event", "Offsite", 30)]  # 23:30 before its day


def test_a_window_that_ends_before_it_starts_is_refused(booked):
    result = booked(["reminders", "--from", "2026-12-08", "--to", "2026-12-07"])
    assert result.exit_code == 5 and "ends before it starts" in result.stderr
