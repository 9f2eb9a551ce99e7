"""vCard import and export through the real commands: identity, fidelity, conversions."""

from __future__ import annotations

import stat

import pytest

from rolodex.formats.vcard_file import read_cards

APPLE_CARD = """BEGIN:VCARD\r
VERSION:3.0\r
PRODID:-//Apple Inc.//iPhone OS 17.0//EN\r
N:Doe;Jane;Q.;Dr.;\r
FN:Dr. Jane Q. Doe\r
NICKNAME:JD\r
ORG:Example\\, Inc.;Sales\r
TITLE:CTO\r
EMAIL;type=INTERNET;type=WORK;type=pref:jane@acme.example\r
EMAIL;type=INTERNET;type=HOME:jane.doe@mail.example\r
TEL;type=CELL;type=VOICE;type=pref:+1 (555) 010-0100\r
item1.TEL:+49 176 12345678\r
item1.X-ABLabel:_$!<Other>!$_\r
item2.ADR;type=HOME;type=pref:;;1 High St;Springfield;;12345;USA\r
item2.X-ABADR:us\r
IMPP;X-SERVICE-TYPE=Skype;type=pref:skype:jane.doe\r
BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\r
CATEGORIES:vip,Best Friends\r
NOTE:Met at the fair\\nLikes tea\\, not coffee\r
X-SOCIALPROFILE;type=linkedin:https://www.linkedin.example/in/janedoe\r
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsL\r
UID:3F2504E0-4F89-11D3-9A0C-0305E82C3301\r
REV:2026-01-01T00:00:00Z\r
END:VCARD\r
"""

NO_UID_CARDS = """BEGIN:VCARD
VERSION:4.0
FN:John Roe
EMAIL:john@roe.example
END:VCARD
BEGIN:VCARD
VERSION:4.0
FN:Ann Poe
TEL:+44 20 7946 0000
END:VCARD
"""


def props_of(text: str) -> list[tuple]:
    cards, errors = read_cards(text.encode())
    assert not errors
    return [sorted((p.group or "", p.name, tuple((k, tuple(v)) for k, v in p.params), p.value)
                   for p in card.props) for card in cards]


@pytest.fixture
def card_file(tmp_path):
    path = tmp_path / "jane.vcf"
    path.write_text(APPLE_CARD, encoding="utf-8", newline="")
    return path


def test_import_maps_what_rolodex_models(rolodex, card_file):
    result = rolodex(["import", str(card_file)])
    assert result.exit_code == 0, result.stderr
    assert "1 new, 0 updated, 0 unchanged, 0 skipped, 0 failed" in result.stderr
    [jane] = rolodex("contact list -f json").json()
    assert (jane["name"], jane["prefix"], jane["first_name"], jane["middle_name"],
            jane["last_name"]) == ("Dr. Jane Q. Doe", "Dr.", "Jane", "Q.", "Doe")
    assert (jane["company"], jane["department"], jane["title"]) == (
        "Example, Inc.", "Sales", "CTO")
    assert jane["emails"][0] == {"address": "jane@acme.example", "label": "work",
                                 "preferred": True}
    assert [p["number"] for p in jane["phones"]] == ["+1 (555) 010-0100", "+49 176 12345678"]
    assert jane["phones"][0]["label"] == "mobile"
    assert jane["birthday"] == "--04-15"
    assert jane["tags"] == ["Best Friends", "vip"]
    assert jane["notes"] == "Met at the fair\nLikes tea, not coffee"
    assert jane["uid"] == "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
    assert jane["addresses"][0]["locality"] == "Springfield"


def test_import_then_export_gives_the_same_properties(rolodex, card_file):
    rolodex(["import", str(card_file)])
    exported = rolodex("export --format vcard").stdout
    assert props_of(exported) == props_of(APPLE_CARD)
    assert "VERSION:3.0" in exported


def test_editing_one_field_changes_only_that_field(rolodex, card_file):
    rolodex(["import", str(card_file)])
    assert rolodex(["contact", "edit", "jane", "--title", "CEO"]).exit_code == 0
    before, after = props_of(APPLE_CARD)[0], props_of(rolodex("export").stdout)[0]
    assert [p for p in before if p not in after] == [
        ("", "TITLE", (), "CTO")]
    assert [p for p in after if p not in before] == [("", "TITLE", (), "CEO")]


def test_importing_twice_changes_nothing(rolodex, card_file, tmp_path):
    other = tmp_path / "more.vcf"
    other.write_text(NO_UID_CARDS)
    rolodex(["import", str(card_file)])
    rolodex(["import", str(other)])
    again = rolodex(["import", str(card_file)])
    assert "0 new, 0 updated, 1 unchanged" in again.stderr
    again = rolodex(["import", str(other)])
    assert "0 new, 0 updated, 2 unchanged" in again.stderr
    assert len(rolodex("contact list -f json").json()) == 3


def test_cards_without_uid_get_a_stable_one(rolodex, tmp_path):
    path = tmp_path / "more.vcf"
    path.write_text(NO_UID_CARDS)
    rolodex(["import", str(path)])
    uids = {c["name"]: c["uid"] for c in rolodex("contact list -f json").json()}
    exported = rolodex("export").stdout
    assert all(f"UID:{uid}" in exported for uid in uids.values())
    rolodex(["contact", "rm", "John Roe", "--yes"])
    rolodex(["import", str(path)])
    again = {c["name"]: c["uid"] for c in rolodex("contact list -f json").json()}
    assert again == uids


def test_a_known_uid_updates_and_other_fields_stay(rolodex, card_file, tmp_path):
    rolodex(["import", str(card_file)])
    rolodex(["contact", "edit", "jane", "--status", "customer", "--tag", "local"])
    changed = tmp_path / "changed.vcf"
    changed.write_text(APPLE_CARD.replace("TITLE:CTO", "TITLE:Chief Executive"))
    result = rolodex(["import", str(changed)])
    assert "0 new, 1 updated, 0 unchanged" in result.stderr
    [jane] = rolodex("contact list -f json").json()
    assert jane["title"] == "Chief Executive"
    assert jane["status"] == "customer" and "local" in jane["tags"]


@pytest.mark.parametrize(("on_match", "count", "summary"), [
    ("update", 1, "0 new, 1 updated"), ("skip", 1, "0 new, 0 updated, 0 unchanged, 1 skipped"),
    ("new", 2, "1 new, 0 updated")])
def test_match_by_email_is_reported_and_handled(rolodex, tmp_path, on_match, count, summary):
    rolodex(["add", "John Roe", "-e", "john@roe.example", "--title", "Owner"])
    path = tmp_path / "john.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:John Roe\nEMAIL:JOHN@roe.example\n"
                    "TEL:+1 555 0199\nEND:VCARD\n")
    result = rolodex(["import", str(path), "--on-match", on_match])
    assert result.exit_code == 0, result.stderr
    assert summary in result.stderr
    assert "matched #1 by email" in result.stderr
    people = rolodex("contact list -f json").json()
    assert len(people) == count
    if on_match == "update":
        assert people[0]["title"] == "Owner"  # a first import adds, never erases
        assert [p["number"] for p in people[0]["phones"]] == ["+1 555 0199"]


def test_dry_run_writes_nothing_but_reports_exactly(rolodex, card_file):
    result = rolodex(["import", str(card_file), "--dry-run", "--format", "json"])
    assert result.exit_code == 0
    assert result.json()["new"] == 1 and result.json()["dry_run"] is True
    assert rolodex("contact list -f json").json() == []
    assert "dry run: nothing written" in result.stderr


BROKEN = """BEGIN:VCARD
VERSION:3.0
FN:Good One
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Broken, never closed
BEGIN:VCARD
VERSION:3.0
FN:Good Two
END:VCARD
"""


def test_bad_cards_are_skipped_and_listed(rolodex, tmp_path):
    path = tmp_path / "mixed.vcf"
    path.write_text(BROKEN)
    result = rolodex(["import", str(path)])
    assert result.exit_code == 0
    assert "2 new, 0 updated, 0 unchanged, 0 skipped, 1 failed" in result.stderr
    assert f"{path}: card 2, line" in result.stderr
    assert sorted(c["name"] for c in rolodex("contact list -f json").json()) == [
        "Good One", "Good Two"]


def test_strict_aborts_everything(rolodex, tmp_path):
    path = tmp_path / "mixed.vcf"
    path.write_text(BROKEN)
    result = rolodex(["import", str(path), "--strict"])
    assert result.exit_code == 8
    assert "card 2" in result.stderr and "nothing was imported" in result.stderr
    assert rolodex("contact list -f json").json() == []


def test_not_utf8_asks_for_an_encoding(rolodex, tmp_path):
    path = tmp_path / "latin.vcf"
    path.write_bytes("BEGIN:VCARD\nVERSION:3.0\nFN:Zoë Müller\nEND:VCARD\n".encode("cp1252"))
    result = rolodex(["import", str(path)])
    assert result.exit_code == 8
    assert "line 3" in result.stderr and "--encoding cp1252" in result.stderr
    assert "\ufffd" not in rolodex("contact list -f json").stdout
    assert rolodex(["import", str(path), "--encoding", "cp1252"]).exit_code == 0
    assert rolodex("contact list -f json").json()[0]["name"] == "Zoë Müller"


def test_stdin_and_a_vdir(rolodex, tmp_path):
    assert rolodex(["import", "-"], input=NO_UID_CARDS).exit_code == 0
    folder = tmp_path / "vdir"
    result = rolodex(["export", "-o", str(folder) + "/"])
    assert result.exit_code == 0, result.stderr
    files = sorted(folder.glob("*.vcf"))
    assert len(files) == 2
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    rolodex(["contact", "rm", "John Roe", "Ann Poe", "--yes"])
    assert "2 new" in rolodex(["import", str(folder)]).stderr


def test_hostile_uid_never_writes_outside_the_folder(rolodex, tmp_path):
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:Evil\nUID:../../escape\nEND:VCARD\n"
    rolodex(["import", "-"], input=card)
    folder = tmp_path / "out"
    folder.mkdir()
    assert rolodex(["export", "-o", str(folder)]).exit_code == 0
    written = list(folder.iterdir())
    assert len(written) == 1 and written[0].parent == folder
    assert not (tmp_path / "escape.vcf").exists()
    assert "UID:../../escape" in written[0].read_text()


def test_version_conversion_3_to_4(rolodex, card_file):
    rolodex(["import", str(card_file)])
    text = rolodex("export --vcard-version 4.0").stdout
    [card], _ = read_cards(text.encode())
    assert card.version == "4.0"
    props = {p.name: p for p in card.props}
    assert props["BDAY"].value == "--0415"
    assert props["PHOTO"].value.startswith("data:image/jpeg;base64,/9j/")
    email = next(p for p in card.props if p.name == "EMAIL")
    assert ("PREF", ["1"]) in email.params


def test_new_contacts_export_in_the_configured_version(rolodex):
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example (work)", "--birthday", "--04-15"])
    assert "VERSION:3.0" in rolodex("export").stdout
    rolodex("config set vcard.version 4.0")
    text = rolodex("export").stdout
    assert "VERSION:4.0" in text and "BDAY:--0415" in text


def test_lines_are_folded_at_75_octets_without_splitting_characters(rolodex):
    rolodex(["add", "Zoë Müller", "--note", "ü" * 200])
    raw = rolodex("export").stdout.encode()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # no character was cut in half
    [card], _ = read_cards(raw)
    assert next(p.value for p in card.props if p.name == "NOTE") == "ü" * 200


def test_export_filters(rolodex):
    rolodex(["add", "Jane Doe", "-t", "vip", "--status", "customer"])
    rolodex(["add", "John Roe", "-c", "Acme Ltd"])
    assert rolodex("export --tag vip").stdout.count("BEGIN:VCARD") == 1
    assert rolodex("export --company acme").stdout.count("FN:John Roe") == 1
    assert rolodex("export --status customer").stdout.count("BEGIN:VCARD") == 1
    assert rolodex(["export", "--search", "roe"]).stdout.count("BEGIN:VCARD") == 1


GOOGLE_CSV = (
    "Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value,"
    "Phone 1 - Type,Phone 1 - Value,Organization 1 - Name,Organization 1 - Title\n"
    "Jane Doe,Jane,Doe,* myContacts ::: vip,* Work ::: Home,jane@acme.example ::: "
    "jane@home.example,Mobile,+1 555 0100,Acme Ltd,CTO\n"
)


def test_csv_import_and_export_round_trip(rolodex, tmp_path):
    path = tmp_path / "google.csv"
    path.write_text(GOOGLE_CSV)
    result = rolodex(["import", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "1 new" in result.stderr
    [jane] = rolodex("contact list -f json").json()
    assert [e["address"] for e in jane["emails"]] == ["jane@acme.example", "jane@home.example"]
    assert (jane["company"], jane["title"], jane["tags"]) == ("Acme Ltd", "CTO", ["vip"])
    out = tmp_path / "out.csv"
    assert rolodex(["export", "--format", "csv", "-o", str(out)]).exit_code == 0
    assert "'+1 555 0100" in out.read_text()  # neutralised for spreadsheets
    again = rolodex(["import", str(out)])
    assert "0 new, 0 updated, 1 unchanged" in again.stderr, again.stderr


def test_csv_with_a_map(rolodex, tmp_path):
    path = tmp_path / "de.csv"
    path.write_text("Name;E-Mail;Firma\nJane Doe;jane@acme.example;Acme GmbH\n")
    result = rolodex(["import", str(path), "--map", "E-Mail=email,Firma=company"])
    assert result.exit_code == 0, result.stderr
    [jane] = rolodex("contact list -f json").json()
    assert (jane["email"], jane["company"]) == ("jane@acme.example", "Acme GmbH")


def test_related_people_become_relationships(rolodex):
    cards = ("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:John Roe\r\nUID:john-1\r\nEND:VCARD\r\n"
             "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jane Doe\r\nUID:jane-1\r\n"
             "RELATED;TYPE=spouse:urn:uuid:john-1\r\nEND:VCARD\r\n"
             "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Poe\r\n"
             "item1.X-ABRELATEDNAMES:Bob Poe\r\nitem1.X-ABLabel:_$!<Spouse>!$_\r\n"
             "END:VCARD\r\n")
    assert rolodex(["import", "-"], input=cards).exit_code == 0
    jane = rolodex("contact show jane -f json").json()
    assert [(r["kind"], r["name"]) for r in jane["relationships"]] == [("spouse", "John Roe")]
    ann = rolodex("contact show ann -f json").json()
    assert [(r["kind"], r["name"], r["contact_id"]) for r in ann["relationships"]] == [
        ("spouse", "Bob Poe", None)]
    assert "item1.X-ABLABEL:_$!<Spouse>!$_" in rolodex("export").stdout


def test_organisation_cards_round_trip_as_companies(rolodex):
    card = ("BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Acme Ltd\r\nORG:Acme Ltd\r\n"
            "EMAIL:info@acme.example\r\nUID:acme-1\r\nEND:VCARD\r\n")
    assert rolodex(["import", "-"], input=card).exit_code == 0
    [acme] = rolodex("company list -f json").json()
    assert (acme["name"], acme["email"], acme["uid"]) == ("Acme Ltd", "info@acme.example",
                                                          "acme-1")
    assert rolodex("contact list -f json").json() == []
    exported = rolodex("export --vcard-version 4.0").stdout
    assert "KIND:org" in exported and "UID:acme-1" in exported
    again = rolodex(["import", "-"], input=exported)
    assert "0 new, 0 updated, 1 unchanged" in again.stderr
    assert "KIND:org" not in rolodex("export --tag none").stdout


def test_editing_one_email_keeps_the_other_lines_and_their_apple_labels(rolodex, tmp_path):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\n"
            "item1.EMAIL;type=INTERNET:jane@acme.example\r\nitem1.X-ABLabel:Office\r\n"
            "item2.EMAIL;type=INTERNET:jane@old.example\r\nitem2.X-ABLabel:Old\r\n"
            "UID:jane-1\r\nEND:VCARD\r\n")
    rolodex(["import", "-"], input=card)
    assert rolodex(["contact", "edit", "jane", "--rm-email", "jane@old.example",
                    "--email", "jane@new.example"]).exit_code == 0
    text = rolodex("export").stdout
    assert "item1.EMAIL;TYPE=INTERNET:jane@acme.example" in text
    assert "item1.X-ABLABEL:Office" in text
    assert "jane@old.example" not in text and "item2" not in text
    assert "EMAIL;TYPE=INTERNET:jane@new.example" in text


def test_adding_an_address_keeps_the_imported_one_as_written(rolodex):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nN:Doe;Jane;;;\r\n"
            "item1.ADR;type=HOME:;;1 High St;Springfield;;12345;USA\r\nitem1.X-ABADR:us\r\n"
            "UID:jane-2\r\nEND:VCARD\r\n")
    rolodex(["import", "-"], input=card)
    rolodex(["contact", "edit", "jane", "--address", "2 Low Rd; Shelbyville (work)"])
    text = rolodex("export").stdout
    assert "item1.ADR;TYPE=HOME:;;1 High St;Springfield;;12345;USA" in text
    assert "item1.X-ABADR:us" in text
    assert "ADR;TYPE=WORK:;;2 Low Rd;Shelbyville;;;" in text


def test_an_org_names_a_company_in_full(rolodex, tmp_path):
    """ORG is a whole name: not a prefix of another company, not a company id, and two
    companies starting alike make no card fail as ambiguous."""
    for name in ("Acme Ltd", "Acme Corp", "Globex"):
        assert rolodex(["company", "add", name]).exit_code == 0
    path = tmp_path / "orgs.vcf"
    path.write_text("".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:org-{n}\r\nFN:Person {n}\r\nORG:{org}\r\n"
        f"END:VCARD\r\n" for n, org in enumerate(["Acme", "1", "acme ltd", "Glob", "Globex"])))
    result = rolodex(["import", str(path)])
    assert result.exit_code == 0, result.stderr
    people = {c["name"]: c["company"] for c in rolodex("contact list -f json").json()}
    assert people == {"Person 0": "Acme", "Person 1": "1", "Person 2": "Acme Ltd",
                      "Person 3": "Glob", "Person 4": "Globex"}
    companies = sorted(c["name"] for c in rolodex("company list -f json").json())
    assert companies == ["1", "Acme", "Acme Corp", "Acme Ltd", "Glob", "Globex"]
    assert rolodex(["import", str(path)]).stderr.count("5 unchanged") == 1


@pytest.mark.parametrize("before", [[], ["add", "Someone Else"]])  # empty database or not
def test_cards_with_nothing_but_a_name_import_again_unchanged(rolodex, tmp_path, before):
    """No UID, email or phone: the card is found again by the UID rolodex made for it, and
    a card twice in one file is one contact."""
    if before:
        rolodex(before)
    path = tmp_path / "names.vcf"
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\nEND:VCARD\r\n"
    path.write_text(card + card + card.replace("Ann", "Bo"))
    first = rolodex(["import", str(path)])
    assert first.exit_code == 0, first.stderr
    assert "2 new, 0 updated, 1 unchanged" in first.stderr
    again = rolodex(["import", str(path)])
    assert again.exit_code == 0, again.stderr
    assert "0 new, 0 updated, 3 unchanged" in again.stderr
    assert sorted(c["name"] for c in rolodex("contact list -f json").json()) == sorted(
        ["Ann Lee", "Bo Lee", *before[1:]])


def test_csv_rows_sharing_only_a_name_stay_two_people(rolodex, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Company,Title\nJohn Smith,Acme Ltd,CTO\nJohn Smith,Globex,Buyer\n")
    first = rolodex(["import", str(path)])
    assert first.exit_code == 0, first.stderr
    assert "2 new" in first.stderr
    people = sorted((c["name"], c["company"], c["title"])
                    for c in rolodex("contact list -f json").json())
    assert people == [("John Smith", "Acme Ltd", "CTO"), ("John Smith", "Globex", "Buyer")]
    again = rolodex(["import", str(path)])
    assert "0 new, 0 updated, 2 unchanged" in again.stderr, again.stderr
    assert {(c["first_name"], c["last_name"]) for c in rolodex("contact list -f json").json()
            } == {("John", "Smith")}, "a re-import keeps the name parts split from the name"
