"""``campaign run`` and the people it reaches: consent withdrawn between two steps, an
opt-out from every campaign, the legitimate-interest basis; every mail and letter a
history entry, a letter a file and a task a task, each once; ``--dry-run``; a run that
has no way to send mail. Mail goes to the test SMTP server of ``tests/smtp_server.py``."""

from __future__ import annotations

from pathlib import Path

import campaign_world
import pytest
from campaign_world import (
    ADDRESSES,
    body,
    mails_logged,
    ok,
    plan,
    point_at,
    read,
    recipients,
    run,
    sends,
)
from smtp_server import smtp_server

customers = campaign_world.customers  # the seeded fixture, under its name

JANE, ZOE, JOHN = "jane@example.com", "zoe@example.com", "john@example.com"
TWO_STEPS = ("0d mail {file}", "7d mail {file} 'Still thinking, {{ first_name }}?'")


@pytest.fixture
def server():
    with smtp_server() as running:
        yield running


def _consent(rolodex, contact_id: int, purpose: str, word: str) -> None:
    ok(rolodex(["privacy", "consent", str(contact_id), purpose, f"--{word}"]))


def _by_status(rows: list[dict]) -> list[tuple[str | None, str, str | None]]:
    return [(r["address"], r["status"], r["detail"]) for r in rows]


# -- consent and opting out ------------------------------------------------------------------

def test_consent_withdrawn_between_two_steps_stops_the_second(customers, rolodex, server,
                                                             tmp_path, monkeypatch):
    for address in (ZOE, JANE):
        _consent(rolodex, customers[address], "newsletter", "grant")
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "welcome", *TWO_STEPS,
         options=("--tag", "customer", "--purpose", "newsletter"))
    first = ok(run(rolodex))
    assert [(r["address"], r["status"]) for r in first.json()] == [(ZOE, "sent"), (JANE, "sent")]
    assert "welcome: 3 member(s) not reached: no consent granted" in first.stderr
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-23T10:00:00Z")
    _consent(rolodex, customers[JANE], "newsletter", "withdraw")
    assert ok(run(rolodex)).json() == []  # the second step is not due yet
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-27T09:00:00Z")
    rows = ok(run(rolodex)).json()
    assert [(r["address"], r["status"], r["detail"]) for r in rows] == [
        (ZOE, "sent", "Still thinking, Zoë?"), (None, "left", "consent withdrawn")]
    assert rows[1]["contact_id"] == customers[JANE]
    assert recipients(server.delivered()) == [ZOE, JANE, ZOE]
    assert server.delivered()[2].parsed()["Subject"] == "Still thinking, Zoë?"
    assert ok(run(rolodex, "--retry-failed")).json() == []
    assert recipients(server.delivered()) == [ZOE, JANE, ZOE]


def test_an_opt_out_leaves_every_running_campaign(customers, rolodex, server, tmp_path,
                                                  monkeypatch):
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "welcome", *TWO_STEPS)
    ok(run(rolodex))  # the first step to all five
    plan(rolodex, tmp_path, "spring")
    ok(rolodex(["campaign", "optout", JANE, "--evidence", "asked on the phone"]))
    consents = ok(rolodex(["privacy", "consent", JANE, "marketing", "--format", "json"]))
    assert consents.json()[-1]["status"] == "withdrawn"
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-27T09:00:00Z")
    rows = ok(run(rolodex)).json()
    left = [(r["campaign"], r["step"]) for r in rows if r["contact_id"] == customers[JANE]]
    assert sorted(left) == [("spring", 1), ("welcome", 2)]
    assert {r["status"] for r in rows if r["contact_id"] == customers[JANE]} == {"left"}
    assert {r["detail"] for r in rows if r["status"] == "left"} == {"opted out"}
    got = recipients(server.delivered())
    assert got.count(JANE) == 1 and len(got) == 5 + 4 + 4
    for name in ("welcome", "spring"):
        shown = ok(rolodex(["campaign", "show", name, "--format", "json"])).json()
        assert shown["left"] == 1
    assert JANE not in recipients(server.delivered()[5:])


def test_legitimate_interest_reaches_all_but_who_withdrew(customers, rolodex, server,
                                                         tmp_path):
    _consent(rolodex, customers[ZOE], "newsletter", "grant")
    _consent(rolodex, customers[JOHN], "newsletter", "withdraw")
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "news", options=("--tag", "customer", "--purpose", "newsletter",
                                             "--basis", "legitimate-interest"))
    plan(rolodex, tmp_path, "news-consent",
         options=("--tag", "customer", "--purpose", "newsletter"))
    rows = ok(run(rolodex)).json()
    news = {r["address"] or r["contact_id"]: r["status"] for r in rows if r["campaign"] == "news"}
    assert news == {**{a: "sent" for a in ADDRESSES if a != JOHN}, customers[JOHN]: "left"}
    assert [(r["address"], r["status"]) for r in rows if r["campaign"] == "news-consent"
            and r["status"] == "sent"] == [(ZOE, "sent")]
    assert JOHN not in recipients(server.delivered())


# -- history, letters, tasks ----------------------------------------------------------------

def test_each_mail_is_an_email_history_entry_on_the_person(customers, rolodex, server,
                                                           tmp_path, isolated):
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "winter-offer")
    rows = ok(run(rolodex)).json()
    entries = ok(rolodex(["history", JANE, "--format", "json"])).json()
    assert [(e["kind"], e["direction"], e["text"]) for e in entries] == [
        ("email", "out", "Winter offer for Jane (campaign winter-offer)")]
    jane_row = next(r for r in rows if r["address"] == JANE)
    assert jane_row["history_id"] == entries[0]["id"]
    logged = {e["id"]: e["message_id"] for e in mails_logged(isolated)}
    assert logged[entries[0]["id"]] == jane_row["message_id"] == server.delivered()[1].parsed()[
        "Message-ID"]
    ledger = {s["address"]: s for s in sends(isolated)}
    assert ledger[JANE]["interaction_id"] == entries[0]["id"]


def test_a_letter_step_writes_one_file_per_person_once(customers, rolodex, tmp_path,
                                                       isolated):
    folder = tmp_path / "out"
    plan(rolodex, tmp_path, "post", "0d letter {file}",
         template="Dear {{ first_name }},\n\n{{ company | your team }} deserves a gift.\n")
    rows = ok(run(rolodex, "--letters", str(folder))).json()
    files = sorted(p for p in (folder / "post").iterdir())
    assert len(files) == 5 and [r["status"] for r in rows] == ["sent"] * 5
    assert {r["file"] for r in rows} == {str(p) for p in files}
    zoe = next(r["file"] for r in rows if r["address"] is None and r["contact"] == "Zoë Müller")
    assert Path(zoe).read_text(encoding="utf-8") == "Dear Zoë,\n\nAcme Ltd deserves a gift.\n"
    stamps = {p: p.stat().st_mtime_ns for p in files}
    assert ok(run(rolodex, "--letters", str(folder))).json() == []
    assert {p: p.stat().st_mtime_ns for p in (folder / "post").iterdir()} == stamps
    entries = ok(rolodex(["history", JANE, "--format", "json"])).json()
    assert [(e["kind"], e["direction"]) for e in entries] == [("letter", "out")]
    assert [s["file"] for s in sends(isolated)] == [r["file"] for r in rows]


def test_a_task_step_creates_one_linked_task_per_person(customers, rolodex, tmp_path,
                                                        isolated):
    plan(rolodex, tmp_path, "calls", "0d task 'call {{ first_name }} about {{ campaign }}'")
    rows = ok(run(rolodex)).json()
    tasks = ok(rolodex(["task", "list", "--format", "json"])).json()
    assert sorted(t["title"] for t in tasks) == sorted(
        f"call {n} about calls" for n in ("Zoë", "Jane", "John", "Mary", "Richard"))
    by_id = {t["id"]: t for t in tasks}
    for row, send in zip(rows, sends(isolated), strict=True):
        task = by_id[send["task_id"]]
        assert row["task_id"] == send["task_id"] and row["detail"] == task["title"]
        assert [c["id"] for c in task["contacts"]] == [send["contact_id"]]
    assert ok(run(rolodex)).json() == []
    assert len(ok(rolodex(["task", "list", "--format", "json"])).json()) == 5


# -- dry run and missing settings -----------------------------------------------------------

def test_dry_run_sends_and_records_nothing(customers, rolodex, server, tmp_path, isolated):
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "winter-offer")
    plan(rolodex, tmp_path, "calls", "0d task 'call {{ first_name }}'")
    result = ok(run(rolodex, "--dry-run"))
    assert sorted((r["campaign"], r["status"]) for r in result.json()) == [
        ("calls", "would send")] * 5 + [("winter-offer", "would send")] * 5
    assert {r["detail"] for r in result.json() if r["address"] == ZOE} == {
        "Winter offer for Zoë"}
    assert "dry run: nothing sent, nothing recorded" in result.stderr
    assert server.messages == [] and sends(isolated) == [] and mails_logged(isolated) == []
    assert ok(rolodex(["task", "list", "--format", "json"])).json() == []
    assert read(isolated, "SELECT * FROM interactions") == []


@pytest.mark.parametrize(("settings", "message"), [
    ({}, "rolodex: campaign mail needs a sender"),
    ({"mail.from": "Acme Ltd <news@acme.example>"},
     "rolodex: no way to send campaign mail is set")])
def test_no_way_to_send_fails_with_one_line_and_claims_nothing(
        customers, rolodex, tmp_path, isolated, settings, message):
    for key, value in settings.items():
        ok(rolodex(["config", "set", key, value]))
    plan(rolodex, tmp_path, "winter-offer")
    result = run(rolodex)
    assert result.exit_code == 5
    assert result.stderr.splitlines()[0] == message and "Traceback" not in result.stderr
    assert sends(isolated) == [] and mails_logged(isolated) == []


def test_body_fallbacks_and_a_subject_from_the_step(customers, rolodex, server, tmp_path):
    point_at(rolodex, server)
    plan(rolodex, tmp_path, "hello", "0d mail {file} 'Hello {{ nickname | friend }}'",
         template="Hi {{ nickname | there }}, from {{ campaign }}.\n")
    ok(run(rolodex, "--limit", "1"))
    mail = server.delivered()[0].parsed()
    assert mail["Subject"] == "Hello friend"
    assert body(mail).startswith("Hi there, from hello.\n\n-- \n")
