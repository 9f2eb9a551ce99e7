"""What an import did, as its summary (``import --format json``) and its messages show it:
its contacts and companies (``ContactReport``), its events and tasks (``CalendarReport``),
both together (``ImportReport``).

Every list is kept in the order things happened; a contact's entry carries the keys the
JSON contract documents (name, source, index, id; matched_by and matched_id when it was
found by email, phone or URL; changes when it was merged).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from rolodex.formats.incoming import Item, Problem


@dataclass
class ContactReport:
    new: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    # Values a record holds that are not what they claim (EMAIL:wei, BDAY:1990-02-30),
    # kept out of the typed fields (in the kept card, or a CSV row's custom field): name,
    # source, index, property (or column), value as written, reason.
    invalid: list[dict] = field(default_factory=list)
    dry_run: bool = False
    items: int = 0  # contacts read (and so written, skipped or failed)

    def add_invalid(self, item: Item) -> None:
        data = item.data
        self.invalid += [{"name": data.name, "source": item.source, "index": item.index,
                          "property": prop, "value": value, "reason": reason}
                         for prop, value, reason in data.invalid]

    def conflicts(self) -> list[dict[str, Any]]:
        """Every field the import left as it was because the card said otherwise, and
        every card held back because its UID belongs to someone else."""
        out = []
        for entry in self.updated + self.unchanged + self.skipped:
            for change in entry.get("changes", ()):
                if change["action"] == "conflict":
                    out.append({"name": entry["name"], "source": entry["source"],
                                "index": entry["index"], "id": entry["id"],
                                "field": change["field"], "local": change["local"],
                                "value": change["value"],
                                "company": bool(entry.get("company"))})
        return out

    def changes(self) -> list[dict[str, Any]]:
        """Per contact or company the import changed (or, dry, would change): what."""
        return [{"name": e["name"], "source": e["source"], "index": e["index"], "id": e["id"],
                 "company": bool(e.get("company")), "changes": e["changes"]}
                for e in self.updated if e.get("changes")]

    def kinds(self) -> dict[str, int]:
        """How many of the cards read were people, companies (KIND:org) and groups
        (KIND:group); a card that failed counts as a person (its kind was not read)."""
        done = self.new + self.updated + self.unchanged + self.skipped
        companies = sum(1 for e in done if e.get("company"))
        groups = sum(1 for e in done if e.get("group"))
        return {"contacts": self.items - companies - groups, "companies": companies,
                "groups": groups}

    def summary(self) -> dict[str, Any]:
        return {"new": len(self.new), "updated": len(self.updated),
                "unchanged": len(self.unchanged), "skipped": len(self.skipped),
                "failed": len(self.failed), "dry_run": self.dry_run,
                "problems": [asdict(p) for p in self.failed],
                "matches": [{k: v for k, v in s.items() if k != "changes"}
                            for s in self.updated + self.skipped + self.new
                            if s.get("matched_by")],
                "duplicates": self.duplicates, "invalid": self.invalid,
                "conflicts": self.conflicts(),
                "changes": self.changes(), "cards": self.kinds()}


@dataclass
class ImportReport:
    """A whole import: its contacts and companies, and its calendar items."""

    contacts: ContactReport
    calendar: CalendarReport | None = None

    def summary(self) -> dict[str, Any]:
        """The JSON shape of ``import --format json``: the contacts' summary with the
        calendar's under "calendar"; the calendar's alone when only calendars came in."""
        calendar = self.calendar.summary() if self.calendar is not None else None
        if calendar is not None and not self.contacts.items and not self.contacts.failed:
            return calendar
        return {**self.contacts.summary(), "calendar": calendar}


@dataclass
class CalendarReport:
    events_new: int = 0
    events_updated: int = 0
    events_unchanged: int = 0
    tasks_new: int = 0
    tasks_updated: int = 0
    tasks_unchanged: int = 0
    history_new: int = 0  # journal entries (VJOURNAL): logged calls, mails, meetings
    history_updated: int = 0
    history_unchanged: int = 0
    failed: list[Problem] = field(default_factory=list)
    unknown_people: list[str] = field(default_factory=list)
    # Contacts --create-contacts made: {id, name, email}; and those that look like a
    # contact that was there before (as ``import`` reports for vCards).
    new_contacts: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    # Components with nothing to import (no DTSTART, iTIP replies): said, not failures.
    skipped: list[Problem] = field(default_factory=list)
    # Imported, but not quite as written (a rule that never happens): said, never silent.
    warnings: list[Problem] = field(default_factory=list)
    # Fields of stored items kept as rolodex has them while the file says otherwise:
    # {source, index, line, uid, kind ("event", "task", "history entry"), title, field,
    # local, value}.
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The JSON shape of ``import --format json`` for calendars."""
        return {"events": {"new": self.events_new, "updated": self.events_updated,
                           "unchanged": self.events_unchanged},
                "tasks": {"new": self.tasks_new, "updated": self.tasks_updated,
                          "unchanged": self.tasks_unchanged},
                "history": {"new": self.history_new, "updated": self.history_updated,
                            "unchanged": self.history_unchanged},
                "skipped": len(self.skipped), "failed": len(self.failed),
                "problems": [asdict(p) for p in self.failed + self.skipped],
                "warnings": [asdict(p) for p in self.warnings],
                "unknown_people": list(self.unknown_people),
                "new_contacts": list(self.new_contacts), "duplicates": list(self.duplicates),
                "conflicts": list(self.conflicts), "dry_run": self.dry_run}
