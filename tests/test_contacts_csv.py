"""CSV contacts: every client's export, odd encodings and delimiters, bad rows, and the
rolodex export reading back to what was written."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
from pathlib import Path

import corpus
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.dates import PartialDate
from rolodex.errors import FileError, InvalidInput
from rolodex.formats.contacts_csv import RowError, read_contacts_csv
from rolodex.formats.csv_columns import parse_map
from rolodex.formats.csv_export import EXPORT_HEADER, neutralise, write_contacts_csv

CORPUS = Path(__file__).parents[1].parent / "shared" / "corpus"


def table(header: str, *rows: dict[str, str], delimiter: str = ",") -> bytes:
    """A CSV file with the given header; each row names only the cells it fills."""
    columns = header.split(",")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        assert set(row) <= set(columns), set(row) - set(columns)
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode()


def read(data: bytes, **kwargs):
    contacts, errors = read_contacts_csv(data, source="book.csv", **kwargs)
    return contacts, errors


def details(items) -> list[tuple]:
    return [(getattr(i, "address", None) or getattr(i, "number", None) or i.url, i.label,
             i.preferred) for i in items]


GOOGLE_OLD = (
    "Name,Given Name,Additional Name,Family Name,Yomi Name,Name Prefix,Name Suffix,Nickname,"
    "Birthday,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,"
    "E-mail 2 - Value,Phone 1 - Type,Phone 1 - Value,Address 1 - Type,Address 1 - Formatted,"
    "Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,"
    "Address 1 - Postal Code,Address 1 - Country,Organization 1 - Type,Organization 1 - Name,"
    "Organization 1 - Title,Organization 1 - Department,Website 1 - Type,Website 1 - Value,"
    "Custom Field 1 - Type,Custom Field 1 - Value,Event 1 - Type,Event 1 - Value")


def test_google_old_style():
    data = table(GOOGLE_OLD, {
        "Name": "Dr. Jane Q. Doe", "Given Name": "Jane", "Additional Name": "Q.",
        "Family Name": "Doe", "Name Prefix": "Dr.", "Nickname": "JD",
        "Birthday": "1985-04-15", "Notes": "Met at the fair\nLikes tea",
        "Group Membership": "* My Contacts ::: Book Club ::: * Starred ::: Best Friends",
        "E-mail 1 - Type": "* Home ::: Work",
        "E-mail 1 - Value": "jane@home.example ::: jane@acme.example",
        "E-mail 2 - Type": "Other", "E-mail 2 - Value": "jd@other.example",
        "Phone 1 - Type": "Mobile", "Phone 1 - Value": "+1 555 010 0100",
        "Address 1 - Type": "Home", "Address 1 - Formatted": "1 High St\nSpringfield",
        "Address 1 - Street": "1 High St", "Address 1 - City": "Springfield",
        "Address 1 - Region": "IL", "Address 1 - Postal Code": "62701",
        "Address 1 - Country": "USA", "Organization 1 - Name": "Acme",
        "Organization 1 - Title": "CTO", "Organization 1 - Department": "Labs",
        "Website 1 - Type": "Homepage", "Website 1 - Value": "https://jane.example",
        "Custom Field 1 - Type": "Shoe size", "Custom Field 1 - Value": "38",
        "Event 1 - Type": "Anniversary", "Event 1 - Value": "2010-06-01",
        "Yomi Name": "ジェーン"})
    (jane,), errors = read(data)
    assert errors == []
    assert (jane.name, jane.prefix, jane.first_name, jane.middle_name, jane.last_name) == (
        "Dr. Jane Q. Doe", "Dr.", "Jane", "Q.", "Doe")
    assert details(jane.emails) == [("jane@home.example", "home", True),
                                    ("jane@acme.example", "work", False),
                                    ("jd@other.example", "other", False)]
    assert details(jane.phones) == [("+1 555 010 0100", "mobile", False)]
    assert details(jane.urls) == [("https://jane.example", "homepage", False)]
    (home,) = jane.addresses
    assert (home.street, home.locality, home.region, home.postcode, home.country,
            home.label) == ("1 High St", "Springfield", "IL", "62701", "USA", "home")
    assert (jane.company, jane.title, jane.department) == ("Acme", "CTO", "Labs")
    assert jane.tags == ["Book Club", "Best Friends"]  # My Contacts and starred dropped
    assert jane.birthday == PartialDate(1985, 4, 15)
    assert jane.anniversary == PartialDate(2010, 6, 1)
    assert jane.notes == "Met at the fair\nLikes tea"
    assert jane.nickname == "JD"
    assert jane.fields == {"shoe-size": "38", "Yomi-Name": "ジェーン"}


GOOGLE_NEW = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Name Prefix,Name Suffix,Nickname,"
    "File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,"
    "Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,"
    "Address 1 - Label,Address 1 - Street,Address 1 - City,Address 1 - Country,"
    "Website 1 - Label,Website 1 - Value")


def test_google_new_style():
    data = table(GOOGLE_NEW, {
        "First Name": "John", "Last Name": "Roe", "Organization Name": "Initech",
        "Organization Title": "Engineer", "Birthday": "--04-15",
        "Photo": "https://lh3.example/photo.jpg",
        "Labels": "myContacts ::: * starred ::: Book Club",
        "E-mail 1 - Label": "* Work", "E-mail 1 - Value": "john@initech.example",
        "Phone 1 - Label": "Mobile ::: * Home",
        "Phone 1 - Value": "+44 20 7946 0000 ::: +44 20 7946 0001",
        "Address 1 - Label": "Work ::: Home", "Address 1 - Street": "1 Main St ::: 2 Elm Rd",
        "Address 1 - City": "London ::: Leeds", "Address 1 - Country": "UK ::: UK"},
        {"Labels": "myContacts", "E-mail 1 - Value": "nameless@initech.example"})
    (john, nameless), errors = read(data)
    assert errors == []
    assert (john.name, john.first_name, john.last_name) == ("John Roe", "John", "Roe")
    assert (john.company, john.title) == ("Initech", "Engineer")
    assert john.birthday == PartialDate(None, 4, 15)
    assert john.tags == ["Book Club"]
    assert details(john.emails) == [("john@initech.example", "work", True)]
    assert details(john.phones) == [("+44 20 7946 0000", "mobile", False),
                                    ("+44 20 7946 0001", "home", True)]
    assert [(a.street, a.locality, a.label) for a in john.addresses] == [
        ("1 Main St", "London", "work"), ("2 Elm Rd", "Leeds", "home")]
    assert john.fields == {}  # the photo URL is not kept
    assert nameless.name == "nameless@initech.example" and nameless.tags == []


OUTLOOK = (
    "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,"
    "Business Street,Business City,Business State,Business Postal Code,"
    "Business Country/Region,Home Street,Home City,Home State,Home Postal Code,"
    "Home Country/Region,Business Fax,Business Phone,Business Phone 2,Home Phone,Mobile Phone,"
    "Primary Phone,Anniversary,Birthday,Categories,E-mail Address,E-mail Type,"
    "E-mail Display Name,E-mail 2 Address,E-mail 3 Address,Gender,Notes,Priority,Private,"
    "Sensitivity,Spouse,Web Page,Nickname")
OUTLOOK_NOISE = {"Gender": "Unspecified", "Priority": "Normal", "Private": "False",
                 "Sensitivity": "Normal", "Anniversary": "0/0/00"}


def test_outlook_with_us_birthdays():
    data = table(OUTLOOK, {
        **OUTLOOK_NOISE, "Title": "Mr.", "First Name": "John", "Middle Name": "Q",
        "Last Name": "Public", "Suffix": "Jr.", "Company": "Contoso", "Department": "Sales",
        "Job Title": "Manager", "Business Street": "1 Microsoft Way\nBuilding 9",
        "Business City": "Redmond", "Business State": "WA", "Business Postal Code": "98052",
        "Business Country/Region": "United States", "Business Phone": "(425) 555-0100",
        "Mobile Phone": "(425) 555-0199", "Primary Phone": "(425) 555-0000",
        "Birthday": "4/15/1985", "Categories": "Customers;Key accounts",
        "E-mail Address": "john@contoso.example", "E-mail Type": "SMTP",
        "E-mail Display Name": "John Public (john@contoso.example)",
        "E-mail 2 Address": "jq@home.example", "Spouse": "Mary", "Web Page": "contoso.example",
        "Nickname": "Johnny"},
        {**OUTLOOK_NOISE, "First Name": "Ann", "Last Name": "Lee", "Birthday": "0/0/00",
         "E-mail Address": "ann@lee.example", "Anniversary": "12/1/05"})
    (john, ann), errors = read(data)
    assert errors == []
    assert (john.name, john.prefix, john.suffix, john.title) == (
        "Mr. John Q Public Jr.", "Mr.", "Jr.", "Manager")
    assert (john.company, john.department, john.nickname) == ("Contoso", "Sales", "Johnny")
    assert john.birthday == PartialDate(1985, 4, 15)  # month first, as Outlook writes it
    assert john.anniversary is None  # 0/0/00 means none
    assert john.tags == ["Customers", "Key accounts"]
    assert details(john.emails) == [("john@contoso.example", None, False),
                                    ("jq@home.example", None, False)]
    assert details(john.phones) == [("(425) 555-0100", "work", False),
                                    ("(425) 555-0199", "mobile", False),
                                    ("(425) 555-0000", None, True)]
    (work,) = john.addresses
    assert (work.street, work.locality, work.region, work.postcode, work.label) == (
        "1 Microsoft Way\nBuilding 9", "Redmond", "WA", "98052", "work")
    assert john.fields == {"Spouse": "Mary"}  # Outlook's constant columns are not kept
    assert ann.birthday is None and ann.anniversary == PartialDate(2005, 12, 1)


THUNDERBIRD = (
    "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,"
    "Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,"
    "Home City,Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,"
    "Work State,Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,"
    "Web Page 2,Birth Year,Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes")


def test_thunderbird():
    data = table(THUNDERBIRD, {
        "First Name": "Jane", "Last Name": "Doe", "Display Name": "Jane Doe (Acme)",
        "Primary Email": "jane@acme.example", "Secondary Email": "jane@home.example",
        "Work Phone": "+49 30 1234567", "Mobile Number": "+49 170 1234567",
        "Work Address": "Hauptstr. 1", "Work Address 2": "3. OG", "Work City": "Berlin",
        "Work ZipCode": "10115", "Work Country": "Germany", "Job Title": "CTO",
        "Organization": "Acme", "Web Page 1": "https://acme.example", "Birth Year": "1985",
        "Birth Month": "04", "Birth Day": "15", "Custom 1": "blue", "Notes": "likes tea"},
        {"Display Name": "No Year", "Birth Month": "2", "Birth Day": "29"},
        {"Display Name": "Bad Day", "Birth Month": "2", "Birth Day": "30"})
    (jane, no_year, bad_day), errors = read(data)
    assert (bad_day.birthday, bad_day.invalid) == (None, [("birthday", "--2-30",
                                                           "is no such date")])
    assert (jane.name, jane.first_name, jane.last_name) == ("Jane Doe (Acme)", "Jane", "Doe")
    assert details(jane.emails) == [("jane@acme.example", None, False),
                                    ("jane@home.example", None, False)]
    assert details(jane.phones) == [("+49 30 1234567", "work", False),
                                    ("+49 170 1234567", "mobile", False)]
    (work,) = jane.addresses
    assert (work.street, work.locality, work.postcode, work.country, work.label) == (
        "Hauptstr. 1\n3. OG", "Berlin", "10115", "Germany", "work")
    assert details(jane.urls) == [("https://acme.example", "work", False)]
    assert (jane.company, jane.title, jane.notes) == ("Acme", "CTO", "likes tea")
    assert jane.birthday == PartialDate(1985, 4, 15)
    assert jane.fields == {"Custom-1": "blue"}
    assert no_year.birthday == PartialDate(None, 2, 29)
    assert errors == []


def test_generic_headers_by_alias():
    data = table("Full Name,E-Mail,Telephone,Mobile,Organisation,Job Title,Tags,Birthday,"
                 "Street,City,ZIP,Favourite Colour,Empty", {
                     "Full Name": "Ann Poe", "E-Mail": "ann@poe.example; ann@home.example",
                     "Telephone": "+44 20 7946 0000 (work)", "Mobile": "07700 900123",
                     "Organisation": "Poe Ltd", "Job Title": "Owner", "Tags": "vip, golf",
                     "Birthday": "15 Apr 1985", "Street": "1 Elm Rd", "City": "Leeds",
                     "ZIP": "LS1 1AA", "Favourite Colour": "green"})
    (ann,), errors = read(data)
    assert errors == []
    assert ann.name == "Ann Poe" and (ann.company, ann.title) == ("Poe Ltd", "Owner")
    assert [e.address for e in ann.emails] == ["ann@poe.example", "ann@home.example"]
    assert details(ann.phones) == [("+44 20 7946 0000", "work", False),
                                   ("07700 900123", "mobile", False)]
    assert ann.tags == ["vip", "golf"]
    assert ann.birthday == PartialDate(1985, 4, 15)
    assert [(a.street, a.locality, a.postcode) for a in ann.addresses] == [
        ("1 Elm Rd", "Leeds", "LS1 1AA")]
    assert ann.fields == {"Favourite-Colour": "green"}  # one word, as stored


def test_parts_make_the_name_and_an_email_names_the_nameless():
    data = table("first_name,last_name,email,phone",
                 {"first_name": "Jo", "last_name": "Bloggs"},
                 {"email": "someone@example.org"},
                 {"phone": "+1 555 0100"}, {})
    (jo, someone), errors = read(data)
    assert jo.name == "Jo Bloggs" and someone.name == "someone@example.org"
    assert errors == [RowError("book.csv", 4, "no name and no email")]  # the blank row: silent


def test_map_names_columns_and_wins_over_aliases():
    mapping = parse_map("Vollständiger Name=name, E-Post=email,Firma=company,Title=ignore,"
                        "Handy=mobile")
    assert mapping["Firma"] == "company" and mapping["Handy"] == "mobile"
    data = table("Vollständiger Name,E-Post,Firma,Title,Handy", {
        "Vollständiger Name": "Jörg Müller", "E-Post": "joerg@example.de",
        "Firma": "Müller GmbH", "Title": "Herr", "Handy": "+49 171 1234567"})
    with pytest.raises(FileError) as caught:
        read(data)
    assert "--map" in caught.value.hint
    (joerg,), errors = read(data, mapping=mapping)
    assert errors == []
    assert (joerg.name, joerg.company, joerg.title) == ("Jörg Müller", "Müller GmbH", None)
    assert details(joerg.phones) == [("+49 171 1234567", "mobile", False)]
    assert joerg.emails[0].address == "joerg@example.de"
    (joerg,), _ = read(data, mapping={**mapping, "title": "title"})  # case-insensitive
    assert joerg.title == "Herr"


@pytest.mark.parametrize("text", ["name", "=email", "Name=", "Name=colour", "a=email,,"])
def test_parse_map_rejects_bad_syntax_and_unknown_fields(text):
    with pytest.raises(InvalidInput):
        parse_map(text)


def test_map_naming_a_missing_column_is_an_error():
    with pytest.raises(InvalidInput, match="Firma"):
        read(table("Name,Email", {"Name": "A", "Email": "a@b.example"}),
             mapping={"Firma": "company"})


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters(delimiter):
    data = table("Name,Email,Company", {"Name": "Ann", "Email": "ann@a.example",
                                        "Company": "Semi; Colon, Inc"}, delimiter=delimiter)
    (ann,), errors = read(data)
    assert errors == []
    assert (ann.name, ann.emails[0].address, ann.company) == (
        "Ann", "ann@a.example", "Semi; Colon, Inc")


def test_quoted_delimiters_in_the_header_do_not_fool_the_sniffer():
    data = b'Name;"Email, work";Notes\nAnn;ann@a.example;"a, b, c"\n'
    (ann,), _ = read(data, mapping={"Email, work": "email"})
    assert ann.notes == "a, b, c"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_byte_order_marks_decide_the_encoding(encoding):
    text = "Name,Email\r\nZoë Ångström,zoe@example.se\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (zoe,), errors = read(data)
    assert errors == []
    assert zoe.name == "Zoë Ångström" and zoe.emails[0].address == "zoe@example.se"



@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le"])
def test_a_byte_order_mark_under_a_given_encoding_is_not_part_of_the_header(encoding):
    data = "\ufeffName,Email\r\nZoë,zoe@example.se\r\n".encode(encoding)
    (zoe,), errors = read(data, encoding=encoding)
    assert errors == [] and (zoe.name, zoe.emails[0].address) == ("Zoë", "zoe@example.se")


def test_rows_are_made_as_they_are_read_with_problems_in_file_order():
    """``ContactFiles`` hands out a CSV file's rows one at a time: the same items and the
    same problems, in the same order, as reading the whole file first."""
    from rolodex.formats.contact_files import ContactFiles

    data = (b"Name,Email,Birthday\r\nAnn,ann@a.example,\r\nBad,not-an-email,,x\r\n"
            b"Cy,cy@c.example,1985-13-40,x\r\nDee,dee@d.example,\r\n")
    contacts, errors = read(data)
    files = ContactFiles([("book.csv", data)])
    assert files.expected == 4  # rows of data, readable or not
    items = list(files)
    assert [i.data for i in items] == contacts and [i.index for i in items] == [1, 2]
    assert [(p.index, p.reason) for p in files.problems] == [
        (e.row, e.reason) for e in errors] and len(errors) == 2

def test_not_utf8_is_a_file_error_with_the_line_until_the_encoding_is_given():
    data = "Name,Email\r\nAnn,ann@a.example\r\nRené Müller,rene@m.example\r\n".encode("cp1252")
    with pytest.raises(FileError) as caught:
        read(data)
    assert caught.value.message == "book.csv: line 3: not UTF-8 text"
    assert "--encoding cp1252" in caught.value.hint
    (_, rene), errors = read(data, encoding="cp1252")
    assert rene.name == "René Müller" and errors == []


def test_utf16_without_bom_and_unknown_encodings_are_clean_errors():
    with pytest.raises(FileError, match="UTF-16"):
        read("Name,Email\nAnn,a@b.example\n".encode("utf-16-le"))
    with pytest.raises(InvalidInput, match="klingon"):
        read(b"Name\nAnn\n", encoding="klingon")
    with pytest.raises(FileError, match="line 3: not utf-16 text"):
        read("Name\nAnn\n".encode("utf-16") + b"\x00", encoding="utf-16")


def test_invalid_values_are_reported_and_kept_as_fields_and_their_rows_still_read():
    data = table("Name,Email,Phone", {"Name": "Ann", "Email": "ann@a.example"},
                 {"Name": "Bob", "Email": "bob at example"},
                 {"Name": "Cy", "Phone": "call me"},
                 {"Name": "Di", "Email": "di@d.example"})
    contacts, errors = read(data)
    assert [c.name for c in contacts] == ["Ann", "Bob", "Cy", "Di"] and errors == []
    _, bob, cy, _ = contacts
    assert (bob.emails, bob.fields) == ([], {"Email": "bob at example"})
    assert bob.invalid == [("Email", "bob at example", "is not an email address")]
    assert cy.invalid == [("Phone", "call me", "is not a phone number (no digit)")]


def test_special_use_domains_pass_but_dotless_typos_do_not():
    data = table("Name,Email", {"Name": "Test", "Email": "root@localhost (work, preferred)"},
                 {"Name": "Typo", "Email": "jane@gmail"})
    (test, typo), errors = read(data)
    assert details(test.emails) == [("root@localhost", "work", True)] and errors == []
    assert typo.invalid == [("Email", "jane@gmail", "is not an email address")]


def test_row_numbers_are_file_lines_across_multiline_cells():
    data = b'Name,Notes,Email\n"Ann","line one\nline two",ann@a.example\n\nBob,,bad,x\n'
    (ann,), (error,) = read(data)
    assert ann.notes == "line one\nline two"
    assert error.row == 5


def test_malformed_quoting_is_a_row_error_and_an_unclosed_quote_a_file_error():
    data = b'Name,Email\n"Ann"x,ann@a.example\nBob,bob@b.example\n'
    (bob,), (error,) = read(data)
    assert bob.name == "Bob" and error.row == 2 and "quoting" in error.reason
    with pytest.raises(FileError, match="line 3: a quoted field is never closed"):
        read(b'Name,Email\nAnn,ann@a.example\n"Bob,bob@b.example\nCy,cy@c.example\n')


def test_too_many_cells_is_a_row_error_and_trailing_empty_cells_are_fine():
    data = b"Name,Email\nAnn,ann@a.example,,\nBob,bob@b.example,surprise\n"
    (ann,), (error,) = read(data)
    assert ann.name == "Ann" and error.row == 3 and "3 cells" in error.reason


@pytest.mark.parametrize("data", [b"", b"\n\n", b"John Doe,john@doe.example\n",
                                  b"1,2,3\n4,5,6\n"])
def test_no_usable_header_is_a_file_error_suggesting_map(data):
    with pytest.raises(FileError, match=r"book\.csv") as caught:
        read(data)
    assert "--map" in (caught.value.hint or "") or "empty" in caught.value.message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | st.text(alphabet=',;\t"\r\n\'=@ab:.x', max_size=80).map(
    lambda t: ("Name,Email,Notes\n" + t).encode()))
def test_any_bytes_give_contacts_or_a_clean_error(data):
    with contextlib.suppress(FileError, InvalidInput):
        read(data)


@pytest.mark.parametrize(("cell", "safe"), [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+1 555 0100", "'+1 555 0100"), ("-5", "'-5"),
    ("@cmd", "'@cmd"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"),
    ("plain", "plain"), ("it's", "it's"), ("", ""), ("a=b", "a=b")])
def test_neutralise(cell, safe):
    assert neutralise(cell) == safe


def record(**values) -> dict:
    base = {"uid": None, "name": None, "emails": [], "phones": [], "addresses": [],
            "urls": [], "tags": [], "custom": {}}
    return {**base, **values}


JANE = record(
    id=1, uid="3F2504E0-4F89-11D3-9A0C-0305E82C3301", name="Dr. Jane Q. Doe", prefix="Dr.",
    first_name="Jane", middle_name="Q.", last_name="Doe", nickname="=JD", company="Acme, Inc.",
    department="Labs", title="-CTO-", email="jane@acme.example", phone="+1 555 010 0100",
    emails=[{"address": "jane@home.example", "label": "home", "preferred": False},
            {"address": "jane@acme.example", "label": "work", "preferred": True}],
    phones=[{"number": "+1 555 010 0100", "label": "mobile", "preferred": False},
            {"number": "+49 30 1234567", "label": None, "preferred": False}],
    addresses=[{"street": "1 High St, Flat 2", "locality": "Springfield", "region": "IL",
                "postcode": "62701", "country": "USA", "label": "home", "preferred": False}],
    urls=[{"url": "https://jane.example", "label": None, "preferred": False}],
    tags=["vip", "@home-ish", "golf"], birthday="--04-15", anniversary="2010-06-01",
    status="customer", source="fair", owner="tester", notes='=HYPERLINK("x")\nsecond line',
    custom={"shoe-size": "38", "=evil": "@x"}, created="2026-01-01T00:00:00Z",
    updated="2026-01-02T00:00:00Z", relationships=[], cadence_days=30)


def test_export_header_and_neutralised_cells():
    out = io.StringIO()
    write_contacts_csv([record(name="Plain", uid="u1")], out)
    assert out.getvalue().splitlines()[0] == ",".join(EXPORT_HEADER)
    out = io.StringIO()
    write_contacts_csv([JANE], out)
    header, row = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    cells = dict(zip(header, row, strict=True))
    assert header[:len(EXPORT_HEADER)] == list(EXPORT_HEADER)
    assert header[len(EXPORT_HEADER):] == ["custom:=evil", "custom:shoe-size"]
    assert cells["nickname"] == "'=JD" and cells["phone"] == "'+1 555 010 0100"
    assert cells["birthday"] == "'--04-15" and cells["custom:=evil"] == "'@x"
    assert cells["emails"] == "jane@home.example (home) ::: jane@acme.example (work, preferred)"
    assert cells["address"] == "1 High St, Flat 2, Springfield, IL, 62701, USA"
    assert cells["tags"] == "vip ::: @home-ish ::: golf" and cells["status"] == "customer"
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row)


def test_round_trip_write_then_read():
    plain = record(uid="u2", name="Bob", phones=[{"number": "555 0100", "label": None,
                                                 "preferred": False}])
    out = io.StringIO()
    write_contacts_csv([JANE, plain], out)
    (jane, bob), errors = read(out.getvalue().encode())
    assert errors == []
    assert (jane.uid, jane.name, jane.prefix, jane.first_name, jane.middle_name,
            jane.last_name, jane.nickname) == (JANE["uid"], "Dr. Jane Q. Doe", "Dr.", "Jane",
                                               "Q.", "Doe", "=JD")
    assert (jane.company, jane.department, jane.title) == ("Acme, Inc.", "Labs", "-CTO-")
    assert details(jane.emails) == [("jane@home.example", "home", False),
                                    ("jane@acme.example", "work", True)]
    assert details(jane.phones) == [("+1 555 010 0100", "mobile", False),
                                    ("+49 30 1234567", None, False)]
    (home,) = jane.addresses
    assert (home.street, home.locality, home.region, home.postcode, home.country) == (
        "1 High St, Flat 2", "Springfield", "IL", "62701", "USA")
    assert details(jane.urls) == [("https://jane.example", None, False)]
    assert jane.tags == ["vip", "@home-ish", "golf"]  # a label from a file is kept as written
    assert jane.birthday == PartialDate(None, 4, 15)
    assert jane.anniversary == PartialDate(2010, 6, 1)
    assert jane.notes == JANE["notes"]
    assert jane.fields == {"shoe-size": "38", "=evil": "@x"}
    assert (bob.uid, bob.name, [p.number for p in bob.phones]) == ("u2", "Bob", ["555 0100"])


def test_apostrophes_are_only_stripped_from_rolodex_exports():
    (ann,), _ = read(b"Name,Email,Notes\nAnn,ann@a.example,'=x\n")
    assert ann.notes == "'=x"


# --- the shared corpus of real exports ------------------------------------------------

def _corpus_files() -> list[tuple[str, str]]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    rows = csv.DictReader(io.StringIO(manifest.read_text("utf-8"), newline=""),
                          delimiter="\t")
    return [(r["file"], r["sha256"]) for r in rows
            if r["file"].startswith("vcard/") and r["file"].endswith(".csv")]


CORPUS_FILES = _corpus_files()
needs_corpus = corpus.needs_corpus
EXPECTED = {
    "thunderbird__basic_csv_addressbook.csv": [("John Doe", ["john@doe.invalid"]),
                                               ("Jane Doe", ["jane@doe.invalid"])],
    "thunderbird__csv_semicolon.csv": [("John Doe", ["john@doe.invalid"]),
                                       ("Jane Doe", ["jane@doe.invalid"])],
    "thunderbird__export.csv": [("contact number one", ["contact1@invalid"]),
                                ("contact number two", ["contact2@invalid"])],
    "thunderbird__quote.csv": [("Acer America", [])],
    "thunderbird__utf16_addressbook.csv": [("John Doe", ["johndoe@host.invalid"])],
}


def corpus_bytes(name: str, sha256: str) -> bytes:
    data = (CORPUS / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256, f"{name} differs from MANIFEST.tsv"
    return data


@pytest.mark.slow
@needs_corpus
@pytest.mark.parametrize(("name", "sha256"), CORPUS_FILES or [("none", "")])
def test_corpus_file_reads_or_fails_cleanly(name, sha256):
    try:
        contacts, errors = read_contacts_csv(corpus_bytes(name, sha256), source=name)
    except FileError as exc:
        assert name in exc.message
        return
    assert contacts or errors


@pytest.mark.slow
@needs_corpus
@pytest.mark.parametrize("short", sorted(EXPECTED))
def test_corpus_thunderbird_files_yield_the_expected_contacts(short):
    sha = dict(CORPUS_FILES)[f"vcard/{short}"]
    contacts, errors = read_contacts_csv(corpus_bytes(f"vcard/{short}", sha), source=short)
    assert errors == []
    assert [(c.name, [e.address for e in c.emails]) for c in contacts] == EXPECTED[short]


@pytest.mark.slow
@needs_corpus
def test_corpus_details_survive_quotes_newlines_and_encodings():
    files = dict(CORPUS_FILES)
    _, two = read(corpus_bytes("vcard/thunderbird__export.csv",
                               files["vcard/thunderbird__export.csv"]))[0]
    assert two.title == '"worker"' and two.notes == "here's some unicode text…"
    assert two.fields == {"Custom-1": "custom, 1", "Custom-2": "custom\t2",
                          "Custom-3": "custom\r3", "Custom-4": "custom\n4"}
    (acer,), _ = read(corpus_bytes("vcard/thunderbird__quote.csv",
                                   files["vcard/thunderbird__quote.csv"]))
    assert (acer.company, details(acer.phones)) == ("Acer America",
                                                    [("(800) 000-0000", "work", False)])
    sjis = corpus_bytes("vcard/thunderbird__shiftjis_addressbook.csv",
                        files["vcard/thunderbird__shiftjis_addressbook.csv"])
    with pytest.raises(FileError, match="line 2: not UTF-8 text"):
        read(sjis)
    (nanashi,), _ = read(sjis, encoding="shift_jis")
    assert nanashi.name == "名無しの権兵衛" and nanashi.last_name == "名無し"
