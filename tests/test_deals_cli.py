"""Deals through the real CLI: exact amounts, stages with their dates, owners, errors."""

from __future__ import annotations

import pytest


@pytest.fixture
def at(rolodex, monkeypatch):
    """Run a command as if it were ``when`` (UTC), so stage dates differ."""
    def run(when: str, args: str):
        monkeypatch.setenv("ROLODEX_NOW", when)
        return rolodex(args)
    return run


def test_add_list_show_with_exact_amounts(rolodex):
    rolodex('add "Jane Doe" --email jane@acme.example --company "Acme Ltd" --source referral')
    r = rolodex('deal add "Website redesign" --contact jane --amount 12,500.10 --close 2026-12-15')
    assert (r.exit_code, r.stdout) == (0, "1\n")
    rolodex('deal add "Hosting" --amount 0.10 --currency usd --stage proposal --probability 33')
    deals = rolodex("deal list -f json").json()
    website, hosting = deals
    assert website["amount"] == "12500.10" and website["currency"] == "EUR"
    assert website["company"] == "Acme Ltd", "the company comes from the first contact"
    assert website["source"] == "referral", "the source comes from the first contact"
    assert (website["stage"], website["probability"], website["weighted"]) == \
        ("lead", 10, "1250.01")
    assert website["contacts"] == [{"id": 1, "name": "Jane Doe"}]
    assert (hosting["currency"], hosting["probability"], hosting["weighted"]) == \
        ("USD", 33, "0.03")
    shown = rolodex("deal show 1 -f json").json()
    assert [s["stage"] for s in shown["stages"]] == ["lead"]
    assert "Website redesign" in rolodex("deal show 1").stdout


def test_stage_history_and_time_in_stage(at):
    at("2026-10-01T10:00:00Z", 'deal add "Website" --amount 100')
    at("2026-10-11T10:00:00Z", "deal move 1 qualified")
    at("2026-10-21T10:00:00Z", "deal move 1 Proposal")
    at("2026-11-10T10:00:00Z", 'deal won 1 --reason "best references"')
    shown = at("2026-11-20T09:00:00Z", "deal show 1 -f json").json()
    assert [(s["stage"], s["days"]) for s in shown["stages"]] == [
        ("lead", 10), ("qualified", 10), ("proposal", 20), ("won", 0)]
    assert (shown["status"], shown["reason"], shown["closed"]) == \
        ("won", "best references", "2026-11-10T10:00:00Z")
    assert shown["days_in_stage"] == 0, "a closed deal stops counting"
    reopened = at("2026-11-20T09:00:00Z", "deal move 1 negotiation")
    assert reopened.exit_code == 0
    again = at("2026-11-20T09:00:00Z", "deal show 1 -f json").json()
    assert (again["status"], again["closed"], again["reason"]) == ("open", None, None)


def test_listing_filters(rolodex, monkeypatch):
    rolodex('deal add "A" --owner tester --amount 1')
    rolodex('deal add "B" --owner sam --amount 2 --stage proposal')
    rolodex('deal add "C" --amount 3')
    rolodex("deal lost 3")
    assert [d["title"] for d in rolodex("deal list --mine -f json").json()] == ["A"]
    assert [d["title"] for d in rolodex("deal list --owner sam -f json").json()] == ["B"]
    assert [d["title"] for d in rolodex("deal list --lost -f json").json()] == ["C"]
    assert [d["title"] for d in rolodex("deal list --all --sort -amount -f json").json()] == \
        ["C", "B", "A"]
    assert [d["title"] for d in rolodex("deal list --stage proposal -f json").json()] == ["B"]
    monkeypatch.setenv("ROLODEX_USER", "sam")
    assert [d["title"] for d in rolodex("deal list --mine -f json").json()] == ["B"]


def test_mine_on_contacts_and_tasks(rolodex):
    rolodex('add "Jane Doe" --owner tester')
    rolodex('add "John Roe" --owner sam')
    rolodex('task add "Call" --owner tester')
    rolodex('task add "Mail" --owner sam')
    assert [c["name"] for c in rolodex("contact list --mine -f json").json()] == ["Jane Doe"]
    assert [t["title"] for t in rolodex("task list --mine -f json").json()] == ["Call"]
    r = rolodex("task list --mine --owner sam")
    assert r.exit_code == 5 and "--owner" in r.stderr


def test_edit_and_remove(rolodex):
    rolodex('add "Jane Doe"')
    rolodex('add "John Roe"')
    rolodex('deal add "Deal" --contact jane --amount 10 --probability 40')
    assert rolodex("deal edit 1 --amount 14,000 --contact john --not-contact jane "
                   "--probability '' --close 2026-12-20").exit_code == 0
    deal = rolodex("deal show 1 -f json").json()
    assert (deal["amount"], deal["probability"], deal["close"]) == ("14000.00", 10, "2026-12-20")
    assert [c["name"] for c in deal["contacts"]] == ["John Roe"]
    assert rolodex("deal rm 1").exit_code == 9, "no terminal to confirm on"
    assert rolodex("deal rm 1 --yes").exit_code == 0
    assert rolodex("deal show 1").exit_code == 3


def test_deleting_a_contact_or_company_keeps_the_deal(rolodex):
    rolodex('add "Jane Doe" --company "Acme Ltd"')
    rolodex('deal add "Deal" --contact jane')
    assert rolodex("contact rm jane --yes").exit_code == 0
    assert rolodex("company rm acme --yes").exit_code == 0
    deal = rolodex("deal show 1 -f json").json()
    assert (deal["contacts"], deal["company"]) == ([], None)


@pytest.mark.parametrize(("args", "code", "text"), [
    ('deal add "X" --amount 12,5', 5, "not an amount"),
    ('deal add "X" --amount -3', 5, "cannot be negative"),
    ('deal add "X" --amount 1.1234567', 5, "decimal places"),
    ('deal add "X" --currency euro', 5, "currency code"),
    ('deal add "X" --stage maybe', 5, "unknown stage"),
    ('deal add "X" --probability 120', 2, "120"),
    ('deal add "X" --close "the day after never"', 5, "never"),
    ('deal add "" ', 5, "title"),
    ("deal move 9 won", 3, "no deal #9"),
    ('deal add "X" --contact nobody', 3, "nobody"),
    ("deal list --won --lost", 5, "choose one"),
    ("deal list --sort size", 5, "cannot sort"),
])
def test_bad_input_is_one_clear_line(rolodex, args, code, text):
    r = rolodex(args)
    assert r.exit_code == code, r.stderr
    assert text in r.stderr and "Traceback" not in r.stderr
    assert rolodex("deal list --all -f json").json() == []


def test_moving_to_the_same_stage_is_refused(rolodex):
    rolodex('deal add "X"')
    r = rolodex("deal move 1 lead")
    assert r.exit_code == 5 and "already lead" in r.stderr


def test_configured_stages_and_currency(rolodex):
    assert rolodex('config set pipeline.stages "new:5, demo:40, contract:80, won, lost"'
                   ).exit_code == 0
    rolodex("config set pipeline.currency gbp")
    rolodex('deal add "X" --amount 200 --stage demo')
    deal = rolodex("deal show 1 -f json").json()
    assert (deal["stage"], deal["probability"], deal["currency"], deal["weighted"]) == \
        ("demo", 40, "GBP", "80.00")
    for bad in ("new:5, won", "new, won, lost", "new:500, won, lost", "new:5, won:90, lost"):
        assert rolodex(f'config set pipeline.stages "{bad}"').exit_code == 5, bad


def test_deals_are_journalled(rolodex):
    rolodex('deal add "X" --amount 5')
    rolodex("deal move 1 proposal")
    import sqlite3

    from rolodex.store.paths import resolve_db_path

    conn = sqlite3.connect(resolve_db_path(None))
    tables = {r[0] for r in conn.execute(
        "SELECT table_name FROM changes JOIN operations o ON o.id = operation_id"
        " WHERE o.summary LIKE '%deal #1%'")}
    assert tables == {"deals", "deal_stages"}
