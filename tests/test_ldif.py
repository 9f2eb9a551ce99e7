"""LDIF address books (RFC 2849): Thunderbird's and LDAP's exports import (#14)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.dates import PartialDate
from rolodex.errors import FileError
from rolodex.formats.incoming import Problem, sniff_format
from rolodex.formats.ldif import LdifFile
from rolodex.formats.ldif_syntax import read_records

FIXTURES = Path(__file__).parent / "fixtures" / "ldif"


def read(name: str) -> tuple[list, list[Problem]]:
    found = list(LdifFile((FIXTURES / name).read_bytes(), source=name))
    return ([c for _, c in found if not isinstance(c, Problem)],
            [c for _, c in found if isinstance(c, Problem)])


def details(items) -> list[tuple]:
    return [(getattr(i, "address", None) or getattr(i, "number", None) or i.url, i.label)
            for i in items]


def test_thunderbird_person_with_every_attribute():
    (joerg,), problems = read("thunderbird-person-every-attribute.ldif")
    assert problems == []
    assert (joerg.name, joerg.first_name, joerg.last_name, joerg.nickname) == (
        "Jörg Müller", "Jörg", "Müller", "Jo")
    assert details(joerg.emails) == [("joerg@acme.example", None),
                                     ("joerg@home.example", None)]
    assert details(joerg.phones) == [("+49 30 1234567", "work"), ("+49 30 7654321", "home"),
                                     ("+49 171 1234567", "mobile"), ("+49 30 555", "pager"),
                                     ("+49 30 1234568", "fax")]
    work, home = joerg.addresses
    assert (work.street, work.locality, work.region, work.postcode, work.country,
            work.label) == ("Hauptstr. 1\n3. OG", "Berlin", "Berlin", "10115", "Germany",
                            "work")
    assert (home.street, home.locality, home.postcode, home.label) == (
        "Gartenweg 5", "Köln", "50667", "home")
    assert (joerg.company, joerg.department, joerg.title) == ("Acme GmbH", "Labs", "CTO")
    assert details(joerg.urls) == [("https://acme.example", "work"),
                                   ("https://joerg.example", "home")]
    assert joerg.birthday == PartialDate(1985, 4, 15)
    assert joerg.notes == "Likes tea.\nMet at the fair."
    assert joerg.fields == {"nsaimid": "joerg_aim", "Custom-1": "blue",
                            "Custom-2": "size 42",
                            "Custom-3": "a value folded over two lines"}


def test_mailing_lists_tag_their_members_wherever_they_stand():
    people, problems = read("mailing-lists-before-and-after-members.ldif")
    assert problems == []
    assert [(p.name, p.tags) for p in people] == [
        ("Jane Doe", ["Book Club", "Golf"]), ("John Roe", ["Book Club"]),
        ("Ann Poe", ["Golf"])]


def test_ldap_inet_org_person_with_a_photo_and_a_password():
    (jane,), problems = read("ldap-inetorgperson-with-photo.ldif")
    assert problems == []
    assert (jane.name, jane.first_name, jane.last_name) == ("Jane Doe", "Jane", "Doe")
    assert [e.address for e in jane.emails] == ["jane@example.com", "jdoe@example.com"]
    assert details(jane.urls) == [("https://jane.example", "My Homepage")]
    work, home = jane.addresses
    assert (work.street, work.label) == ("Acme Ltd\n1 Main St\nSpringfield, IL 62701",
                                         "work")
    assert (home.street, home.label) == ("2 Elm Rd\nShelbyville", "home")
    assert jane.tags == ["Staff"]
    # Kept as custom fields: what means something to a person; never the photo (binary)
    # nor the password.
    assert jane.fields == {"uid": "jdoe", "employeenumber": "4711"}


def test_url_values_change_records_and_bad_values_are_problems_not_fetches():
    people, problems = read("url-values-change-records-and-bad-values.ldif")
    assert [p.name for p in people] == ["Bad Mail", "Fine Person"]
    assert [(p.index, p.line) for p in problems] == [(1, 3), (2, 9), (4, 20)]
    assert "file:///etc/passwd" in problems[0].reason and "not fetched" in problems[0].reason
    assert "change record (modify)" in problems[1].reason
    assert "base64" in problems[2].reason
    # A value that is not an email is reported and kept as the attribute's field, not lost.
    bad = people[0]
    assert bad.emails == [] and bad.fields["mail"] == "not an address"
    assert bad.invalid == [("mail", "not an address", "is not an email address")]


def test_import_command_reads_ldif_and_reports_problems(rolodex):
    result = rolodex(["import", str(FIXTURES / "url-values-change-records-and-bad-values.ldif")])
    assert result.exit_code == 0, result.stderr
    assert "2 new, 0 updated, 0 unchanged, 0 skipped, 3 failed, 1 invalid value(s)" \
        in result.stderr
    assert "Traceback" not in result.stderr
    again = rolodex(["import", str(FIXTURES / "mailing-lists-before-and-after-members.ldif")])
    assert "3 new" in again.stderr, again.stderr
    again = rolodex(["import", str(FIXTURES / "mailing-lists-before-and-after-members.ldif")])
    assert "0 new, 0 updated, 3 unchanged" in again.stderr, again.stderr
    tagged = rolodex("contact list --tag Golf --format json").json()
    assert sorted(c["name"] for c in tagged) == ["Ann Poe", "Jane Doe"]


def test_sniffed_by_content_and_chosen_with_type(rolodex, tmp_path):
    data = (FIXTURES / "mailing-lists-before-and-after-members.ldif").read_bytes()
    assert sniff_format("book.txt", data) == "ldif"
    assert sniff_format("book.txt", b"# exported\ndn: cn=x\ncn: x\n") == "ldif"
    assert sniff_format("book.ldi", b"") == "ldif"
    (tmp_path / "book.txt").write_bytes(data)
    result = rolodex(["import", str(tmp_path / "book.txt")])
    assert "3 new" in result.stderr, result.stderr
    result = rolodex(["import", "--type", "ldif", "-"], input=data.decode())
    assert "3 unchanged" in result.stderr, result.stderr


def test_a_folder_import_takes_ldif_and_csv_files(rolodex, tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "lists.ldif").write_bytes(
        (FIXTURES / "mailing-lists-before-and-after-members.ldif").read_bytes())
    (folder / "people.csv").write_text("Name,Email\nZed Poe,zed@poe.example\n")
    result = rolodex(["import", str(folder)])
    assert result.exit_code == 0 and "4 new" in result.stderr, result.stderr


def test_not_utf8_is_a_file_error_with_its_line():
    data = "dn: cn=René\ncn: René\n".encode("latin-1")
    with pytest.raises(FileError, match="line 1: not utf-8 text"):
        LdifFile(data, source="book.ldif")
    ((_, rene),) = list(LdifFile(data, source="book.ldif", encoding="latin-1"))
    assert rene.name == "René"


@pytest.mark.parametrize("text", [
    " " * 100_000,  # a continuation of nothing
    "dn: cn=x\ncn: x\n" + " y\n" * 200_000,  # one value folded 200,000 times
    "dn: cn=x\n" + "mail:: \n" * 100_000,  # many empty base64 values
    "#\n" + " c\n" * 200_000,  # a comment folded forever
    "dn: cn=x\n" + "cn:" + "a" * 2_000_000 + "\n",  # a value past the bound
])
def test_hostile_input_reads_in_linear_time(text):
    start = time.monotonic()
    records = list(read_records(text))
    assert time.monotonic() - start < 5
    assert len(records) <= 1


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(alphabet="dn:: \r\n#<abc=,-1mail@x.yAB/+", max_size=120
                                         ).map(lambda t: ("dn: cn=a\n" + t).encode()))
def test_any_bytes_give_people_problems_or_a_clean_error(data):
    try:
        found = list(LdifFile(data, source="fuzz.ldif"))
    except FileError:
        return
    assert all(isinstance(c, Problem) or c.name for _, c in found)
