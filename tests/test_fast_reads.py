"""Reading at scale (#8) without changing a byte: tables written off a terminal without Rich
are Rich's, character for character; ``contact_last`` always equals the history's latest;
the whole-table read of many contacts gives the records the per-id read gives."""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.cli import _plain
from rolodex.store.db import APPLICATION_ID
from rolodex.store.migrations import apply_all
from rolodex.store.opening import open_db
from rolodex.store.people import contact_queries


def rich_table(header, columns, right, no_wrap, footer) -> str:
    """The table as ``_output.table`` and ``_report_table`` have Rich draw it to a pipe."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    console = Console(file=out, width=_plain.WIDTH, highlight=False, soft_wrap=True)
    grid = Table(box=box.SIMPLE_HEAD, header_style="bold", footer_style="bold",
                 pad_edge=False, show_footer=footer is not None)
    for index, title in enumerate(header):
        grid.add_column(title, footer=Text(footer[index]) if footer else "", overflow="fold",
                        justify="right" if right[index] else "left", no_wrap=no_wrap[index])
    for row in zip(*columns, strict=True):
        grid.add_row(*[Text(cell) for cell in row])
    console.print(grid)
    return out.getvalue()


# Wide, combining, zero-width and emoji characters, spaces and newlines (what _plain
# leaves to Rich is tried below).
PIECES = ["a", "Bob", "Zoë", " ", "  ", "\n", "佐藤", "e\u0301", "😀", "\u00a0", "\u200b",
          "x" * 9, "—", "한", "ﾊ", "Ω"]
CELL = st.lists(st.sampled_from(PIECES), max_size=5).map("".join)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_plain_tables_are_what_rich_draws(data):
    count = data.draw(st.integers(1, 4))
    height = data.draw(st.integers(0, 4))
    flags = st.lists(st.booleans(), min_size=count, max_size=count)
    header = data.draw(st.lists(CELL, min_size=count, max_size=count))
    columns = [data.draw(st.lists(CELL, min_size=height, max_size=height))
               for _ in range(count)]
    right, no_wrap = data.draw(flags), data.draw(flags)
    footer = data.draw(st.none() | st.lists(CELL, min_size=count, max_size=count))
    text = _plain.table(header, columns, right=right, no_wrap=no_wrap, footer=footer)
    assert text == rich_table(header, columns, right, no_wrap, footer)


def test_what_rich_would_draw_differently_is_left_to_rich(monkeypatch):
    assert _plain.table(["x"], [["a" * (_plain.WIDTH + 1)]]) is None  # wider than the console
    assert _plain.table(["x"], [["tab\there"]]) is None
    assert _plain.table(["x"], [["bell\a"]]) is None
    assert _plain.table(["x"], [["family 👨\u200d👩"]]) is None
    assert _plain.table(["x\x1b[1m"], [["bold"]]) is None
    stream = io.StringIO()
    assert _plain.available(stream)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not _plain.available(stream)


def test_listings_and_reports_to_a_pipe_are_rich_tables(rolodex, monkeypatch):
    """The same command drawn by Rich (FORCE_COLOR= keeps colour off but Rich on) and
    written plain gives the same text."""
    rolodex(["add", "Zoë Müller", "-e", "zoe@example.org", "-t", "vip", "--every", "7d"])
    rolodex(["add", "佐藤太郎", "--company", "Acme Ltd", "--title", "  CTO  "])
    rolodex(["log", "1", "2", "call", "talked\nat length", "--at", "2026-11-01"])
    rolodex(["task", "add", "Call back", "--for", "2", "--due", "2026-11-18"])
    for command in (["contact", "list"], ["search", "zoe"], ["history"], ["followups"],
                    ["agenda"], ["report", "activity"], ["report", "followups"],
                    ["report", "relationships", "--all"]):
        plain = rolodex(command)
        monkeypatch.setenv("FORCE_COLOR", "")
        drawn = rolodex(command)
        monkeypatch.delenv("FORCE_COLOR")
        assert plain.exit_code == drawn.exit_code == 0, plain.stderr
        assert plain.stdout == drawn.stdout, command
        assert "─" in plain.stdout


def _latest(conn) -> tuple[dict, dict]:
    want = dict(conn.execute(
        "SELECT contact_id, max(at) FROM interaction_contacts GROUP BY contact_id").fetchall())
    have = dict(conn.execute("SELECT id, at FROM contact_last").fetchall())
    return want, have


def test_contact_last_follows_every_change_to_the_history(rolodex, isolated):
    for name in ("Ann One", "Bob Two", "Cy Three", "Di Four"):
        assert rolodex(["add", name]).exit_code == 0
    steps = [
        ["log", "1", "2", "call", "--at", "2026-11-01"],
        ["log", "1", "note", "--at", "2026-10-01"],  # older: 1 keeps 1 November
        ["log", "3", "meeting", "--at", "2026-11-10 15:00"],
        ["undo"],  # 3 loses its only entry
        ["redo"],
        ["log", "2", "email", "--at", "2026-11-15"],
        ["contact", "rm", "1", "--yes"],  # its links go by cascade
        ["undo"],  # and come back
        ["merge", "3", "2", "--yes"],  # 2's history moves to 3
        ["privacy", "forget", "4", "--yes"],
    ]
    for step in steps:
        result = rolodex(step)
        assert result.exit_code == 0, (step, result.stderr)
        conn = sqlite3.connect(isolated)
        want, have = _latest(conn)
        conn.close()
        assert have == want, step
    assert want  # the history was not emptied along the way


def test_contact_last_under_random_writes(tmp_path):
    """Inserts, deletes, moves and time changes straight in SQL, cascades included."""
    import random

    db = open_db(tmp_path / "r.db")
    conn = db.conn
    for n in range(1, 5):
        conn.execute("INSERT INTO contacts (id, uid, display_name, name_key, sort_key, created,"
                     " updated) VALUES (?, ?, 'x', 'x', 'x', 'x', 'x')", (n, f"u{n}"))
    rng = random.Random(8)
    for step in range(600):
        roll = rng.random()
        if roll < 0.45:
            at = f"2026-01-{rng.randint(1, 28):02d}T00:00:00Z"
            cur = conn.execute("INSERT INTO interactions (uid, kind, at, created) VALUES"
                               " (?, 'call', ?, 'x')", (f"i{step}", at))
            for contact in rng.sample(range(1, 5), rng.randint(1, 2)):
                conn.execute("INSERT INTO interaction_contacts (interaction_id, contact_id, at)"
                             " VALUES (?, ?, ?)", (cur.lastrowid, contact, at))
        elif roll < 0.65:
            conn.execute("DELETE FROM interaction_contacts WHERE id IN (SELECT id FROM"
                         " interaction_contacts ORDER BY random() LIMIT 1)")
        elif roll < 0.8:
            conn.execute("UPDATE interaction_contacts SET at = ? WHERE id IN (SELECT id FROM"
                         " interaction_contacts ORDER BY random() LIMIT 1)",
                         (f"2026-02-{rng.randint(1, 28):02d}T00:00:00Z",))
        elif roll < 0.9:
            with contextlib.suppress(sqlite3.IntegrityError):  # already linked to that one
                conn.execute("UPDATE interaction_contacts SET contact_id = ? WHERE id IN"
                             " (SELECT id FROM interaction_contacts ORDER BY random() LIMIT 1)",
                             (rng.randint(1, 4),))
        elif roll < 0.97:
            conn.execute("DELETE FROM interactions WHERE id IN (SELECT id FROM interactions"
                         " ORDER BY random() LIMIT 1)")
        else:
            n = rng.randint(1, 4)
            conn.execute("DELETE FROM contacts WHERE id = ?", (n,))
            conn.execute("INSERT INTO contacts (id, uid, display_name, name_key, sort_key,"
                         " created, updated) VALUES (?, ?, 'x', 'x', 'x', 'x', 'x')",
                         (n, f"u{n}"))
        want, have = _latest(conn)
        assert have == want, step
    db.close()


@pytest.mark.fresh_db
def test_m007_fills_contact_last_from_the_history(tmp_path):
    path = tmp_path / "rolodex.db"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_all(conn, upto=6)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 6")
    for n in (1, 2, 3):
        conn.execute("INSERT INTO contacts (id, uid, display_name, name_key, sort_key,"
                     " birthday, created, updated) VALUES (?, ?, 'x', 'x', 'x', '--02-29',"
                     " 'x', 'x')", (n, f"u{n}"))
    for n, (contact, at) in enumerate([(1, "2026-01-02T00:00:00Z"), (1, "2026-03-01T00:00:00Z"),
                                       (2, "2025-12-31T23:00:00Z")], start=1):
        conn.execute("INSERT INTO interactions (id, uid, kind, at, created) VALUES"
                     " (?, ?, 'call', ?, 'x')", (n, f"i{n}", at))
        conn.execute("INSERT INTO interaction_contacts (interaction_id, contact_id, at)"
                     " VALUES (?, ?, ?)", (n, contact, at))
    conn.close()
    db = open_db(path)
    try:
        assert dict(db.query("SELECT id, at FROM contact_last")) == {
            1: "2026-03-01T00:00:00Z", 2: "2025-12-31T23:00:00Z"}
        plan = " ".join(r[3] for r in db.query(
            "EXPLAIN QUERY PLAN SELECT id FROM contacts WHERE birthday IS NOT NULL"
            " AND substr(birthday, -5) IN ('02-28', '02-29')"))
        assert "contacts_birthday_day" in plan
        [one] = contact_queries.fetch(db, [1])
        assert one["last_contacted"] == "2026-03-01T00:00:00Z"
    finally:
        db.close()


def test_reading_whole_tables_gives_the_same_records(rolodex, isolated, monkeypatch):
    """``fetch`` of many ids reads each table whole; here 'many' is made 1 to compare."""
    rolodex(["add", "Dr. Zoë Müller", "-e", "zoe@work.example (work)", "-e",
             "zoe@home.example (home, preferred)", "-p", "+49 30 1234567", "-t", "vip",
             "-t", "Berlin", "-t", "alpha", "--field", "shoe=38", "--field", "a=1",
             "--address", "Hauptstr. 1; Berlin; ; 10115; Germany (work)", "--url",
             "https://zoe.example", "-c", "Globex"])
    rolodex(["add", "Bob Stone", "-e", "bob@stone.example"])
    rolodex(["add", "Cy Nobody"])
    rolodex(["contact", "link", "2", "manager", "1"])
    rolodex(["log", "1", "2", "call", "--at", "2026-11-02"])
    db = open_db(isolated)
    try:
        ids = [3, 1, 2]
        one_by_one = contact_queries.fetch(db, ids)
        monkeypatch.setattr(contact_queries, "BULK", 1)
        assert contact_queries.fetch(db, ids) == one_by_one
        assert list(contact_queries.iter_fetch(db, ids)) == one_by_one
        assert contact_queries.fetch(db, [1, 1]) == [one_by_one[1]] * 2
        assert [c["tags"] for c in one_by_one] == [[], ["alpha", "Berlin", "vip"], []]
    finally:
        db.close()


@pytest.mark.slow
@pytest.mark.parametrize("args", [["followups"], ["agenda"], ["report", "activity"],
                                  ["search", "jane"], ["history", "jane"]])
def test_plain_output_does_not_load_rich(args, rolodex, isolated):
    """To a pipe, a table is written without Rich's renderer (``rich.cells`` measures the
    width of non-ASCII text, such as the agenda's marks, as Rich does)."""
    rolodex(["add", "Jane Doe", "--every", "7d"])
    rolodex(["log", "jane", "call", "--at", "2026-01-05"])
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rolodex", *args], capture_output=True,
        text=True, env={**os.environ, "ROLODEX_DB": str(isolated)}, timeout=60)
    assert probe.returncode == 0, probe.stderr[-500:]
    assert "─" in probe.stdout
    imported = {line.split("|")[-1].strip() for line in probe.stderr.splitlines()
                if line.startswith("import time:")}
    assert not imported & {"rich.console", "rich.table", "rich.text", "rich.segment"}, args
