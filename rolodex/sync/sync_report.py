"""What a sync did, as its summary and ``--format json`` show it, and the helpers the
engine and its use cases share to read a card."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rolodex.models import ContactData

ACTIONS = ("downloaded", "updated_here", "deleted_here", "uploaded", "updated_there",
           "deleted_there", "merged", "kept", "restored")


@dataclass
class SyncReport:
    """What one collection's sync did (or, dry, would do): per item its action; the
    conflicts it left; what it could not read."""

    account: str
    collection: str
    dry_run: bool = False
    kind: str = "contacts"  # the collection's: contacts, events, tasks, journal
    items: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    on_item: Callable[[], None] | None = None  # a progress bar's advance

    def add(self, action: str, uid: str, name: str | None, note: str | None = None, *,
            advance: bool = True) -> None:
        """``advance``: move the progress bar (not for items ``apply`` already counted)."""
        self.items.append({"action": action, "uid": uid, "name": name, "note": note})
        if advance and self.on_item is not None:
            self.on_item()

    def counts(self) -> dict[str, int]:
        return {a: sum(1 for i in self.items if i["action"] == a) for a in ACTIONS}

    def summary(self) -> dict[str, Any]:
        return {"account": self.account, "collection": self.collection, "kind": self.kind,
                "dry_run": self.dry_run, **self.counts(), "conflicts": self.conflicts,
                "skipped": self.skipped, "items": self.items}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_card(data: bytes, source: str) -> ContactData | None:
    """The one contact a vCard item holds; None when it holds none (or is unreadable)."""
    from rolodex.errors import RolodexError
    from rolodex.formats.contact_files import ContactFiles

    try:
        items = list(ContactFiles([(source, data)], kind="vcard"))
    except RolodexError:
        return None
    return items[0].data if len(items) == 1 else None


def card_name(text: str) -> str | None:
    """The FN of a card, for the report, without parsing it."""
    for line in text.splitlines():
        if line.upper().startswith("FN") and ":" in line:
            return line.split(":", 1)[1].strip() or None
    return None


def describe_plan(report: SyncReport, status, fetched, remote_gone, local_changed,
                  local_gone, fresh) -> None:
    """What a sync would do (``--dry-run``), from its comparison of both sides: merges
    are counted, not computed."""
    add = report.add
    for uid, row in status.items():
        name = row.get("name")
        if uid in fetched and fetched[uid].foreign:
            continue  # another kind's item: left alone
        if row["local_id"] is None:
            if uid in fetched:
                add("updated_here", uid, fetched[uid].name)
            continue
        r = "changed" if uid in fetched else "gone" if uid in remote_gone else "same"
        loc = ("changed" if uid in local_changed else "gone" if uid in local_gone
               else "same")
        action = {("same", "changed"): "updated_here", ("same", "gone"): "deleted_here",
                  ("changed", "same"): "updated_there", ("changed", "changed"): "merged",
                  ("changed", "gone"): "kept", ("gone", "same"): "deleted_there",
                  ("gone", "changed"): "restored"}.get((loc, r))
        if action:
            add(action, uid, fetched[uid].name if uid in fetched else name)
    for uid, remote in fetched.items():
        if uid not in status and not remote.foreign:
            add("merged" if uid in fresh else "downloaded", uid, remote.name)
    for uid in fresh:
        if uid not in fetched:
            add("uploaded", uid, None)
