"""rolodex's own CSV comes back exactly: export, then import into an empty database gives
the same contacts, and into the same database changes nothing (#14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolodex.cli import _context

FIXTURES = Path(__file__).parent / "fixtures" / "csv"
VOLATILE = ("created", "updated", "last_contacted")


def contacts(rolodex) -> list[dict]:
    """Every contact as `contact list --format json` shows it, less the timestamps."""
    result = rolodex("contact list --format json")
    assert result.exit_code == 0, result.stderr
    return [{k: v for k, v in c.items() if k not in VOLATILE} for c in result.json()]


def use_database(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setenv("ROLODEX_DB", str(path))
    _context.state.close()


def test_export_then_import_into_an_empty_database_is_exact(rolodex, tmp_path, monkeypatch):
    for args in (
        ["contact", "add", "Dr. Jane Q. Doe Jr.", "-e", "jane@acme.example (work, preferred)",
         "-e", "jane@home.example (home)", "-p", "+44 20 7946 0000 (mobile)",
         "-p", "+44 20 7946 0001", "--address", "1 High St; London; ; SW1 1AA; UK (home)",
         "--address", "Unit 3 (rear), 2 Elm Rd; Leeds; West Yorks; LS1 1AA; UK (work)",
         "--url", "https://jane.example (blog)", "--url", "https://acme.example/J_(CTO) ()",
         "-c", "Acme Ltd", "--title", "CTO", "--department", "Labs", "--nickname", "JD",
         "-t", "vip", "-t", "golf", "-b", "1985-04-15", "--anniversary", "--06-01",
         "--note", "=line1\nline2", "--status", "customer", "--source", "fair",
         "--owner", "tester", "--every", "30d", "--field", "shoe=38",
         "--field", "colour=dark green"],
        ["contact", "add", "John Roe", "-e", "john@roe.example", "--status", "lead"],
    ):
        assert rolodex(args).exit_code == 0
    before = contacts(rolodex)
    exported = tmp_path / "out.csv"
    assert rolodex(["export", "--format", "csv", "-o", str(exported)]).exit_code == 0

    use_database(monkeypatch, tmp_path / "empty.db")
    result = rolodex(["import", str(exported)])
    assert result.exit_code == 0 and "2 new" in result.stderr, result.stderr
    assert contacts(rolodex) == before

    use_database(monkeypatch, tmp_path / "rolodex.db")
    again = rolodex(["import", str(exported)])
    assert "0 new, 0 updated, 2 unchanged" in again.stderr, again.stderr
    assert contacts(rolodex) == before


def test_its_own_export_reads_every_field_back(rolodex):
    result = rolodex(["import", str(FIXTURES / "rolodex-export-every-field.csv")])
    assert result.exit_code == 0, result.stderr
    jane, john = contacts(rolodex)
    assert [(a["street"], a["locality"], a["region"], a["label"], a["preferred"])
            for a in jane["addresses"]] == [
        ("1 High St", "London", None, "home", False),
        ("Unit 3 (rear), 2 Elm Rd", "Leeds", "West Yorks", "work", True)]
    assert [(u["url"], u["label"]) for u in jane["urls"]] == [
        ("https://jane.example", "blog"), ("https://acme.example/wiki/Jane_(CTO)", None)]
    assert (jane["status"], jane["source"], jane["owner"], jane["cadence_days"]) == (
        "customer", "fair", "tester", 30)
    assert jane["custom"] == {"colour": "dark green", "shoe": "38"}
    assert jane["notes"] == "=line1\nline2"
    assert (jane["uid"], john["uid"]) == ("d2751012-7cf5-470e-9e3b-4e23bca2ab52",
                                          "430a830d-7285-4eb0-8206-6c4be202251e")
    assert john["status"] == "lead" and john["addresses"] == []
