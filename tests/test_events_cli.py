"""``rolodex event ...``: one-off, all-day and recurring events, skipped and moved dates.

Berlin leaves summer time on 2026-10-25 and enters it on 2027-03-28; New York enters it
on 2027-03-14.
"""

from __future__ import annotations

import pytest

EVENT_KEYS = {"id", "uid", "title", "start", "end", "all_day", "rrule", "contacts", "location"}


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def add_contact(rolodex, *args: str) -> int:
    return int(ok(rolodex(["add", *args])).stdout)


def add_event(rolodex, *args: str) -> int:
    return int(ok(rolodex(["event", "add", *args])).stdout)


def occurrences(rolodex, first: str, last: str, *args: str) -> list[dict]:
    return ok(rolodex(["event", "list", "--from", first, "--to", last, *args,
                       "-f", "json"])).json()


def show(rolodex, event_id: int) -> dict:
    return ok(rolodex(["event", "show", str(event_id), "-f", "json"])).json()


def starts(rows: list[dict], title: str | None = None) -> list[str]:
    return [r["start"] for r in rows if title is None or r["title"] == title]


# --- add -----------------------------------------------------------------------------------


def test_timed_event_with_for(rolodex):
    event_id = add_event(rolodex, "Call with Acme", "--at", "2026-11-23 10:00", "--for", "30m")
    event = show(rolodex, event_id)
    assert event["start"] == "2026-11-23T09:00:00Z"
    assert event["end"] == "2026-11-23T09:30:00Z"
    assert event["all_day"] is False
    assert event["rrule"] is None
    assert event["tz"] == "Europe/Berlin"


def test_timed_event_defaults_to_one_hour(rolodex):
    event = show(rolodex, add_event(rolodex, "Meet", "--at", "fri 3pm"))
    assert (event["start"], event["end"]) == ("2026-11-20T14:00:00Z", "2026-11-20T15:00:00Z")


def test_timed_event_with_until(rolodex):
    event = show(rolodex, add_event(rolodex, "Workshop", "--at", "2026-11-24 09:00",
                                    "--until", "2026-11-24 12:30"))
    assert (event["start"], event["end"]) == ("2026-11-24T08:00:00Z", "2026-11-24T11:30:00Z")


def test_until_with_only_a_time_ends_on_the_start_day(rolodex):
    """'--at "2026-11-25 15:00" --until 17:00' is a two-hour event on the 25th, not an
    error because 17:00 today (the 20th) is before the start."""
    event = show(rolodex, add_event(rolodex, "Workshop", "--at", "2026-11-25 15:00",
                                    "--until", "17:00"))
    assert (event["start"], event["end"]) == ("2026-11-25T14:00:00Z", "2026-11-25T16:00:00Z")


def test_until_with_only_a_time_for_an_event_before_today(rolodex):
    event = show(rolodex, add_event(rolodex, "Looked back", "--at", "2026-11-18 15:00",
                                    "--until", "5pm"))
    assert (event["start"], event["end"]) == ("2026-11-18T14:00:00Z", "2026-11-18T16:00:00Z")


def test_all_day_from_a_date(rolodex):
    event = show(rolodex, add_event(rolodex, "Christmas Eve", "--at", "2026-12-24"))
    assert event["all_day"] is True
    assert (event["start"], event["end"]) == ("2026-12-24", "2026-12-25")
    assert event["tz"] is None


def test_all_day_flag_drops_the_time(rolodex):
    event = show(rolodex, add_event(rolodex, "Offsite", "--at", "2026-12-02 10:00",
                                    "--all-day"))
    assert event["all_day"] is True
    assert (event["start"], event["end"]) == ("2026-12-02", "2026-12-03")


def test_multi_day_all_day_event(rolodex):
    event_id = add_event(rolodex, "Conference", "--at", "2026-12-01", "--for", "2d")
    event = show(rolodex, event_id)
    assert (event["start"], event["end"]) == ("2026-12-01", "2026-12-03")
    # it shows in a window that only touches its second day
    assert [r["id"] for r in occurrences(rolodex, "2026-12-02", "2026-12-02")] == [event_id]
    assert occurrences(rolodex, "2026-12-03", "2026-12-05") == []


def test_all_day_until_is_inclusive(rolodex):
    event = show(rolodex, add_event(rolodex, "Holiday", "--at", "2026-12-21",
                                    "--until", "2026-12-23"))
    assert (event["start"], event["end"]) == ("2026-12-21", "2026-12-24")


def test_with_contacts_and_location(rolodex, jane):
    john = add_contact(rolodex, "John Roe")
    event_id = add_event(rolodex, "Kickoff", "--at", "2026-11-25 14:00", "--with", "jane",
                         "--with", str(john), "--where", "Acme HQ", "--note", "bring slides")
    event = show(rolodex, event_id)
    assert [c["id"] for c in event["contacts"]] == [jane, john]
    assert event["location"] == "Acme HQ"
    assert event["notes"] == "bring slides"
    assert [r["id"] for r in occurrences(rolodex, "2026-11-20", "2026-11-30", "--with", "john")
            ] == [event_id]
    other = add_event(rolodex, "Alone", "--at", "2026-11-26 14:00")
    assert other not in [r["id"] for r in
                         occurrences(rolodex, "2026-11-20", "2026-11-30", "--with", "jane")]


def test_event_json_keys(rolodex, jane):
    add_event(rolodex, "A", "--at", "2026-11-25 14:00", "--with", "jane")
    add_event(rolodex, "B", "--at", "2026-11-26", "--repeat", "weekly")
    rows = occurrences(rolodex, "2026-11-20", "2026-12-10")
    assert rows
    for row in rows:
        assert set(row) >= EVENT_KEYS
    assert set(show(rolodex, 1)) >= EVENT_KEYS


def test_until_before_at_is_invalid(rolodex):
    result = rolodex(["event", "add", "Backwards", "--at", "2026-11-23 12:00",
                      "--until", "2026-11-23 11:00"])
    assert result.exit_code == 5
    assert result.stderr.startswith("rolodex: ")
    assert occurrences(rolodex, "2026-11-20", "2026-11-30") == []


def test_all_day_until_before_at_is_invalid(rolodex):
    result = rolodex(["event", "add", "Backwards", "--at", "2026-11-23", "--until", "2026-11-21"])
    assert result.exit_code == 5
    assert occurrences(rolodex, "2026-11-20", "2026-11-30") == []


@pytest.mark.parametrize("args", [
    ["--at", "sometime"],
    ["--at", "2026-11-23 10:00", "--for", "ages"],
    ["--at", "2026-11-23 10:00", "--repeat", "every blue moon"],
    ["--at", "2026-11-23 10:00", "--for", "30m", "--until", "2026-11-23 11:00"],
    ["--at", "2026-11-23 10:00", "--tz", "Mars/Olympus"],
])
def test_bad_input_is_invalid_and_adds_nothing(rolodex, args):
    result = rolodex(["event", "add", "X", *args])
    assert result.exit_code == 5
    assert result.stderr.startswith("rolodex: ")
    assert "Traceback" not in result.stderr
    assert occurrences(rolodex, "2026-11-20", "2026-11-30") == []


def test_unknown_contact_is_not_found(rolodex):
    result = rolodex(["event", "add", "X", "--at", "2026-11-23 10:00", "--with", "nobody-here"])
    assert result.exit_code == 3
    assert occurrences(rolodex, "2026-11-20", "2026-11-30") == []


# --- list and recurrence ----------------------------------------------------------------


def test_list_defaults_to_today_and_thirty_days(rolodex):
    add_event(rolodex, "Past", "--at", "2026-11-19 10:00")
    soon = add_event(rolodex, "Soon", "--at", "2026-12-18 10:00")
    add_event(rolodex, "Far", "--at", "2027-01-05 10:00")
    rows = ok(rolodex("event list -f json")).json()
    assert [r["id"] for r in rows] == [soon]


def test_list_is_sorted_by_start(rolodex):
    add_event(rolodex, "Second", "--at", "2026-11-24 09:00")
    add_event(rolodex, "Allday", "--at", "2026-11-24")
    add_event(rolodex, "First", "--at", "2026-11-23 18:00")
    rows = occurrences(rolodex, "2026-11-23", "2026-11-24")
    assert [r["title"] for r in rows] == ["First", "Allday", "Second"]


def test_to_before_from_is_invalid(rolodex):
    result = rolodex("event list --from 2026-12-01 --to 2026-11-01")
    assert result.exit_code == 5


def test_recurring_event_is_expanded_with_own_start_and_end(rolodex):
    event_id = add_event(rolodex, "Standup", "--at", "2026-11-23 09:30", "--for", "15m",
                         "--repeat", "every mon and wed")
    rows = occurrences(rolodex, "2026-11-23", "2026-12-03")
    assert [r["id"] for r in rows] == [event_id] * 4
    assert [(r["start"], r["end"]) for r in rows] == [
        ("2026-11-23T08:30:00Z", "2026-11-23T08:45:00Z"),
        ("2026-11-25T08:30:00Z", "2026-11-25T08:45:00Z"),
        ("2026-11-30T08:30:00Z", "2026-11-30T08:45:00Z"),
        ("2026-12-02T08:30:00Z", "2026-12-02T08:45:00Z"),
    ]
    assert all(r["rrule"] == "FREQ=WEEKLY;BYDAY=MO,WE" for r in rows)


def test_recurring_event_window_far_from_its_start(rolodex):
    add_event(rolodex, "Daily", "--at", "2026-01-01 07:00", "--repeat", "daily")
    rows = occurrences(rolodex, "2026-11-23", "2026-11-24")
    assert starts(rows) == ["2026-11-23T06:00:00Z", "2026-11-24T06:00:00Z"]


def test_weekly_berlin_meeting_stays_at_local_time_across_spring_change(rolodex):
    add_event(rolodex, "Sync", "--at", "2027-03-15 16:15", "--for", "30m", "--repeat", "weekly")
    rows = occurrences(rolodex, "2027-03-15", "2027-03-31")
    assert [(r["start"], r["end"]) for r in rows] == [
        ("2027-03-15T15:15:00Z", "2027-03-15T15:45:00Z"),
        ("2027-03-22T15:15:00Z", "2027-03-22T15:45:00Z"),
        ("2027-03-29T14:15:00Z", "2027-03-29T14:45:00Z"),
    ]
    table = ok(rolodex("event list --from 2027-03-15 --to 2027-03-31")).stdout
    assert table.count("16:15") == 3


def test_weekly_meeting_across_autumn_change(rolodex):
    add_event(rolodex, "Sync", "--at", "2026-10-19 09:30", "--repeat", "weekly")
    assert starts(occurrences(rolodex, "2026-10-19", "2026-11-02")) == [
        "2026-10-19T07:30:00Z", "2026-10-26T08:30:00Z", "2026-11-02T08:30:00Z"]


def test_event_in_another_zone_follows_that_zones_rules(rolodex):
    event_id = add_event(rolodex, "NY call", "--at", "2027-03-08 10:00", "--tz",
                         "America/New_York", "--repeat", "weekly")
    assert show(rolodex, event_id)["tz"] == "America/New_York"
    # 10:00 New York: EST until 14 March, EDT after
    assert starts(occurrences(rolodex, "2027-03-08", "2027-03-31")) == [
        "2027-03-08T15:00:00Z", "2027-03-15T14:00:00Z", "2027-03-22T14:00:00Z",
        "2027-03-29T14:00:00Z"]


def test_until_in_utc_is_honoured(rolodex):
    # Fridays 00:30 Berlin: 1 Jan 2027 00:30 CET is 2026-12-31T23:30Z, before UNTIL
    add_event(rolodex, "Late", "--at", "2026-12-04 00:30", "--repeat",
              "FREQ=WEEKLY;UNTIL=20270101T000000Z")
    assert starts(occurrences(rolodex, "2026-12-01", "2027-01-31")) == [
        "2026-12-03T23:30:00Z", "2026-12-10T23:30:00Z", "2026-12-17T23:30:00Z",
        "2026-12-24T23:30:00Z", "2026-12-31T23:30:00Z"]


def test_until_cuts_a_daytime_series(rolodex):
    add_event(rolodex, "Review", "--at", "2026-12-04 10:00", "--repeat",
              "FREQ=WEEKLY;UNTIL=20270101T000000Z")
    assert starts(occurrences(rolodex, "2026-12-01", "2027-01-31")) == [
        "2026-12-04T09:00:00Z", "2026-12-11T09:00:00Z", "2026-12-18T09:00:00Z",
        "2026-12-25T09:00:00Z"]


def test_count_limits_occurrences(rolodex):
    add_event(rolodex, "Course", "--at", "2026-11-23 18:00", "--repeat", "FREQ=DAILY;COUNT=3")
    assert len(occurrences(rolodex, "2026-11-20", "2026-12-31")) == 3


def test_bysetpos_last_weekday_of_the_month(rolodex):
    add_event(rolodex, "Payroll", "--at", "2026-11-30", "--repeat",
              "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1")
    assert starts(occurrences(rolodex, "2026-11-01", "2027-02-28")) == [
        "2026-11-30", "2026-12-31", "2027-01-29", "2027-02-26"]


def test_monthly_on_the_second_tuesday_phrase(rolodex):
    add_event(rolodex, "Meetup", "--at", "2026-12-08 19:00",
              "--repeat", "monthly on the 2nd tuesday")
    assert starts(occurrences(rolodex, "2026-12-01", "2027-02-28")) == [
        "2026-12-08T18:00:00Z", "2027-01-12T18:00:00Z", "2027-02-09T18:00:00Z"]


def test_weekly_all_day_event(rolodex):
    add_event(rolodex, "Home office", "--at", "2026-11-20", "--repeat", "weekly")
    rows = occurrences(rolodex, "2026-11-20", "2026-12-06")
    assert [(r["start"], r["end"]) for r in rows] == [
        ("2026-11-20", "2026-11-21"), ("2026-11-27", "2026-11-28"), ("2026-12-04", "2026-12-05")]
    assert all(r["all_day"] for r in rows)


# --- skip and move ----------------------------------------------------------------------


@pytest.fixture
def sync(rolodex) -> int:
    return add_event(rolodex, "Sync", "--at", "2027-03-15 16:15", "--for", "30m",
                     "--repeat", "weekly")


def test_skip_removes_one_occurrence(rolodex, sync):
    ok(rolodex(["event", "skip", str(sync), "2027-03-22"]))
    assert starts(occurrences(rolodex, "2027-03-15", "2027-04-05")) == [
        "2027-03-15T15:15:00Z", "2027-03-29T14:15:00Z", "2027-04-05T14:15:00Z"]
    exceptions = show(rolodex, sync)["exceptions"]
    assert exceptions == [{"original": "2027-03-22T15:15:00Z", "start": None, "end": None,
                           "cancelled": True, "title": None,
                           "location": None}]


def test_skip_after_the_clock_change(rolodex, sync):
    ok(rolodex(["event", "skip", str(sync), "2027-03-29"]))
    assert starts(occurrences(rolodex, "2027-03-15", "2027-04-05")) == [
        "2027-03-15T15:15:00Z", "2027-03-22T15:15:00Z", "2027-04-05T14:15:00Z"]


def test_move_shows_the_new_time_not_the_old(rolodex, sync):
    ok(rolodex(["event", "move", str(sync), "2027-03-22", "2027-03-23 10:00"]))
    rows = occurrences(rolodex, "2027-03-15", "2027-03-31")
    assert [(r["start"], r["end"], r["moved"]) for r in rows] == [
        ("2027-03-15T15:15:00Z", "2027-03-15T15:45:00Z", False),
        ("2027-03-23T09:00:00Z", "2027-03-23T09:30:00Z", True),
        ("2027-03-29T14:15:00Z", "2027-03-29T14:45:00Z", False),
    ]
    assert occurrences(rolodex, "2027-03-22", "2027-03-22") == []
    assert [r["start"] for r in occurrences(rolodex, "2027-03-23", "2027-03-23")] == [
        "2027-03-23T09:00:00Z"]


def test_move_far_away_shows_in_the_new_window(rolodex, sync):
    ok(rolodex(["event", "move", str(sync), "2027-03-22", "2027-05-03 08:00"]))
    assert starts(occurrences(rolodex, "2027-03-20", "2027-03-24")) == []
    may = occurrences(rolodex, "2027-05-03", "2027-05-03")
    assert [(r["start"], r["moved"]) for r in may] == [
        ("2027-05-03T06:00:00Z", True), ("2027-05-03T14:15:00Z", False)]


def test_moving_twice_keeps_only_the_latest(rolodex, sync):
    ok(rolodex(["event", "move", str(sync), "2027-03-22", "2027-03-23 10:00"]))
    ok(rolodex(["event", "move", str(sync), "2027-03-22", "2027-03-24 11:00"]))
    assert starts(occurrences(rolodex, "2027-03-20", "2027-03-26")) == ["2027-03-24T10:00:00Z"]
    assert len(show(rolodex, sync)["exceptions"]) == 1


def test_skip_on_a_day_without_occurrence_is_not_found(rolodex, sync):
    result = rolodex(["event", "skip", str(sync), "2027-03-23"])
    assert result.exit_code == 3
    assert "2027-03-23" in result.stderr
    assert show(rolodex, sync)["exceptions"] == []


def test_skip_before_the_series_starts_is_not_found(rolodex, sync):
    assert rolodex(["event", "skip", str(sync), "2027-03-08"]).exit_code == 3


def test_skip_on_a_non_repeating_event_is_invalid(rolodex):
    event_id = add_event(rolodex, "Once", "--at", "2026-11-25 10:00")
    result = rolodex(["event", "skip", str(event_id), "2026-11-25"])
    assert result.exit_code == 5
    assert "does not repeat" in result.stderr
    assert len(occurrences(rolodex, "2026-11-25", "2026-11-25")) == 1


def test_move_on_a_day_without_occurrence_is_not_found(rolodex, sync):
    result = rolodex(["event", "move", str(sync), "2027-03-23", "2027-03-24 10:00"])
    assert result.exit_code == 3


def test_skip_and_move_unknown_event(rolodex):
    assert rolodex("event skip 99 2027-03-22").exit_code == 3
    assert rolodex("event move 99 2027-03-22 '2027-03-23 10:00'").exit_code == 3


def test_skip_bad_date_is_invalid(rolodex, sync):
    result = rolodex(["event", "skip", str(sync), "the 32nd"])
    assert result.exit_code == 5
    assert "cannot read date" in result.stderr


def test_skip_all_day_recurring(rolodex):
    event_id = add_event(rolodex, "Home office", "--at", "2026-11-20", "--repeat", "weekly")
    ok(rolodex(["event", "skip", str(event_id), "2026-11-27"]))
    assert starts(occurrences(rolodex, "2026-11-20", "2026-12-06")) == [
        "2026-11-20", "2026-12-04"]


# --- show, edit, rm ------------------------------------------------------------------------


def test_show_unknown_is_not_found(rolodex):
    result = rolodex("event show 12")
    assert result.exit_code == 3
    assert "no event #12" in result.stderr


def test_show_table(rolodex, jane):
    event_id = add_event(rolodex, "Kickoff", "--at", "2026-11-25 14:00", "--with", "jane",
                         "--repeat", "monthly on the last friday")
    out = ok(rolodex(["event", "show", str(event_id)])).stdout
    assert "Kickoff" in out
    assert "2026-11-25 14:00" in out
    assert "Jane Doe" in out
    assert "last Friday" in out


def test_edit_title_time_and_people(rolodex, jane):
    john = add_contact(rolodex, "John Roe")
    event_id = add_event(rolodex, "Draft", "--at", "2026-11-25 14:00", "--with", "jane",
                         "--where", "Room 1")
    ok(rolodex(["event", "edit", str(event_id), "--title", "Review", "--at",
                "2026-11-26 15:00", "--for", "90m", "--with", "john", "--without", "jane",
                "--where", ""]))
    event = show(rolodex, event_id)
    assert event["title"] == "Review"
    assert (event["start"], event["end"]) == ("2026-11-26T14:00:00Z", "2026-11-26T15:30:00Z")
    assert [c["id"] for c in event["contacts"]] == [john]
    assert event["location"] is None


def test_edit_length_only_keeps_the_start(rolodex):
    event_id = add_event(rolodex, "Call", "--at", "2026-11-25 14:00")
    ok(rolodex(["event", "edit", str(event_id), "--for", "45m"]))
    event = show(rolodex, event_id)
    assert (event["start"], event["end"]) == ("2026-11-25T13:00:00Z", "2026-11-25T13:45:00Z")


def test_edit_repeat_and_stop(rolodex):
    event_id = add_event(rolodex, "Call", "--at", "2026-11-25 14:00")
    ok(rolodex(["event", "edit", str(event_id), "--repeat", "weekly"]))
    assert len(occurrences(rolodex, "2026-11-25", "2026-12-09")) == 3
    ok(rolodex(["event", "edit", str(event_id), "--repeat", ""]))
    assert len(occurrences(rolodex, "2026-11-25", "2026-12-09")) == 1


def test_edit_validates(rolodex):
    event_id = add_event(rolodex, "Call", "--at", "2026-11-25 14:00")
    assert rolodex(["event", "edit", str(event_id)]).exit_code == 5
    assert rolodex(["event", "edit", str(event_id), "--at", "blah"]).exit_code == 5
    assert rolodex(["event", "edit", str(event_id), "--until", "2026-11-25 13:00"]
                   ).exit_code == 5
    assert rolodex(["event", "edit", "99", "--title", "x"]).exit_code == 3
    event = show(rolodex, event_id)
    assert (event["title"], event["start"]) == ("Call", "2026-11-25T13:00:00Z")


def test_rm_needs_yes_without_a_terminal(rolodex, sync):
    ok(rolodex(["event", "skip", str(sync), "2027-03-22"]))
    refused = rolodex(["event", "rm", str(sync)])
    assert refused.exit_code == 9
    assert "--yes" in refused.stderr
    assert show(rolodex, sync)["title"] == "Sync"
    ok(rolodex(["event", "rm", str(sync), "--yes"]))
    assert rolodex(["event", "show", str(sync)]).exit_code == 3
    assert occurrences(rolodex, "2027-03-15", "2027-04-30") == []


def test_move_to_a_bare_time_keeps_the_occurrences_day(rolodex):
    event_id = add_event(rolodex, "Sync", "--at", "2026-11-23 16:15", "--repeat", "weekly")
    ok(rolodex(["event", "move", str(event_id), "2026-11-30", "10:00"]))
    rows = occurrences(rolodex, "2026-11-23", "2026-12-07")
    assert starts(rows) == ["2026-11-23T15:15:00Z", "2026-11-30T09:00:00Z",
                            "2026-12-07T15:15:00Z"]
