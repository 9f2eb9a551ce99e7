"""Shell completion of contact and company names from the database.

Runs inside the user's shell on every <TAB>: opens the file read-only, never creates or
migrates it, and stays silent on any error rather than spilling into the prompt. The shell
prints the suggestions on the terminal: a name with a control character in it (from a
stranger's vCard) is not suggested (it cannot be typed anyway), and descriptions show
control characters escaped.
"""

from __future__ import annotations

MAX_SUGGESTIONS = 50


def _suggest(kind: str, incomplete: str) -> list[tuple[str, str]]:
    from rolodex.cli._context import state
    from rolodex.store.opening import open_db
    from rolodex.store.search import suggestions

    try:
        path = state.db_path()
        if not path.exists():
            return []
        db = open_db(path, readonly=True)
        try:
            rows = getattr(suggestions, kind)(db, incomplete, MAX_SUGGESTIONS)
        finally:
            db.close()
    except Exception:
        return []
    from rolodex.cli._output import one_line

    return [(r[0], one_line(r[1] or "")) for r in rows if one_line(r[0]) == r[0]]


def complete_contact(incomplete: str) -> list[tuple[str, str]]:
    """Contact names starting with what was typed (accents and case ignored), with emails;
    after an '@', the names of saved searches with their queries."""
    return _suggest("contacts", incomplete)


def complete_company(incomplete: str) -> list[tuple[str, str]]:
    return _suggest("companies", incomplete)
