"""Invalid values are reported, not stored silently: kept verbatim in the kept card (and
written back), kept out of the typed fields, listed per card in the import report (#14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolodex.cli import _context

FIXTURES = Path(__file__).parent / "fixtures"
CASES = {  # fixture: (property, value, reason, the card's line that holds it)
    "email-not-an-address.vcf": ("EMAIL", "wei", "is not an email address",
                                 "EMAIL;TYPE=INTERNET:wei"),
    "tel-without-a-digit.vcf": ("TEL", "BusinessPhone", "is not a phone number (no digit)",
                                "TEL;TYPE=WORK:BusinessPhone"),
    "url-with-spaces.vcf": ("URL", "my home page", "is not a URL", "URL:my home page"),
    "bday-impossible-date.vcf": ("BDAY", "1990-02-30", "is no such date", "BDAY:1990-02-30"),
    "bday-year-and-month-only.vcf": ("BDAY", "1996-04", "is a partial date rolodex cannot store",
                                     "BDAY:1996-04"),
    "anniversary-impossible-date.vcf": ("ANNIVERSARY", "20230231", "is no such date",
                                        "ANNIVERSARY:20230231"),
}


def only_contact(rolodex) -> dict:
    [contact] = rolodex("contact list -f json").json()
    return contact


@pytest.mark.parametrize("fixture", list(CASES))
def test_invalid_value_is_reported_and_kept_in_the_card_only(rolodex, fixture):
    prop, value, reason, line = CASES[fixture]
    path = FIXTURES / "vcard" / fixture
    result = rolodex(["import", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    [entry] = result.json()["invalid"]
    name = only_contact(rolodex)["name"]
    assert entry == {"name": name, "source": str(path), "index": 1, "property": prop,
                     "value": value, "reason": reason}
    assert f"  kept as written only: {path} card 1 {name}: {prop} '{value}' {reason}" \
        in result.stderr.splitlines()
    assert result.stderr.rstrip().endswith(", 1 invalid value(s) kept as written")
    contact = only_contact(rolodex)
    typed = [contact["birthday"], contact["anniversary"],
             *(e["address"] for e in contact["emails"]),
             *(p["number"] for p in contact["phones"]),
             *(u["url"] for u in contact["urls"])]
    assert value not in typed
    assert rolodex("export").stdout == path.read_bytes().decode()
    assert rolodex(["contact", "edit", str(contact["id"]), "--title", "CTO"]).exit_code == 0
    assert f"{line}\r\n" in rolodex("export").stdout


def test_invalid_email_survives_an_edit_of_the_emails(rolodex):
    path = FIXTURES / "vcard" / "email-not-an-address.vcf"
    assert rolodex(["import", str(path)]).exit_code == 0
    contact = only_contact(rolodex)
    assert [e["address"] for e in contact["emails"]] == ["wei.zhang@acme.example"]
    edit = rolodex(["contact", "edit", str(contact["id"]), "-e", "wei@home.example (home)"])
    assert edit.exit_code == 0, edit.stderr
    exported = rolodex("export").stdout
    assert "EMAIL;TYPE=INTERNET:wei\r\n" in exported
    assert "wei@home.example" in exported


def test_own_csv_export_of_a_card_with_an_invalid_email_imports_back(rolodex, tmp_path,
                                                                   monkeypatch):
    assert rolodex(["import", str(FIXTURES / "vcard" / "email-not-an-address.vcf")]
                   ).exit_code == 0
    out = tmp_path / "out.csv"
    assert rolodex(["export", "-f", "csv", "-o", str(out)]).exit_code == 0
    monkeypatch.setenv("ROLODEX_DB", str(tmp_path / "second.db"))
    _context.state.close()
    again = rolodex(["import", str(out)])
    assert again.exit_code == 0 and "1 new" in again.stderr and " 0 failed" in again.stderr
    assert [e["address"] for e in only_contact(rolodex)["emails"]] == \
        ["wei.zhang@acme.example"]


def test_control_characters_in_a_reported_value_are_escaped(rolodex):
    path = FIXTURES / "vcard" / "email-with-control-characters.vcf"
    result = rolodex(["import", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "EMAIL 'jane\\x1b[2J\\x07@acme' is not an email address" in result.stderr


def test_csv_row_with_invalid_values_imports_and_reports_them(rolodex):
    path = FIXTURES / "csv" / "outlook-invalid-email-and-birthday.csv"
    result = rolodex(["import", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert (summary["new"], summary["failed"]) == (1, 0)
    assert [(e["property"], e["value"], e["reason"]) for e in summary["invalid"]] == [
        ("E-mail Address", "wei", "is not an email address"),
        ("Birthday", "1990-02-30", "is no such date")]
    contact = only_contact(rolodex)
    assert (contact["emails"], contact["birthday"]) == ([], None)
    assert [p["number"] for p in contact["phones"]] == ["+1 555 0100"]
    assert contact["custom"] == {"E-mail-Address": "wei", "Birthday": "1990-02-30"}
