"""Two teammates syncing their events and tasks through vdir folders (#15), as khal and
todoman keep them: the real CLI, real SQLite files, real folders of .ics files, and files
changed between syncs as those programs write them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from teammates import runner


@pytest.fixture
def team(rolodex, tmp_path):
    """``a`` and ``b`` run the CLI on two databases, each with account 'team': events in
    one folder, tasks in another."""
    cal, todo = tmp_path / "cal", tmp_path / "todo"


    a, b = runner(rolodex, tmp_path / "a.db"), runner(rolodex, tmp_path / "b.db")
    for run in (a, b):
        run("sync", "add", "team", "--events-vdir", str(cal), "--tasks-vdir", str(todo))
    return a, b, cal, todo


def events(run) -> dict[str, dict]:
    """Each event by title, as ``event show`` gives it, without what a sync rewrites."""
    listed = run("event", "list", "--from", "2027-01-01", "--to", "2027-12-31",
                 "-f", "json").json()
    shown = {}
    for event_id in dict.fromkeys(e["id"] for e in listed):
        event = run("event", "show", str(event_id), "-f", "json").json()
        shown[event["title"]] = {k: v for k, v in event.items()
                                 if k not in ("id", "created", "updated", "raw")}
    return shown


def eid(run, title: str) -> str:
    """An event's id in one teammate's rolodex (ids differ between the two)."""
    listed = run("event", "list", "--from", "2027-01-01", "--to", "2027-12-31",
                 "-f", "json").json()
    return str(next(e["id"] for e in listed if e["title"] == title))


def tid(run, title: str) -> str:
    return str(next(t["id"] for t in run("task", "list", "--all", "-f", "json").json()
                    if t["title"] == title))


def tasks(run) -> dict[str, dict]:
    return {t["title"]: {k: t[k] for k in ("uid", "due", "status", "priority", "notes",
                                            "completed")}
            for t in run("task", "list", "--all", "-f", "json").json()}


def summary(run, *args: str) -> dict[str, dict]:
    """The sync's JSON rows by collection kind."""
    return {row["kind"]: row for row in run("sync", *args, "-f", "json").json()}


def edit(path: Path, old: str, new: str) -> None:
    """Change a file as khal or todoman would: the whole file written again."""
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))


def file_of(folder: Path, text: str) -> Path:
    [found] = [p for p in folder.glob("*.ics") if text in p.read_text()]
    return found


def add_events(a) -> None:
    a("event", "add", "Team sync", "--at", "2027-03-01 10:00", "--for", "30m", "--repeat",
      "weekly", "--tz", "Europe/Berlin", "--where", "Room 1")
    a("event", "move", "1", "2027-03-08", "2027-03-08 11:00")
    a("event", "skip", "1", "2027-03-15")
    a("event", "add", "Company holiday", "--at", "2027-05-01", "--all-day")


def test_events_recurring_moved_and_all_day_go_both_ways(team):
    a, b, cal, _ = team
    add_events(a)
    out = summary(a)
    assert out["events"]["uploaded"] == 2
    assert len(list(cal.glob("*.ics"))) == 2
    summary(b)
    assert events(a) == events(b)
    mine = events(b)
    assert mine["Company holiday"]["all_day"] is True
    assert len(mine["Team sync"]["exceptions"]) == 2
    b("event", "add", "Review", "--at", "2027-04-02 09:00")
    assert summary(b)["events"]["uploaded"] == 1
    assert summary(a)["events"]["downloaded"] == 1
    assert events(a) == events(b)
    assert "nothing to do" in a("sync").stderr


def test_tasks_open_and_done_with_due_go_both_ways(team):
    a, b, _, todo = team
    a("task", "add", "Send proposal", "--due", "2027-03-05 15:00", "--priority", "high")
    a("task", "add", "Call Acme", "--due", "2027-03-06")
    a("task", "done", "2")
    assert summary(a)["tasks"]["uploaded"] == 2
    summary(b)
    assert tasks(a) == tasks(b)
    assert tasks(b)["Call Acme"]["status"] == "done"
    b("task", "done", tid(b, "Send proposal"))
    summary(b)
    assert "COMPLETED" in file_of(todo, "Send proposal").read_text()
    summary(a)
    assert tasks(a)["Send proposal"]["status"] == "done"


def test_edits_of_different_properties_merge(team):
    a, b, *_ = team
    add_events(a)
    a("sync"), b("sync")
    a("event", "edit", eid(a, "Team sync"), "--note", "bring slides")
    b("event", "edit", eid(b, "Team sync"), "--where", "Room 2")
    a("sync")
    assert summary(b)["events"]["merged"] == 1
    a("sync")
    assert events(a) == events(b)
    assert events(a)["Team sync"]["notes"] == "bring slides"
    assert events(a)["Team sync"]["location"] == "Room 2"
    assert not b("sync", "conflicts", "-f", "json").json()


def test_the_same_property_changed_on_both_is_one_conflict(team):
    a, b, *_ = team
    add_events(a)
    a("sync"), b("sync")
    a("event", "edit", eid(a, "Team sync"), "--title", "Weekly sync")
    b("event", "edit", eid(b, "Team sync"), "--title", "Team meeting", "--note", "agenda first")
    a("sync")
    b("sync")
    listed = b("sync", "conflicts", "-f", "json").json()
    assert [(c["kind"], c["field"], c["local"], c["remote"], c["name"]) for c in listed] == [
        ("events", "summary", "Team meeting", "Weekly sync", "Team meeting")]
    assert events(b)["Team meeting"]["notes"] == "agenda first"
    b("sync", "conflicts", "--prefer", "remote")
    b("sync"), a("sync")
    assert set(events(a)) == set(events(b)) == {"Weekly sync", "Company holiday"}
    assert events(a)["Weekly sync"]["notes"] == "agenda first"
    assert not b("sync", "conflicts", "-f", "json").json()


def test_deletions_go_both_ways_unless_edited_on_the_other_side(team):
    a, b, cal, todo = team
    add_events(a)
    a("task", "add", "Send proposal", "--due", "2027-03-05")
    a("task", "add", "Call Acme")  # not the last ones: deleting those stops as a mistake
    a("event", "add", "Review", "--at", "2027-04-02 09:00")
    a("sync"), b("sync")
    b("event", "rm", eid(b, "Company holiday"), "--yes")
    assert summary(b)["events"]["deleted_there"] == 1
    assert summary(a)["events"]["deleted_here"] == 1
    assert set(events(a)) == {"Team sync", "Review"}
    a("task", "rm", tid(a, "Send proposal"), "--yes")
    edit(file_of(todo, "Send proposal"), "SUMMARY:Send proposal", "SUMMARY:Send the proposal")
    out = summary(a)["tasks"]
    assert out["restored"] == 1 and tasks(a)["Send the proposal"]
    file_of(cal, "Team sync").unlink()
    b("event", "edit", eid(b, "Team sync"), "--where", "Room 3")
    assert summary(b)["events"]["kept"] == 1
    assert "Room 3" in file_of(cal, "Team sync").read_text()


def test_mass_deletion_stops_unless_forced(team):
    a, _, cal, _ = team
    for n in range(8):
        a("event", "add", f"Meeting {n}", "--at", f"2027-03-{n + 1:02d} 10:00")
    a("sync")
    for path in sorted(cal.glob("*.ics"))[:5]:
        path.unlink()
    out = a("sync", code=9)
    assert "would delete 5 of 8 events" in out.stderr
    assert len(events(a)) == 8
    a("sync", "--force")
    assert len(events(a)) == 3


def test_dry_run_writes_nothing_on_either_side(team, tmp_path):
    a, b, cal, _ = team
    add_events(a)
    a("sync"), b("sync")
    a("event", "edit", eid(a, "Team sync"), "--title", "Weekly sync")
    edit(file_of(cal, "Company holiday"), "SUMMARY:Company holiday", "SUMMARY:Day off")
    before = {p.name: p.read_bytes() for p in cal.iterdir()}
    db_before = (tmp_path / "a.db").read_bytes()
    plan = summary(a, "--dry-run")["events"]
    assert plan["dry_run"] and plan["updated_there"] == 1 and plan["updated_here"] == 1
    assert {p.name: p.read_bytes() for p in cal.iterdir()} == before
    assert (tmp_path / "a.db").read_bytes() == db_before


def test_undo_of_a_sync_is_sent_by_the_next_one(team):
    a, b, *_ = team
    add_events(a)
    a("sync"), b("sync")
    a("event", "edit", eid(a, "Company holiday"), "--title", "Day off")
    a("sync")
    b("sync")
    assert "Day off" in events(b)
    b("undo")
    assert "Company holiday" in events(b)
    assert summary(b)["events"]["updated_there"] == 1
    a("sync")
    assert "Company holiday" in events(a)


def test_a_folder_of_events_and_tasks_synced_by_two_collections(rolodex, tmp_path):
    """khal and todoman may share one folder: each collection owns its kind, never reads,
    sends or deletes the other's items, and does not read them again at every sync."""
    shared = tmp_path / "shared"

    def run(*args: str, code: int = 0):
        result = rolodex(["--db", str(tmp_path / "r.db"), *args])
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    run("sync", "add", "team", "--events-vdir", str(shared), "--tasks-vdir", str(shared))
    run("event", "add", "Team sync", "--at", "2027-03-01 10:00")
    run("task", "add", "Send proposal", "--due", "2027-03-05")
    out = summary(run)
    assert out["events"]["uploaded"] == 1 and out["tasks"]["uploaded"] == 1
    assert out["events"]["skipped"] == out["tasks"]["skipped"] == []
    todo = file_of(shared, "VTODO")
    edit(todo, "SUMMARY:Send proposal", "SUMMARY:Send the proposal")
    out = summary(run)
    assert out["tasks"]["updated_here"] == 1
    assert sum(v for k, v in out["events"].items() if isinstance(v, int)) == 0
    file_of(shared, "VEVENT").unlink()
    out = summary(run)
    assert out["events"]["deleted_here"] == 1 and out["tasks"]["deleted_here"] == 0
    assert tasks(run)["Send the proposal"] and not events(run)
    status = {r["kind"]: r["items"] for r in run("sync", "status", "-f", "json").json()}
    assert status == {"events": 0, "tasks": 1}  # the task is not the events' item


def test_a_file_written_like_khal_comes_in_and_derived_items_are_left_alone(team):
    a, _, cal, _ = team
    (cal / "khal-1.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//PIMUTILS.ORG//NONSGML khal / icalendar //EN"
        "\r\nBEGIN:VEVENT\r\nSUMMARY:Dentist\r\nDTSTART;VALUE=DATE:20270310\r\n"
        "DTEND;VALUE=DATE:20270311\r\nDTSTAMP:20270301T090000Z\r\nUID:khal-1\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n")
    (cal / "birthday.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:x-birthday\r\n"
        "SUMMARY:Jane Doe's birthday\r\nDTSTART;VALUE=DATE:20270412\r\nDTSTAMP:20270101T0"
        "00000Z\r\nX-ROLODEX-DERIVED:birthday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert summary(a)["events"]["downloaded"] == 1
    assert set(events(a)) == {"Dentist"}
    a("add", "Jane Doe", "--birthday", "1990-04-12")
    a("sync")
    assert sorted(p.name for p in cal.glob("*.ics")) == ["birthday.ics", "khal-1.ics"]
    edit(cal / "khal-1.ics", "SUMMARY:Dentist", "SUMMARY:Dentist (Dr Roe)")
    assert summary(a)["events"]["updated_here"] == 1
    assert set(events(a)) == {"Dentist (Dr Roe)"}


def test_tasks_turned_off_are_neither_sent_nor_brought_in(team):
    a, b, _, todo = team
    a("task", "add", "Send proposal", "--due", "2027-03-05")
    a("sync")
    b("sync", "set", "team", "--no-tasks")
    b("task", "add", "Private errand")
    out = b("sync", "-f", "json").json()
    assert len(out) == 1 and set(tasks(b)) == {"Private errand"}
    assert len(list(todo.glob("*.ics"))) == 1
    b("sync", "set", "team", "--tasks-vdir", str(todo))
    assert [c["kind"] for c in b("sync", "status", "-f", "json").json()] == ["events", "tasks"]
    b("sync")
    assert set(tasks(b)) == {"Send proposal", "Private errand"}


def test_a_vdir_account_needs_a_folder_for_what_it_turns_on(team):
    a, _, _, _ = team
    out = a("sync", "set", "team", "--contacts", code=5)
    assert "--vdir PATH" in out.stderr
    listed = a("sync", "list", "-f", "json").json()
    assert listed[0]["collections"] == ["events", "tasks"]


def test_what_a_sync_sends_is_stable_until_the_record_changes(team):
    """Each item's DTSTAMP is its record's last change, so an unchanged event is never
    written again, and a sync with nothing to do leaves every file alone."""
    a, _, cal, _ = team
    add_events(a)
    a("sync")
    before = {p.name: p.read_bytes() for p in cal.iterdir()}
    a("event", "edit", eid(a, "Company holiday"), "--note", "office closed")
    a("sync")
    after = {p.name: p.read_bytes() for p in cal.iterdir()}
    changed = [name for name in before if before[name] != after[name]]
    assert len(changed) == 1 and b"office closed" in after[changed[0]]
    stamps = re.findall(rb"(?m)^(?:DTSTAMP|LAST-MODIFIED):(\S+)", after[changed[0]])
    assert len(stamps) == 2 and stamps[0] == stamps[1]


def test_history_goes_both_ways_as_journal_entries(rolodex, tmp_path):
    folder = tmp_path / "journal"


    a, b = runner(rolodex, tmp_path / "a.db"), runner(rolodex, tmp_path / "b.db")
    for run in (a, b):
        run("add", "Jane Doe", "-e", "jane@acme.example")
        run("sync", "add", "team", "--journal-vdir", str(folder))
    a("log", "jane", "call", "talked pricing", "--at", "2027-03-01 10:00")
    a("log", "jane", "meeting", "demo", "--at", "2027-03-02 10:00")
    assert summary(a)["journal"]["uploaded"] == 2
    assert "nothing to do" in a("sync").stderr
    assert summary(b)["journal"]["downloaded"] == 2

    def history(run):
        return {(h["kind"], h["text"], h["at"], tuple(c["name"] for c in h["contacts"]))
                for h in run("history", "-f", "json").json()}

    assert history(a) == history(b)
    assert len(history(b)) == 2
    edit(file_of(folder, "talked pricing"), "DESCRIPTION:talked pricing",
         "DESCRIPTION:talked pricing and terms")
    assert summary(a)["journal"]["updated_here"] == 1
    assert ("call", "talked pricing and terms") in {(k, t) for k, t, _, _ in history(a)}
    file_of(folder, "demo").unlink()
    assert summary(b)["journal"]["deleted_here"] == 1
    assert summary(a)["journal"]["deleted_here"] == 1
    a("log", "jane", "note", "quick note")
    a("sync")
    assert len(list(folder.glob("*.ics"))) == 2
    a("undo")  # the note goes here: the next sync deletes it there
    assert summary(a)["journal"]["deleted_there"] == 1
    assert len(list(folder.glob("*.ics"))) == 1
    summary(b)
    assert history(a) == history(b) and len(history(b)) == 1


def test_occurrences_skipped_and_moved_on_each_side_all_stay(team):
    a, b, *_ = team
    a("event", "add", "Team sync", "--at", "2027-03-01 10:00", "--repeat", "weekly")
    a("sync"), b("sync")
    a("event", "skip", eid(a, "Team sync"), "2027-03-08")
    b("event", "skip", eid(b, "Team sync"), "2027-03-15")
    b("event", "move", eid(b, "Team sync"), "2027-03-22", "2027-03-23 10:00")
    a("sync")
    assert summary(b)["events"]["merged"] == 1
    a("sync")
    assert events(a) == events(b)
    exceptions = events(a)["Team sync"]["exceptions"]
    assert [(e["original"][:10], e["cancelled"]) for e in exceptions] == [
        ("2027-03-08", True), ("2027-03-15", True), ("2027-03-22", False)]


def test_a_new_address_of_someone_taking_part_reaches_the_event(team):
    a, _, cal, _ = team
    a("add", "Jane Doe", "-e", "jane@acme.example")
    a("event", "add", "Kickoff", "--at", "2027-03-01 10:00", "--with", "Jane Doe")
    a("sync")
    assert "mailto:jane@acme.example" in file_of(cal, "Kickoff").read_text()
    a("contact", "edit", "Jane Doe", "--rm-email", "jane@acme.example",
      "--email", "jane@doe.example")
    assert summary(a)["events"]["updated_there"] == 1
    assert "mailto:jane@doe.example" in file_of(cal, "Kickoff").read_text()
