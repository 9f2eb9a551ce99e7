"""``rolodex merge A B``: the plan, what moves, conflicts, refusals and undo; the real CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import seeded_once

from rolodex.store import journal
from rolodex.store.opening import open_db

SKIP = ("operations", "changes", "_sqlite_migrations")


def ok(rolodex, argv: list[str], input: str | None = None):
    result = rolodex(argv, input=input)
    assert result.exit_code == 0, (argv, result.stderr)
    return result


def show(rolodex, ref) -> dict:
    return ok(rolodex, ["contact", "show", str(ref), "-f", "json"]).json()


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every data table's rows (the search index's too), to compare before and after."""
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE 'contacts_fts_%'") if r[0] not in SKIP]
    out = {name: conn.execute(f"SELECT rowid, * FROM {name} ORDER BY rowid").fetchall()
           for name in names}
    conn.close()
    return out


def add_consent(db_path: Path, contact_id: int, purpose: str) -> None:
    """A consent row as the privacy commands write it (journalled, like every write)."""
    db = open_db(db_path)
    try:
        with db.write(f"consent {purpose}"):
            journal.insert(db, "consents", {
                "contact_id": contact_id, "purpose": purpose, "status": "granted",
                "at": "2026-11-01T10:00:00Z", "recorded": "2026-11-01T10:00:00Z",
                "user": "tester"})
    finally:
        db.close()


@seeded_once
def duplicates(rolodex, isolated) -> None:
    """Jane Doe (#1) and her duplicate Doe Jane (#2), each with a life of their own;
    John Roe (#3) and Mary Major (#4) around them."""
    for argv in (
        ["add", "Jane Doe", "-e", "jane@acme.example (work)", "-p", "+1 555 010 0100",
         "-c", "Acme Ltd", "-t", "vip", "--field", "plan=gold", "--birthday", "--04-15",
         "--note", "likes tea"],
        ["add", "Doe Jane", "-e", "jane@home.example", "-e", "JANE@acme.example",
         "-p", "555 010 0100", "-p", "+1 555 999 0000 (mobile)", "-t", "lead", "-t", "vip",
         "--field", "plan=silver", "--field", "linkedin=janedoe", "--birthday", "1985-04-15",
         "--title", "CTO", "--note", "met at the expo", "--url", "https://jane.example"],
        ["add", "John Roe"],
        ["add", "Mary Major"],
        ["log", "1", "call", "talked pricing"],
        ["log", "2", "meeting", "kick-off"],
        ["log", "1", "2", "note", "both of them"],
        ["task", "add", "Send quote", "--for", "2"],
        ["task", "add", "Call both", "--for", "1", "--for", "2"],
        ["deal", "add", "Website", "--contact", "2", "--amount", "12500"],
        ["event", "add", "Lunch", "--at", "2026-11-24 12:00", "--with", "2"],
        ["contact", "link", "2", "spouse", "3"],
        ["contact", "link", "3", "manager", "2"],
        ["contact", "link", "1", "friend", "2"],
        ["contact", "link", "1", "colleague", "4"],
        ["contact", "link", "4", "colleague", "2"],
    ):
        ok(rolodex, argv)
    add_consent(isolated, 2, "newsletter")


@pytest.fixture
def pair(duplicates, isolated) -> Path:
    """The test's database, holding ``duplicates``."""
    return isolated


def plan_of(rolodex, *args: str) -> dict[str, dict]:
    rows = ok(rolodex, ["merge", *args, "--dry-run", "-f", "json"]).json()
    return {r["field"]: r for r in rows}


# --- the plan -----------------------------------------------------------------------------


def test_dry_run_prints_the_plan_and_writes_nothing(rolodex, pair):
    before = dump(pair)
    result = ok(rolodex, ["merge", "1", "2", "--dry-run"])
    assert "dry run: nothing written" in result.stderr
    assert "Merge #2 Doe Jane into #1 Jane Doe" in result.stdout
    assert dump(pair) == before
    assert not list(pair.parent.glob("*backups*/*merge*"))


def test_plan_says_field_by_field_what_happens(rolodex, pair):
    plan = plan_of(rolodex, "1", "2")
    assert plan["id"] == {"field": "id", "a": "#1", "b": "#2", "result": "#1",
                          "why": "A keeps its id and UID; B is deleted"}
    assert plan["name"]["result"] == "Jane Doe" and plan["name"]["why"] == "A preferred"
    assert plan["title"] == {"field": "title", "a": None, "b": "CTO", "result": "CTO",
                             "why": "only B has one"}
    assert plan["birthday"]["result"] == "1985-04-15"
    assert plan["birthday"]["why"] == "B knows the year"
    assert plan["emails"]["result"] == "jane@acme.example; jane@home.example"
    assert plan["emails"]["why"] == "both kept, 1 duplicate(s) dropped"
    assert plan["custom"]["result"] == "linkedin=janedoe; plan=gold; plan-merged=silver"
    assert plan["notes"]["result"] == "likes tea\n\nmet at the expo"
    assert plan["history"] == {"field": "history", "a": "2", "b": "2", "result": "3",
                               "why": "B's moved to A; 1 already A's"}
    assert plan["relationships"]["why"] == ("B's moved to A; dropped 1 between A and B, "
                                            "1 A already has")
    assert plan["consents"]["result"] == "1"
    assert "anniversary" not in plan  # neither has one
    assert list(next(iter(plan.values()))) == ["field", "a", "b", "result", "why"]


def test_plan_in_every_format(rolodex, pair):
    assert ok(rolodex, ["merge", "1", "2", "--dry-run", "-f", "csv"]).stdout.startswith(
        "field,a,b,result,why\nid,#1,#2,#1,")
    assert ok(rolodex, ["merge", "1", "2", "--dry-run", "-f", "tsv"]).stdout.startswith(
        "field\ta\tb\tresult\twhy\n")
    lines = ok(rolodex, ["merge", "1", "2", "--dry-run", "-f", "jsonl"]).jsonl()
    assert lines[0]["field"] == "id"


# --- merging ------------------------------------------------------------------------------


def test_everything_moves_to_a_and_b_is_gone(rolodex, pair):
    result = ok(rolodex, ["merge", "1", "2", "--yes"])
    assert "merged #2 Doe Jane into #1 Jane Doe" in result.stderr
    assert rolodex("contact show 2").exit_code == 3
    jane = show(rolodex, 1)
    assert [e["address"] for e in jane["emails"]] == ["jane@acme.example", "jane@home.example"]
    assert [e["label"] for e in jane["emails"]] == ["work", None]
    assert jane["email"] == "jane@acme.example"
    assert [p["number"] for p in jane["phones"]] == ["+1 555 010 0100", "+1 555 999 0000"]
    assert jane["phone"] == "+1 555 010 0100"
    assert [u["url"] for u in jane["urls"]] == ["https://jane.example"]
    assert jane["tags"] == ["lead", "vip"]
    assert jane["custom"] == {"linkedin": "janedoe", "plan": "gold", "plan-merged": "silver"}
    assert (jane["name"], jane["title"], jane["company"]) == ("Jane Doe", "CTO", "Acme Ltd")
    assert jane["birthday"] == "1985-04-15"
    assert jane["notes"] == "likes tea\n\nmet at the expo"
    rels = sorted((r["kind"], r["contact_id"]) for r in jane["relationships"])
    assert rels == [("colleague", 4), ("report", 3), ("spouse", 3)]
    history = ok(rolodex, ["history", "1", "-f", "json"]).json()
    assert sorted(h["text"] for h in history) == ["both of them", "kick-off", "talked pricing"]
    assert all(h["contacts"] == [{"id": 1, "name": "Jane Doe"}] for h in history)
    tasks = ok(rolodex, ["task", "list", "--for", "1", "-f", "json"]).json()
    assert sorted(t["title"] for t in tasks) == ["Call both", "Send quote"]
    deals = ok(rolodex, ["deal", "list", "--contact", "1", "-f", "json"]).json()
    assert [d["title"] for d in deals] == ["Website"]
    event = ok(rolodex, ["event", "show", "1", "-f", "json"]).json()
    assert event["contacts"] == [{"id": 1, "name": "Jane Doe"}]
    conn = sqlite3.connect(pair)
    assert conn.execute("SELECT contact_id, purpose FROM consents").fetchall() == [
        (1, "newsletter")]
    assert conn.execute("SELECT count(*) FROM contacts_fts WHERE rowid = 2").fetchone()[0] == 0
    conn.close()
    assert ok(rolodex, ["search", "expo", "-f", "ids"]).stdout == "1\n"
    assert ok(rolodex, ["search", "555 999 0000", "-f", "ids"]).stdout == "1\n"


def test_one_journalled_operation_after_a_backup(rolodex, pair):
    ok(rolodex, ["merge", "1", "2", "--yes"])
    conn = sqlite3.connect(pair)
    ops = conn.execute("SELECT summary FROM operations ORDER BY id DESC LIMIT 1").fetchall()
    conn.close()
    assert ops == [("merge contact #2 Doe Jane into #1 Jane Doe",)]
    assert list(pair.parent.glob("*backups*/*merge*"))


def test_prefer_b_lets_b_win_conflicts(rolodex, pair):
    ok(rolodex, ["merge", "1", "2", "--prefer", "B", "--yes"])
    jane = show(rolodex, 1)
    assert jane["name"] == "Doe Jane"
    assert jane["custom"] == {"linkedin": "janedoe", "plan": "silver", "plan-merged": "gold"}
    assert jane["notes"] == "met at the expo\n\nlikes tea"
    assert [e["address"] for e in jane["emails"]] == ["jane@home.example", "JANE@acme.example"]
    assert jane["email"] == "jane@home.example"
    assert jane["company"] == "Acme Ltd"  # empty on B: filled from A whoever is preferred


def test_a_nickname_first_name_becomes_the_nickname(rolodex):
    ok(rolodex, ["add", "Robert Smith"])
    ok(rolodex, ["add", "Bob Smith", "-e", "bob@smith.example"])
    ok(rolodex, ["merge", "robert", "bob", "--yes"])
    bob = show(rolodex, 1)
    assert (bob["name"], bob["nickname"], bob["email"]) == ("Robert Smith", "Bob",
                                                             "bob@smith.example")


def test_kept_vcard_properties_of_b_are_exported_with_a(rolodex, tmp_path):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Example//Phone 1//EN\r\nFN:Jane Doe\r\n"
            "N:Doe;Jane;;;\r\nEMAIL:jane@home.example\r\n"
            "item1.X-ABRELATEDNAMES:Bob Poe\r\nitem1.X-ABLabel:_$!<Spouse>!$_\r\n"
            "X-SOCIALPROFILE;type=linkedin:https://www.linkedin.example/in/janedoe\r\n"
            "UID:card-jane-home\r\nEND:VCARD\r\n")
    ok(rolodex, ["add", "Jane Doe", "-e", "jane@acme.example"])
    (tmp_path / "jane.vcf").write_text(card)
    ok(rolodex, ["import", str(tmp_path / "jane.vcf"), "--on-match", "new"])
    plan = plan_of(rolodex, "1", "2")
    assert plan["vcard"]["result"] == "4 properties"
    ok(rolodex, ["merge", "1", "2", "--yes"])
    exported = ok(rolodex, ["export"]).stdout
    assert "X-SOCIALPROFILE;TYPE=linkedin:https://www.linkedin.example/in/janedoe" in exported
    assert "item1.X-ABRELATEDNAMES:Bob Poe\r\nitem1.X-ABLABEL:_$!<Spouse>!$_" in exported
    assert "PRODID:-//Example//Phone 1//EN" in exported
    assert "EMAIL;TYPE=INTERNET:jane@home.example" in exported
    assert "card-jane-home" not in exported  # A keeps its own UID
    assert f"UID:{show(rolodex, 1)['uid']}" in exported
    assert exported.count("BEGIN:VCARD") == 1


def test_kept_cards_of_both_are_joined_without_duplicates(rolodex, tmp_path):
    def card(uid: str, email: str, extra: str) -> str:
        return (f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\nEMAIL:{email}"
                f"\r\nX-SHARED:same\r\n{extra}UID:{uid}\r\nEND:VCARD\r\n")

    (tmp_path / "a.vcf").write_text(card("card-a", "jane@acme.example",
                                         "item1.X-ABDATE:2010-01-01\r\nitem1.X-ABLabel:met\r\n"))
    (tmp_path / "b.vcf").write_text(card("card-b", "jane@home.example",
                                         "item1.X-ABDATE:2012-02-02\r\nitem1.X-ABLabel:wed\r\n"))
    ok(rolodex, ["import", str(tmp_path / "a.vcf")])
    ok(rolodex, ["import", str(tmp_path / "b.vcf")])
    ok(rolodex, ["merge", "1", "2", "--yes"])
    exported = ok(rolodex, ["export"]).stdout
    assert exported.count("X-SHARED:same") == 1
    assert "item1.X-ABDATE:2010-01-01\r\nitem1.X-ABLABEL:met" in exported
    assert "item2.X-ABDATE:2012-02-02\r\nitem2.X-ABLABEL:wed" in exported
    assert "UID:card-a" in exported and "card-b" not in exported


def test_a_history_entry_of_both_keeps_one_link(rolodex):
    ok(rolodex, ["add", "Jane Doe"])
    ok(rolodex, ["add", "Jane Doe"])
    ok(rolodex, ["log", "1", "2", "meeting", "together"])
    ok(rolodex, ["merge", "1", "2", "--yes"])
    history = ok(rolodex, ["history", "-f", "json"]).json()
    assert [h["contacts"] for h in history] == [[{"id": 1, "name": "Jane Doe"}]]


# --- refusals -----------------------------------------------------------------------------


def test_without_a_terminal_merge_needs_yes(rolodex, pair):
    before = dump(pair)
    result = rolodex("merge 1 2")
    assert result.exit_code == 9
    assert "refusing without --yes" in result.stderr
    assert dump(pair) == before


def test_merging_a_contact_with_itself_is_refused(rolodex, pair):
    result = rolodex("merge 1 '#1' --yes")
    assert result.exit_code == 5
    assert result.stderr.startswith("rolodex: cannot merge contact #1 with itself")


def test_unknown_and_ambiguous_references(rolodex, pair):
    assert rolodex("merge 1 99 --yes").exit_code == 3
    assert rolodex("merge nobody 1 --yes").exit_code == 3
    ok(rolodex, ["add", "Mary Minor"])
    ambiguous = rolodex("merge mary 1 --yes")
    assert ambiguous.exit_code == 4
    assert "#4 Mary Major" in ambiguous.stderr and "Traceback" not in ambiguous.stderr


def test_prefer_takes_a_or_b(rolodex, pair):
    result = rolodex("merge 1 2 --prefer C --yes")
    assert result.exit_code == 5
    assert "--prefer is A or B" in result.stderr


# --- undo -----------------------------------------------------------------------------------


def test_undo_after_a_merge_gives_back_both_contacts_exactly(rolodex, pair, tmp_path):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\n"
            "X-SOCIALPROFILE;type=linkedin:https://www.linkedin.example/in/janedoe\r\n"
            "UID:card-jane\r\nEND:VCARD\r\n")
    (tmp_path / "jane.vcf").write_text(card)
    ok(rolodex, ["import", str(tmp_path / "jane.vcf"), "--on-match", "new"])
    shown = [show(rolodex, i) for i in (1, 2, 5)]
    exported = ok(rolodex, ["export"]).stdout
    before = dump(pair)
    ok(rolodex, ["merge", "1", "2", "--yes"])
    ok(rolodex, ["merge", "1", "5", "--yes"])
    ok(rolodex, ["undo"])
    ok(rolodex, ["undo"])
    assert dump(pair) == before
    assert [show(rolodex, i) for i in (1, 2, 5)] == shown
    assert ok(rolodex, ["export"]).stdout == exported


def _card(uid: str, name: str, title: str = "", related: str = "") -> str:
    return (f"BEGIN:VCARD\r\nVERSION:4.0\r\nUID:{uid}\r\nFN:{name}\r\n"
            + (f"TITLE:{title}\r\n" if title else "")
            + (f"RELATED;TYPE=friend:urn:uuid:{related}\r\n" if related else "")
            + "END:VCARD\r\n")


def test_a_merged_contacts_card_imported_again_is_the_one_it_became(rolodex, tmp_path):
    """The phone's address book exported again still has B's card: it must not bring B back,
    nor undo the merge's choices, and a RELATED naming B's UID finds A."""
    book = tmp_path / "book.vcf"
    book.write_text(_card("uid-a", "Jane Doe") + _card("uid-b", "Jane Q. Doe"))
    ok(rolodex, ["import", str(book)])
    ok(rolodex, ["merge", "1", "2", "--yes"])
    book.write_text(_card("uid-a", "Jane Doe") + _card("uid-b", "Jane Q. Doe", "CTO")
                    + _card("uid-c", "Bob Roe", related="uid-b"))
    again = ok(rolodex, ["import", str(book), "-f", "json"])
    assert "1 new, 0 updated, 1 unchanged, 1 skipped" in again.stderr, again.stderr
    [match] = again.json()["matches"]
    assert (match["name"], match["matched_id"]) == ("Jane Q. Doe", 1)
    assert "merged into this one" in match["matched_by"]
    listed = rolodex("contact list -f json").json()
    assert [(c["id"], c["name"], c["title"]) for c in listed] == [
        (1, "Jane Doe", None), (3, "Bob Roe", None)]  # the merge's choices stand
    assert show(rolodex, 3)["relationships"] == [
        {"kind": "friend", "contact_id": 1, "name": "Jane Doe"}]
    once_more = ok(rolodex, ["import", str(book)])
    assert "0 new, 0 updated, 2 unchanged, 1 skipped" in once_more.stderr


def test_merged_uids_follow_merges_undo_delete_and_erasure(rolodex, tmp_path, isolated):
    import sqlite3

    def aliases() -> list[tuple]:
        conn = sqlite3.connect(isolated)
        try:
            return conn.execute("SELECT contact_id, uid FROM contact_uids ORDER BY uid").fetchall()
        finally:
            conn.close()

    book = tmp_path / "book.vcf"
    book.write_text(_card("uid-a", "Ann One") + _card("uid-b", "Ann Two")
                    + _card("uid-c", "Ann Three"))
    ok(rolodex, ["import", str(book)])
    ok(rolodex, ["merge", "2", "3", "--yes"])
    ok(rolodex, ["merge", "1", "2", "--yes"])
    assert aliases() == [(1, "uid-b"), (1, "uid-c")]  # B's own go with it
    ok(rolodex, ["undo"])
    assert aliases() == [(2, "uid-c")]
    ok(rolodex, ["redo"])
    ok(rolodex, ["contact", "rm", "1", "--yes"])
    assert aliases() == []
    ok(rolodex, ["contact", "restore", "Ann One"])
    assert aliases() == [(1, "uid-b"), (1, "uid-c")]
    ok(rolodex, ["privacy", "forget", "1", "--yes"])
    assert aliases() == []


def test_a_merged_contacts_uid_names_the_contact_it_became(rolodex, tmp_path):
    book = tmp_path / "book.vcf"
    book.write_text(_card("uid-a", "Jane Doe") + _card("uid-b", "Jane Q. Doe"))
    ok(rolodex, ["import", str(book)])
    ok(rolodex, ["merge", "1", "2", "--yes"])
    assert show(rolodex, "uid-b")["id"] == 1
