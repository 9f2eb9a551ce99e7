"""Control characters from imported files: names, titles and companies lose them (a line
break becomes a space), notes keep their line breaks; an email or UID holding one is an
invalid value, reported and kept in the card only (which export gives back as written);
a calendar item whose UID holds one fails, reported."""

from __future__ import annotations

import sqlite3

from hostile import FIXTURES


def _rows(db, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_vcard_s_controls_are_stripped_or_refused(rolodex, isolated):
    result = rolodex(["import", str(FIXTURES / "control-chars-in-names-emails-uid.vcf"),
                      "-f", "json"])
    assert result.exit_code == 0, result.stderr
    ((uid, name, first, last, title, notes),) = _rows(
        isolated, "SELECT uid, display_name, first_name, last_name, title, notes FROM contacts")
    assert (name, first, last, title) == ("Jane Doe]0;owned", "Jane Marie", "Doe",
                                          "Chief Officer")
    assert notes == "line one\nline two"
    assert "\x00" not in uid and "\x07" not in uid
    assert _rows(isolated, "SELECT name FROM companies") == [("Acme Ltd",)]
    assert _rows(isolated, "SELECT address FROM contact_emails") == [("jane.doe@acme.example",)]
    invalid = {(i["property"], i["value"], i["reason"]) for i in result.json()["invalid"]}
    assert invalid == {("EMAIL", "jane\x00@acme.example", "has a control character"),
                       ("UID", "urn:uuid:jane-\x00-\x07doe", "has a control character")}
    exported = rolodex("export -o -")
    assert "EMAIL:jane\x00@acme.example" in exported.stdout  # the kept card, as written


def test_the_import_report_shows_refused_values_escaped(rolodex):
    result = rolodex(["import", str(FIXTURES / "control-chars-in-names-emails-uid.vcf")])
    assert "EMAIL 'jane\\x00@acme.example' has a control character" in result.stderr
    assert "\x00" not in result.stderr and "\x1b" not in result.stderr


def test_csv_cells_with_controls(rolodex, isolated):
    result = rolodex(["import", str(FIXTURES / "control-chars-in-cells.csv"), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert _rows(isolated, "SELECT display_name, title FROM contacts") == [
        ("Bob Sample Second", "Boss[31m")]
    assert _rows(isolated, "SELECT address FROM contact_emails") == []
    assert [(i["property"], i["reason"]) for i in result.json()["invalid"]] == [
        ("EMAIL", "has a control character")]


def test_ldif_values_with_controls(rolodex, isolated):
    result = rolodex(["import", str(FIXTURES / "control-chars-in-values.ldif"), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert _rows(isolated, "SELECT display_name FROM contacts") == [("Zed Last",)]
    assert _rows(isolated, "SELECT address FROM contact_emails") == [("zed@acme.example",)]
    assert [i["value"] for i in result.json()["invalid"]] == ["zed\x00@acme.example"]


def test_icalendar_summary_and_uid_with_controls(rolodex, isolated):
    result = rolodex(["import", str(FIXTURES / "control-chars-in-summary-and-uid.ics"),
                      "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert _rows(isolated, "SELECT uid, title, notes FROM events") == [
        ("review@acme.example", "Review]0;owned with Jane Doe", "Agenda:\n1. budget\n2. plan")]
    (failed,) = result.json()["problems"]
    assert failed["reason"] == "UID 'ev\\x07il@acme.example' has a control character"
