"""``rolodex merge-letter``: rendering, selection, checks before writing, files and --log."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

TEMPLATE = """\
Dear {{ prefix | }}{{first_name | friend}},
{{ company | (no company) }}
{{ address | (no address) }}
Email: {{ email }}; tags: {{ tags | none }}; VAT {{ field.vat | n/a }}
Last: {{ last_interaction.kind | never }} on {{ last_interaction.date | - }} \
({{ last_interaction.days_ago | ? }} days ago): {{ last_interaction.text }}
Today is {{ today }}. Literal: {{{{ name }}
"""
JANE = """\
Dear Jane,
Acme Ltd
Main St 1
10115 Berlin
Germany
Email: jane@acme.example; tags: customer, vip; VAT DE123
Last: call on 2026-11-10 (10 days ago): talked pricing
Today is 2026-11-20. Literal: {{ name }}
"""
BOB = (
    "Dear Bob,\n"
    "(no company)\n"
    "(no address)\n"
    "Email: ; tags: vip; VAT n/a\n"
    "Last: never on - (? days ago): \n"  # an empty value without a fallback
    "Today is 2026-11-20. Literal: {{ name }}\n"
)


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def add(rolodex, *args: str) -> int:
    return int(ok(rolodex(["add", *args])).stdout)


@pytest.fixture
def book(rolodex, tmp_path) -> dict[str, int]:
    people = {
        "jane": add(rolodex, "Jane Doe", "-e", "jane@acme.example", "-c", "Acme Ltd",
                    "-t", "vip", "-t", "customer", "--field", "vat=DE123",
                    "--address", "Main St 1; Berlin; ; 10115; Germany"),
        "bob": add(rolodex, "Bob Stone", "-t", "vip"),
        "ann": add(rolodex, "Ann Other", "-t", "customer"),
    }
    ok(rolodex("log jane call 'talked pricing' --at '2026-11-10 10:00'"))
    (tmp_path / "letter.md").write_text(TEMPLATE)
    return people


def files(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir())}


# --- rendering -------------------------------------------------------------------------


def test_letters_to_stdout_with_a_form_feed_line_between(rolodex, book, tmp_path):
    result = ok(rolodex(["merge-letter", str(tmp_path / "letter.md"), "--tag", "vip"]))
    assert result.stdout == JANE + "\f\n" + BOB
    assert result.stdout.split("\f\n") == [JANE, BOB]
    assert "wrote 2 letter(s)" in result.stderr


def test_template_from_stdin_and_refs(rolodex, book):
    result = ok(rolodex(["merge-letter", "-", "bob", "jane"],
                        input="Hi {{ nickname | there }}, {{ name }}!"))
    assert result.stdout == "Hi there, Jane Doe!\n\f\nHi there, Bob Stone!\n"


def test_custom_field_missing_for_one_contact_is_empty(rolodex, book):
    result = ok(rolodex(["merge-letter", "-", "jane", "bob"], input="[{{ field.vat }}]"))
    assert result.stdout == "[DE123]\n\f\n[]\n"


def test_several_letters_each_once_sorted_by_name(rolodex, book):
    ok(rolodex("search save vips tag:vip"))
    result = ok(rolodex(["merge-letter", "-", "@vips", "jane", "--tag", "customer"],
                        input="{{ id }}"))
    assert result.stdout.split("\f\n") == [f"{book['jane']}\n", f"{book['ann']}\n",
                                           f"{book['bob']}\n"]  # Doe, Other, Stone


# --- errors, before anything is written ------------------------------------------------


def test_unknown_field_fails_with_its_line_and_writes_nothing(rolodex, book, tmp_path):
    template = tmp_path / "letter.md"
    template.write_text("Hello,\n\nDear {{ frist_name }},\n")
    out = tmp_path / "out"
    result = rolodex(["merge-letter", str(template), "--tag", "vip", "-o", str(out), "--log"])
    assert result.exit_code == 5
    assert result.stderr == (f"rolodex: {template}:3: unknown field 'frist_name' "
                             "(did you mean first_name?)\n")
    assert not out.exists()
    assert ok(rolodex("history -f json")).json()[0]["kind"] == "call"  # nothing logged


@pytest.mark.parametrize(("text", "error"), [
    ("{{ field.vta }}", "-:1: unknown field 'field.vta' (did you mean field.vat?)"),
    ("x\n{{ zzz }}", "-:2: unknown field 'zzz' ('rolodex merge-letter --help' lists"),
    ("a\nb {{ name\n}}", "-:2: unterminated '{{'"),
    ("{{ | x }}", "-:1: empty placeholder"),
])
def test_template_errors(rolodex, book, text, error):
    result = rolodex(["merge-letter", "-", "jane"], input=text)
    assert result.exit_code == 5
    assert result.stderr.startswith(f"rolodex: {error}".replace("-:", "stdin:"))
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


def test_unreadable_template_is_a_file_error(rolodex, book, tmp_path):
    result = rolodex(["merge-letter", str(tmp_path / "missing.md"), "jane"])
    assert result.exit_code == 8
    assert "cannot read" in result.stderr and "missing.md" in result.stderr
    (tmp_path / "latin1.txt").write_bytes("Gr\xfc\xdfe {{ name }}".encode("latin-1"))
    assert rolodex(["merge-letter", str(tmp_path / "latin1.txt"), "jane"]).exit_code == 8


def test_contacts_are_required(rolodex, book, tmp_path):
    result = rolodex(["merge-letter", str(tmp_path / "letter.md")])
    assert result.exit_code == 5
    assert "--tag" in result.stderr
    assert rolodex(["merge-letter", str(tmp_path / "letter.md"), "-t", "nobody"]).exit_code == 3
    assert rolodex(["merge-letter", str(tmp_path / "letter.md"), "nobody"]).exit_code == 3
    assert rolodex(["merge-letter", "-", "-"], input="x").exit_code == 5


# --- -o DIR ----------------------------------------------------------------------------


def test_files_are_private_and_named_safely(rolodex, book, tmp_path):
    evil = add(rolodex, "../../etc/passwd", "-t", "odd")
    zoe = add(rolodex, "Zoë/Müller", "-t", "odd")
    dots = add(rolodex, "...", "-t", "odd")
    long = add(rolodex, "Wolfeschlegelsteinhausenbergerdorff " * 4, "-t", "odd")
    out = tmp_path / "letters" / "november"
    result = ok(rolodex(["merge-letter", str(tmp_path / "letter.md"), "-t", "odd", "-t", "odd",
                         "-o", str(out)]))
    assert f"wrote 4 letter(s) to {out}" in result.stderr
    assert result.stdout == ""
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"{evil}-etc-passwd.md", f"{zoe}-zoe-muller.md", f"{dots}.md",
                            f"{long}-" + ("wolfeschlegelsteinhausenbergerdorff-" * 2)[:60]
                            .rstrip("-") + ".md"])
    assert all(len(n) < 80 for n in names)
    assert not (tmp_path / "etc").exists()
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text().endswith("Today is 2026-11-20. Literal: {{ name }}\n")


def test_extension_follows_the_template(rolodex, book, tmp_path):
    (tmp_path / "mail.eml").write_text("To: {{ email }}\n")
    ok(rolodex(["merge-letter", str(tmp_path / "mail.eml"), "jane", "-o", str(tmp_path / "a")]))
    assert files(tmp_path / "a") == {f"{book['jane']}-jane-doe.eml": "To: jane@acme.example\n"}
    ok(rolodex(["merge-letter", "-", "jane", "-o", str(tmp_path / "b")], input="x"))
    assert list(files(tmp_path / "b")) == [f"{book['jane']}-jane-doe.txt"]


def test_existing_files_need_force(rolodex, book, tmp_path):
    out = tmp_path / "out"
    out.mkdir(mode=0o755)
    jane_file = out / f"{book['jane']}-jane-doe.md"
    jane_file.write_text("my edited draft")
    jane_file.chmod(0o644)
    template = str(tmp_path / "letter.md")
    refused = rolodex(["merge-letter", template, "--tag", "vip", "-o", str(out)])
    assert refused.exit_code == 8
    assert str(jane_file) in refused.stderr and "--force" in refused.stderr
    assert files(out) == {jane_file.name: "my edited draft"}  # Bob's was not written either

    ok(rolodex(["merge-letter", template, "--tag", "vip", "-o", str(out), "--force"]))
    assert files(out) == {jane_file.name: JANE, f"{book['bob']}-bob-stone.md": BOB}
    assert stat.S_IMODE(jane_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o755  # an existing folder is left as it is


def test_output_that_is_a_file(rolodex, book, tmp_path):
    (tmp_path / "plain").write_text("x")
    result = rolodex(["merge-letter", str(tmp_path / "letter.md"), "jane", "-o",
                      str(tmp_path / "plain")])
    assert result.exit_code == 8


# --- --log -----------------------------------------------------------------------------


def test_log_records_a_letter_for_each_contact_in_one_operation(rolodex, book, tmp_path,
                                                                isolated):
    result = ok(rolodex(["merge-letter", str(tmp_path / "letter.md"), "--tag", "vip", "--log",
                         "-o", str(tmp_path / "out")]))
    assert "logged in history" in result.stderr
    letters = ok(rolodex("history --kind letter -f json")).json()
    assert sorted(c["id"] for e in letters for c in e["contacts"]) == sorted(
        [book["jane"], book["bob"]])
    assert {e["text"] for e in letters} == {"Letter from letter.md"}
    assert {e["at"] for e in letters} == {"2026-11-20T09:00:00Z"}
    with sqlite3.connect(isolated) as conn:
        ops = conn.execute("SELECT DISTINCT operation_id FROM changes WHERE table_name ="
                           " 'interactions' AND after LIKE '%\"letter\"%'").fetchall()
    assert len(ops) == 1
    # the next run sees the letter as the latest interaction
    again = ok(rolodex(["merge-letter", "-", "jane"], input="{{ last_interaction.kind }}"))
    assert again.stdout == "letter\n"


def test_log_works_when_letter_is_not_a_configured_kind(rolodex, book):
    ok(rolodex(["config", "set", "history.kinds", "call,email"]))
    ok(rolodex(["merge-letter", "-", "jane", "--log"], input="x"))
    assert ok(rolodex("history --kind letter -f json")).json()[0]["kind"] == "letter"


# --- the installed program -------------------------------------------------------------


@pytest.mark.slow
def test_installed_script(tmp_path):
    found = shutil.which("rolodex") or str(Path(sys.executable).parent / "rolodex")
    assert Path(found).exists(), "the rolodex console script is not installed"
    env = {**os.environ, "ROLODEX_DB": str(tmp_path / "sub.db"), "ROLODEX_USER": "tester",
           "ROLODEX_NOW": "2026-11-20T09:00:00Z", "ROLODEX_TZ": "Europe/Berlin",
           "NO_COLOR": "1"}

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([found, *args], input=input, capture_output=True, text=True,
                              env=env, timeout=60)

    assert run("add", "Dr. Zoë Müller", "-t", "vip").returncode == 0
    assert run("add", "José Álvarez", "-t", "vip").returncode == 0
    result = run("merge-letter", "-", "--tag", "vip",
                 input="{{ prefix | Hello }} {{ last_name }}, {{ today }}\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello Álvarez, 2026-11-20\n\f\nDr. Müller, 2026-11-20\n"
    bad = run("merge-letter", "-", "--tag", "vip", "-o", str(tmp_path / "out"),
              input="{{ nmae }}")
    assert bad.returncode == 5
    assert bad.stderr == "rolodex: stdin:1: unknown field 'nmae' (did you mean name?)\n"
    assert not (tmp_path / "out").exists()


def test_a_symlink_planted_among_the_letters_is_replaced_not_written_through(rolodex,
                                                                             tmp_path):
    """Written through the atomic helper (#20), a letter still swaps a link in its folder
    for the letter instead of writing into the file the link names."""
    assert rolodex(["add", "Jane Doe"]).exit_code == 0
    template = tmp_path / "offer.txt"
    template.write_text("Dear {{ name }},\n")
    folder = tmp_path / "letters"
    assert rolodex(["merge-letter", str(template), "Jane Doe", "-o", str(folder)]).exit_code == 0
    [letter] = folder.iterdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("not yours\n")
    letter.unlink()
    letter.symlink_to(victim)
    result = rolodex(["merge-letter", str(template), "Jane Doe", "-o", str(folder), "--force"])
    assert result.exit_code == 0, result.stderr
    assert not letter.is_symlink() and letter.read_text() == "Dear Jane Doe,\n"
    assert victim.read_text() == "not yours\n"
    assert oct(letter.stat().st_mode & 0o777) == "0o600"
