"""A received mail cannot exhaust rolodex: sizes capped before parsing, parsing linear (#20).

The big cases run the installed command in a child process with an address-space limit,
so a regression fails the test instead of the machine, and read the child's own peak
memory (``os.wait4``). A small launcher process starts the child: on Linux a child forked
straight from pytest counts pytest's resident pages in its peak, which then measured pytest.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
MEMORY_CAP = 2 * 1024 ** 3  # the child's address space: a regression fails, not the machine


# argv: the address-space cap, then rolodex's arguments; prints "exit-code peak-KiB".
LAUNCHER = """
import os, resource, sys
cap = int(sys.argv[1])
pid = os.fork()
if pid == 0:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.execv(sys.executable, [sys.executable, "-m", "rolodex", *sys.argv[2:]])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def run_with_message(path: Path, command: str = "add-from-mail") -> tuple[int, str, int]:
    """(exit code, stderr, peak resident KiB) of ``rolodex COMMAND < path`` in a child."""
    err = path.with_suffix(".stderr")
    with path.open("rb") as stdin, err.open("wb") as stderr:
        launched = subprocess.run([sys.executable, "-c", LAUNCHER, str(MEMORY_CAP), command],
                                  stdin=stdin, stdout=subprocess.PIPE, stderr=stderr,
                                  env=os.environ.copy(), check=True)
    code, peak = map(int, launched.stdout.split())
    return code, err.read_text(errors="replace"), peak


def encoded_words_from(tmp_path: Path, count: int) -> Path:
    path = tmp_path / f"from-{count}-encoded-words.eml"
    words = " ".join("=?utf-8?q?Jane?=" for _ in range(count))
    path.write_text(f"From: {words} <jane@acme.example>\nTo: me@example.org\n"
                    "Subject: hello\n\nHi\n")
    return path


@pytest.mark.slow
def test_a_from_of_20000_encoded_words_is_refused_by_its_size(tmp_path):
    code, stderr, peak = run_with_message(encoded_words_from(tmp_path, 20_000))
    assert code == 8, stderr[-500:]
    assert stderr == ("rolodex: the message's From header is larger than the limit of "
                      "64 KiB\n")
    assert peak < 150 * 1024


@pytest.mark.slow
def test_encoded_words_just_under_the_limit_are_decoded_in_little_memory(rolodex, tmp_path):
    """3,800 encoded-words (64 KiB): the standard parser needed about 300 MB for them."""
    code, stderr, peak = run_with_message(encoded_words_from(tmp_path, 3_800))
    assert code == 0, stderr[-500:]
    assert peak < 150 * 1024, f"peak {peak // 1024} MiB"
    [person] = rolodex("contact list -f json").json()
    assert person["name"] == "Jane" * 3_800


@pytest.mark.parametrize("field", ["To", "Cc", "Subject", "Message-ID", "Date"])
def test_any_header_rolodex_reads_is_capped(rolodex, field):
    value = "x" * (64 * 1024 + 1)
    message = f"From: jane@acme.example\n{field}: {value}\n\nHi\n"
    result = rolodex("log-mail", input=message)
    assert result.exit_code == 8
    assert result.stderr == (f"rolodex: the message's {field} header is larger than the "
                             "limit of 64 KiB\n")


def test_a_header_section_over_its_limit_is_refused(rolodex):
    junk = "".join(f"X-Junk-{n}: {'y' * 1000}\n" for n in range(1100))
    result = rolodex("add-from-mail", input=f"From: jane@acme.example\n{junk}\nHi\n")
    assert result.exit_code == 8
    assert result.stderr == ("rolodex: the message's header is larger than the limit of "
                             "1 MiB\n")


@pytest.mark.slow
def test_a_50_mb_body_is_counted_not_kept(rolodex, tmp_path):
    """A 50 MB body cost 571 MB: only the header section is kept, the body is drained."""
    path = tmp_path / "big-body.eml"
    with path.open("wb") as out:
        out.write(b"From: Jane Doe <jane@acme.example>\nSubject: photos\n\n")
        out.write((b"x" * 999 + b"\n") * 50_000)
    code, stderr, peak = run_with_message(path)
    assert code == 0, stderr[-500:]
    assert peak < 150 * 1024, f"peak {peak // 1024} MiB"
    assert [p["name"] for p in rolodex("contact list -f json").json()] == ["Jane Doe"]


@pytest.mark.slow
def test_a_message_over_64_mib_is_refused_without_reading_on(tmp_path):
    path = tmp_path / "too-big.eml"
    with path.open("wb") as out:  # a sparse file: 65 MiB that cost no disk
        out.write(b"From: Jane Doe <jane@acme.example>\nSubject: huge\n\n")
        out.truncate(65 * 1024 * 1024)
    code, stderr, peak = run_with_message(path, "log-mail")
    assert code == 8, stderr[-500:]
    assert stderr == "rolodex: the message is larger than the limit of 64 MiB\n"
    assert peak < 150 * 1024


@pytest.mark.parametrize(("fixture", "field"), [("mail-nested-comments.eml", "From"),
                                                ("mail-nested-groups.eml", "To")])
def test_deep_nesting_is_named_not_a_recursion_error(rolodex, fixture, field):
    message = (HOSTILE / fixture).read_text()
    for command in ("add-from-mail --all", "log-mail"):
        result = rolodex(command, input=message)
        assert result.exit_code == 8, result.stderr
        assert result.stderr.startswith(
            f"rolodex: the {field} header is too deeply nested to read")
        assert len(result.stderr.splitlines()) == 1 and "recursion" not in result.stderr


def test_an_encoded_address_in_a_name_is_no_address(rolodex):
    """Names are decoded after the address list is split: an encoded "<...>," in a
    display name cannot make the message look as if it came from someone else."""
    message = (HOSTILE / "mail-encoded-address-in-name.eml").read_text()
    result = rolodex("add-from-mail", input=message)
    assert result.exit_code == 0, result.stderr
    [person] = rolodex("contact list -f json").json()
    assert person["email"] == "mallory@evil.example"
    assert person["name"] == "Jane Doe <jane@acme.example>,"


def test_a_date_past_9999_in_utc_is_no_date_not_an_error(rolodex):
    """A sender's clock is not the user's typing: the mail is logged now, not refused."""
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example"])
    result = rolodex("log-mail", input=(HOSTILE / "mail-date-past-9999-in-utc.eml").read_text())
    assert result.exit_code == 0, result.stderr
    [entry] = rolodex("history -f json").json()
    assert (entry["text"], entry["at"]) == ("from the far future", "2026-11-20T09:00:00Z")


def test_an_address_with_a_control_character_is_no_address(rolodex):
    message = (HOSTILE / "mail-control-characters-in-addresses.eml").read_text()
    result = rolodex("add-from-mail --all", input=message)
    assert result.exit_code == 0, result.stderr
    assert [p["email"] for p in rolodex("contact list -f json").json()] == ["bob@acme.example"]
