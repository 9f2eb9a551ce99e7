"""The rows ``rolodex doctor`` prints: one finding per problem a check found, or one ``ok``."""

from __future__ import annotations

from typing import Any

OK, PROBLEM, INFO, FIXED = "ok", "problem", "info", "fixed"
KEYS = ("check", "status", "count", "fixable", "detail")
_MAX_DETAIL_ITEMS = 5


def finding(check: str, status: str, count: int = 0, detail: str = "",
            fixable: bool = False) -> dict[str, Any]:
    """One output row; every key always present (the documented doctor shape)."""
    return {"check": check, "status": status, "count": count, "fixable": fixable,
            "detail": detail or None}


def listed(items: list[str]) -> str:
    """A short list for a detail column: the first few, then how many more."""
    shown = ", ".join(items[:_MAX_DETAIL_ITEMS])
    more = len(items) - _MAX_DETAIL_ITEMS
    return shown + (f" and {more} more" if more > 0 else "")
