"""``report campaign NAME`` on a campaign built with the real store API, checked against
figures worked out by hand in every format.

The campaign winter-offer (start 2026-11-01) has three steps: a mail, a task (7d) and a
letter (14d); seven people entered it. What each of them was sent, when they replied,
withdrew their consent or brought a deal is laid out in ``seeded`` below; the expected
figures follow from it.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from conftest import seeded_once

from rolodex.dates import from_utc_iso
from rolodex.store.activity import deals, history
from rolodex.store.campaigns import definitions, ledger, members
from rolodex.store.campaigns.definitions import Step
from rolodex.store.opening import open_db
from rolodex.store.privacy import consent

PEOPLE = ["Jane Doe", "John Roe", "Ann Lee", "Bob Stone", "Cy Nobody", "Dee Moss", "Eve Park"]
JANE, JOHN, ANN, BOB, CY, DEE, EVE = range(1, 8)


@seeded_once
def seeded(rolodex, monkeypatch, isolated):
    for name in PEOPLE:
        first = name.split()[0].lower()
        r = rolodex(["add", name, "-e", f"{first}@acme.example"])
        assert r.exit_code == 0, r.stderr

    def at(when: str) -> datetime:
        monkeypatch.setenv("ROLODEX_NOW", when)
        return from_utc_iso(when)

    db = open_db(isolated)
    try:
        at("2026-10-20T09:00:00Z")
        campaign = definitions.add(
            db, "winter-offer", audience="tag:customer", purpose="newsletter",
            basis="legitimate-interest", start=date(2026, 11, 1), steps=[
                Step(0, "mail", "Hello {{ first_name }}", subject="Our winter offer"),
                Step(7, "task", "call {{ first_name }}"),
                Step(14, "letter", "Dear {{ first_name }}")])
        with db.transaction():
            members.enrol_first(db, campaign, range(1, 8), date(2026, 10, 20), only_new=False)
        members.leave(db, campaign, BOB, date(2026, 11, 3), members.LEFT_AUDIENCE)
        members.leave(db, campaign, CY, date(2026, 11, 3), members.OPTED_OUT)
        mail, task, letter = (s["id"] for s in definitions.steps_of(db, campaign))

        def send(contact: int, step: int, status: str, when: str, *,
                 error: str | None = None) -> int:
            moment = at(when)
            send_id = ledger.claim(db, campaign, step, contact, address=None,
                                   message_id=f"<{step}.{contact}@acme.example>")
            if status == "sending":
                ledger.mark_sending(db, send_id)
                return send_id
            with db.transaction():
                entry = history.log(db, [contact], "email", at=moment, direction="out",
                                    text="winter offer") if status == "sent" else None
                ledger.record_outcome(db, send_id, status, error=error, interaction_id=entry)
            return send_id

        def reply(send_id: int, contact: int, when: str) -> None:
            moment = at(when)
            with db.transaction():
                entry = history.log(db, [contact], "email", at=moment, direction="in")
                ledger.record_response(db, send_id, entry, when)

        # Step 1, the mail: 4 delivered, 2 failed, 1 unconfirmed; 3 replies, after 4 days,
        # exactly 14 days and 19 days.
        reply(send(JANE, mail, "sent", "2026-11-01T10:00:00Z"), JANE, "2026-11-05T10:00:00Z")
        reply(send(JOHN, mail, "sent", "2026-11-01T10:00:00Z"), JOHN, "2026-11-15T10:00:00Z")
        reply(send(ANN, mail, "sent", "2026-11-01T10:00:00Z"), ANN, "2026-11-20T08:00:00Z")
        send(DEE, mail, "sent", "2026-11-01T10:00:00Z")
        send(BOB, mail, "failed", "2026-11-01T10:00:00Z", error="550 mailbox unavailable")
        send(CY, mail, "failed", "2026-11-01T10:00:00Z", error="no email address")
        send(EVE, mail, "sending", "2026-11-01T10:00:00Z")
        # Step 2, the task: two created. Step 3, the letter: one written, one failed.
        send(JANE, task, "sent", "2026-11-08T10:00:00Z")
        send(JOHN, task, "sent", "2026-11-08T10:00:00Z")
        send(JANE, letter, "sent", "2026-11-15T10:00:00Z")
        send(ANN, letter, "failed", "2026-11-15T10:00:00Z", error="folder not writable")

        # Opted out: Jane (marketing, after her first send) and Dee (the purpose, after);
        # not John (withdrew before his first send), not Ann (granted again; and another
        # purpose does not count), not Cy (never reached).
        at("2026-11-20T09:00:00Z")
        for who, purpose, status, when in [
                (JANE, "marketing", "withdrawn", "2026-11-10T10:00:00Z"),
                (JOHN, "newsletter", "withdrawn", "2026-10-20T10:00:00Z"),
                (ANN, "marketing", "withdrawn", "2026-11-03T10:00:00Z"),
                (ANN, "marketing", "granted", "2026-11-04T10:00:00Z"),
                (ANN, "events", "withdrawn", "2026-11-06T10:00:00Z"),
                (DEE, "newsletter", "withdrawn", "2026-11-12T10:00:00Z"),
                (CY, "marketing", "withdrawn", "2026-11-02T10:00:00Z")]:
            consent.record(db, who, purpose, status, at=from_utc_iso(when))

        def deal(title: str, source: str, people: list[int], amount: str | None,
                 created: str, *, currency: str = "EUR", close_as: str | None = None) -> int:
            at(created)
            deal_id = deals.add_deal(db, title, contact_ids=people, source=source,
                                     amount=Decimal(amount) if amount else None,
                                     currency=currency)
            if close_as:
                at("2026-11-19T10:00:00Z")
                deals.move(db, deal_id, close_as)
            return deal_id

        deal("Winter bundle", "Winter-Offer", [JANE], "1200.10", "2026-11-09T10:00:00Z",
             close_as="won")  # Jane's latest send before it: the task (step 2)
        deal("Spare parts", "winter-offer", [JOHN], "0.20", "2026-11-02T10:00:00Z",
             close_as="won")  # step 1
        deal("Service", "winter-offer", [ANN], "500", "2026-11-03T10:00:00Z",
             currency="USD", close_as="won")  # step 1
        deal("Lost one", "winter-offer", [DEE], "300", "2026-11-05T10:00:00Z",
             close_as="lost")  # step 1
        deal("Open one", "winter-offer", [JANE, BOB], "50", "2026-11-16T10:00:00Z")  # step 3
        deal("Before", "winter-offer", [JOHN], None, "2026-10-25T10:00:00Z")  # no step
        deal("Other source", "web", [JANE], "999", "2026-11-10T10:00:00Z", close_as="won")
        at("2026-10-20T09:00:00Z")
        definitions.add(db, "quiet", audience="tag:none", purpose="newsletter",
                        basis="consent", start=None, steps=[Step(0, "mail", "Hi")])
    finally:
        db.close()
    monkeypatch.setenv("ROLODEX_NOW", "2026-11-20T09:00:00Z")
    return rolodex


OVERVIEW = {
    "name": "winter-offer", "audience": "tag:customer", "purpose": "newsletter",
    "basis": "legitimate-interest", "start": "2026-11-01", "status": "active",
    "members": 5, "reached": 4, "sent_mail": 7, "sent_letter": 2, "sent_task": 2,
    "delivered_mail": 4, "failed": 3, "unconfirmed": 1, "responded": 3,
    "responded_within": 2, "opted_out": 2, "left": 2,
}
STEPS = [
    {"position": 1, "offset_days": 0, "kind": "mail", "sent": 7, "delivered": 4,
     "failed": 2, "responded": 3, "response_rate": "75.0", "deals": 3},
    {"position": 2, "offset_days": 7, "kind": "task", "sent": 2, "delivered": 2,
     "failed": 0, "responded": 0, "response_rate": "0.0", "deals": 1},
    {"position": 3, "offset_days": 14, "kind": "letter", "sent": 2, "delivered": 1,
     "failed": 1, "responded": 0, "response_rate": "0.0", "deals": 1},
]
DEALS = [
    {"currency": "EUR", "created": 5, "won": 2, "lost": 1, "open": 2, "revenue": "1200.30"},
    {"currency": "USD", "created": 1, "won": 1, "lost": 0, "open": 0, "revenue": "500.00"},
]


def test_every_figure_worked_out_by_hand(seeded):
    r = seeded("report campaign winter-offer -f json")
    assert r.exit_code == 0, r.stderr
    report = r.json()
    sections = report["sections"]
    assert report["report"] == "campaign" and report["title"] == "Campaign winter-offer"
    assert {row["measure"]: row["value"] for row in sections["overview"]["rows"]} == OVERVIEW
    assert [row["measure"] for row in sections["overview"]["rows"]] == list(OVERVIEW)
    assert sections["steps"]["rows"] == STEPS
    assert sections["steps"]["totals"] == {
        "position": "total", "offset_days": None, "kind": None, "sent": 11, "delivered": 7,
        "failed": 3, "responded": 3, "response_rate": "42.9", "deals": 5}
    assert sections["deals"]["rows"] == DEALS
    assert sections["deals"]["totals"] == {"currency": "total", "created": 6, "won": 3,
                                           "lost": 1, "open": 2, "revenue": None}
    assert sections["failed"]["rows"] == [
        {"reason": "550 mailbox unavailable", "sends": 1},
        {"reason": "folder not writable", "sends": 1},
        {"reason": "no email address", "sends": 1}]
    assert sections["left"]["rows"] == [{"reason": "left the audience", "people": 1},
                                        {"reason": "opted out", "people": 1}]
    assert "responded within 14 days: a reply logged at most 14 days after the send" in \
        report["notes"]


def test_a_reply_after_the_window_is_not_within(seeded):
    """John replied exactly 14 days after the send: within 14, not within 13; Jane's
    reply after 4 days is within 4, not within 3."""
    def within(days: int) -> int:
        rows = seeded(f"report campaign winter-offer --within {days} -f json").json()[
            "sections"]["overview"]["rows"]
        return next(row["value"] for row in rows if row["measure"] == "responded_within")

    assert [within(d) for d in (30, 19, 18, 14, 13, 4, 3, 0)] == [3, 3, 2, 2, 1, 1, 0, 0]


def test_the_name_is_matched_in_any_case_and_so_is_the_deal_source(seeded):
    report = seeded("report campaign WINTER-OFFER -f json").json()
    assert report["title"] == "Campaign winter-offer"
    assert report["sections"]["deals"]["rows"] == DEALS


def test_csv_gives_one_section_with_the_exact_figures(seeded):
    r = seeded("report campaign winter-offer -f csv --section steps")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows == [{k: "" if v is None else str(v) for k, v in step.items()}
                    for step in STEPS]
    first = list(csv.DictReader(io.StringIO(seeded("report campaign winter-offer -f csv")
                                            .stdout)))
    assert {row["measure"]: row["value"] for row in first} == {
        k: str(v) for k, v in OVERVIEW.items()}, "the overview comes first"
    money = list(csv.DictReader(io.StringIO(
        seeded("report campaign winter-offer -f csv --section deals").stdout)))
    assert [(row["currency"], row["revenue"]) for row in money] == [
        ("EUR", "1200.30"), ("USD", "500.00")]


def test_markdown_has_every_section_and_row(seeded):
    r = seeded("report campaign winter-offer -f md")
    assert r.exit_code == 0, r.stderr
    text = r.stdout
    assert text.startswith("# Campaign winter-offer\n")
    for line in ["| opted_out | 2 |", "| responded_within | 2 |", "| start | 2026-11-01 |",
                 "| 1 | 0 | mail | 7 | 4 | 2 | 3 | 75.0 | 3 |",
                 "| 3 | 14 | letter | 2 | 1 | 1 | 0 | 0.0 | 1 |",
                 "| **total** |  |  | **11** | **7** | **3** | **3** | **42.9** | **5** |",
                 "| EUR | 5 | 2 | 1 | 2 | 1200.30 |", "| USD | 1 | 1 | 0 | 0 | 500.00 |",
                 "| 550 mailbox unavailable | 1 |", "| left the audience | 1 |"]:
        assert line in text.splitlines(), line


def test_the_terminal_table_draws_sent_and_responded_bars(seeded):
    r = seeded("report campaign winter-offer")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Campaign winter-offer"
    assert "\x1b" not in r.stdout, "NO_COLOR and no terminal: plain text"
    full = "█" * 40  # the largest value (7 sent at step 1) gets the whole bar
    chart = [line for line in lines if re.match(r"[\d ]+ (sent|responded) ", line)]
    assert chart[0] == f"1  sent       {full} 7"
    assert chart[1] == f"   responded  {'█' * 17}▏ 3", "3/7 of 40 cells, in eighths"
    assert chart[2].startswith("2  sent       " + "█" * 11) and chart[2].endswith(" 2")
    assert chart[3] == "   responded   0"
    assert len(chart) == 6
    assert any(line.split() == ["opted_out", "2"] for line in lines)
    assert any(line.split() == ["EUR", "5", "2", "1", "2", "1200.30"] for line in lines)


def test_html_is_one_page_with_an_inline_chart(seeded):
    r = seeded("report campaign winter-offer -f html")
    assert r.exit_code == 0, r.stderr
    page = r.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<svg" in page and 'aria-label="Bar chart: Conversion per step"' in page
    chart = page[page.index("<svg"):page.index("</svg>")]
    assert chart.count('class="bar"') == 3 and chart.count('class="bar also"') == 3
    assert ">1 sent</text>" in chart and ">responded</text>" in chart
    for outside in ("src=", "href=", "<script", "<link", "url("):
        assert outside not in page, outside
    for cell in ['<td class="num">1200.30</td>', '<td class="num">75.0</td>',
                 "<td>opted_out</td>"]:
        assert cell in page, cell


def test_a_campaign_with_nothing_sent_gives_zeros(seeded):
    r = seeded("report campaign quiet -f json")
    assert r.exit_code == 0, r.stderr
    sections = r.json()["sections"]
    overview = {row["measure"]: row["value"] for row in sections["overview"]["rows"]}
    assert overview["start"] == "from entry" and overview["basis"] == "consent"
    assert {k: v for k, v in overview.items() if isinstance(v, int)} == dict.fromkeys(
        ["members", "reached", "sent_mail", "sent_letter", "sent_task", "delivered_mail",
         "failed", "unconfirmed", "responded", "responded_within", "opted_out", "left"], 0)
    assert sections["steps"]["rows"] == [
        {"position": 1, "offset_days": 0, "kind": "mail", "sent": 0, "delivered": 0,
         "failed": 0, "responded": 0, "response_rate": None, "deals": 0}]
    assert sections["deals"]["rows"] == []
    assert sections["deals"]["totals"]["created"] == 0
    table = seeded("report campaign quiet")
    assert table.exit_code == 0, table.stderr
    assert "no deals with this campaign as lead source" in table.stdout


def test_an_unknown_campaign_is_not_found(seeded):
    r = seeded("report campaign summer-sale")
    assert r.exit_code == 3
    assert r.stdout == ""
    assert "no campaign named summer-sale" in r.stderr
    assert "rolodex campaign list" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(("args", "code"), [("--within -1", 2), ("--within many", 2),
                                            ("--section nope", 5)])
def test_bad_options_are_one_clear_line(seeded, args, code):
    """2: what the command line cannot parse; 5 (invalid input): a section it lacks."""
    r = seeded(f"report campaign winter-offer {args}")
    assert r.exit_code == code
    assert r.stdout == "" and "Traceback" not in r.stderr and r.stderr.strip()


def test_a_deal_or_opt_out_is_looked_up_by_person_not_by_scanning_the_ledger(isolated):
    """The two per-person lookups use the ledger's index by person: on the index by
    campaign they scanned the whole ledger once per deal (minutes at 100,000 people)."""
    from rolodex.reports.campaign import _DEAL_STEPS, _OPTED_OUT

    db = open_db(isolated)
    try:
        for sql, params in [(_DEAL_STEPS, (1, "x")), (_OPTED_OUT, ("marketing", "x", 1))]:
            plan = " ".join(r[3] for r in db.query(f"EXPLAIN QUERY PLAN {sql}", params))
            assert "campaign_sends_contact" in plan and "campaign_sends_campaign" not in plan
    finally:
        db.close()


@pytest.mark.slow
def test_a_campaign_that_reached_100000_people_is_reported_in_seconds(rolodex, isolated):
    """300,000 sends: three steps to 100,000 people, with consents and 1,000 deals.
    Person i: failed at every step when i % 10 == 0, unconfirmed when 1, else delivered;
    replied 3 days after each send when i % 10 == 2, 20 days after when 7; withdrew
    marketing after the first send when i % 4 == 0, before it when i % 4 == 2."""
    import time

    n = 100_000
    db = open_db(isolated)
    try:
        with db.transaction():
            db.conn.executemany(
                "INSERT INTO contacts (id, uid, display_name, name_key, sort_key, created,"
                " updated) VALUES (?, ?, 'x', 'x', 'x', 'x', 'x')",
                ((i, f"u{i}") for i in range(1, n + 1)))
        campaign = definitions.add(db, "big", audience="tag:x", purpose="newsletter",
                                   basis="legitimate-interest", start=date(2026, 1, 1),
                                   steps=[Step(0, "mail", "a"), Step(7, "task", "b"),
                                          Step(14, "mail", "c")])
        steps = [s["id"] for s in definitions.steps_of(db, campaign)]

        def sends():
            for k, step in enumerate(steps):
                sent = date(2026, 1, 1) + timedelta(days=7 * k)
                for i in range(1, n + 1):
                    status = {0: "failed", 1: "sending"}.get(i % 10, "sent")
                    late = {2: 3, 7: 20}.get(i % 10)
                    yield (campaign, step, i, status, f"<{step}.{i}@x>",
                           f"{sent}T10:00:00Z", i if late else None,
                           f"{sent + timedelta(days=late)}T10:00:00Z" if late else None)

        with db.transaction():
            db.conn.executemany(
                "INSERT INTO interactions (id, uid, kind, at, created) VALUES"
                " (?, ?, 'email', '2026-01-01T00:00:00Z', 'x')",
                ((i, f"i{i}") for i in range(1, n + 1) if i % 10 in (2, 7)))
            db.conn.executemany(
                "INSERT INTO campaign_members (campaign_id, contact_id, entered)"
                " VALUES (?, ?, '2026-01-01')", ((campaign, i) for i in range(1, n + 1)))
            db.conn.executemany(
                "INSERT INTO campaign_sends (campaign_id, step_id, contact_id, status,"
                " message_id, claimed, at, response_id, responded)"
                " VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', ?, ?, ?)", sends())
            db.conn.executemany(
                "INSERT INTO consents (contact_id, purpose, status, at, recorded)"
                " VALUES (?, 'marketing', 'withdrawn', ?, 'x')",
                ((i, "2026-01-05T10:00:00Z" if i % 4 == 0 else "2025-12-01T10:00:00Z")
                 for i in range(2, n + 1, 2)))
            for d in range(1, 1001):
                db.execute("INSERT INTO deals (id, uid, title, amount, currency, stage,"
                           " source, created, updated) VALUES (?, ?, 'd', '0.10', 'EUR', ?,"
                           " 'BIG', '2026-01-10T00:00:00Z', 'x')",
                           (d, f"d{d}", "won" if d % 2 == 0 else "lead"))
                db.execute("INSERT INTO deal_contacts (deal_id, contact_id) VALUES (?, ?)",
                           (d, d * 50 + 2))
    finally:
        db.close()
    started = time.monotonic()
    r = rolodex("report campaign big -f json")
    elapsed = time.monotonic() - started
    assert r.exit_code == 0, r.stderr
    sections = r.json()["sections"]
    overview = {row["measure"]: row["value"] for row in sections["overview"]["rows"]}
    opted = sum(1 for i in range(1, n + 1) if i % 4 == 0 and i % 10 not in (0, 1))
    assert (overview["reached"], overview["sent_mail"], overview["delivered_mail"],
            overview["unconfirmed"], overview["responded"], overview["responded_within"],
            overview["opted_out"]) == (n * 8 // 10, 2 * n, 2 * n * 8 // 10, 3 * n // 10,
                                       3 * n // 5, 3 * n // 10, opted)
    assert [(s["sent"], s["delivered"], s["failed"], s["response_rate"], s["deals"])
            for s in sections["steps"]["rows"]] == [
        (n, n * 8 // 10, n // 10, "25.0", d) for d in (0, 1000, 0)]
    assert sections["deals"]["rows"] == [{"currency": "EUR", "created": 1000, "won": 500,
                                          "lost": 0, "open": 500, "revenue": "50.00"}]
    assert elapsed < 5, f"{elapsed:.1f} s"
