"""Every file rolodex writes is replaced whole, through a temporary file and a rename, readable
by its owner only whether new or replaced, and a full disk is a clean error (#14, #20)."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
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
    target.chmod(0o644)
    inode = target.stat().st_ino
    result = book([arg.format(out=target) for arg in EXPORTS[name]])
    assert result.exit_code == 0, result.stderr
    assert target.stat().st_ino != inode, "a new file renamed over the old one"
    assert "old export" not in target.read_text() and target.read_text()
    assert [p.name for p in target.parent.iterdir()] == [target.name], "no temporary file left"
    # personal data: an export once readable by everyone is private once replaced (#20)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_vdir_file_is_replaced_by_a_rename(book, tmp_path):
    folder = tmp_path / "contacts"
    folder.mkdir()
    old = folder / "friendly-name.vcf"
    old.write_bytes((FIXTURES / "vdir" / "uid-under-a-foreign-name" /
                     "3f2a9c1e-davx5.vcf").read_bytes())
    old.chmod(0o644)
    inode = old.stat().st_ino
    assert book(["export", "-o", str(folder)]).exit_code == 0
    assert [p.name for p in folder.iterdir()] == [old.name]
    assert old.stat().st_ino != inode and "ORG:Acme Ltd" in old.read_text()
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


def _small_files_only() -> None:
    """In the child: writing past 64 KiB into any file fails (EFBIG) instead of killing."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


@pytest.mark.slow
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


def _full_book(rolodex) -> None:
    """Enough of everything that each output passes 64 KiB: 400 cards, 300 events
    tomorrow, and one person (Zoe) with 40 long history entries."""
    cards = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p-{n}\r\nFN:Jane Doe {n}\r\n"
                    f"NOTE:{'x' * 200}\r\nEND:VCARD\r\n" for n in range(400))
    assert rolodex(["import", "-"], input=cards).exit_code == 0
    events = "".join(f"BEGIN:VEVENT\r\nUID:e-{n}\r\nDTSTAMP:20261120T090000Z\r\n"
                     f"DTSTART:20261121T{10 + n % 8:02d}0000Z\r\nSUMMARY:Meeting {n}\r\n"
                     f"DESCRIPTION:{'y' * 200}\r\nEND:VEVENT\r\n" for n in range(300))
    calendar = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
                f"{events}END:VCALENDAR\r\n")
    result = rolodex(["import", "-"], input=calendar)
    assert result.exit_code == 0, result.stderr
    assert rolodex(["add", "Zoe Example"]).exit_code == 0
    for n in range(40):
        assert rolodex(["log", "Zoe Example", "note", f"{n} {'z' * 2000}"]).exit_code == 0


FULL_DISK = {
    "vcard": ["export", "--format", "vcard", "-o", "{out}/out.vcf"],
    "vdir": ["export", "--format", "vcard", "-o", "{out}/cards/"],
    "ical": ["export", "--format", "ical", "-o", "{out}/out.ics"],
    "csv": ["export", "--format", "csv", "-o", "{out}/out.csv"],
    "feed": ["calendar", "feed", "-o", "{out}/feed.ics"],
    "report": ["report", "contact", "Zoe Example", "-f", "md", "-o", "{out}/zoe.md"],
    "privacy": ["privacy", "export", "Zoe Example", "-o", "{out}/zoe.json"],
    "letter": ["merge-letter", "{out}/letter.txt", "Zoe Example", "-o", "{out}/letters"],
    "backup": ["backup", "{out}/copy.db"],
    "editor": ["contact", "edit", "Zoe Example", "--editor"],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FULL_DISK))
def test_a_full_disk_is_a_clean_error_for_every_output(rolodex, isolated, tmp_path, name):
    """ENOSPC (here EFBIG, the same path: a write that the system refuses) is exit 8 and
    one line naming the file, never exit 70, and leaves no file behind."""
    _full_book(rolodex)
    out = tmp_path / "out"
    out.mkdir()
    (out / "letter.txt").write_text("Dear {{ name }},\n" + "w" * 70_000 + "\n")
    # the editor's file holds the contact: a 70 KB note makes it pass the limit
    assert rolodex(["contact", "edit", "Zoe Example", "--note", "n" * 70_000]).exit_code == 0
    before = sorted(p.name for p in out.iterdir())
    result = subprocess.run(
        [sys.executable, "-m", "rolodex", *[a.format(out=out) for a in FULL_DISK[name]]],
        capture_output=True, text=True, preexec_fn=_small_files_only, cwd=tmp_path,
        env={**os.environ, "ROLODEX_DB": str(isolated), "EDITOR": "true"}, timeout=300)
    assert result.returncode == 8, result.stderr[-800:]
    assert result.stderr.startswith("rolodex: cannot write "), result.stderr
    assert "File too large" in result.stderr or "disk I/O error" in result.stderr  # SQLite's
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    left = [p for p in out.rglob("*") if p.name not in before and p.is_file()]
    assert left == [], "nothing half-written, no temporary file"



def _without_root_powers() -> list[str]:
    """A command prefix under which even root is refused a folder it may not write:
    setpriv drops the capability that lets root ignore permissions (util-linux)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "running the tests as root needs setpriv (util-linux) for this test"
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(set(FULL_DISK) - {"editor"}))
def test_a_folder_you_cannot_write_is_a_clean_error_for_every_output(rolodex, isolated,
                                                                     tmp_path, name):
    """EACCES is exit 8 and one line naming the file, never exit 70, and writes nothing."""
    _full_book(rolodex)
    locked = tmp_path / "out"
    locked.mkdir()
    (locked / "letter.txt").write_text("Dear {{ name }},\n")
    locked.chmod(0o555)
    try:
        result = subprocess.run(
            [*_without_root_powers(), sys.executable, "-m", "rolodex",
             *[a.format(out=locked) for a in FULL_DISK[name]]],
            capture_output=True, text=True, cwd=tmp_path, timeout=300,
            env={**os.environ, "ROLODEX_DB": str(isolated)})
        assert result.returncode == 8, result.stderr[-800:]
        assert result.stderr.startswith("rolodex: cannot "), result.stderr
        assert "Permission denied" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) <= 2 and "Traceback" not in result.stderr
        assert sorted(p.name for p in locked.iterdir()) == ["letter.txt"]
    finally:
        locked.chmod(0o755)


def _kill_once_temporaries_appear(argv: list[str], folder: Path, env: dict) -> None:
    """Start ``rolodex ARGV`` and kill -9 it as soon as a hidden temporary file is in
    ``folder``: the moment a crash or a killed cron job leaves them."""
    child = subprocess.Popen([sys.executable, "-m", "rolodex", *argv], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and child.poll() is None:
            if any(p.name.endswith(".tmp") for p in folder.iterdir()):
                break
            time.sleep(0.005)
    finally:
        child.kill()
        child.wait()


def _many_cards(rolodex, count: int) -> None:
    cards = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:k-{n}\r\nFN:Jane Doe {n}\r\n"
                    f"NOTE:{'x' * 100}\r\nEND:VCARD\r\n" for n in range(count))
    assert rolodex(["import", "-"], input=cards).exit_code == 0


@pytest.mark.slow
def test_a_killed_folder_export_leaves_no_empty_card_and_the_next_one_cleans_up(
        rolodex, isolated, tmp_path):
    _many_cards(rolodex, 3000)
    folder = tmp_path / "cards"
    folder.mkdir()
    env = {**os.environ, "ROLODEX_DB": str(isolated)}
    _kill_once_temporaries_appear(["export", "-o", f"{folder}/"], folder, env)
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")], "killed mid-way"
    assert not [p for p in folder.iterdir() if p.suffix == ".vcf" and p.stat().st_size == 0]
    assert rolodex(["export", "-o", f"{folder}/"]).exit_code == 0
    names = [p.name for p in folder.iterdir()]
    assert len(names) == 3000 and all(n.endswith(".vcf") and n[0] != "." for n in names)


@pytest.mark.slow
def test_a_killed_file_export_is_cleaned_up_by_the_next_one(rolodex, isolated, tmp_path):
    _many_cards(rolodex, 3000)
    target = tmp_path / "book.vcf"
    env = {**os.environ, "ROLODEX_DB": str(isolated)}
    _kill_once_temporaries_appear(["export", "-o", str(target)], tmp_path, env)
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".book.vcf.")], "killed"
    assert rolodex(["export", "-o", str(target)]).exit_code == 0
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert target.read_text().count("BEGIN:VCARD") == 3000


STDOUT = {
    "vcard": ["export"],
    "csv": ["export", "--format", "csv"],
    "ical": ["export", "--format", "ical"],
    "json": ["contact", "list", "-f", "json"],
    "backup": ["backup", "-"],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(STDOUT))
def test_stdout_on_a_full_disk_is_a_clean_error(rolodex, isolated, tmp_path, name):
    """``rolodex export > file`` on a full disk: one line and exit 8, never exit 70, and
    never exit 0 with the output cut short."""
    _full_book(rolodex)
    assert rolodex("backup").exit_code == 0  # made before: 'backup -' copies beside it
    with (tmp_path / "stdout.out").open("wb") as out:
        result = subprocess.run(
            [sys.executable, "-m", "rolodex", *STDOUT[name]], stdout=out, stderr=subprocess.PIPE,
            text=True, preexec_fn=_small_files_only, cwd=tmp_path, timeout=300,
            env={**os.environ, "ROLODEX_DB": str(isolated)})
    assert result.returncode == 8, result.stderr[-800:]
    assert result.stderr.startswith("rolodex: cannot write "), result.stderr
    assert "File too large" in result.stderr or "disk I/O error" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
