"""The rule that fits a table to the terminal (``_columns.fit``) and ``--columns``: the id
and the name are never dropped, long text is cut with an ellipsis before a column goes,
words under ten characters are never broken, a column empty in every row is not shown."""

from __future__ import annotations

import io
import re

import pytest

from rolodex.cli import _plain
from rolodex.cli._columns import ELLIPSIS, SHORT_WORD, Column, _cut, fit

COLUMNS = (
    Column("id", "ID", no_wrap=True, priority=0),
    Column("name", "Name", priority=0, min_width=16),
    Column("email", "Email", no_wrap=True, priority=1),
    Column("company", "Company", priority=2),
    Column("title", "Title", priority=4),
    Column("status", "Status", priority=6),
    Column("last", "Last contact", no_wrap=True, priority=3),
)
ROWS = [
    ["1", "Jane Doe", "jane@acme.example", "Acme Ltd", "Chief Technology Officer", "customer",
     ""],
    ["2", "Dr. Amélie Laurent-Dubois", "amelie@laurent.example", "Laurent & Partners Advisory",
     "Advisor", "prospect", ""],
    ["3", "Zoë Müller", "zoe@mueller.example", "Müller & Söhne GmbH", "Geschäftsführerin",
     "partner", ""],
]


def cells_of(rows):
    return [list(column) for column in zip(*rows, strict=True)]


def drawn_width(fitted) -> int:
    widths = [max(len(col.header), *(len(c) for c in texts)) for col, texts in fitted]
    return sum(widths) + 3 * (len(widths) - 1) + 2


def words(text: str) -> list[str]:
    return re.findall(r"[^\s,;&]+", text)


@pytest.mark.parametrize("width", [30, 40, 60, 80, 120])
def test_a_fitted_table_fits_and_keeps_the_id_and_the_name(width):
    fitted = fit(COLUMNS, cells_of(ROWS), width)
    keys = [col.key for col, _ in fitted]
    assert keys[:2] == ["id", "name"]
    if width >= 40:  # the id and the name at their floor fit in 40
        assert drawn_width(fitted) <= width


def test_an_empty_column_is_not_shown_even_with_room():
    fitted = fit(COLUMNS, cells_of(ROWS), 4000)
    assert "last" not in [col.key for col, _ in fitted]
    assert len(fitted) == len(COLUMNS) - 1
    assert fit(COLUMNS, cells_of(ROWS), None) == fitted  # a pipe: nothing is cut


def test_text_is_cut_before_a_column_is_dropped():
    full = fit(COLUMNS, cells_of(ROWS), None)
    tight = drawn_width(full) - 5
    fitted = fit(COLUMNS, cells_of(ROWS), tight)
    assert [col.key for col, _ in fitted] == [col.key for col, _ in full]
    cut = [text for _, texts in fitted for text in texts if text.endswith(ELLIPSIS)]
    assert cut, "five cells too wide: something is cut"
    assert drawn_width(fitted) <= tight


def test_the_least_important_column_goes_first():
    keys = [[col.key for col, _ in fit(COLUMNS, cells_of(ROWS), w)] for w in (60, 80, 100)]
    assert keys[0] == ["id", "name", "email"]
    assert "status" not in keys[1] and "company" in keys[1]
    assert set(keys[0]) < set(keys[1]) <= set(keys[2])


@pytest.mark.parametrize("width", range(12, 40))
def test_no_word_under_ten_characters_is_broken(width):
    text = "Acme Ltd, Globex Corporation, Initech and Umbrella customer portal"
    cut = _cut(text, width)
    assert len(cut) <= width
    assert cut.endswith(ELLIPSIS)
    kept = words(cut.removesuffix(ELLIPSIS))
    whole = words(text)
    for index, word in enumerate(kept):
        if len(whole[index]) < SHORT_WORD:
            assert word == whole[index], (width, cut)


def test_a_long_word_is_cut_with_an_ellipsis():
    assert _cut("jose.alvarez@contoso.example", 12) == "jose.alvare" + ELLIPSIS
    assert _cut("Contoso Consulting", 12) == "Contoso Con" + ELLIPSIS  # a word of 10 may break
    assert _cut("Acme Ltd, Globex", 12) == "Acme Ltd," + ELLIPSIS  # Globex stays whole
    assert _cut("short", 12) == "short"
    assert _cut("Zoë Müller-Lüdenscheidt", 12) == "Zoë Müller-" + ELLIPSIS


def test_wide_characters_are_cut_by_the_cells_they_take():
    assert _cut("東京都港区六本木", 9) == "東京都港" + ELLIPSIS  # two cells a character


def test_a_short_word_in_a_narrow_column_is_shown_whole():
    columns = (Column("id", "ID", priority=0), Column("status", "Status", priority=1))
    fitted = fit(columns, [["1", "2"], ["customer", "prospect"]], 19)
    assert fitted[1][1] == ["customer", "prospect"]


def test_rich_draws_the_fitted_cells_as_they_are():
    """Rich, at the width fitted to, wraps and cuts nothing more: it draws what _plain
    draws (so a terminal shows the snapshot tests' text)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    for width in (60, 80):
        fitted = fit(COLUMNS, cells_of(ROWS), width)
        header = [col.header for col, _ in fitted]
        cells = [texts for _, texts in fitted]
        out = io.StringIO()
        grid = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for name in header:
            grid.add_column(name, no_wrap=True, overflow="ellipsis")
        for row in zip(*cells, strict=True):
            grid.add_row(*row)
        Console(file=out, width=width, color_system=None).print(grid)
        assert out.getvalue() == _plain.table(header, cells, no_wrap=[True] * len(header))


def test_unknown_columns_are_one_line_listing_the_valid_ones(rolodex):
    result = rolodex("contact list --columns name,nickname")
    assert result.exit_code == 5
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "nickname" in result.stderr
    assert "id, name, company, title, email, phone, tags, status, last_contacted" in \
        result.stderr
    assert "Traceback" not in result.stderr
    assert rolodex("contact list --columns ,").exit_code == 5
    hostile = rolodex(["contact", "list", "--columns", "name,\x1b[31mx\nnext"])
    assert hostile.exit_code == 5
    assert hostile.stderr.count("\n") == 1 and "\x1b" not in hostile.stderr


def test_columns_choose_and_order_the_table(rolodex):
    rolodex(["add", "Jane Doe", "--email", "jane@acme.example", "--tag", "vip"])
    out = rolodex("contact list --columns tags,name,email").stdout.splitlines()
    assert out[1].split() == ["Tags", "Name", "Email"]
    assert out[3].split() == ["vip", "Jane", "Doe", "jane@acme.example"]
    empty = rolodex("contact list --columns name,company").stdout.splitlines()
    assert empty[1].split() == ["Name", "Company"]  # chosen: shown though empty


def test_columns_with_csv_choose_record_keys(rolodex):
    rolodex(["add", "Jane Doe", "--email", "jane@acme.example", "--tag", "vip"])
    out = rolodex("contact list --format csv --columns uid,name,last-contacted").stdout
    header, row = out.splitlines()
    assert header == "uid,name,last_contacted"
    assert row.split(",")[1:] == ["Jane Doe", ""]
    tsv = rolodex("task list --format tsv --columns title,due").stdout
    assert tsv == "title\tdue\n"  # no tasks: the chosen header still
    bad = rolodex("contact list --format csv --columns name,Name2")
    assert bad.exit_code == 5 and "emails" in bad.stderr  # csv lists the record's keys


def test_json_keeps_its_shape(rolodex):
    result = rolodex("contact list --format json --columns name")
    assert result.exit_code == 5
    assert "table, csv and tsv" in result.stderr


def test_a_column_of_long_text_stops_at_its_maximum_width():
    columns = (Column("id", "ID", priority=0), Column("text", "What", priority=0, max_width=20),
               Column("who", "With", priority=3))
    long = "Talked through the whole renewal and the new support terms at length"
    fitted = fit(columns, [["1"], [long], ["Jane Doe"]], 120)
    assert [col.key for col, _ in fitted] == ["id", "text", "who"]
    assert fitted[1][1] == ["Talked through the…"]
    assert fit(columns, [["1"], [long], ["Jane Doe"]], None)[1][1] == [long]  # a pipe
