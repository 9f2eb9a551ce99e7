"""``report pipeline``, ``report sources`` and ``dashboard`` on a seeded pipeline, checked
against figures worked out by hand and recomputed from ``deal list --format json``."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from conftest import seeded_once


@seeded_once
def seeded(rolodex, monkeypatch):
    """Six deals over two quarters and two currencies; 'now' ends at 2026-11-20 09:00 UTC."""
    def at(when: str, args: str):
        monkeypatch.setenv("ROLODEX_NOW", when)
        r = rolodex(args)
        assert r.exit_code == 0, (args, r.stderr)

    at("2026-06-01T10:00:00Z", 'deal add "Old win" --amount 1000')
    at("2026-07-01T10:00:00Z", "deal won 1")
    at("2026-09-20T10:00:00Z", 'deal add "Audit" --amount 3,000')
    at("2026-10-05T10:00:00Z", 'add "Jane Doe" --source referral --status customer')
    at("2026-10-05T10:00:00Z", 'add "John Roe" --source web --status lead')
    at("2026-10-05T10:00:00Z", 'add "Ann Lee" --source Web --status customer')
    at("2026-10-05T10:00:00Z", 'add "Bob Stone" --source web --status lead')
    at("2026-10-01T10:00:00Z", 'deal add "Website" --contact jane --amount 12,500 --owner tester')
    at("2026-10-11T10:00:00Z", "deal move 3 qualified")
    at("2026-10-15T10:00:00Z", 'deal add "Hosting" --contact ann --amount 99.95 --stage proposal'
                               " --probability 60 --close 2026-12-15")
    at("2026-10-21T10:00:00Z", "deal move 3 proposal")
    at("2026-10-30T10:00:00Z", 'deal lost 2 --reason "too expensive"')
    at("2026-11-01T10:00:00Z", 'deal add "Retainer" --contact john --amount 5000 --currency USD'
                               " --stage negotiation --close 2027-01-10")
    at("2026-11-02T10:00:00Z", 'deal add "Training" --stage qualified --close 2026-12-01')
    at("2026-11-10T10:00:00Z", "deal won 3")
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-20T09:00:00Z")
    return rolodex


def test_pipeline_figures_worked_out_by_hand(seeded):
    report = seeded("report pipeline -f json").json()
    assert (report["from"], report["to"]) == ("2026-10-01", "2026-12-31"), "this quarter"
    stages = {r["stage"]: r for r in report["sections"]["stages"]["rows"]}
    assert [(s, stages[s]["deals"], stages[s]["amount"], stages[s]["weighted"])
            for s in stages] == [
        ("lead", 0, "0.00", "0.00"), ("qualified", 1, "0.00", "0.00"),
        ("proposal", 1, "99.95", "59.97"), ("negotiation", 0, "0.00", "0.00"),
        ("won", 1, "12500.00", "12500.00"), ("lost", 1, "3000.00", "0.00")]
    assert report["sections"]["stages"]["totals"]["deals"] == 2
    assert report["sections"]["stages"]["totals"]["weighted"] == "59.97"
    assert stages["qualified"]["avg_days_in_stage"] == "13.5", "10 days (Website), 17 (Training)"
    funnel = [(r["stage"], r["reached"], r["percent"])
              for r in report["sections"]["funnel"]["rows"]]
    assert funnel == [("lead", 3, "100.0"), ("qualified", 3, "100.0"),
                      ("proposal", 2, "66.7"), ("negotiation", 1, "33.3"), ("won", 1, "33.3")]
    assert report["sections"]["forecast"]["rows"] == [
        {"month": "2026-12", "deals": 2, "amount": "99.95", "weighted": "59.97"}]
    assert report["sections"]["results"]["rows"] == [{
        "won": 1, "lost": 1, "win_rate": "50.0", "won_amount": "12500.00",
        "avg_won_amount": "12500.00", "avg_days_to_close": "40.0"}]
    assert any("1 in USD" in n for n in report["notes"])


def test_pipeline_recomputed_from_the_deal_listing(seeded):
    deals = seeded("deal list --all -f json").json()
    for currency in ("EUR", "USD"):
        report = seeded(f"report pipeline --currency {currency} -f json").json()
        mine = [d for d in deals if d["currency"] == currency]
        in_q4 = [d for d in mine
                 if d["closed"] and "2026-10-01" <= d["closed"][:10] <= "2026-12-31"]
        for row in report["sections"]["stages"]["rows"]:
            pool = [d for d in (in_q4 if row["stage"] in ("won", "lost") else
                                [d for d in mine if d["status"] == "open"])
                    if d["stage"] == row["stage"]]
            assert row["deals"] == len(pool)
            assert Decimal(row["amount"]) == sum(Decimal(d["amount"] or 0) for d in pool)
            assert Decimal(row["weighted"]) == sum(Decimal(d["weighted"] or 0) for d in pool)
        months: dict[str, Decimal] = {}
        for d in mine:
            if d["status"] == "open":
                key = d["close"][:7] if d["close"] else None
                months[key] = months.get(key, Decimal(0)) + Decimal(d["weighted"] or 0)
        assert {r["month"]: Decimal(r["weighted"])
                for r in report["sections"]["forecast"]["rows"]} == months


def test_pipeline_csv_is_one_section_a_spreadsheet_reads(seeded):
    rows = list(csv.DictReader(io.StringIO(seeded("report pipeline -f csv").stdout)))
    assert [r["stage"] for r in rows] == ["lead", "qualified", "proposal", "negotiation",
                                          "won", "lost"]
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("15599.95")
    forecast = seeded("report pipeline -f tsv --section forecast").stdout.splitlines()
    assert forecast == ["month\tdeals\tamount\tweighted", "2026-12\t2\t99.95\t59.97"]
    bad = seeded("report pipeline -f csv --section nope")
    assert bad.exit_code == 5 and "stages, funnel, forecast, results" in bad.stderr


def test_pipeline_period_owner_and_formats(seeded):
    q3 = seeded("report pipeline --from 2026-07-01 --to 2026-09-30 -f json").json()
    won = q3["sections"]["results"]["rows"][0]
    assert (won["won"], won["won_amount"], won["avg_days_to_close"]) == (1, "1000.00", "30.0")
    mine = seeded("report pipeline --mine -f json").json()
    assert mine["sections"]["results"]["rows"][0]["won"] == 1
    assert mine["sections"]["stages"]["totals"]["deals"] == 0
    md = seeded("report pipeline -f md").stdout
    assert "| proposal | 60 |" not in md and "| proposal | 50 | 1 | 99.95 | 59.97 |" in md
    html = seeded("report pipeline -f html").stdout
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "12500.00" in html
    table = seeded("report pipeline").stdout
    assert "Deals by stage (EUR)" in table and "59.97" in table


@pytest.mark.parametrize(("args", "text"), [
    ("report pipeline --from 2026-12-01 --to 2026-11-01", "is after --to"),
    ("report pipeline --from someday", "someday"),
    ("report pipeline --currency dollars", "currency code"),
    ("report pipeline -f xml", "xml"),
])
def test_bad_report_options(seeded, args, text):
    r = seeded(args)
    assert r.exit_code in (2, 5) and text in r.stderr and "Traceback" not in r.stderr


def test_empty_database_reports_are_clean(rolodex):
    report = rolodex("report pipeline -f json")
    assert report.exit_code == 0
    assert report.json()["sections"]["forecast"]["rows"] == []
    table = rolodex("report pipeline")
    assert table.exit_code == 0 and "no open deals" in table.stdout
    assert rolodex("report sources").exit_code == 0
    assert rolodex("dashboard").exit_code == 0


def test_sources(seeded):
    report = seeded("report sources -f json").json()
    rows = [(r["source"], r["leads"], r["customers"], r["conversion"], r["deals"], r["won"],
             r["won_amount"]) for r in report["sections"]["sources"]["rows"]]
    assert rows == [("web", 3, 1, "33.3", 2, 0, "0.00"),
                    ("referral", 1, 1, "100.0", 1, 1, "12500.00"),
                    (None, 0, 0, None, 1, 0, "0.00")]
    assert report["sections"]["sources"]["totals"]["leads"] == 4
    contacts = seeded("contact list -f json").json()
    assert sum(1 for c in contacts if (c["source"] or "").lower() == "web") == 3


def test_dashboard_sections(seeded):
    seeded('task add "Send invoice" --for jane --due yesterday')
    seeded('log jane call "pricing"')
    board = seeded("dashboard -f json").json()
    assert list(board["sections"]) == ["agenda", "followups", "pipeline", "recent"]
    assert [r["title"] for r in board["sections"]["followups"]["rows"]] == ["Send invoice"]
    assert [r["stage"] for r in board["sections"]["pipeline"]["rows"]] == [
        "lead", "qualified", "proposal", "negotiation"]
    assert board["sections"]["recent"]["rows"][0]["with"] == "Jane Doe"
    assert "Send invoice" in seeded("dashboard").stdout


def test_contact_and_company_sheets_list_their_deals(seeded):
    seeded('company add "Acme Ltd"')
    seeded('deal edit 4 --company acme')
    sheet = seeded("report contact jane -f json").json()
    assert [r["title"] for r in sheet["sections"]["deals"]["rows"]] == ["Website"]
    company = seeded("report company acme -f json --section deals").json()
    assert [(r["title"], r["amount"]) for r in company["sections"]["deals"]["rows"]] == [
        ("Hosting", "99.95")]
