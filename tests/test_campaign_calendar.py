"""The marketing calendar (#21): campaign steps in ``agenda``, ``calendar`` and the
iCalendar export, counted from the ledger (past days) and the membership (today on).

The clock is frozen at Friday 2026-11-20 09:00 UTC (10:00 in Berlin, the tests' zone).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from campaign_data import campaign, join, letter, mail, send, store, task

from rolodex.store.campaigns import members
from rolodex.store.campaigns.calendar_days import KEYS, planned

BERLIN = "Europe/Berlin"
TODAY = date(2026, 11, 20)


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def add(rolodex, name: str) -> int:
    return int(ok(rolodex(["add", name, "-e", f"{name.split()[0].lower()}@acme.example"]))
               .stdout)


@pytest.fixture
def plan(rolodex):
    """Three campaigns: one from a start day (part sent, one member gone), one counted
    from each member's entry, one paused."""
    jane, john, ann, bob = (add(rolodex, n) for n in ("Jane Doe", "John Roe", "Ann Poe",
                                                       "Bob Moe"))
    winter = campaign("winter-offer", [mail(0, "Winter offer"), task(5, "Call {{ first_name }}"),
                                       letter(8, "thanks.md")],
                      [jane, john, ann, bob], start=date(2026, 11, 18))
    with store() as db:
        members.leave(db, winter, bob, TODAY, members.OPTED_OUT)
    # 23:30 UTC on the 18th is half past midnight on the 19th in Berlin
    send(winter, 1, jane, "2026-11-18T23:30:00Z")
    send(winter, 1, john, "2026-11-19T10:00:00Z")
    welcome = campaign("welcome", [mail(0, "Welcome"), mail(7, "How is it going")],
                       [jane, john], entered=date(2026, 11, 15))
    join(welcome, [ann], TODAY)
    send(welcome, 1, jane, "2026-11-15T08:00:00Z")
    send(welcome, 1, john, "2026-11-15T08:00:00Z", status="failed")  # not counted as sent
    lapsed = campaign("lapsed", [task(0, "Check in")], [jane], start=date(2026, 11, 25))
    with store() as db, db.transaction():
        db.execute("UPDATE campaigns SET status = 'paused' WHERE id = ?", (lapsed,))
    return {"jane": jane, "john": john, "ann": ann, "bob": bob}


def _by_day(items: list[dict]) -> set[tuple]:
    return {(i["date"], i["campaign"], i["step"], i["people"]) for i in items}


EXPECTED = {
    ("2026-11-15", "welcome", 1, 1),        # sent that day (the failed one is not)
    ("2026-11-19", "winter-offer", 1, 2),   # sent, on Berlin's days
    ("2026-11-20", "welcome", 1, 1),        # Ann: due now (John's failure waits for a retry)
    ("2026-11-20", "winter-offer", 1, 1),   # Ann, not sent yet: due at the next run
    ("2026-11-22", "welcome", 2, 2),        # Jane and John entered on the 15th
    ("2026-11-23", "winter-offer", 2, 3),   # Bob left: not counted
    ("2026-11-25", "lapsed", 1, 1),
    ("2026-11-26", "winter-offer", 3, 3),
    ("2026-11-27", "welcome", 2, 1),        # Ann entered today
}


def test_planned_counts_sends_before_today_and_members_from_today(plan):
    with store() as db:
        items = planned(db, date(2026, 11, 1), date(2026, 11, 30), ZoneInfo(BERLIN), TODAY)
    assert _by_day(items) == EXPECTED
    assert all(tuple(i) == KEYS for i in items)
    labels = {(i["campaign"], i["step"]): (i["kind"], i["label"]) for i in items}
    assert labels[("winter-offer", 1)] == ("mail", "Winter offer")
    assert labels[("winter-offer", 2)] == ("task", "Call {{ first_name }}")
    assert labels[("winter-offer", 3)] == ("letter", "thanks.md")
    assert [i["paused"] for i in items if i["campaign"] == "lapsed"] == [True]
    assert not any(i["paused"] for i in items if i["campaign"] != "lapsed")


def test_a_send_moves_a_person_from_due_to_done(plan):
    send(campaign_id=1, position=1, contact_id=plan["ann"], at="2026-11-20T08:00:00Z")
    with store() as db:
        items = planned(db, TODAY, TODAY, ZoneInfo(BERLIN), TODAY)
    # sent today: no longer due today, and not shown as a past day either
    assert _by_day(items) == {("2026-11-20", "welcome", 1, 1)}


def test_windows_and_an_open_end(plan):
    with store() as db:
        zone = ZoneInfo(BERLIN)
        past = planned(db, date(2026, 11, 16), date(2026, 11, 19), zone, TODAY)
        ahead = planned(db, date(2026, 11, 24), None, zone, TODAY)
        everything = planned(db, None, None, zone, TODAY)
        backwards = planned(db, date(2026, 11, 30), date(2026, 11, 1), zone, TODAY)
    assert _by_day(past) == {("2026-11-19", "winter-offer", 1, 2)}
    assert _by_day(ahead) == {e for e in EXPECTED if e[0] >= "2026-11-24"}
    assert _by_day(everything) == EXPECTED
    assert backwards == []


def test_the_agenda_lists_campaign_steps_with_their_keys(rolodex, plan):
    items = [i for i in ok(rolodex("agenda --days 7 -f json")).json()
             if i["type"] == "campaign"]
    assert {(i["date"], i["campaign"], i["step"], i["people"]) for i in items} == {
        e for e in EXPECTED if "2026-11-20" <= e[0] <= "2026-11-27"}
    lapsed = next(i for i in items if i["campaign"] == "lapsed")
    assert lapsed["paused"] is True and lapsed["step_kind"] == "task"
    assert lapsed["title"] == "lapsed step 1: task 'Check in' to 1 person (paused)"
    assert lapsed["contacts"] == [] and lapsed["time"] is None
    others = [i for i in ok(rolodex("agenda -f json")).json() if i["type"] != "campaign"]
    assert all(i["campaign"] is None and i["people"] is None for i in others)
    table = ok(rolodex("agenda --days 7")).stdout
    assert "winter-offer step 2: task" in table and "paused" in table
    csv = ok(rolodex("agenda --days 7 -f csv")).stdout
    assert "step_kind" in csv.splitlines()[0] and "welcome step 2" in csv


def test_the_calendar_grid_shows_them(rolodex, plan):
    grid = ok(rolodex("calendar 2026-11-20 --week")).stdout
    assert grid.count("✉") == 4 and grid.count("winter-offer") == 2  # Mon 16 to Sun 22
    rows = ok(rolodex("calendar 2026-11-20 --month -f json")).json()
    assert {(r["date"], r["campaign"], r["step"], r["people"]) for r in rows
            if r["type"] == "campaign"} == {e for e in EXPECTED if e[0] >= "2026-11-01"}


def _events(text: str) -> list:
    import icalendar

    return [c for c in icalendar.Calendar.from_ical(text).walk("VEVENT")]


def test_the_ical_export_has_one_all_day_event_per_day_and_step(rolodex, plan, tmp_path):
    out = tmp_path / "campaigns.ics"
    ok(rolodex(["export", "--format", "ical", "--what", "campaigns", "--from", "2026-11-01",
                "--to", "2026-11-30", "-o", str(out)]))
    events = _events(out.read_bytes())
    assert len(events) == len(EXPECTED)
    shown = {(str(e["DTSTART"].dt), str(e["SUMMARY"])) for e in events}
    assert ("2026-11-23", "winter-offer step 2: task 'Call {{ first_name }}' to 3 people"
            ) in shown
    for event in events:
        day = event["DTSTART"].dt
        assert isinstance(day, date) and (event["DTEND"].dt - day).days == 1
        assert event["X-ROLODEX-DERIVED"] == "campaign"
        assert [str(c) for c in event["CATEGORIES"].cats] == ["campaign"]
        assert str(event["UID"]).endswith(f"-step{str(event['SUMMARY']).split()[2][:-1]}"
                                          f"-{day.isoformat()}")
    again = tmp_path / "again.ics"
    ok(rolodex(["export", "--format", "ical", "--what", "campaigns", "--from", "2026-11-01",
                "--to", "2026-11-30", "-o", str(again)]))
    assert sorted(str(e["UID"]) for e in _events(again.read_bytes())) == sorted(
        str(e["UID"]) for e in events)  # stable: the same items, the same UIDs


def test_campaigns_are_in_the_default_export_and_never_imported_back(rolodex, plan,
                                                                        tmp_path):
    out = tmp_path / "all.ics"
    ok(rolodex(["export", "--format", "ical", "-o", str(out)]))
    text = out.read_text()
    assert text.count("X-ROLODEX-DERIVED:campaign") == len(EXPECTED)
    before = ok(rolodex("event list --from 2026-01-01 --to 2027-12-31 -f json")).stdout
    result = ok(rolodex(["import", str(out), "-f", "json"]))
    summary = result.json()
    assert summary["events"]["new"] == 0
    reasons = [p["reason"] for p in summary["problems"]]
    assert reasons.count("rolodex derives this campaign step from a campaign: not "
                         "imported") == len(EXPECTED)
    assert ok(rolodex("event list --from 2026-01-01 --to 2027-12-31 -f json")).stdout == before
    folder = tmp_path / "cal"
    ok(rolodex(["export", "--format", "ical", "--what", "campaigns", "-o", f"{folder}/"]))
    assert len(list(folder.glob("*.ics"))) == len(EXPECTED)
    assert ok(rolodex(["import", str(folder), "-f", "json"])).json()["events"]["new"] == 0


def test_the_feed_carries_the_steps_ahead(rolodex, plan, tmp_path):
    out = tmp_path / "feed.ics"
    ok(rolodex(["calendar", "feed", "-o", str(out)]))
    days = sorted(str(e["DTSTART"].dt) for e in _events(out.read_bytes())
                  if e.get("X-ROLODEX-DERIVED") == "campaign")
    assert days == sorted(e[0] for e in EXPECTED if e[0] >= "2026-11-20")
