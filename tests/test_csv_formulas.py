"""Every CSV and TSV rolodex writes is safe to open in a spreadsheet: a cell that starts
like a formula gets a leading ``'`` (the rule ``export --format csv`` always had), and
``ROLODEX_CSV_RAW=1`` writes cells exactly as stored for pipelines."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

FORMULAS = Path(__file__).parent / "fixtures" / "hostile" / "formula-cells.vcf"
NAME = "=cmd|' /C calc'!A0"
NOTE = "-2+3+cmd|' /C calc'!A0"


@pytest.fixture
def hostile(rolodex):
    assert rolodex(["import", str(FORMULAS)]).exit_code == 0
    assert rolodex(["log", "dde@evil.example", "call", "=HYPERLINK(\"http://evil.example\")"]
                   ).exit_code == 0
    assert rolodex(["task", "add", "@SUM(A1)", "--for", "dde@evil.example", "--due",
                    "2026-11-25"]).exit_code == 0
    assert rolodex(["deal", "add", "+1+1", "--contact", "dde@evil.example"]).exit_code == 0
    return rolodex


def rows(text: str, fmt: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_contact_list_neutralises_formulas(hostile, fmt):
    [row] = rows(hostile(f"contact list --format {fmt}").stdout, fmt)
    assert row["name"] == "'" + NAME
    assert row["company"] == "'+SUM(1,1)"
    assert row["title"] == "'@SUM(A1:A9)"
    assert row["notes"] == "'" + NOTE
    assert row["email"] == "dde@evil.example"  # nothing else changes


@pytest.mark.parametrize("argv, key, expected", [
    ("search dde", "name", "'" + NAME),
    ("company list", "name", "'+SUM(1,1)"),
    ("history", "text", "'=HYPERLINK(\"http://evil.example\")"),
    ("task list", "title", "'@SUM(A1)"),
    ("deal list", "title", "'+1+1"),
    ("contact show dde@evil.example", "name", "'" + NAME),
    ("report contact dde@evil.example --section deals", "title", "'+1+1"),
    ("report contact dde@evil.example --section history", "contacts", "'" + NAME),
])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_every_listing_neutralises_formulas(hostile, argv, key, expected, fmt):
    result = hostile(f"{argv} --format {fmt}")
    assert result.exit_code == 0, result.stderr
    assert expected in [row[key] for row in rows(result.stdout, fmt)]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_raw_cells_on_request(hostile, monkeypatch, fmt):
    monkeypatch.setenv("ROLODEX_CSV_RAW", "1")
    [row] = rows(hostile(f"contact list --format {fmt}").stdout, fmt)
    assert (row["name"], row["company"], row["notes"]) == (NAME, "+SUM(1,1)", NOTE)


def test_export_keeps_its_rule_and_honours_the_opt_out(hostile, monkeypatch):
    [row] = rows(hostile("export --format csv").stdout, "csv")
    assert row["name"] == "'" + NAME
    monkeypatch.setenv("ROLODEX_CSV_RAW", "1")
    [row] = rows(hostile("export --format csv").stdout, "csv")
    assert row["name"] == NAME
