"""Files rolodex creates are private, names made from data stay where they belong, the editor's
temporary file is private and removed, and hostile text is data, never SQL."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

HOSTILE = ["Robert'); DROP TABLE contacts;--", '"; DELETE FROM tags; --', "../../etc/passwd",
           "NEAR(a b)", "*", 'tag:"x\' OR 1=1"', "%_\\", "\x00nul"]


pytestmark = pytest.mark.usefixtures("permissive_umask")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.fresh_db
def test_every_file_rolodex_writes_is_readable_by_its_owner_only(rolodex, isolated, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    rolodex("add 'Jane Doe' -e jane@acme.example -t vip --birthday 1985-04-15")
    rolodex("log jane call 'talked pricing' --next 'in 2 weeks'")
    (tmp_path / "letter.md").write_text("Dear {{ first_name }},\n")
    for argv in (
        f"export -o {out}/all.vcf",
        f"export --format csv -o {out}/all.csv",
        f"export --format ical -o {out}/all.ics",
        f"export -o {out}/cards/",
        f"export --format ical -o {out}/cal/",
        f"calendar feed -o {out}/feed.ics",
        f"report pipeline --format html -o {out}/pipeline.html",
        f"import {out}/all.vcf",
        f"merge-letter {tmp_path}/letter.md jane -o {out}/letters",
    ):
        result = rolodex(argv)
        assert result.exit_code == 0, (argv, result.stderr)
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) >= 9
    assert {p: mode(p) for p in written} == {p: 0o600 for p in written}
    folders = [p for p in out.rglob("*") if p.is_dir()]
    assert {p: mode(p) for p in folders} == {p: 0o700 for p in folders}
    assert mode(isolated) == 0o600
    backups = list((isolated.parent / "rolodex-backups").iterdir())  # the import took one
    assert backups and {mode(p) for p in backups} == {0o600}
    assert mode(isolated.parent / "rolodex-backups") == 0o700


def test_file_names_made_from_data_stay_inside_the_folder(rolodex, tmp_path):
    card = ("BEGIN:VCARD\nVERSION:3.0\nUID:../../../escape\nFN:../../Evil/..\\Name\n"
            "END:VCARD\n")
    (tmp_path / "evil.vcf").write_text(card)
    assert rolodex(["import", str(tmp_path / "evil.vcf")]).exit_code == 0
    (tmp_path / "t.txt").write_text("Hi {{ name }}\n")
    out = tmp_path / "out"
    assert rolodex(["export", "-o", f"{out}/cards/"]).exit_code == 0
    assert rolodex(["merge-letter", str(tmp_path / "t.txt"), "#1", "-o",
                    str(out / "letters")]).exit_code == 0
    everything = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert all(p.parts[0] in ("out", "evil.vcf", "t.txt", "rolodex.db", "rolodex.db-wal",
                              "rolodex.db-shm", "rolodex-backups") for p in everything)
    names = [p.name for p in (out / "cards").iterdir()] + [p.name for p in
                                                           (out / "letters").iterdir()]
    assert len(names) == 2
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names)


def test_the_editor_file_is_private_and_removed(rolodex, tmp_path, monkeypatch):
    log = tmp_path / "editor.log"
    editor = tmp_path / "editor.py"
    editor.write_text(
        f"#!{sys.executable}\nimport os, stat, sys\n"
        f"open({str(log)!r}, 'w').write("
        "f'{stat.S_IMODE(os.stat(sys.argv[1]).st_mode):o} {sys.argv[1]}')\n")
    editor.chmod(0o700)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    rolodex("add 'Jane Doe' -e jane@acme.example")
    result = rolodex("contact edit jane --editor")
    assert result.exit_code == 0, result.stderr
    file_mode, path = log.read_text().split(" ", 1)
    assert file_mode == "600"
    assert not Path(path).exists()


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_and_searched_as_data(rolodex, text):
    rolodex("add 'Jane Doe' -t vip")
    added = rolodex(["add", text, "--note", text, "--field", f"k={text}"])
    if "\x00" in text:
        assert added.exit_code in (0, 5) and "Traceback" not in added.stderr
        return
    assert added.exit_code == 0, added.stderr
    for argv in (["search", text], ["search", "save", "odd", text], ["contact", "list",
                                                                      "--tag", text],
                 ["history", "--kind", text], ["changes", text]):
        result = rolodex(argv)
        assert result.exit_code in (0, 3, 4, 5), (argv, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert rolodex("search jane -f ids").stdout == "1\n"
    shown = rolodex(["contact", "show", "#2", "-f", "json"]).json()
    assert (shown["name"], shown["notes"], shown["custom"]) == (text.strip(), text,
                                                                {"k": text})
