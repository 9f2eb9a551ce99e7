"""N is kept as written: its components are the name parts, never re-split from FN, and an
unedited card writes its N back byte for byte (#14)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"


def n_line(text: str) -> str:
    [line] = [line for line in text.splitlines() if line.startswith("N:")]
    return line


def only_contact(rolodex) -> dict:
    [contact] = rolodex("contact list -f json").json()
    return contact


@pytest.mark.parametrize(("fixture", "parts"), [
    ("n-given-only.vcf", (None, "Dummy GmbH", None)),
    ("n-family-only.vcf", ("Book Club", None, None)),
])
def test_name_parts_are_the_components_of_n(rolodex, fixture, parts):
    path = FIXTURES / fixture
    assert rolodex(["import", str(path)]).exit_code == 0
    contact = only_contact(rolodex)
    assert (contact["last_name"], contact["first_name"], contact["middle_name"]) == parts
    exported = rolodex("export").stdout
    assert n_line(exported) == n_line(path.read_text())


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_n_is_written_back_in_either_version(rolodex, version):
    path = FIXTURES / "n-given-only.vcf"
    assert rolodex(["import", str(path)]).exit_code == 0
    exported = rolodex(["export", "--vcard-version", version]).stdout
    assert n_line(exported) == "N:;Dummy GmbH;;;"


def test_n_stays_when_other_fields_are_edited(rolodex):
    path = FIXTURES / "n-empty-kept-when-other-fields-edited.vcf"
    assert rolodex(["import", str(path)]).exit_code == 0
    contact = only_contact(rolodex)
    assert (contact["first_name"], contact["last_name"]) == (None, None)
    assert rolodex(["contact", "edit", str(contact["id"]), "--title", "CTO"]).exit_code == 0
    exported = rolodex("export").stdout
    assert n_line(exported) == "N:;;;;"
    assert "TITLE:CTO" in exported


def test_n_is_split_again_only_when_the_name_is_changed(rolodex):
    path = FIXTURES / "n-given-only.vcf"
    assert rolodex(["import", str(path)]).exit_code == 0
    contact = only_contact(rolodex)
    assert rolodex(["contact", "edit", str(contact["id"]), "--title", "CEO"]).exit_code == 0
    assert n_line(rolodex("export").stdout) == "N:;Dummy GmbH;;;"
    result = rolodex(["contact", "edit", str(contact["id"]), "--name", "Jane Doe"])
    assert result.exit_code == 0, result.stderr
    assert n_line(rolodex("export").stdout) == "N:Doe;Jane;;;"


def test_reimport_of_an_unchanged_card_changes_nothing(rolodex):
    path = FIXTURES / "n-given-only.vcf"
    assert rolodex(["import", str(path)]).exit_code == 0
    again = rolodex(["import", str(path)])
    assert "0 updated, 1 unchanged" in again.stderr
    assert only_contact(rolodex)["last_name"] is None
