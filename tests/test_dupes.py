"""``rolodex dupes`` and the duplicate warnings of ``add`` and ``import``: the real CLI."""

from __future__ import annotations

import csv
import io

import pytest


def add(rolodex, *args: str) -> int:
    result = rolodex(["add", *args])
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


def pairs(rolodex, *args: str) -> list[dict]:
    result = rolodex(["dupes", "-f", "json", *args])
    assert result.exit_code == 0, result.stderr
    return result.json()


def codes(row: dict) -> list[str]:
    return [r.split(":")[0] for r in row["reasons"]]


def one_pair(rolodex, *args: str) -> dict:
    found = [p for p in pairs(rolodex, "--min-score", "0", *args) if p["kind"] == "contact"]
    assert len(found) == 1, found
    return found[0]


# --- each reason --------------------------------------------------------------------------


def test_same_email_ignoring_case(rolodex):
    a = add(rolodex, "Jane Doe", "-e", "jane@acme.example")
    b = add(rolodex, "J. Smith", "-e", "JANE@Acme.Example")
    pair = one_pair(rolodex)
    assert (pair["a_id"], pair["b_id"]) == (a, b)
    assert pair["reasons"] == ["email: jane@acme.example"]
    assert pair["score"] == 85


def test_same_phone_written_nationally_and_internationally(rolodex):
    add(rolodex, "Jane Doe", "-p", "+1 (555) 010-0100")
    add(rolodex, "Janet Smith", "-p", "555.010.0100")
    pair = one_pair(rolodex)
    assert codes(pair) == ["phone"]
    assert pair["score"] == 70


def test_numbers_sharing_only_their_last_digits_are_not_a_match(rolodex):
    add(rolodex, "Jane Doe", "-p", "+1 555 010 0100")
    add(rolodex, "John Roe", "-p", "+1 666 010 0100")
    assert pairs(rolodex, "--min-score", "0") == []


def test_same_name_after_folding_accents_and_case(rolodex):
    add(rolodex, "José Müller")
    add(rolodex, "jose muller")
    pair = one_pair(rolodex)
    assert pair["reasons"] == ["name: José Müller"]
    assert pair["score"] == 60


@pytest.mark.parametrize(("first", "second"), [
    ("Robert Smith", "Bob Smith"), ("William Gates", "Bill Gates"),
    ("Elizabeth Taylor", "Liz Taylor"), ("Katherine Jones", "Katie Jones"),
    ("Kate Jones", "Katherine Jones"),
])
def test_nicknames(rolodex, first, second):
    add(rolodex, first)
    add(rolodex, second)
    pair = one_pair(rolodex)
    assert codes(pair) == ["nickname"]
    assert pair["reasons"][0] == f"nickname: {first.split()[0]} = {second.split()[0]}"


def test_different_first_names_are_not_nicknames(rolodex):
    add(rolodex, "Robert Smith")
    add(rolodex, "William Smith")
    assert pairs(rolodex, "--min-score", "0") == []


def test_first_and_last_name_swapped(rolodex):
    add(rolodex, "Jane Doe")
    add(rolodex, "Doe Jane")
    pair = one_pair(rolodex)
    assert pair["reasons"] == ["swapped: Jane Doe = Doe Jane"]


def test_same_company_boosts_but_is_no_evidence_alone(rolodex):
    add(rolodex, "Jane Doe", "-c", "Acme Ltd")
    add(rolodex, "Jane Doe", "-c", "Acme Ltd")
    add(rolodex, "John Roe", "-c", "Acme Ltd")
    found = pairs(rolodex, "--min-score", "0")
    assert len(found) == 1
    assert found[0]["reasons"] == ["name: Jane Doe", "company: Acme Ltd"]
    assert found[0]["score"] == 72


def test_birthdays_boost_or_cast_doubt(rolodex):
    add(rolodex, "Jane Doe", "-b", "1985-04-15")
    add(rolodex, "Jane Doe", "-b", "--04-15")
    add(rolodex, "Jane Doe", "-b", "1990-01-01")
    found = {(p["a_id"], p["b_id"]): p for p in pairs(rolodex, "--min-score", "0")}
    assert found[(1, 2)]["reasons"] == ["name: Jane Doe", "birthday: 1985-04-15"]
    assert found[(1, 2)]["score"] == 72
    assert codes(found[(1, 3)]) == ["name", "birthday-differs"]
    assert found[(1, 3)]["score"] == 30
    assert (1, 3) not in {(p["a_id"], p["b_id"]) for p in pairs(rolodex)}


def test_several_reasons_add_up(rolodex):
    add(rolodex, "Jane Doe", "-e", "jane@acme.example", "-p", "+1 555 010 0100")
    add(rolodex, "Jane Doe", "-e", "jane@acme.example", "-p", "555 010 0100")
    pair = one_pair(rolodex)
    assert codes(pair) == ["email", "phone", "name"]
    assert pair["score"] == 98


def test_three_cards_of_one_person_are_one_group(rolodex):
    add(rolodex, "Jane Doe", "-e", "jane@acme.example")
    add(rolodex, "Jane Doe", "-e", "jane@acme.example")
    add(rolodex, "Doe Jane", "-e", "jane@acme.example")
    add(rolodex, "John Roe", "-e", "john@roe.example")
    add(rolodex, "John Roe", "-e", "john@roe.example")
    found = pairs(rolodex)
    groups = {(p["a_id"], p["b_id"]): p["group"] for p in found}
    assert set(groups) == {(1, 2), (1, 3), (2, 3), (4, 5)}
    assert groups[(1, 2)] == groups[(1, 3)] == groups[(2, 3)] != groups[(4, 5)]


def test_a_key_shared_by_very_many_is_no_evidence(rolodex, tmp_path):
    cards = "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person{i} Example\r\nN:Example;Person{i}"
                    f";;;\r\nTEL:+1 555 010 0000\r\nEND:VCARD\r\n" for i in range(60))
    (tmp_path / "office.vcf").write_text(cards)
    assert rolodex(["import", str(tmp_path / "office.vcf")]).exit_code == 0
    assert pairs(rolodex, "--min-score", "0") == []


# --- companies ----------------------------------------------------------------------------


def test_companies_by_name_without_legal_form(rolodex):
    for name in ("Acme Ltd", "ACME, Inc.", "Globex GmbH"):
        assert rolodex(["company", "add", name]).exit_code == 0
    found = pairs(rolodex)
    assert found == [{"kind": "company", "score": 75, "a_id": 1, "a_name": "Acme Ltd",
                      "b_id": 2, "b_name": "ACME, Inc.",
                      "reasons": ["name: Acme Ltd = ACME, Inc."], "group": 1}]


def test_companies_by_domain(rolodex):
    assert rolodex(["company", "add", "Acme", "--domain", "acme.example"]).exit_code == 0
    assert rolodex(["company", "add", "Acme Widgets", "--website",
                    "https://www.acme.example/widgets"]).exit_code == 0
    assert rolodex(["company", "add", "Initech", "--domain", "initech.example"]).exit_code == 0
    found = pairs(rolodex)
    assert [(p["kind"], p["a_id"], p["b_id"], p["reasons"]) for p in found] == [
        ("company", 1, 2, ["domain: acme.example"])]


# --- options and formats ------------------------------------------------------------------


@pytest.fixture
def some_dupes(rolodex):
    add(rolodex, "Jane Doe", "-e", "jane@acme.example")
    add(rolodex, "Jane Doe", "-e", "jane@acme.example")
    add(rolodex, "Robert Smith")
    add(rolodex, "Bob Smith")


def test_min_score_and_limit(rolodex, some_dupes):
    assert [p["score"] for p in pairs(rolodex)] == [94, 50]
    assert [p["score"] for p in pairs(rolodex, "--min-score", "51")] == [94]
    assert [p["score"] for p in pairs(rolodex, "--min-score", "95")] == []
    assert [p["score"] for p in pairs(rolodex, "--limit", "1")] == [94]
    assert rolodex("dupes --min-score 101").exit_code == 2


def test_machine_formats_carry_the_documented_keys(rolodex, some_dupes):
    keys = ["kind", "score", "a_id", "a_name", "b_id", "b_name", "reasons", "group"]
    assert list(pairs(rolodex)[0]) == keys
    lines = rolodex("dupes -f jsonl").jsonl()
    assert [line["b_name"] for line in lines] == ["Jane Doe", "Bob Smith"]
    rows = list(csv.reader(io.StringIO(rolodex("dupes -f csv").stdout)))
    assert rows[0] == keys
    assert rows[1] == ["contact", "94", "1", "Jane Doe", "2", "Jane Doe",
                       "email: jane@acme.example; name: Jane Doe", "1"]
    tsv = rolodex("dupes -f tsv").stdout.splitlines()
    assert tsv[0].split("\t") == keys
    assert len(tsv) == 3


def test_table_and_empty_listing(rolodex, some_dupes):
    table = rolodex("dupes").stdout
    assert "#1 Jane Doe" in table and "nickname: Robert = Bob" in table
    assert rolodex("dupes -f ids").exit_code == 5


def test_no_duplicates(rolodex):
    add(rolodex, "Jane Doe")
    result = rolodex("dupes")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no likely duplicates" in result.stderr
    assert rolodex("dupes -f csv").stdout.startswith("kind,score,a_id")


# --- warnings on add and import -----------------------------------------------------------


def test_add_warns_but_adds(rolodex):
    add(rolodex, "Jane Doe", "-e", "jane@acme.example")
    result = rolodex(["add", "Janet Smith", "-e", "Jane@acme.example"])
    assert result.exit_code == 0
    assert result.stdout == "2\n"
    assert "warning: looks like #1 Jane Doe (same email)" in result.stderr
    assert len(rolodex("contact list -f json").json()) == 2


def test_add_names_several_reasons_and_still_warns_when_quiet(rolodex):
    add(rolodex, "Robert Smith", "-p", "+44 20 7946 0018")
    result = rolodex(["-q", "add", "Bob Smith", "-p", "020 7946 0018"])
    assert result.stderr == "warning: looks like #1 Robert Smith (same phone, nickname)\n"


def test_add_of_someone_new_says_nothing_more(rolodex):
    add(rolodex, "Jane Doe", "-e", "jane@acme.example", "-c", "Acme Ltd")
    result = rolodex(["add", "John Roe", "-e", "john@acme.example", "-c", "Acme Ltd"])
    assert "warning" not in result.stderr


VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Smith\r\nN:Smith;Bob;;;\r\nUID:card-bob\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mary Major\r\nN:Major;Mary;;;\r\nUID:card-mary\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mary Major\r\nN:Major;Mary;;;\r\nUID:card-mary-2\r\n"
    "END:VCARD\r\n"
)


def test_import_reports_new_contacts_that_look_like_existing_ones(rolodex, tmp_path):
    add(rolodex, "Robert Smith", "-e", "robert@smith.example")
    (tmp_path / "cards.vcf").write_text(VCARDS)
    result = rolodex(["import", str(tmp_path / "cards.vcf")])
    assert result.exit_code == 0, result.stderr
    # the two Marys are both new: an import does not compare its own cards
    assert "  Bob Smith: new #2 looks like #1 Robert Smith (nickname)" in result.stderr
    assert ("imported 3 contact(s): 3 new, 0 updated, 0 unchanged, 0 skipped, 0 failed, "
            "1 likely duplicate(s)") in result.stderr
    assert "Mary" not in result.stderr


def test_import_json_and_dry_run_list_the_duplicates(rolodex, tmp_path):
    add(rolodex, "Robert Smith")
    (tmp_path / "cards.vcf").write_text(VCARDS)
    result = rolodex(["import", str(tmp_path / "cards.vcf"), "--dry-run", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert result.json()["duplicates"] == [{
        "name": "Bob Smith", "source": str(tmp_path / "cards.vcf"), "index": 1, "id": 2,
        "duplicate_id": 1, "duplicate_name": "Robert Smith", "score": 50,
        "reasons": ["nickname: Robert = Bob"], "why": "nickname"}]
    assert len(rolodex("contact list -f json").json()) == 1


def test_import_without_duplicates_keeps_its_summary(rolodex, tmp_path):
    (tmp_path / "cards.vcf").write_text(VCARDS)
    result = rolodex(["import", str(tmp_path / "cards.vcf"), "--format", "json"])
    assert result.json()["duplicates"] == []
    assert result.stderr.rstrip().endswith("0 skipped, 0 failed")
