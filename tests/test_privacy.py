"""``rolodex privacy`` through the real CLI: consent, subject access export, erasure down to
the bytes of the database file and its -wal, and stale records."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
from pathlib import Path

import pytest

from rolodex.store.care.backups import list_backups

EMAIL = "jane@acme.example"
PHONE = "+1 (555) 010-0100"
# Every form the phone number is stored in: as typed, its digits, reversed digits (index).
PHONE_FORMS = (PHONE.encode(), b"15550100100", b"00100105551")

JANE_VCF = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\n"
    f"EMAIL;TYPE=INTERNET,WORK:{EMAIL}\r\nTEL;TYPE=CELL:{PHONE}\r\n"
    "ORG:Acme Ltd\r\nX-SOCIALPROFILE;type=linkedin:https://www.linkedin.example/in/janedoe\r\n"
    "X-JABBER:janedoe-chat@im.example\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n"
    "UID:jane-uid-1\r\nEND:VCARD\r\n"
)


def calendar(*lines: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines,
                        "END:VCALENDAR"]) + "\r\n"


KICKOFF_ICS = calendar(
    "BEGIN:VEVENT", "UID:kickoff-1", "DTSTAMP:20261101T000000Z",
    "DTSTART:20261125T100000Z", "DTEND:20261125T110000Z", "SUMMARY:Project kickoff",
    f"ORGANIZER;CN=Jane Doe:mailto:{EMAIL}",
    f"ATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:MAILTO:{EMAIL.upper()}",
    "ATTENDEE;CN=Bob Poe:mailto:bob@poe.example",
    "X-MEETING-ROOM:Blue", "END:VEVENT")


FIXTURES = Path(__file__).parent / "fixtures" / "privacy"
SHARED_MAIL = "mail-to-her-and-bob-subject-and-message-id-name-her.eml"
# Others' records that name her by her first name: an erasure reports them, keeps them.
OTHERS_TEXT = ("Offer for Jane", "offer-jane-42@mail.acme.example", "Renewal for Jane",
               "Lunch with Jane", "Jane Roe")


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def raw_bytes(db_path: Path) -> bytes:
    """The database file and its -wal as they are on disk, whatever SQLite would show."""
    data = b""
    for path in (db_path, Path(f"{db_path}-wal")):
        if path.exists():
            with open(path, "rb") as handle:
                data += handle.read()
    return data


def query(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


# --- consent -------------------------------------------------------------------------

def test_consent_grant_withdraw_history_and_current(rolodex, jane):
    ok(rolodex('add "Bob Poe" -e bob@poe.example'))
    first = ok(rolodex('privacy consent jane Newsletter --grant --at 2026-01-10 '
                       '--source "web form" --evidence "signup #42"'))
    assert first.stdout == "1\n"
    ok(rolodex("privacy consent jane newsletter --withdraw --at 2026-06-01"))
    ok(rolodex("privacy consent jane marketing --grant"))
    ok(rolodex("privacy consent bob newsletter --grant --at 2026-03-01"))

    history = ok(rolodex("privacy consent jane -f json")).json()
    assert [(h["purpose"], h["status"], h["current"]) for h in history] == [
        ("newsletter", "granted", False), ("newsletter", "withdrawn", True),
        ("marketing", "granted", True)]
    assert history[0]["source"] == "web form" and history[0]["evidence"] == "signup #42"
    assert history[0]["at"] == "2026-01-09T23:00:00Z", "a day is its start in the user's zone"
    assert history[0]["user"] == "tester" and history[2]["at"] == "2026-11-20T09:00:00Z"
    assert tuple(history[0]) == ("id", "contact_id", "contact", "purpose", "status", "current",
                                 "at", "source", "evidence", "recorded", "user")

    only = ok(rolodex("privacy consent jane newsletter -f json")).json()
    assert [h["status"] for h in only] == ["granted", "withdrawn"]

    current = ok(rolodex("privacy consents -f json")).json()
    assert [(c["contact"], c["purpose"], c["status"]) for c in current] == [
        ("Jane Doe", "marketing", "granted"), ("Jane Doe", "newsletter", "withdrawn"),
        ("Bob Poe", "newsletter", "granted")]
    granted = ok(rolodex("privacy consents --purpose newsletter --status granted -f jsonl"))
    assert [c["contact"] for c in granted.jsonl()] == ["Bob Poe"]
    withdrawn = ok(rolodex("privacy consents --status withdrawn -f csv")).stdout.splitlines()
    assert withdrawn[0].startswith("id,contact_id,contact,purpose,status,current,at")
    assert len(withdrawn) == 2 and "Jane Doe,newsletter,withdrawn" in withdrawn[1]
    assert "Jane Doe" in ok(rolodex("privacy consents")).stdout


def test_a_back_dated_withdrawal_keeps_a_later_grant_current(rolodex, jane):
    ok(rolodex("privacy consent jane newsletter --grant --at 2026-05-01"))
    ok(rolodex("privacy consent jane newsletter --withdraw --at 2026-02-01"))
    current = ok(rolodex("privacy consents -f json")).json()
    assert [(c["status"], c["at"][:10]) for c in current] == [("granted", "2026-04-30")]


def test_consent_is_journalled(rolodex, jane, isolated):
    ok(rolodex("privacy consent jane newsletter --grant"))
    rows = query(isolated, "SELECT o.summary, c.table_name, c.contact_id FROM changes c"
                           " JOIN operations o ON o.id = c.operation_id"
                           " WHERE c.table_name = 'consents'")
    assert rows == [(f"consent newsletter granted for contact #{jane}", "consents", jane)]


def test_consent_empty_listings_keep_their_header(rolodex, jane):
    assert ok(rolodex("privacy consent jane -f json")).json() == []
    assert ok(rolodex("privacy consents -f tsv")).stdout.split("\t")[0] == "id"
    assert "no consent recorded" in ok(rolodex("privacy consents")).stderr


@pytest.mark.parametrize(("args", "code", "text"), [
    ("privacy consent jane newsletter --grant --withdraw", 5, "choose one"),
    ("privacy consent jane --grant", 5, "purpose"),
    ("privacy consent jane newsletter --grant --at tomorrow", 5, "future"),
    ("privacy consent jane newsletter --grant --at 31/12/2026", 5, "cannot read date"),
    ("privacy consent jane newsletter --source web", 5, "--grant or --withdraw"),
    ("privacy consent jane '  ' --grant", 5, "purpose"),
    ("privacy consents --status maybe", 2, ""),
    ("privacy consent nobody newsletter --grant", 3, "no contact"),
])
def test_consent_errors(rolodex, jane, args, code, text):
    result = rolodex(args)
    assert result.exit_code == code, result.stderr
    assert text in result.stderr and "Traceback" not in result.stderr
    assert ok(rolodex("privacy consents -f json")).json() == []


# --- unknown and ambiguous references ------------------------------------------------

@pytest.mark.parametrize("command", ["privacy consent {}", "privacy export {}",
                                     "privacy forget {} --yes"])
def test_unknown_and_ambiguous_refs(rolodex, jane, command):
    ok(rolodex('add "Jane Roe"'))
    missing = rolodex(command.format("nobody@nowhere.example"))
    assert missing.exit_code == 3 and missing.stderr.startswith("rolodex: no contact")
    assert rolodex(command.format("'#99'")).exit_code == 3
    ambiguous = rolodex(command.format("jane"))
    assert ambiguous.exit_code == 4 and "#1 Jane Doe" in ambiguous.stderr
    assert len(ok(rolodex("contact list -f json")).json()) == 2


# --- subject access export ------------------------------------------------------------

@pytest.fixture
def busy_jane(rolodex, jane):
    """Jane with history, tasks, an event, a deal, consent, a relationship and a search."""
    ok(rolodex('add "Bob Poe" -e bob@poe.example'))
    ok(rolodex('contact edit jane --title CTO --field shoe=38'))
    ok(rolodex('log jane call "talked pricing" --at "2026-11-02 10:00"'))
    ok(rolodex('log jane bob meeting "quarterly review" --at "2026-11-03 10:00"'))
    ok(rolodex('task add "Send offer" --for jane --due 2026-11-25'))
    ok(rolodex('task add "Plan workshop" --for jane --for bob'))
    ok(rolodex('event add "Lunch" --at "2026-11-21 12:00" --with jane'))
    ok(rolodex('deal add "Website" --contact jane --contact bob --amount 100'))
    ok(rolodex("privacy consent jane newsletter --grant --source form"))
    ok(rolodex("contact link jane spouse bob"))
    ok(rolodex(f"search save janes {EMAIL}"))
    ok(rolodex("search save vips tag:vip"))
    return jane


def test_export_holds_everything_about_the_person(rolodex, busy_jane):
    import vobject

    doc = ok(rolodex("privacy export jane")).json()
    assert list(doc) == ["format", "version", "generated", "contact", "vcard", "kept_card",
                         "relationships", "history", "tasks", "events", "deals", "consents",
                         "saved_searches", "campaign_memberships", "campaign_sends",
                         "journal"]
    assert (doc["format"], doc["version"]) == ("rolodex-subject-access", 1)
    record = doc["contact"]
    assert (record["name"], record["email"], record["phone"], record["title"]) == \
        ("Jane Doe", EMAIL, PHONE, "CTO")
    assert record["tags"] == ["vip"] and record["custom"] == {"shoe": "38"}
    assert doc["relationships"] == [{"kind": "spouse", "contact_id": 2, "name": "Bob Poe"}]
    assert [h["text"] for h in doc["history"]] == ["quarterly review", "talked pricing"]
    assert sorted(t["title"] for t in doc["tasks"]) == ["Plan workshop", "Send offer"]
    assert all("raw" in t for t in doc["tasks"])
    assert [e["title"] for e in doc["events"]] == ["Lunch"]
    assert [d["title"] for d in doc["deals"]] == ["Website"]
    assert [(c["purpose"], c["status"], c["source"]) for c in doc["consents"]] == [
        ("newsletter", "granted", "form")]
    assert doc["saved_searches"] == [{"name": "janes", "query": EMAIL}]
    assert doc["kept_card"] is None

    card = vobject.readOne(doc["vcard"])
    assert card.fn.value == "Jane Doe" and card.email.value == EMAIL
    assert card.tel.value == PHONE

    journal = doc["journal"]
    summaries = [op["summary"] for op in journal]
    assert summaries[0] == "add contact Jane Doe" and "log call" in summaries
    assert "consent newsletter granted for contact #1" in summaries
    assert "save search @janes" in summaries and "save search @vips" not in summaries
    tables = {c["table"] for op in journal for c in op["changes"]}
    assert {"contacts", "contact_emails", "contact_phones", "contact_fields", "interactions",
            "tasks", "deal_contacts", "consents", "relationships", "saved_searches"} <= tables
    added = next(c for c in journal[0]["changes"] if c["table"] == "contacts")
    assert added["action"] == "insert" and added["after"]["display_name"] == "Jane Doe"
    assert not any(op["summary"] == "add contact Bob Poe" for op in journal)


def test_export_keeps_the_imported_card(rolodex, tmp_path):
    (tmp_path / "jane.vcf").write_text(JANE_VCF)
    ok(rolodex(["import", str(tmp_path / "jane.vcf")]))
    doc = ok(rolodex("privacy export jane")).json()
    names = [p["name"] for p in doc["kept_card"]["properties"]]
    assert doc["kept_card"]["version"] == "3.0"
    assert {"X-SOCIALPROFILE", "X-JABBER", "X-ABLABEL"} <= {n.upper() for n in names}
    assert "X-SOCIALPROFILE" in doc["vcard"].upper() and "UID:jane-uid-1" in doc["vcard"]


def test_export_to_a_private_file(rolodex, busy_jane, tmp_path):
    target = tmp_path / "out" / "jane.json"
    target.parent.mkdir()
    result = ok(rolodex(["privacy", "export", "jane", "-o", str(target)]))
    assert result.stdout == "" and str(target) in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["contact"]["name"] == "Jane Doe"
    assert ok(rolodex("privacy export jane -o -")).json()["contact"]["id"] == busy_jane
    existing = tmp_path / "old.json"
    existing.write_text("{}")
    existing.chmod(0o644)
    ok(rolodex(["privacy", "export", "jane", "-o", str(existing)]))
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600, "an existing file is made private"
    assert json.loads(existing.read_text())["contact"]["name"] == "Jane Doe"


# --- erasure -------------------------------------------------------------------------

def test_forget_needs_yes_without_a_terminal(rolodex, jane):
    result = rolodex("privacy forget jane")
    assert result.exit_code == 9
    assert "cannot be undone" in result.stderr and "--yes" in result.stderr
    assert ok(rolodex("contact show jane -f json")).json()["name"] == "Jane Doe"
    help_text = " ".join(ok(rolodex("privacy forget --help")).stdout.split())
    assert "cannot be undone" in help_text


def test_forget_erases_every_trace_down_to_the_bytes(rolodex, tmp_path, isolated):
    ok(rolodex('add "Bob Poe" -e bob@poe.example -p "+44 20 7946 0000" -t vip'))
    (tmp_path / "jane.vcf").write_text(JANE_VCF)
    ok(rolodex(["import", str(tmp_path / "jane.vcf")]))  # takes an automatic backup
    backups = list_backups(isolated)
    assert backups, "an import into a database that holds data takes a backup"
    ok(rolodex('contact edit jane --title CTO --note "met at the fair" -e jane.doe@home.example'))
    ok(rolodex("contact tag jane vip jane-circle"))
    ok(rolodex('log jane call "talked pricing"'))
    ok(rolodex('log jane bob meeting "quarterly review" --at "2026-11-03 10:00"'))
    ok(rolodex('task add "Send offer" --for jane'))
    ok(rolodex('task add "Plan workshop" --for jane --for bob'))
    ok(rolodex('deal add "Website" --contact jane --contact bob --amount 100'))
    ok(rolodex("privacy consent jane newsletter --grant --evidence signup-form"))
    ok(rolodex("contact link bob colleague jane"))
    (tmp_path / "kickoff.ics").write_text(KICKOFF_ICS)
    ok(rolodex(["import", str(tmp_path / "kickoff.ics")]))
    ok(rolodex(f"search save janes {EMAIL}"))
    ok(rolodex('search save jane-doe "Jane Doe"'))
    ok(rolodex("search save vips tag:vip"))
    # Free text naming her by her first name alone: a shared mail's subject and Message-ID,
    # the title of Bob's deal and event, a saved search; and a task hers alone, whose
    # title the journal's summary of its creation quotes.
    ok(rolodex("log-mail", input=(FIXTURES / SHARED_MAIL).read_text()))
    ok(rolodex('deal add "Renewal for Jane" --contact bob --amount 50'))
    ok(rolodex('event add "Lunch with Jane" --at "2026-11-24 12:00" --with bob'))
    ok(rolodex('search save first-name "Jane Roe"'))
    ok(rolodex('task add "Send Jane the Q4 offer" --for jane'))
    ok(rolodex("backup"))  # holds her, unlike the automatic one taken before her import
    jane_id = ok(rolodex("contact show jane -f json")).json()["id"]
    bob_before = ok(rolodex("contact show bob -f json")).json()
    event_raw = query(isolated, "SELECT raw FROM events")[0][0]
    assert EMAIL in event_raw.lower(), "the organiser line is kept in raw"

    # A second reader keeps the -wal file in place after the CLI closes, as a shell or a
    # cron job holding the file open would; it must not hide old pages from the check.
    reader = sqlite3.connect(isolated)
    reader.execute("SELECT count(*) FROM contacts").fetchone()
    try:
        before = raw_bytes(isolated)
        assert EMAIL.encode() in before and PHONE.encode() in before
        assert Path(f"{isolated}-wal").exists()

        result = ok(rolodex(["privacy", "forget", "jane", "--yes", "--format", "json"]))

        after = raw_bytes(isolated)
        assert Path(f"{isolated}-wal").stat().st_size == 0
    finally:
        reader.close()
    for needle in (EMAIL.encode(), b"jane@", b"janedoe", *PHONE_FORMS, b"send jane the q4"):
        assert needle not in after.lower(), needle
    # What is left names her only in others' records, each reported (checked below).
    low = after.lower()
    for text in OTHERS_TEXT:
        low = low.replace(text.lower().encode(), b"")
    assert b"jane" not in low, [low[max(0, i - 80):i + 40] for i in
                                 (m.start() for m in re.finditer(b"jane", low))]

    # The person is gone; the others and what they share are intact.
    assert rolodex("contact show jane").exit_code == 3
    assert ok(rolodex("contact show bob -f json")).json() == {
        **bob_before, "relationships": []}
    shared = ok(rolodex("history -f json")).json()
    assert [(h["text"], [c["name"] for c in h["contacts"]]) for h in shared] == [
        ("Offer for Jane", ["Bob Poe"]), ("quarterly review", ["Bob Poe"])]
    tasks = ok(rolodex("task list -f json")).json()
    assert [(t["title"], [c["name"] for c in t["contacts"]]) for t in tasks] == [
        ("Plan workshop", ["Bob Poe"])]
    deals = ok(rolodex("deal list -f json")).json()
    assert sorted((d["title"], [c["name"] for c in d["contacts"]]) for d in deals) == [
        ("Renewal for Jane", ["Bob Poe"]), ("Website", ["Bob Poe"])]
    event = ok(rolodex("event show 1 -f json")).json()
    assert [c["name"] for c in event["contacts"]] == ["Bob Poe"]
    assert "X-MEETING-ROOM:Blue" in event["raw"] and "jane" not in event["raw"].lower()
    assert [s["name"] for s in ok(rolodex("search saved -f json")).json()] == [
        "first-name", "vips"]
    assert [c["name"] for c in ok(rolodex("search tag:vip -f json")).json()] == ["Bob Poe"]
    assert ok(rolodex("search jane -f json")).json() == []
    assert ok(rolodex("privacy consents -f json")).json() == []
    assert query(isolated, "SELECT name FROM tags ORDER BY name") == [("vip",)]
    assert query(isolated, "SELECT count(*) FROM contacts_fts") == [(1,)]

    # The audit stub: one operation, no personal data, no changes.
    stub = query(isolated, "SELECT id, command, summary, kind FROM operations"
                           " WHERE kind = 'forget'")
    assert [row[1:] for row in stub] == [(f"rolodex privacy forget #{jane_id}",
                                          f"privacy: erased contact #{jane_id}", "forget")]
    assert query(isolated, "SELECT count(*) FROM changes WHERE operation_id = ?",
                 (stub[0][0],)) == [(0,)]
    assert query(isolated, "SELECT count(*) FROM changes WHERE contact_id = ?",
                 (jane_id,)) == [(0,)]
    texts = " ".join(c + " " + s for c, s in query(isolated,
                                                   "SELECT command, summary FROM operations"))
    others = texts
    for text in OTHERS_TEXT:
        others = others.replace(text, "")
    assert "jane" not in others.lower() and "Bob Poe" in texts

    # What the erasure cannot reach is said: what still names her, in JSON and on stderr
    # (by a word of her name), the backup that holds her (not the one taken before her),
    # and that exports are not tracked.
    report = result.json()
    places = {(m["table"], m["record"] or m["id"], m["column"], m["match"])
              for m in report["mentions"]}
    assert places >= {("interactions", 3, "text", "word"),
                      ("interactions", 3, "message_id", "word"),
                      ("deals", 2, "title", "word"), ("events", 2, "title", "word"),
                      ("saved_searches", 4, "query", "word"),
                      ("changes", "deals #2", "after", "word"),
                      ("changes", "events #2", "after", "word"),
                      ("changes", "interactions #3", "after", "word"),
                      ("changes", "saved_searches #4", "after", "word")}, places
    assert {m["column"] for m in report["mentions"] if m["table"] == "operations"} == {
        "command", "summary"}
    for line in ("deals #2 still names them in its title (a word of their name)",
                 "interactions #3 still names them in its message_id",
                 "events #2 still names them in its title",
                 "saved_searches #4 still names them in its query",
                 "the journal's images of deals #2 still name them"):
        assert line in result.stderr, line
    assert "add task [erased]" in texts
    assert "deleted saved search @janes" in result.stderr
    assert "deleted saved search @jane-doe" in result.stderr
    before_her = [b["path"] for b in backups]  # the one the import took before her card
    held = [b["path"] for b in report["backups"]]
    assert held == [b["path"] for b in list_backups(isolated) if b["path"] not in before_her]
    assert len(held) == 2, "the copy taken before the calendar import, and the one asked for"
    assert all(path in result.stderr for path in held)
    assert all(b["holds"] is True for b in report["backups"])
    assert "2 backup(s) still hold this person" in result.stderr
    assert all(path not in result.stderr for path in before_her)
    assert report["exports_tracked"] is False
    assert "exported earlier" in result.stderr and "not tracked" in result.stderr
    assert "Traceback" not in result.stderr


def test_forget_reports_free_text_it_leaves_alone(rolodex, jane):
    ok(rolodex('add "Bob Poe"'))
    ok(rolodex('log jane bob meeting "dinner with Jane Doe and Bob"'))
    ok(rolodex(f'contact edit bob --note "ask {EMAIL} about Bob\'s order"'))
    result = ok(rolodex("--quiet privacy forget jane --yes"))
    assert "interactions #1 still names them in its text" in result.stderr
    assert "contacts #2 still names them in its notes" in result.stderr
    assert ok(rolodex("history -f json")).json()[0]["text"] == "dinner with Jane Doe and Bob"


def test_forget_without_backups_says_nothing_of_them(rolodex, jane):
    result = ok(rolodex("privacy forget jane --yes"))
    assert "backup" not in result.stderr and "erased contact #1" in result.stderr


def test_forget_a_contact_deleted_the_ordinary_way(rolodex, jane, isolated):
    ok(rolodex("contact rm jane --yes"))
    before = raw_bytes(isolated)
    assert EMAIL.encode() in before, "a plain delete keeps the rows in the journal"
    assert rolodex("privacy forget jane --yes").exit_code == 3
    ok(rolodex(f"privacy forget '#{jane}' --yes"))
    after = raw_bytes(isolated)
    for needle in (EMAIL.encode(), *PHONE_FORMS, b"Jane Doe"):
        assert needle not in after, needle
    left = query(isolated, "SELECT DISTINCT table_name FROM changes ORDER BY 1")
    assert left == [("companies",), ("tags",)], "Acme Ltd and the tag vip are no one's data"


def test_forget_is_a_line_undo_does_not_cross(rolodex, jane):
    ok(rolodex('add "Bob Poe"'))
    ok(rolodex("contact rm bob --yes"))
    ok(rolodex("privacy forget jane --yes"))
    refused = rolodex("undo")
    assert refused.exit_code == 10 and "privacy erasure" in refused.stderr
    assert rolodex("contact restore jane").exit_code == 3, "nothing left to restore her from"
    assert ok(rolodex("contact restore bob")).exit_code == 0, "others stay restorable"


# --- stale records -------------------------------------------------------------------

@pytest.fixture
def history_of_years(rolodex, monkeypatch):
    """People added, contacted and asked for consent at various times before 2026-11-20."""
    def at(when: str, args: str):
        monkeypatch.setenv("ROLODEX_NOW", when)
        return ok(rolodex(args))

    at("2020-01-10T10:00:00Z", 'add "Old Silent" -e old@silent.example')
    at("2020-01-10T10:00:00Z", 'add "Old Called"')
    at("2020-01-10T10:00:00Z", 'add "Old Consent"')
    at("2020-01-10T10:00:00Z", 'add "Old Withdrawn"')
    at("2020-01-10T10:00:00Z", 'add "Recently Withdrawn"')
    at("2025-01-10T10:00:00Z", 'add "Mid Silent"')
    at("2026-10-01T10:00:00Z", 'add "New Person"')
    at("2026-08-01T10:00:00Z", 'log "Old Called" call hello')
    at("2021-01-01T10:00:00Z", 'privacy consent "Old Consent" newsletter --grant')
    at("2021-01-01T10:00:00Z", 'privacy consent "Old Withdrawn" newsletter --grant')
    at("2022-01-01T10:00:00Z", 'privacy consent "Old Withdrawn" newsletter --withdraw')
    at("2021-01-01T10:00:00Z", 'privacy consent "Recently Withdrawn" newsletter --grant')
    at("2026-09-01T10:00:00Z", 'privacy consent "Recently Withdrawn" newsletter --withdraw')
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-20T09:00:00Z")
    return rolodex


@pytest.mark.parametrize(("age", "names"), [
    ("3y", ["Old Silent", "Old Withdrawn"]),
    ("18m", ["Old Silent", "Old Withdrawn", "Mid Silent"]),
    ("90d", ["Old Silent", "Old Withdrawn", "Mid Silent", "Old Called"]),
    ("30d", ["Old Silent", "Old Withdrawn", "Mid Silent", "Old Called", "Recently Withdrawn",
             "New Person"]),
    ("7y", []),
])
def test_stale_with_several_ages(history_of_years, age, names):
    rows = ok(history_of_years(f"privacy stale --older-than {age} -f json")).json()
    assert [r["name"] for r in rows] == names


def test_stale_rows_say_when_they_were_last_seen(history_of_years):
    rows = ok(history_of_years("privacy stale --older-than 3y -f json")).json()
    assert tuple(rows[0]) == ("id", "uid", "name", "email", "company", "created",
                              "last_contacted", "last_consent", "last_consent_status",
                              "last_consent_purpose")
    silent, withdrawn = rows
    assert (silent["email"], silent["last_contacted"], silent["last_consent"]) == \
        ("old@silent.example", None, None)
    assert (withdrawn["last_consent"], withdrawn["last_consent_status"],
            withdrawn["last_consent_purpose"]) == ("2022-01-01T10:00:00Z", "withdrawn",
                                                   "newsletter")
    table = ok(history_of_years("privacy stale --older-than 3y")).stdout
    assert "Old Silent" in table and "2022-01-01 newsletter withdrawn" in table
    ids = ok(history_of_years("privacy stale --older-than 3y -f ids")).stdout.split()
    assert ids == [str(silent["id"]), str(withdrawn["id"])]
    assert len(ok(history_of_years("privacy stale --older-than 3y -n 1 -f json")).json()) == 1


def test_stale_errors_and_empty(rolodex, jane):
    assert rolodex("privacy stale --older-than soon").exit_code == 5
    assert rolodex("privacy stale").exit_code == 2
    empty = ok(rolodex("privacy stale --older-than 1y"))
    assert "nobody silent since" in empty.stderr
    header = ok(rolodex("privacy stale --older-than 1y -f csv")).stdout
    assert header.startswith("id,uid,name,email,company,created,last_contacted")


def _give_id(path, old: int, new: int) -> None:
    """Renumber a contact as SQLite did before rolodex stopped reusing ids."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE contacts SET id = ? WHERE id = ?", (new, old))
    conn.execute("UPDATE contact_emails SET contact_id = ? WHERE contact_id = ?", (new, old))
    conn.execute("UPDATE contacts_fts SET rowid = ? WHERE rowid = ?", (new, old))
    conn.execute("UPDATE changes SET contact_id = ? WHERE contact_id = ?", (new, old))
    conn.execute("UPDATE changes SET row_id = ? WHERE table_name = 'contacts' AND row_id = ?",
                 (new, old))
    conn.close()


def test_a_reused_id_does_not_mix_two_people(rolodex, jane, isolated):
    """Ids are never reused now; a database from before, where SQLite handed the id of the
    newest deleted contact to the next one added, still keeps the two people apart."""
    ok(rolodex('add "Bob Poe" -e bob@poe.example'))
    ok(rolodex("contact rm bob --yes"))
    mary = int(ok(rolodex('add "Mary Major" -e mary@major.example')).stdout)
    assert mary == 3, "a deleted contact's id was handed out again"
    _give_id(isolated, 3, 2)
    doc = ok(rolodex("privacy export mary")).json()
    images = json.dumps(doc["journal"])
    assert "mary@major.example" in images and "bob@poe.example" not in images
    ok(rolodex("privacy forget mary --yes"))
    after = raw_bytes(isolated)
    assert b"mary@major.example" not in after
    assert b"bob@poe.example" in after, "Bob's deletion stays restorable from the journal"


def test_forget_says_when_another_program_keeps_old_pages(rolodex, jane, isolated,
                                                         monkeypatch):
    # The checkpoint waits out the busy timeout for the reader: 5 s by default.
    monkeypatch.setenv("ROLODEX_BUSY_TIMEOUT", "200")
    reader = sqlite3.connect(isolated, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM contacts").fetchone()  # holds an old snapshot
    try:
        result = ok(rolodex("privacy forget jane --yes"))
    finally:
        reader.execute("COMMIT")
        reader.close()
    assert "another program is using the database" in result.stderr
    assert "wal_checkpoint(TRUNCATE)" in result.stderr
    assert query(isolated, "SELECT count(*) FROM contacts") == [(0,)]


def test_forget_takes_the_person_out_of_group_cards_and_their_journal(rolodex, isolated):
    """A group card named its members by UID: after erasing Jane, neither the group's row,
    its journal images nor the exported group card hold her UID; the others stay."""
    jane = "5F1E0C2A-1111-4C3B-9D7E-0000000000A1"
    fixture = Path(__file__).parent / "fixtures" / "vcard" / "group-apple-members-after.vcf"
    assert rolodex(["import", str(fixture)]).exit_code == 0
    done = rolodex(["privacy", "forget", "Jane Doe", "--yes", "--format", "json"])
    assert done.exit_code == 0, done.stderr
    assert done.json()["groups"] >= 1
    conn = sqlite3.connect(isolated)
    rows = conn.execute("SELECT members, missing, pending, props FROM contact_groups").fetchall()
    images = conn.execute("SELECT before, after FROM changes"
                          " WHERE table_name = 'contact_groups'").fetchall()
    conn.close()
    assert rows and images
    assert not any(jane in (text or "") for row in rows + images for text in row)
    assert any("0000000000B2" in (text or "") for row in rows for text in row)
    exported = rolodex(["export"]).stdout
    assert jane not in exported and "0000000000B2" in exported
