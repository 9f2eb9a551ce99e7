"""Three teammates, three databases, one address book on a real Radicale (#15): Ann and Bob
run rolodex in-process, Cleo runs the installed ``rolodex`` script in a process of her
own. Contacts added anywhere reach everyone; edits of different fields merge; one field
changed two ways is one conflict, settled by ``--prefer remote``; a deletion reaches the
others; a contact deleted by one and edited by another is kept and reported; and after a
last round all three hold the same contacts field for field, and the server exactly them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Result, run_cli
from dav_server import PASSWORD, USER, make_collection, radicale
from dav_world import contacts_in, meaning_of_cards, server_cards

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with radicale(tmp_path_factory.mktemp("radicale")) as running:
        yield running


class Teammate:
    """One person's rolodex: in-process, or the installed script in a subprocess."""

    def __init__(self, db: Path, subprocess_: bool) -> None:
        self.db, self.subprocess = db, subprocess_

    def __call__(self, *args: str, code: int = 0) -> Result:
        argv = ["--db", str(self.db), *args]
        if self.subprocess:
            done = subprocess.run([str(Path(sys.executable).with_name("rolodex")), *argv],
                                  capture_output=True, text=True, timeout=120,
                                  env=os.environ.copy())
            result = Result(done.returncode, done.stdout, done.stderr)
        else:
            result = run_cli(argv)
        assert result.exit_code == code, (self.db.name, args, result.stdout, result.stderr)
        return result

    def names(self) -> set[str]:
        return {c["name"] for c in contacts_in(self.db).values()}

    def person(self, name: str) -> dict:
        [found] = [c for c in contacts_in(self.db).values() if c["name"] == name]
        return found


@pytest.fixture
def team(server, tmp_path, monkeypatch):
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD", PASSWORD)
    book = make_collection(server, "addressbook")
    people = (Teammate(tmp_path / "ann.db", False), Teammate(tmp_path / "bob.db", False),
              Teammate(tmp_path / "cleo.db", True))
    for mate in people:
        mate("sync", "add", "team", "--url", book, "--user", USER)
    return *people, book


def round_of_syncs(*mates: Teammate) -> None:
    """Everyone syncs, twice over: what one sent, every other has then."""
    for _ in range(2):
        for mate in mates:
            mate("sync")


def test_three_teammates_share_one_address_book(team):
    ann, bob, cleo, book = team
    ann("add", "Jane Doe", "-e", "jane@acme.example", "-t", "vip")
    bob("add", "Rob Roe", "-e", "rob@acme.example", "-c", "Acme Ltd")
    cleo("add", "Nia Poe", "-p", "+1 555 0142")
    cleo("add", "Tom Lee", "-e", "tom@acme.example")
    round_of_syncs(ann, bob, cleo)
    everyone = {"Jane Doe", "Rob Roe", "Nia Poe", "Tom Lee"}
    assert ann.names() == bob.names() == cleo.names() == everyone

    # different fields of one contact, edited by two: both edits everywhere
    ann("contact", "edit", "Jane Doe", "--title", "CTO")
    bob("contact", "edit", "Jane Doe", "-p", "+1 555 0100", "--note", "met at the fair")
    ann("sync")
    merged = bob("sync", "-f", "json").json()[0]
    assert merged["merged"] == 1 and merged["conflicts"] == []
    round_of_syncs(ann, bob, cleo)
    for mate in (ann, bob, cleo):
        jane = mate.person("Jane Doe")
        assert (jane["title"], jane["notes"]) == ("CTO", "met at the fair")
        assert [p["number"] for p in jane["phones"]] == ["+1 555 0100"]

    # one field, changed two ways: exactly one conflict, settled by --prefer remote
    ann("contact", "edit", "Rob Roe", "--title", "CFO")
    cleo("contact", "edit", "Rob Roe", "--title", "Treasurer")
    ann("sync")
    clash = cleo("sync", "-f", "json").json()[0]
    assert [(c["field"], c["local"], c["remote"]) for c in clash["conflicts"]] == [
        ("title", "Treasurer", "CFO")]
    assert len(cleo("sync", "conflicts", "-f", "json").json()) == 1
    cleo("sync", "conflicts", "--prefer", "remote")
    assert cleo("sync", "conflicts", "-f", "json").json() == []
    round_of_syncs(ann, bob, cleo)
    assert {m.person("Rob Roe")["title"] for m in (ann, bob, cleo)} == {"CFO"}
    assert all(m("sync", "conflicts", "-f", "json").json() == [] for m in (ann, bob, cleo))

    # a deletion reaches the other two
    bob("contact", "rm", "Tom Lee", "--yes")
    round_of_syncs(bob, ann, cleo)
    everyone.discard("Tom Lee")
    assert ann.names() == bob.names() == cleo.names() == everyone

    # deleted by one, edited by another: kept, and said so
    ann("contact", "rm", "Nia Poe", "--yes")
    cleo("contact", "edit", "Nia Poe", "--title", "Buyer")
    assert ann("sync", "-f", "json").json()[0]["deleted_there"] == 1
    kept = cleo("sync", "-f", "json").json()[0]
    assert kept["kept"] == 1
    assert [i["action"] for i in kept["items"] if i["name"] == "Nia Poe"] == ["kept"]

    # the last round: the same contacts everywhere, field for field, and on the server
    round_of_syncs(ann, bob, cleo)
    assert ann.person("Nia Poe")["title"] == "Buyer"
    held = [contacts_in(m.db) for m in (ann, bob, cleo)]
    assert held[0] == held[1] == held[2]
    assert {c["name"] for c in held[0].values()} == everyone
    exports = [_cards_by_uid(m("export", "-f", "vcard").stdout) for m in (ann, bob, cleo)]
    assert exports[0] == exports[1] == exports[2]
    assert set(exports[0]) == set(held[0])
    assert meaning_of_cards(server_cards(book)) == exports[0]


def _cards_by_uid(text: str) -> dict[str, list[str]]:
    """An export's cards as ``meaning_of_cards`` reads the server's."""
    cards = {}
    for chunk in text.replace("\r\n", "\n").split("END:VCARD")[:-1]:
        data = (chunk.strip() + "\nEND:VCARD\n").encode()
        uid = next(line[4:] for line in data.decode().splitlines() if line.startswith("UID:"))
        cards[uid] = ("", "", data)
    return meaning_of_cards(cards)
