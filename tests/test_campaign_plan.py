"""Planning campaigns and who they reach: ``campaign add/list/show/edit/pause/resume/rm/
optout`` and the membership and consent rules of ``campaign run``, with task and letter
steps (mail, through a real SMTP server, is test_campaign_run.py's)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def people(rolodex) -> dict[str, int]:
    """Three customers (two granted marketing), one lead."""
    ids = {}
    for name, email, tag in (("Jane Doe", "jane@acme.example", "customer"),
                             ("Zoë Müller", "zoe@example.org", "customer"),
                             ("Bob Roe", "bob@example.net", "customer"),
                             ("Ann Lee", "ann@example.com", "lead")):
        result = rolodex(["add", name, "-e", email, "-t", tag])
        assert result.exit_code == 0, result.stderr
        ids[name.split()[0]] = int(result.stdout)
    for who in ("Jane", "Zoë"):
        assert rolodex(["privacy", "consent", f"#{ids[who]}", "marketing", "--grant"]
                       ).exit_code == 0
    return ids


def template(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def at(monkeypatch, day: str) -> None:
    monkeypatch.setenv("ROLODEX_NOW", f"{day}T09:00:00Z")


def tasks(rolodex) -> list[dict]:
    result = rolodex("task list --all -f json")
    assert result.exit_code == 0, result.stderr
    return result.json()


def run_json(rolodex, *args: str) -> list[dict]:
    result = rolodex(["campaign", "run", "-f", "json", *args])
    assert result.exit_code == 0, result.stderr
    return result.json()


# planning


def test_add_checks_every_template_before_planning(rolodex, people, tmp_path):
    bad = template(tmp_path, "bad.md", "Subject: Hi\n\nDear {{ frist_name }},\n")
    result = rolodex(["campaign", "add", "w", "--tag", "customer", "--template", bad])
    assert result.exit_code == 5
    assert "bad.md:3: unknown field 'frist_name' (did you mean first_name?)" in result.stderr
    no_subject = template(tmp_path, "plain.md", "Dear {{ first_name }},\n")
    result = rolodex(["campaign", "add", "w", "--tag", "customer", "--template", no_subject])
    assert result.exit_code == 5 and "has no subject" in result.stderr
    result = rolodex(["campaign", "add", "w", "--tag", "customer", "--template",
                      str(tmp_path / "missing.md")])
    assert result.exit_code == 8 and "cannot read" in result.stderr
    result = rolodex(["campaign", "add", "w", "--to", "@nobody", "--step", "0d task call"])
    assert result.exit_code == 3 and "no saved search named nobody" in result.stderr
    for spec, words in (("0x task call", "offset"), ("0d fax f.md", "unknown step kind"),
                        ("3d task call 'a subject'", "only a mail step"),
                        ("0d task 'call", "cannot read step")):
        result = rolodex(["campaign", "add", "w", "--tag", "customer", "--step", spec])
        assert result.exit_code == 5 and words in result.stderr, (spec, result.stderr)
    assert rolodex("campaign list -f json").json() == []


def test_add_list_show(rolodex, people, tmp_path):
    offer = template(tmp_path, "offer.md", "Subject: Winter offer, {{ first_name }}\n\n"
                     "Dear {{ first_name }},\n")
    result = rolodex(["campaign", "add", "winter", "--tag", "customer", "--template", offer,
                      "--on", "2026-12-15", "--step", "2w task 'call {{ first_name }}'"])
    assert result.exit_code == 0, result.stderr
    listed = rolodex("campaign list -f json").json()
    assert [(c["name"], c["audience"], c["start"], c["steps"], c["members"], c["sent"],
             c["purpose"], c["basis"], c["status"]) for c in listed] == [
        ("winter", "tag:customer", "2026-12-15", 2, 3, 0, "marketing", "consent", "active")]
    shown = rolodex("campaign show winter -f json").json()
    assert [(s["position"], s["kind"], s["day"], s["subject"], s["title"])
            for s in shown["steps"]] == [
        (1, "mail", "2026-12-15", "Winter offer, {{ first_name }}", None),
        (2, "task", "2026-12-29", None, "call {{ first_name }}")]
    card = rolodex("campaign show winter")
    assert "2026-12-29 · task call {{ first_name }}" in card.stdout
    assert rolodex("campaign add winter --tag lead --step '0d task x'").exit_code == 5
    assert rolodex("campaign show nope").exit_code == 3


# who is reached, and when


def test_task_steps_from_entry_each_person_once(rolodex, people, monkeypatch):
    assert rolodex(["campaign", "add", "calls", "--tag", "customer", "--step",
                    "0d task 'welcome {{ first_name }}'", "--step",
                    "7d task 'call {{ first_name | there }}'"]).exit_code == 0
    first = run_json(rolodex)
    assert sorted((r["contact"], r["step"], r["status"], r["detail"]) for r in first) == [
        ("Jane Doe", 1, "sent", "welcome Jane"), ("Zoë Müller", 1, "sent", "welcome Zoë")]
    assert run_json(rolodex) == []  # the same day again: nothing twice
    at(monkeypatch, "2026-11-26")
    assert run_json(rolodex) == []  # day 6
    at(monkeypatch, "2026-11-27")
    second = run_json(rolodex)
    assert sorted((r["contact"], r["step"]) for r in second) == [("Jane Doe", 2),
                                                                 ("Zoë Müller", 2)]
    titles = sorted(t["title"] for t in tasks(rolodex))
    assert titles == ["call Jane", "call Zoë", "welcome Jane", "welcome Zoë"]
    task = next(t for t in tasks(rolodex) if t["title"] == "call Jane")
    assert task["contacts"][0]["id"] == people["Jane"] and task["due"] == "2026-11-27"
    assert "Campaign calls, step 2" in task["notes"]


def test_consent_basis_and_withdrawal(rolodex, people, monkeypatch):
    assert rolodex(["campaign", "add", "ask", "--tag", "customer", "--basis",
                    "legitimate-interest", "--purpose", "Newsletter ", "--step",
                    "0d task 'a {{ first_name }}'",
                    "--step", "1d task 'b {{ first_name }}'"]).exit_code == 0
    result = rolodex("campaign run -f json")
    assert sorted(r["contact"] for r in result.json()) == ["Bob Roe", "Jane Doe",
                                                          "Zoë Müller"]
    assert rolodex(["privacy", "consent", f"#{people['Zoë']}", "newsletter",
                    "--withdraw"]).exit_code == 0
    assert rolodex(["campaign", "optout", f"#{people['Bob']}", "--evidence", "phone"]
                   ).exit_code == 0
    at(monkeypatch, "2026-11-21")
    rows = run_json(rolodex)
    assert sorted((r["contact"], r["status"], r["detail"]) for r in rows) == [
        ("Bob Roe", "left", "opted out"), ("Jane Doe", "sent", "b Jane"),
        ("Zoë Müller", "left", "consent withdrawn")]
    shown = rolodex("campaign show ask -f json").json()
    assert (shown["members"], shown["left"], shown["purpose"]) == (1, 2, "newsletter")
    consents = rolodex(["privacy", "consent", f"#{people['Bob']}", "-f", "json"]).json()
    assert consents[-1]["purpose"] == "marketing" and consents[-1]["status"] == "withdrawn"
    assert consents[-1]["evidence"] == "phone"


def test_consent_basis_waits_for_a_grant(rolodex, people, monkeypatch):
    assert rolodex(["campaign", "add", "c", "--tag", "customer", "--step",
                    "0d task 't {{ first_name }}'"]).exit_code == 0
    result = rolodex("campaign run -f json")
    assert sorted(r["contact"] for r in result.json()) == ["Jane Doe", "Zoë Müller"]
    assert "1 member(s) not reached: no consent granted" in result.stderr
    assert rolodex(["privacy", "consent", f"#{people['Bob']}", "marketing", "--grant"]
                   ).exit_code == 0
    at(monkeypatch, "2026-11-22")
    assert [r["contact"] for r in run_json(rolodex)] == ["Bob Roe"]


def test_dated_campaign_and_newcomers(rolodex, people, monkeypatch):
    """From a start day: nothing before it; people who join after a step's day get only
    the steps still ahead; people who leave the audience get nothing more."""
    assert rolodex(["campaign", "add", "d", "--tag", "customer", "--basis",
                    "legitimate-interest", "--on", "2026-11-25", "--step",
                    "0d task 'one {{ first_name }}'", "--step",
                    "10d task 'two {{ first_name }}'"]).exit_code == 0
    assert run_json(rolodex) == []
    at(monkeypatch, "2026-11-25")
    assert len(run_json(rolodex)) == 3
    assert rolodex(["contact", "edit", f"#{people['Ann']}", "--tag", "customer"]
                   ).exit_code == 0
    assert rolodex(["contact", "edit", f"#{people['Bob']}", "--untag", "customer"]
                   ).exit_code == 0
    at(monkeypatch, "2026-11-26")
    assert run_json(rolodex) == []  # Ann joined after step 1's day; Bob left
    at(monkeypatch, "2026-12-05")
    assert sorted((r["contact"], r["step"]) for r in run_json(rolodex)) == [
        ("Ann Lee", 2), ("Jane Doe", 2), ("Zoë Müller", 2)]


def test_only_new_and_pause(rolodex, people, monkeypatch):
    assert rolodex(["campaign", "add", "welcome", "--tag", "lead", "--only-new", "--basis",
                    "legitimate-interest", "--step", "0d task 'hi {{ first_name }}'"]
                   ).exit_code == 0
    assert run_json(rolodex) == []  # Ann was a lead before the campaign
    new = int(rolodex(["add", "Eve Poe", "-t", "lead"]).stdout)
    assert rolodex("campaign pause welcome").exit_code == 0
    assert run_json(rolodex) == []
    assert rolodex("campaign resume welcome").exit_code == 0
    assert [(r["contact_id"], r["status"]) for r in run_json(rolodex)] == [(new, "sent")]


def test_letters_one_file_each(rolodex, people, tmp_path):
    letter = template(tmp_path, "note.md", "Dear {{ first_name }},\n{{ address | - }}\n")
    out = tmp_path / "out"
    assert rolodex(["campaign", "add", "post", "--tag", "customer", "--step",
                    f"0d letter {letter}"]).exit_code == 0
    rows = run_json(rolodex, "--letters", str(out))
    files = sorted(p.name for p in (out / "post").iterdir())
    assert files == sorted(Path(r["file"]).name for r in rows) and len(files) == 2
    assert (out / "post" / f"1-{people['Jane']}-jane-doe.md").read_text() == "Dear Jane,\n-\n"
    assert run_json(rolodex, "--letters", str(out)) == []
    history = rolodex(["history", f"#{people['Jane']}", "-f", "json"]).json()
    assert [(h["kind"], h["direction"]) for h in history] == [("letter", "out")]
    assert "campaign post" in history[0]["text"]


def test_dry_run_records_nothing(rolodex, people, tmp_path):
    assert rolodex(["campaign", "add", "c", "--tag", "customer", "--step",
                    "0d task 'x {{ first_name }}'"]).exit_code == 0
    rows = run_json(rolodex, "--dry-run")
    assert {r["status"] for r in rows} == {"would send"} and len(rows) == 2
    assert tasks(rolodex) == []
    assert len(run_json(rolodex)) == 2


# changing and removing


def test_edit_steps_and_templates(rolodex, people, tmp_path):
    body = template(tmp_path, "m.md", "Subject: One\n\nfirst text\n")
    assert rolodex(["campaign", "add", "e", "--tag", "customer", "--template", body,
                    "--step", "3d task 'later'"]).exit_code == 0
    Path(body).write_text("Subject: Two {{ first_name }}\n\nsecond text\n", encoding="utf-8")
    result = rolodex("campaign edit e --reload --add-step '9d task \"last\"' --drop-step 2")
    assert result.exit_code == 0, result.stderr
    assert "step(s) 1 re-read" in result.stderr
    steps = rolodex("campaign show e -f json").json()["steps"]
    assert [(s["position"], s["kind"], s["subject"]) for s in steps] == [
        (1, "mail", "Two {{ first_name }}"), (2, "task", None)]
    assert rolodex("campaign edit e --rename e2 --on 2027-01-04").exit_code == 0
    shown = rolodex("campaign show e2 -f json").json()
    assert shown["start"] == "2027-01-04" and shown["steps"][1]["day"] == "2027-01-13"
    assert rolodex("campaign edit e2 --from-entry").exit_code == 0
    assert rolodex("campaign show e2 -f json").json()["start"] is None
    assert rolodex("campaign edit e2").exit_code == 5
    assert rolodex("campaign edit e2 --drop-step 7").exit_code == 3


def test_a_step_that_was_sent_stays(rolodex, people):
    assert rolodex(["campaign", "add", "s", "--tag", "customer", "--step", "0d task a",
                    "--step", "5d task b"]).exit_code == 0
    assert len(run_json(rolodex)) == 2
    result = rolodex("campaign edit s --drop-step 1")
    assert result.exit_code == 5 and "has been sent" in result.stderr


def test_rm_and_undo_keep_the_ledger(rolodex, people):
    assert rolodex(["campaign", "add", "r", "--tag", "customer", "--step", "0d task a"]
                   ).exit_code == 0
    assert len(run_json(rolodex)) == 2
    assert rolodex("campaign rm r --yes").exit_code == 0
    assert rolodex("campaign list -f json").json() == []
    assert rolodex("undo").exit_code == 0
    assert rolodex("campaign show r -f json").json()["sent"] == 2
    assert run_json(rolodex) == []  # brought back: nobody gets the step twice
    assert len(tasks(rolodex)) == 2


def test_json_keys_are_stable(rolodex, people):
    from rolodex.campaigns.outcome import KEYS
    from rolodex.store.campaigns.definitions import KEYS as CAMPAIGN_KEYS

    assert rolodex(["campaign", "add", "k", "--tag", "customer", "--step", "0d task a"]
                   ).exit_code == 0
    assert list(rolodex("campaign list -f json").json()[0]) == list(CAMPAIGN_KEYS)
    rows = run_json(rolodex)
    assert all(list(r) == list(KEYS) for r in rows)
    csv = rolodex("campaign list -f csv").stdout.splitlines()
    assert csv[0].split(",") == list(CAMPAIGN_KEYS)
    assert json.loads(rolodex("campaign run -f json").stdout) == []


def test_names_complete(rolodex, people):
    from rolodex.cli.completion import complete_campaign, complete_saved_search

    assert rolodex("search save buyers tag:customer").exit_code == 0
    for name in ("winter", "welcome", "spring"):
        assert rolodex(["campaign", "add", name, "--to", "@buyers", "--step", "0d task a"]
                       ).exit_code == 0
    assert rolodex("campaign pause spring").exit_code == 0
    assert complete_campaign("w") == [("welcome", "active: @buyers"),
                                      ("winter", "active: @buyers")]
    assert complete_campaign("s") == [("spring", "paused: @buyers")]
    assert complete_saved_search("@b") == [("@buyers", "tag:customer")]


def test_a_campaign_whose_search_is_gone_does_not_stop_the_others(rolodex, people):
    assert rolodex("search save buyers tag:customer").exit_code == 0
    assert rolodex(["campaign", "add", "a-gone", "--to", "@buyers", "--step", "0d task a"]
                   ).exit_code == 0
    assert rolodex(["campaign", "add", "b-fine", "--tag", "customer", "--step",
                    "0d task b"]).exit_code == 0
    refused = rolodex("search saved --rm buyers")
    assert refused.exit_code == 5 and "@buyers is the audience of campaign a-gone" in \
        refused.stderr
    import sqlite3  # gone by other means (an undo of its save): the run goes on

    from rolodex.cli._context import state
    with sqlite3.connect(state.db_path()) as conn:
        conn.execute("DELETE FROM saved_searches WHERE name = 'buyers'")
    result = rolodex("campaign run -f json")
    assert result.exit_code == 3
    assert "a-gone: not run: no saved search named buyers" in result.stderr
    assert {r["campaign"] for r in result.json()} == {"b-fine"} and len(result.json()) == 2
