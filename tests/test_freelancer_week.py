"""One scripted week of a freelancer, Monday 2026-11-16 to Friday 2026-11-20 (Berlin time).

The clock moves day by day (ROLODEX_NOW); every read goes through ``--format json``.
The weekly Monday sync is followed across the 2027-03-28 clock change.
"""

from __future__ import annotations

import pytest

AGENDA_KEYS = {"type", "date", "title", "id", "time", "contacts", "start", "end", "location",
               "due", "overdue", "priority", "days_overdue", "years",
               "campaign", "step", "step_kind", "people", "paused"}


class Week:
    """The freelancer's terminal: run commands, read JSON, move the clock."""

    def __init__(self, rolodex, monkeypatch) -> None:
        self.run = rolodex
        self.monkeypatch = monkeypatch

    def at(self, instant: str) -> None:
        self.monkeypatch.setenv("ROLODEX_NOW", instant)

    def ok(self, *args: str, input: str | None = None):
        result = self.run(list(args), input=input)
        assert result.exit_code == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
        return result

    def new(self, *args: str) -> int:
        return int(self.ok(*args).stdout)

    def json(self, *args: str):
        return self.ok(*args, "--format", "json").json()

    def fails(self, code: int, *args: str) -> str:
        result = self.run(list(args))
        assert result.exit_code == code, (args, result.exit_code, result.stderr)
        assert result.stderr.startswith("rolodex: "), result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        return result.stderr

    def followups(self, due: str = "today") -> list[tuple[str, int, int]]:
        return [(i["type"], i["id"], i["days_overdue"])
                for i in self.json("followups", "--due", due)]

    def task(self, task_id: int) -> dict:
        return self.json("task", "show", str(task_id))

    def contact(self, contact_id: int) -> dict:
        return self.json("contact", "show", str(contact_id))


@pytest.fixture
def week(rolodex, monkeypatch) -> Week:
    return Week(rolodex, monkeypatch)


def test_a_freelancer_week(week):
    w = week

    # --- Monday 16 November, 09:00 -------------------------------------------------------
    w.at("2026-11-16T08:00:00Z")
    anna = w.new("add", "Anna Berg", "-c", "Nordlicht GmbH", "-t", "client",
                 "-e", "anna@nordlicht.example")
    ben = w.new("add", "Ben Cole", "-c", "Nordlicht GmbH", "-t", "client",
                "--birthday", "1988-11-28")
    cleo = w.new("add", "Cleo Dunn", "-t", "client", "--every", "14d")
    dirk = w.new("add", "Dirk Ebert", "-t", "lead")
    w.ok("cadence", "set", "client", "30d")
    w.ok("cadence", "set", "lead", "2d")
    assert w.json("cadence", "list") == [{"tag": "client", "days": 30},
                                         {"tag": "lead", "days": 2}]

    sync = w.new("event", "add", "Nordlicht sync", "--at", "mon 16:15", "--for", "30m",
                 "--repeat", "weekly", "--with", "anna", "--with", "ben", "--where", "Video")
    assert w.json("event", "show", str(sync))["start"] == "2026-11-16T15:15:00Z"

    kickoff = w.new("log", "anna", "call", "kickoff call", "--at", "today 08:30",
                    "--duration", "45m", "--direction", "out", "--next", "wed 10am")
    (follow_up,) = w.json("task", "list", "--for", "anna")
    assert follow_up["title"] == "Follow up: kickoff call"
    assert follow_up["due"] == "2026-11-18T09:00:00Z"
    assert follow_up["kind"] == "call"
    follow_up_id = follow_up["id"]

    quote = w.new("task", "add", "Send quote", "--for", "anna", "--for", "ben",
                  "--due", "wed 5pm", "--kind", "email", "--priority", "high")
    invoice = w.new("task", "add", "Invoice run", "--due", "fri", "--repeat", "every friday")
    assert w.task(invoice)["due"] == "2026-11-20"
    assert w.task(invoice)["rrule"] == "FREQ=WEEKLY;BYDAY=FR"

    assert w.followups() == []
    today = w.json("agenda", "--days", "0")
    assert [(i["type"], i["title"], i["time"]) for i in today] == [
        ("event", "Nordlicht sync", "16:15")]
    assert w.contact(anna)["last_contacted"] == "2026-11-16T07:30:00Z"

    # --- Tuesday 17 November, 18:00 ------------------------------------------------------
    w.at("2026-11-17T17:00:00Z")
    workshop = w.new("log", "anna", "ben", "meeting", "scope workshop", "--at", "today 14:00",
                     "--duration", "2h", "--company", "Nordlicht GmbH")
    timeline = w.json("history", "Nordlicht GmbH")
    assert [(e["id"], e["kind"], e["at"]) for e in timeline] == [
        (workshop, "meeting", "2026-11-17T13:00:00Z"), (kickoff, "call", "2026-11-16T07:30:00Z")]
    assert timeline[0]["duration_minutes"] == 120
    assert [c["id"] for c in timeline[0]["contacts"]] == [anna, ben]

    stderr = w.fails(5, "task", "add", "Prepare invoice", "--due", "tomorow")
    assert "cannot read date 'tomorow'" in stderr
    assert "tomorrow at 9" in stderr  # the accepted forms
    assert len(w.json("task", "list", "--all")) == 3

    review = w.new("event", "add", "Scope review", "--at", "thu 15:00", "--for", "1h",
                   "--with", "anna")
    dentist = w.new("event", "add", "Dentist", "--at", "2026-11-19 15:30", "--for", "45m")
    w.fails(5, "event", "add", "Nap", "--at", "2026-11-19 15:30", "--until", "2026-11-19 15:00")

    # --- Wednesday 18 November, 09:00 ---------------------------------------------------
    w.at("2026-11-18T08:00:00Z")
    assert w.followups() == [("task", quote, 0), ("followup", dirk, 0),
                             ("task", follow_up_id, 0)]
    assert [t["id"] for t in w.json("task", "list", "--today")] == [follow_up_id, quote]
    assert w.json("task", "list", "--overdue") == []

    w.at("2026-11-18T10:30:00Z")  # 11:30: the 10:00 call is late
    assert [t["id"] for t in w.json("task", "list", "--overdue")] == [follow_up_id]
    w.ok("task", "done", str(follow_up_id), "--outcome", "agreed scope", "--next", "in 1 week")
    w.ok("task", "done", str(quote), "--outcome", "sent v1")
    assert w.task(follow_up_id)["status"] == "done"
    assert w.task(quote)["status"] == "done"
    latest = w.json("history", "--from", "today")
    assert sorted((e["kind"], e["text"]) for e in latest) == [
        ("call", "Follow up: kickoff call: agreed scope"), ("email", "Send quote: sent v1")]
    assert all(e["at"] == "2026-11-18T10:30:00Z" for e in latest)
    (next_call,) = w.json("task", "list", "--for", "anna")
    assert next_call["title"] == "Follow up: kickoff call"
    assert next_call["due"] == "2026-11-25"
    assert next_call["previous_id"] == follow_up_id

    assert "no task #999" in w.fails(3, "task", "done", "999")
    assert "already done" in w.fails(5, "task", "done", str(quote))

    # --- Thursday 19 November, 09:00 ---------------------------------------------------
    w.at("2026-11-19T08:00:00Z")
    assert w.followups() == [("followup", dirk, 1)]
    assert w.followups("week") == [("followup", dirk, 1), ("task", invoice, -1),
                                   ("task", next_call["id"], -6)]
    w.ok("log", "dirk", "email", "intro mail", "--direction", "out")
    assert w.followups() == []

    grid = w.json("calendar", "--week")
    overlaps = {(i["title"], i["date"]): i["overlaps"] for i in grid if i["type"] == "event"}
    assert overlaps == {("Nordlicht sync", "2026-11-16"): False,
                        ("Scope review", "2026-11-19"): True,
                        ("Dentist", "2026-11-19"): True}
    assert [(i["title"], i["date"]) for i in grid if i["type"] == "task"] == [
        ("Invoice run", "2026-11-20")]
    drawn = w.ok("calendar", "--day").stdout
    assert "! 15:00 Scope review" in drawn
    assert "! 15:30 Dentist" in drawn

    w.ok("event", "skip", str(sync), "2026-11-23")
    w.ok("event", "move", str(sync), "2026-11-30", "2026-12-01 10:00")
    assert "no occurrence on 2026-11-24" in w.fails(3, "event", "skip", str(sync), "2026-11-24")
    w.fails(3, "event", "skip", "999", "2026-11-23")
    assert "does not repeat" in w.fails(5, "event", "skip", str(dentist), "2026-11-19")
    w.fails(5, "event", "move", str(sync), "2026-12-07", "next blursday")
    assert w.json("event", "show", str(review))["contacts"] == [{"id": anna,
                                                                 "name": "Anna Berg"}]

    # --- Friday 20 November, 09:00 --------------------------------------------------------
    w.at("2026-11-20T08:00:00Z")
    w.ok("task", "done", str(invoice))
    (next_invoice,) = [t for t in w.json("task", "list") if t["title"] == "Invoice run"]
    assert next_invoice["due"] == "2026-11-27"
    assert next_invoice["rrule"] == "FREQ=WEEKLY;BYDAY=FR"

    ahead = w.json("agenda", "--days", "11")  # up to Tuesday 1 December
    assert all(set(i) == AGENDA_KEYS for i in ahead)
    assert [(i["type"], i["title"], i["date"], i["time"]) for i in ahead] == [
        ("followup", "Get in touch with Dirk Ebert", "2026-11-21", None),
        ("task", "Follow up: kickoff call", "2026-11-25", None),
        ("task", "Invoice run", "2026-11-27", None),
        ("birthday", "Ben Cole's birthday (38)", "2026-11-28", None),
        ("followup", "Get in touch with Cleo Dunn", "2026-11-30", None),
        ("event", "Nordlicht sync", "2026-12-01", "10:00"),
    ]
    moved = ahead[-1]
    assert (moved["start"], moved["end"]) == ("2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z")
    assert moved["location"] == "Video"
    assert ahead[3]["years"] == 38

    this_week = w.json("history", "--from", "start of week")
    assert len(this_week) == 5
    stamps = [e["at"] for e in this_week]
    assert stamps == sorted(stamps, reverse=True)
    assert this_week[0]["text"] == "intro mail"
    assert this_week[-1]["id"] == kickoff
    assert {e["kind"] for e in this_week} == {"call", "meeting", "email"}
    assert [e["id"] for e in w.json("history", "anna", "--kind", "call")][-1] == kickoff

    assert w.contact(anna)["last_contacted"] == "2026-11-18T10:30:00Z"
    assert w.contact(dirk)["last_contacted"] == "2026-11-19T08:00:00Z"
    assert w.contact(cleo)["last_contacted"] is None
    ranked = [c["id"] for c in w.json("contact", "list", "--sort", "-last-contacted")]
    assert ranked[0] == dirk
    assert set(ranked[1:3]) == {anna, ben}

    # the Monday sync keeps 16:15 Berlin time across the 2027-03-28 clock change
    spring = w.json("event", "list", "--from", "2027-03-15", "--to", "2027-04-05")
    assert [(o["start"], o["end"]) for o in spring] == [
        ("2027-03-15T15:15:00Z", "2027-03-15T15:45:00Z"),
        ("2027-03-22T15:15:00Z", "2027-03-22T15:45:00Z"),
        ("2027-03-29T14:15:00Z", "2027-03-29T14:45:00Z"),
        ("2027-04-05T14:15:00Z", "2027-04-05T14:45:00Z"),
    ]
    assert w.ok("event", "list", "--from", "2027-03-15", "--to", "2027-04-05"
                ).stdout.count("16:15") == 4

    # --- a week later, nobody has been in touch --------------------------------------------
    w.at("2026-11-30T08:00:00Z")
    late = {(kind, item_id): days for kind, item_id, days in w.followups()}
    assert late == {("followup", dirk): 9, ("followup", cleo): 0,
                    ("task", next_call["id"]): 5, ("task", next_invoice["id"]): 3}
    cleo_item = next(i for i in w.json("followups") if i["id"] == cleo
                     and i["type"] == "followup")
    assert cleo_item["cadence_days"] == 14  # her own, not the client tag's 30
    assert cleo_item["due"] == "2026-11-30"


@pytest.mark.parametrize(("code", "args", "says"), [
    (5, ["log", "anna", "call", "x", "--at", "yesterday at teatime"], "cannot read date"),
    (5, ["log", "anna", "lunch", "x"], "KIND is one of"),
    (3, ["log", "anna", "zed", "call", "x"], "no contact matches 'zed'"),
    (5, ["task", "add", "x", "--due", "31.02.2026"], "date"),
    (5, ["task", "add", "x", "--repeat", "now and then", "--due", "tomorrow"],
     "cannot read repeat rule"),
    (5, ["task", "add", "x", "--repeat", "weekly"], "--due"),
    (3, ["task", "show", "404"], "no task #404"),
    (3, ["task", "snooze", "404", "tomorrow"], "no task #404"),
    (3, ["event", "show", "404"], "no event #404"),
    (3, ["event", "move", "404", "2026-11-23", "2026-11-24 10:00"], "no event #404"),
    (5, ["event", "add", "x", "--at", "25/11/2026"], "ambiguous"),
    (5, ["event", "list", "--from", "the ides of march"], "cannot read date"),
    (5, ["history", "--to", "next blursday"], "cannot read date"),
    (5, ["followups", "--due", "someday"], "today or week"),
    (5, ["cadence", "set", "client", "every now and then"], "number of days"),
    (3, ["history", "Globex"], "Globex"),
])
def test_mistakes_during_the_week_give_clear_errors(week, code, args, says):
    week.at("2026-11-16T08:00:00Z")
    week.new("add", "Anna Berg", "-c", "Nordlicht GmbH")
    before = (week.json("history"), week.json("task", "list", "--all"),
              week.json("event", "list", "--from", "2026-01-01", "--to", "2027-12-31"))
    stderr = week.fails(code, *args)
    assert says in stderr
    after = (week.json("history"), week.json("task", "list", "--all"),
             week.json("event", "list", "--from", "2026-01-01", "--to", "2027-12-31"))
    assert after == before
