"""``merge-letter`` templates are parsed in linear time and read no further than their
size limit: a template is input from anywhere (a mail attachment, a shared folder).

The big templates are made by the tests rather than stored: a megabyte of blanks is no
fixture worth keeping in the repository.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rolodex.formats.letter import MAX_TEMPLATE_BYTES

ROLODEX = shutil.which("rolodex") or str(Path(sys.executable).with_name("rolodex"))


@pytest.mark.slow
def test_a_template_of_150000_blanks_on_one_line_renders_in_linear_time(rolodex, tmp_path):
    rolodex("add 'Jane Doe'")
    template = tmp_path / "blanks.txt"
    template.write_text("{{id}}" * 150_000)  # 900 kB, under the limit
    started = time.monotonic()
    result = rolodex(f"merge-letter {template} jane")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1" * 150_000 + "\n"
    assert elapsed < 10, f"{elapsed:.1f} s: quadratic parsing took 25 s or more"


def test_line_numbers_stay_right_after_many_blanks(rolodex, tmp_path):
    rolodex("add 'Jane Doe'")
    template = tmp_path / "late-typo.md"
    template.write_text("{{ name }} {{ id }}\n" * 5000 + "Dear {{ frist_name }},\n")
    result = rolodex(f"merge-letter {template} jane")
    assert result.exit_code == 5
    assert f"{template}:5001: unknown field 'frist_name'" in result.stderr


def test_a_template_over_the_limit_is_refused_naming_the_limit(rolodex, tmp_path):
    rolodex("add 'Jane Doe'")
    template = tmp_path / "huge.txt"
    template.write_text("x" * MAX_TEMPLATE_BYTES + "{{ name }}")
    result = rolodex(f"merge-letter {template} jane")
    assert result.exit_code == 8
    assert result.stderr == (f"rolodex: {template} is larger than 1 MiB, the limit for a "
                             "merge-letter template\n")
    assert result.stdout == ""


def test_a_template_over_the_limit_on_stdin_is_refused(rolodex):
    rolodex("add 'Jane Doe'")
    result = rolodex("merge-letter - jane", input="{{ name }}" * (MAX_TEMPLATE_BYTES // 8))
    assert result.exit_code == 8
    assert "stdin is larger than 1 MiB" in result.stderr


def _limit_memory():
    """At most 1 GiB of address space: before the limit, /dev/zero grew to 4.9 GB."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.slow
def test_dev_zero_as_a_template_stops_at_the_limit(rolodex, isolated):
    rolodex("add 'Jane Doe'")
    done = subprocess.run([ROLODEX, "--db", str(isolated), "merge-letter", "/dev/zero", "jane"],
                          capture_output=True, text=True, timeout=60,
                          preexec_fn=_limit_memory)
    assert done.returncode == 8, done.stderr
    assert done.stderr == ("rolodex: /dev/zero is larger than 1 MiB, the limit for a "
                           "merge-letter template\n")
