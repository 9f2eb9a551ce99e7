"""Per-process state of the CLI: its session (``rolodex.session``: the database the user
chose, opened once and on demand, and the user's zone) and how it talks to the person at
the terminal (``say``, ``confirm``, ``--quiet``)."""

from __future__ import annotations

import sys

from rolodex.errors import InvalidInput, NotFound
from rolodex.session import Session


class State(Session):
    """The CLI's session: the root options (``--db``, ``--quiet``) and the open database."""

    def __init__(self) -> None:
        super().__init__()
        self.quiet = False


state = State()


def say(text: str) -> None:
    """A confirmation for the person at the terminal (stderr; silenced by --quiet). Names
    in it come from strangers' files: control characters are shown escaped."""
    if not state.quiet:
        from rolodex.cli._output import visible

        sys.stderr.write(visible(text) + "\n")


def expand_refs(refs: list[str], *, saved: bool = True) -> list[str]:
    """Replace ``-`` with the references read from stdin, one a line (blank lines skipped),
    and (with ``saved``) each ``@NAME`` with the current members of that saved search."""
    out: list[str] = []
    empty: list[str] = []
    for ref in refs:
        items = [line.strip() for line in sys.stdin if line.strip()] if ref == "-" else [ref]
        for item in items:
            name = _saved_name(item) if saved else None
            if name is None:
                out.append(item)
                continue
            from rolodex.store.search.query import members

            found = members(state.db(), name)
            out.extend(f"#{i}" for i in found)
            if not found:
                empty.append(name)
    if not out:
        if empty:
            from rolodex.errors import NotFound

            raise NotFound(f"saved search @{empty[0]} has no members",
                           hint=f"'rolodex search @{empty[0]}' shows whom it selects")
        raise InvalidInput("no contacts given", hint="name them, or pass - to read them from stdin")
    return out


def _saved_name(ref: str) -> str | None:
    if not ref.startswith("@"):
        return None
    from rolodex.store.search.query import ref_name

    return ref_name(ref)


def expand_ids(values: list[str]) -> list[int]:
    """Numeric ids as typed (``12`` or ``#12``), ``-`` reading them from stdin."""
    from rolodex.store.refs import MAX_ID, typed_id

    out = []
    for value in expand_refs(values, saved=False):
        number = typed_id(value)
        if number is None:
            raise InvalidInput(f"not an id: '{value}'", hint="ids are numbers such as 12")
        if number > MAX_ID:
            raise NotFound(f"nothing has id {number}: ids are at most {MAX_ID}")
        out.append(number)
    return list(dict.fromkeys(out))


def delete_by_ids(typed: list[str], noun: str, check, delete, yes: bool) -> None:
    """The body of ``task rm`` and ``deal rm``: every id must exist before anything is
    asked or deleted, then all go in one operation."""
    db = state.db()
    ids = expand_ids(typed)
    for record_id in ids:
        check(db, record_id)
    confirm(f"Delete {len(ids)} {noun}(s)?", yes)
    from rolodex.store.records import delete_each

    delete_each(db, ids, f"{noun}s", delete)
    say(f"deleted {len(ids)} {noun}(s)")


def confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; without one, ``--yes`` is required."""
    from rolodex.errors import Aborted

    if yes:
        return
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise Aborted(f"{question.rstrip('?')}: refusing without --yes (no terminal to ask on)")
    from rolodex.cli._output import visible

    sys.stderr.write(f"{visible(question)} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise Aborted("nothing was changed")
