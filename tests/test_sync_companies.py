"""Companies (KIND:org cards) and contact groups (KIND:group cards) syncing both ways
beside the people of an address book (#15): two teammates, each with their own rolodex
file, through one vdir folder and through a real Radicale; khard reading the folder; and
one file per person when a card there and a contact here are one person."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dav_server import PASSWORD, make_collection, radicale
from teammates import runner

FIXTURES = Path(__file__).parent / "fixtures" / "sync"



@pytest.fixture
def team(rolodex, tmp_path):
    """``a`` and ``b`` on two databases, each with account 'team' on one folder."""
    book = tmp_path / "book"
    a, b = runner(rolodex, tmp_path / "a.db"), runner(rolodex, tmp_path / "b.db")
    a("sync", "add", "team", "--vdir", str(book))
    b("sync", "add", "team", "--vdir", str(book))
    return a, b, book


def companies(run) -> dict[str, dict]:
    return {c["name"]: c for c in run("company", "list", "-f", "json").json()}


def people(run) -> dict[str, dict]:
    return {c["name"]: c for c in run("contact", "list", "-f", "json").json()}


def cards(book: Path) -> dict[str, str]:
    """File name -> text of every card in the folder."""
    return {p.name: p.read_text() for p in book.glob("*.vcf")}


def org_cards(book: Path) -> list[str]:
    return [text for text in cards(book).values()
            if "KIND:org" in text or "X-ABSHOWAS:COMPANY" in text]


def report(out, kind: str) -> dict:
    [found] = [r for r in out.json() if r["kind"] == kind]
    return found


def test_a_company_added_here_reaches_the_teammate_as_a_company(team):
    a, b, book = team
    a("company", "add", "Acme Ltd", "--email", "info@acme.example", "--phone",
      "+1 555 0100", "-t", "key")
    out = a("sync", "-f", "json")
    assert report(out, "companies")["uploaded"] == 1
    [card] = org_cards(book)
    assert "FN:Acme Ltd" in card and "info@acme.example" in card
    b("sync")
    acme = companies(b)["Acme Ltd"]
    assert (acme["email"], acme["phone"], acme["tags"]) == (
        "info@acme.example", "+1 555 0100", ["key"])
    assert acme["uid"] == companies(a)["Acme Ltd"]["uid"]
    assert people(b) == {}  # a company, not a person
    assert "nothing to do" in a("sync").stderr and "nothing to do" in b("sync").stderr


def test_company_edits_travel_both_ways_and_merge(team):
    a, b, book = team
    a("company", "add", "Acme Ltd", "--email", "info@acme.example")
    a("sync"), b("sync")
    b("company", "edit", "Acme Ltd", "--phone", "+1 555 0199", "--name", "Acme Group")
    b("sync"), a("sync")
    acme = companies(a)["Acme Group"]
    assert (acme["phone"], acme["email"]) == ("+1 555 0199", "info@acme.example")
    # different fields on both sides: one merge, both kept, on both sides
    a("company", "edit", "Acme Group", "--note", "our biggest client")
    b("company", "edit", "Acme Group", "--website", "https://acme.example")
    a("sync")
    out = b("sync", "-f", "json")
    assert report(out, "companies")["merged"] == 1
    a("sync")
    for run in (a, b):
        acme = companies(run)["Acme Group"]
        assert (acme["notes"], acme["website"]) == ("our biggest client",
                                                    "https://acme.example")
    [card] = org_cards(book)
    assert "our biggest client" in card and "https://acme.example" in card


def test_a_company_changed_differently_on_both_sides_is_a_conflict(team):
    a, b, _ = team
    a("company", "add", "Acme Ltd", "--email", "info@acme.example")
    a("sync"), b("sync")
    a("company", "edit", "Acme Ltd", "--email", "sales@acme.example")
    b("company", "edit", "Acme Ltd", "--email", "hello@acme.example")
    a("sync")
    out = b("sync")
    assert "1 conflicts" in out.stderr
    listed = b("sync", "conflicts", "-f", "json").json()
    assert [(c["kind"], c["name"], c["field"], c["local"], c["remote"]) for c in listed] == [
        ("companies", "Acme Ltd", "emails", "hello@acme.example", "sales@acme.example")]
    assert companies(b)["Acme Ltd"]["email"] == "hello@acme.example"  # kept until settled
    b("sync", "conflicts", "--prefer", "remote")
    assert companies(b)["Acme Ltd"]["email"] == "sales@acme.example"
    b("sync"), a("sync")
    assert companies(a)["Acme Ltd"]["email"] == "sales@acme.example"


def test_company_deletions_travel_both_ways_and_an_edit_wins_over_a_deletion(team):
    a, b, book = team
    for name in ("Acme Ltd", "Globex Inc", "Initech"):
        a("company", "add", name)
    a("sync"), b("sync")
    assert len(org_cards(book)) == 3
    a("company", "rm", "Acme Ltd", "--yes")
    assert report(a("sync", "-f", "json"), "companies")["deleted_there"] == 1
    assert report(b("sync", "-f", "json"), "companies")["deleted_here"] == 1
    assert set(companies(b)) == {"Globex Inc", "Initech"}
    # deleted here, edited there: it stays, with the edit
    b("company", "edit", "Globex Inc", "--phone", "+1 555 0142")
    b("sync")
    a("company", "rm", "Globex Inc", "--yes")
    a("sync")
    assert companies(a)["Globex Inc"]["phone"] == "+1 555 0142"
    assert len(org_cards(book)) == 2
    # every company gone here: the guard asks first, as for people
    a("company", "rm", "Globex Inc", "--yes"), a("company", "rm", "Initech", "--yes")
    assert "would delete all 2 companies" in a("sync", code=9).stderr
    assert len(org_cards(book)) == 2


def test_a_dry_run_sends_no_company_and_undo_takes_one_back(team):
    a, b, book = team
    a("company", "add", "Acme Ltd")
    out = a("sync", "--dry-run", "-f", "json")
    assert report(out, "companies")["uploaded"] == 1 and org_cards(book) == []
    a("sync"), b("sync")
    b("company", "edit", "Acme Ltd", "--phone", "+1 555 0100")
    b("sync"), a("sync")
    assert companies(a)["Acme Ltd"]["phone"] == "+1 555 0100"
    a("undo")  # the sync that brought the phone in: taken back here, then sent
    assert companies(a)["Acme Ltd"]["phone"] is None
    assert report(a("sync", "-f", "json"), "companies")["updated_there"] == 1
    b("sync")
    assert companies(b)["Acme Ltd"]["phone"] is None


def test_a_persons_card_still_names_a_renamed_company(team):
    a, b, book = team
    a("company", "add", "Acme Ltd")
    a("add", "Jane Doe", "-c", "Acme Ltd")
    a("sync"), b("sync")
    assert people(b)["Jane Doe"]["company"] == "Acme Ltd"
    a("company", "edit", "Acme Ltd", "--name", "Acme Group")
    a("sync"), b("sync")
    assert people(b)["Jane Doe"]["company"] == "Acme Group"
    assert set(companies(b)) == {"Acme Group"}
    jane = [t for t in cards(book).values() if "FN:Jane Doe" in t]
    assert len(jane) == 1 and "ORG:Acme Group" in jane[0]


def test_an_org_card_from_another_program_becomes_a_company_and_goes_back(team):
    a, _, book = team
    book.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "company.vcf", book / "acme.vcf")
    out = a("sync", "-f", "json")
    assert report(out, "companies")["downloaded"] == 1
    assert report(out, "contacts")["downloaded"] == 0 and people(a) == {}
    assert companies(a)["Acme Ltd"]["uid"] == "acme-org-1"
    a("company", "edit", "Acme Ltd", "--phone", "+1 555 0100")
    assert report(a("sync", "-f", "json"), "companies")["updated_there"] == 1
    text = (book / "acme.vcf").read_text()  # the same file, the other program's UID
    assert "UID:acme-org-1" in text and "+1 555 0100" in text
    assert sorted(p.name for p in book.iterdir()) == ["acme.vcf"]


def test_no_companies_leaves_org_cards_alone(team, tmp_path, rolodex):
    a, _, book = team
    c = runner(rolodex, tmp_path / "c.db")
    c("sync", "add", "team", "--vdir", str(book), "--no-companies")
    assert c("sync", "list", "-f", "json").json()[0]["collections"] == ["contacts", "groups"]
    a("company", "add", "Acme Ltd")
    a("sync")
    c("company", "add", "Globex Inc")
    c("sync")
    assert companies(c) == {"Globex Inc": companies(c)["Globex Inc"]}  # nothing came in
    assert len(org_cards(book)) == 1 and people(c) == {}  # nothing went out
    c("sync", "set", "team", "--companies")
    c("sync")
    assert set(companies(c)) == {"Acme Ltd", "Globex Inc"}
    assert len(org_cards(book)) == 2
    c("sync", "set", "team", "--no-companies", "--no-groups")
    assert c("sync", "list", "-f", "json").json()[0]["collections"] == ["contacts"]


GROUP = ("BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nUID:group-friends-1\r\n"
         "FN:Friends\r\nMEMBER:urn:uuid:{member}\r\nEND:VCARD\r\n")


def test_a_group_and_its_members_sync_both_ways(team):
    a, b, book = team
    a("add", "Jane Doe", "-e", "jane@acme.example")
    a("add", "Bob Roe", "-e", "bob@acme.example")
    a("sync"), b("sync")
    jane, bob = people(a)["Jane Doe"]["uid"], people(a)["Bob Roe"]["uid"]
    (book / "friends.vcf").write_text(GROUP.format(member=jane))  # another program's group
    out = b("sync", "-f", "json")
    assert report(out, "groups")["downloaded"] == 1 and report(out, "contacts")["downloaded"] == 0
    assert people(b)["Jane Doe"]["tags"] == ["Friends"]
    b("contact", "tag", "Bob Roe", "Friends")  # a member added here
    assert report(b("sync", "-f", "json"), "groups")["updated_there"] == 1
    text = (book / "friends.vcf").read_text()
    assert f"MEMBER:urn:uuid:{jane}" in text and f"urn:uuid:{bob}" in text
    a("sync")
    assert people(a)["Bob Roe"]["tags"] == ["Friends"] == people(a)["Jane Doe"]["tags"]
    # a member removed there, one added here: both
    (book / "friends.vcf").write_text(GROUP.format(member=bob))
    a("add", "Ann Poe")
    a("sync")
    a("contact", "tag", "Ann Poe", "Friends")
    a("sync")
    b("sync")
    assert {n for n, p in people(b).items() if "Friends" in p["tags"]} == {"Bob Roe",
                                                                          "Ann Poe"}
    (book / "friends.vcf").unlink()  # the group deleted there
    assert report(b("sync", "-f", "json"), "groups")["deleted_here"] == 1
    assert all(p["tags"] == [] for p in people(b).values())
    assert not [t for t in cards(book).values() if "CATEGORIES" in t]


def test_a_card_there_and_a_contact_here_of_one_person_make_one_file(team):
    """The contact found by email takes the file's UID: its later changes go to that file,
    and no second file is written for it."""
    a, b, book = team
    a("add", "Jane Doe", "-e", "jane@acme.example", "-p", "+1 555 0100")
    book.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "jane-elsewhere.vcf", book / "Jane From Phone.vcf")
    a("sync")
    assert sorted(p.name for p in book.iterdir()) == ["Jane From Phone.vcf"]
    jane = people(a)["Jane Doe"]
    assert jane["uid"] == "phone-made-uid-1" and jane["title"] == "Engineer"
    text = (book / "Jane From Phone.vcf").read_text()
    assert "+1 555 0100" in text and "UID:phone-made-uid-1" in text  # merged both ways
    a("contact", "edit", "Jane Doe", "--title", "CTO")
    a("sync")
    assert "TITLE:CTO" in (book / "Jane From Phone.vcf").read_text()
    assert len(list(book.iterdir())) == 1
    b("sync")
    assert list(people(b)) == ["Jane Doe"]
    assert "nothing to do" in a("sync").stderr


def test_one_file_per_person_when_many_are_new_here(team, monkeypatch):
    """Many records new here are sent before the write lock only while the far side has
    nothing new: a card there may be one of them."""
    from rolodex.sync import send_first

    monkeypatch.setattr(send_first, "SEND_FIRST_MIN", 2)
    a, _, book = team
    a("add", "Jane Doe", "-e", "jane@acme.example")
    a("add", "Bob Roe"), a("add", "Ann Poe")
    book.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "jane-elsewhere.vcf", book / "Jane From Phone.vcf")
    a("sync")
    assert len(list(book.iterdir())) == 3
    assert people(a)["Jane Doe"]["uid"] == "phone-made-uid-1"
    for name in ("Cleo Lee", "Dan Fox", "Eve Sun"):
        a("add", name)
    assert report(a("sync", "-f", "json"), "contacts")["uploaded"] == 3  # sent first
    assert len(list(book.iterdir())) == 6


def test_a_contact_synced_elsewhere_keeps_its_uid(team, tmp_path, rolodex):
    """A contact another account syncs already is known there by its UID: it is never
    given another, so that account does not see it deleted (the card there is followed,
    as before)."""
    a, _, book = team
    other = tmp_path / "other"
    a("add", "Jane Doe", "-e", "jane@acme.example")
    a("sync", "add", "office", "--vdir", str(other))
    a("sync", "run", "office")
    uid = people(a)["Jane Doe"]["uid"]
    book.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "jane-elsewhere.vcf", book / "Jane From Phone.vcf")
    a("sync", "run", "team")
    assert people(a)["Jane Doe"]["uid"] == uid
    # the card's title merged into her: sent to her own file there, not a new one
    assert "1 updated there" in a("sync", "run", "office").stderr
    assert [p.name for p in other.iterdir()] == [f"{uid}.vcf"]
    assert "TITLE:Engineer" in (other / f"{uid}.vcf").read_text()


def test_an_account_made_before_syncs_companies_after_the_upgrade(tmp_path):
    """m020 gives every address book its companies and groups collections."""
    import sqlite3

    from rolodex.store.migrations import MIGRATIONS, apply_all

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    apply_all(conn, upto=MIGRATIONS.index(
        next(m for m in MIGRATIONS if m.__name__ == "m020_companies_and_groups_sync")))
    conn.execute("INSERT INTO sync_accounts (name, kind, location, created) VALUES"
                 " ('team', 'vdir', '/x', '2026-01-01T00:00:00Z')")
    conn.execute("INSERT INTO sync_collections (account_id, kind, location) VALUES"
                 " (1, 'contacts', '/x'), (1, 'events', '/y')")
    conn.execute("INSERT INTO sync_status (collection_id, uid, href, etag, base) VALUES"
                 " (1, 'u1', 'u1.vcf', 'e1', 'card')")
    apply_all(conn)
    rows = conn.execute("SELECT id, kind, location FROM sync_collections ORDER BY id").fetchall()
    assert rows == [(1, "contacts", "/x"), (2, "events", "/y"), (3, "companies", "/x"),
                    (4, "groups", "/x")]
    assert conn.execute("SELECT collection_id, uid FROM sync_status").fetchall() == [(1, "u1")]
    conn.close()


@pytest.mark.slow
def test_khard_lists_the_people_of_a_synced_folder(team, tmp_path):
    """khard reads the folder sync writes: every person, by UID; a company's card it
    lists too, under the company's name (it reads any vCard)."""
    a, _, book = team
    a("add", "Jane Doe", "-e", "jane@acme.example", "-c", "Acme Ltd")
    a("company", "add", "Globex Inc", "--email", "info@globex.example")
    a("sync")
    khard = shutil.which("khard") or str(Path(sys.executable).parent / "khard")
    config = tmp_path / "khard.conf"
    config.write_text(f"[addressbooks]\n[[team]]\npath = {book}\n\n[general]\n"
                      "debug = no\ndefault_action = list\neditor = /bin/true\n"
                      "merge_editor = /bin/true\n\n[contact table]\ndisplay = formatted_name\n")
    listed = subprocess.run([khard, "-c", str(config), "list", "--parsable"],
                            capture_output=True, text=True, timeout=60,
                            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert listed.returncode == 0, listed.stderr
    theirs = {line.split("\t")[0]: line.split("\t")[1] for line in listed.stdout.splitlines()}
    jane = people(a)["Jane Doe"]["uid"]
    globex = companies(a)["Globex Inc"]["uid"]
    assert theirs == {jane: "Jane Doe", globex: "Globex Inc"}


@pytest.fixture(scope="module")
def radicale_server(tmp_path_factory):
    with radicale(tmp_path_factory.mktemp("radicale-companies")) as running:
        yield running


@pytest.mark.slow
def test_companies_and_groups_through_radicale(rolodex, tmp_path, radicale_server,
                                               monkeypatch):
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD_TEAM", PASSWORD)
    book = make_collection(radicale_server, "addressbook")
    a, b = runner(rolodex, tmp_path / "a.db"), runner(rolodex, tmp_path / "b.db")
    for run in (a, b):
        run("sync", "add", "team", "--url", book, "--user", radicale_server.user)
        assert run("sync", "list", "-f", "json").json()[0]["collections"] == [
            "contacts", "companies", "groups"]
    a("company", "add", "Acme Ltd", "--email", "info@acme.example")
    a("add", "Jane Doe", "-e", "jane@acme.example", "-c", "Acme Ltd")
    a("sync"), b("sync")
    assert set(companies(b)) == {"Acme Ltd"} and set(people(b)) == {"Jane Doe"}
    assert people(b)["Jane Doe"]["company"] == "Acme Ltd"
    b("company", "edit", "Acme Ltd", "--phone", "+1 555 0100")
    b("sync"), a("sync")
    assert companies(a)["Acme Ltd"]["phone"] == "+1 555 0100"
    a("company", "add", "Globex Inc")
    a("company", "rm", "Acme Ltd", "--yes")
    a("sync"), b("sync")
    assert set(companies(b)) == {"Globex Inc"} and people(b)["Jane Doe"]["company"] is None
    from rolodex.sync.dav.collection import DavCollection
    from rolodex.sync.dav.http import DavSession

    jane = people(a)["Jane Doe"]["uid"]
    with DavSession(book, radicale_server.user, PASSWORD) as session:
        DavCollection(session, book, "addressbook").upload(
            "friends.vcf", GROUP.format(member=jane).encode())
    b("sync")
    assert people(b)["Jane Doe"]["tags"] == ["Friends"]
    b("add", "Bob Roe")
    b("contact", "tag", "Bob Roe", "Friends")
    b("sync"), a("sync")
    assert people(a)["Bob Roe"]["tags"] == ["Friends"] == people(a)["Jane Doe"]["tags"]
    assert "nothing to do" in a("sync").stderr and "nothing to do" in b("sync").stderr


@pytest.mark.slow
def test_one_item_per_person_in_a_carddav_book(rolodex, tmp_path, radicale_server,
                                               monkeypatch):
    from rolodex.sync.dav.collection import DavCollection
    from rolodex.sync.dav.http import DavSession

    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD_TEAM", PASSWORD)
    book = make_collection(radicale_server, "addressbook")
    with DavSession(book, radicale_server.user, PASSWORD) as session:
        DavCollection(session, book, "addressbook").upload(
            "jane.vcf", (FIXTURES / "jane-elsewhere.vcf").read_bytes())
    a = runner(rolodex, tmp_path / "a.db")
    a("add", "Jane Doe", "-e", "jane@acme.example", "-p", "+1 555 0100")
    a("sync", "add", "team", "--url", book, "--user", radicale_server.user)
    a("sync")
    with DavSession(book, radicale_server.user, PASSWORD) as session:
        there = DavCollection(session, book, "addressbook")
        listed = dict(there.list())
        assert len(listed) == 1
        [item] = there.get_many(list(listed))
    assert b"UID:phone-made-uid-1" in item.data and b"+1 555 0100" in item.data
    assert people(a)["Jane Doe"]["uid"] == "phone-made-uid-1"
