"""What ``rolodex import`` says on stderr: one line per problem, match, conflict or
(in a dry run) change, then the summary lines."""

from __future__ import annotations

from rolodex.cli._output import message
from rolodex.sync.contact_merge import Change
from rolodex.sync.report import ContactReport, ImportReport


def show(report: ImportReport) -> None:
    contacts, calendar = report.contacts, report.calendar
    if calendar is not None:
        from rolodex.cli._calendar_io import show_calendar

        show_calendar(calendar)
        if not contacts.items and not contacts.failed:
            return
    _show_contacts(contacts)


def _show_contacts(report: ContactReport) -> None:
    summary = report.summary()
    for problem in report.failed:
        message(f"  skipped {problem.source}: card {problem.index}, line {problem.line}: "
                f"{problem.reason}")
    for match in summary["matches"]:
        message(f"  {match['name']}: matched #{match['matched_id']} by {match['matched_by']}")
    if report.dry_run:
        for entry in summary["changes"]:
            message(f"  {_who(entry)}: " + "; ".join(
                Change(**c).describe() for c in entry["changes"] if c["action"] != "conflict"))
    for conflict in summary["conflicts"]:
        message(f"  conflict {_who(conflict)}: " + Change(
            "conflict", conflict["field"], conflict["value"], conflict["local"]).describe())
    for dupe in summary["duplicates"]:
        message(f"  {dupe['name']}: new #{dupe['id']} looks like #{dupe['duplicate_id']} "
                f"{dupe['duplicate_name']} ({dupe['why']})")
    for entry in summary["invalid"]:
        message(f"  kept as written only: {entry['source']} {_item(entry['source'])} "
                f"{entry['index']} {entry['name']}: {entry['property']} '{entry['value']}' "
                f"{entry['reason']}")
    duplicates, conflicts = len(summary["duplicates"]), len(summary["conflicts"])
    invalid = len(summary["invalid"])
    message(("would import" if report.dry_run else "imported") + f" {_what(report)}: "
            f"{summary['new']} new, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged, {summary['skipped']} skipped, "
            f"{summary['failed']} failed"
            + (f", {conflicts} conflict(s) kept as they were" if conflicts else "")
            + (f", {duplicates} likely duplicate(s)" if duplicates else "")
            + (f", {invalid} invalid value(s) kept as written" if invalid else "")
            + (" (dry run: nothing written)" if report.dry_run else ""))
    if conflicts:
        message("  conflicts keep rolodex's value; to take the cards' values instead: "
                "import again with --on-match replace")


def _what(report) -> str:
    """"3 contact(s)", or "5 card(s) (3 contacts, 1 company, 1 group)" when company or
    group cards came in too, which are no contacts."""
    kinds = report.kinds()
    if not kinds["companies"] and not kinds["groups"]:
        return f"{report.items} contact(s)"
    parts = [f"{n} {word if n == 1 else plural}" for n, word, plural in (
        (kinds["contacts"], "contact", "contacts"), (kinds["companies"], "company",
                                                     "companies"),
        (kinds["groups"], "group", "groups")) if n]
    return f"{report.items} card(s) ({', '.join(parts)})"


def _item(source: str) -> str:
    """What one record of a file is called: a vCard's card, a CSV's row, LDIF's entry."""
    suffix = source.lower().rsplit(".", 1)[-1]
    return {"csv": "row", "tsv": "row", "ldif": "entry", "ldi": "entry"}.get(suffix, "card")


def _who(entry: dict) -> str:
    kind = "company " if entry.get("company") else ""
    return f"{kind}#{entry['id']} {entry['name']}"
