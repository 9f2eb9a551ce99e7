"""What ``privacy forget`` reports and rewrites beyond the person's own rows: free text of
others naming them by a word of their name, the journal's summaries of records erased with
them, the backups that really hold them (looked for inside each), and exports."""

from __future__ import annotations

from pathlib import Path

from rolodex.store.care.backups import list_backups

FIXTURES = Path(__file__).parent / "fixtures" / "privacy"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def operations(rolodex) -> list[tuple[str, str]]:
    return [(o["command"], o["summary"]) for o in ok(rolodex("changes -f json")).json()]


def test_the_summary_of_her_own_task_loses_its_title(rolodex):
    ok(rolodex('add "Zebulon Quark" -e zebulon@quark.example'))
    ok(rolodex('task add "Send Zebulon the Q4 offer" --for zebulon'))
    ok(rolodex("privacy forget zebulon --yes"))
    assert ("[erased]", "add task [erased]") in operations(rolodex)
    assert "Zebulon" not in str(operations(rolodex))


def test_a_shared_mail_naming_him_by_first_name_is_reported(rolodex):
    ok(rolodex('add "Zebulon Quark" -e zebulon@quark.example'))
    ok(rolodex('add "Bob Poe" -e bob@poe.example'))
    mail = (FIXTURES / "mail-to-zebulon-and-bob-subject-names-him.eml").read_text()
    ok(rolodex("log-mail", input=mail))
    result = ok(rolodex("privacy forget zebulon --yes -f json"))
    found = {(m["table"], m["id"], m["column"], m["match"]) for m in result.json()["mentions"]}
    assert {("interactions", 1, "text", "word"),
            ("interactions", 1, "message_id", "word")} <= found
    assert "interactions #1 still names them in its message_id (a word of their name)" \
        in result.stderr
    assert "may be someone else's" in result.stderr


def test_a_full_name_in_another_record_is_an_exact_match(rolodex):
    ok(rolodex('add "Zebulon Quark"'))
    ok(rolodex('add "Bob Poe"'))
    ok(rolodex('event add "Dinner with Zebulon Quark" --at "2026-11-24 19:00" --with bob'))
    report = ok(rolodex("privacy forget zebulon --yes -f json")).json()
    assert {"table": "events", "id": 1, "column": "title", "match": "exact",
            "record": None} in report["mentions"]


def test_only_backups_that_hold_him_are_listed(rolodex, isolated):
    ok(rolodex('add "Bob Poe"'))
    before = ok(rolodex("backup")).stdout.strip()
    ok(rolodex('add "Zebulon Quark" -e zebulon@quark.example'))
    with_him = ok(rolodex("backup")).stdout.strip()
    result = ok(rolodex("privacy forget zebulon --yes -f json"))
    assert [b["path"] for b in result.json()["backups"]] == [with_him]
    assert with_him in result.stderr and before not in result.stderr
    assert "1 backup(s) still hold this person" in result.stderr
    assert len(list_backups(isolated)) == 2, "backups are listed, never touched"


def test_a_backup_holding_him_only_in_its_journal_is_listed(rolodex):
    ok(rolodex('add "Zebulon Quark" -e zebulon@quark.example'))
    ok(rolodex('add "Bob Poe"'))
    ok(rolodex("contact rm zebulon --yes"))  # restorable: the journal holds him
    copy = ok(rolodex("backup")).stdout.strip()
    result = ok(rolodex("privacy forget '#1' --yes -f json"))
    assert [(b["path"], b["holds"]) for b in result.json()["backups"]] == [(copy, True)]


def test_a_backup_that_cannot_be_read_is_listed_as_unchecked(rolodex, isolated):
    ok(rolodex('add "Zebulon Quark"'))
    folder = isolated.parent / "rolodex-backups"
    folder.mkdir()
    damaged = folder / "rolodex-20261120T080000Z.db"
    damaged.write_bytes((FIXTURES / "not-a-database.db").read_bytes())
    result = ok(rolodex("privacy forget zebulon --yes -f json"))
    assert [(b["path"], b["holds"]) for b in result.json()["backups"]] == [(str(damaged), None)]
    assert "1 backup(s) could not be read" in result.stderr


def test_exports_are_said_to_be_out_of_reach(rolodex):
    ok(rolodex('add "Zebulon Quark"'))
    result = ok(rolodex("privacy forget zebulon --yes -f json"))
    assert result.json()["exports_tracked"] is False
    assert "files rolodex exported earlier" in result.stderr
    assert "not tracked" in result.stderr
