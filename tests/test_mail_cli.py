"""Mail clients: mutt-query's line format, add-from-mail and log-mail."""

from __future__ import annotations

from pathlib import Path

import pytest

MESSAGE = """From: Jane Doe <jane@acme.example>
To: Me <me@example.org>, Bob Poe <bob@poe.example>
Cc: "Roe, John" <JOHN@roe.example>
Subject: Pricing for Q1
Date: Fri, 20 Nov 2026 10:00:00 +0100
Message-ID: <1234@acme.example>

Hello!
"""


@pytest.fixture
def book(rolodex):
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example (work)", "-e", "jane@home.example",
             "-c", "Acme Ltd"])
    rolodex(["add", "John Roe", "-e", "john@roe.example", "-c", "Roe & Co"])
    rolodex(["add", "Janet Poe", "-e", "janet@poe.example"])
    rolodex(["config", "set", "my.emails", "me@example.org"])
    return rolodex


def test_mutt_query_lines(book):
    result = book("mutt-query jan")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rolodex: 3 address(es)")
    # a contact's preferred address first, its other addresses right after it
    jane = lines.index("jane@acme.example\tJane Doe\twork")
    assert lines[jane + 1] == "jane@home.example\tJane Doe\tAcme Ltd"
    assert sorted(lines[1:]) == ["jane@acme.example\tJane Doe\twork",
                                 "jane@home.example\tJane Doe\tAcme Ltd",
                                 "janet@poe.example\tJanet Poe\t"]
    assert all(line.count("\t") == 2 for line in lines[1:])


def test_mutt_query_by_company_and_address_part(book):
    assert book("mutt-query --plain acme").stdout.splitlines()[0].startswith(
        "jane@acme.example\tJane Doe")
    assert book("mutt-query --plain roe.exa").stdout == "john@roe.example\tJohn Roe\tRoe & Co\n"


def test_mutt_query_nothing_found(book):
    result = book("mutt-query zzz")
    assert result.exit_code == 1
    assert result.stdout == ""


def test_add_from_mail(book):
    result = book(["add-from-mail"], input=MESSAGE)
    assert result.exit_code == 0
    assert "added 0 contact(s); 1 already known" in result.stderr
    result = book(["add-from-mail", "--all"], input=MESSAGE)
    assert "added 1 contact(s); 2 already known" in result.stderr
    new = int(result.stdout)
    person = book(["contact", "show", str(new), "-f", "json"]).json()
    assert (person["name"], person["email"]) == ("Bob Poe", "bob@poe.example")
    assert "warning" not in result.stderr  # nobody like Bob Poe was there


def test_add_from_mail_names_a_likely_duplicate(book):
    """A known person writing from a new address is added, and the user is told."""
    message = MESSAGE.replace("jane@acme.example", "jane.doe@mail.example")
    result = book(["add-from-mail"], input=message)
    assert result.exit_code == 0, result.stderr
    new = int(result.stdout)
    assert f"warning: #{new} Jane Doe looks like #1 Jane Doe (same name)" in result.stderr


def test_log_mail_records_once_with_direction(book):
    result = book(["log-mail"], input=MESSAGE)
    assert result.exit_code == 0, result.stderr
    assert "not in rolodex: bob@poe.example" in result.stderr
    [entry] = book("history -f json").json()
    assert (entry["kind"], entry["text"], entry["at"], entry["direction"]) == (
        "email", "Pricing for Q1", "2026-11-20T09:00:00Z", "in")
    assert sorted(c["name"] for c in entry["contacts"]) == ["Jane Doe", "John Roe"]
    again = book(["log-mail"], input=MESSAGE)
    assert again.exit_code == 0 and "already logged" in again.stderr
    assert len(book("history -f json").json()) == 1
    sent = MESSAGE.replace("From: Jane Doe <jane@acme.example>", "From: Me <me@example.org>")
    sent = sent.replace("To: Me <me@example.org>", "To: Jane <jane@acme.example>")
    sent = sent.replace("1234@", "5678@")
    book(["log-mail"], input=sent)
    assert book("history -f json").json()[0]["direction"] == "out"


@pytest.mark.parametrize("text", ["", "Subject: nobody\n\nno addresses\n"])
def test_bad_messages_are_file_errors(book, text):
    result = book(["log-mail"], input=text)
    assert result.exit_code == 8
    assert result.stderr.startswith("rolodex: ")


def test_log_mail_from_strangers_is_not_found(book):
    result = book(["log-mail"], input="From: x@y.example\nTo: z@y.example\n\nhi\n")
    assert result.exit_code == 3
    assert "add-from-mail" in result.stderr


MAIL = Path(__file__).parent / "fixtures" / "mail"


def test_log_mail_without_message_id_records_once(book):
    message = (MAIL / "no-message-id.eml").read_text()
    first = book(["log-mail"], input=message)
    assert first.exit_code == 0, first.stderr
    entry = int(first.stdout)
    again = book(["log-mail"], input=message)
    assert (again.exit_code, again.stdout) == (0, "")
    assert again.stderr == f"already logged as history #{entry}\n"
    # the same sender and subject on another day is another message
    book(["log-mail"], input=(MAIL / "no-message-id-next-day.eml").read_text())
    assert [e["at"] for e in book("history -f json").json()] == [
        "2026-11-21T09:00:00Z", "2026-11-20T09:00:00Z"]


def test_log_mail_knows_a_message_saved_again_by_another_program(book):
    """Encoded-words decoded, the subject refolded, the date in UTC, the address upper-case:
    still the message logged before."""
    entry = int(book(["log-mail"], input=(MAIL / "no-message-id.eml").read_text()).stdout)
    again = book(["log-mail"], input=(MAIL / "no-message-id-saved-again.eml").read_text())
    assert again.exit_code == 0 and f"already logged as history #{entry}" in again.stderr
    [logged] = book("history -f json").json()
    assert logged["text"] == "Pricing for Q1 \u2013 draft"


def test_mutt_query_never_prints_a_control_character(rolodex, isolated):
    """A name stored before imports cleaned them (an old database) holds an escape
    sequence: the terminal mutt-query prints to gets a space instead."""
    import sqlite3

    rolodex(["add", "Jane Doe", "-e", "jane@acme.example"])
    conn = sqlite3.connect(isolated)
    conn.execute("UPDATE contacts SET display_name = ?", ("Jane\x1b]0;owned\x07 Doe\u202e",))
    conn.commit()
    conn.close()
    result = rolodex(["mutt-query", "jane@acme"])
    assert result.exit_code == 0
    line = result.stdout.splitlines()[1]
    assert line.split("\t")[:2] == ["jane@acme.example", "Jane ]0;owned Doe"]
    assert not any(ord(c) < 32 and c not in "\t\n" for c in result.stdout)
