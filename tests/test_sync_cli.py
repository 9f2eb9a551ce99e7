"""How ``rolodex sync`` is spelled (#15): ``sync NAME`` syncs one account as ``sync run
NAME`` does, and options given before the name are never dropped on the way (a dry run
that wrote would be the worst surprise)."""

from __future__ import annotations

import pytest


@pytest.fixture
def account(rolodex, tmp_path):
    folder = tmp_path / "team"
    for args in (["add", "Jane Doe", "-e", "jane@acme.example"], ["add", "Bob Roe"],
                 ["sync", "add", "team", "--vdir", str(folder)]):
        assert rolodex(args).exit_code == 0
    return folder


@pytest.mark.parametrize("args", [["sync", "team", "--dry-run"],
                                  ["sync", "--dry-run", "team"],
                                  ["sync", "--dry-run", "run", "team"]])
def test_a_dry_run_writes_nothing_however_spelled(rolodex, account, args):
    result = rolodex(args)
    assert result.exit_code == 0, result.stderr
    assert "team: would be 2 uploaded" in result.stderr
    assert list(account.iterdir()) == []


@pytest.mark.parametrize("args", [["sync", "team", "--format", "json"],
                                  ["sync", "--format", "json", "team"]])
def test_sync_name_syncs_that_account(rolodex, account, args):
    result = rolodex(args)
    assert result.exit_code == 0, result.stderr
    row, *cards = result.json()  # the contacts, then the companies and groups
    assert (row["account"], row["uploaded"], row["dry_run"]) == ("team", 2, False)
    assert [(c["kind"], c["uploaded"]) for c in cards] == [("companies", 0), ("groups", 0)]
    assert len(list(account.glob("*.vcf"))) == 2


def test_an_unknown_account_is_one_line_and_exit_3(rolodex, account):
    result = rolodex(["sync", "office"])
    assert result.exit_code == 3
    assert result.stderr.startswith("rolodex: no sync account named 'office'")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["status", "run", "conflicts"])
def test_an_account_cannot_be_named_like_a_sync_command(rolodex, tmp_path, name):
    result = rolodex(["sync", "add", name, "--vdir", str(tmp_path / "v")])
    assert result.exit_code == 5
    assert f"'{name}' is a sync command" in result.stderr


def test_sync_listings_fit_and_choose_their_columns(rolodex, account, monkeypatch):
    assert rolodex(["sync", "team"]).exit_code == 0
    monkeypatch.setenv("COLUMNS", "60")
    status = rolodex(["sync", "status"]).stdout
    assert all(len(line) <= 60 for line in status.splitlines())
    assert "Account" in status and "contacts" in status and "(UTC)" not in status
    chosen = rolodex(["sync", "status", "--columns", "kind,items"]).stdout.splitlines()
    assert chosen[1].split() == ["Kind", "Items"]
    assert rolodex(["sync", "list", "--columns", "nosuch"]).exit_code == 5
