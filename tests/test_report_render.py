"""The three human renderings of a report (Markdown, HTML, the terminal) read back.

Each output is parsed the way a reader would take it apart (pipe tables split on unescaped
pipes, the page through ``html.parser``, the terminal text line by line), so a cell that
moved, a total that vanished or a bar drawn to the wrong scale fails here.
"""

from __future__ import annotations

import ast
import re
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rolodex.cli._report_table import draw
from rolodex.formats import report_html, report_md
from rolodex.report_model import Chart, Report, Section

GENERATED = "2026-11-20T09:00:00Z"
NASTY = "A | B <script>alert(1)</script>\nZoë Müller"


def sample() -> Report:
    pipeline = Section(
        "pipeline", "Pipeline by stage",
        [("stage", "Stage"), ("deals", "Deals"), ("amount", "Amount"), ("owners", "Owners"),
         ("open", "Open")],
        [
            {"stage": "Lead", "deals": 10, "amount": "12500.00",
             "owners": [{"name": "Zoë Müller"}, {"id": 7}], "open": True},
            {"stage": "Won", "deals": 2, "amount": "6250.00", "owners": [], "open": False},
            {"stage": NASTY, "deals": 0, "amount": None, "owners": None, "open": None},
            {"stage": "Refunded", "deals": 1, "amount": "-40.00", "owners": None,
             "open": False},
        ],
        totals={"stage": "Total", "deals": 13, "amount": "18710.00", "owners": None,
                "open": None},
        chart=Chart("bar", "stage", "amount"))
    funnel = Section(
        "funnel", "Funnel", [("step", "Step"), ("count", "Count"), ("share", "Share %")],
        [{"step": "Met", "count": 8, "share": "100"},
         {"step": "Proposal", "count": 4, "share": "50.0"},
         {"step": "Signed", "count": 2, "share": "25.0"}],
        chart=Chart("funnel", "step", "count"))
    birthdays = Section("birthdays", "Birthdays", [("name", "Name")], [],
                        empty="no birthdays this month")
    return Report("pipeline", "Pipeline <Q4>", [pipeline, funnel, birthdays],
                  start=date(2026, 11, 1), end=date(2026, 11, 30),
                  notes=["Amounts in EUR", "Lost deals <excluded>"])


# --- Markdown -------------------------------------------------------------------------------

def md_tables(text: str) -> dict[str, list[list[str]]]:
    """Each ``## heading`` with its pipe table as rows of cells (escapes kept)."""
    tables: dict[str, list[list[str]]] = {}
    heading = None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:]
            tables[heading] = []
        elif line.startswith("|") and heading is not None:
            cells = re.split(r"(?<!\\)\|", line.strip()[1:-1])
            tables[heading].append([cell.strip() for cell in cells])
    return tables


def test_md_tables_read_back_with_bold_totals():
    text = report_md.render(sample(), GENERATED)
    lines = text.splitlines()
    assert lines[0] == r"# Pipeline \<Q4>"
    assert f"From 2026-11-01 to 2026-11-30 · Generated {GENERATED}" in lines
    table = md_tables(text)["Pipeline by stage"]
    assert table[0] == ["Stage", "Deals", "Amount", "Owners", "Open"]
    assert table[2] == ["Lead", "10", "12500.00", 'Zoë Müller, {"id": 7}', "yes"]
    assert table[3] == ["Won", "2", "6250.00", "", "no"]
    assert table[5] == ["Refunded", "1", "-40.00", "", "no"]
    assert table[6] == ["**Total**", "**13**", "**18710.00**", "", ""]
    assert len(table) == 7  # header, markers, four rows, totals: nothing split or lost
    assert md_tables(text)["Funnel"][-1] == ["Signed", "2", "25.0"]  # no totals row


def test_md_escapes_pipes_newlines_and_html():
    text = report_md.render(sample(), GENERATED)
    cell = md_tables(text)["Pipeline by stage"][4][0]
    assert cell == r"A \| B \<script>alert(1)\</script><br>Zoë Müller"
    assert re.search(r"(?<!\\)<(script|/script|Q4|excluded)", text) is None
    assert r"- Lost deals \<excluded>" in text.splitlines()


def test_md_right_aligns_numeric_columns_only():
    tables = md_tables(report_md.render(sample(), GENERATED))
    assert tables["Pipeline by stage"][1] == ["---", "---:", "---:", "---", "---"]
    assert tables["Funnel"][1] == ["---", "---:", "---:"]


def test_md_empty_section_shows_its_text_in_italics():
    text = report_md.render(sample(), GENERATED)
    assert md_tables(text)["Birthdays"] == []
    after = text.split("## Birthdays\n\n", 1)[1]
    assert after.splitlines()[0] == "*no birthdays this month*"


@pytest.mark.parametrize(("start", "end", "line"), [
    (date(2026, 11, 1), None, f"From 2026-11-01 · Generated {GENERATED}"),
    (None, date(2026, 11, 30), f"Until 2026-11-30 · Generated {GENERATED}"),
    (None, None, f"Generated {GENERATED}"),
])
def test_md_period_line_uses_the_bounds_there_are(start, end, line):
    report = sample()
    report.start, report.end = start, end
    assert report_md.render(report, GENERATED).splitlines()[2] == line


@pytest.mark.parametrize("module", ["formats/report_md.py", "formats/report_html.py",
                                    "formats/report_cells.py"])
def test_file_renderers_use_the_standard_library_only(module):
    import rolodex

    tree = ast.parse((Path(rolodex.__file__).parent / module).read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    tops = {name.split(".")[0] for name in names} - {"__future__", "rolodex"}
    assert tops <= sys.stdlib_module_names, tops


# --- HTML -----------------------------------------------------------------------------------

class Page(HTMLParser):
    """Tags opened and closed, table cells by part (thead/tbody/tfoot), SVG rects."""

    CHECKED = frozenset({"html", "head", "body", "section", "table", "thead", "tbody", "tfoot",
                         "tr", "td", "th", "svg", "title", "text", "ul", "li", "p", "h1", "h2",
                         "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.cells: dict[str, list[list[str]]] = {"thead": [], "tbody": [], "tfoot": []}
        self.svgs: list[dict] = []
        self.part = None
        self.cell: list[str] | None = None
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in self.CHECKED:
            self.stack.append(tag)
        if tag in self.cells:
            self.part = tag
        elif tag == "tr" and self.part:
            self.cells[self.part].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "svg":
            self.svgs.append({"attrs": dict(attrs), "rects": [], "texts": []})
        elif tag == "text":
            self.texts = []

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "rect":
            self.svgs[-1]["rects"].append({k: float(v) for k, v in attrs if k != "class"})

    def handle_endtag(self, tag):
        if tag in self.CHECKED:
            assert self.stack and self.stack.pop() == tag, f"</{tag}> closes nothing open"
        if tag in ("td", "th"):
            self.cells[self.part][-1].append("".join(self.cell))
            self.cell = None
        elif tag in self.cells:
            self.part = None
        elif tag == "text":
            self.svgs[-1]["texts"].append("".join(self.texts))

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        self.texts.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], f"left open: {parser.stack}"
    return parser


def test_html_is_one_closed_self_contained_page():
    page = report_html.render(sample(), GENERATED)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "<title>Pipeline &lt;Q4&gt;</title>" in page
    parsed = parse(page)
    assert parsed.tags.count("section") == 3
    assert parsed.tags.count("table") == 2
    assert parsed.tags.count("svg") == 2
    for banned in ("http://", "https://", "src=", "@import", "url(", "<script", "<link"):
        assert banned not in page.lower(), banned
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<li>Lost deals &lt;excluded&gt;</li>" in page


def test_html_cells_are_the_row_values_exactly():
    parsed = parse(report_html.render(sample(), GENERATED))
    assert parsed.cells["thead"][0] == ["Stage", "Deals", "Amount", "Owners", "Open"]
    body = parsed.cells["tbody"]
    assert body[0] == ["Lead", "10", "12500.00", 'Zoë Müller, {"id": 7}', "yes"]
    assert body[2] == [NASTY, "0", "", "", ""]
    assert body[4:] == [["Met", "8", "100"], ["Proposal", "4", "50.0"],
                        ["Signed", "2", "25.0"]]
    assert parsed.cells["tfoot"] == [["Total", "13", "18710.00", "", ""]]


def test_html_marks_numeric_cells_for_right_alignment():
    page = report_html.render(sample(), GENERATED)
    assert '<td class="num">12500.00</td>' in page
    assert "<td>Lead</td>" in page
    assert re.search(r"\.num\s*\{[^}]*text-align:\s*right", page)


def test_html_bar_chart_scales_to_the_largest_value():
    parsed = parse(report_html.render(sample(), GENERATED))
    bar = parsed.svgs[0]
    assert bar["attrs"]["role"] == "img"
    assert "Pipeline by stage" in bar["attrs"]["aria-label"]
    widths = [rect["width"] for rect in bar["rects"]]
    assert len(widths) == 4  # one per row, even the empty and negative ones
    assert widths[0] == max(widths) > 100
    assert abs(widths[1] - widths[0] / 2) <= 1
    assert widths[2] == widths[3] == 0
    assert len({rect["x"] for rect in bar["rects"]}) == 1  # all grow from the label column
    assert {"Lead", "12500.00", "6250.00", "-40.00", "Refunded"} <= set(bar["texts"])


def test_html_funnel_is_centred_and_proportional():
    funnel = parse(report_html.render(sample(), GENERATED)).svgs[1]
    rects = funnel["rects"]
    assert [round(r["width"] / rects[0]["width"], 3) for r in rects] == [1, 0.5, 0.25]
    middles = {round(r["x"] + r["width"] / 2) for r in rects}
    assert len(middles) == 1
    assert funnel["texts"][:2] == ["Met", "8"]


def test_html_empty_section_has_its_text_and_no_table():
    page = report_html.render(sample(), GENERATED)
    birthdays = page.split('<section id="birthdays">', 1)[1].split("</section>", 1)[0]
    assert '<p class="empty">no birthdays this month</p>' in birthdays
    assert "<table" not in birthdays


# --- terminal -------------------------------------------------------------------------------

def drawn(capsys) -> list[str]:
    draw(sample())
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    return out.splitlines()


def bar_cells(line: str) -> float:
    """A text bar's length in cells: full blocks plus the partial block's eighths."""
    partial = "▏▎▍▌▋▊▉"
    return line.count("█") + sum((partial.index(c) + 1) / 8 for c in line if c in partial)


def test_table_shows_headers_rows_and_totals_below_them(capsys):
    lines = drawn(capsys)
    assert lines[0] == "Pipeline <Q4>"
    assert lines[1] == "From 2026-11-01 to 2026-11-30"
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["Stage", "Deals"])
    lead = next(i for i, line in enumerate(lines) if line.split()[:3] == ["Lead", "10",
                                                                          "12500.00"])
    total = next(i for i, line in enumerate(lines) if line.split()[:1] == ["Total"])
    assert header < lead < total
    assert lines[total].split() == ["Total", "13", "18710.00"]
    assert "Zoë Müller" in lines[lead] and "yes" in lines[lead]
    assert any("<script>alert(1)</script>" in line for line in lines)
    won = next(line for line in lines[lead:total] if line.split()[:1] == ["Won"])
    # right-justified: the amounts end in the same column
    assert lines[lead].index("12500.00") + 8 == won.index("6250.00") + 7


def test_table_bar_chart_longest_bar_is_the_largest_value(capsys):
    lines = drawn(capsys)
    bars = {line.split()[0]: line for line in lines if line.startswith(("Lead ", "Won "))
            and ("█" in line or "▏" in line)}
    assert set(bars) == {"Lead", "Won"}
    assert bars["Lead"].rstrip().endswith(" 12500.00")
    assert bar_cells(bars["Lead"]) == 40
    assert abs(bar_cells(bars["Won"]) - 20) <= 1 / 8
    refunded = [line for line in lines if line.startswith("Refunded ")]
    assert refunded and bar_cells(refunded[-1]) == 0 and refunded[-1].endswith("-40.00")


def test_table_funnel_bars_are_centred(capsys):
    lines = drawn(capsys)
    funnel = [line for line in lines if "█" in line and line.split()[0] in ("Met", "Proposal",
                                                                            "Signed")]
    assert [bar_cells(line) for line in funnel] == [40, 20, 10]
    middles = {(line.index("█") + line.rindex("█")) / 2 for line in funnel}
    assert max(middles) - min(middles) <= 1


def test_table_empty_section_and_notes(capsys):
    lines = drawn(capsys)
    assert lines[lines.index("Birthdays") + 1] == "no birthdays this month"
    assert lines[-2:] == ["- Amounts in EUR", "- Lost deals <excluded>"]


def test_table_bar_keeps_eighths_of_a_cell():
    from rolodex.cli._report_table import chart_lines

    rows = [{"who": "Ann", "n": 100}, {"who": "Bo", "n": "33"}, {"who": "Cy", "n": None}]
    lines = chart_lines(Chart("bar", "who", "n"), rows)
    assert lines[1] == "Bo   " + "█" * 13 + "▎ 33"  # 33/100 of 40 cells = 13 2/8
    assert lines[2] == "Cy"
