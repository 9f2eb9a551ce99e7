"""What a person reads on a terminal is cut to the most urgent (#18): ``followups``,
``agenda`` and ``dashboard`` show the first of many late rows and say how many more,
``--all`` shows every one, and the machine formats always list every one. The cut list is
worked out without building the rest, and must be exactly the head of the full one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from rolodex.dates import set_clock
from rolodex.store.activity import tasks
from rolodex.store.opening import open_db
from rolodex.store.settings import set_value

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # the conftest's frozen now


@pytest.fixture
def late(isolated):
    """70 people past a 30-day cadence (created on 35 different days, so ties abound),
    one of them with a cadence of their own, and 12 tasks overdue, three on one day."""
    from rolodex.store.people import contacts

    db = open_db(isolated)
    try:
        set_value(db, "cadence.customer", "30d")
        for n in range(70):
            set_clock(lambda n=n: NOW - timedelta(days=40 + n // 2, hours=n % 5))
            contacts.add_contact(db, f"Person {n:02d}", tags=["customer"],
                                 cadence_days=20 if n == 7 else None)
        set_clock(None)
        for n in range(12):
            tasks.add_task(db, f"Task {n:02d}", due=date(2026, 11, 1) + timedelta(days=n % 9),
                           priority=("high", "normal", "low")[n % 3])
    finally:
        set_clock(None)
        db.close()


def test_followups_table_shows_the_most_urgent_and_says_how_many_more(rolodex, late):
    everything = rolodex("followups -f json").json()
    assert len(everything) == 82
    table = rolodex("followups")
    assert "the 50 most urgent of 82; --all shows every one" in table.stderr
    shown = [line.split()[1] for line in table.stdout.splitlines()
             if line.strip().startswith(("followup", "task"))]
    assert shown == [str(i["id"]) for i in everything[:50]]
    full = rolodex("followups --all")
    assert "most urgent" not in full.stderr
    assert sum(line.strip().startswith(("followup", "task"))
               for line in full.stdout.splitlines()) == 82


@pytest.mark.parametrize("most", [1, 3, 12, 50, 81, 82, 200])
def test_the_cut_list_is_the_head_of_the_full_one(late, isolated, most):
    from rolodex.dates import get_zone
    from rolodex.reports.followups import followups, most_urgent

    db = open_db(isolated)
    try:
        zone = get_zone("Europe/Berlin")
        for horizon in (date(2026, 11, 20), date(2026, 11, 26), date(2026, 10, 1)):
            full = followups(db, horizon, zone)
            assert most_urgent(db, horizon, zone, most) == (full[:most], len(full))
    finally:
        db.close()


def test_agenda_cuts_the_late_rows_only(rolodex, late):
    assert rolodex("event add 'Board meeting' --at '2026-11-23 10:00'").exit_code == 0
    everything = rolodex("agenda -f json").json()
    late_rows = [i for i in everything if i["type"] in ("task", "followup")]
    assert len(late_rows) == 82
    table = rolodex("agenda")
    assert "and 32 more late tasks and people: --all shows them" in table.stderr
    assert "Board meeting" in table.stdout
    assert sum("Get in touch with" in line or "Task " in line
               for line in table.stdout.splitlines()) == 50
    assert "more late" not in rolodex("agenda --all").stderr


def test_dashboard_shows_the_twenty_most_urgent(rolodex, late):
    report = rolodex("dashboard -f json").json()
    section = report["sections"]["followups"]
    assert len(section["rows"]) == 20
    assert section["title"] == ("Overdue and due today: the 20 most urgent of 82 "
                                "(rolodex followups)")
    assert [r["id"] for r in section["rows"]] == [
        i["id"] for i in rolodex("followups -f json").json()[:20]]


def test_people_with_a_cadence_are_read_through_indexes(isolated, late):
    from rolodex.store.activity.cadence import cadence_sql, with_cadence

    db = open_db(isolated)
    try:
        expr, expr_params = cadence_sql(db)
        where, params = with_cadence(db)
        plan = " ".join(str(tuple(r)) for r in db.execute(
            f"EXPLAIN QUERY PLAN SELECT c.id, {expr} FROM contacts c WHERE {where}",
            expr_params + params))
    finally:
        db.close()
    assert "contacts_own_cadence" in plan and "'SCAN c'" not in plan
