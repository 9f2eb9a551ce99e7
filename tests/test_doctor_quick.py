"""``rolodex doctor --quick``: each kind of damage it claims to find, injected with raw
sqlite3 as ``test_doctor`` does, is found; what it says it leaves out is left out (and
found by the full ``doctor``); it repairs nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_doctor import UNHEALTHY, by_check, raw, statuses

from rolodex.store.care.doctor_quick import LEFT_OUT, QUICK_CHECKS

QUICK_OK = {name: {"ok"} for name in QUICK_CHECKS}


@pytest.fixture
def people(rolodex) -> None:
    """Two tagged contacts, a company, history: something for links to point at."""
    for args in (["add", "Jane Doe", "-e", "jane@acme.example", "-c", "Acme Ltd", "-t", "vip"],
                 ["add", "John Roe", "-t", "vip"], ["log", "Jane Doe", "call", "hello"]):
        result = rolodex(args)
        assert result.exit_code == 0, (args, result.stderr)


def quick(rolodex):
    return rolodex("doctor --quick -f json")


def test_a_healthy_database_gets_the_quick_rows(rolodex, people):
    result = quick(rolodex)
    assert result.exit_code == 0, result.stderr
    assert [r["check"] for r in result.json()] == list(QUICK_CHECKS)
    assert statuses(result.json()) == QUICK_OK
    assert "healthy" in result.stderr


def test_contacts_missing_from_the_index_and_ghosts_in_it(rolodex, people, isolated):
    raw(isolated, "DELETE FROM contacts_fts WHERE rowid = 2",
        "INSERT INTO contacts_fts (rowid, name) VALUES (99, 'ghost')")
    result = quick(rolodex)
    assert result.exit_code == UNHEALTHY
    [row] = by_check(result.json())["search_index"]
    assert (row["status"], row["count"], row["fixable"]) == ("problem", 2, True)
    assert "1 contact(s) missing from it: #2" in row["detail"]
    assert "1 row(s) for contacts that are gone" in row["detail"]
    assert "doctor --fix" in result.stderr


def test_stale_index_words_are_left_to_the_full_check(rolodex, people, isolated):
    raw(isolated, "UPDATE contacts_fts SET notes = 'stale words' WHERE rowid = 1")
    assert quick(rolodex).exit_code == 0
    full = rolodex("doctor -f json")
    assert full.exit_code == UNHEALTHY
    assert "1 out of date" in by_check(full.json())["search_index"][0]["detail"]


def test_a_broken_constraint_is_damage(rolodex, people, isolated):
    assert rolodex(["task", "add", "Call Jane"]).exit_code == 0
    conn = sqlite3.connect(isolated, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE tasks SET priority = 'urgent'")
    conn.close()
    result = quick(rolodex)
    assert result.exit_code == UNHEALTHY
    [row] = by_check(result.json())["integrity"]
    assert row["status"] == "problem" and not row["fixable"]
    assert "CHECK constraint failed in tasks" in row["detail"]
    assert "rolodex restore" in result.stderr


def _damage_a_page(path: Path) -> None:
    """Overwrite the header of one leaf page of the history table (not the schema's,
    so the file still opens)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.executemany("INSERT INTO interactions (uid, kind, at, text, created)"
                     " VALUES (?, 'note', '2026-01-01T00:00:00Z', ?, 'x')",
                     [(f"u{i}", "words " * 40) for i in range(400)])
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    leaves = [r[0] for r in conn.execute(
        "SELECT pageno FROM dbstat WHERE name = 'interactions' AND pagetype = 'leaf'")]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as file:
        file.seek((leaves[len(leaves) // 2] - 1) * size)
        file.write(b"\xff" * 8)


def test_a_damaged_page_is_found_not_a_crash(rolodex, people, isolated):
    _damage_a_page(isolated)
    for args in ("doctor --quick -f json", "doctor -f json"):
        result = rolodex(args)
        assert result.exit_code == UNHEALTHY, result.stderr
        assert "Traceback" not in result.stderr
        [row] = by_check(result.json())["integrity"]
        assert row["status"] == "problem" and "malformed" in row["detail"]
        assert "rolodex restore" in result.stderr


def test_unreadable_dates_and_settings(rolodex, people, isolated):
    raw(isolated, "UPDATE contacts SET birthday = '2026-02-30' WHERE id = 1",
        "INSERT INTO settings (key, value) VALUES ('backup.keep', 'ten')")
    result = quick(rolodex)
    assert result.exit_code == UNHEALTHY
    found = by_check(result.json())
    assert found["contact_dates"][0]["count"] == 1 and "'2026-02-30'" in (
        found["contact_dates"][0]["detail"])
    assert "backup.keep" in found["settings"][0]["detail"]


def test_unused_tags_are_housekeeping(rolodex, people, isolated):
    for name in ("John Roe", "Jane Doe"):
        result = rolodex(["contact", "untag", name, "vip"])
        assert result.exit_code == 0, result.stderr
    result = quick(rolodex)
    assert result.exit_code == 0, result.stderr
    assert by_check(result.json())["unused_tags"][0]["status"] == "info"


def test_what_it_leaves_out_is_left_out_and_found_by_the_full_check(rolodex, people,
                                                                    isolated):
    raw(isolated, "INSERT INTO contact_tags (contact_id, tag_id) VALUES (79, 1)",
        "DELETE FROM contact_last")
    result = quick(rolodex)
    assert result.exit_code == 0, result.stderr
    assert not set(LEFT_OUT) & {r["check"] for r in result.json()}
    full = rolodex("doctor -f json")
    assert full.exit_code == UNHEALTHY
    assert {"foreign_keys", "last_contacted"} <= {
        r["check"] for r in full.json() if r["status"] == "problem"}


def test_quick_repairs_nothing(rolodex, people, isolated):
    raw(isolated, "DELETE FROM contacts_fts WHERE rowid = 2")
    before = isolated.read_bytes()
    result = rolodex("doctor --quick --fix")
    assert result.exit_code == 5
    assert "--quick only examines" in result.stderr
    assert quick(rolodex).exit_code == UNHEALTHY
    assert isolated.read_bytes() == before
    assert not (isolated.parent / "rolodex-backups").exists()
