"""The search query language (filters, negation, quoting), saved searches and ``@NAME``."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import seeded_once


def ok(result):
    assert result.exit_code == 0, result.stderr
    return result


def add(rolodex, *args: str) -> int:
    return int(ok(rolodex(["contact", "add", *args])).stdout)


def found(rolodex, *words: str) -> list[int]:
    """Ids from ``rolodex search -f json WORDS...`` (options first: -- may follow)."""
    result = ok(rolodex(["search", "-f", "json", *words]))
    return [row["id"] for row in result.json()]


@seeded_once
def book(rolodex) -> dict[str, int]:
    return {
        "zoe": add(rolodex, "Zoë Müller", "-t", "vip", "-c", "Globex GmbH", "--status",
                   "customer", "--owner", "tester", "--source", "referral",
                   "--address", "Hauptstr. 2; BERLIN; ; 10117; Deutschland",
                   "--note", "call at 14:00, see https://zoe.example/x"),
        "jane": add(rolodex, "Jane Doe", "-t", "vip", "-c", "Acme Ltd", "--status", "lead",
                    "-e", "jane@acme.example", "--address", "Main St 1; Berlin; ; 10115; Germany"),
        "bob": add(rolodex, "Bob Stone", "-t", "former", "-t", "vip", "--owner", "someone",
                   "--address", "5th Ave 1; New York; NY; 10001; USA",
                   "--note", "save the date"),
        "ann": add(rolodex, "Ann Åberg", "-c", "Acme Ltd", "--source", "Website",
                   "--address", "Storgatan 1; Malmö; ; 21122; Sweden"),
    }


# --- the query language ----------------------------------------------------------------


@pytest.mark.parametrize(("words", "who"), [
    (["tag:vip"], ["jane", "zoe", "bob"]),  # filters only: every match, by (last) name
    (["tag:VIP"], ["jane", "zoe", "bob"]),
    (["tag:vip", "tag:former"], ["bob"]),           # every filter must hold
    (["status:customer"], ["zoe"]),
    (["Status:CUSTOMER"], ["zoe"]),
    (["owner:me"], ["zoe"]),                        # me = ROLODEX_USER
    (["owner:someone"], ["bob"]),
    (["company:acme"], ["ann", "jane"]),            # resolved like --company
    (["source:website"], ["ann"]),
    (["city:berlin"], ["jane", "zoe"]),             # case-insensitive: "BERLIN" too
    (["city:malmo"], ["ann"]),                      # accent-insensitive
    (["country:germany"], ["jane"]),
    (["city:New York"], ["bob"]),                   # shell-quoted: city:"New York"
    (['city:"new york"'], ["bob"]),                 # quoted for rolodex
    (["city:'new york'"], ["bob"]),
    (['tag:vip city:"New York"'], ["bob"]),         # the whole query as one argument
    (["--", "-tag:former"], ["ann", "jane", "zoe"]),
    (["--", "tag:vip", "-tag:former"], ["jane", "zoe"]),
    (["tag:vip -city:berlin"], ["bob"]),
    (["--", "-status:lead"], ["ann", "zoe", "bob"]),  # no status is not "lead"
    (["--", "-company:acme"], ["zoe", "bob"]),
    (["muller", "tag:vip"], ["zoe"]),               # text and filters
    (["--", "acme", "-tag:vip"], ["ann"]),
    (["city:berlin", "tag:former"], []),
])
def test_filters(rolodex, book, words, who):
    assert found(rolodex, *words) == [book[w] for w in who]


def test_text_with_filters_keeps_the_text_ranking(rolodex, book):
    plain = found(rolodex, "acme")
    assert set(plain) == {book["ann"], book["jane"]}
    assert found(rolodex, "acme", "company:acme") == plain


@pytest.mark.parametrize(("query", "who"), [
    ("14:00", "zoe"),                               # a time is text
    ("https://zoe.example", "zoe"),                 # a URL is text
    ('"status:customer"', None),                    # quoted: the words, not a filter
])
def test_words_with_a_colon_are_text(rolodex, book, query, who):
    assert found(rolodex, query) == ([book[who]] if who else [])


def test_a_colon_word_far_from_any_filter_is_text(rolodex, book):
    assert found(rolodex, "a:b") == []
    assert found(rolodex, "re:date") == []


@pytest.mark.parametrize(("query", "key", "near"), [
    ("tags:vip", "tags", "tag"), ("stauts:lead", "stauts", "status"),
    ("cty:berlin", "cty", "city"), ("Owners:me", "Owners", "owner"),
])
def test_misspelt_filter_is_an_error_naming_it(rolodex, book, query, key, near):
    result = rolodex(["search", query])
    assert result.exit_code == 5
    first = result.stderr.splitlines()[0]
    assert f"unknown filter '{key}:'" in first
    assert f"did you mean '{near}:'" in first
    assert "tag:, status:, owner:, company:, source:, city:, country:" in first
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("query", ['city:"New York', "tag:"])
def test_bad_filter_values(rolodex, book, query):
    result = rolodex(["search", query])
    assert result.exit_code == 5, result.stderr
    assert result.stderr.startswith("rolodex: ")


def test_unknown_company_in_a_filter(rolodex, book):
    assert rolodex("search company:initech").exit_code == 3


def test_plain_text_search_is_unchanged(rolodex, book):
    assert found(rolodex, "muller") == [book["zoe"]]
    assert found(rolodex, "jane@acme.example") == [book["jane"]]
    # no saved search called acme: "@acme" is the text it always was
    assert found(rolodex, "@acme") == found(rolodex, "acme")


# --- save, saved, --rm -----------------------------------------------------------------


def saved(rolodex) -> list[dict]:
    return ok(rolodex("search saved -f json")).json()


def test_save_list_replace_delete(rolodex, book, isolated):
    result = ok(rolodex(["search", "save", "berlin-vip", "tag:vip", "city:berlin"]))
    assert result.stdout == ""
    assert "saved search @berlin-vip: 2 contact(s)" in result.stderr
    ok(rolodex(["search", "save", "ny", "city:New York"]))
    assert [(s["name"], s["query"], s["members"]) for s in saved(rolodex)] == [
        ("berlin-vip", "tag:vip city:berlin", 2), ("ny", 'city:"New York"', 1)]
    assert found(rolodex, "@ny") == [book["bob"]]

    again = ok(rolodex(["search", "save", "NY", "--", "-city:New York"]))
    assert "replaced saved search @NY (was: city:\"New York\")" in again.stderr
    assert [(s["name"], s["query"], s["members"]) for s in saved(rolodex)] == [
        ("berlin-vip", "tag:vip city:berlin", 2), ("NY", '-city:"New York"', 3)]

    ok(rolodex("search saved --rm ny"))
    assert [s["name"] for s in saved(rolodex)] == ["berlin-vip"]
    gone = rolodex("search saved --rm ny")
    assert gone.exit_code == 3
    assert "no saved search named ny" in gone.stderr
    assert "rolodex search saved" in gone.stderr

    # each write is one journalled operation with the row's images
    with sqlite3.connect(isolated) as conn:
        actions = conn.execute("SELECT c.action FROM changes c JOIN operations o"
                               " ON o.id = c.operation_id WHERE c.table_name ="
                               " 'saved_searches' ORDER BY c.id").fetchall()
    assert [a for (a,) in actions] == ["insert", "insert", "update", "delete"]


def test_saved_table(rolodex, book):
    ok(rolodex("search save vip tag:vip"))
    table = ok(rolodex("search saved"))
    assert "@vip" in table.stdout and "tag:vip" in table.stdout and "3" in table.stdout
    assert "no saved searches" in rolodex("search saved --rm vip").stderr + \
        rolodex("search saved").stderr


@pytest.mark.parametrize("name", ["bad name", "a.b", "_x", "ü", "x" * 65])
def test_bad_names(rolodex, book, name):
    result = rolodex(["search", "save", name, "tag:vip"])
    assert result.exit_code == 5
    assert "bad saved search name" in result.stderr
    assert saved(rolodex) == []


def test_save_checks_the_query_first(rolodex, book):
    assert rolodex("search save x tags:vip").exit_code == 5
    assert rolodex("search save x company:nobody").exit_code == 3
    assert rolodex("search save x").exit_code == 5          # no query
    assert rolodex("search save").exit_code == 5
    assert saved(rolodex) == []


def test_a_saved_search_cannot_include_itself(rolodex, book):
    assert "itself: @a -> @a" in rolodex("search save a @a tag:vip").stderr
    ok(rolodex("search save a tag:vip"))
    ok(rolodex("search save b @a city:berlin"))
    loop = rolodex("search save a @b")
    assert loop.exit_code == 5
    assert "@a -> @b -> @a" in loop.stderr
    assert found(rolodex, "@b") == [book["jane"], book["zoe"]]


def test_the_word_save_can_still_be_searched(rolodex, book):
    assert found(rolodex, "save ") == [book["bob"]]
    assert found(rolodex, "--", "save ") == [book["bob"]]
    assert found(rolodex, "save the") == [book["bob"]]     # one argument
    assert found(rolodex, "date", "save") == [book["bob"]]
    assert rolodex("search saved anything").exit_code == 5
    assert rolodex("search bob --rm x").exit_code == 5


def test_a_broken_saved_search_is_listed_with_its_error(rolodex, book):
    ok(rolodex("search save acme company:acme"))
    ok(rolodex("company rm 'Acme Ltd' --yes"))
    [row] = saved(rolodex)
    assert row["members"] is None
    assert "no company matches 'acme'" in row["error"]


# --- membership is dynamic -------------------------------------------------------------


def test_members_are_recomputed_on_every_use(rolodex, book):
    ok(rolodex("search save berlin city:berlin"))
    assert found(rolodex, "@berlin") == [book["jane"], book["zoe"]]
    ok(rolodex(["contact", "edit", str(book["ann"]), "--rm-address",
                "Storgatan 1; Malmö; ; 21122; Sweden",
                "--address", "Unter den Linden 1; Berlin"]))
    ok(rolodex(["contact", "edit", str(book["zoe"]), "--rm-address",
                "Hauptstr. 2; BERLIN; ; 10117; Deutschland"]))
    assert found(rolodex, "@berlin") == [book["ann"], book["jane"]]
    assert [s["members"] for s in saved(rolodex)] == [2]
    assert found(rolodex, "--", "tag:vip", "-@berlin") == [book["zoe"], book["bob"]]


# --- @NAME wherever contacts are named -------------------------------------------------


def test_log_at_name_logs_with_every_member(rolodex, book):
    ok(rolodex("search save vip tag:vip"))
    entry = int(ok(rolodex("log @vip letter 'season greetings'")).stdout)
    [row] = ok(rolodex("history -f json")).json()
    assert row["id"] == entry
    assert sorted(c["id"] for c in row["contacts"]) == sorted(
        [book["bob"], book["jane"], book["zoe"]])


def test_tag_at_name_and_from_stdin(rolodex, book):
    ok(rolodex("search save berlin city:berlin"))
    assert "tagged 2 of 2" in ok(rolodex("contact tag @berlin local")).stderr
    assert found(rolodex, "tag:local") == [book["jane"], book["zoe"]]
    ok(rolodex("contact tag - nordic", input=f"@berlin\n{book['ann']}\n"))
    assert found(rolodex, "tag:nordic") == [book["ann"], book["jane"], book["zoe"]]


def test_task_for_at_name(rolodex, book):
    ok(rolodex("search save ny 'city:\"new york\"'"))
    ok(rolodex("task add 'Send card' --for @ny --for jane"))
    [task] = ok(rolodex("task list -f json")).json()
    assert [c["id"] for c in task["contacts"]] == [book["bob"], book["jane"]]


def test_export_selects_by_search_and_saved_search(rolodex, book):
    ok(rolodex("search save berlin city:berlin"))
    vcards = ok(rolodex("export --search @berlin")).stdout
    assert vcards.count("BEGIN:VCARD") == 2
    assert "FN:Jane Doe" in vcards and "FN:Zoë Müller" in vcards
    csv = ok(rolodex("export -f csv --search 'tag:vip -@berlin'")).stdout
    assert "Bob Stone" in csv and "Jane Doe" not in csv


def test_unknown_saved_search(rolodex, book):
    for args in ("log @nope call", "contact tag @nope x", "task list --for @nope"):
        result = rolodex(args)
        assert result.exit_code == 3, args
        assert "no saved search named nope" in result.stderr
        assert "rolodex search saved" in result.stderr
    assert ok(rolodex("history -f json")).json() == []


def test_single_ref_at_name(rolodex, book):
    ok(rolodex("search save vip tag:vip"))
    ok(rolodex("search save ny 'city:New York'"))
    ok(rolodex("search save nobody tag:nobody"))
    result = rolodex("history @vip")
    assert result.exit_code == 4
    assert "'@vip' matches 3 contacts" in result.stderr
    assert f"#{book['bob']} Bob Stone" in result.stderr
    assert f"#{book['zoe']} Zoë Müller (Globex GmbH)" in result.stderr
    assert ok(rolodex("contact show @ny -f json")).json()["id"] == book["bob"]
    ok(rolodex(["log", str(book["bob"]), "call"]))
    assert len(ok(rolodex("history @ny -f json")).json()) == 1
    empty = rolodex("task list --for @nobody")
    assert empty.exit_code == 3
    assert "saved search @nobody has no members" in empty.stderr
    assert rolodex("contact tag @nobody x").exit_code == 3


def test_completion_offers_saved_searches(rolodex, book):
    from rolodex.cli.completion import complete_contact

    ok(rolodex("search save vip tag:vip"))
    ok(rolodex("search save venue city:berlin"))
    assert complete_contact("@v") == [("@venue", "city:berlin"), ("@vip", "tag:vip")]
    assert complete_contact("@VI") == [("@vip", "tag:vip")]
    assert complete_contact("zo") == [("Zoë Müller", "")]
