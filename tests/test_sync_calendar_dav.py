"""Two teammates syncing events and tasks through one CalDAV calendar on a real Radicale
(#15): the real CLI, real SQLite files, and a third-party client (the ``caldav`` library)
changing the calendar between syncs."""

from __future__ import annotations

import uuid

import pytest
from dav_server import PASSWORD, USER, make_collection, radicale
from teammates import runner

from rolodex.sync.dav.collection import DavCollection
from rolodex.sync.dav.http import DavSession

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with radicale(tmp_path_factory.mktemp("radicale")) as running:
        yield running


@pytest.fixture
def calendar(server) -> str:
    """A calendar taking events and tasks, as Radicale's and Nextcloud's do."""
    return make_collection(server, "calendar", components=("VEVENT", "VTODO"))



@pytest.fixture
def team(rolodex, tmp_path, calendar, monkeypatch):
    """``a`` and ``b``, each with account 'team' on ``calendar`` (its events and tasks)."""
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD_TEAM", PASSWORD)
    a, b = runner(rolodex, tmp_path / "a.db"), runner(rolodex, tmp_path / "b.db")
    for run in (a, b):
        out = run("sync", "add", "team", "--url", calendar, "--user", USER)
        assert "(events, tasks)" in out.stderr
    return a, b


def items(calendar: str) -> dict[str, str]:
    with DavSession(calendar, USER, PASSWORD) as session:
        return dict(DavCollection(session, calendar, "calendar").list())


def events(run) -> dict[str, dict]:
    listed = run("event", "list", "--from", "2027-01-01", "--to", "2027-12-31",
                 "-f", "json").json()
    shown = {}
    for event_id in dict.fromkeys(e["id"] for e in listed):
        event = run("event", "show", str(event_id), "-f", "json").json()
        shown[event["title"]] = {k: v for k, v in event.items()
                                 if k not in ("id", "created", "updated", "raw")}
    return shown


def tasks(run) -> dict[str, dict]:
    return {t["title"]: {k: t[k] for k in ("uid", "due", "status", "priority")}
            for t in run("task", "list", "--all", "-f", "json").json()}


def eid(run, title: str) -> str:
    listed = run("event", "list", "--from", "2027-01-01", "--to", "2027-12-31",
                 "-f", "json").json()
    return str(next(e["id"] for e in listed if e["title"] == title))


def by_kind(run, *args: str) -> dict[str, dict]:
    return {row["kind"]: row for row in run("sync", *args, "-f", "json").json()}


def test_teammates_converge_on_events_and_tasks(team, calendar):
    a, b = team
    a("event", "add", "Team sync", "--at", "2027-03-01 10:00", "--for", "30m", "--repeat",
      "weekly", "--tz", "Europe/Berlin")
    a("event", "move", "1", "2027-03-08", "2027-03-08 11:00")
    a("event", "add", "Company holiday", "--at", "2027-05-01", "--all-day")
    a("task", "add", "Send proposal", "--due", "2027-03-05 15:00")
    a("task", "add", "Call Acme", "--due", "2027-03-06")
    a("task", "done", "2")
    b("event", "add", "Review", "--at", "2027-04-02 09:00")
    out = by_kind(a)
    assert out["events"]["uploaded"] == 2 and out["tasks"]["uploaded"] == 2
    out = by_kind(b)
    assert out["events"]["downloaded"] == 2 and out["events"]["uploaded"] == 1
    assert out["tasks"]["downloaded"] == 2
    a("sync")
    assert events(a) == events(b) and set(events(a)) == {"Team sync", "Company holiday",
                                                          "Review"}
    assert tasks(a) == tasks(b) and tasks(b)["Call Acme"]["status"] == "done"
    assert len(items(calendar)) == 5
    assert "nothing to do" in a("sync").stderr
    status = {r["kind"]: r["items"] for r in a("sync", "status", "-f", "json").json()}
    assert status == {"events": 3, "tasks": 2}  # each its own kind only


def test_edits_merge_and_a_clash_is_one_conflict_settled_remote(team):
    a, b = team
    a("event", "add", "Team sync", "--at", "2027-03-01 10:00", "--where", "Room 1")
    a("event", "add", "Planning", "--at", "2027-03-02 10:00")
    a("sync"), b("sync")
    a("event", "edit", eid(a, "Team sync"), "--title", "Weekly sync", "--note", "slides")
    b("event", "edit", eid(b, "Team sync"), "--title", "Team meeting", "--where", "Room 2")
    a("sync")
    b("sync")
    listed = b("sync", "conflicts", "-f", "json").json()
    assert [(c["field"], c["local"], c["remote"]) for c in listed] == [
        ("summary", "Team meeting", "Weekly sync")]
    assert events(b)["Team meeting"]["notes"] == "slides"
    b("sync", "conflicts", "--prefer", "remote")
    b("sync"), a("sync")
    assert events(a) == events(b)
    assert events(a)["Weekly sync"]["location"] == "Room 2"


def test_deletions_go_both_ways(team, calendar):
    a, b = team
    for title in ("One", "Two", "Three"):
        a("event", "add", title, "--at", "2027-03-01 10:00")
    a("sync"), b("sync")
    b("event", "rm", eid(b, "Two"), "--yes")
    assert by_kind(b)["events"]["deleted_there"] == 1
    assert len(items(calendar)) == 2
    assert by_kind(a)["events"]["deleted_here"] == 1
    assert set(events(a)) == {"One", "Three"}


def test_the_caldav_library_changes_the_calendar_between_syncs(team, calendar):
    """A third-party client: creates, edits and deletes an event and a todo."""
    import caldav

    a, _ = team
    a("event", "add", "Team sync", "--at", "2027-03-01 10:00")
    a("task", "add", "Send proposal", "--due", "2027-03-05")
    a("sync")
    event_uid, todo_uid = str(uuid.uuid4()), str(uuid.uuid4())
    with caldav.DAVClient(url=calendar, username=USER, password=PASSWORD) as client:
        remote = client.calendar(url=calendar)
        remote.save_event(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example Corp.//CalDAV Client//EN\r\n"
            f"BEGIN:VEVENT\r\nUID:{event_uid}\r\nDTSTAMP:20270101T000000Z\r\n"
            "DTSTART:20270310T090000Z\r\nDTEND:20270310T100000Z\r\nSUMMARY:Dentist\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")
        remote.save_todo(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example Corp.//CalDAV Client//EN\r\n"
            f"BEGIN:VTODO\r\nUID:{todo_uid}\r\nDTSTAMP:20270101T000000Z\r\n"
            "DUE;VALUE=DATE:20270312\r\nSUMMARY:Renew passport\r\nEND:VTODO\r\n"
            "END:VCALENDAR\r\n")
        out = by_kind(a)
        assert out["events"]["downloaded"] == 1 and out["tasks"]["downloaded"] == 1
        assert set(events(a)) == {"Team sync", "Dentist"} and "Renew passport" in tasks(a)
        dentist = remote.event_by_uid(event_uid)
        dentist.icalendar_component["summary"] = "Dentist (Dr Roe)"
        dentist.save()
        todo = remote.todo_by_uid(todo_uid)
        todo.complete()
        out = by_kind(a)
        assert out["events"]["updated_here"] == 1 and out["tasks"]["updated_here"] == 1
        assert "Dentist (Dr Roe)" in events(a)
        assert tasks(a)["Renew passport"]["status"] == "done"
        remote.event_by_uid(event_uid).delete()
        remote.todo_by_uid(todo_uid).delete()
        out = by_kind(a)
        assert out["events"]["deleted_here"] == 1 and out["tasks"]["deleted_here"] == 1
        assert set(events(a)) == {"Team sync"} and set(tasks(a)) == {"Send proposal"}


def test_calendars_are_chosen_from_the_server_root(rolodex, server, calendar, monkeypatch,
                                                   tmp_path):
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD", PASSWORD)
    run = runner(rolodex, tmp_path / "r.db")
    make_collection(server, "calendar", name=f"tasks-{uuid.uuid4().hex[:6]}",
                    components=("VTODO",))
    several = run("sync", "add", "office", "--url", server.url, "--user", USER, code=5)
    assert "--calendar" in several.stderr and "calendars for events" in several.stderr
    name = calendar.rstrip("/").rsplit("/", 1)[-1]
    out = run("sync", "add", "office", "--url", server.url, "--user", USER,
              "--calendar", name, "--no-contacts")
    assert "(events, tasks)" in out.stderr  # the events' calendar takes tasks: both there
    assert {r["location"] for r in run("sync", "status", "-f", "json").json()} == {calendar}
    run("sync", "set", "office", "--no-tasks")
    run("task", "add", "Private errand")
    run("sync")
    assert len(items(calendar)) == 0
    assert [r["kind"] for r in run("sync", "status", "-f", "json").json()] == ["events"]
    run("sync", "set", "office", "--tasks", "--tasks-list", name)
    run("sync")
    assert len(items(calendar)) == 1


def test_history_goes_through_a_calendar_taking_journal_entries(rolodex, server, tmp_path,
                                                                 monkeypatch):
    """One calendar taking all three kinds carries events, tasks and history; each
    collection reads only its own."""
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD_TEAM", PASSWORD)
    everything = make_collection(server, "calendar",
                                 components=("VEVENT", "VTODO", "VJOURNAL"))
    a, b = runner(rolodex, tmp_path / "a.db"), runner(rolodex, tmp_path / "b.db")
    for run in (a, b):
        run("add", "Jane Doe", "-e", "jane@acme.example")
        out = run("sync", "add", "team", "--url", everything, "--user", USER)
        assert "(events, journal, tasks)" in out.stderr
    a("log", "jane", "call", "talked pricing", "--at", "2027-03-01 10:00")
    a("event", "add", "Team sync", "--at", "2027-03-01 10:00")
    a("task", "add", "Send proposal")
    out = by_kind(a)
    assert [out[k]["uploaded"] for k in ("events", "tasks", "journal")] == [1, 1, 1]
    out = by_kind(b)
    assert [out[k]["downloaded"] for k in ("events", "tasks", "journal")] == [1, 1, 1]
    assert [out[k]["skipped"] for k in ("events", "tasks", "journal")] == [[], [], []]
    history = b("history", "-f", "json").json()
    assert [(h["kind"], h["text"], [c["name"] for c in h["contacts"]]) for h in history] == [
        ("call", "talked pricing", ["Jane Doe"])]
    status = {r["kind"]: r["items"] for r in b("sync", "status", "-f", "json").json()}
    assert status == {"events": 1, "tasks": 1, "journal": 1}
    assert "nothing to do" in a("sync").stderr


def test_calendars_on_another_host_with_calendar_url(rolodex, server, tmp_path, monkeypatch):
    """Fastmail and iCloud serve address books and calendars from two hosts: the book is
    found from --url, the calendars from --calendar-url (here a second server)."""
    from dav_server import xandikos

    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD", PASSWORD)
    book = make_collection(server, "addressbook")
    run = runner(rolodex, tmp_path / "r.db")
    (tmp_path / "xandikos").mkdir()
    with xandikos(tmp_path / "xandikos") as other:
        calendar = make_collection(other, "calendar", components=("VEVENT", "VTODO"))
        out = run("sync", "add", "split", "--url", book, "--user", USER,
                  "--calendar-url", calendar, "--no-history")
        assert "(contacts, companies, groups, events, tasks)" in out.stderr
        status = {r["kind"]: r["location"] for r in run("sync", "status", "-f", "json").json()}
        assert status == {"contacts": book, "companies": book, "groups": book,
                          "events": calendar, "tasks": calendar}
        run("add", "Jane Doe")
        run("event", "add", "Kick-off", "--at", "2027-03-01 10:00")
        run("sync")
        with DavSession(calendar, None, None) as session:
            assert len(dict(DavCollection(session, calendar, "calendar").list())) == 1
        with DavSession(book, USER, PASSWORD) as session:
            assert len(dict(DavCollection(session, book, "addressbook").list())) == 1
    refused = run("sync", "add", "other", "--vdir", str(tmp_path / "v"), "--calendar-url",
                  calendar, code=5)
    assert "--calendar-url" in refused.stderr
