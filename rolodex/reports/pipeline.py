"""The sales pipeline and lead sources, in numbers anyone can recompute from the listings.

Every amount is summed in one currency (``--currency``, else the only one in use, else
``pipeline.currency``); deals in other currencies are left out and a note says how many,
because adding euros to dollars gives a number that means nothing. Weighted amounts are
the per-deal figures ``deal list`` shows (rounded to the cent), summed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from rolodex.dates import from_utc_iso
from rolodex.money import format_amount
from rolodex.report_model import Chart, Report, Section
from rolodex.store import settings
from rolodex.store.activity import deals
from rolodex.store.db import Database


@dataclass(frozen=True)
class Period:
    """Local days ``start``..``end`` and the UTC bounds stored instants compare with."""

    start: date
    end: date
    low: str
    high: str

    @classmethod
    def of(cls, start: date, end: date, tz: tzinfo) -> Period:
        return cls(start, end, deals.utc_bound(start, tz),
                   deals.utc_bound(end + timedelta(days=1), tz))

    def holds(self, instant: str | None) -> bool:
        return instant is not None and self.low <= instant < self.high


def quarter(today: date) -> tuple[date, date]:
    """The calendar quarter ``today`` is in: the default period of money reports."""
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    after = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, after - timedelta(days=1)


def _money(value: Decimal) -> str:
    return format_amount(value)


def _deals(db: Database, owner: str | None) -> list[dict[str, Any]]:
    return deals.fetch(db, deals.list_ids(db, status=None, owner=owner, sort="id"))


def _currency(db: Database, records: list[dict], wanted: str | None,
              notes: list[str]) -> str:
    """The currency to sum in, with a note naming the deals left out."""
    used: dict[str, int] = {}
    for d in records:
        used[d["currency"]] = used.get(d["currency"], 0) + 1
    if wanted:
        chosen = wanted
    elif len(used) == 1:
        chosen = next(iter(used))
    else:
        chosen = settings.get(db, "pipeline.currency")
    others = ", ".join(f"{n} in {c}" for c, n in sorted(used.items()) if c != chosen)
    if others:
        notes.append(f"amounts in {chosen}; not counted: deals {others}"
                     f" (use --currency to see them)")
    return chosen


def _sum(records: list[dict], key: str) -> Decimal:
    return sum((Decimal(d[key]) for d in records if d[key] is not None), Decimal(0))


def pipeline(db: Database, period: Period, *, currency: str | None = None,
             owner: str | None = None) -> Report:
    """Open deals per stage, the funnel, the forecast by month, and the period's results."""
    notes: list[str] = []
    everything = _deals(db, owner)
    chosen = _currency(db, everything, currency, notes)
    records = [d for d in everything if d["currency"] == chosen]
    order = deals.stages(db)
    return Report(
        "pipeline", f"Sales pipeline ({chosen})",
        [_stages(db, records, order, period, chosen), _funnel(db, records, order, period),
         _forecast(records), _results(records, period)],
        period.start, period.end, [
            *notes, "open deals and the forecast are as of today; won, lost and the funnel"
            " cover the period"])


def _stages(db: Database, records: list[dict], order: list[deals.Stage], period: Period,
            currency: str) -> Section:
    stints = _average_stints(db, [d["id"] for d in records])
    rows = []
    for stage in order:
        if stage.closed:
            members = [d for d in records if d["stage"] == stage.name and period.holds(d["closed"])]
        else:
            members = [d for d in records if d["stage"] == stage.name]
        rows.append({
            "stage": stage.name, "probability": stage.probability, "deals": len(members),
            "amount": _money(_sum(members, "amount")),
            "weighted": _money(_sum(members, "weighted")),
            "avg_days_in_stage": None if stage.closed else stints.get(stage.name)})
    open_rows = [d for d in records if d["status"] == "open"]
    totals = {"stage": "open", "probability": None, "deals": len(open_rows),
              "amount": _money(_sum(open_rows, "amount")),
              "weighted": _money(_sum(open_rows, "weighted")), "avg_days_in_stage": None}
    return Section("stages", f"Deals by stage ({currency})", [
        ("stage", "Stage"), ("probability", "%"), ("deals", "Deals"), ("amount", "Amount"),
        ("weighted", "Weighted"), ("avg_days_in_stage", "Avg days in stage")],
        rows, totals, Chart("bar", "stage", "amount"))


def _average_stints(db: Database, ids: list[int]) -> dict[str, str]:
    """Average whole days a deal stayed in each stage (the current stay counts so far)."""
    from rolodex.dates import now
    from rolodex.store.records import chunks

    current = now()
    spans: dict[str, list[int]] = {}
    for chunk in chunks(ids):
        rows = db.query(
            f"SELECT s.deal_id, s.stage, s.at, d.closed FROM deal_stages s JOIN deals d"
            f" ON d.id = s.deal_id WHERE s.deal_id IN ({', '.join('?' * len(chunk))})"
            f" ORDER BY s.deal_id, s.at, s.id", chunk)
        for i, row in enumerate(rows):
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            if nxt is not None and nxt["deal_id"] == row["deal_id"]:
                left = from_utc_iso(nxt["at"])
            elif row["closed"]:
                continue  # the closing stage itself has no length
            else:
                left = current
            days = max(0, (left - from_utc_iso(row["at"])).days)
            spans.setdefault(row["stage"], []).append(days)
    return {stage: f"{Decimal(sum(d)) / len(d):.1f}" for stage, d in spans.items()}


def _funnel(db: Database, records: list[dict], order: list[deals.Stage],
            period: Period) -> Section:
    """Of the deals created in the period, how many got at least as far as each stage."""
    from rolodex.store.records import chunks

    ladder = [s.name for s in order if s.name != "lost"]
    rank = {name: i for i, name in enumerate(ladder)}
    cohort = {d["id"]: 0 for d in records if period.holds(d["created"])}
    for chunk in chunks(list(cohort)):
        for deal_id, stage in db.execute(
                f"SELECT deal_id, stage FROM deal_stages WHERE deal_id IN"
                f" ({', '.join('?' * len(chunk))})", chunk):
            if stage in rank:
                cohort[deal_id] = max(cohort[deal_id], rank[stage])
    rows = []
    for i, name in enumerate(ladder):
        reached = sum(1 for best in cohort.values() if best >= i)
        rows.append({"stage": name, "reached": reached,
                     "percent": f"{Decimal(100 * reached) / len(cohort):.1f}" if cohort
                     else None})
    return Section("funnel", "Funnel of the deals created in the period",
                   [("stage", "Stage"), ("reached", "Reached"), ("percent", "% of created")],
                   rows, None, Chart("funnel", "stage", "reached"),
                   empty="no deals were created in the period")


def _forecast(records: list[dict]) -> Section:
    """Open deals by expected-close month; those without a date last."""
    months: dict[str | None, list[dict]] = {}
    for d in records:
        if d["status"] == "open":
            months.setdefault(d["close"][:7] if d["close"] else None, []).append(d)
    keys = sorted(k for k in months if k is not None) + ([None] if None in months else [])
    rows = [{"month": k, "deals": len(months[k]), "amount": _money(_sum(months[k], "amount")),
             "weighted": _money(_sum(months[k], "weighted"))} for k in keys]
    everyone = [d for k in keys for d in months[k]]
    totals = {"month": "total", "deals": len(everyone),
              "amount": _money(_sum(everyone, "amount")),
              "weighted": _money(_sum(everyone, "weighted"))} if rows else None
    return Section("forecast", "Forecast by expected close month",
                   [("month", "Month"), ("deals", "Deals"), ("amount", "Amount"),
                    ("weighted", "Weighted")], rows, totals,
                   Chart("bar", "month", "weighted"), empty="no open deals")


def _results(records: list[dict], period: Period) -> Section:
    """Won and lost in the period: win rate, average size and days to close."""
    won = [d for d in records if d["status"] == "won" and period.holds(d["closed"])]
    lost = [d for d in records if d["status"] == "lost" and period.holds(d["closed"])]
    decided = len(won) + len(lost)
    days = [(from_utc_iso(d["closed"]) - from_utc_iso(d["created"])).days for d in won]
    total = _sum(won, "amount")
    priced = [d for d in won if d["amount"] is not None]
    row = {
        "won": len(won), "lost": len(lost),
        "win_rate": f"{Decimal(100 * len(won)) / decided:.1f}" if decided else None,
        "won_amount": _money(total),
        "avg_won_amount": _money((total / len(priced)).quantize(Decimal("0.01")))
        if priced else None,
        "avg_days_to_close": f"{Decimal(sum(days)) / len(days):.1f}" if days else None,
    }
    return Section("results", "Won and lost in the period", [
        ("won", "Won"), ("lost", "Lost"), ("win_rate", "Win rate %"),
        ("won_amount", "Won amount"), ("avg_won_amount", "Average won"),
        ("avg_days_to_close", "Avg days to close")], [row])


def sources(db: Database, period: Period, *, currency: str | None = None,
            owner: str | None = None) -> Report:
    """Per lead source: contacts added in the period, how many became customers, and the
    deals created in the period from that source with how many were won and for how much."""
    notes: list[str] = []
    params: list[Any] = [period.low, period.high]
    mine = ""
    if owner:
        mine = " AND owner = ?"
        params.append(owner)
    groups: dict[str, dict[str, Any]] = {}
    spellings: dict[str, dict[str, int]] = {}

    def group(source: str | None, weight: int = 1) -> dict[str, Any]:
        """Sources typed 'Web' and 'web' are one; the label is the commonest spelling."""
        key = (source or "").casefold()
        if source is not None:
            seen = spellings.setdefault(key, {})
            seen[source] = seen.get(source, 0) + weight
        return groups.setdefault(key, {"source": source, "leads": 0, "customers": 0,
                                       "deals": 0, "won": 0, "won_amount": Decimal(0)})

    for source, leads, customers in db.execute(
            f"SELECT source, count(*), count(CASE WHEN status = 'customer' THEN 1 END)"
            f" FROM contacts WHERE created >= ? AND created < ?{mine} GROUP BY source", params):
        row = group(source, leads)
        row["leads"] += leads
        row["customers"] += customers
    made = [d for d in _deals(db, owner) if period.holds(d["created"])]
    chosen = _currency(db, made, currency, notes)
    for d in made:
        row = group(d["source"])
        row["deals"] += 1
        if d["status"] == "won":
            row["won"] += 1
            if d["currency"] == chosen and d["amount"] is not None:
                row["won_amount"] += Decimal(d["amount"])
    for key, seen in spellings.items():
        groups[key]["source"] = min(seen, key=lambda spelling: (-seen[spelling], spelling))
    rows = sorted(groups.values(), key=lambda r: (-r["leads"], -r["deals"],
                                                  r["source"] is None, r["source"] or ""))
    for row in rows:
        row["conversion"] = f"{Decimal(100 * row['customers']) / row['leads']:.1f}" \
            if row["leads"] else None
        row["won_amount"] = _money(row["won_amount"])
    keys = ["source", "leads", "customers", "conversion", "deals", "won", "won_amount"]
    rows = [{k: r[k] for k in keys} for r in rows]
    totals = {"source": "total", "leads": sum(r["leads"] for r in rows),
              "customers": sum(r["customers"] for r in rows), "conversion": None,
              "deals": sum(r["deals"] for r in rows), "won": sum(r["won"] for r in rows),
              "won_amount": _money(sum((Decimal(r["won_amount"]) for r in rows), Decimal(0)))}
    return Report("sources", f"Lead sources ({chosen})", [Section(
        "sources", "Leads and deals per source", [
            ("source", "Source"), ("leads", "Leads"), ("customers", "Customers"),
            ("conversion", "Customer %"), ("deals", "Deals"), ("won", "Won"),
            ("won_amount", "Won amount")], rows, totals if rows else None,
        Chart("bar", "source", "leads"), empty="no contacts or deals added in the period")],
        period.start, period.end, [
            *notes, "leads are contacts added in the period; customers are those of them"
            " with status customer now; deals are those created in the period"])
