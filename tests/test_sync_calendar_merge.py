"""The three-way merge of one calendar item (#15): property by property against the base,
lists item by item, one conflict per property changed differently, and ``--prefer
remote``'s taking of a value. Real iCalendar texts through the real parser."""

from __future__ import annotations

from rolodex.sync.calendar_3way import meaning, take, three_way

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
TAIL = "END:VCALENDAR\r\n"


def event(*lines: str, stamp: str = "20270101T000000Z", extra: str = "") -> str:
    body = "\r\n".join(["BEGIN:VEVENT", "UID:e-1", f"DTSTAMP:{stamp}",
                        "DTSTART;TZID=Europe/Berlin:20270301T100000",
                        "DTEND;TZID=Europe/Berlin:20270301T110000",
                        "RRULE:FREQ=WEEKLY", *lines, "END:VEVENT"])
    return HEAD + body + "\r\n" + extra + TAIL


def master(text: str) -> dict[str, dict[str, str]]:
    return meaning(text, "VEVENT")[""]


def values(text: str, field: str) -> set[str]:
    return {line.split(":", 1)[1] if field != "ATTENDEE" else line.rsplit(":", 1)[1]
            for line in master(text).get(field, {}).values()}


def test_changes_to_different_properties_both_stay():
    base = event("SUMMARY:Team sync", "LOCATION:Room 1")
    mine = event("SUMMARY:Weekly sync", "LOCATION:Room 1")
    theirs = event("SUMMARY:Team sync", "LOCATION:Room 2", "DESCRIPTION:slides")
    merged, clashes = three_way(base, mine, theirs, "VEVENT")
    assert clashes == []
    assert values(merged, "SUMMARY") == {"Weekly sync"}
    assert values(merged, "LOCATION") == {"Room 2"}
    assert values(merged, "DESCRIPTION") == {"slides"}


def test_the_same_property_changed_differently_is_one_conflict_keeping_ours():
    base = event("SUMMARY:Team sync")
    merged, clashes = three_way(base, event("SUMMARY:Ours"), event("SUMMARY:Theirs"),
                                "VEVENT")
    assert clashes == [{"field": "summary", "local": "Ours", "remote": "Theirs"}]
    assert values(merged, "SUMMARY") == {"Ours"}


def test_categories_attendees_and_skipped_days_merge_item_by_item():
    base = event("SUMMARY:x", "CATEGORIES:work,sales",
                 "ATTENDEE;CN=Jane Doe:mailto:jane@acme.example",
                 "EXDATE;TZID=Europe/Berlin:20270308T100000")
    mine = event("SUMMARY:x", "CATEGORIES:work,sales,vip",
                 "ATTENDEE;CN=Jane Doe:mailto:jane@acme.example",
                 "ATTENDEE;CN=Bob Roe:mailto:bob@acme.example",
                 "EXDATE;TZID=Europe/Berlin:20270308T100000,20270315T100000")
    theirs = event("SUMMARY:x", "CATEGORIES:work",
                   "ATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:mailto:jane@acme.example",
                   "EXDATE;TZID=Europe/Berlin:20270308T100000,20270322T100000")
    merged, clashes = three_way(base, mine, theirs, "VEVENT")
    assert clashes == []
    assert values(merged, "CATEGORIES") == {"work", "vip"}  # sales removed there
    assert values(merged, "ATTENDEE") == {"jane@acme.example", "bob@acme.example"}
    assert any("PARTSTAT=ACCEPTED" in line for line in master(merged)["ATTENDEE"].values())
    assert values(merged, "EXDATE") == {"20270308T100000", "20270315T100000",
                                        "20270322T100000"}


def test_a_moved_occurrence_added_on_one_side_joins_a_change_on_the_other():
    moved = ("BEGIN:VEVENT\r\nUID:e-1\r\nDTSTAMP:20270101T000000Z\r\n"
             "RECURRENCE-ID;TZID=Europe/Berlin:20270308T100000\r\n"
             "DTSTART;TZID=Europe/Berlin:20270308T120000\r\n"
             "DTEND;TZID=Europe/Berlin:20270308T130000\r\nSUMMARY:Team sync\r\n"
             "END:VEVENT\r\n")
    base = event("SUMMARY:Team sync")
    merged, clashes = three_way(base, event("SUMMARY:Team sync", extra=moved),
                                event("SUMMARY:Team sync", "LOCATION:Room 2"), "VEVENT")
    assert clashes == []
    found = meaning(merged, "VEVENT")
    assert set(found) == {"", "20270308T100000"}
    assert values(merged, "LOCATION") == {"Room 2"}
    # removed on one side and left alone on the other: gone
    gone, _ = three_way(event("SUMMARY:Team sync", extra=moved),
                        event("SUMMARY:Team sync", extra=moved),
                        event("SUMMARY:Team sync"), "VEVENT")
    assert set(meaning(gone, "VEVENT")) == {""}


def test_the_time_moves_as_one_never_half_from_each_side():
    base = event("SUMMARY:x")
    mine = base.replace("20270301T110000", "20270301T120000")  # longer here
    theirs = base.replace("20270301T100000", "20270302T100000").replace(
        "20270301T110000", "20270302T110000")  # a day later there
    merged, clashes = three_way(base, mine, theirs, "VEVENT")
    assert [c["field"] for c in clashes] == ["time"]
    assert master(merged)["time"] == master(mine)["time"]


def test_without_a_base_lists_join_and_differing_values_conflict():
    merged, clashes = three_way(None, event("SUMMARY:Ours", "CATEGORIES:a"),
                                event("SUMMARY:Theirs", "CATEGORIES:b"), "VEVENT")
    assert [c["field"] for c in clashes] == ["summary"]
    assert values(merged, "CATEGORIES") == {"a", "b"}


def test_what_every_save_changes_is_not_a_difference():
    assert meaning(event("SUMMARY:x", stamp="20270101T000000Z"), "VEVENT") == meaning(
        event("SUMMARY:x", "LAST-MODIFIED:20270202T000000Z", "SEQUENCE:3",
              stamp="20270505T000000Z"), "VEVENT")
    assert meaning(event("SUMMARY:x"), "VEVENT") != meaning(event("SUMMARY:y"), "VEVENT")


def test_prefer_remote_takes_their_value_of_the_field():
    mine = event("SUMMARY:Ours", "LOCATION:Room 1")
    theirs = event("SUMMARY:Theirs")
    taken = take(mine, [(theirs, "summary"), (theirs, "location")], "VEVENT")
    assert values(taken, "SUMMARY") == {"Theirs"}
    assert "LOCATION" not in master(taken)  # removed there: removed here


def test_an_unreadable_side_keeps_the_local_item():
    mine = event("SUMMARY:Ours")
    merged, clashes = three_way(None, mine, "BEGIN:VCALENDAR\r\nnot a calendar", "VEVENT")
    assert merged == mine and clashes == []
