"""Human output shows the user's local time (#16): a task due 09:00 in Berlin reads 09:00
in followups, cards, confirmations and reports (table, Markdown, HTML), while JSON, CSV
and TSV keep the UTC instant they always had."""

from __future__ import annotations

import pytest


@pytest.fixture
def berlin(rolodex, monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2026-12-08T07:00:00Z")
    for args in (["config", "set", "timezone", "Europe/Berlin"],
                 ["add", "Jane Doe", "-e", "jane@acme.example"],
                 ["task", "add", "Call back", "--for", "jane", "--due", "2026-12-08 09:00"]):
        result = rolodex(args)
        assert result.exit_code == 0, result.stderr
    return rolodex


def test_followups_and_cards_show_local_times(berlin):
    table = berlin(["followups", "--format", "table"]).stdout
    assert "2026-12-08 09:00" in table and "08:00:00Z" not in table
    card = berlin(["contact", "show", "jane"]).stdout
    assert "#1 2026-12-08 09:00: Call back" in card
    assert "T07:00:00Z" not in card  # created/updated: local too
    [row] = berlin(["followups", "--format", "json"]).json()
    assert row["due"] == "2026-12-08T08:00:00Z"  # the data keeps UTC


def test_confirmations_show_local_times(berlin):
    logged = berlin(["log", "jane", "call", "left a message", "--next", "2026-12-09 09:30"])
    assert logged.stderr.strip().endswith("due 2026-12-09 09:30"), logged.stderr
    snoozed = berlin(["task", "snooze", "1", "2026-12-10 14:00"])
    assert snoozed.stderr.strip() == "task #1 now due 2026-12-10 14:00"


@pytest.mark.parametrize("fmt", ["table", "md", "html"])
def test_reports_show_local_times_to_people(berlin, fmt):
    result = berlin(["report", "followups", "--format", fmt])
    assert result.exit_code == 0, result.stderr
    assert "2026-12-08 09:00" in result.stdout and "08:00:00Z" not in result.stdout


def test_the_contact_report_and_its_page_show_local_times(berlin):
    for fmt in ("table", "html"):
        result = berlin(["report", "contact", "jane", "--format", fmt])
        assert result.exit_code == 0, result.stderr
        assert "2026-12-08 09:00" in result.stdout and "T08:00:00Z" not in result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_reports_keep_utc_for_machines(berlin, fmt):
    result = berlin(["report", "followups", "--format", fmt, "--section", "due"])
    assert result.exit_code == 0, result.stderr
    assert "2026-12-08T08:00:00Z" in result.stdout
