"""The campaign report: what a campaign sent, what came back, and what it brought.

Every figure is one SQL aggregate over the ledger (``campaign_sends``), the members, the
consents or the deals, so a campaign that reached 100,000 people is counted by SQLite,
never loaded into Python. The only rows read one by one are the won deals' amounts, which
are summed as exact decimals per currency (a float sum in SQL would lose cents), and a
campaign's steps (at most 50).

The words, as ``report campaign --help`` and docs/campaigns.md define them: *sent* is a
step the run acted on (delivered, failed or unconfirmed); *delivered* is ledger status
``sent`` (for a mail: accepted by the server; a letter written; a task created);
*reached* is a person delivered at least one step; *responded* is a send a reply was
logged against; *opted out* is a reached person whose latest word on ``marketing`` or on
the campaign's purpose is a withdrawal dated after their first delivered step.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rolodex.money import format_amount
from rolodex.report_model import Chart, Report, Section
from rolodex.store.campaigns import definitions
from rolodex.store.campaigns.members import OPT_OUT_PURPOSE
from rolodex.store.db import Database

DAY_SECONDS = 86400
KINDS = ("mail", "letter", "task")
FIGURES = ("sent", "delivered", "failed", "unconfirmed", "responded", "within")

# Per step: acted on, delivered, failed, unconfirmed, responded, responded within N days.
# strftime('%s') compares whole seconds, so "exactly 14 days" is within 14 days.
_PER_STEP = """
    SELECT step_id,
        count(CASE WHEN status IN ('sending', 'sent', 'failed') THEN 1 END),
        count(CASE WHEN status = 'sent' THEN 1 END),
        count(CASE WHEN status = 'failed' THEN 1 END),
        count(CASE WHEN status = 'sending' THEN 1 END),
        count(response_id),
        count(CASE WHEN response_id IS NOT NULL AND responded IS NOT NULL AND at IS NOT NULL
                    AND strftime('%s', responded) - strftime('%s', at) <= ? THEN 1 END)
    FROM campaign_sends WHERE campaign_id = ? GROUP BY step_id"""

# Reached people whose latest consent for marketing or the purpose is a withdrawal
# dated after their first delivered step of this campaign: the withdrawals that are
# someone's latest word (one pass over those two purposes' consents), each checked for
# a delivered send before it through the index by person. The unary + keeps SQLite on
# that index (see _DEAL_STEPS); joining the reached people to the withdrawals instead
# took a minute at 100,000 people, this way well under a second.
_OPTED_OUT = """
    WITH latest AS MATERIALIZED (
        SELECT contact_id, at FROM (
            SELECT contact_id, status, at, row_number() OVER (
                PARTITION BY contact_id, purpose ORDER BY at DESC, id DESC) AS rank
            FROM consents WHERE purpose IN (?, ?))
        WHERE rank = 1 AND status = 'withdrawn')
    SELECT count(DISTINCT l.contact_id) FROM latest l WHERE EXISTS (
        SELECT 1 FROM campaign_sends s
        WHERE s.contact_id = l.contact_id AND +s.campaign_id = ? AND +s.status = 'sent'
          AND s.at < l.at)"""

# Each deal of the campaign with the step of each linked person's latest delivered send
# before the deal was created. The unary + keeps SQLite on the index by person
# (campaign_sends_contact, a few rows each): left to itself it picked the index by
# campaign and status, a scan of the whole ledger per deal (173 s for 5,000 deals
# against 300,000 sends, 0.1 s this way).
_DEAL_STEPS = """
    WITH touched AS MATERIALIZED (
        SELECT d.id AS deal_id, (
            SELECT s.step_id FROM campaign_sends s
            WHERE s.contact_id = dc.contact_id AND +s.campaign_id = ? AND +s.status = 'sent'
              AND s.at < d.created ORDER BY s.at DESC, s.id DESC LIMIT 1) AS step_id
        FROM deals d JOIN deal_contacts dc ON dc.deal_id = d.id
        WHERE d.source = ? COLLATE NOCASE)
    SELECT step_id, count(DISTINCT deal_id) FROM touched WHERE step_id IS NOT NULL
    GROUP BY step_id
    UNION ALL
    SELECT NULL, count(DISTINCT deal_id) FROM touched WHERE step_id IS NOT NULL"""


def campaign(db: Database, name: str, *, within: int) -> Report:
    """The report on campaign ``name`` (NotFound naming ``campaign list`` when there is
    none); responses count as quick when they came at most ``within`` days after the
    send."""
    row = definitions.get_row(db, name)
    steps = definitions.steps_of(db, row["id"])
    zero = (0,) * 6
    found = {r[0]: r[1:] for r in db.execute(_PER_STEP, (within * DAY_SECONDS, row["id"]))}
    figures = {step["id"]: dict(zip(FIGURES, found.get(step["id"], zero), strict=True))
               for step in steps}
    notes = [f"responded within {within} days: a reply logged at most {within} days"
             f" after the send",
             "deals are those whose lead source is the campaign's name (any case)"]
    return Report("campaign", f"Campaign {row['name']}", [
        _overview(db, row, steps, figures), _steps(db, row, steps, figures),
        _deals(db, row["name"]),
        _grouped(db, "failed", "Failed sends by reason", ("reason", "Reason"),
                 ("sends", "Sends"), "SELECT coalesce(error, 'unknown'), count(*) FROM"
                 " campaign_sends WHERE campaign_id = ? AND status = 'failed'"
                 " GROUP BY 1 ORDER BY 2 DESC, 1", row["id"], "no failed sends"),
        _grouped(db, "left", "People who left the campaign, by reason", ("reason", "Reason"),
                 ("people", "People"), "SELECT coalesce(reason, 'unknown'), count(*) FROM"
                 " campaign_members WHERE campaign_id = ? AND left IS NOT NULL"
                 " GROUP BY 1 ORDER BY 2 DESC, 1", row["id"], "nobody left the campaign"),
    ], notes=notes)


def _overview(db: Database, row: Any, steps: list[Any],
              figures: dict[int, dict[str, int]]) -> Section:
    """The campaign as planned, then its figures, one (measure, value) row each."""
    def count(sql: str, *params: Any) -> int:
        return db.execute(sql, params).fetchone()[0]

    def total(key: str, kind: str | None = None) -> int:
        return sum(figures[s["id"]][key] for s in steps if kind in (None, s["kind"]))

    measures: list[tuple[str, Any]] = [
        ("name", row["name"]), ("audience", row["audience"]), ("purpose", row["purpose"]),
        ("basis", row["basis"]), ("start", row["start"] or "from entry"),
        ("status", row["status"]),
        ("members", count("SELECT count(*) FROM campaign_members WHERE campaign_id = ?"
                          " AND left IS NULL", row["id"])),
        ("reached", count("SELECT count(DISTINCT contact_id) FROM campaign_sends"
                          " WHERE campaign_id = ? AND status = 'sent'", row["id"])),
        *[(f"sent_{kind}", total("sent", kind)) for kind in KINDS],
        ("delivered_mail", total("delivered", "mail")),
        ("failed", total("failed")), ("unconfirmed", total("unconfirmed")),
        ("responded", total("responded")), ("responded_within", total("within")),
        ("opted_out", count(_OPTED_OUT, OPT_OUT_PURPOSE, row["purpose"], row["id"])),
        ("left", count("SELECT count(*) FROM campaign_members WHERE campaign_id = ?"
                       " AND left IS NOT NULL", row["id"])),
    ]
    return Section("overview", "Overview", [("measure", "Measure"), ("value", "Value")],
                   [{"measure": k, "value": v} for k, v in measures])


def _steps(db: Database, row: Any, steps: list[Any],
           figures: dict[int, dict[str, int]]) -> Section:
    """Conversion per step, with the sent-vs-responded chart."""
    deals = dict(db.execute(_DEAL_STEPS, (row["id"], row["name"])).fetchall())
    rows = []
    for step in steps:
        got = figures[step["id"]]
        rows.append({
            "position": step["position"], "offset_days": step["offset_days"],
            "kind": step["kind"], "sent": got["sent"], "delivered": got["delivered"],
            "failed": got["failed"], "responded": got["responded"],
            "response_rate": _percent(got["responded"], got["delivered"]),
            "deals": deals.get(step["id"], 0)})
    totals: dict[str, Any] = {"position": "total", "offset_days": None, "kind": None,
                              **{k: sum(r[k] for r in rows)
                                 for k in ("sent", "delivered", "failed", "responded")}}
    totals["response_rate"] = _percent(totals["responded"], totals["delivered"])
    totals["deals"] = deals.get(None, 0)
    return Section("steps", "Conversion per step", [
        ("position", "Step"), ("offset_days", "Offset days"), ("kind", "Kind"),
        ("sent", "Sent"), ("delivered", "Delivered"), ("failed", "Failed"),
        ("responded", "Responded"), ("response_rate", "Response %"), ("deals", "Deals")],
        rows, totals, Chart("bar", "position", "sent", also="responded"),
        empty="the campaign has no steps")


def _deals(db: Database, name: str) -> Section:
    """Deals whose lead source is the campaign's name, per currency: counts in one GROUP
    BY, revenue (won amounts) summed exactly from a cursor over the won deals only."""
    rows: dict[str, dict[str, Any]] = {}
    for currency, created, won, lost in db.execute(
            "SELECT currency, count(*), count(CASE WHEN stage = 'won' THEN 1 END),"
            " count(CASE WHEN stage = 'lost' THEN 1 END) FROM deals"
            " WHERE source = ? COLLATE NOCASE GROUP BY currency ORDER BY currency", (name,)):
        rows[currency] = {"currency": currency, "created": created, "won": won,
                          "lost": lost, "open": created - won - lost,
                          "revenue": Decimal(0)}
    for currency, amount in db.execute(
            "SELECT currency, amount FROM deals WHERE source = ? COLLATE NOCASE"
            " AND stage = 'won' AND amount IS NOT NULL", (name,)):
        rows[currency]["revenue"] += Decimal(amount)
    for shaped in rows.values():
        shaped["revenue"] = format_amount(shaped["revenue"])
    listed = list(rows.values())
    totals = {"currency": "total", **{k: sum(r[k] for r in listed)
                                      for k in ("created", "won", "lost", "open")},
              "revenue": listed[0]["revenue"] if len(listed) == 1 else None}
    return Section("deals", "Deals with the campaign as lead source, per currency", [
        ("currency", "Currency"), ("created", "Created"), ("won", "Won"), ("lost", "Lost"),
        ("open", "Open"), ("revenue", "Revenue")], listed, totals,
        empty="no deals with this campaign as lead source")


def _grouped(db: Database, name: str, title: str, label: tuple[str, str],
             value: tuple[str, str], sql: str, campaign_id: int, empty: str) -> Section:
    """A two-column count (reason, how many), largest first."""
    rows = [{label[0]: r[0], value[0]: r[1]} for r in db.execute(sql, (campaign_id,))]
    return Section(name, title, [label, value], rows,
                   {label[0]: "total", value[0]: sum(r[value[0]] for r in rows)},
                   empty=empty)


def _percent(part: int, whole: int) -> str | None:
    return f"{Decimal(100 * part) / whole:.1f}" if whole else None
