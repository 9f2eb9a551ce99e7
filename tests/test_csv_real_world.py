"""CSV as real exporters write it: Outlook in German, French and Spanish (Windows-1252,
day-first dates), semicolons, Excel's ``sep=`` line, LinkedIn's Connections.csv (#14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolodex.dates import PartialDate
from rolodex.errors import FileError
from rolodex.formats.contacts_csv import read_contacts_csv

FIXTURES = Path(__file__).parent / "fixtures" / "csv"


def read(name: str, **kwargs):
    return read_contacts_csv((FIXTURES / name).read_bytes(), source=name, **kwargs)


def details(items) -> list[tuple]:
    return [(getattr(i, "address", None) or getattr(i, "number", None) or i.url, i.label,
             i.preferred) for i in items]


def test_german_outlook_in_windows_1252():
    (jana, peter), errors = read("outlook-german-cp1252.csv")
    assert errors == []
    assert (jana.name, jana.prefix, jana.first_name, jana.middle_name, jana.last_name) == (
        "Frau Jana Maria Müller", "Frau", "Jana", "Maria", "Müller")
    assert (jana.company, jana.department, jana.title) == ("Acme GmbH", "Einkauf",
                                                           "Leiterin")
    assert details(jana.emails) == [("jana.mueller@acme.example", None, False),
                                    ("jana@home.example", None, False)]
    assert details(jana.phones) == [("+49 89 1234568", "work fax", False),
                                    ("+49 89 1234567", "work", False),
                                    ("+49 221 765432", "home", False),
                                    ("+49 171 2345678", "mobile", False)]
    work, home = jana.addresses
    assert (work.street, work.locality, work.region, work.postcode, work.country,
            work.label) == ("Hauptstraße 1\n3. OG", "München", "Bayern", "80331",
                            "Deutschland", "work")
    assert (home.street, home.locality, home.postcode, home.label) == (
        "Gartenweg 5", "Köln", "50667", "home")
    assert jana.birthday == PartialDate(1985, 4, 15)  # 15.4.1985: day first
    assert jana.anniversary == PartialDate(2010, 6, 1)
    assert jana.tags == ["Kunden", "Wichtig"]
    assert jana.notes == "Trifft sich gern\nzum Mittagessen"
    assert details(jana.urls) == [("https://acme.example", None, False)]
    assert jana.fields == {"Benutzer-1": "blau"}  # Outlook's constant columns are not kept
    assert (peter.name, peter.birthday, peter.fields) == ("Peter Schmidt", None, {})


def test_french_outlook_with_two_titre_columns():
    (amelie,), errors = read("outlook-french-cp1252.csv")
    assert errors == []
    assert (amelie.name, amelie.prefix, amelie.title) == (
        "Mme Amélie Durand", "Mme", "Directrice commerciale")
    assert (amelie.company, amelie.department) == ("Acme SARL", "Ventes")
    assert details(amelie.phones) == [("+33 1 23 45 67 89", "work", False),
                                      ("+33 6 12 34 56 78", "mobile", False)]
    (work,) = amelie.addresses
    assert (work.street, work.locality, work.postcode, work.country, work.label) == (
        "12 rue de la Paix", "Paris", "75002", "France", "work")
    assert amelie.birthday == PartialDate(1990, 12, 25) and amelie.anniversary is None
    assert (amelie.tags, amelie.notes) == (["Clients"], "Préfère le thé")
    assert amelie.emails[0].address == "amelie.durand@acme.example"
    assert amelie.fields == {}


def test_spanish_outlook_half_english_semicolons_and_a_bom():
    (jose,), errors = read("outlook-spanish-semicolon-utf8-bom.csv")
    assert errors == []
    assert (jose.first_name, jose.middle_name, jose.last_name) == ("José", "Luis",
                                                                   "García López")
    assert (jose.company, jose.department, jose.title) == ("Acme S.L.", "Compras",
                                                           "Director")
    assert details(jose.phones) == [("+34 91 123 45 67", "work", False),
                                    ("+34 95 765 43 21", "home", False),
                                    ("+34 612 345 678", "mobile", False)]
    assert [e.address for e in jose.emails] == ["jose.garcia@acme.example",
                                                "jose@casa.example"]
    assert [(a.street, a.locality, a.label) for a in jose.addresses] == [
        ("Calle Mayor 10", "Madrid", "work"), ("Avenida del Sol 3", "Sevilla", "home")]
    assert jose.birthday == PartialDate(1975, 2, 3)  # 3/2/1975: day first in Spanish
    assert (jose.tags, jose.notes, jose.fields) == (["Proveedores"], "Habla inglés", {})


def test_linkedin_connections_after_the_notes_preamble():
    (jane, john), errors = read("linkedin-connections-notes-preamble.csv")
    assert errors == []
    assert (jane.name, jane.company, jane.title, jane.emails) == (
        "Jane Doe", "Acme Ltd", "Chief Technology Officer", [])
    assert details(jane.urls) == [("https://www.linkedin.com/in/jane-doe-0a1b2c3",
                                   "linkedin", False)]
    assert jane.fields == {"linkedin-connected-on": "15 Apr 2023"}
    assert (john.company, john.emails[0].address) == ("Roe, Roe & Partners",
                                                      "john.roe@example.com")
    assert details(john.urls) == [("https://www.linkedin.com/in/johnroe", "linkedin", False)]


def test_excel_sep_line_names_the_delimiter():
    (jane,), errors = read("excel-sep-line-semicolon.csv")
    assert errors == [] and (jane.name, jane.company) == ("Jane Doe", "Acme, Ltd")


def test_a_delimiter_the_sniffer_does_not_know_is_given():
    with pytest.raises(FileError):
        read("pipe-delimited.csv")
    (jane,), errors = read("pipe-delimited.csv", delimiter="|")
    assert errors == [] and jane.notes == "likes; commas, and tabs"


def test_import_delimiter_option_and_an_ansi_outlook_file(rolodex):
    result = rolodex(["import", str(FIXTURES / "pipe-delimited.csv"), "--delimiter", "|"])
    assert result.exit_code == 0 and "1 new" in result.stderr, result.stderr
    result = rolodex(["import", str(FIXTURES / "outlook-german-cp1252.csv")])
    assert result.exit_code == 0 and "2 new" in result.stderr, result.stderr
    names = sorted(c["name"] for c in rolodex("contact list --format json").json())
    assert names == ["Frau Jana Maria Müller", "Jane Doe", "Peter Schmidt"]
