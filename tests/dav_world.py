"""What the sync tests read and change of both sides, outside rolodex: a third-party client's
writes to a DAV collection, the collection's cards by UID, and a database's contacts and
sync status read straight from the SQLite file (what a half-applied sync would leave)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import requests
from dav_server import PASSWORD, USER, Radicale, make_collection

from rolodex.sync.dav.collection import DavCollection
from rolodex.sync.dav.http import DavSession

_UID = re.compile(rb"^UID:(.*?)\r?$", re.MULTILINE)
_VOLATILE = ("id", "company_id")  # row ids differ between two databases holding the same


def card(uid: str, name: str, *extra: str) -> str:
    """A vCard 3.0 as a phone or khard would write it."""
    first, _, last = name.partition(" ")
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{name}", f"N:{last};{first};;;",
             *extra, "END:VCARD", ""]
    return "\r\n".join(lines)


def server_cards(book: str) -> dict[str, tuple[str, str, bytes]]:
    """{UID: (href, etag, card)} of every item in ``book`` (a server without
    authentication, Xandikos here, ignores the credentials)."""
    with DavSession(book, USER, PASSWORD) as session:
        collection = DavCollection(session, book, "addressbook")
        listed = dict(collection.list())
        found = {}
        for item in collection.get_many(list(listed)):
            match = _UID.search(item.data)
            assert match, item.data
            uid = match.group(1).decode().strip()
            assert uid not in found, f"two items with UID {uid}: {found[uid][0]}, {item.href}"
            found[uid] = (item.href, item.etag, item.data)
        return found


def put_card(book: str, uid: str, text: str) -> None:
    """Create or replace the card of ``uid`` as another client would (its own href when it
    exists, else ``UID.vcf``)."""
    there = server_cards(book).get(uid)
    url = book.rstrip("/") + "/" + (there[0].rsplit("/", 1)[-1] if there else f"{uid}.vcf")
    headers = {"Content-Type": "text/vcard; charset=utf-8",
               **({"If-Match": there[1]} if there else {"If-None-Match": "*"})}
    answer = requests.put(url, data=text.encode(), headers=headers, timeout=10,
                          auth=(USER, PASSWORD))
    assert answer.status_code in (200, 201, 204), (answer.status_code, answer.text)


def delete_card(book: str, uid: str) -> None:
    href = server_cards(book)[uid][0]
    url = book.rstrip("/") + "/" + href.rsplit("/", 1)[-1]
    answer = requests.delete(url, timeout=10, auth=(USER, PASSWORD))
    assert answer.status_code in (200, 204), (answer.status_code, answer.text)


def meaning_of_cards(cards: dict[str, tuple[str, str, bytes]]) -> dict[str, list[str]]:
    """Each card's content lines, unfolded and sorted, by UID: what the card says, whatever
    its href, ETag and line order."""
    found = {}
    for uid, (_, _, data) in cards.items():
        text = data.decode("utf-8").replace("\r\n ", "").replace("\n ", "")
        found[uid] = sorted(line for line in text.splitlines() if line.strip())
    return found


def contacts_in(db: Path) -> dict[str, dict]:
    """The contacts of a database by UID, as ``contact list -f json`` shows them minus
    row ids (read by the CLI, so through the real export)."""
    from conftest import run_cli

    listed = run_cli(["--db", str(db), "contact", "list", "-f", "json"])
    assert listed.exit_code == 0, listed.stderr
    return {c["uid"]: {k: v for k, v in c.items() if k not in _VOLATILE}
            for c in listed.json()}


def raw_state(db: Path) -> dict[str, list]:
    """Every table's rows, read with sqlite3 alone (full-text index tables aside): what a
    sync left in the file. A sync that failed must leave it exactly as it was."""
    conn = sqlite3.connect(db)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE '%VIRTUAL TABLE%'")]
        return {name: conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
                for name in tables if "_fts" not in name}
    finally:
        conn.close()


class World:
    """One database with account ``team`` on a fresh address book of ``server``, reached
    at ``via`` (a proxy's ``locate``; the book's own URL by default)."""

    def __init__(self, server: Radicale, db: Path, via=None) -> None:
        from conftest import run_cli

        self.book, self.db, self._run = make_collection(server, "addressbook"), db, run_cli
        self.url = via(self.book) if via is not None else self.book
        self.run("sync", "add", "team", "--url", self.url, "--user", USER)

    def run(self, *args: str, code: int | None = 0):
        result = self._run(["--db", str(self.db), *args])
        if code is not None:
            assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    def state(self) -> tuple:
        """(the server's cards by UID, the contacts by UID, the open conflicts)."""
        conflicts = [(c["uid"], c["field"], c["local"], c["remote"])
                     for c in self.run("sync", "conflicts", "-f", "json").json()]
        return meaning_of_cards(server_cards(self.book)), contacts_in(self.db), conflicts


def book_folder(server: Radicale, book: str) -> Path:
    """Where Radicale keeps ``book``'s items on disk (one file each)."""
    return server.folder / "collections" / "collection-root" / USER / book.rstrip("/").rsplit(
        "/", 1)[-1]
