"""Undo, redo, the audit trail and contact restore, driven through the real CLI.

The strongest check is the first: every write command, whatever it touches, is undone back
to the exact bytes of every table (the full-text index included). A command that wrote
around the journal would fail it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import seeded_once

from rolodex.store.opening import open_db

SKIP = ("operations", "changes", "_sqlite_migrations")
CARDS = """BEGIN:VCARD
VERSION:3.0
UID:card-ann
FN:Ann Example
N:Example;Ann;;;
EMAIL;TYPE=work:ann@globex.example
X-SOCIAL-PROFILE;TYPE=mastodon:https://social.example/@ann
END:VCARD
BEGIN:VCARD
VERSION:3.0
UID:card-bob
FN:Bob Sample
EMAIL:bob@initech.example
ORG:Initech
END:VCARD
"""
ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:ev-1@example
DTSTAMP:20261101T000000Z
DTSTART:20261125T100000Z
DTEND:20261125T110000Z
SUMMARY:Planning with Jane
ATTENDEE;CN=Jane Doe:mailto:jane@acme.example
X-CUSTOM:kept
END:VEVENT
END:VCALENDAR
"""
MAIL = """From: Carol Client <carol@client.example>
To: me@example.org
Subject: Quote
Message-ID: <q1@client.example>
Date: Thu, 19 Nov 2026 10:00:00 +0000

Could you send a quote?
"""

JANE_MAIL = MAIL.replace("Carol Client <carol@client.example>", "Jane Doe <jane@acme.example>")


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every data table's rows, by id; the search index's too."""
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE 'contacts_fts_%'") if r[0] not in SKIP]
    out = {}
    for name in names:
        order = "rowid" if name == "contacts_fts" else "id"
        out[name] = conn.execute(f"SELECT rowid, * FROM {name} ORDER BY {order}").fetchall()
    conn.close()
    return out


@seeded_once
def jane_and_bob(rolodex) -> None:
    """Jane at Acme with a call, a task, a deal and an event; Bob at Initech."""
    for argv in (
        ["add", "Jane Doe", "-e", "jane@acme.example", "-p", "+1 555 0100", "-c", "Acme Ltd",
         "-t", "vip", "--field", "plan=gold"],
        ["add", "Bob Sample", "-e", "bob@initech.example", "-c", "Initech"],
        ["log", "jane", "bob", "meeting", "kick-off"],
        ["log", "jane", "call", "talked pricing"],
        ["task", "add", "Send quote", "--for", "jane", "--due", "2026-11-25"],
        ["deal", "add", "Website", "--company", "Acme Ltd", "--contact", "jane",
         "--amount", "12500"],
        ["event", "add", "Lunch", "--at", "2026-11-24 12:00", "--with", "jane", "--with", "bob"],
        ["contact", "link", "jane", "colleague", "bob"],
    ):
        result = rolodex(argv)
        assert result.exit_code == 0, (argv, result.stderr)


@pytest.fixture
def seeded(jane_and_bob, isolated, tmp_path):
    """The seeded database, and the files some writes read."""
    (tmp_path / "cards.vcf").write_text(CARDS)
    (tmp_path / "cal.ics").write_text(ICS)
    (tmp_path / "letter.txt").write_text("Dear {{ first_name }},\n")
    return isolated


WRITES = [
    ["add", "Zoe Quinn", "-e", "zoe@example.org", "-t", "new"],
    ["contact", "edit", "jane", "--title", "CEO", "--email", "jane.doe@acme.example",
     "--rm-email", "jane@acme.example", "--tag", "board", "--untag", "vip"],
    ["contact", "tag", "bob", "partner"],
    ["contact", "untag", "jane", "vip"],
    ["contact", "link", "jane", "colleague", "bob", "--remove"],
    ["contact", "rm", "jane", "--yes"],
    ["company", "add", "Globex", "--domain", "globex.example"],
    ["company", "edit", "Acme Ltd", "--name", "Acme Group", "--tag", "key"],
    ["company", "rm", "Acme Ltd", "--yes"],
    ["log", "bob", "email", "sent the contract", "--next", "in 2 weeks"],
    ["task", "done", "1", "--outcome", "sent", "--next", "in 1 week"],
    ["task", "snooze", "1", "2026-12-01"],
    ["task", "rm", "1", "--yes"],
    ["deal", "move", "1", "proposal"],
    ["deal", "won", "1", "--reason", "price"],
    ["deal", "rm", "1", "--yes"],
    ["event", "edit", "1", "--title", "Long lunch"],
    ["event", "rm", "1", "--yes"],
    ["config", "set", "pipeline.currency", "USD"],
    ["cadence", "set", "vip", "30d"],
    ["search", "save", "vips", "tag:vip"],
    ["import", "{tmp}/cards.vcf"],
    ["import", "{tmp}/cal.ics", "--create-contacts"],
    ["add-from-mail", "<mail"],
    ["log-mail", "<janemail"],
    ["merge-letter", "{tmp}/letter.txt", "jane", "bob", "--log"],
    ["merge", "jane", "bob", "--yes"],
    ["merge", "bob", "jane", "--prefer", "B", "--yes"],
    ["privacy", "consent", "jane", "newsletter", "--grant", "--source", "web form"],
]


@pytest.mark.parametrize("argv", WRITES, ids=lambda a: " ".join(a[:3]))
def test_every_write_is_one_operation_that_undo_reverts_exactly(rolodex, seeded, tmp_path,
                                                                  argv):
    before = dump(seeded)
    stdin = {"<mail": MAIL, "<janemail": JANE_MAIL}.get(argv[-1])
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv if not a.startswith("<")]
    done = rolodex(args, input=stdin)
    assert done.exit_code == 0, done.stderr
    after = dump(seeded)
    assert after != before, "the command changed nothing"
    undone = rolodex("undo")
    assert undone.exit_code == 0, undone.stderr
    assert dump(seeded) == before
    assert rolodex("redo").exit_code == 0
    assert dump(seeded) == after


def test_undo_after_undo_walks_back_and_redo_walks_forward(rolodex, isolated):
    rolodex("add 'Jane Doe' -e jane@acme.example")
    states = [dump(isolated)]
    for argv in ("contact edit jane --title CEO", "contact tag jane vip",
                 "log jane call 'talked pricing'"):
        assert rolodex(argv).exit_code == 0
        states.append(dump(isolated))
    assert rolodex("undo 2").exit_code == 0
    assert dump(isolated) == states[1]
    assert rolodex("undo").exit_code == 0
    assert dump(isolated) == states[0]
    assert rolodex("redo").exit_code == 0
    assert dump(isolated) == states[1]
    assert rolodex("redo").exit_code == 0
    assert dump(isolated) == states[3]


def test_new_work_after_undo_clears_redo(rolodex):
    rolodex("add 'Jane Doe'")
    rolodex("contact edit jane --title CEO")
    rolodex("undo")
    rolodex("contact tag jane vip")
    result = rolodex("redo")
    assert result.exit_code == 10
    assert "nothing to redo" in result.stderr
    assert rolodex("contact show jane -f json").json()["title"] is None


def test_nothing_to_undo_is_a_clear_error(rolodex):
    result = rolodex("undo")
    assert (result.exit_code, result.stdout) == (10, "")
    assert result.stderr.startswith("rolodex: nothing to undo")
    assert rolodex("undo 0").exit_code == 5


def test_undo_searches_again(rolodex):
    rolodex("add 'Jane Doe' -e jane@acme.example")
    rolodex("contact edit jane --name 'Janet Roe'")
    assert rolodex("search roe -f ids").stdout == "1\n"
    rolodex("undo")
    assert rolodex("search roe -f ids").stdout == ""
    assert rolodex("search jane -f ids").stdout == "1\n"


def test_undo_stops_at_a_privacy_erasure(rolodex, isolated):
    rolodex("add 'Jane Doe'")
    db = open_db(isolated)
    with db.write("privacy: erased contact #9", kind="forget"):
        pass
    db.close()
    result = rolodex("undo")
    assert result.exit_code == 10
    assert "privacy erasure" in result.stderr
    assert rolodex("search jane -f ids").stdout == "1\n"


def test_a_row_changed_behind_the_journal_blocks_undo_and_nothing_changes(rolodex, isolated):
    rolodex("add 'Jane Doe'")
    rolodex("contact edit jane --title CEO")
    conn = sqlite3.connect(isolated)
    conn.execute("UPDATE contacts SET title = 'CTO'")
    conn.commit()
    conn.close()
    before = dump(isolated)
    result = rolodex("undo")
    assert result.exit_code == 10
    assert "contacts row 1" in result.stderr and "Traceback" not in result.stderr
    assert dump(isolated) == before


def test_import_is_one_operation(rolodex, isolated, tmp_path):
    rolodex("add 'Jane Doe'")
    before = dump(isolated)
    (tmp_path / "cards.vcf").write_text(CARDS)
    assert rolodex(["import", str(tmp_path / "cards.vcf")]).exit_code == 0
    assert len(rolodex("contact list -f ids").stdout.split()) == 3
    assert rolodex("undo").exit_code == 0
    assert dump(isolated) == before
    assert rolodex("search globex -f ids").stdout == ""


def test_changes_lists_operations_newest_first(rolodex):
    rolodex("add 'Jane Doe'")
    rolodex("contact tag jane vip")
    rolodex("undo")
    ops = rolodex("changes -f json").json()
    assert [o["summary"] for o in ops] == ["undo #2", "tag 1 contacts", "add contact Jane Doe"]
    assert [(o["kind"], o["state"], o["reverted_by"]) for o in ops] == [
        ("undo", "done", None), ("do", "undone", 3), ("do", "done", None)]
    assert ops[0]["user"] == "tester"
    assert set(ops[0]) == {"id", "at", "user", "command", "summary", "kind", "state",
                           "reverted_by", "target", "changes"}
    assert rolodex("changes --limit 1 -f jsonl").jsonl()[0]["id"] == 3
    header = rolodex("changes -f csv").stdout.splitlines()[0]
    assert header == "id,at,user,command,summary,kind,state,reverted_by,target,changes"


def test_changes_of_one_contact_show_field_before_and_after(rolodex):
    rolodex("add 'Jane Doe' -e jane@acme.example")
    rolodex("add 'Bob Sample'")
    rolodex("contact edit jane --title CEO")
    rows = rolodex("changes jane -f json").json()
    assert rows[0]["fields"] == {"title": [None, "CEO"]}
    assert rows[0]["action"] == "update" and rows[0]["table"] == "contacts"
    tables = {r["table"] for r in rows}
    assert tables == {"contacts", "contact_emails"}
    assert all("Bob" not in str(r) for r in rows)


def test_changes_since_and_of_a_deleted_contact(rolodex):
    rolodex("add 'Jane Doe'")
    rolodex("contact rm jane --yes")
    rows = rolodex("changes '#1' -f json").json()
    assert rows[0]["action"] == "delete"
    assert rolodex("changes --since 2026-12-01 -f json").json() == []
    assert rolodex("changes --since 'not a date'").exit_code == 5


def test_changes_of_a_company_and_a_deal(rolodex):
    rolodex("add 'Jane Doe' -c 'Acme Ltd'")
    rolodex("deal add Website --company 'Acme Ltd' --amount 100")
    rolodex("deal move 1 proposal")
    company = rolodex("changes --company acme -f json").json()
    assert {r["table"] for r in company} >= {"companies", "contacts", "deals"}
    deal = rolodex("changes --deal 1 -f json").json()
    assert {r["table"] for r in deal} == {"deals", "deal_stages"}
    assert rolodex("changes jane --deal 1").exit_code == 5


def test_the_command_line_and_user_are_recorded(isolated, tmp_path):
    script = Path(sys.executable).with_name("rolodex")
    env = {"ROLODEX_DB": str(isolated), "ROLODEX_USER": "sam", "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path), "NO_COLOR": "1"}
    subprocess.run([str(script), "add", "Jane Doe", "-t", "vip"], env=env, check=True,
                   capture_output=True)
    out = subprocess.run([str(script), "changes", "-f", "json"], env=env, check=True,
                         capture_output=True, text=True).stdout
    import json

    [op] = json.loads(out)
    assert (op["user"], op["command"]) == ("sam", "rolodex add 'Jane Doe' -t vip")


def test_restore_brings_back_a_contact_with_everything_long_after(rolodex, seeded):
    shown = rolodex("contact show jane -f json").json()
    history = rolodex("history jane -f json").json()
    deal = rolodex("deal show 1 -f json").json()
    assert rolodex("contact rm jane --yes").exit_code == 0
    rolodex("add 'Zoe Quinn'")  # later work: undo alone would take this back too
    listed = rolodex("contact restore --list -f json").json()
    assert [(c["id"], c["name"], c["emails"]) for c in listed] == [
        (1, "Jane Doe", ["jane@acme.example"])]
    result = rolodex("contact restore jane@acme.example")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1\n"
    assert rolodex("contact show jane -f json").json() == shown
    assert rolodex("history jane -f json").json() == history
    assert rolodex("deal show 1 -f json").json() == deal
    assert rolodex("task list --for jane -f ids").stdout == "1\n"
    assert "colleague" in str(rolodex("contact show bob -f json").json())
    assert rolodex("search zoe -f ids").stdout.strip() == "3"
    assert rolodex("contact restore --list -f json").json() == []
    assert rolodex("undo").exit_code == 0  # the restore is one operation
    assert rolodex("search jane -f ids").stdout == ""


def test_ids_are_never_handed_out_again(rolodex):
    rolodex("add 'Jane Doe'")
    rolodex("log jane call hello")
    rolodex("contact rm jane --yes")
    assert rolodex("add 'Zoe Quinn'").stdout == "2\n"
    assert rolodex("contact restore '#1'").stdout == "1\n"
    assert rolodex("history jane -f json").json()[0]["text"] == "hello"
    rolodex("task add One")
    rolodex("task rm 1 --yes")
    assert rolodex("task add Two").stdout.strip() == "2"


def test_restore_errors(rolodex):
    rolodex("add 'Jane Doe'")
    rolodex("add 'Jane Roe'")
    rolodex("contact rm 'Jane Doe' 'Jane Roe' --yes")
    assert rolodex("contact restore nobody").exit_code == 3
    ambiguous = rolodex("contact restore jane")
    assert ambiguous.exit_code == 4 and "#1 Jane Doe" in ambiguous.stderr
    assert rolodex("contact restore --list jane").exit_code == 5
    assert rolodex("contact restore '#2'").exit_code == 0
