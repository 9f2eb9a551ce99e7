"""The instant commands' plain forms on the lean path (#18): ``search WORDS``,
``contact show REF``, ``company show REF`` and ``history REF`` (``-f FORMAT`` at most)
run without Typer or Click and print what the Typer path prints; anything else goes to
Typer, which parses and words it as always."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rolodex.cli._lean import lean_command


@pytest.mark.parametrize("argv,lean", [
    (["search", "jane"], True),
    (["search", "jane", "doe", "-f", "json"], True),
    (["--db", "x.db", "search", "tag:vip", "--format=csv"], True),
    (["contact", "show", "jane"], True),
    (["company", "show", "acme", "--format", "JSON"], True),
    (["history", "jane"], True),
    (["search", "save", "vips", "tag:vip"], False),
    (["search", "saved"], False),
    (["search", "-tag:vip"], False),
    (["search", "jane", "-n", "3"], False),
    (["search", "jane", "-f", "yaml"], False),
    (["search"], False),
    (["contact", "show"], False),
    (["contact", "show", "jane", "john"], False),
    (["history"], False),
    (["history", "jane", "--kind", "call"], False),
    (["history", "jane", "-f"], False),
    (["--db=", "search", "jane"], False),
    (["--version", "search", "jane"], False),
])
def test_which_lines_are_instant(argv, lean):
    assert (lean_command(argv) is not None) is lean


@pytest.fixture
def book(rolodex):
    for argv in (["add", "Jane Doe", "-e", "jane@acme.example", "-c", "Acme Ltd", "-t", "vip"],
                 ["add", "Zoë Müller", "-e", "zoe@example.org", "-c", "Acme Ltd"],
                 ["log", "jane", "call", "talked pricing"],
                 ["add", "Bob Roe", "-e", "bob@example.net", "-t", "vip"]):
        assert rolodex(argv).exit_code == 0
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Eve \x1b[31mRed\r\nN:Red;Eve;;;\r\n"
            "EMAIL:eve@acme.example\r\nORG:Acme Ltd\r\nEND:VCARD\r\n")
    assert rolodex(["import", "-", "--type", "vcard"], input=card).exit_code == 0


@pytest.mark.parametrize("lean,typer", [
    (["search", "acme"], ["search", "acme", "-n", "1000"]),
    (["search", "tag:vip", "-f", "json"], ["search", "tag:vip", "-f", "json", "-n", "1000"]),
    (["search", "acme", "-f", "csv"], ["search", "acme", "-f", "csv", "-n", "1000"]),
    (["contact", "show", "jane"], ["contact", "show", "--", "jane"]),
    (["company", "show", "acme", "-f", "json"], ["company", "show", "acme", "-f", "json",
                                                 "--"]),
    (["history", "jane", "-f", "jsonl"], ["history", "jane", "-f", "jsonl", "-n", "1000"]),
    (["history", "acme"], ["history", "--company", "acme"]),
])
def test_the_lean_forms_print_what_typer_prints(rolodex, book, lean, typer):
    fast, slow = rolodex(lean), rolodex(typer)
    assert (fast.exit_code, fast.stdout, fast.stderr) == (slow.exit_code, slow.stdout,
                                                          slow.stderr)


def test_errors_read_the_same(rolodex, book):
    for argv in (["contact", "show", "nobody"], ["company", "show", "nothing"],
                 ["contact", "show", "@none"], ["history", "zzz"]):
        result = rolodex(argv)
        assert result.exit_code in (3, 5) and result.stderr.startswith("rolodex: ")


@pytest.mark.parametrize("args", [["search", "jane"], ["contact", "show", "1"],
                                  ["history", "1"], ["company", "show", "1"]])
def test_instant_commands_import_neither_typer_nor_click(rolodex, book, isolated, args):
    probe = subprocess.run([sys.executable, "-X", "importtime", "-m", "rolodex", *args],
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "ROLODEX_DB": str(isolated)})
    assert probe.returncode == 0, probe.stderr[-300:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in
                probe.stderr.splitlines() if line.startswith("import time:")}
    assert "rolodex" in imported
    assert not {"typer", "click", "vobject", "icalendar", "sqlite_utils", "dateutil"} & imported
