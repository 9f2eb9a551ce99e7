"""Numbers past what rolodex or SQLite hold, and a database whose file or folder is
read-only: each is a clear one-line error with its documented exit code, never exit 70
("this is a bug"), and reads keep working where nothing needs writing."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HUGE_ID = "99999999999999999999999"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


def one_line_error(result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.stderr)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert len(first) < 200, first
    return result.stderr


@pytest.mark.parametrize("amount", ["1e999", (HOSTILE / "amount-5000-digits.txt")])
def test_deal_add_with_an_amount_too_large_is_invalid_input(rolodex, amount):
    text = amount.read_text().strip() if isinstance(amount, Path) else amount
    stderr = one_line_error(rolodex(["deal", "add", "Website", "--amount", text]), 5)
    assert "amount too large" in stderr and "at most 999,999,999,999,999" in stderr
    assert rolodex("deal list -f json").json() == []


def test_the_largest_amount_is_kept_exactly(rolodex):
    assert rolodex("deal add Website --amount 999999999999999.999999").exit_code == 0
    assert rolodex("deal show 1 -f json").json()["amount"] == "999999999999999.999999"


@pytest.mark.parametrize("argv", [["contact", "show", f"#{HUGE_ID}"],
                                  ["contact", "rm", HUGE_ID, "--yes"],
                                  ["company", "show", f"#{HUGE_ID}"],
                                  ["task", "done", HUGE_ID],
                                  ["changes", f"#{HUGE_ID}"],
                                  ["privacy", "forget", f"#{HUGE_ID}", "--yes"]])
def test_an_id_past_sqlites_integers_names_nothing(rolodex, argv):
    rolodex("add 'Jane Doe'")
    stderr = one_line_error(rolodex(argv), 3)
    assert "date" not in stderr


@pytest.mark.parametrize("argv", [["deal", "show", HUGE_ID], ["contact", "list", "-n", HUGE_ID]])
def test_another_number_past_sqlites_integers_is_invalid_input(rolodex, argv):
    stderr = one_line_error(rolodex(argv), 5)
    assert "number is too large" in stderr and "date" not in stderr


@pytest.mark.parametrize("argv,code", [(["contact", "show", "#²"], 3), (["task", "done", "²"], 5)])
def test_a_superscript_digit_is_not_an_id(rolodex, argv, code):
    rolodex("add 'Jane Doe'")
    one_line_error(rolodex(argv), code)


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """No process may write ``path`` (a file, or a folder: no new file in it). Root ignores
    permission bits, so for root the file is made immutable instead."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"root cannot make {path} read-only here: {made.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_database_file_reads_and_says_why_it_cannot_write(rolodex, isolated):
    rolodex("add 'Jane Doe' -e jane@acme.example")
    with read_only(isolated):
        checked = rolodex("doctor -f json")
        listed = rolodex("contact list -f ids")
        refused = rolodex("add 'Bob Poe'")
    assert checked.exit_code == 0, checked.stdout
    assert {r["status"] for r in checked.json()} == {"ok"}
    assert listed.stdout == "1\n"
    stderr = one_line_error(refused, 6)
    assert f"database {isolated} is read-only" in stderr


def test_a_read_only_folder_reads_and_says_why_it_cannot_write(rolodex, isolated):
    rolodex("add 'Jane Doe' -e jane@acme.example")
    with read_only(isolated.parent):
        listed = rolodex("contact list -f ids")
        found = rolodex("search jane -f ids")
        checked = rolodex("doctor -f json")
        refused = rolodex("contact edit jane --title CEO")
    assert (listed.exit_code, listed.stdout) == (0, "1\n"), listed.stderr
    assert (found.exit_code, found.stdout) == (0, "1\n"), found.stderr
    assert checked.exit_code == 0 and {r["status"] for r in checked.json()} == {"ok"}
    stderr = one_line_error(refused, 6)
    assert f"database folder {isolated.parent} is read-only" in stderr
    assert "folder's permissions" in stderr
    assert rolodex("contact show jane -f json").json()["title"] is None
