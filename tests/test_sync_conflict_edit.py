"""``rolodex sync conflicts --edit`` (#15): each conflict settled on its own in $EDITOR,
both values shown, a block left at 'keep: ?' left open, a keep line it cannot read refused
with nothing settled."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_sync_vdir import people, team  # noqa: F401

EDITOR = """\
import re, sys
choices, path = sys.argv[1:-1], sys.argv[-1]  # rolodex adds the file's path last
text = open(path, encoding="utf-8").read()
blocks = iter(choices)
text = re.sub(r"(?m)^keep: \\?$", lambda m: "keep: " + next(blocks, "?"), text)
open(path, "w", encoding="utf-8").write(text)
"""


@pytest.fixture
def two_conflicts(team, tmp_path):  # noqa: F811
    a, b, _ = team
    a("add", "Jane Doe")
    a("sync"), b("sync")
    a("contact", "edit", "Jane Doe", "--title", "CTO", "--nickname", "JD")
    b("contact", "edit", "Jane Doe", "--title", "CFO", "--nickname", "Janie")
    a("sync"), b("sync")
    assert len(b("sync", "conflicts", "-f", "json").json()) == 2
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR)
    return a, b, editor


def edit_with(monkeypatch, editor: Path, *choices: str) -> None:
    monkeypatch.setenv("EDITOR", " ".join([sys.executable, str(editor), *choices]))
    monkeypatch.delenv("VISUAL", raising=False)


def test_each_conflict_settled_its_own_way(two_conflicts, monkeypatch):
    a, b, editor = two_conflicts
    order = [c["field"] for c in b("sync", "conflicts", "-f", "json").json()]
    picks = {"title": "remote", "nickname": "local"}
    edit_with(monkeypatch, editor, *(picks[f] for f in order))
    result = b("sync", "conflicts", "--edit")
    assert "settled 2 of 2 conflicts (1 local, 1 remote)" in result.stderr
    jane = people(b)["Jane Doe"]
    assert (jane["title"], jane["nickname"]) == ("CTO", "Janie")
    b("sync"), a("sync")
    assert (people(a)["Jane Doe"]["title"], people(a)["Jane Doe"]["nickname"]) == \
        ("CTO", "Janie")


def test_a_conflict_left_at_question_mark_stays_open(two_conflicts, monkeypatch):
    _, b, editor = two_conflicts
    edit_with(monkeypatch, editor, "remote")  # the first block only
    result = b("sync", "conflicts", "--edit")
    assert "settled 1 of 2 conflicts" in result.stderr and "1 left open" in result.stderr
    assert len(b("sync", "conflicts", "-f", "json").json()) == 1


def test_a_keep_line_it_cannot_read_settles_nothing(two_conflicts, monkeypatch):
    _, b, editor = two_conflicts
    edit_with(monkeypatch, editor, "remote", "theirs")
    result = b("sync", "conflicts", "--edit", code=5)
    assert "keep is local or remote, not 'theirs'" in result.stderr
    assert len(b("sync", "conflicts", "-f", "json").json()) == 2


def test_the_editor_shows_both_values(two_conflicts, monkeypatch, tmp_path):
    _, b, _ = two_conflicts
    copy = tmp_path / "seen.txt"
    keeper = tmp_path / "keep.py"  # an editor that saves what it was shown, unchanged
    keeper.write_text(f"import shutil, sys\nshutil.copy(sys.argv[-1], {str(copy)!r})\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {keeper}")
    b("sync", "conflicts", "--edit")
    seen = copy.read_text()
    assert "Jane Doe · title (team)" in seen
    assert "local:  CFO" in seen and "remote: CTO" in seen and seen.count("keep: ?") == 2
    assert len(b("sync", "conflicts", "-f", "json").json()) == 2  # nothing settled
