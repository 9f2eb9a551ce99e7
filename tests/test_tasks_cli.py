"""``rolodex task ...``: tasks, the done -> history -> next loop, and repeating tasks.

The clock is frozen at Friday 2026-11-20 09:00 UTC (10:00 in Berlin).
"""

from __future__ import annotations

import pytest

TASK_KEYS = {"id", "title", "due", "status", "priority", "contacts"}


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def add_contact(rolodex, *args: str) -> int:
    return int(ok(rolodex(["add", *args])).stdout)


def add_task(rolodex, *args: str) -> int:
    return int(ok(rolodex(["task", "add", *args])).stdout)


def listing(rolodex, *args: str) -> list[dict]:
    return ok(rolodex(["task", "list", *args, "-f", "json"])).json()


def ids(rolodex, *args: str) -> list[int]:
    return [t["id"] for t in listing(rolodex, *args)]


def show(rolodex, task_id: int) -> dict:
    return ok(rolodex(["task", "show", str(task_id), "-f", "json"])).json()


def history(rolodex, *args: str) -> list[dict]:
    return ok(rolodex(["history", *args, "-f", "json"])).json()


def open_series(rolodex, title: str) -> list[dict]:
    return [t for t in listing(rolodex, "--all") if t["title"] == title]


# --- add ---------------------------------------------------------------------------------


def test_add_prints_the_id_and_defaults(rolodex):
    result = ok(rolodex(["task", "add", "Water the plants"]))
    assert result.stdout == "1\n"
    task = show(rolodex, 1)
    assert task["title"] == "Water the plants"
    assert task["status"] == "open"
    assert task["priority"] == "normal"
    assert task["kind"] == "todo"
    assert task["due"] is None
    assert task["all_day"] is False
    assert task["contacts"] == []
    assert task["overdue"] is False


def test_add_for_several_contacts(rolodex, jane):
    john = add_contact(rolodex, "John Roe")
    task_id = add_task(rolodex, "Send proposal", "--for", "jane", "--for", str(john))
    assert [c["id"] for c in show(rolodex, task_id)["contacts"]] == [jane, john]
    assert [c["name"] for c in show(rolodex, task_id)["contacts"]] == ["Jane Doe", "John Roe"]


def test_add_for_contacts_from_stdin(rolodex, jane):
    john = add_contact(rolodex, "John Roe")
    task_id = int(ok(rolodex(["task", "add", "Invite", "--for", "-"],
                             input=f"{jane}\n{john}\n")).stdout)
    assert [c["id"] for c in show(rolodex, task_id)["contacts"]] == [jane, john]


def test_add_for_unknown_contact_is_not_found_and_adds_nothing(rolodex, jane):
    result = rolodex(["task", "add", "x", "--for", "jane", "--for", "nobody-like-this"])
    assert result.exit_code == 3
    assert listing(rolodex, "--all") == []


@pytest.mark.parametrize(("due", "stored", "all_day"), [
    ("2026-12-01", "2026-12-01", True),
    ("tomorrow", "2026-11-21", True),
    ("next monday", "2026-11-23", True),
    ("in 2 weeks", "2026-12-04", True),
    ("end of month", "2026-11-30", True),
    ("fri 3pm", "2026-11-20T14:00:00Z", False),
    ("tomorrow 9am", "2026-11-21T08:00:00Z", False),
    ("2026-12-01 10:30", "2026-12-01T09:30:00Z", False),
    ("in 2 hours", "2026-11-20T11:00:00Z", False),
])
def test_due_forms(rolodex, due, stored, all_day):
    task = show(rolodex, add_task(rolodex, "x", "--due", due))
    assert task["due"] == stored
    assert task["all_day"] is all_day


def test_bad_due_is_invalid(rolodex):
    result = rolodex(["task", "add", "x", "--due", "when pigs fly"])
    assert result.exit_code == 5
    assert result.stderr.startswith("rolodex: cannot read date")
    assert listing(rolodex, "--all") == []


@pytest.mark.parametrize(("option", "value", "allowed"), [
    ("--priority", "urgent", "low, normal, high"),
    ("--kind", "visit", "todo, call, meeting, email"),
])
def test_priority_and_kind_are_validated(rolodex, option, value, allowed):
    result = rolodex(["task", "add", "x", option, value])
    assert result.exit_code == 5
    assert value in result.stderr
    assert allowed in result.stderr
    assert listing(rolodex, "--all") == []


def test_valid_priority_and_kind(rolodex):
    task = show(rolodex, add_task(rolodex, "Ring", "--priority", "high", "--kind", "call",
                                  "--note", "ask for Sam", "--owner", "alice"))
    assert (task["priority"], task["kind"], task["notes"], task["owner"]) == (
        "high", "call", "ask for Sam", "alice")


def test_empty_title_is_invalid(rolodex):
    assert rolodex(["task", "add", "  "]).exit_code == 5


# --- list ------------------------------------------------------------------------------


@pytest.fixture
def board(rolodex, jane) -> dict[str, int]:
    john = add_contact(rolodex, "John Roe")
    made = {
        "old": add_task(rolodex, "Old invoice", "--due", "2026-11-10", "--for", "jane"),
        "this_morning": add_task(rolodex, "Morning call", "--due", "today 08:00",
                                 "--owner", "alice"),
        "today": add_task(rolodex, "Today all day", "--due", "today", "--for", "john"),
        "afternoon": add_task(rolodex, "Afternoon", "--due", "fri 3pm", "--priority", "high",
                              "--for", "jane", "--for", "john"),
        "thursday": add_task(rolodex, "Next thursday", "--due", "2026-11-26", "--owner", "alice"),
        "friday": add_task(rolodex, "Next friday", "--due", "2026-11-27"),
        "undated": add_task(rolodex, "Someday"),
        "done": add_task(rolodex, "Finished", "--due", "2026-11-19", "--for", "jane"),
    }
    ok(rolodex(["task", "done", str(made["done"]), "--no-history"]))
    made["john"] = john
    return made


def test_list_json_has_the_documented_keys(rolodex, board):
    rows = listing(rolodex, "--all")
    assert rows
    for row in rows:
        assert set(row) >= TASK_KEYS


def test_list_shows_open_tasks_soonest_first_undated_last(rolodex, board):
    assert ids(rolodex) == [board[k] for k in ("old", "today", "this_morning", "afternoon",
                                               "thursday", "friday", "undated")]


def test_list_overdue(rolodex, board):
    got = listing(rolodex, "--overdue")
    # 08:00 today is past at 10:00; an all-day task due today is not overdue yet
    assert [t["id"] for t in got] == [board["old"], board["this_morning"]]
    assert all(t["overdue"] for t in got)
    assert show(rolodex, board["today"])["overdue"] is False
    assert show(rolodex, board["afternoon"])["overdue"] is False


def test_list_today(rolodex, board):
    assert set(ids(rolodex, "--today")) == {board["today"], board["this_morning"],
                                            board["afternoon"]}


def test_list_week_is_today_and_six_days(rolodex, board):
    assert set(ids(rolodex, "--week")) == {board["today"], board["this_morning"],
                                           board["afternoon"], board["thursday"]}


def test_list_for_and_owner(rolodex, board):
    assert ids(rolodex, "--for", "jane") == [board["old"], board["afternoon"]]
    assert set(ids(rolodex, "--for", "john")) == {board["today"], board["afternoon"]}
    assert ids(rolodex, "--owner", "alice") == [board["this_morning"], board["thursday"]]
    assert ids(rolodex, "--owner", "nobody") == []


def test_list_all_and_done(rolodex, board):
    assert ids(rolodex, "--done") == [board["done"]]
    everything = ids(rolodex, "--all")
    assert board["done"] in everything and board["undated"] in everything
    assert len(everything) == 8
    statuses = {t["id"]: t["status"] for t in listing(rolodex, "--all")}
    assert statuses[board["done"]] == "done"


def test_overdue_with_all_lists_only_overdue_tasks(rolodex, board):
    """--overdue means 'only overdue tasks', also together with --all or --done: a
    completed task is never overdue (its own JSON says so)."""
    rows = listing(rolodex, "--all", "--overdue")
    assert [t["id"] for t in rows] == [board["old"], board["this_morning"]]
    assert all(t["overdue"] for t in rows)
    assert listing(rolodex, "--done", "--overdue") == []


def test_list_today_follows_the_local_day(rolodex, monkeypatch):
    late = add_task(rolodex, "Late", "--due", "2026-11-21 00:30")  # 23:30 UTC on the 20th
    assert ids(rolodex, "--today") == []
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-20T23:10:00Z")  # 00:10 on the 21st in Berlin
    assert ids(rolodex, "--today") == [late]


def test_list_table_marks_overdue(rolodex, board):
    out = ok(rolodex("task list")).stdout
    assert "Old invoice" in out
    assert "(overdue)" in out
    assert "\x1b[" not in out


# --- done ------------------------------------------------------------------------------


def test_done_closes_the_task_and_records_history(rolodex, jane):
    john = add_contact(rolodex, "John Roe")
    task_id = add_task(rolodex, "Call about renewal", "--kind", "call", "--for", "jane",
                       "--for", "john", "--due", "2026-11-19")
    result = ok(rolodex(["task", "done", str(task_id), "--outcome", "they signed"]))
    assert f"done #{task_id}" in result.stderr
    task = show(rolodex, task_id)
    assert task["status"] == "done"
    assert task["completed"] == "2026-11-20T09:00:00Z"
    assert task["overdue"] is False
    assert ids(rolodex) == []
    entries = history(rolodex)
    assert len(entries) == 1
    entry = entries[0]
    assert entry["kind"] == "call"
    assert entry["text"] == "Call about renewal: they signed"
    assert entry["outcome"] == "they signed"
    assert entry["at"] == "2026-11-20T09:00:00Z"
    assert entry["task_id"] == task_id
    assert [c["id"] for c in entry["contacts"]] == [jane, john]


@pytest.mark.parametrize(("task_kind", "history_kind"), [
    ("todo", "note"), ("call", "call"), ("meeting", "meeting"), ("email", "email")])
def test_done_history_kind_follows_the_task_kind(rolodex, jane, task_kind, history_kind):
    task_id = add_task(rolodex, "Thing", "--kind", task_kind, "--for", "jane")
    ok(rolodex(["task", "done", str(task_id)]))
    entry = history(rolodex, "jane")[0]
    assert entry["kind"] == history_kind
    assert entry["text"] == "Thing"


def test_done_sets_last_contacted(rolodex, jane, monkeypatch):
    task_id = add_task(rolodex, "Ring", "--kind", "call", "--for", "jane")
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-20T15:45:00Z")
    ok(rolodex(["task", "done", str(task_id)]))
    jane_json = ok(rolodex("contact show jane -f json")).json()
    assert jane_json["last_contacted"] == "2026-11-20T15:45:00Z"


def test_done_next_schedules_a_follow_up_for_the_same_people(rolodex, jane):
    john = add_contact(rolodex, "John Roe")
    task_id = add_task(rolodex, "Send proposal", "--kind", "email", "--priority", "high",
                       "--for", "jane", "--for", "john", "--due", "today")
    result = ok(rolodex(["task", "done", str(task_id), "--next", "in 3 days"]))
    assert "follow-up task" in result.stderr
    (follow,) = listing(rolodex)
    assert follow["title"] == "Follow up: Send proposal"
    assert follow["due"] == "2026-11-23"
    assert follow["status"] == "open"
    assert follow["kind"] == "email"
    assert follow["priority"] == "high"
    assert follow["previous_id"] == task_id
    assert [c["id"] for c in follow["contacts"]] == [jane, john]
    # completing the follow-up with --next does not stack "Follow up: Follow up:"
    ok(rolodex(["task", "done", str(follow["id"]), "--next", "mon 9am"]))
    (again,) = listing(rolodex)
    assert again["title"] == "Follow up: Send proposal"
    assert again["due"] == "2026-11-23T08:00:00Z"


def test_done_no_history_skips_the_entry(rolodex, jane):
    task_id = add_task(rolodex, "Quiet", "--for", "jane")
    ok(rolodex(["task", "done", str(task_id), "--no-history"]))
    assert show(rolodex, task_id)["status"] == "done"
    assert history(rolodex) == []


def test_done_without_contacts_writes_no_history(rolodex):
    task_id = add_task(rolodex, "Alone")
    ok(rolodex(["task", "done", str(task_id)]))
    assert history(rolodex) == []


def test_done_twice_is_invalid(rolodex, jane):
    task_id = add_task(rolodex, "Once", "--for", "jane")
    ok(rolodex(["task", "done", str(task_id)]))
    again = rolodex(["task", "done", str(task_id)])
    assert again.exit_code == 5
    assert "already done" in again.stderr
    assert len(history(rolodex)) == 1


def test_done_several_at_once(rolodex, jane):
    first = add_task(rolodex, "One", "--for", "jane")
    second = add_task(rolodex, "Two", "--for", "jane")
    ok(rolodex(["task", "done", str(first), str(second)]))
    assert {show(rolodex, t)["status"] for t in (first, second)} == {"done"}
    assert sorted(e["text"] for e in history(rolodex)) == ["One", "Two"]


def test_done_unknown_task_is_not_found_and_changes_nothing(rolodex, jane):
    real = add_task(rolodex, "Real", "--for", "jane")
    result = rolodex(["task", "done", str(real), "999"])
    assert result.exit_code == 3
    assert "999" in result.stderr
    assert show(rolodex, real)["status"] == "open"
    assert history(rolodex) == []


def test_done_with_bad_next_changes_nothing(rolodex, jane):
    task_id = add_task(rolodex, "Real", "--for", "jane")
    result = rolodex(["task", "done", str(task_id), "--next", "whenever"])
    assert result.exit_code == 5
    assert show(rolodex, task_id)["status"] == "open"
    assert history(rolodex) == []


# --- snooze, edit, reopen, cancel, rm -------------------------------------------------


def test_snooze_changes_due(rolodex):
    task_id = add_task(rolodex, "Later", "--due", "2026-11-18")
    assert show(rolodex, task_id)["overdue"] is True
    ok(rolodex(["task", "snooze", str(task_id), "next monday 9am"]))
    task = show(rolodex, task_id)
    assert task["due"] == "2026-11-23T08:00:00Z"
    assert task["all_day"] is False
    assert task["overdue"] is False
    ok(rolodex(["task", "snooze", str(task_id), "2026-12-01"]))
    assert show(rolodex, task_id)["due"] == "2026-12-01"


def test_snooze_bad_date_and_unknown_task(rolodex):
    task_id = add_task(rolodex, "Later", "--due", "2026-11-25")
    bad = rolodex(["task", "snooze", str(task_id), "eventually"])
    assert bad.exit_code == 5
    assert show(rolodex, task_id)["due"] == "2026-11-25"
    missing = rolodex(["task", "snooze", "42", "tomorrow"])
    assert missing.exit_code == 3
    assert "no task #42" in missing.stderr


def test_edit(rolodex, jane):
    john = add_contact(rolodex, "John Roe")
    task_id = add_task(rolodex, "Draft", "--for", "jane", "--due", "2026-11-25",
                       "--note", "n")
    ok(rolodex(["task", "edit", str(task_id), "--title", "Final", "--priority", "high",
                "--kind", "meeting", "--owner", "alice", "--for", "john", "--not-for", "jane"]))
    task = show(rolodex, task_id)
    assert task["title"] == "Final"
    assert task["priority"] == "high"
    assert task["kind"] == "meeting"
    assert task["owner"] == "alice"
    assert [c["id"] for c in task["contacts"]] == [john]
    ok(rolodex(["task", "edit", str(task_id), "--due", "", "--note", ""]))
    task = show(rolodex, task_id)
    assert task["due"] is None
    assert task["notes"] is None


def test_edit_validates(rolodex):
    task_id = add_task(rolodex, "Draft")
    assert rolodex(["task", "edit", str(task_id), "--priority", "urgent"]).exit_code == 5
    assert rolodex(["task", "edit", str(task_id), "--due", "nope"]).exit_code == 5
    assert rolodex(["task", "edit", "77", "--title", "x"]).exit_code == 3
    assert show(rolodex, task_id)["priority"] == "normal"


def test_reopen_and_cancel(rolodex, jane):
    task_id = add_task(rolodex, "Toggle", "--for", "jane")
    ok(rolodex(["task", "done", str(task_id)]))
    ok(rolodex(["task", "reopen", str(task_id)]))
    task = show(rolodex, task_id)
    assert task["status"] == "open"
    assert task["completed"] is None
    assert ids(rolodex) == [task_id]
    ok(rolodex(["task", "cancel", str(task_id)]))
    assert show(rolodex, task_id)["status"] == "cancelled"
    assert ids(rolodex) == []
    assert ids(rolodex, "--done") == []
    assert ids(rolodex, "--all") == [task_id]
    # a reopened task can be completed again
    ok(rolodex(["task", "reopen", str(task_id)]))
    ok(rolodex(["task", "done", str(task_id)]))
    assert show(rolodex, task_id)["status"] == "done"


def test_rm_needs_yes_without_a_terminal(rolodex):
    task_id = add_task(rolodex, "Doomed")
    refused = rolodex(["task", "rm", str(task_id)])
    assert refused.exit_code == 9
    assert "--yes" in refused.stderr
    assert show(rolodex, task_id)["title"] == "Doomed"
    ok(rolodex(["task", "rm", str(task_id), "--yes"]))
    gone = rolodex(["task", "show", str(task_id)])
    assert gone.exit_code == 3
    assert ids(rolodex, "--all") == []


def test_rm_keeps_the_history_of_a_completed_task(rolodex, jane):
    task_id = add_task(rolodex, "Logged", "--for", "jane")
    ok(rolodex(["task", "done", str(task_id)]))
    ok(rolodex(["task", "rm", str(task_id), "--yes"]))
    (entry,) = history(rolodex)
    assert entry["text"] == "Logged"
    assert entry["task_id"] is None


def test_rm_unknown_is_not_found(rolodex):
    assert rolodex(["task", "rm", "5", "--yes"]).exit_code == 3


# --- repeating tasks ---------------------------------------------------------------------


def test_every_two_weeks_creates_the_next_fourteen_days_later(rolodex, jane):
    task_id = add_task(rolodex, "Timesheet", "--due", "2026-11-20", "--for", "jane",
                       "--repeat", "every 2 weeks")
    assert show(rolodex, task_id)["rrule"] == "FREQ=WEEKLY;INTERVAL=2"
    result = ok(rolodex(["task", "done", str(task_id)]))
    assert "next occurrence" in result.stderr
    (nxt,) = listing(rolodex)
    assert nxt["id"] != task_id
    assert nxt["title"] == "Timesheet"
    assert nxt["due"] == "2026-12-04"
    assert nxt["rrule"] == "FREQ=WEEKLY;INTERVAL=2"
    assert nxt["previous_id"] == task_id
    assert [c["id"] for c in nxt["contacts"]] == [jane]
    ok(rolodex(["task", "done", str(nxt["id"])]))
    assert [t["due"] for t in listing(rolodex)] == ["2026-12-18"]


def test_repeating_timed_task_keeps_its_local_time(rolodex):
    task_id = add_task(rolodex, "Standup notes", "--due", "fri 3pm", "--repeat", "weekly")
    ok(rolodex(["task", "done", str(task_id)]))
    assert [t["due"] for t in listing(rolodex)] == ["2026-11-27T14:00:00Z"]


def test_repeating_task_across_the_spring_clock_change_keeps_local_time(rolodex,
                                                                         monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2027-03-26T08:00:00Z")
    task_id = add_task(rolodex, "Report", "--due", "2027-03-26 16:00", "--repeat", "weekly")
    assert show(rolodex, task_id)["due"] == "2027-03-26T15:00:00Z"
    ok(rolodex(["task", "done", str(task_id)]))
    # 16:00 CEST on 2 April is 14:00 UTC
    assert [t["due"] for t in listing(rolodex)] == ["2027-04-02T14:00:00Z"]


def test_monthly_on_the_last_friday(rolodex):
    task_id = add_task(rolodex, "Invoices", "--due", "2026-11-27",
                       "--repeat", "monthly on the last friday")
    ok(rolodex(["task", "done", str(task_id)]))
    (nxt,) = listing(rolodex)
    assert nxt["due"] == "2026-12-25"
    ok(rolodex(["task", "done", str(nxt["id"])]))
    assert [t["due"] for t in listing(rolodex)] == ["2027-01-29"]


def test_count_stops_after_the_last_occurrence(rolodex):
    first = add_task(rolodex, "Twice", "--due", "2026-11-20", "--repeat", "FREQ=WEEKLY;COUNT=2")
    result = ok(rolodex(["task", "done", str(first)]))
    assert "next occurrence" in result.stderr
    (second,) = listing(rolodex)
    assert second["due"] == "2026-11-27"
    result = ok(rolodex(["task", "done", str(second["id"])]))
    assert "next occurrence" not in result.stderr
    assert listing(rolodex) == []
    assert [t["status"] for t in open_series(rolodex, "Twice")] == ["done", "done"]


def test_count_is_kept_when_an_occurrence_is_snoozed(rolodex):
    first = add_task(rolodex, "Thrice", "--due", "2026-11-20",
                     "--repeat", "FREQ=WEEKLY;COUNT=3")
    ok(rolodex(["task", "done", str(first)]))
    (second,) = listing(rolodex)
    ok(rolodex(["task", "snooze", str(second["id"]), "2026-11-28"]))
    ok(rolodex(["task", "done", str(second["id"])]))
    (third,) = listing(rolodex)
    assert third["due"] == "2026-12-04"
    ok(rolodex(["task", "done", str(third["id"])]))
    assert listing(rolodex) == []


def test_until_date_includes_that_day(rolodex):
    first = add_task(rolodex, "Until", "--due", "2026-11-20",
                     "--repeat", "weekly until 2026-12-04")
    ok(rolodex(["task", "done", str(first)]))
    (second,) = listing(rolodex)
    assert second["due"] == "2026-11-27"
    ok(rolodex(["task", "done", str(second["id"])]))
    (third,) = listing(rolodex)
    assert third["due"] == "2026-12-04"
    ok(rolodex(["task", "done", str(third["id"])]))
    assert listing(rolodex) == []


def test_until_instant_cuts_a_timed_series(rolodex):
    first = add_task(rolodex, "Nightly", "--due", "2026-11-20 23:30",
                     "--repeat", "FREQ=DAILY;UNTIL=20261121T230000Z")
    ok(rolodex(["task", "done", str(first)]))
    (second,) = listing(rolodex)
    assert second["due"] == "2026-11-21T22:30:00Z"
    ok(rolodex(["task", "done", str(second["id"])]))
    assert listing(rolodex) == []


def test_repeating_task_without_due_is_invalid(rolodex):
    result = rolodex(["task", "add", "Forever", "--repeat", "weekly"])
    assert result.exit_code == 5
    assert "--due" in result.stderr
    assert listing(rolodex, "--all") == []


@pytest.mark.parametrize("rule", ["every blue moon", "FREQ=HOURLY;BYHOUR=25", "FREQ=WEEKLY;COUNT=0",
                                  "FREQ=WEEKLY;BYDAY=XX"])
def test_bad_rule_is_invalid(rolodex, rule):
    result = rolodex(["task", "add", "Odd", "--due", "tomorrow", "--repeat", rule])
    assert result.exit_code == 5
    assert "cannot read repeat rule" in result.stderr
    assert "Traceback" not in result.stderr
    assert listing(rolodex, "--all") == []


def test_edit_repeat_on_an_undated_task_is_invalid(rolodex):
    task_id = add_task(rolodex, "Undated")
    assert rolodex(["task", "edit", str(task_id), "--repeat", "weekly"]).exit_code == 5
    assert show(rolodex, task_id)["rrule"] is None


def test_edit_repeat_then_stop_repeating(rolodex):
    task_id = add_task(rolodex, "Sometimes", "--due", "2026-11-20")
    ok(rolodex(["task", "edit", str(task_id), "--repeat", "daily"]))
    assert show(rolodex, task_id)["rrule"] == "FREQ=DAILY"
    ok(rolodex(["task", "edit", str(task_id), "--repeat", ""]))
    assert show(rolodex, task_id)["rrule"] is None
    ok(rolodex(["task", "done", str(task_id)]))
    assert listing(rolodex) == []


def test_done_repeating_with_next_makes_both(rolodex, jane):
    task_id = add_task(rolodex, "Check in", "--kind", "call", "--for", "jane",
                       "--due", "2026-11-20", "--repeat", "monthly")
    ok(rolodex(["task", "done", str(task_id), "--next", "tomorrow"]))
    dues = sorted((t["title"], t["due"]) for t in listing(rolodex))
    assert dues == [("Check in", "2026-12-20"), ("Follow up: Check in", "2026-11-21")]
    assert history(rolodex)[0]["kind"] == "call"


def test_done_records_history_even_when_note_is_not_a_listed_kind(rolodex, jane):
    ok(rolodex(["config", "set", "history.kinds", "call,meeting"]))
    task_id = add_task(rolodex, "Tidy the files", "--for", "jane")
    ok(rolodex(["task", "done", str(task_id)]))
    assert show(rolodex, task_id)["status"] == "done"
    assert [(h["kind"], h["text"]) for h in history(rolodex)] == [("note", "Tidy the files")]
