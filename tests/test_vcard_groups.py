"""Group cards (vCard 4 KIND:group, Apple's X-ADDRESSBOOKSERVER-KIND:group) import as
groups: a tag on each member, exported back as group cards listing the current members."""

from __future__ import annotations

from pathlib import Path

from test_undo import dump

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"
APPLE = FIXTURES / "group-apple-members-after.vcf"
KIND4 = FIXTURES / "group-kind-4.0-members-before.vcf"
JANE, JOHN, MIA = (f"5F1E0C2A-1111-4C3B-9D7E-0000000000{x}" for x in ("A1", "B2", "C3"))
MISSING = "urn:uuid:5F1E0C2A-1111-4C3B-9D7E-00000000DEAD"


def names(result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return sorted(c["name"] for c in result.json())


def cards(text: str) -> dict[str, list[str]]:
    """Each card's content lines (unfolded, CR LF removed), by its UID."""
    out: dict[str, list[str]] = {}
    for chunk in text.replace("\r\n ", "").split("BEGIN:VCARD")[1:]:
        lines = [line for line in chunk.replace("\r", "").split("\n")
                 if line and line != "END:VCARD"]
        uid = next(line[4:] for line in lines if line.startswith("UID:"))
        out[uid] = lines
    return out


def export(rolodex, *args: str) -> dict[str, list[str]]:
    result = rolodex(["export", *args])
    assert result.exit_code == 0, result.stderr
    return cards(result.stdout)


def test_apple_group_card_is_a_group_not_a_person(rolodex):
    result = rolodex(["import", str(APPLE)])
    assert result.exit_code == 0, result.stderr
    assert names(rolodex("contact list -f json")) == ["Jane Doe", "John Roe", "Mia Poe"]
    assert names(rolodex("contact list --tag Friends -f json")) == ["Jane Doe", "John Roe"]


def test_vcard4_group_card_after_its_members(rolodex):
    assert rolodex(["import", str(KIND4)]).exit_code == 0
    assert names(rolodex("contact list -f json")) == ["Jane Doe", "John Roe"]
    assert names(rolodex("contact list --tag Chess -f json")) == ["Jane Doe", "John Roe"]


def test_members_in_another_file_of_the_same_import(rolodex):
    result = rolodex(["import", str(FIXTURES / "group-members-in-another-file")])
    assert result.exit_code == 0, result.stderr
    assert names(rolodex("contact list --tag Neighbours -f json")) == ["Jane Doe", "John Roe"]


def test_a_member_imported_later_joins_the_group(rolodex, isolated):
    folder = FIXTURES / "group-members-in-another-file"
    assert rolodex(["import", str(folder / "a-group.vcf")]).exit_code == 0
    before = dump(isolated)
    assert rolodex(["import", str(folder / "b-jane.vcf")]).exit_code == 0
    assert names(rolodex("contact list --tag Neighbours -f json")) == ["Jane Doe"]
    after = dump(isolated)
    assert rolodex("undo").exit_code == 0  # the membership found later is undone with it
    assert dump(isolated) == before
    assert rolodex("redo").exit_code == 0
    assert dump(isolated) == after
    group = export(rolodex)["group-neighbours"]
    assert "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:neighbour-john" in group  # kept, not lost


def test_reimporting_the_same_file_changes_nothing(rolodex, isolated):
    assert rolodex(["import", str(APPLE)]).exit_code == 0
    before = dump(isolated)
    assert len(before["contact_groups"]) == 1
    again = rolodex(["import", str(APPLE), "-f", "json"])
    assert again.exit_code == 0, again.stderr
    assert (again.json()["new"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 4)
    assert dump(isolated) == before


def test_unedited_group_exports_as_it_came(rolodex):
    assert rolodex(["import", str(APPLE)]).exit_code == 0
    exported = export(rolodex)
    original = cards(APPLE.read_text())
    assert exported == original  # the unknown member included


def test_tag_and_untag_edit_the_exported_group(rolodex):
    assert rolodex(["import", str(APPLE)]).exit_code == 0
    assert rolodex("contact untag John Friends").exit_code == 0
    assert rolodex("contact tag Mia Friends").exit_code == 0
    group = export(rolodex)["7A2B9C3D-2222-4E5F-8A6B-00000000C10B"]
    members = [line.split(":", 1)[1] for line in group
               if line.startswith("X-ADDRESSBOOKSERVER-MEMBER:")]
    assert members == [f"urn:uuid:{JANE}", MISSING, f"urn:uuid:{MIA}"]
    assert "X-ADDRESSBOOKSERVER-KIND:group" in group
    # Membership is the group card's to say: a member's own card is not changed by it.
    assert not any(line.startswith("CATEGORIES") for line in export(rolodex)[MIA])


def test_group_converts_between_versions(rolodex):
    assert rolodex(["import", str(APPLE)]).exit_code == 0
    group = export(rolodex, "--vcard-version", "4.0")["7A2B9C3D-2222-4E5F-8A6B-00000000C10B"]
    assert "KIND:group" in group
    assert [line for line in group if line.startswith("MEMBER:")] == [
        f"MEMBER:urn:uuid:{JANE}", f"MEMBER:urn:uuid:{JOHN}", f"MEMBER:{MISSING}"]
    assert not any(line.startswith("X-ADDRESSBOOKSERVER") for line in group)
    assert rolodex(["import", str(KIND4)]).exit_code == 0
    chess = export(rolodex, "--vcard-version", "3.0")[
        "urn:uuid:c4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f70"]
    assert "X-ADDRESSBOOKSERVER-KIND:group" in chess
    assert "X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:6d1f7e40-3a2b-4c5d-8e9f-a0b1c2d3e4f5" in chess


def test_group_export_imports_back_into_an_empty_book(rolodex, tmp_path, monkeypatch):
    assert rolodex(["import", str(APPLE)]).exit_code == 0
    assert rolodex(["export", "-o", str(tmp_path / "out.vcf")]).exit_code == 0
    monkeypatch.setenv("ROLODEX_DB", str(tmp_path / "second.db"))
    assert rolodex(["import", str(tmp_path / "out.vcf")]).exit_code == 0
    assert names(rolodex("contact list --tag Friends -f json")) == ["Jane Doe", "John Roe"]
    assert names(rolodex("contact list -f json")) == ["Jane Doe", "John Roe", "Mia Poe"]


def test_a_group_card_that_drops_a_member_untags_it(rolodex, tmp_path):
    assert rolodex(["import", str(APPLE)]).exit_code == 0
    changed = APPLE.read_text().replace(f"X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:{JOHN}\n", "")
    assert changed != APPLE.read_text()
    (tmp_path / "changed.vcf").write_text(changed)
    result = rolodex(["import", str(tmp_path / "changed.vcf"), "-f", "json"])
    assert result.json()["updated"] == 1
    assert names(rolodex("contact list --tag Friends -f json")) == ["Jane Doe"]


def test_dry_run_writes_nothing_and_undo_reverts_a_group_import_exactly(rolodex, isolated):
    assert rolodex("add 'Zed Zero'").exit_code == 0
    before = dump(isolated)
    dry = rolodex(["import", str(APPLE), "--dry-run", "-f", "json"])
    assert (dry.exit_code, dry.json()["new"]) == (0, 4)
    assert dump(isolated) == before
    assert rolodex(["import", str(APPLE)]).exit_code == 0
    after = dump(isolated)
    assert after["contact_groups"] and after["contact_tags"]
    assert rolodex("undo").exit_code == 0
    assert dump(isolated) == before
    assert rolodex("redo").exit_code == 0
    assert dump(isolated) == after


def test_members_named_by_email_or_uuid_in_other_case(rolodex):
    """RFC 6350 lets MEMBER be any URI (mailto:, sip:); a UUID's case does not matter."""
    path = FIXTURES / "group-members-by-mailto-and-uppercase-uuid.vcf"
    assert rolodex(["import", str(path)]).exit_code == 0
    assert names(rolodex("contact list --tag Choir -f json")) == ["Jane Doe", "John Roe"]
    assert export(rolodex)["group-choir"] == cards(path.read_text())["group-choir"]


def test_a_renamed_group_moves_its_members_to_the_new_tag(rolodex, tmp_path):
    assert rolodex(["import", str(APPLE)]).exit_code == 0
    renamed = APPLE.read_text().replace("N:Friends\n", "N:Pals\n").replace(
        "FN:Friends\n", "FN:Pals\n")
    (tmp_path / "renamed.vcf").write_text(renamed)
    assert rolodex(["import", str(tmp_path / "renamed.vcf")]).exit_code == 0
    assert names(rolodex("contact list --tag Pals -f json")) == ["Jane Doe", "John Roe"]
    assert names(rolodex("contact list --tag Friends -f json")) == []
    group = export(rolodex)["7A2B9C3D-2222-4E5F-8A6B-00000000C10B"]
    assert "FN:Pals" in group and f"X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:{JOHN}" in group


def test_the_summary_counts_a_group_card_as_a_group_not_a_contact(rolodex):
    result = rolodex(["import", str(APPLE)])
    assert result.stderr.splitlines()[-1].startswith(
        "imported 4 card(s) (3 contacts, 1 group): 4 new,")
    again = rolodex(["import", str(APPLE), "--format", "json"]).json()
    assert again["cards"] == {"contacts": 3, "companies": 0, "groups": 1}
    assert again["unchanged"] == 4
