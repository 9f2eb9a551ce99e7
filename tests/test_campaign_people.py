"""Campaigns and the person (#21): ``merge`` moves memberships and sends (undo brings
them back), ``privacy export`` lists them, ``privacy forget`` erases them, and a task a
campaign created names its campaign."""

from __future__ import annotations

from datetime import date

import pytest
from campaign_data import campaign, mail, run, send, store, task

JANE_HOME = "j.doe@home.example"
W1, W2, W3 = ("<w1@acme.example>", "<w2@acme.example>", "<w3@acme.example>")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def _ledger() -> list[tuple]:
    with store() as db:
        members = db.execute("SELECT id, campaign_id, contact_id, entered, left, reason"
                             " FROM campaign_members ORDER BY id").fetchall()
        sends = db.execute("SELECT id, step_id, contact_id, status, message_id"
                           " FROM campaign_sends ORDER BY id").fetchall()
    return [tuple(r) for r in members] + [tuple(r) for r in sends]


@pytest.fixture
def twins(rolodex):
    """Jane twice: A at work, B at home; both in the winter offer, B also in calls."""
    a = int(ok(rolodex(["add", "Jane Doe", "-e", "jane@acme.example"])).stdout)
    b = int(ok(rolodex(["add", "Jane Doe", "-e", JANE_HOME])).stdout)
    winter = campaign("winter-offer", [mail(0, "Winter offer"), mail(7, "Last chance")],
                      [a], start=date(2026, 11, 18), entered=date(2026, 11, 10))
    with store() as db, db.transaction():
        from rolodex.store.campaigns import members

        members.enrol_first(db, winter, [b], date(2026, 11, 12), only_new=False)
    calls = campaign("calls", [task(0, "Call {{ first_name }}")], [b])
    sends = {"a1": send(winter, 1, a, "2026-11-18T10:00:00Z", message_id=W1,
                        address="jane@acme.example"),
             "b1": send(winter, 1, b, "2026-11-18T10:00:00Z", message_id=W2,
                        address=JANE_HOME),
             "b2": send(winter, 2, b, "2026-11-19T10:00:00Z", message_id=W3,
                        address=JANE_HOME),
             "bc": send(calls, 1, b, "2026-11-19T11:00:00Z")}
    return {"a": a, "b": b, "winter": winter, "calls": calls, "sends": sends}


def test_merge_moves_memberships_and_sends_keeping_a_s_and_undo_restores(rolodex, twins):
    a, b = twins["a"], twins["b"]
    before = _ledger()
    plan = ok(rolodex(["merge", str(a), str(b), "--dry-run", "-f", "json"])).json()
    line = next(r for r in plan if r["field"] == "campaigns")
    assert (line["a"], line["b"], line["result"]) == (
        "1 campaign(s), 1 send(s)", "2 campaign(s), 3 send(s)", "2 campaign(s), 3 send(s)")
    ok(rolodex(["merge", str(a), str(b), "--yes"]))
    with store() as db:
        members = {r["campaign_id"]: (r["contact_id"], r["entered"]) for r in db.query(
            "SELECT * FROM campaign_members")}
        sends = {r["message_id"] or r["id"]: r["contact_id"] for r in db.query(
            "SELECT * FROM campaign_sends")}
    # A's membership of the winter offer stays (entered on the 10th); B's calls moves
    assert members == {twins["winter"]: (a, "2026-11-10"), twins["calls"]: (a, "2026-11-20")}
    # A's step 1 stays, B's step 1 goes; B's step 2 and its task step move to A
    assert sends == {W1: a, W3: a, twins["sends"]["bc"]: a}
    ok(rolodex("undo"))
    assert _ledger() == before


def test_merge_without_campaigns_has_no_campaign_line(rolodex):
    a = int(ok(rolodex(["add", "John Roe", "-e", "john@acme.example"])).stdout)
    b = int(ok(rolodex(["add", "John Roe", "-e", "john@home.example"])).stdout)
    plan = ok(rolodex(["merge", str(a), str(b), "--dry-run", "-f", "json"])).json()
    assert "campaigns" not in {r["field"] for r in plan}


def test_privacy_export_lists_campaign_memberships_and_sends(rolodex, twins):
    doc = ok(rolodex(["privacy", "export", str(twins["b"])])).json()
    assert doc["campaign_memberships"] == [
        {"campaign": "winter-offer", "entered": "2026-11-12", "left": None, "reason": None},
        {"campaign": "calls", "entered": "2026-11-20", "left": None, "reason": None}]
    assert [(s["campaign"], s["step"], s["kind"], s["status"], s["at"], s["message_id"],
             s["address"]) for s in doc["campaign_sends"]] == [
        ("winter-offer", 1, "mail", "sent", "2026-11-18T10:00:00Z", W2, JANE_HOME),
        ("winter-offer", 2, "mail", "sent", "2026-11-19T10:00:00Z", W3, JANE_HOME),
        ("calls", 1, "task", "sent", "2026-11-19T11:00:00Z", None, None)]
    other = ok(rolodex(["privacy", "export", str(twins["a"])])).json()
    assert [s["message_id"] for s in other["campaign_sends"]] == [W1]


def test_forget_erases_campaign_rows_and_their_traces(rolodex, twins):
    ok(rolodex(["privacy", "forget", str(twins["b"]), "--yes"]))
    with store() as db:
        left = db.execute("SELECT count(*) FROM campaign_members WHERE contact_id = ?",
                          (twins["b"],)).fetchone()[0]
        left += db.execute("SELECT count(*) FROM campaign_sends WHERE contact_id = ?",
                           (twins["b"],)).fetchone()[0]
        dump = "\n".join(db.conn.iterdump())
    assert left == 0
    assert JANE_HOME not in dump and W2 not in dump and W3 not in dump
    assert W1 in dump  # A, the other Jane, keeps hers


def test_a_task_made_by_a_campaign_names_it(rolodex, twins):
    john = int(ok(rolodex(["add", "John Roe", "-e", "john@acme.example", "-t", "news"])).stdout)
    campaign("ring-round", [task(0, "Call {{ first_name }}")], [john],
             start=date(2026, 11, 20), audience="tag:news")
    [outcome] = run(date(2026, 11, 20), "ring-round")
    task_id = outcome["task_id"]
    shown = ok(rolodex(["task", "show", str(task_id), "-f", "json"])).json()
    assert (shown["campaign"], shown["title"]) == ("ring-round", "Call John")
    assert "Campaign" in ok(rolodex(["task", "show", str(task_id)])).stdout
    mine = int(ok(rolodex(["task", "add", "Send offer", "--for", str(twins["a"])])).stdout)
    listed = {t["id"]: t["campaign"] for t in ok(rolodex("task list -f json")).json()}
    assert listed == {task_id: "ring-round", mine: None}
