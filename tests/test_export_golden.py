"""``rolodex export --format vcard`` writes exactly the bytes it wrote before it was made fast.

``export_golden/input.vcf`` holds cards of every kind the exporter treats differently (2.1
with quoted-printable, Apple ``itemN.`` groups and labels, 4.0 with PREF and data URIs,
organisation cards, unknown properties and parameters, long lines to fold); the test
imports them, adds contacts that never had a card, edits some imported ones (so changed
groups are rewritten in place), and compares every export with the files in
``export_golden/``, written by the exporter as it was before issue #8's streaming rewrite.

Only regenerate them (``ROLODEX_UPDATE_GOLDEN=1``) for a change meant to alter the output.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "export_golden"
UPDATE = bool(os.environ.get("ROLODEX_UPDATE_GOLDEN"))

EXPORTS = {
    "default.vcf": [],
    "v3.vcf": ["--vcard-version", "3.0"],
    "v4.vcf": ["--vcard-version", "4.0"],
    "tagged.vcf": ["--tag", "vip", "--vcard-version", "4.0"],
}

EDITS = [
    ["add", "Marie Curie", "-e", "marie@sorbonne.example (work, preferred)", "-e",
     "marie@home.example", "-p", "+33 1 23 45 67 89 (mobile)", "--address",
     "1 Rue Cuvier; Paris; Île-de-France; 75005; France (home)", "--url",
     "https://curie.example", "-c", "Sorbonne", "--title", "Physicist", "--department",
     "Physics / Radium", "--nickname", "Manya", "-t", "science", "-t", "vip", "--birthday",
     "1867-11-07", "--anniversary", "--07-26", "--note",
     "Two prizes; chemistry, physics\nand a very long second line that has to be folded "
     "when it is written", "--field", "orcid=0000-0001", "--field", "role=Professor"],
    ["add", "Bare Minimum"],
    ["add", "Semi;Colon, Comma\\Back", "-e", "odd@example.org (a,b)"],
    ["contact", "edit", "golden-jane", "--title", "CEO", "--rm-email",
     "jane.doe@mail.example", "-e", "jane@new.example (home)", "--rm-address",
     "1 High St; Springfield; ; 12345; USA", "-t", "customer"],
    ["contact", "edit", "golden-zoe", "--birthday", "--12-24", "-p",
     "+49 160 0000000 (mobile)"],
    ["contact", "edit", "urn:uuid:golden-jose", "--name", "José María Álvarez", "--field",
     "linkedin="],
    ["contact", "edit", "golden-ann", "--nickname", "Annie", "--untag", "friends"],
    ["contact", "edit", "golden-john", "-c", "Roe & Co", "--note", ""],
    ["contact", "link", "Marie Curie", "friend", "Ann Poe"],
]


@pytest.fixture
def book(rolodex, monkeypatch):
    """The golden address book, with UIDs counted rather than random."""
    from rolodex.store import records

    counter = iter(range(1, 1000))
    monkeypatch.setattr(records, "new_uid", lambda: f"golden-new-{next(counter)}")
    result = rolodex(["import", str(GOLDEN / "input.vcf")])
    assert result.exit_code == 0, result.stderr
    for args in EDITS:
        result = rolodex(args)
        assert result.exit_code == 0, (args, result.stderr)
    return rolodex


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
        return
    assert text.encode("utf-8") == path.read_bytes(), f"export differs from {name}"


@pytest.mark.parametrize("name", EXPORTS)
def test_export_is_byte_identical_to_before(book, name, tmp_path):
    out = book(["export", "--format", "vcard", *EXPORTS[name]])
    assert out.exit_code == 0, out.stderr
    _check(name, out.stdout)
    target = tmp_path / name
    to_file = book(["export", "--format", "vcard", *EXPORTS[name], "-o", str(target)])
    assert to_file.exit_code == 0, to_file.stderr
    assert target.read_bytes() == out.stdout.encode("utf-8")
    assert gc.isenabled()  # the export turns the cycle collector off only while it runs


def test_golden_files_cover_what_they_claim():
    text = (GOLDEN / "default.vcf").read_bytes().decode("utf-8")
    for needle in ("item1.X-ABLABEL", "X-UNKNOWN;FOO=bar", "PHOTO;ENCODING=b",
                   "X-ABSHOWAS:COMPANY", "FN:Marie Curie", "TITLE:CEO", "\r\n ",
                   "X-ROLODEX-FIELD;NAME=orcid", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-12-24"):
        assert needle in text, needle
    assert "jane.doe@mail.example" not in text and "item2.X-ABADR" not in text


def test_folder_export_holds_the_same_cards(book, tmp_path):
    folder = tmp_path / "cards"
    result = book(["export", "--format", "vcard", "-o", f"{folder}{os.sep}"])
    assert result.exit_code == 0, result.stderr
    expected = (GOLDEN / "default.vcf").read_bytes()
    cards = [b"BEGIN:VCARD" + c for c in expected.split(b"BEGIN:VCARD")[1:]]
    written = sorted(p.read_bytes() for p in folder.iterdir())
    assert written == sorted(cards)
