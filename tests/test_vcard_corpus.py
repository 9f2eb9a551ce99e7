"""Real address books from other projects' test suites, imported and exported again.

Every `expected_valid=yes` card imports with its names, emails, phones and dates intact and
survives export and re-import; every other file imports leniently or is reported cleanly.
"""

from __future__ import annotations

import pytest
from corpus import path_of, require, rows

from rolodex.cli import _context

pytestmark = pytest.mark.slow  # the shared corpus

require()
ROWS = rows("vcard/", (".vcf",))
VALID = [r for r in ROWS if r["expected_valid"] == "yes"]
corpus_file = path_of


def assert_vobject_reads(text: str, count: int) -> None:
    """The real vobject parser accepts what rolodex wrote, card for card."""
    import vobject

    cards = list(vobject.readComponents(text, allowQP=True))
    assert len(cards) == count
    assert all(card.name == "VCARD" and hasattr(card, "fn") for card in cards)


def people(rolodex) -> dict[str, tuple]:
    """What matters of each contact, by UID, independent of ids and timestamps."""
    return {c["uid"]: (c["name"], sorted(e["address"].lower() for e in c["emails"]),
                       sorted(p["number"] for p in c["phones"]), c["birthday"],
                       c["anniversary"])
            for c in rolodex("contact list --format json").json()}


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_every_file_imports_or_is_reported_cleanly(rolodex, row):
    result = rolodex(["import", str(corpus_file(row))])
    assert result.exit_code in (0, 8), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if result.exit_code == 8:
        assert result.stderr.startswith("rolodex: ")


@pytest.mark.parametrize("row", VALID, ids=[r["file"] for r in VALID])
def test_valid_files_round_trip(rolodex, row, tmp_path, monkeypatch):
    from rolodex.formats.vcard import to_contact
    from rolodex.formats.vcard_file import read_cards

    path = corpus_file(row)
    result = rolodex(["import", str(path)])
    assert result.exit_code == 0, result.stderr
    assert " 0 failed" in result.stderr, result.stderr
    cards, errors = read_cards(path.read_bytes(), source=str(path))
    assert not errors
    expected = [to_contact(card) for card in cards]
    expected = [c for c in expected if c is not None and not c.is_company]
    first = people(rolodex)
    assert sorted(n for n, *_ in first.values()) == sorted(c.name for c in expected)
    for contact in expected:
        match = [p for p in first.values() if p[0] == contact.name]
        assert match, f"{contact.name} was not imported"
        want = (sorted(e.address.lower() for e in contact.emails),
                sorted(p.number for p in contact.phones),
                contact.birthday.iso() if contact.birthday else None,
                contact.anniversary.iso() if contact.anniversary else None)
        assert any(tuple(m[1:]) == want for m in match), (contact.name, want, match)
    exported = tmp_path / "out.vcf"
    assert rolodex(["export", "-o", str(exported)]).exit_code == 0
    if row["parses_vobject"].startswith("yes"):
        # A card vobject could read must stay readable (others keep their quirks as given).
        text = exported.read_text(encoding="utf-8")
        assert_vobject_reads(text, text.count("BEGIN:VCARD"))
    monkeypatch.setenv("ROLODEX_DB", str(tmp_path / "second.db"))
    _context.state.close()
    again = rolodex(["import", str(exported)])
    assert again.exit_code == 0 and " 0 failed" in again.stderr, again.stderr
    assert people(rolodex) == first
