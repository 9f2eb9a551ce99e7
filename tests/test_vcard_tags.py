"""Tags keep their text: labels with spaces and punctuation import, match, filter and
export as written (#14)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "vcard"
CATEGORIES = FIXTURES / "categories-with-spaces-and-commas.vcf"
RESERVED = FIXTURES / "categories-reserved-starts-and-controls.vcf"


def imported(rolodex, path: Path) -> dict:
    result = rolodex(["import", str(path)])
    assert result.exit_code == 0 and " 0 failed" in result.stderr, result.stderr
    [contact] = rolodex("contact list -f json").json()
    return contact


def categories(text: str) -> str:
    [line] = [line for line in text.splitlines() if line.startswith("CATEGORIES")]
    return line


def names(result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [c["name"] for c in result.json()]


def test_categories_import_as_written(rolodex):
    jane = imported(rolodex, CATEGORIES)
    assert jane["tags"] == ["Best Friends", "Food, Inc.", "Retail"]
    assert categories(rolodex("export").stdout) == \
        "CATEGORIES:Food\\, Inc.,Retail,Best Friends"


def test_edited_tags_are_written_with_commas_escaped(rolodex):
    jane = imported(rolodex, CATEGORIES)
    assert rolodex(["contact", "untag", str(jane["id"]), "retail"]).exit_code == 0
    line = categories(rolodex("export").stdout)
    assert line == "CATEGORIES:Best Friends,Food\\, Inc."


def test_tags_with_spaces_filter_list_search_and_saved_searches(rolodex):
    imported(rolodex, CATEGORIES)
    assert names(rolodex(["contact", "list", "--tag", "food, inc.", "-f", "json"])) == \
        ["Jane Doe"]
    assert names(rolodex(["search", "-f", "json", 'tag:"Food, Inc."'])) == ["Jane Doe"]
    assert names(rolodex(["search", "-f", "json", "tag:Best Friends"])) == ["Jane Doe"]
    negated = rolodex(["search", "-f", "json", "--", '-tag:"Food, Inc."'])
    assert "Jane Doe" not in negated.stdout and "Traceback" not in negated.stderr
    saved = rolodex(["search", "save", "food", 'tag:"Food, Inc."'])
    assert saved.exit_code == 0, saved.stderr
    assert names(rolodex(["search", "-f", "json", "@food"])) == ["Jane Doe"]
    export = rolodex(["export", "--tag", "Food, Inc."])
    assert export.stdout.count("BEGIN:VCARD") == 1


def test_typed_tags_may_have_spaces(rolodex, jane):
    result = rolodex(["contact", "tag", str(jane), "Book Club", "Food, Inc."])
    assert result.exit_code == 0, result.stderr
    [contact] = rolodex("contact list -f json").json()
    assert contact["tags"] == ["Book Club", "Food, Inc.", "vip"]
    assert rolodex(["contact", "tag", str(jane), "@home"]).exit_code == 5


def test_labels_starting_with_dash_or_at_import_and_controls_are_stripped(rolodex):
    john = imported(rolodex, RESERVED)
    assert john["tags"] == ["-archived", "@home", "Red[31m Alert"]
    assert names(rolodex(["search", "-f", "json", "tag:@home"])) == ["John Roe"]


def test_own_csv_export_keeps_tags_with_commas(rolodex, tmp_path, monkeypatch):
    from rolodex.cli import _context

    imported(rolodex, CATEGORIES)
    out = tmp_path / "out.csv"
    assert rolodex(["export", "-f", "csv", "-o", str(out)]).exit_code == 0
    monkeypatch.setenv("ROLODEX_DB", str(tmp_path / "second.db"))
    _context.state.close()
    again = imported(rolodex, out)
    assert again["tags"] == ["Best Friends", "Food, Inc.", "Retail"]


def test_editor_form_tags_keep_commas_inside_quotes():
    from rolodex.formats.editform import join_tags, split_tags

    tags = ["vip", "Food, Inc.", 'say "hi"', "Best Friends"]
    assert join_tags(tags) == 'vip, "Food, Inc.", "say ""hi""", Best Friends'
    assert split_tags(join_tags(tags)) == tags


def test_editor_form_keeps_imported_tags_and_adds_one_with_a_comma(rolodex, tmp_path,
                                                                   monkeypatch):
    from test_editor import Editor

    john = imported(rolodex, RESERVED)
    editor = Editor(tmp_path / "editor", monkeypatch)
    editor.plan([("replace", 'tags: -archived, @home, Red[31m Alert',
                  'tags: -archived, @home, Red[31m Alert, "Food, Inc."')])
    result = rolodex(["contact", "edit", str(john["id"]), "--editor"])
    assert result.exit_code == 0, result.stderr
    [contact] = rolodex("contact list -f json").json()
    assert contact["tags"] == ["-archived", "@home", "Food, Inc.", "Red[31m Alert"]
