"""Shell completion of contact, company and saved-search names from the database.

Runs inside the user's shell on every <TAB>: opens the file read-only, never creates or
migrates it, and stays silent on any error rather than spilling into the prompt. The file
is the one the command line being completed names with ``--db`` (click parses the line
without running the root command, so the context is asked, not the session), else the
usual one. Names match like REFs do: case and accents ignored, so ``zo``, ``ZO`` and
``zoe`` all offer ``Zoë Müller`` (Typer keeps only candidates that start with the typed
text: see :class:`Offered`; ``completion_shells`` makes each shell keep them too). The
shell prints the suggestions on the terminal: a name with a control or format character
in it (from a stranger's vCard) is not suggested (it cannot be typed anyway), and
descriptions show such characters escaped.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rolodex.normalize import fold

MAX_SUGGESTIONS = 50
_UNSHOWABLE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


class Offered(str):
    """A suggested name. Typer drops every candidate whose value does not start with
    the typed text, compared as is; this one starts with it when REFs would match it:
    case and accents ignored."""

    def startswith(self, prefix: Any, *args: Any) -> bool:  # type: ignore[override]
        if isinstance(prefix, str) and not args:
            return fold(self).startswith(fold(prefix))
        return super().startswith(prefix, *args)


def _showable(text: str) -> bool:
    return all(unicodedata.category(c) not in _UNSHOWABLE for c in text)


def _description(text: str) -> str:
    """One line, every unshowable character written as an escape."""
    return "".join(c if unicodedata.category(c) not in _UNSHOWABLE else f"\\u{ord(c):04x}"
                   for c in text)


def _db_option(ctx: Any) -> str | None:
    """The ``--db`` of the command line being completed, if it has one."""
    try:
        return ctx.find_root().params.get("db") if ctx is not None else None
    except Exception:
        return None


def _suggest(kind: str, incomplete: str, ctx: Any = None) -> list[tuple[str, str]]:
    from rolodex.cli._context import state
    from rolodex.store.opening import open_db
    from rolodex.store.paths import resolve_db_path
    from rolodex.store.search import suggestions

    try:
        db_option = _db_option(ctx)
        path = resolve_db_path(db_option) if db_option else state.db_path()
        if not path.exists():
            return []
        db = open_db(path, readonly=True)
        try:
            rows = getattr(suggestions, kind)(db, incomplete, MAX_SUGGESTIONS)
        finally:
            db.close()
    except Exception:
        return []
    return [(Offered(r[0]), _description(r[1] or "")) for r in rows
            if r[0] and _showable(r[0])]


def complete_contact(incomplete: str, ctx: Any = None) -> list[tuple[str, str]]:
    """Contact names starting with what was typed (accents and case ignored), with emails;
    after an '@', the names of saved searches with their queries."""
    return _suggest("contacts", incomplete, ctx)


def complete_company(incomplete: str, ctx: Any = None) -> list[tuple[str, str]]:
    """Company names starting with what was typed (accents and case ignored), with domains."""
    return _suggest("companies", incomplete, ctx)


def complete_saved_search(incomplete: str, ctx: Any = None) -> list[tuple[str, str]]:
    """A search's words are free text: only an '@' has something to offer, the saved
    searches (with their queries)."""
    return _suggest("contacts", incomplete, ctx) if incomplete.startswith("@") else []


def complete_campaign(incomplete: str, ctx: Any = None) -> list[tuple[str, str]]:
    """Campaign names starting with what was typed, with their status and audience."""
    return _suggest("campaigns", incomplete, ctx)
