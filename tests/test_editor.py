"""``rolodex contact edit REF --editor``: a real editor process (a small Python script)."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

EDITOR_SCRIPT = r'''
import json
import pathlib
import sys

here = pathlib.Path(__file__)
plan = json.loads(here.with_suffix(".json").read_text(encoding="utf-8"))
path = pathlib.Path(sys.argv[1])
text = path.read_text(encoding="utf-8")
pathlib.Path(plan["capture"]).write_text(text, encoding="utf-8")
pathlib.Path(plan["capture"] + ".path").write_text(str(path), encoding="utf-8")
lines = text.split("\n")
for op in plan["ops"]:
    kind = op[0]
    if kind == "replace":
        lines[lines.index(op[1])] = op[2]
    elif kind == "after":
        at = lines.index(op[1]) + 1
        lines[at:at] = op[2]
    elif kind == "delete":
        lines.remove(op[1])
    elif kind == "append":
        if lines and lines[-1] == "":
            lines[-1:] = [*op[1], ""]
        else:
            lines.extend(op[1])
path.write_text("\n".join(lines), encoding="utf-8")
sys.exit(plan.get("exit", 0))
'''


class Editor:
    """Writes the editor script and its plan; remembers what the editor was shown."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        folder.mkdir(exist_ok=True)
        self.script = folder / "ed.py"
        self.script.write_text(EDITOR_SCRIPT, encoding="utf-8")
        self.capture = folder / "seen.txt"
        self.monkeypatch = monkeypatch
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.setenv("EDITOR", self.command)
        self.plan([])

    @property
    def command(self) -> str:
        return f"{shlex.quote(sys.executable)} {shlex.quote(str(self.script))}"

    def plan(self, ops: list, exit: int = 0) -> None:
        self.script.with_suffix(".json").write_text(
            json.dumps({"ops": ops, "exit": exit, "capture": str(self.capture)}),
            encoding="utf-8")

    @property
    def seen(self) -> str:
        return self.capture.read_text(encoding="utf-8")

    @property
    def seen_lines(self) -> list[str]:
        return self.seen.split("\n")

    def line_of(self, line: str) -> int:
        """1-based number of ``line`` in the form the editor was shown."""
        return self.seen_lines.index(line) + 1

    @property
    def temp_path(self) -> Path:
        return Path((self.capture.parent / (self.capture.name + ".path")).read_text())


@pytest.fixture
def editor(tmp_path, monkeypatch) -> Editor:
    return Editor(tmp_path / "editor dir", monkeypatch)


def show(rolodex, ref) -> dict:
    result = rolodex(["contact", "show", str(ref), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return result.json()


def found(rolodex, query: str) -> list[int]:
    result = rolodex(["search", query, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    return [r["id"] for r in result.json()]


def edit(rolodex, ref):
    return rolodex(["contact", "edit", str(ref), "--editor"])


# --- what the editor is shown ----------------------------------------------------------


def test_editor_is_shown_the_contact(rolodex, jane, editor):
    result = edit(rolodex, jane)
    assert result.exit_code == 0, result.stderr
    seen = editor.seen_lines
    assert f"# Editing contact #{jane}" in editor.seen
    for line in ("name: Jane Doe", "first_name: Jane", "last_name: Doe", "company: Acme Ltd",
                 "birthday: 1985-04-15", "status: customer", "tags: vip", "emails:",
                 "  - jane@acme.example (work, preferred)", "phones:",
                 "  - +1 (555) 010-0100 (mobile, preferred)", "notes:", "fields:"):
        assert line in seen, line
    assert seen.index("  - jane@acme.example (work, preferred)") == seen.index("emails:") + 1


def test_editor_temp_file_is_removed(rolodex, jane, editor):
    editor.plan([("replace", "title:", "title: CTO")])
    assert edit(rolodex, jane).exit_code == 0
    assert not editor.temp_path.exists()
    editor.plan([("replace", "title: CTO", "title: CEO")], exit=1)
    assert edit(rolodex, jane).exit_code == 9
    assert not editor.temp_path.exists()


def test_editor_temp_file_is_private(rolodex, jane, editor, tmp_path):
    # the editor script records the mode of the file it is given
    editor.plan([])
    script = editor.script.read_text(encoding="utf-8")
    editor.script.write_text(script.replace(
        "text = path.read_text",
        f"pathlib.Path({str(tmp_path / 'mode')!r}).write_text(oct(path.stat().st_mode & 0o777))"
        "\ntext = path.read_text"), encoding="utf-8")
    assert edit(rolodex, jane).exit_code == 0
    assert (tmp_path / "mode").read_text() == "0o600"


# --- changes land ----------------------------------------------------------------------


def test_editor_changes_land(rolodex, jane, editor, monkeypatch):
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-21T10:00:00Z")
    editor.plan([
        ("replace", "title:", "title: CTO"),
        ("replace", "tags: vip", "tags: vip, berlin"),
        ("replace", "birthday: 1985-04-15", "birthday: --05-01"),
        ("replace", "company: Acme Ltd", "company: Initech"),
        ("replace", "every:", "every: 30d"),
        ("replace", "nickname:", "nickname: JD"),
        ("after", "emails:", ["  - jane@home.example (home)"]),
        ("after", "fields:", ["  linkedin: janedoe"]),
        ("after", "notes:", ["  Met at PyCon.", "  Likes green tea."]),
    ])
    result = edit(rolodex, jane)
    assert result.exit_code == 0, result.stderr
    assert f"updated contact #{jane}" in result.stderr
    record = show(rolodex, jane)
    assert record["title"] == "CTO"
    assert record["nickname"] == "JD"
    assert record["tags"] == ["berlin", "vip"]
    assert record["birthday"] == "--05-01"
    assert record["company"] == "Initech"
    assert record["cadence_days"] == 30
    assert record["custom"] == {"linkedin": "janedoe"}
    assert record["notes"] == "Met at PyCon.\nLikes green tea."
    assert record["emails"] == [
        {"address": "jane@home.example", "label": "home", "preferred": False},
        {"address": "jane@acme.example", "label": "work", "preferred": True},
    ]
    assert record["phones"] == [
        {"number": "+1 (555) 010-0100", "label": "mobile", "preferred": True}]
    assert record["status"] == "customer"
    assert record["name"] == "Jane Doe"
    assert record["updated"] == "2026-11-21T10:00:00Z"
    # the search index follows
    assert found(rolodex, "pycon") == [jane]
    assert found(rolodex, "initech") == [jane]
    assert found(rolodex, "berlin") == [jane]
    assert found(rolodex, "jane@home.example") == [jane]


def test_editor_removing_lines_clears(rolodex, jane, editor):
    editor.plan([
        ("delete", "  - jane@acme.example (work, preferred)"),
        ("delete", "  - +1 (555) 010-0100 (mobile, preferred)"),
        ("replace", "tags: vip", "tags:"),
        ("replace", "company: Acme Ltd", "company:"),
        ("replace", "status: customer", "status:"),
        ("replace", "birthday: 1985-04-15", "birthday:"),
    ])
    result = edit(rolodex, jane)
    assert result.exit_code == 0, result.stderr
    record = show(rolodex, jane)
    assert record["emails"] == []
    assert record["phones"] == []
    assert record["email"] is None
    assert record["tags"] == []
    assert record["company"] is None
    assert record["status"] is None
    assert record["birthday"] is None
    assert found(rolodex, "acme") == []
    assert found(rolodex, "5550100100") == []


def test_editor_new_name_resplits_parts(rolodex, jane, editor):
    editor.plan([("replace", "name: Jane Doe", "name: Zoë Q. Müller")])
    assert edit(rolodex, jane).exit_code == 0
    record = show(rolodex, jane)
    assert record["name"] == "Zoë Q. Müller"
    assert (record["first_name"], record["middle_name"], record["last_name"]) == (
        "Zoë", "Q.", "Müller")
    assert found(rolodex, "muller") == [jane]
    assert found(rolodex, "doe") == []


def test_editor_new_first_name_rebuilds_name(rolodex, jane, editor):
    editor.plan([("replace", "first_name: Jane", "first_name: Janie")])
    assert edit(rolodex, jane).exit_code == 0
    record = show(rolodex, jane)
    assert record["first_name"] == "Janie"
    assert record["name"] == "Janie Doe"


def test_editor_moves_preferred_and_edits_fields(rolodex, editor):
    result = rolodex(["contact", "add", "Jane Doe", "-e", "a@x.example", "-e", "b@x.example",
                      "--field", "k1=v1", "--field", "k2=v2", "--note", "old note"])
    jane = int(result.stdout)
    editor.plan([
        ("replace", "  - a@x.example (preferred)", "  - a@x.example"),
        ("replace", "  - b@x.example", "  - b@x.example (work, preferred)"),
        ("delete", "  k1: v1"),
        ("replace", "  k2: v2", "  k2: changed"),
        ("replace", "  old note", "  new note"),
    ])
    result = edit(rolodex, jane)
    assert result.exit_code == 0, result.stderr
    record = show(rolodex, jane)
    assert record["emails"] == [
        {"address": "a@x.example", "label": None, "preferred": False},
        {"address": "b@x.example", "label": "work", "preferred": True}]
    assert record["email"] == "b@x.example"
    assert record["custom"] == {"k2": "changed"}
    assert record["notes"] == "new note"


def test_visual_wins_over_editor(rolodex, jane, editor, monkeypatch):
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} -c 'import sys; sys.exit(3)'")
    monkeypatch.setenv("VISUAL", editor.command)
    editor.plan([("replace", "title:", "title: CTO")])
    result = edit(rolodex, jane)
    assert result.exit_code == 0, result.stderr
    assert show(rolodex, jane)["title"] == "CTO"


# --- nothing changes -------------------------------------------------------------------


def test_unchanged_text_is_no_changes(rolodex, jane, editor, monkeypatch):
    before = show(rolodex, jane)
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-21T10:00:00Z")
    editor.plan([])
    result = edit(rolodex, jane)
    assert result.exit_code == 0
    assert "no changes" in result.stderr
    assert show(rolodex, jane) == before



def test_an_untouched_form_keeps_a_company_another_one_shares_a_name_with(
        rolodex, editor, monkeypatch):
    for _ in range(2):
        assert rolodex(["company", "add", "Acme"]).exit_code == 0
    assert rolodex(["add", "Zed Smith", "-c", "#2"]).exit_code == 0
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-21T10:00:00Z")
    editor.plan([])
    assert edit(rolodex, 1).exit_code == 0
    assert show(rolodex, 1)["company_id"] == 2

def test_editor_exit_status_aborts(rolodex, jane, editor):
    before = show(rolodex, jane)
    editor.plan([("replace", "title:", "title: CTO")], exit=1)
    result = edit(rolodex, jane)
    assert result.exit_code == 9
    assert result.stderr.startswith("rolodex: ")
    assert "status 1" in result.stderr
    assert "Traceback" not in result.stderr
    assert show(rolodex, jane) == before


def test_missing_editor_aborts(rolodex, jane, editor, monkeypatch, tmp_path):
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    before = show(rolodex, jane)
    result = edit(rolodex, jane)
    assert result.exit_code == 9
    assert "no-such-editor" in result.stderr
    assert "Traceback" not in result.stderr
    assert show(rolodex, jane) == before


def test_editor_with_other_options_is_invalid(rolodex, jane, editor):
    before = show(rolodex, jane)
    result = rolodex(["contact", "edit", str(jane), "--editor", "--title", "CTO"])
    assert result.exit_code == 5
    assert show(rolodex, jane) == before
    assert not editor.capture.exists()  # the editor never ran


def test_editor_with_several_contacts_is_invalid(rolodex, jane, editor):
    john = int(rolodex(["contact", "add", "John Roe"]).stdout)
    result = rolodex(["contact", "edit", str(jane), str(john), "--editor"])
    assert result.exit_code == 5
    assert not editor.capture.exists()


# --- invalid forms ---------------------------------------------------------------------


INVALID = {
    "bad email": ([("after", "emails:", ["  - not-an-email (home)"])], "emails:", 1,
                  "not an email address"),
    "bad phone": ([("after", "phones:", ["  - call me"])], "phones:", 1,
                  "not a phone number"),
    "unknown key": ([("after", "nickname:", ["colour: red"])], "nickname:", 1,
                    "unknown field 'colour'"),
    "bad birthday": ([("replace", "birthday: 1985-04-15", "birthday: 31 Feb 1985")],
                     "birthday: 1985-04-15", 0, "no such date"),
    "bad status": ([("replace", "status: customer", "status: vip")], "status: customer", 0,
                   "unknown status"),
    "bad every": ([("replace", "every:", "every: sometimes")], "every:", 0, "sometimes"),
    "repeated key": ([("after", "department:", ["nickname: JD"])], "department:", 1,
                     "'nickname' appears twice"),
    "no colon": ([("after", "department:", ["just words"])], "department:", 1,
                 "expected 'key: value'"),
    "list item without dash": ([("after", "emails:", ["  jane@home.example"])], "emails:", 1,
                               "start with '- '"),
    "bad tag": ([("replace", "tags: vip", "tags: vip, @home")], "tags: vip", 0, "@home"),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_form_names_the_line_and_changes_nothing(rolodex, jane, editor, case):
    ops, anchor, offset, message = INVALID[case]
    ops = [("replace", "title:", "title: Changed Too"), *ops]  # a valid change alongside
    before = show(rolodex, jane)
    editor.plan(ops)
    result = edit(rolodex, jane)
    assert result.exit_code == 5, result.stderr
    assert "Traceback" not in result.stderr
    assert show(rolodex, jane) == before
    assert found(rolodex, "changed") == []
    line = editor.line_of(anchor) + offset
    first = result.stderr.splitlines()[0]
    assert message in first
    assert first.startswith(f"rolodex: line {line}: "), (first, line)
    assert "nothing was saved" in result.stderr


def test_form_without_name_is_invalid(rolodex, jane, editor):
    before = show(rolodex, jane)
    editor.plan([("replace", "name: Jane Doe", "name:")])
    result = edit(rolodex, jane)
    assert result.exit_code == 5
    assert "name" in result.stderr
    assert show(rolodex, jane) == before


def test_form_round_trips_a_full_contact(rolodex, editor, monkeypatch):
    """A form saved with only a comment added describes the same contact: nothing changes."""
    result = rolodex([
        "contact", "add", "Dr. Zoë Maria Müller Jr.", "-e", "zoe@globex.example (work)",
        "-e", "zoe@home.example (home, preferred)", "-p", "0176 123-45678 (mobile)",
        "-p", "+49 30 1234567", "-c", "Globex GmbH", "--title", "CTO", "--department", "R&D",
        "--nickname", "Zo", "-t", "vip", "-t", "berlin", "-b", "--04-15",
        "--anniversary", "2010-06-01", "--status", "customer", "--source", "conference",
        "--owner", "alice", "--every", "30d", "--field", "linkedin=zoem",
        "--url", "https://zoe.example (blog)",
        "--address", "Hauptstr. 1; Berlin; ; 10115; Germany (work)",
        "--note", "first line\n\n  indented # not a comment\nlast line"])
    zoe = int(result.stdout)
    before = show(rolodex, zoe)
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-21T10:00:00Z")
    editor.plan([("after", "name: Dr. Zoë Maria Müller Jr.", ["# just looking"])])
    result = edit(rolodex, zoe)
    assert result.exit_code == 0, result.stderr
    after = show(rolodex, zoe)
    assert {k: v for k, v in after.items() if k != "updated"} == {
        k: v for k, v in before.items() if k != "updated"}


def test_form_saved_with_only_a_comment_added_does_not_touch_the_contact(rolodex, jane, editor,
                                                                          monkeypatch):
    """The form differs as text but not in meaning: the contact must not be marked updated."""
    before = show(rolodex, jane)
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-21T10:00:00Z")
    editor.plan([("after", "name: Jane Doe", ["# just looking"])])
    result = edit(rolodex, jane)
    assert result.exit_code == 0, result.stderr
    assert show(rolodex, jane)["updated"] == before["updated"] == "2026-11-20T09:00:00Z"
