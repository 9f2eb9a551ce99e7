"""Nothing a stranger wrote acts on the terminal: escape sequences and control characters
in names, titles, notes, labels, tags and subjects (from a vCard, an iCalendar file, a
mail's encoded-word headers or the command line) are shown escaped (``\\x1b``) by every
table, card and message, and Rich markup in them prints as typed. The machine formats
keep the data exact. Names and titles typed with a control character are refused."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
ESC = "\x1b"
EVE = "eve@evil.example"
# What must never reach stdout or stderr raw in table format: C0 controls but newline and
# tab (ESC starts CSI and OSC, BEL ends OSC), DEL and the C1 controls (U+009B is CSI).
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
DEAL = f"Deal {ESC}]0;owned\x07{ESC}[2J [link=http://evil.example]sign[/link]"
FN = ("Eve \x1b]0;owned\x07Mallory \x1b[2J\x1b[6n [bold red]loud[/] "
      "[link=http://evil.example]click[/link] \x9b31mred")

READS = [
    "contact list", f"contact show {EVE}", "company list", "company show 1", "search eve",
    "search mallory --limit 5", "history", f"history {EVE}", "task list", "task show 1",
    "event list", "event show 1", "deal list", "deal show 1", "agenda --days 30",
    "followups --due week", "calendar 2026-11-20", "calendar 2026-11-20 --week",
    "calendar 2026-11-20 --day", "dashboard", "changes", f"changes {EVE}", "dupes",
    f"report contact {EVE}", "report company 1", "report pipeline", "report activity",
    "report relationships", "report birthdays", "report segments", "report sources",
    "report followups", "privacy stale --older-than 1d", "cadence list", "config list",
    "backup --list",
    f"merge {EVE} trudy@evil.example --dry-run", f"privacy consent {EVE} newsletter --grant",
    "privacy consents", "doctor", "search saved",
]
WRITES = [
    f"contact tag {EVE} vip", f"contact edit {EVE} --title CTO", "task done 1",
    "deal won 1", f"log {EVE} note {ESC}[2Jwiped", "undo", "redo", "event rm 1 --yes",
    "contact rm trudy@evil.example --yes", "contact restore --list", "undo",
]


@pytest.fixture
def hostile(rolodex, isolated):
    """A database where every kind of record carries escape sequences and markup."""
    for name in ("escape-sequences.vcf", "escape-sequences.ics"):
        assert rolodex(["import", str(HOSTILE / name)]).exit_code == 0
    rolodex("config set my.emails me@example.org")
    mail = (HOSTILE / "escape-sequences.eml").read_text(encoding="utf-8")
    assert rolodex("log-mail", input=mail).exit_code == 0
    assert rolodex("add-from-mail --all", input=mail).exit_code == 0
    assert rolodex(["log", EVE, "call", f"said {ESC}]8;;http://evil.example{ESC}\\here"]
                   ).exit_code == 0
    from rolodex.store import lookups
    from rolodex.store.activity import deals
    from rolodex.store.opening import open_db
    from rolodex.store.people import contacts

    db = open_db(isolated)  # a title the command line now refuses, as an older one kept it
    try:
        # and a name as an older import kept it: imports now strip control characters from
        # names (tests/test_import_control_chars.py), but a database may hold one already
        (eve,) = lookups.contacts_by_email(db, EVE)
        contacts.update_contact(db, eve, {"name": FN})
        deals.add_deal(db, DEAL, contact_ids=[1])
    finally:
        db.close()
    return rolodex


def raw_controls(text: str) -> list[str]:
    return sorted({repr(c) for c in RAW_CONTROL.findall(text)})


def drive(rolodex, commands: list[str]) -> dict[str, object]:
    """Run each command; what any of them printed raw (or how it failed)."""
    leaks: dict[str, object] = {}
    for argv in commands:
        result = rolodex(argv)
        if result.exit_code != 0:
            leaks[argv] = (result.exit_code, result.stderr)
        elif found := raw_controls(result.stdout + result.stderr):
            leaks[argv] = found
    return leaks


def test_the_hostile_records_are_stored_exactly(hostile):
    names = {c["name"] for c in hostile("contact list -f json").json()}
    assert FN in names
    assert hostile("deal list -f json").json()[0]["title"] == DEAL


@pytest.mark.parametrize("renderer", ["plain", "rich"])
def test_no_listing_or_card_sends_control_characters_to_the_terminal(hostile, monkeypatch,
                                                                     renderer):
    if renderer == "rich":  # Rich draws as on a terminal; TERM=dumb: no styles of its own
        monkeypatch.setenv("TTY_COMPATIBLE", "1")
        monkeypatch.setenv("TERM", "dumb")
    leaks = drive(hostile, READS)
    assert not leaks, "\n".join(f"{k}: {v}" for k, v in leaks.items())
    leaks = drive(hostile, WRITES)
    assert not leaks, "\n".join(f"{k}: {v}" for k, v in leaks.items())


SGR = re.compile("\x1b\\[[0-9;]*m")  # the styles Rich draws itself


@pytest.mark.parametrize("renderer", ["plain", "rich"])
def test_escapes_are_shown_and_markup_prints_as_typed(hostile, monkeypatch, renderer):
    if renderer == "rich":  # as on a terminal, styles and all (removed before looking)
        monkeypatch.setenv("TTY_COMPATIBLE", "1")
        monkeypatch.setenv("TERM", "xterm-256color")
    listing = SGR.sub("", hostile("contact list").stdout)
    card = SGR.sub("", hostile(f"contact show {EVE}").stdout)
    for text in (listing, card):
        assert "Eve \\x1b]0;owned\\x07Mallory \\x1b[2J\\x1b[6n [bold red]loud[/]" in text
        assert "[link=http://evil.example]click[/link] \\x9b31mred" in text
    assert "[bold]Ltd[/]" in card  # the company's name, markup and all
    assert "[link=http://evil.example]sign[/link]" in SGR.sub("", hostile("deal show 1").stdout)


def test_stderr_messages_show_escapes(hostile):
    result = hostile("undo")  # names the operation: "add deal Deal ..."
    assert result.exit_code == 0
    assert "add deal Deal \\x1b]0;owned\\x07\\x1b[2J" in result.stderr, result.stderr
    result = hostile(f"merge {EVE} trudy@evil.example --yes")
    assert result.exit_code == 0
    assert "Trudy \\x1b[6n\\x1b[31m [bold]T[/]" in result.stderr, result.stderr
    result = hostile(["contact", "show", f"nobody {ESC}[2J{ESC}]0;x\x07"])
    assert result.exit_code == 3
    assert result.stderr.startswith("rolodex: ")
    assert "nobody \\x1b[2J\\x1b]0;x\\x07" in result.stderr
    assert not raw_controls(result.stderr)


def test_machine_formats_keep_the_data_exact(hostile):
    assert FN in [r["name"] for r in hostile("contact list -f json").json()]
    lines = hostile("contact list -f jsonl").stdout.split("\n")  # not splitlines: U+0085
    assert FN in [json.loads(line)["name"] for line in lines if line]
    assert FN in [r["name"] for r in csv.DictReader(io.StringIO(
        hostile("contact list -f csv").stdout))]
    assert FN in [r["name"] for r in csv.DictReader(io.StringIO(
        hostile("contact list -f tsv").stdout), delimiter="\t")]
    assert json.loads(hostile(f"contact show {EVE} -f json").stdout)["name"] == FN


@pytest.mark.parametrize("argv", [
    ["add", "Jane\nDoe"],
    ["contact", "add", f"Jane {ESC}[2J"],
    ["add", "Jane Doe", "--company", f"Acme{ESC}]0;x\x07"],
    ["company", "add", "Acme\tLtd"],
    ["task", "add", f"Call {ESC}[6n"],
    ["event", "add", "Lunch\r\nat noon", "--at", "2026-11-21 12:00"],
    ["deal", "add", "Website\x9bredesign"],
])
def test_a_typed_name_or_title_with_a_control_character_is_refused(rolodex, argv):
    result = rolodex(argv)
    assert result.exit_code == 5, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr  # one line
    assert "has a control character" in result.stderr
    assert not raw_controls(result.stderr)
    assert rolodex("contact list -f json").json() == []


@pytest.mark.parametrize("argv", [
    ["contact", "edit", "jane", "--name", "Jane\nRoe"],
    ["contact", "edit", "jane", "--last", f"Roe{ESC}[2J"],
    ["company", "edit", "acme", "--name", "Acme\nLtd"],
    ["task", "edit", "1", "--title", f"x{ESC}"],
    ["event", "edit", "1", "--title", f"x{ESC}"],
    ["deal", "edit", "1", "--title", f"x{ESC}"],
])
def test_an_edit_to_a_control_character_is_refused(rolodex, argv):
    rolodex("add 'Jane Doe' -c 'Acme Ltd'")
    rolodex("task add 'Call Jane' --for jane")
    rolodex("event add Lunch --at '2026-11-21 12:00'")
    rolodex("deal add Website --contact jane")
    before = rolodex("changes -f json").json()
    result = rolodex(argv)
    assert result.exit_code == 5, result.stderr
    assert "has a control character" in result.stderr
    assert rolodex("changes -f json").json() == before


def test_bytes_that_are_not_utf8_on_the_command_line_are_invalid_input(rolodex):
    rolodex("add 'Jane Doe'")
    bad = b"said \x9b here".decode("utf-8", "surrogateescape")  # as Python gets argv
    result = rolodex(["log", "jane", "call", bad])
    assert result.exit_code == 5, result.stderr
    assert result.stderr.startswith("rolodex: text on the command line is not UTF-8\n")


def test_shell_completion_suggests_no_control_characters(hostile, isolated):
    hostile("add 'Eva Plain' -e 'eva@example.org'")
    env = {**os.environ, "ROLODEX_DB": str(isolated), "_ROLODEX_COMPLETE": "complete_zsh",
           "_TYPER_COMPLETE_ARGS": "rolodex contact show Ev",
           "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    done = subprocess.run([sys.executable, "-m", "rolodex"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert "Eva Plain\tEva Plain  -- eva@example.org\n" in done.stdout
    assert not raw_controls(done.stdout), done.stdout
