"""Stay in touch (cadences, ``followups``), ``agenda`` and ``calendar``.

The clock is frozen at Friday 2026-11-20 09:00 UTC (10:00 in Berlin) unless a test moves it.
"""

from __future__ import annotations

import pytest
from conftest import JANE, seeded_once

FOLLOWUP_KEYS = {"type", "id", "title", "due", "days_overdue", "last_contacted",
                 "cadence_days", "priority", "contacts"}
AGENDA_KEYS = {"type", "date", "title", "id", "time", "contacts", "start", "end", "location",
               "due", "overdue", "priority", "days_overdue", "years", "campaign", "step",
               "step_kind", "people", "paused"}
ADDED = "2026-08-01T09:00:00Z"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def add(rolodex, *args: str) -> int:
    return int(ok(rolodex(["add", *args])).stdout)


def add_task(rolodex, *args: str) -> int:
    return int(ok(rolodex(["task", "add", *args])).stdout)


def add_event(rolodex, *args: str) -> int:
    return int(ok(rolodex(["event", "add", *args])).stdout)


def followups(rolodex, *args: str) -> list[dict]:
    return ok(rolodex(["followups", *args, "-f", "json"])).json()


def agenda(rolodex, *args: str) -> list[dict]:
    return ok(rolodex(["agenda", *args, "-f", "json"])).json()


def contact(rolodex, ref) -> dict:
    return ok(rolodex(["contact", "show", str(ref), "-f", "json"])).json()


def added_long_ago(rolodex, monkeypatch, *args: str, when: str = ADDED) -> int:
    """A contact added on ``when``; the clock goes back to the frozen Friday."""
    monkeypatch.setenv("ROLODEX_NOW", when)
    contact_id = add(rolodex, *args)
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-20T09:00:00Z")
    return contact_id


# --- cadences --------------------------------------------------------------------------------


def test_contact_every_sets_its_cadence(rolodex, jane):
    ok(rolodex("contact edit jane --every 30d"))
    assert contact(rolodex, jane)["cadence_days"] == 30
    ok(rolodex("contact edit jane --every 2w"))
    assert contact(rolodex, jane)["cadence_days"] == 14
    assert rolodex("contact edit jane --every often").exit_code == 5
    assert contact(rolodex, jane)["cadence_days"] == 14


def test_cadence_set_list_rm(rolodex):
    assert ok(rolodex("cadence list -f json")).json() == []
    ok(rolodex("cadence set vip 90d"))
    ok(rolodex("cadence set Friends 2w"))
    assert ok(rolodex("cadence list -f json")).json() == [{"tag": "friends", "days": 14},
                                                           {"tag": "vip", "days": 90}]
    table = ok(rolodex("cadence list")).stdout
    assert "vip" in table and "90" in table
    ok(rolodex("cadence set vip 3m"))
    assert {"tag": "vip", "days": 90} in ok(rolodex("cadence list -f json")).json()
    ok(rolodex("cadence rm vip"))
    assert ok(rolodex("cadence list -f json")).json() == [{"tag": "friends", "days": 14}]


def test_cadence_set_bad_value_is_invalid(rolodex):
    result = rolodex("cadence set vip sometimes")
    assert result.exit_code == 5
    assert "cannot read number of days" in result.stderr
    assert ok(rolodex("cadence list -f json")).json() == []


# --- followups -----------------------------------------------------------------------------


@seeded_once
def crowd(rolodex, monkeypatch) -> dict[str, int]:
    """People added on 1 August with various cadences, plus tasks."""
    people = {
        "jane": added_long_ago(rolodex, monkeypatch, "Jane Doe", "-t", "vip"),
        "bob": added_long_ago(rolodex, monkeypatch, "Bob Smith", "--every", "30d"),
        "carol": added_long_ago(rolodex, monkeypatch, "Carol King", "-t", "vip",
                                "--every", "365d"),
        "dave": added_long_ago(rolodex, monkeypatch, "Dave Null"),
        "erin": added_long_ago(rolodex, monkeypatch, "Erin Soon", "--every", "30d"),
    }
    ok(rolodex("cadence set vip 90d"))
    ok(rolodex(["log", "erin", "call", "catch up", "--at", "2026-10-24 11:00"]))
    people["late_task"] = add_task(rolodex, "Chase invoice", "--due", "2026-11-15",
                                   "--priority", "high", "--for", "dave")
    people["today_task"] = add_task(rolodex, "Send deck", "--due", "today")
    people["week_task"] = add_task(rolodex, "Prepare demo", "--due", "2026-11-25")
    people["far_task"] = add_task(rolodex, "Plan next year", "--due", "2026-12-20")
    return people


def test_followups_today(rolodex, crowd):
    items = followups(rolodex)
    assert [(i["type"], i["id"]) for i in items] == [
        ("followup", crowd["bob"]), ("followup", crowd["jane"]),
        ("task", crowd["late_task"]), ("task", crowd["today_task"])]
    assert [i["days_overdue"] for i in items] == [81, 21, 5, 0]
    assert items == followups(rolodex, "--due", "today")


def test_followups_week_adds_the_next_six_days(rolodex, crowd):
    items = followups(rolodex, "--due", "week")
    assert [(i["type"], i["id"]) for i in items] == [
        ("followup", crowd["bob"]), ("followup", crowd["jane"]),
        ("task", crowd["late_task"]), ("task", crowd["today_task"]),
        ("followup", crowd["erin"]), ("task", crowd["week_task"])]
    assert [i["days_overdue"] for i in items] == [81, 21, 5, 0, -3, -5]


def test_followups_json_shape(rolodex, crowd):
    items = followups(rolodex, "--due", "week")
    for item in items:
        assert set(item) == FOLLOWUP_KEYS
    by_id = {(i["type"], i["id"]): i for i in items}
    bob = by_id[("followup", crowd["bob"])]
    assert bob["title"] == "Bob Smith"
    assert bob["due"] == "2026-08-31"
    assert bob["cadence_days"] == 30
    assert bob["last_contacted"] is None
    assert bob["priority"] is None
    assert bob["contacts"] == [{"id": crowd["bob"], "name": "Bob Smith"}]
    erin = by_id[("followup", crowd["erin"])]
    assert erin["last_contacted"] == "2026-10-24T09:00:00Z"
    assert erin["due"] == "2026-11-23"
    task = by_id[("task", crowd["late_task"])]
    assert task["title"] == "Chase invoice"
    assert task["due"] == "2026-11-15"
    assert task["priority"] == "high"
    assert task["cadence_days"] is None
    assert task["contacts"] == [{"id": crowd["dave"], "name": "Dave Null"}]


def test_tag_cadence_counts_from_when_a_person_was_added(rolodex, crowd):
    jane = next(i for i in followups(rolodex) if i["id"] == crowd["jane"]
                and i["type"] == "followup")
    assert jane["due"] == "2026-10-30"  # 1 August + 90 days
    assert jane["cadence_days"] == 90
    assert jane["last_contacted"] is None


def test_own_cadence_beats_the_tags(rolodex, crowd):
    ids = {i["id"] for i in followups(rolodex, "--due", "week") if i["type"] == "followup"}
    assert crowd["carol"] not in ids  # vip says 90 days, her own 365 days
    assert crowd["dave"] not in ids  # no cadence at all
    ok(rolodex(["contact", "edit", str(crowd["carol"]), "--every", "30d"]))
    carol = [i for i in followups(rolodex) if i["type"] == "followup"
             and i["id"] == crowd["carol"]]
    assert [(c["cadence_days"], c["due"]) for c in carol] == [(30, "2026-08-31")]


def test_own_longer_cadence_beats_a_shorter_tag(rolodex, monkeypatch):
    jane = added_long_ago(rolodex, monkeypatch, "Jane Doe", "-t", "vip", "--every", "200d",
                          when="2026-10-01T09:00:00Z")
    ok(rolodex("cadence set vip 7d"))
    assert [i for i in followups(rolodex, "--due", "week") if i["id"] == jane] == []


def test_shortest_tag_cadence_wins(rolodex, monkeypatch):
    jane = added_long_ago(rolodex, monkeypatch, "Jane Doe", "-t", "vip", "-t", "friends",
                          when="2026-10-01T09:00:00Z")
    ok(rolodex("cadence set vip 90d"))
    ok(rolodex("cadence set friends 30d"))
    (item,) = followups(rolodex)
    assert (item["id"], item["cadence_days"], item["due"], item["days_overdue"]) == (
        jane, 30, "2026-10-31", 20)
    ok(rolodex("cadence rm friends"))
    assert followups(rolodex) == []


def test_logging_a_call_removes_the_person(rolodex, crowd):
    ok(rolodex("log jane call 'long time no see'"))
    ids = [(i["type"], i["id"]) for i in followups(rolodex, "--due", "week")]
    assert ("followup", crowd["jane"]) not in ids
    assert ("followup", crowd["bob"]) in ids
    ok(rolodex(["log", "bob", "email", "hello", "--at", "2026-11-18 09:00"]))
    ids = [(i["type"], i["id"]) for i in followups(rolodex, "--due", "week")]
    assert ("followup", crowd["bob"]) not in ids


def test_completing_a_task_with_contacts_counts_as_contact(rolodex, crowd):
    task_id = add_task(rolodex, "Ring Bob", "--kind", "call", "--for", "bob", "--due", "today")
    ok(rolodex(["task", "done", str(task_id)]))
    ids = [(i["type"], i["id"]) for i in followups(rolodex, "--due", "week")]
    assert ("followup", crowd["bob"]) not in ids
    assert ("task", task_id) not in ids


def test_person_comes_back_when_the_cadence_runs_out(rolodex, crowd, monkeypatch):
    ok(rolodex("log bob call hi"))
    assert crowd["bob"] not in [i["id"] for i in followups(rolodex) if i["type"] == "followup"]
    monkeypatch.setenv("ROLODEX_NOW", "2026-12-19T09:00:00Z")
    assert crowd["bob"] not in [i["id"] for i in followups(rolodex) if i["type"] == "followup"]
    monkeypatch.setenv("ROLODEX_NOW", "2026-12-20T09:00:00Z")
    bob = [i for i in followups(rolodex) if i["type"] == "followup" and i["id"] == crowd["bob"]]
    assert [(b["due"], b["days_overdue"]) for b in bob] == [("2026-12-20", 0)]


def test_done_tasks_are_not_followups(rolodex, crowd):
    ok(rolodex(["task", "done", str(crowd["late_task"])]))
    assert crowd["late_task"] not in [i["id"] for i in followups(rolodex) if i["type"] == "task"]


def test_followups_bad_due_is_invalid(rolodex):
    result = rolodex("followups --due month")
    assert result.exit_code == 5
    assert "today or week" in result.stderr


def test_followups_table(rolodex, crowd):
    out = ok(rolodex("followups")).stdout
    assert "Bob Smith" in out and "81 d overdue" in out
    assert "Chase invoice" in out
    assert "\x1b[" not in out


def test_followups_empty(rolodex):
    assert followups(rolodex) == []
    assert ok(rolodex("followups")).stdout == ""


# --- agenda --------------------------------------------------------------------------------


@seeded_once
def week(rolodex, monkeypatch) -> dict[str, int]:
    """An agenda for Fri 2026-11-20 .. Fri 2026-11-27."""
    made = {
        "jane": int(ok(rolodex(JANE)).stdout),
        "yara": add(rolodex, "Yara Yearless", "--birthday=--11-22"),
        "olga": add(rolodex, "Olga Old", "--birthday", "1950-11-24"),
        "wed": add(rolodex, "Will Wed", "--anniversary", "2010-11-26"),
        "outside": add(rolodex, "Otto Out", "--birthday", "1990-12-24"),
        "lapsed": added_long_ago(rolodex, monkeypatch, "Lara Lapsed", "--every", "30d"),
        "standup": add_event(rolodex, "Standup", "--at", "2026-11-23 09:30", "--for", "15m",
                             "--repeat", "weekdays", "--with", "jane"),
        "trip": add_event(rolodex, "Trip", "--at", "2026-11-25", "--for", "2d",
                          "--where", "Hamburg"),
        "late": add_task(rolodex, "Overdue thing", "--due", "2026-11-17"),
        "today": add_task(rolodex, "Due today", "--due", "today 16:00", "--for", "jane"),
        "soon": add_task(rolodex, "Due soon", "--due", "2026-11-24"),
        "beyond": add_task(rolodex, "Due later", "--due", "2026-12-10"),
        "undated": add_task(rolodex, "Whenever"),
    }
    return made


def test_agenda_items_have_one_full_key_set(rolodex, week):
    items = agenda(rolodex)
    assert items
    for item in items:
        assert set(item) == AGENDA_KEYS
    assert {i["type"] for i in items} == {"event", "task", "followup", "birthday",
                                          "anniversary"}


def test_agenda_default_is_today_and_seven_days(rolodex, week):
    items = agenda(rolodex)
    dates = [i["date"] for i in items]
    assert min(dates) == "2026-11-20"
    assert max(dates) == "2026-11-27"
    assert dates == sorted(dates)
    assert agenda(rolodex, "--days", "7") == items


def test_agenda_expands_recurring_events(rolodex, week):
    standups = [i for i in agenda(rolodex, "--days", "7") if i["title"] == "Standup"]
    assert [(i["date"], i["time"]) for i in standups] == [
        ("2026-11-23", "09:30"), ("2026-11-24", "09:30"), ("2026-11-25", "09:30"),
        ("2026-11-26", "09:30"), ("2026-11-27", "09:30")]
    assert standups[0]["start"] == "2026-11-23T08:30:00Z"
    assert standups[0]["end"] == "2026-11-23T08:45:00Z"
    assert standups[0]["contacts"] == [{"id": week["jane"], "name": "Jane Doe"}]


def test_agenda_shows_multi_day_events_on_each_day(rolodex, week):
    trips = [i for i in agenda(rolodex) if i["title"] == "Trip"]
    assert [(i["date"], i["time"], i["location"]) for i in trips] == [
        ("2026-11-25", None, "Hamburg"), ("2026-11-26", None, "Hamburg")]


def test_agenda_tasks_overdue_on_today(rolodex, week):
    tasks = {i["id"]: i for i in agenda(rolodex) if i["type"] == "task"}
    assert set(tasks) == {week["late"], week["today"], week["soon"]}
    assert tasks[week["late"]]["date"] == "2026-11-20"
    assert tasks[week["late"]]["overdue"] is True
    assert tasks[week["late"]]["due"] == "2026-11-17"
    assert (tasks[week["today"]]["date"], tasks[week["today"]]["time"]) == ("2026-11-20",
                                                                            "16:00")
    assert tasks[week["today"]]["overdue"] is False
    assert tasks[week["soon"]]["date"] == "2026-11-24"


def test_agenda_followups_on_today(rolodex, week):
    (item,) = [i for i in agenda(rolodex) if i["type"] == "followup"]
    assert item["id"] == week["lapsed"]
    assert item["date"] == "2026-11-20"
    assert "Lara Lapsed" in item["title"]
    assert item["days_overdue"] == 81
    assert item["due"] == "2026-08-31"


def test_agenda_birthdays_and_anniversaries(rolodex, week):
    marks = {i["id"]: i for i in agenda(rolodex) if i["type"] in ("birthday", "anniversary")}
    assert set(marks) == {week["yara"], week["olga"], week["wed"]}
    yara, olga, wed = marks[week["yara"]], marks[week["olga"]], marks[week["wed"]]
    assert (yara["type"], yara["date"], yara["years"]) == ("birthday", "2026-11-22", None)
    assert "(" not in yara["title"] and "Yara Yearless" in yara["title"]
    assert (olga["date"], olga["years"]) == ("2026-11-24", 76)
    assert "(76)" in olga["title"]
    assert (wed["type"], wed["date"], wed["years"]) == ("anniversary", "2026-11-26", 16)
    assert "(16)" in wed["title"]


def test_agenda_days_zero_is_today_only(rolodex, week):
    items = agenda(rolodex, "--days", "0")
    assert {i["date"] for i in items} == {"2026-11-20"}
    assert {i["id"] for i in items if i["type"] == "task"} == {week["late"], week["today"]}


def test_agenda_negative_days_is_a_usage_error(rolodex):
    assert rolodex("agenda --days -1").exit_code == 2


def test_agenda_skipped_occurrence_is_gone(rolodex, week):
    ok(rolodex(["event", "skip", str(week["standup"]), "2026-11-24"]))
    dates = [i["date"] for i in agenda(rolodex) if i["title"] == "Standup"]
    assert "2026-11-24" not in dates
    assert len(dates) == 4


def test_agenda_table_output(rolodex, week):
    out = ok(rolodex("agenda")).stdout
    for text in ("Standup", "Trip", "Overdue thing", "overdue", "Yara Yearless",
                 "Lara Lapsed"):
        assert text in out
    assert "\x1b[" not in out


def test_empty_agenda(rolodex):
    assert agenda(rolodex) == []


def test_yearless_birthday_in_march(rolodex, monkeypatch):
    yara = add(rolodex, "Yara Yearless", "--birthday=--03-18")
    monkeypatch.setenv("ROLODEX_NOW", "2027-03-15T09:00:00Z")
    (item,) = agenda(rolodex)
    assert (item["type"], item["id"], item["date"], item["years"]) == (
        "birthday", yara, "2027-03-18", None)
    assert "(" not in item["title"]


def test_birthday_across_the_new_year(rolodex, monkeypatch):
    nina = add(rolodex, "Nina New", "--birthday", "1990-01-02")
    monkeypatch.setenv("ROLODEX_NOW", "2026-12-30T09:00:00Z")
    (item,) = agenda(rolodex)
    assert (item["id"], item["date"], item["years"]) == (nina, "2027-01-02", 37)
    assert "(37)" in item["title"]


@pytest.fixture
def leap(rolodex) -> int:
    return add(rolodex, "Lee Leap", "--birthday", "1980-02-29")


def leap_items(rolodex) -> list[tuple[str, int, str]]:
    return [(i["date"], i["years"], i["title"]) for i in agenda(rolodex, "--days", "3")
            if i["type"] == "birthday"]


def test_leap_day_birthday_on_28_february_in_a_common_year(rolodex, leap, monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2027-02-26T09:00:00Z")
    assert leap_items(rolodex) == [("2027-02-28", 47, "Lee Leap's birthday (47)")]


def test_leap_day_birthday_when_28_february_is_the_only_day(rolodex, leap, monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2027-02-28T09:00:00Z")
    items = [i for i in agenda(rolodex, "--days", "0") if i["type"] == "birthday"]
    assert [(i["date"], i["years"]) for i in items] == [("2027-02-28", 47)]
    assert "(47)" in items[0]["title"]


def test_leap_day_birthday_on_29_february_in_a_leap_year(rolodex, leap, monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2028-02-27T09:00:00Z")
    assert leap_items(rolodex) == [("2028-02-29", 48, "Lee Leap's birthday (48)")]


def test_leap_day_birthday_not_on_28_february_in_a_leap_year(rolodex, leap, monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2028-02-28T09:00:00Z")
    assert [i for i in agenda(rolodex, "--days", "0") if i["type"] == "birthday"] == []
    monkeypatch.setenv("ROLODEX_NOW", "2028-02-26T09:00:00Z")
    assert [i for i in agenda(rolodex, "--days", "2") if i["type"] == "birthday"] == []


# --- calendar --------------------------------------------------------------------------------


@seeded_once
def busy(rolodex) -> dict[str, int]:
    return {
        "review": add_event(rolodex, "Review", "--at", "2026-11-24 10:00", "--for", "1h"),
        "demo": add_event(rolodex, "Demo", "--at", "2026-11-24 10:30", "--for", "1h"),
        "after": add_event(rolodex, "After", "--at", "2026-11-24 11:30", "--for", "30m"),
        "gym": add_event(rolodex, "Gym", "--at", "2026-11-23 18:00", "--repeat", "weekly"),
        "fair": add_event(rolodex, "Fair", "--at", "2026-11-24"),
        "task": add_task(rolodex, "Taxes", "--due", "2026-11-26"),
    }


@pytest.mark.parametrize("args", [
    ["calendar"], ["calendar", "--month"], ["calendar", "--month", "2026-11-05"],
    ["calendar", "--week", "2026-11-24"], ["calendar", "--day", "2026-11-24"],
])
def test_calendar_renders_to_a_pipe(rolodex, busy, args):
    out = ok(rolodex(args)).stdout
    for title in ("Review", "Demo", "After"):
        assert title in out
    assert "! 10:00 Review" in out
    assert "! 10:30 Demo" in out
    assert "! 11:30 After" not in out
    assert "\x1b[" not in out
    assert "Traceback" not in out


def test_calendar_month_shows_recurring_events_and_tasks(rolodex, busy):
    out = ok(rolodex("calendar --month 2026-11-01")).stdout
    assert "November 2026" in out
    assert out.count("18:00 Gym") == 2  # 23 and 30 November
    assert "Taxes" in out
    assert "Fair" in out


def test_calendar_week_and_day_titles(rolodex, busy):
    week_out = ok(rolodex("calendar --week 2026-11-26")).stdout
    assert "Week of 23 November 2026" in week_out
    assert "18:00 Gym" in week_out
    day_out = ok(rolodex("calendar --day 2026-11-23")).stdout
    assert "Monday 23 November 2026" in day_out
    assert "Gym" in day_out
    assert "Review" not in day_out


def test_calendar_json_marks_the_overlapping_pair(rolodex, busy):
    items = ok(rolodex("calendar --week 2026-11-24 --format json")).json()
    events = {i["title"]: i for i in items if i["type"] == "event"}
    assert events["Review"]["overlaps"] is True
    assert events["Demo"]["overlaps"] is True
    assert events["After"]["overlaps"] is False  # starts when Demo ends
    assert events["Gym"]["overlaps"] is False
    assert events["Fair"]["overlaps"] is False
    assert all(set(i) == AGENDA_KEYS | {"overlaps"} for i in items)
    assert [i["date"] for i in items if i["type"] == "task"] == ["2026-11-26"]
    assert {i["date"] for i in items} <= {f"2026-11-{d}" for d in range(23, 30)}


def test_calendar_json_day(rolodex, busy):
    items = ok(rolodex("calendar --day 2026-11-24 --format json")).json()
    assert sorted(i["title"] for i in items) == ["After", "Demo", "Fair", "Review"]


def test_calendar_leaves_out_followups(rolodex, monkeypatch):
    added_long_ago(rolodex, monkeypatch, "Lara Lapsed", "--every", "30d")
    items = ok(rolodex("calendar --format json")).json()
    assert [i for i in items if i["type"] == "followup"] == []


def test_calendar_rejects_two_views_and_bad_dates(rolodex):
    assert rolodex("calendar --day --week").exit_code == 5
    bad = rolodex("calendar --week 'not a date'")
    assert bad.exit_code == 5
    assert "cannot read date" in bad.stderr
