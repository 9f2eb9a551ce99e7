"""``rolodex company merge A B``: the duplicate companies ``dupes`` finds, folded together."""

from __future__ import annotations

import pytest
from test_merge import dump, ok


@pytest.fixture
def acme(rolodex) -> None:
    """Two records of one company, each with people, history, a deal, tags and fields."""
    for args in (
            ["company", "add", "Acme Ltd", "--domain", "acme.example", "-t", "client",
             "--field", "vat=GB123", "--field", "size=50"],
            ["company", "add", "ACME Limited", "--phone", "+44 20 7946 0000", "-t", "vip",
             "-t", "client", "--note", "met at the trade fair", "--field", "size=60",
             "--field", "sector=tools"],
            ["add", "Jane Doe", "-c", "#1"], ["add", "Bob Roe", "-c", "#2"],
            ["log", "Bob Roe", "call", "pricing", "-c", "#2"],
            ["deal", "add", "Tools order", "-c", "#2", "--amount", "5000"]):
        ok(rolodex, args)


def companies(rolodex) -> list[dict]:
    return ok(rolodex, ["company", "list", "-f", "json"]).json()


def test_dry_run_shows_the_plan_and_writes_nothing(rolodex, acme, isolated):
    before = dump(isolated)
    result = ok(rolodex, ["company", "merge", "1", "2", "--dry-run", "-f", "json"])
    plan = {row["field"]: row for row in result.json()}
    assert plan["name"]["result"] == "Acme Ltd" and plan["name"]["why"] == "A preferred"
    assert plan["phone"]["result"] == "+44 20 7946 0000"
    assert plan["tags"]["result"] == "client; vip"
    assert plan["custom"]["result"] == "sector=tools; size=50; size-merged=60; vat=GB123"
    assert (plan["people"]["a"], plan["people"]["b"], plan["people"]["result"]) == ("1", "1",
                                                                                  "2")
    assert "nothing written" in result.stderr
    assert dump(isolated) == before


def test_everything_moves_to_a_and_b_is_gone(rolodex, acme):
    ok(rolodex, ["company", "merge", "Acme Ltd", "ACME Limited", "--yes"])
    [company] = companies(rolodex)
    assert (company["id"], company["name"], company["phone"], company["domain"]) == (
        1, "Acme Ltd", "+44 20 7946 0000", "acme.example")
    assert company["tags"] == ["client", "vip"] and company["notes"] == "met at the trade fair"
    assert company["custom"] == {"sector": "tools", "size": "50", "size-merged": "60",
                                 "vat": "GB123"}
    people = ok(rolodex, ["contact", "list", "-f", "json"]).json()
    assert {(p["name"], p["company_id"]) for p in people} == {("Jane Doe", 1), ("Bob Roe", 1)}
    assert ok(rolodex, ["history", "-c", "1", "-f", "ids"]).stdout == "1\n"
    assert [d["company_id"] for d in ok(rolodex, ["deal", "list", "-f", "json"]).json()] == [1]
    assert sorted(ok(rolodex, ["search", "ltd", "-f", "ids"]).stdout.split()) == ["1", "2"], \
        "the search index knows Bob's company by its new name"


def test_prefer_b_takes_bs_name_and_keeps_answering_to_as_old_one(rolodex, acme, isolated):
    before = dump(isolated)
    ok(rolodex, ["company", "merge", "1", "2", "--prefer", "B", "--yes"])
    [company] = companies(rolodex)
    assert (company["id"], company["name"]) == (1, "ACME Limited")
    assert company["custom"]["size"] == "60" and company["custom"]["size-merged"] == "50"
    assert ok(rolodex, ["company", "show", "Acme Ltd", "-f", "json"]).json()["id"] == 1
    new = int(ok(rolodex, ["add", "Cy Poe", "-c", "Acme Ltd"]).stdout)
    assert ok(rolodex, ["contact", "show", str(new), "-f", "json"]).json()["company_id"] == 1
    ok(rolodex, ["undo"])
    ok(rolodex, ["undo"])
    assert dump(isolated) == before


def test_undo_gives_back_both_companies_exactly(rolodex, acme, isolated):
    before = dump(isolated)
    shown = companies(rolodex)
    ok(rolodex, ["company", "merge", "1", "2", "--yes"])
    ok(rolodex, ["undo"])
    assert dump(isolated) == before
    assert companies(rolodex) == shown


def test_imports_that_name_b_mean_a(rolodex, acme, tmp_path):
    card = tmp_path / "org.vcf"
    uid_b = companies(rolodex)[0]["uid"]  # ACME Limited sorts first
    ok(rolodex, ["company", "merge", "1", "2", "--yes"])
    card.write_text(
        f"BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nUID:{uid_b}\r\nFN:ACME Limited\r\n"
        f"TEL:+44 20 0000 0000\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p-1\r\nFN:Cy Poe\r\nORG:Acme Limited\r\nEND:VCARD\r\n")
    result = ok(rolodex, ["import", str(card), "-f", "json"])
    assert result.json()["skipped"] == 1 and result.json()["new"] == 1
    [company] = companies(rolodex)
    assert company["phone"] == "+44 20 7946 0000", "the merged company's card changes nothing"
    people = ok(rolodex, ["contact", "list", "-f", "json"]).json()
    assert {p["name"]: p["company_id"] for p in people}["Cy Poe"] == 1


def test_refusals(rolodex, acme):
    same = rolodex(["company", "merge", "1", "1", "--yes"])
    assert same.exit_code == 5 and "with itself" in same.stderr
    unknown = rolodex(["company", "merge", "1", "nope", "--yes"])
    assert unknown.exit_code == 3
    no_terminal = rolodex(["company", "merge", "1", "2"])
    assert no_terminal.exit_code == 9
    assert len(companies(rolodex)) == 2


def test_bs_name_and_uid_name_a_afterwards(rolodex, acme):
    uid_b = companies(rolodex)[0]["uid"]
    ok(rolodex, ["company", "merge", "1", "2", "--yes"])
    for ref in ("ACME Limited", uid_b):
        assert ok(rolodex, ["company", "show", ref, "-f", "json"]).json()["id"] == 1
    new = int(ok(rolodex, ["add", "Cy Poe", "-c", "acme limited"]).stdout)
    assert ok(rolodex, ["contact", "show", str(new), "-f", "json"]).json()["company_id"] == 1
    assert len(companies(rolodex)) == 1


def test_ambiguous_companies_are_counted_in_english(rolodex, acme):
    result = rolodex(["company", "show", "ac"])
    assert result.exit_code == 4 and "'ac' matches 2 companies" in result.stderr
