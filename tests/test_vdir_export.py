"""Exporting into a vdir folder that already holds records: by UID, not by file name (#14)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "vdir"
JANE = FIXTURES / "jane-doe-abc-123.vcf"
EVENT = FIXTURES / "pricing-review-evt-42.ics"


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def folder_from(fixture: str, tmp_path: Path) -> Path:
    """A copy of a fixture folder to export into."""
    return Path(shutil.copytree(FIXTURES / fixture, tmp_path / fixture))


def holding(folder: Path, uid: str) -> list[str]:
    """The names of the files in ``folder`` whose text has the line ``UID:<uid>``."""
    return sorted(p.name for p in folder.iterdir() if p.is_file()
                  and f"UID:{uid}" in p.read_text().replace("\n ", "").splitlines())


def test_a_card_is_written_into_the_file_that_holds_its_uid(rolodex, tmp_path):
    ok(rolodex(["import", str(JANE)]))
    folder = folder_from("uid-under-a-foreign-name", tmp_path)
    ok(rolodex(["export", "--format", "vcard", "-o", f"{folder}/"]))
    assert sorted(p.name for p in folder.iterdir()) == ["3f2a9c1e-davx5.vcf"]
    text = (folder / "3f2a9c1e-davx5.vcf").read_text()
    assert "ORG:Acme Ltd" in text and "TEL;TYPE=CELL:+1 555 010 0100" in text


def test_a_second_file_of_one_uid_is_removed(rolodex, tmp_path):
    ok(rolodex(["import", str(JANE)]))
    folder = folder_from("uid-in-two-files", tmp_path)
    ok(rolodex(["export", "-o", str(folder)]))
    assert holding(folder, "abc-123") == ["Jane Doe.vcf"]
    assert "ORG:Acme Ltd" in (folder / "Jane Doe.vcf").read_text()


def test_files_that_are_not_single_records_are_left_alone(rolodex, tmp_path):
    ok(rolodex(["import", str(JANE)]))
    folder = folder_from("not-single-records", tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    ok(rolodex(["export", "-o", str(folder)]))
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert {name: after[name] for name in before} == before
    # abc-123.vcf is John Roe's card under that name: Jane's goes beside it
    assert sorted(set(after) - set(before)) == ["abc-123-2.vcf"]
    assert "ORG:Acme Ltd" in after["abc-123-2.vcf"].decode()


def test_an_unchanged_file_is_not_rewritten(rolodex, tmp_path):
    ok(rolodex(["import", str(JANE)]))
    folder = tmp_path / "contacts"
    ok(rolodex(["export", "-o", f"{folder}/"]))
    [path] = folder.iterdir()
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    inode = path.stat().st_ino
    ok(rolodex(["export", "-o", f"{folder}/"]))
    assert [p.name for p in folder.iterdir()] == [path.name]
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == (1_000_000_000_000_000_000, inode)


def test_an_event_is_written_into_the_file_that_holds_its_uid(rolodex, tmp_path):
    """The UID is found folded, and past an alarm's own UID (RFC 9074)."""
    ok(rolodex(["import", str(EVENT)]))
    folder = folder_from("event-under-a-foreign-name", tmp_path)
    ok(rolodex(["export", "--format", "ical", "--what", "events", "-o", str(folder)]))
    assert [p.name for p in folder.iterdir()] == ["6D1E0A2B-nextcloud.ics"]
    text = (folder / "6D1E0A2B-nextcloud.ics").read_bytes()
    assert b"PRODID:-//rolodex//rolodex//EN" in text and b"SUMMARY:Pricing review\r\n" in text


def test_links_and_fifos_in_the_folder_are_never_read_or_written(rolodex, tmp_path):
    ok(rolodex(["import", str(JANE)]))
    outside = tmp_path / "outside.vcf"
    shutil.copy(FIXTURES / "uid-under-a-foreign-name" / "3f2a9c1e-davx5.vcf", outside)
    folder = tmp_path / "contacts"
    folder.mkdir()
    (folder / "abc-123.vcf").symlink_to(outside)
    os.mkfifo(folder / "pipe.vcf")  # opening it to read would wait for a writer forever
    ok(rolodex(["export", "-o", str(folder)]))
    assert outside.read_bytes() == (FIXTURES / "uid-under-a-foreign-name" /
                                    "3f2a9c1e-davx5.vcf").read_bytes()
    assert (folder / "abc-123.vcf").is_symlink()
    assert "ORG:Acme Ltd" in (folder / "abc-123-2.vcf").read_text()


@pytest.mark.parametrize("suffix", ["vcf", "ics"])
def test_a_file_too_big_to_scan_is_left_alone(rolodex, tmp_path, monkeypatch, suffix):
    from rolodex.sync import vdir

    monkeypatch.setattr(vdir, "MAX_SCAN", 64)
    source = JANE if suffix == "vcf" else EVENT
    ok(rolodex(["import", str(source)]))
    folder = tmp_path / "out"
    folder.mkdir()
    big = folder / f"big.{suffix}"
    shutil.copy(source, big)
    ok(rolodex(["export", "--format", "ical" if suffix == "ics" else "vcard", "-o",
                str(folder)]))
    assert big.read_bytes() == source.read_bytes()
    assert len(list(folder.iterdir())) == 2


def test_uids_are_found_by_their_lines_not_by_a_parse():
    from rolodex.sync.vdir import CALENDAR_KINDS, CARD_KINDS, record_uids

    card = (b"begin:vcard\r\nitem1.uid;VALUE=text:abc-\r\n 123\r\nNOTE:UID:not-this\r\n"
            b"END:VCARD\r\n")
    assert record_uids(card, CARD_KINDS) == {b"abc-123"}
    event = (FIXTURES / "event-under-a-foreign-name" / "6D1E0A2B-nextcloud.ics").read_bytes()
    assert record_uids(event, CALENDAR_KINDS) == {b"evt-42@acme.example"}
    assert record_uids(event, CARD_KINDS) == set()
    assert record_uids(b"UID:x\r\n" + b"BEGIN:VCARD\r\n" * 10_000, CARD_KINDS) == set()
