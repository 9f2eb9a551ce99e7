"""The fast paths of ``rolodex import`` give exactly what the plain paths give (#8).

An import of 100,000 cards takes shortcuts: property heads are parsed once per distinct
text, cards are written 500 at a time under one savepoint (a card that fails after writing
rewinds its batch, which is then written card by card), an import into an empty database
asks no email, phone or UID questions of it, the journal makes a new row's image from
its values instead of reading the row back and writes its rows many at a time, and the
search index is written once at the end (#18). Each test runs the shortcut and the plain way
on the same input, the real-world corpus and a file of troublesome cards, and compares
everything: cards and properties, the report, every row of every table, the journal.
"""

from __future__ import annotations

import itertools
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import corpus
import pytest

from rolodex.errors import FileError
from rolodex.formats import vcard_syntax
from rolodex.formats.contact_files import ContactFiles
from rolodex.formats.vcard_file import VCardFile, read_cards
from rolodex.models import Phone
from rolodex.store import journal, lookups, records
from rolodex.store.care import backups
from rolodex.store.db import _JOURNAL_ROW, Database
from rolodex.store.opening import open_db
from rolodex.store.people import contacts
from rolodex.store.search import fulltext
from rolodex.sync import apply as importer
from rolodex.sync.contact_writer import Writer

CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"
FILES = sorted((CORPUS / "vcard").glob("*.vcf")) if CORPUS.is_dir() else []
needs_corpus = corpus.needs_corpus


class _Forgetful(dict):
    """A head cache that never keeps anything: every property is parsed from scratch."""

    def __setitem__(self, key, value) -> None:
        pass


def _cards(data: bytes, source: str) -> tuple[list, list]:
    cards, errors = read_cards(data, source=source)
    return ([(c.version, c.index, c.line,
              [(p.name, p.value, p.params, p.group, p.line) for p in c.props]) for c in cards],
            [(e.source, e.index, e.line, e.reason) for e in errors])


def _readable() -> list[tuple[str, bytes]]:
    """The corpus files that read as UTF-8 (the others ask for --encoding)."""
    out = []
    for path in FILES:
        data = path.read_bytes()
        try:
            VCardFile(data, source=path.name).check()
        except FileError:
            continue
        out.append((path.name, data))
    return out


@pytest.mark.slow
@needs_corpus
def test_remembered_heads_read_every_corpus_card_as_parsing_each_head_does(monkeypatch):
    def read(data: bytes, name: str):
        try:
            return _cards(data, name)
        except FileError as exc:
            return exc.message

    sources = [(path.name, path.read_bytes()) for path in FILES]
    for name, data in sources:  # each file is read again once all have filled the cache
        read(data, name)
    warm = {name: read(data, name) for name, data in sources}
    monkeypatch.setattr(vcard_syntax, "_HEADS", _Forgetful())
    for name, data in sources:
        assert warm[name] == read(data, name), name


def test_remembered_heads_with_quotes_charsets_and_encodings(monkeypatch):
    text = "\r\n".join([
        "BEGIN:VCARD", "VERSION:2.1", "N;CHARSET=ISO-8859-1:M\xfcller;J\xfcrgen",
        "FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:J=C3=BCrgen M=C3=BCller",
        'item1.ADR;TYPE=home;LABEL="a:b;c":;;1 High St;Town;;1;X', "item1.X-ABLabel:home",
        "PHOTO;ENCODING=b;TYPE=PNG:iVBO Rw0K", "TEL;CELL;PREF:+1 555 0100",
        "EMAIL;TYPE=INTERNET:a@b.example", "END:VCARD", ""])
    data = (text * 3).encode("latin-1")
    first = _cards(data, "t.vcf")
    assert _cards(data, "t.vcf") == first  # the heads now come from the cache
    monkeypatch.setattr(vcard_syntax, "_HEADS", _Forgetful())
    assert _cards(data, "t.vcf") == first


TROUBLE = "\r\n".join([
    "BEGIN:VCARD", "VERSION:3.0", "UID:a", "FN:Ann Acme", "ORG:Acme North",
    "EMAIL:ann@acme.example", "END:VCARD",
    "BEGIN:VCARD", "VERSION:3.0", "UID:b", "FN:Bob Acme", "ORG:Acme South",
    "TEL:+1 555 0100", "CATEGORIES:vip,friends", "END:VCARD",
    # 'Acme' only starts the two names above: a company of its own.
    "BEGIN:VCARD", "VERSION:3.0", "UID:c", "FN:Cy Acme", "ORG:Acme", "END:VCARD",
    # Fails before writing anything: a company's email must be an address with a dot in its
    # domain (a contact's may be at a special-use name; an invalid one is never stored).
    "BEGIN:VCARD", "VERSION:4.0", "KIND:org", "UID:org-2", "FN:Bad Mail Inc",
    "EMAIL:ops@localhost", "END:VCARD",
    # Fails after writing its contact: a custom field's name may not start with '-'.
    "BEGIN:VCARD", "VERSION:3.0", "UID:d", "FN:Di Dash", "EMAIL:di@dash.example",
    "CATEGORIES:ok", "X-ROLODEX-FIELD;NAME=-bad:1", "END:VCARD",
    # The same UID again: an update, within the same batch.
    "BEGIN:VCARD", "VERSION:3.0", "UID:a", "FN:Ann Acme", "ORG:Acme North",
    "EMAIL:ann@acme.example", "TITLE:Boss", "END:VCARD",
    "BEGIN:VCARD", "VERSION:4.0", "UID:e", "FN:Eve", "RELATED;TYPE=spouse:urn:uuid:b",
    "RELATED;TYPE=friend:Zed Unknown", "END:VCARD",
    "BEGIN:VCARD", "VERSION:4.0", "KIND:org", "FN:Initech", "UID:org-1", "END:VCARD",
    "BEGIN:VCARD", "VERSION:3.0", "FN:No Uid", "EMAIL:ann@acme.example", "END:VCARD",
    "BEGIN:VCARD", "VERSION:3.0", "UID:f", "FN:Fay", "X-ROLODEX-FIELD;NAME=bad key:1",
    "END:VCARD",
    "BEGIN:VCARD", "VERSION:3.0", "FN:Broken", "TEL;CELL", "END:VCARD",
    "BEGIN:VCARD", "VERSION:3.0", "UID:g", "FN:Gus", "TEL:+1 555 0100", "END:VCARD",
    ""])


def _plain_writer(self, items, progress=None) -> None:
    """Every item in its own savepoint, as every import once was."""
    for item in items:
        self.report.items += 1
        self.one(item)


@contextmanager
def _at_once(db):
    """No collecting of search rows: each contact's is rewritten when it changes."""
    yield


def _one_statement(self, change: tuple) -> None:
    """A journal row written by a statement of its own, as before they were batched."""
    self.conn.execute(_JOURNAL_ROW, change)


def _import(path: Path, sources, *, plain: bool, monkeypatch, on_match: str = "update",
            seed: bool = False) -> tuple[list, dict]:
    """Import each source in turn into a new database, the fast way or the plain way:
    each import's report, and every row of every table (the search index included)."""
    counter = itertools.count(1)
    summaries: list = []
    with monkeypatch.context() as patch:
        patch.setattr(records, "new_uid", lambda: f"uid-{next(counter)}")
        patch.setattr(Writer, "BATCH", 3)  # many batches, some rewound
        patch.setattr(backups, "auto_backup", lambda db, name: None)  # not compared; slow
        if plain:
            patch.setattr(Writer, "write_all", _plain_writer)
            patch.setattr(lookups, "any_contact", lambda db: True)
            patch.setattr(journal, "_shape", lambda db, table: None)
            # Each contact's search row written at once, each journal row on its own.
            patch.setattr(fulltext, "reindexing_later", _at_once)
            patch.setattr(Database, "note", _one_statement)
        db = open_db(path)
        try:
            if seed:
                with db.write("seed"):
                    contacts.add_contact(db, "Ann Acme", uid="seed-1",
                                         details=[Phone("+1 555 0100")])
            for source in sources:
                files = ContactFiles([source])
                report = importer.apply(db, importer.Incoming(files, files.problems),
                                        importer.Policy(on_match)).contacts
                summaries.append({**report.summary(), "items": report.items})
        finally:
            db.close()
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'contacts_fts_%' AND name != '_sqlite_migrations'"
            " ORDER BY name")]
        rows = {t: conn.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall()
                for t in tables}
    finally:
        conn.close()
    return summaries, rows


@pytest.mark.parametrize("on_match", ["update", "new"])
@pytest.mark.parametrize("seed", [False, True], ids=["empty", "seeded"])
def test_batched_writes_equal_card_by_card_writes(tmp_path, monkeypatch, on_match, seed):
    sources = [("trouble.vcf", TROUBLE.encode())]
    fast = _import(tmp_path / "fast.db", sources, plain=False, monkeypatch=monkeypatch,
                   on_match=on_match, seed=seed)
    plain = _import(tmp_path / "plain.db", sources, plain=True, monkeypatch=monkeypatch,
                    on_match=on_match, seed=seed)
    assert fast[0] == plain[0]
    assert fast[1] == plain[1]
    [summary] = fast[0]
    assert summary["items"] == 11  # twelve cards, one unreadable
    reasons = [p["reason"] for p in summary["problems"]]
    assert any("not an email address" in r for r in reasons)  # failed before writing
    assert any("bad custom field name '-bad'" in r for r in reasons)  # after: batch rewound
    assert "Di Dash" not in repr(fast[1]["contacts"])


@pytest.mark.slow
@needs_corpus
def test_the_corpus_imports_the_same_fast_or_plain(tmp_path, monkeypatch):
    sources = _readable()
    assert len(sources) > 80
    fast = _import(tmp_path / "fast.db", sources, plain=False, monkeypatch=monkeypatch)
    plain = _import(tmp_path / "plain.db", sources, plain=True, monkeypatch=monkeypatch)
    assert fast[0] == plain[0]
    for table in plain[1]:
        assert fast[1][table] == plain[1][table], table
    assert len(fast[1]["changes"]) > 500


def test_a_new_rows_image_is_the_row_as_stored(tmp_path):
    """The journal's image of an inserted row, made from its values, equals SELECT *:
    for every affinity, default and Python type (the others are read back)."""
    import json

    db = open_db(tmp_path / "t.db")
    columns = ("i", "t", "r", "n", "b", "a")
    for table, computed in (("probe", ""), ("probe_computed", ", f TEXT DEFAULT (lower('X'))")):
        db.execute(f"""CREATE TABLE {table} (id INTEGER PRIMARY KEY, i INTEGER, t TEXT,
                       r REAL, n NUMERIC, b BLOB, a, d INTEGER NOT NULL DEFAULT 7,
                       s TEXT DEFAULT 'it''s', z VARCHAR(9) DEFAULT 'v', w INT DEFAULT -3
                       {computed})""")
    values = [None, 0, 1, -5, 2**40, "", "12", "x", "3.0", 1.5, 3.0, True, False]
    with db.write("probe"):
        for table in ("probe", "probe_computed"):
            for column, value in itertools.product(columns, values):
                journal.insert(db, table, {column: value})
            journal.insert(db, table, {"d": 1, "s": None, "z": "y"})
        # Images made from values for the first table; the second is always read back.
        assert journal._shape(db, "probe") is not None
        assert journal._shape(db, "probe_computed") is None
    for table in ("probe", "probe_computed"):
        images = db.query("SELECT after FROM changes WHERE table_name = ? ORDER BY id",
                          (table,))
        rows = db.query(f"SELECT * FROM {table} ORDER BY id")
        assert len(images) == len(rows) == len(columns) * len(values) + 1
        for image, row in zip(images, rows, strict=True):
            assert image[0] == json.dumps(dict(row), ensure_ascii=False)
    db.close()
