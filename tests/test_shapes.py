"""Every JSON shape carries its documented keys, in order, and so does an empty CSV header."""

from __future__ import annotations

import csv
import io

import pytest

from rolodex.reports.agenda import KEYS as AGENDA_KEYS
from rolodex.reports.followups import KEYS as FOLLOWUP_KEYS
from rolodex.store.activity import events, history, tasks
from rolodex.store.people import companies, contact_queries


@pytest.fixture
def filled(rolodex, jane):
    rolodex(["contact", "edit", "jane", "--every", "1d", "--birthday", "--11-21"])
    rolodex(["log", "jane", "call", "hello", "--at", "2026-11-01 10:00"])
    rolodex(["task", "add", "Send offer", "--for", "jane", "--due", "today"])
    rolodex(["event", "add", "Lunch", "--at", "2026-11-21 12:00", "--with", "jane"])
    return rolodex


CASES = [
    (["contact", "list"], contact_queries.KEYS),
    (["search", "jane"], contact_queries.KEYS),
    (["company", "list"], companies.KEYS),
    (["history"], history.KEYS),
    (["task", "list"], tasks.KEYS),
    (["event", "list"], events.OCCURRENCE_KEYS),
    (["agenda"], AGENDA_KEYS),
    (["followups"], FOLLOWUP_KEYS),
]


@pytest.mark.parametrize(("command", "keys"), CASES, ids=lambda c: " ".join(c)
                         if isinstance(c, list) else "")
def test_json_rows_have_exactly_the_documented_keys(filled, command, keys):
    rows = filled([*command, "--format", "json"]).json()
    assert rows, f"{command} listed nothing"
    for row in rows:
        assert tuple(row) == tuple(keys)


@pytest.mark.parametrize(("command", "keys"), CASES, ids=lambda c: " ".join(c)
                         if isinstance(c, list) else "")
def test_empty_csv_still_has_the_full_header(rolodex, command, keys):
    result = rolodex([*command, "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert next(csv.reader(io.StringIO(result.stdout))) == list(keys)
