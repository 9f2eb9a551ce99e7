"""``contact list`` and ``search`` write, format for format, the bytes they wrote before
their bulk reads were rebuilt around SQLite (#18).

``listing_golden/`` holds what each command line below wrote on ``listing_world``'s
hostile address book, made by the code as it was before that change. Only regenerate them
(``ROLODEX_UPDATE_GOLDEN=1``) for a change meant to alter the output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from listing_world import build

from rolodex.store.opening import open_db
from rolodex.store.people import contact_queries

GOLDEN = Path(__file__).resolve().parent / "listing_golden"
UPDATE = bool(os.environ.get("ROLODEX_UPDATE_GOLDEN"))

LIST = ["contact", "list"]
RUNS = {
    "list.json": [*LIST, "--format", "json"],
    "list.jsonl": [*LIST, "--format", "jsonl"],
    "list.csv": [*LIST, "--format", "csv"],
    "list.tsv": [*LIST, "--format", "tsv"],
    "list.ids": [*LIST, "--format", "ids"],
    "list.table": LIST,
    "company.jsonl": [*LIST, "--sort", "company", "--format", "jsonl"],
    "company.csv": [*LIST, "--sort", "-company", "--format", "csv"],
    "updated.json": [*LIST, "--sort", "-updated", "--format", "json"],
    "last.tsv": [*LIST, "--sort", "last-contacted", "--format", "tsv"],
    "id.jsonl": [*LIST, "--sort", "-id", "--format", "jsonl"],
    "created.csv": [*LIST, "--sort", "created", "--format", "csv"],
    "vip.json": [*LIST, "--tag", "vip", "--format", "json"],
    "vip-alpha.csv": [*LIST, "--tag", "vip", "--tag", "alpha", "--format", "csv"],
    "limit.json": [*LIST, "--limit", "5", "--format", "json"],
    "limit.csv": [*LIST, "--limit", "3", "--sort", "-name", "--format", "csv"],
    "limit0.json": [*LIST, "--limit", "0", "--format", "json"],
    "limit0.csv": [*LIST, "--limit", "0", "--format", "csv"],
    "status.jsonl": [*LIST, "--status", "customer", "--owner", "jane", "--format", "jsonl"],
    "company1.csv": [*LIST, "--company", "1", "--format", "csv"],
    "since.json": [*LIST, "--updated-since", "2026-05-01", "--format", "json"],
    "none.json": [*LIST, "--tag", "no-such-tag", "--format", "json"],
    "none.jsonl": [*LIST, "--tag", "no-such-tag", "--format", "jsonl"],
    "none.csv": [*LIST, "--tag", "no-such-tag", "--format", "csv"],
    "none.tsv": [*LIST, "--tag", "no-such-tag", "--format", "tsv"],
    "columns.csv": [*LIST, "--columns", "name,emails,tags,custom,deceased,relationships,"
                    "addresses,dates,id,phone,cadence-days,last_contacted", "--format", "csv"],
    "columns.tsv": [*LIST, "--columns", "notes,urls,company,uid,email", "--format", "tsv"],
    "one-column.csv": [*LIST, "--columns", "notes", "--format", "csv"],
    "raw.csv": [*LIST, "--format", "csv", "--raw"],
    "raw.tsv": [*LIST, "--format", "tsv", "--raw"],
    "search.json": ["search", "tag:vip", "--format", "json"],
    "search.jsonl": ["search", "zoë", "--format", "jsonl"],
    "search.csv": ["search", "status:customer", "--format", "csv"],
    "search-none.csv": ["search", "nobody-at-all", "--format", "csv"],
    "search-limit.tsv": ["search", "tag:alpha", "--limit", "4", "--format", "tsv"],
}


@pytest.fixture
def world(isolated):
    db = open_db(isolated)
    try:
        build(db)
    finally:
        db.close()


def run(rolodex, monkeypatch, args: list[str]):
    if "--raw" in args:  # not an option: the environment variable every csv/tsv obeys
        args = [a for a in args if a != "--raw"]
        monkeypatch.setenv("ROLODEX_CSV_RAW", "1")
    try:
        return rolodex(args)
    finally:
        monkeypatch.delenv("ROLODEX_CSV_RAW", raising=False)


@pytest.mark.parametrize("bulk", [False, True], ids=["by-id", "bulk"])
def test_listings_write_the_bytes_they_always_wrote(world, rolodex, monkeypatch, bulk):
    if bulk:  # the whole-table reads of many contacts, on a small book
        monkeypatch.setattr(contact_queries, "BULK", 1)
    GOLDEN.mkdir(exist_ok=True)
    differ = []
    for name, args in RUNS.items():
        result = run(rolodex, monkeypatch, args)
        assert result.exit_code == 0, (name, result.stderr)
        path = GOLDEN / name
        if UPDATE and not bulk:
            path.write_bytes(result.stdout.encode())
        if result.stdout.encode() != path.read_bytes():
            differ.append(name)
    assert differ == []
