"""``export --format csv`` options: --fields, --encoding (utf-8-sig for Excel), --delimiter
(#14)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "csv"


@pytest.fixture
def two_contacts(rolodex):
    result = rolodex(["import", str(FIXTURES / "rolodex-export-every-field.csv")])
    assert result.exit_code == 0, result.stderr


def test_fields_encoding_and_delimiter_write_the_columns_asked_for(rolodex, two_contacts,
                                                                   tmp_path):
    out = tmp_path / "excel.csv"
    result = rolodex(["export", "--format", "csv", "--fields",
                      "name,email,phones,custom:shoe,status", "--delimiter", ";",
                      "--encoding", "utf-8-sig", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == (FIXTURES / "export-fields-semicolon-bom.csv").read_bytes()


def test_an_unknown_field_is_a_usage_error_listing_the_known_ones(rolodex, two_contacts,
                                                                  tmp_path):
    result = rolodex(["export", "--format", "csv", "--fields", "name,nmae",
                      "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert result.stderr.startswith("rolodex: --fields: unknown field 'nmae'\n")
    assert "known fields: uid, name," in result.stderr and "custom:KEY" in result.stderr
    assert not (tmp_path / "x.csv").exists()


def test_a_tab_delimited_bom_export_reads_back_the_same(rolodex, two_contacts, tmp_path):
    before = rolodex("contact list --format json").json()
    out = tmp_path / "tabs.csv"
    assert rolodex(["export", "-f", "csv", "--delimiter", "tab", "--encoding", "utf-8-sig",
                    "-o", str(out)]).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfuid\tname\t")
    again = rolodex(["import", str(out)])
    assert "2 unchanged" in again.stderr, again.stderr
    assert rolodex("contact list --format json").json() == before


def test_an_encoding_that_cannot_hold_a_name_fails_before_writing(rolodex, tmp_path):
    assert rolodex(["contact", "add", "René Müller"]).exit_code == 0
    latin = tmp_path / "latin.csv"
    assert rolodex(["export", "-f", "csv", "--encoding", "cp1252", "-o", str(latin)]
                   ).exit_code == 0
    assert "René Müller".encode("cp1252") in latin.read_bytes()
    assert rolodex(["contact", "add", "名無しの権兵衛"]).exit_code == 0
    result = rolodex(["export", "-f", "csv", "--encoding", "cp1252", "-o",
                      str(tmp_path / "x.csv")])
    assert result.exit_code == 8
    assert "cp1252 cannot hold the character '名'" in result.stderr
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("args", [["--delimiter", '"'], ["--delimiter", "ab"],
                                  ["--encoding", "klingon"]])
def test_bad_csv_options_are_refused(rolodex, args):
    result = rolodex(["export", "-f", "csv", *args])
    assert result.exit_code == 5 and result.stderr.startswith("rolodex: ")
