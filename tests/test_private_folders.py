"""Folders rolodex creates are private all the way down, and a file that is not rolodex's
is refused before anything is written to it."""

from __future__ import annotations

import hashlib
import shutil
import stat
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "hostile"


pytestmark = pytest.mark.usefixtures("permissive_umask")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_parent_folder_made_for_the_database_is_private(rolodex, tmp_path):
    db = tmp_path / "new" / "nested" / "rolodex.db"
    result = rolodex(["--db", str(db), "add", "Jane Doe"])
    assert result.exit_code == 0, result.stderr
    assert mode(tmp_path / "new") == 0o700
    assert mode(tmp_path / "new" / "nested") == 0o700
    assert mode(db) == 0o600


def test_the_default_data_folder_and_its_missing_parents_are_private(rolodex, tmp_path,
                                                                     monkeypatch):
    monkeypatch.delenv("ROLODEX_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    assert rolodex("add 'Jane Doe'").exit_code == 0
    for folder in ("home", "home/.local", "home/.local/share", "home/.local/share/rolodex"):
        assert mode(tmp_path / folder) == 0o700, folder


def test_export_folders_and_their_parents_are_private(rolodex, tmp_path):
    rolodex("add 'Jane Doe' --birthday 1985-04-15")
    (tmp_path / "letter.md").write_text("Dear {{ first_name }},\n")
    for argv, top in ((f"export -o {tmp_path}/cards/2026/", "cards"),
                      (f"export --format ical -o {tmp_path}/cal/2026/", "cal"),
                      (f"merge-letter {tmp_path}/letter.md jane -o {tmp_path}/letters/2026",
                       "letters")):
        result = rolodex(argv)
        assert result.exit_code == 0, (argv, result.stderr)
        assert mode(tmp_path / top) == 0o700, argv
        assert mode(tmp_path / top / "2026") == 0o700, argv


def test_a_foreign_sqlite_file_is_refused_and_left_byte_for_byte(rolodex, tmp_path):
    foreign = tmp_path / "app.sqlite"
    shutil.copyfile(FIXTURES / "foreign-app.sqlite", foreign)
    before = hashlib.sha256(foreign.read_bytes()).hexdigest()
    for argv in (["--db", str(foreign), "contact", "list"],
                 ["--db", str(foreign), "add", "Jane Doe"]):
        result = rolodex(argv)
        assert result.exit_code == 6, result.stderr
        assert "not a rolodex database" in result.stderr
        assert "internal error" not in result.stderr
    assert hashlib.sha256(foreign.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("app")) == [
        "app.sqlite"]  # no -wal or -shm beside it


def test_an_empty_file_is_initialised_as_a_new_database(rolodex, tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    result = rolodex(["--db", str(empty), "add", "Jane Doe"])
    assert result.exit_code == 0, result.stderr
    assert rolodex(["--db", str(empty), "contact", "list", "-f", "json"]).json()[0][
        "name"] == "Jane Doe"
