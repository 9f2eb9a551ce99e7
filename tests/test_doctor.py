"""``rolodex doctor``: a real database damaged with raw sqlite3, found, and repaired."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from rolodex.store.care import doctor
from rolodex.store.opening import open_db
from rolodex.store.search.fulltext import INDEX_COLUMNS, index_rows

UNHEALTHY = 11


@pytest.fixture
def people(rolodex) -> None:
    """Two contacts, a company, tags, a deal, history: something for links to point at."""
    for args in (["add", "Jane Doe", "-e", "jane@acme.example", "-c", "Acme Ltd", "-t", "vip"],
                 ["add", "John Roe", "-t", "vip", "-p", "+1 555 010 0200"],
                 ["deal", "add", "Big deal", "-c", "Acme Ltd"],
                 ["log", "Jane Doe", "call", "hello"]):
        result = rolodex(args)
        assert result.exit_code == 0, (args, result.stderr)


def raw(path: Path, *statements: str) -> None:
    """Write with foreign keys off, as another tool or an old bug would."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    for sql in statements:
        conn.execute(sql)
    conn.close()


def by_check(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["check"], []).append(row)
    return out


def statuses(rows: list[dict]) -> dict[str, set[str]]:
    return {check: {r["status"] for r in found} for check, found in by_check(rows).items()}


ALL_OK = {name: {"ok"} for name in doctor.CHECKS}


def test_a_healthy_database(rolodex, people):
    result = rolodex("doctor -f json")
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    assert [r["check"] for r in rows] == list(doctor.CHECKS)
    assert statuses(rows) == ALL_OK
    assert all(list(r) == ["check", "status", "count", "fixable", "detail"] for r in rows)
    assert "healthy" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "tsv"])
def test_every_format_has_a_row_per_finding(rolodex, people, fmt):
    result = rolodex(["doctor", "-f", fmt])
    assert result.exit_code == 0, result.stderr
    if fmt == "csv":
        assert result.stdout.splitlines()[0] == "check,status,count,fixable,detail"
    if fmt == "tsv":
        assert result.stdout.splitlines()[0] == "check\tstatus\tcount\tfixable\tdetail"
    if fmt != "json":
        assert sum(name in result.stdout for name in doctor.CHECKS) == len(doctor.CHECKS)


@pytest.mark.fresh_db
def test_no_database_is_not_created(rolodex, isolated):
    result = rolodex("doctor")
    assert result.exit_code == 6
    assert not isolated.exists()


def test_orphans_found_and_repaired_in_one_undoable_operation(rolodex, people, isolated):
    raw(isolated,
        "INSERT INTO contact_emails (contact_id, address) VALUES (77, 'ghost@x.example')",
        "INSERT INTO contact_cards (contact_id, version, props, meaning)"
        " VALUES (78, '3.0', '[]', '{}')",
        "INSERT INTO contact_tags (contact_id, tag_id) VALUES (79, 1)",
        "INSERT INTO changes (operation_id, table_name, row_id, action)"
        " VALUES (999, 'contacts', 1, 'insert')",
        "INSERT INTO deal_stages (deal_id, stage, at) VALUES (555, 'lead', 'x')",
        "UPDATE contacts SET company_id = 404 WHERE id = 2")
    found = rolodex("doctor -f json")
    assert found.exit_code == UNHEALTHY
    assert "doctor --fix" in found.stderr
    problems = [r for r in found.json() if r["check"] == "foreign_keys"]
    details = " | ".join(r["detail"] for r in problems)
    for what in ("contact_emails.contact_id", "contact_cards.contact_id",
                 "contact_tags.contact_id", "changes.operation_id", "deal_stages.deal_id",
                 "contacts.company_id"):
        assert what in details
    assert all(r["status"] == "problem" and r["fixable"] and r["count"] == 1 for r in problems)

    fixed = rolodex("doctor --fix -f json")
    assert fixed.exit_code == 0, fixed.stderr
    assert statuses(fixed.json())["foreign_keys"] == {"fixed"}
    assert sum(r["count"] for r in fixed.json() if r["status"] == "fixed"
               and r["check"] == "foreign_keys") == 6
    assert statuses(rolodex("doctor -f json").json()) == ALL_OK
    conn = sqlite3.connect(isolated)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT company_id FROM contacts WHERE id = 2").fetchone() == (None,)
    conn.close()
    # a backup first (the way back), and one journalled operation in the audit trail
    [copy] = (isolated.parent / "rolodex-backups").glob("rolodex-*-auto-doctor.db")
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT count(*) FROM contact_emails WHERE contact_id = 77"
                        ).fetchone() == (1,)
    conn.close()
    [op] = [c for c in rolodex("changes -f json").json() if c["summary"] == "doctor --fix"]
    assert op["changes"] == 5, "the five user-data rows; the journal's own row directly"


def test_search_index_out_of_step(rolodex, people, isolated):
    raw(isolated,
        "DELETE FROM contacts_fts WHERE rowid = 2",
        "UPDATE contacts_fts SET notes = 'stale words' WHERE rowid = 1",
        "INSERT INTO contacts_fts (rowid, name) VALUES (99, 'ghost')")
    assert rolodex("search ghost -f ids").stdout == "99\n", "the damage is real"
    found = rolodex("doctor -f json")
    assert found.exit_code == UNHEALTHY
    [row] = by_check(found.json())["search_index"]
    assert (row["status"], row["count"], row["fixable"]) == ("problem", 3, True)
    assert "1 contact(s) missing" in row["detail"] and "1 out of date" in row["detail"]
    assert "1 row(s) for contacts that are gone" in row["detail"]

    fixed = rolodex("doctor --fix -f json")
    assert fixed.exit_code == 0
    assert by_check(fixed.json())["search_index"][0]["status"] == "fixed"
    assert rolodex("search ghost -f ids").stdout == ""
    assert rolodex("search john -f ids").stdout == "2\n"
    assert rolodex("search stale -f ids").stdout == ""
    assert statuses(rolodex("doctor -f json").json()) == ALL_OK


def test_search_index_damaged_inside_is_rebuilt(rolodex, people, isolated):
    raw(isolated, "DELETE FROM contacts_fts_data WHERE id > 10")
    found = rolodex("doctor -f json")
    assert found.exit_code == UNHEALTHY
    assert "damaged" in by_check(found.json())["search_index"][0]["detail"]
    assert rolodex("doctor --fix").exit_code == 0
    assert statuses(rolodex("doctor -f json").json()) == ALL_OK
    assert rolodex("search jane -f ids").stdout == "1\n"



def test_last_contacted_written_past_the_triggers_is_recomputed(rolodex, people, isolated):
    """contact_last is what listings and follow-ups read as 'last contacted'."""
    raw(isolated, "UPDATE contact_last SET at = '1999-01-01T00:00:00Z' WHERE id = 1",
        "INSERT INTO contact_last (id, at) VALUES (2, '2020-02-02T00:00:00Z')")
    listed = rolodex("contact list -f json").json()
    assert [c["last_contacted"] for c in listed] == ["1999-01-01T00:00:00Z",
                                                     "2020-02-02T00:00:00Z"]
    found = rolodex("doctor -f json")
    assert found.exit_code == UNHEALTHY
    [row] = by_check(found.json())["last_contacted"]
    assert (row["status"], row["count"], row["fixable"]) == ("problem", 2, True)
    assert "#1" in row["detail"] and "#2" in row["detail"]
    fixed = rolodex("doctor --fix -f json")
    assert fixed.exit_code == 0, fixed.stderr
    assert by_check(fixed.json())["last_contacted"][0]["status"] == "fixed"
    logged = rolodex("history 1 -f json").json()[0]["at"]
    assert [c["last_contacted"] for c in rolodex("contact list -f json").json()] == [
        logged, None]
    assert statuses(rolodex("doctor -f json").json()) == ALL_OK


def test_dates_written_past_rolodex_are_named_and_set_aside(rolodex, people, isolated,
                                                             monkeypatch):
    raw(isolated, "UPDATE contacts SET birthday = '2026-02-30' WHERE id = 1",
        "UPDATE contacts SET anniversary = '1985-02-29' WHERE id = 2")
    exported = rolodex("export")
    assert exported.exit_code == 5
    assert "contact #1 Jane Doe: no such date: 30 February 2026" in exported.stderr
    assert "doctor --fix" in exported.stderr
    monkeypatch.setenv("ROLODEX_NOW", "2027-02-27T09:00:00Z")  # 29 February shows on the 28th
    agenda = rolodex("agenda --days 2")
    assert agenda.exit_code == 5 and "contact #2 John Roe" in agenda.stderr
    found = rolodex("doctor -f json")
    assert found.exit_code == UNHEALTHY
    [row] = by_check(found.json())["contact_dates"]
    assert (row["status"], row["count"], row["fixable"]) == ("problem", 2, True)
    assert "'2026-02-30'" in row["detail"] and "'1985-02-29'" in row["detail"]
    fixed = rolodex("doctor --fix -f json")
    assert fixed.exit_code == 0, fixed.stderr
    jane, john = (rolodex(f"contact show {i} -f json").json() for i in (1, 2))
    assert (jane["birthday"], jane["custom"]["birthday-unreadable"]) == (None, "2026-02-30")
    assert (john["anniversary"], john["custom"]["anniversary-unreadable"]) == (
        None, "1985-02-29")
    assert rolodex("export").exit_code == 0 and rolodex("agenda").exit_code == 0
    assert statuses(rolodex("doctor -f json").json()) == ALL_OK
    assert rolodex("undo").exit_code == 0
    assert rolodex("contact show 1 -f json").json()["birthday"] == "2026-02-30"

def test_unreadable_settings_are_reset(rolodex, people, isolated):
    raw(isolated, "INSERT INTO settings (key, value) VALUES ('timezone', '{not json')",
        "INSERT INTO settings (key, value) VALUES ('backup.keep', 'ten')")
    found = rolodex("doctor -f json")
    assert found.exit_code == UNHEALTHY
    [row] = by_check(found.json())["settings"]
    assert row["count"] == 2 and "backup.keep" in row["detail"] and "timezone" in row["detail"]
    fixed = rolodex("doctor --fix -f json")
    assert fixed.exit_code == 0, fixed.stderr
    assert rolodex("config get backup.keep").stdout == "10\n"
    assert list((isolated.parent / "rolodex-backups").glob("*-auto-doctor.db")), (
        "an unreadable backup.keep falls back to its default rather than blocking the backup")


def test_housekeeping_is_info_and_does_not_fail(rolodex, people, isolated):
    assert rolodex("contact untag 2 vip").exit_code == 0
    assert rolodex(["add", "Temp Person", "-t", "temporary"]).exit_code == 0
    assert rolodex("contact untag 3 temporary").exit_code == 0
    raw(isolated, "INSERT INTO interactions (uid, kind, at, created)"
                  " VALUES ('lonely', 'call', '2026-01-01T00:00:00Z', 'x')")
    found = rolodex("doctor -f json")
    assert found.exit_code == 0, found.stderr
    checks = by_check(found.json())
    assert checks["unused_tags"][0]["status"] == "info"
    assert "temporary" in checks["unused_tags"][0]["detail"]
    assert checks["lonely_history"][0]["status"] == "info"
    assert checks["lonely_history"][0]["count"] == 1
    fixed = rolodex("doctor --fix -f json")
    assert fixed.exit_code == 0
    assert statuses(fixed.json())["unused_tags"] == {"fixed"}
    assert statuses(rolodex("doctor -f json").json()) == ALL_OK
    assert rolodex("contact list --tag vip -f ids").stdout == "1\n", "used tags stay"
    undone = rolodex("undo")
    assert undone.exit_code == 0, undone.stderr
    again = by_check(rolodex("doctor -f json").json())
    assert again["unused_tags"][0]["count"] == again["lonely_history"][0]["count"] == 1


def test_orphaned_links_leave_lonely_history_and_unused_tags_fixed_in_one_go(
        rolodex, people, isolated):
    """Repairs see each other: deleting orphan links empties an entry and frees a tag."""
    raw(isolated,
        "INSERT INTO tags (name) VALUES ('only-ghosts')",
        "INSERT INTO contact_tags (contact_id, tag_id)"
        " VALUES (500, (SELECT id FROM tags WHERE name = 'only-ghosts'))",
        "INSERT INTO interactions (uid, kind, at, created)"
        " VALUES ('ghost-call', 'call', '2026-01-01T00:00:00Z', 'x')",
        "INSERT INTO interaction_contacts (interaction_id, contact_id, at)"
        " VALUES ((SELECT id FROM interactions WHERE uid = 'ghost-call'), 500, 'x')")
    fixed = rolodex("doctor --fix -f json")
    assert fixed.exit_code == 0, fixed.stderr
    assert statuses(fixed.json())["lonely_history"] == {"fixed"}
    assert statuses(fixed.json())["unused_tags"] == {"fixed"}
    assert statuses(rolodex("doctor -f json").json()) == ALL_OK


def test_integrity_failure_is_reported_never_repaired(rolodex, people, isolated):
    raw(isolated,
        "INSERT INTO contact_emails (contact_id, address) VALUES (77, 'ghost@x.example')",
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET sql = 'CREATE INDEX contacts_name_key ON contacts(sort_key)'"
        " WHERE name = 'contacts_name_key'")
    before = isolated.read_bytes()
    result = rolodex("doctor --fix -f json")
    assert result.exit_code == UNHEALTHY
    integrity = by_check(result.json())["integrity"][0]
    assert integrity["status"] == "problem" and not integrity["fixable"]
    assert "restore" in integrity["detail"]
    assert "rolodex restore" in result.stderr and "nothing was repaired" in result.stderr
    assert isolated.read_bytes() == before
    assert not (isolated.parent / "rolodex-backups").exists()


def test_fix_on_a_healthy_database_writes_nothing(rolodex, people, isolated):
    ops = len(rolodex("changes -f json").json())
    result = rolodex("doctor --fix -f json")
    assert result.exit_code == 0
    assert statuses(result.json()) == ALL_OK
    assert len(rolodex("changes -f json").json()) == ops
    assert not (isolated.parent / "rolodex-backups").exists()


def test_unfixed_problems_hint_at_fix(rolodex, people, isolated):
    raw(isolated, "DELETE FROM contacts_fts")
    result = rolodex("doctor")
    assert result.exit_code == UNHEALTHY
    lines = result.stderr.splitlines()
    assert lines[0].startswith("rolodex: ") and "problem" in lines[0]
    assert "Traceback" not in result.stderr
    assert "search_index" in result.stdout


@pytest.mark.slow
def test_the_index_check_is_fast_at_scale(tmp_path):
    """100,000 contacts, checked in a few seconds (the index comparison is one pass)."""
    path = tmp_path / "big.db"
    db = open_db(path)
    try:
        n = 100_000
        with db.conn:
            db.execute("BEGIN")
            db.conn.executemany(
                "INSERT INTO contacts (id, uid, first_name, last_name, display_name, name_key,"
                " sort_key, notes, created, updated) VALUES (?, ?, ?, ?, ?, 'k', 'k', ?, 'x',"
                " 'x')", ((i, f"u{i}", f"Zoë{i}", f"Doe{i}", f"Zoë{i} Doe{i}",
                           f"met at café {i}") for i in range(1, n + 1)))
            db.conn.executemany("INSERT INTO contact_emails (contact_id, address)"
                                " VALUES (?, ?)", ((i, f"p{i}@x.example")
                                                   for i in range(1, n + 1)))
            insert = (f"INSERT INTO contacts_fts (rowid, {', '.join(INDEX_COLUMNS)})"
                      f" VALUES (?{', ?' * len(INDEX_COLUMNS)})")
            db.conn.executemany(insert, ((i, *v) for i, v in list(index_rows(db))))
            db.execute("DELETE FROM contacts_fts WHERE rowid = 500")
        started = time.monotonic()
        rows = doctor.examine(db)
        elapsed = time.monotonic() - started
    finally:
        db.close()
    assert by_check(rows)["search_index"][0]["count"] == 1
    assert elapsed < 10, f"doctor took {elapsed:.1f}s at 100,000 contacts"
