"""The journal of an import stays small, and undo still takes the import back exactly (#18).

An import journals every row it writes, so ``rolodex undo`` can take it back; but a new
contact's kept card (the vCard as read, PHOTO and X- lines included) is a copy of the file,
and the journal held it a second time: half of its bytes. A new card is journalled by its
id and contact alone, which is all undo needs (it deletes the row, journalling it whole as
it goes, so redo puts it back whole).
"""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

from test_undo import dump

PHOTO = base64.b64encode(bytes(range(256)) * 12).decode()  # 4 KB of base64


def _cards(count: int) -> str:
    """Varied cards: accents, several emails and phones, an unmodelled PHOTO and X- lines,
    an empty field, a control character, a card without a UID."""
    out = []
    for n in range(count):
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:Zoë Doe-{n}", f"N:Doe-{n};Zoë;;;"]
        if n % 5:
            lines.append(f"UID:card-{n}")
        lines += [f"EMAIL;TYPE=work:zoe{n}.{k}@acme.example" for k in range(1 + n % 4)]
        lines += [f"TEL;TYPE=cell:+44 20 7946 {n:04d}", "ORG:Acme Ltd;Sales",
                  f"NOTE:Met at the fair\\, stand {n}\x07", "TITLE:",
                  f"X-ROLODEX-TEST;TYPE=a:{'é' * (n % 7)}",
                  "PHOTO;ENCODING=b;TYPE=PNG:" + PHOTO, "END:VCARD"]
        out.append("\r\n".join(lines))
    return "\r\n".join(out) + "\r\n"


def _journal(path: Path) -> tuple[int, list[tuple[str, str | None]]]:
    """The journal's bytes (both images of every row), and the images of new kept cards."""
    conn = sqlite3.connect(path)
    try:
        size = conn.execute("SELECT sum(coalesce(length(before), 0)"
                            " + coalesce(length(after), 0)) FROM changes").fetchone()[0]
        cards = conn.execute("SELECT action, after FROM changes"
                             " WHERE table_name = 'contact_cards'").fetchall()
    finally:
        conn.close()
    return size, cards


def test_an_imports_journal_holds_no_second_copy_of_the_cards(rolodex, isolated, tmp_path):
    count = 40
    (tmp_path / "cards.vcf").write_text(_cards(count), encoding="utf-8")
    result = rolodex(["import", str(tmp_path / "cards.vcf")])
    assert result.exit_code == 0, result.stderr
    size, cards = _journal(isolated)
    assert len(cards) == count
    for action, after in cards:
        assert action == "insert"
        assert set(json.loads(after)) == {"id", "contact_id"}
    # Each card is over 4 KB (its PHOTO): the journal holds its modelled fields, not it.
    # (About 1,000 bytes a card; the whole card in the journal made it 6,200.)
    assert size / count < 2_000
    exported = rolodex("export --format vcard").stdout.replace("\r\n ", "")
    assert exported.count(PHOTO) == count  # the card itself is kept whole


def test_undo_and_redo_of_an_import_with_kept_cards_are_exact(rolodex, isolated, tmp_path):
    rolodex(["add", "Jane Doe", "-e", "zoe1.0@acme.example"])  # a match: merged into
    before = dump(isolated)
    (tmp_path / "cards.vcf").write_text(_cards(12), encoding="utf-8")
    assert rolodex(["import", str(tmp_path / "cards.vcf")]).exit_code == 0
    after, exported = dump(isolated), rolodex("export --format vcard").stdout
    assert rolodex("undo").exit_code == 0
    assert dump(isolated) == before
    assert rolodex("redo").exit_code == 0
    assert dump(isolated) == after
    assert rolodex("export --format vcard").stdout == exported
    assert rolodex("undo").exit_code == 0  # the redo's journal holds the cards whole
    assert dump(isolated) == before
