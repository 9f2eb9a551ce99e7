"""What a campaign run did for one person and step: its rows are the run's output."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

KEYS = ("campaign", "step", "kind", "contact_id", "contact", "address", "status", "detail",
        "message_id", "file", "task_id", "history_id")


@dataclass
class Outcome:
    """One thing a run did (or, with ``--dry-run``, would do) for one person."""

    campaign: str
    step: int
    kind: str
    contact_id: int
    contact: str
    address: str | None = None
    status: str = "sent"   # sent | failed | unconfirmed | left | would send
    detail: str | None = None
    message_id: str | None = None
    file: str | None = None
    task_id: int | None = None
    history_id: int | None = None

    def row(self) -> dict[str, Any]:
        return asdict(self)
