"""Every CSV and LDIF address book of the shared corpus imports without a traceback, and
every one marked valid imports with nothing failed and the people it holds (#14).

The corpus is read in place; without it the test is skipped, unless CI is set (then the
missing corpus is a failure: CI must test what the corpus holds).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import path_of, require, rows

pytestmark = pytest.mark.slow  # the shared corpus

ROWS = rows(suffixes=(".csv", ".ldif"))
VALID = [r for r in ROWS if r["expected_valid"] == "yes"]
# The people of each valid file, as (name, emails); what a file needs said to be read.
EXPECTED = {
    "thunderbird__basic_csv_addressbook.csv": [("Jane Doe", ["jane@doe.invalid"]),
                                               ("John Doe", ["john@doe.invalid"])],
    "thunderbird__csv_semicolon.csv": [("Jane Doe", ["jane@doe.invalid"]),
                                       ("John Doe", ["john@doe.invalid"])],
    "thunderbird__export.csv": [("contact number one", ["contact1@invalid"]),
                                ("contact number two", ["contact2@invalid"])],
    "thunderbird__quote.csv": [("Acer America", [])],
    "thunderbird__shiftjis_addressbook.csv": [("名無しの権兵衛", ["名無しの権兵衛@host.invalid"])],
    "thunderbird__utf16_addressbook.csv": [("John Doe", ["johndoe@host.invalid"])],
    "thunderbird__basic_ldif_addressbook.ldif": [
        ("Display Name", ["primaryemail@host.invalid", "secondemail@host.invalid"])],
    "thunderbird__export.ldif": [("contact number one", ["contact1@invalid"]),
                                 ("contact number two", ["contact2@invalid"])],
    "thunderbird__import.ldif": [("contact number one", ["contact1@invalid"])],
}
OPTIONS = {"thunderbird__shiftjis_addressbook.csv": ["--encoding", "shift_jis"]}


def test_the_corpus_is_there_when_ci_runs():
    require(module_level=False)
    assert {Path(r["file"]).name for r in VALID} == set(EXPECTED)


corpus_file = path_of


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_every_file_imports_or_is_refused_cleanly(rolodex, row):
    result = rolodex(["import", str(corpus_file(row))])
    assert result.exit_code in (0, 8), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if result.exit_code == 8:
        assert result.stderr.startswith("rolodex: ")


@pytest.mark.parametrize("row", VALID, ids=[r["file"] for r in VALID])
def test_valid_files_import_their_people(rolodex, row):
    name = Path(row["file"]).name
    result = rolodex(["import", str(corpus_file(row)), *OPTIONS.get(name, [])])
    assert result.exit_code == 0, result.stderr
    assert " 0 failed" in result.stderr, result.stderr
    people = sorted((c["name"], sorted(e["address"] for e in c["emails"]))
                    for c in rolodex("contact list --format json").json())
    assert people == EXPECTED[name]
