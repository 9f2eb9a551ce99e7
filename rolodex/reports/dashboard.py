"""One screen for the start of the day: the agenda, what is overdue, the pipeline, and
the latest history. Each part is the same data its own command gives, cut short."""

from __future__ import annotations

from datetime import date, timedelta, tzinfo

from rolodex.dates import from_utc_iso
from rolodex.report_model import Report, Section
from rolodex.reports.agenda import agenda_for_people
from rolodex.reports.followups import followups, most_urgent
from rolodex.reports.pipeline import Period, pipeline, quarter
from rolodex.store.activity.history import list_entries
from rolodex.store.db import Database

RECENT = 10
DUE = 20  # follow-ups on the dashboard: the most urgent; 'rolodex followups' has them all


def _names(people: list[dict]) -> str:
    return ", ".join(p["name"] for p in people)


class _Mine:
    """Which agenda and follow-up items are ``owner``'s (all of them without one)."""

    def __init__(self, db: Database, owner: str | None) -> None:
        self.owner = owner
        if owner is not None:
            self.tasks = {r[0] for r in db.execute("SELECT id FROM tasks WHERE owner = ?",
                                                   (owner,))}
            self.people = {r[0] for r in db.execute(
                "SELECT id FROM contacts WHERE owner = ?", (owner,))}

    def has(self, item: dict) -> bool:
        if self.owner is None:
            return True
        if item["type"] == "task":
            return item["id"] in self.tasks
        if item["type"] == "followup":
            return item["id"] in self.people
        return any(c["id"] in self.people for c in item["contacts"])


def dashboard(db: Database, today: date, tz: tzinfo, *, days: int = 7,
              owner: str | None = None) -> Report:
    """The dashboard for ``today`` looking ``days`` ahead; with ``owner``, every section
    is that team member's, as each report narrows by owner: tasks they own, people they
    are in charge of (and the events and birthdays with them), deals they own, history
    they logged."""
    mine = _Mine(db, owner)
    upcoming = [
        {"date": i["date"], "time": i["time"], "type": i["type"], "title": i["title"],
         "with": _names(i["contacts"])}
        for i in agenda_for_people(db, today, today + timedelta(days=days), tz, today, 0)[0]
        if i["type"] != "followup" and not (i["type"] == "task" and i["overdue"])
        and mine.has(i)]
    if owner is None:
        urgent, total = most_urgent(db, today, tz, DUE)
    else:
        everyone = [i for i in followups(db, today, tz) if mine.has(i)]
        urgent, total = everyone[:DUE], len(everyone)
    due = [
        {"type": i["type"], "id": i["id"], "title": i["title"], "due": i["due"],
         "days_overdue": i["days_overdue"], "with": _names(i["contacts"])}
        for i in urgent]
    money = pipeline(db, Period.of(*quarter(today), tz), owner=owner)
    stages = money.section("stages")
    open_rows = [r for r in stages.rows if r["stage"] not in ("won", "lost")]
    recent = [
        {"at": from_utc_iso(h["at"]).astimezone(tz).strftime("%Y-%m-%d %H:%M"),
         "kind": h["kind"], "with": _names(h["contacts"]) or (h["company"] or ""),
         "text": h["text"]}
        for h in list_entries(db, limit=RECENT, user=owner)]
    return Report("dashboard", f"rolodex dashboard for {today.isoformat()}", [
        Section("agenda", f"Next {days} days", [
            ("date", "Date"), ("time", "Time"), ("type", "Type"), ("title", "What"),
            ("with", "With")], upcoming, empty="nothing on the agenda"),
        Section("followups", "Overdue and due today" + (
            f": the {len(due)} most urgent of {total} (rolodex followups)"
            if total > len(due) else ""), [
            ("type", "Kind"), ("id", "ID"), ("title", "Who / what"), ("due", "Due"),
            ("days_overdue", "Days late"), ("with", "With")], due,
            empty="nothing to follow up"),
        Section("pipeline", stages.title.replace("Deals", "Open deals"),
                stages.columns, open_rows, stages.totals, stages.chart,
                empty="no deals"),
        Section("recent", "Latest history", [
            ("at", "When"), ("kind", "Kind"), ("with", "With"), ("text", "What")], recent,
            empty="no history yet"),
    ], today, today + timedelta(days=days), money.notes[:-1])

