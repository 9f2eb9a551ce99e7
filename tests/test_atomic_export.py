"""Every file an export writes is replaced whole, through a temporary file and a rename (#14)."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
JANE = FIXTURES / "vdir" / "jane-doe-abc-123.vcf"
EVENT = FIXTURES / "vdir" / "pricing-review-evt-42.ics"

EXPORTS = {
    "vcard": ["export", "--format", "vcard", "-o", "{out}"],
    "ical": ["export", "--format", "ical", "-o", "{out}"],
    "csv": ["export", "--format", "csv", "-o", "{out}"],
    "feed": ["calendar", "feed", "-o", "{out}"],
    "report": ["report", "activity", "-f", "csv", "--section", "by_week", "-o", "{out}"],
    "privacy": ["privacy", "export", "jane", "-o", "{out}"],
}


@pytest.fixture
def book(rolodex):
    for source in (JANE, EVENT):
        result = rolodex(["import", str(source)])
        assert result.exit_code == 0, result.stderr
    return rolodex


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_an_existing_file_is_replaced_by_a_rename(book, tmp_path, name):
    target = tmp_path / "out" / f"export.{name}"
    target.parent.mkdir()
    target.write_text("the old export\n")
    target.chmod(0o640)
    inode = target.stat().st_ino
    result = book([arg.format(out=target) for arg in EXPORTS[name]])
    assert result.exit_code == 0, result.stderr
    assert target.stat().st_ino != inode, "a new file renamed over the old one"
    assert "old export" not in target.read_text() and target.read_text()
    assert [p.name for p in target.parent.iterdir()] == [target.name], "no temporary file left"
    # exports keep the mode the file had; reports and privacy exports were always made private
    expected = 0o600 if name in ("csv", "report", "privacy") else 0o640
    assert stat.S_IMODE(target.stat().st_mode) == expected


def test_a_vdir_file_is_replaced_by_a_rename(book, tmp_path):
    folder = tmp_path / "contacts"
    folder.mkdir()
    old = folder / "friendly-name.vcf"
    old.write_bytes((FIXTURES / "vdir" / "uid-under-a-foreign-name" /
                     "3f2a9c1e-davx5.vcf").read_bytes())
    inode = old.stat().st_ino
    assert book(["export", "-o", str(folder)]).exit_code == 0
    assert [p.name for p in folder.iterdir()] == [old.name]
    assert old.stat().st_ino != inode and "ORG:Acme Ltd" in old.read_text()


def _small_files_only() -> None:
    """In the child: writing past 64 KiB into any file fails (EFBIG) instead of killing."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


@pytest.mark.parametrize("fmt", ["vcard", "csv"])
def test_a_write_that_fails_half_way_leaves_the_old_file_whole(rolodex, isolated, tmp_path,
                                                               fmt):
    cards = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p-{n}\r\nFN:Jane Doe {n}\r\n"
                    f"NOTE:{'x' * 200}\r\nEND:VCARD\r\n" for n in range(400))
    assert rolodex(["import", "-"], input=cards).exit_code == 0
    target = tmp_path / "contacts.out"
    target.write_text("the old export\n")
    result = subprocess.run(
        [sys.executable, "-m", "rolodex", "export", "--format", fmt, "-o", str(target)],
        capture_output=True, text=True, env={**os.environ, "ROLODEX_DB": str(isolated)},
        preexec_fn=_small_files_only, cwd=tmp_path, timeout=120)
    assert result.returncode == 8, result.stderr[-800:]
    assert result.stderr.startswith(f"rolodex: cannot write {target}: File too large")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert target.read_text() == "the old export\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
