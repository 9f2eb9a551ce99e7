"""``rolodex search``: case, accents, prefixes, phones, every indexed field, and freshness."""

from __future__ import annotations

import pytest
from conftest import seeded_once


def add(rolodex, *args: str) -> int:
    result = rolodex(["contact", "add", *args])
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


def found(rolodex, query: str, *args: str) -> list[int]:
    result = rolodex(["search", query, "-f", "json", *args])
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    assert isinstance(rows, list)
    return [row["id"] for row in rows]


@seeded_once
def people(rolodex) -> dict[str, int]:
    return {
        "zoe": add(rolodex, "Zoë Müller", "-e", "zoe@globex.example", "-c", "Globex GmbH",
                   "-p", "0176 123-45678 (mobile)", "--title", "Head of Procurement",
                   "-t", "berlin"),
        "jose": add(rolodex, "José Álvarez", "-e", "jalvarez@initech.example", "-c", "Initech",
                    "--note", "Loves flamenco; met at the Sevilla trade fair", "-t", "spain"),
        "janet": add(rolodex, "Janet Smith", "-p", "+1 (555) 010-0100", "--title", "Engineer",
                     "--nickname", "Jay"),
        "bob": add(rolodex, "Bob Stone", "-e", "bob@stone.example", "-t", "vip"),
    }


@pytest.mark.parametrize("query", ["muller", "Müller", "MÜLLER", "MULLER", "zoe", "ZOË",
                                   "zoë müller", "muller zoe"])
def test_case_and_accents_do_not_matter(rolodex, people, query):
    assert found(rolodex, query) == [people["zoe"]]


@pytest.mark.parametrize("query", ["jose", "JOSÉ", "alvarez", "Álvarez", "álv"])
def test_jose(rolodex, people, query):
    assert found(rolodex, query) == [people["jose"]]


def test_prefix(rolodex, people):
    assert found(rolodex, "jan") == [people["janet"]]
    assert found(rolodex, "sm") == [people["janet"]]
    assert sorted(found(rolodex, "j")) == sorted([people["jose"], people["janet"]])
    assert found(rolodex, "janetx") == []


def test_all_words_must_match(rolodex, people):
    assert found(rolodex, "janet engineer") == [people["janet"]]
    assert found(rolodex, "janet procurement") == []
    assert found(rolodex, "muller globex") == [people["zoe"]]


@pytest.mark.parametrize(("query", "who"), [
    ("5550100100", "janet"),
    ("+1 555 010 0100", "janet"),
    ("(555) 010-0100", "janet"),
    ("15550100100", "janet"),
    ("0100100", "janet"),
    ("017612345678", "zoe"),
    ("0176 123-45678", "zoe"),
    ("+49 176 12345678", "zoe"),
    ("0049 176 12345678", "zoe"),
    ("12345678", "zoe"),
])
def test_phone_numbers_match_however_written(rolodex, people, query, who):
    assert found(rolodex, query) == [people[who]]


def test_phone_that_does_not_match(rolodex, people):
    assert found(rolodex, "+44 20 7946 0958") == []


@pytest.mark.parametrize(("query", "who"), [
    ("globex", "zoe"),
    ("initech", "jose"),
    ("berlin", "zoe"),
    ("vip", "bob"),
    ("spain", "jose"),
    ("procurement", "zoe"),
    ("engineer", "janet"),
    ("flamenco", "jose"),
    ("sevilla", "jose"),
    ("jay", "janet"),
    ("bob@stone.example", "bob"),
    ("jalvarez@initech.example", "jose"),
    ("jalvarez", "jose"),
    ("stone.example", "bob"),
])
def test_every_indexed_field(rolodex, people, query, who):
    assert found(rolodex, query) == [people[who]]


def test_no_match_is_success_with_empty_list(rolodex, people):
    result = rolodex("search nobodyatall -f json")
    assert result.exit_code == 0
    assert result.json() == []
    table = rolodex("search nobodyatall")
    assert table.exit_code == 0
    assert table.stdout == ""
    assert "no matches" in table.stderr


def test_empty_database(rolodex):
    result = rolodex("search anything -f json")
    assert result.exit_code == 0
    assert result.json() == []


@pytest.mark.parametrize("query", ['"', "'", "*", "AND", "OR", "NOT", "-", "(", "a:b",
                                   "NEAR(", "^", "{x}"])
def test_query_syntax_characters_are_not_errors(rolodex, people, query):
    result = rolodex(["search", query, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert isinstance(result.json(), list)


def test_search_limit(rolodex, people):
    assert len(found(rolodex, "example")) == 3
    assert len(found(rolodex, "example", "--limit", "2")) == 2
    assert found(rolodex, "example", "--limit", "1") == found(rolodex, "example")[:1]


def test_search_limit_zero_shows_nothing(rolodex, people):
    """As in ``contact list --limit 0``: at most zero results."""
    assert found(rolodex, "example", "--limit", "0") == []
    assert rolodex("search example --limit 0 -f ids").stdout == ""


# --- the index follows every change ----------------------------------------------------


def test_results_follow_edits(rolodex, people):
    zoe = people["zoe"]
    rolodex(["contact", "edit", str(zoe), "--title", "Chief Buyer"])
    assert found(rolodex, "procurement") == []
    assert found(rolodex, "buyer") == [zoe]
    rolodex(["contact", "edit", str(zoe), "--name", "Zoë Schmidt"])
    assert found(rolodex, "muller") == []
    assert found(rolodex, "schmidt") == [zoe]
    rolodex(["contact", "edit", str(zoe), "--note", "likes sailing"])
    assert found(rolodex, "sailing") == [zoe]


def test_results_follow_detail_changes(rolodex, people):
    bob = people["bob"]
    rolodex(["contact", "edit", str(bob), "--email", "robert@quarry.example",
             "--phone", "+44 20 7946 0958"])
    assert found(rolodex, "quarry") == [bob]
    assert found(rolodex, "02079460958") == [bob]
    rolodex(["contact", "edit", str(bob), "--rm-email", "robert@quarry.example",
             "--rm-phone", "+44 20 7946 0958"])
    assert found(rolodex, "quarry") == []
    assert found(rolodex, "02079460958") == []


def test_results_follow_tags(rolodex, people):
    bob = people["bob"]
    rolodex(["contact", "tag", str(bob), "golfer"])
    assert found(rolodex, "golfer") == [bob]
    rolodex(["contact", "untag", str(bob), "golfer", "vip"])
    assert found(rolodex, "golfer") == []
    assert found(rolodex, "vip") == []


def test_results_follow_company_changes(rolodex, people):
    zoe = people["zoe"]
    rolodex(["contact", "edit", str(zoe), "--company", "Umbrella Corp"])
    assert found(rolodex, "umbrella") == [zoe]
    assert found(rolodex, "gmbh") == []  # "globex" is still in her email address
    rolodex(["contact", "edit", str(zoe), "--company", ""])
    assert found(rolodex, "umbrella") == []


def test_results_follow_deletions(rolodex, people):
    rolodex(["contact", "rm", "--yes", "Zoë Müller"])
    assert found(rolodex, "muller") == []
    assert found(rolodex, "0176 123-45678") == []
    assert found(rolodex, "globex") == []
    assert found(rolodex, "procurement") == []
    assert set(found(rolodex, "j")) == {people["jose"], people["janet"]}


def test_new_contact_is_found_at_once(rolodex, people):
    new = add(rolodex, "Ørjan Łukasz")
    assert found(rolodex, "orjan") == [new]
    assert found(rolodex, "lukasz") == [new]


def test_phone_with_extension(rolodex):
    contact_id = add(rolodex, "Ext Person", "-p", "+1 (555) 010-0199 ext. 12")
    assert found(rolodex, "5550100199") == [contact_id]
    assert found(rolodex, "+1 555 010 0199") == [contact_id]


def test_accented_company_name(rolodex):
    contact_id = add(rolodex, "Jane Doe", "-c", "Société Générale")
    assert found(rolodex, "societe") == [contact_id]
    assert found(rolodex, "GÉNÉRALE") == [contact_id]


def test_search_table_output(rolodex, people):
    result = rolodex("search muller")
    assert result.exit_code == 0
    assert "Zoë Müller" in result.stdout
    assert "Globex GmbH" in result.stdout
    assert "Bob Stone" not in result.stdout
