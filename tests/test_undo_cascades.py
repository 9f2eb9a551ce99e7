"""Every row a foreign key's ON DELETE CASCADE or SET NULL changes is journalled.

The schema is the list: each foreign key with such an action, read from
``PRAGMA foreign_key_list``, must have rows in the seeded database (so a new one fails here
until a seed command gives it some), and deleting any parent row through the journal must be
undone and redone to the exact bytes of every table.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from test_undo import dump

from rolodex.store import journal
from rolodex.store.opening import open_db

FIXTURES = Path(__file__).parent / "fixtures" / "undo"

SEED = [
    ["add", "Jane Doe", "-e", "jane@acme.example", "-p", "+1 555 0100", "--address",
     "1 Main St; Springfield;;12345;US", "--url", "https://acme.example/jane", "-c",
     "Acme Ltd", "-t", "vip", "--field", "plan=gold"],
    ["add", "Bob Sample", "-e", "bob@initech.example", "-c", "Initech"],
    ["add", "Janet Twin", "-e", "janet@acme.example"],
    ["merge", "#1", "#3", "--yes"],
    ["company", "add", "Globex", "--domain", "globex.example"],
    ["company", "edit", "Acme Ltd", "--tag", "key", "--field", "tier=1"],
    ["company", "merge", "Acme Ltd", "Globex", "--yes"],
    ["contact", "link", "jane", "colleague", "bob"],
    ["log", "jane", "bob", "meeting", "kick-off", "-c", "Acme Ltd"],
    ["task", "add", "Send quote", "--for", "jane", "--due", "2026-11-25"],
    ["task", "done", "1", "--outcome", "sent", "--next", "in 1 week"],
    ["deal", "add", "Website", "--company", "Acme Ltd", "--contact", "jane", "--amount", "12500"],
    ["deal", "move", "1", "proposal"],
    ["event", "add", "Standup", "--at", "2026-11-23 09:00", "--repeat", "weekly", "--with", "jane"],
    ["event", "skip", "1", "2026-11-30"],
    ["import", str(FIXTURES / "one-card-kept-as-vcard.vcf")],
    ["privacy", "consent", "jane", "newsletter", "--grant", "--source", "web form"],
    # labelled dates (Apple's X-ABDATE); last, as the card is another Jane Doe
    ["import", str(FIXTURES.parent / "vcard" / "dates-apple-anniversary-and-custom-label.vcf")],
    # two sync accounts on one folder ({book}: beside the database): status rows, and a
    # title changed on both sides since "mirror" last synced, one conflict
    ["sync", "add", "team", "--vdir", "{book}"], ["sync", "add", "mirror", "--vdir", "{book}"],
    ["sync"], ["contact", "edit", "bob", "--title", "CTO"], ["sync", "run", "team"],
    ["contact", "edit", "bob", "--title", "CFO"], ["sync", "run", "mirror"],
    # a campaign that has sent Bob a letter (a history entry) and made a task: its steps,
    # members and ledger
    ["config", "set", "mail.from", "Acme Ltd <sales@acme.example>"],
    ["config", "set", "mail.sendmail", "sh -c 'cat > /dev/null'"],
    ["campaign", "add", "hello", "--to", "bob", "--basis", "legitimate-interest",
     "--step", "0d task 'call {{ first_name }}'",
     "--step", f"0d letter {FIXTURES / 'campaign-letter.md'}",
     "--step", f"0d mail {FIXTURES / 'campaign-mail.md'}"],
    ["campaign", "run", "--letters", "{book}-letters", "--rate", "0"],
    "reply",  # Bob answers the mail: the send's response
]


def reply(rolodex) -> None:
    """``log-mail`` of Bob's answer to the campaign mail the seed sent him."""
    from rolodex.cli._context import state

    conn = sqlite3.connect(state.db_path())
    [message_id] = conn.execute("SELECT message_id FROM campaign_sends WHERE message_id"
                                " IS NOT NULL").fetchone()
    conn.close()
    message = (f"From: Bob Sample <bob@initech.example>\nTo: sales@acme.example\n"
               f"Subject: Re: Hello Bob\nIn-Reply-To: {message_id}\n"
               "Date: Fri, 20 Nov 2026 10:00:00 +0000\nMessage-ID: <r1@initech.example>\n\n"
               "Yes please.\n")
    result = rolodex(["log-mail"], input=message)
    assert result.exit_code == 0 and "a reply to campaign hello" in result.stderr, result.stderr


def seed(rolodex) -> None:
    from rolodex.cli._context import state

    book = str(state.db_path().parent / "book")
    for argv in SEED:
        if argv == "reply":
            reply(rolodex)
            continue
        result = rolodex([word.replace("{book}", book) for word in argv])
        assert result.exit_code == 0, (argv, result.stderr)


def rows(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows but the search index's: a bare ``journal.delete`` does not
    reindex (the commands do, and test_undo checks them with the index)."""
    return {name: rows for name, rows in dump(path).items() if name != "contacts_fts"}


def cascading_keys(path: Path) -> list[tuple[str, str, str, str]]:
    """(child table, column, parent table, action) of every foreign key whose ON DELETE
    changes rows, except the journal's own (an operation's changes go with it)."""
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    keys = [(child, k[3], k[2], k[6]) for child in tables if child != "changes"
            for k in conn.execute(f"PRAGMA foreign_key_list({child})")
            if k[6] in ("CASCADE", "SET NULL")]
    conn.close()
    return keys


def test_contact_rm_then_undo_brings_back_the_consent_and_undo_goes_on(rolodex):
    rolodex("add 'Jane Doe' -e jane@acme.example")
    rolodex("privacy consent jane newsletter --grant --source 'web form'")
    assert rolodex("contact rm jane --yes").exit_code == 0
    assert rolodex("undo").exit_code == 0
    [consent] = rolodex("privacy consent jane -f json").json()
    assert (consent["purpose"], consent["status"]) == ("newsletter", "granted")
    undone = rolodex("undo")
    assert undone.exit_code == 0, undone.stderr
    assert rolodex("privacy consent jane -f json").json() == []


def test_contact_restore_brings_back_the_consent(rolodex):
    rolodex("add 'Jane Doe' -e jane@acme.example")
    rolodex("privacy consent jane newsletter --grant --source 'web form'")
    rolodex("contact rm jane --yes")
    assert rolodex("contact restore jane@acme.example").exit_code == 0
    [consent] = rolodex("privacy consent jane -f json").json()
    assert (consent["purpose"], consent["source"]) == ("newsletter", "web form")


def test_company_rm_after_a_company_merge_is_undone_exactly(rolodex, isolated):
    rolodex("company add 'Acme Ltd'")
    rolodex("company add Globex --domain globex.example")
    rolodex("company merge 'Acme Ltd' Globex --yes")
    before = dump(isolated)
    assert rolodex("company rm 'Acme Ltd' --yes").exit_code == 0
    after = dump(isolated)
    assert rolodex("undo").exit_code == 0
    assert dump(isolated) == before
    assert rolodex("redo").exit_code == 0
    assert dump(isolated) == after


def test_every_cascading_foreign_key_has_rows_in_the_seed(rolodex, isolated):
    seed(rolodex)
    conn = sqlite3.connect(isolated)
    empty = [f"{child}.{column}" for child, column, _, _ in cascading_keys(isolated)
             if not conn.execute(f"SELECT 1 FROM {child} WHERE {column} IS NOT NULL").fetchone()]
    conn.close()
    assert empty == [], "give these foreign keys rows in SEED, so the next test covers them"


def test_deleting_any_parent_row_journals_every_cascade_and_undo_is_exact(
        rolodex, isolated, tmp_path, monkeypatch):
    seed(rolodex)
    open_db(isolated).close()  # checkpointed: the file alone is the database
    parents = sorted({(parent, child, column) for child, column, parent, _
                      in cascading_keys(isolated)})
    for number, (parent, child, column) in enumerate(parents):
        copy = tmp_path / f"copy{number}.db"
        shutil.copyfile(isolated, copy)
        monkeypatch.setenv("ROLODEX_DB", str(copy))
        db = open_db(copy)
        row_id = db.execute(f"SELECT {column} FROM {child} WHERE {column} IS NOT NULL"
                            ).fetchone()[0]
        db.close()
        before = rows(copy)
        db = open_db(copy)
        with db.write(f"delete {parent} #{row_id}"):
            journal.delete(db, parent, row_id)
        db.close()
        after = rows(copy)
        where = f"{parent} #{row_id} (through {child}.{column})"
        assert rolodex("undo").exit_code == 0, where
        assert rows(copy) == before, where
        assert rolodex("redo").exit_code == 0, where
        assert rows(copy) == after, where


def test_restore_after_the_company_went_too_leaves_the_contact_without_one(rolodex):
    rolodex("add 'Jane Doe' -e jane@acme.example -c 'Acme Ltd'")
    rolodex("log jane call 'talked pricing' -c 'Acme Ltd'")
    rolodex("contact rm jane --yes")
    rolodex("company rm 'Acme Ltd' --yes")
    result = rolodex("contact restore jane@acme.example")
    assert (result.exit_code, result.stderr) == (0, "restored #1 Jane Doe (3 rows)\n")
    assert rolodex("contact show jane -f json").json()["company"] is None
    [entry] = rolodex("history jane -f json").json()
    assert (entry["text"], entry["company_id"]) == ("talked pricing", None)
