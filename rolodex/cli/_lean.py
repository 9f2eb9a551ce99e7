"""The lean path: ``rolodex mutt-query``, ``--help`` and the plain forms of ``search``,
``contact show``, ``company show`` and ``history REF`` answered without loading Typer or
Click (and ``mutt-query`` and ``--help`` without Rich).

Mail clients run ``mutt-query`` on every address completion, so its whole-process time
is what the user waits for; importing the Typer app alone costs more than the lookup.
``lean_command`` recognises the plain forms of that one command (global ``--db PATH``
and ``-q`` before it, ``--plain`` and one query after it) and returns something to run;
for anything else (``--help``, an unknown option, a missing or extra argument,
completion) it returns None and the Typer app parses the command line, so usage errors
and help read exactly as they always have.

This module is imported on every command: it imports nothing beyond the standard library
until it knows it has a command to run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

_COMMAND = "mutt-query"


def lean_command(argv: list[str]) -> Callable[[], int] | None:
    """A function running ``argv`` and returning its exit code, or None: use Typer."""
    if os.environ.get("_ROLODEX_COMPLETE"):
        return None
    parsed = _root_options(argv)
    if parsed is None:
        return None
    db, quiet, rest = parsed
    if rest[:1] == [_COMMAND]:
        args = _mutt_query_args(rest[1:])
        if args is None:
            return None
        query, plain = args

        def body() -> int:
            return answer_mutt_query(query, plain=plain)
    else:
        instant = _instant(rest)
        if instant is None:
            return None
        body = instant

    def run() -> int:
        from rolodex.cli._context import state

        state.db_option = db
        state.quiet = quiet
        return body()

    return run


def _root_options(argv: list[str]) -> tuple[str | None, bool, list[str]] | None:
    """(--db, --quiet, the words after them), or None for any other root option."""
    db: str | None = None
    quiet = False
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        arg = argv[i]
        if arg in ("-q", "--quiet"):
            quiet = True
        elif arg.startswith("--db=") and len(arg) > len("--db="):
            db = arg[len("--db="):]
        elif arg == "--db" and i + 1 < len(argv) and argv[i + 1] \
                and not argv[i + 1].startswith("-"):
            db = argv[i + 1]
            i += 1
        else:
            return None
        i += 1
    return db, quiet, argv[i:]


# The plain forms of the commands that must answer at once (``cli/_instant.py``): their
# words, how many positional arguments they take (None: one or more), and the body.
_FORMATS = ("table", "json", "jsonl", "csv", "tsv", "ids")


def _instant(words: list[str]) -> Callable[[], int] | None:
    """The body for ``search WORDS...``, ``contact show REF``, ``company show REF`` or
    ``history REF`` (each with ``-f FORMAT`` at most), or None for any other line."""
    if words[:1] == ["search"]:
        rest, many = words[1:], True
    elif words[:2] in (["contact", "show"], ["company", "show"]):
        rest, many = words[2:], False
    elif words[:1] == ["history"]:
        rest, many = words[1:], False
    else:
        return None
    args = _positional_and_format(rest)
    if args is None:
        return None
    positional, fmt = args
    if not positional or (not many and len(positional) != 1) \
            or (many and positional[0] in ("save", "saved")):
        return None

    def body() -> int:
        from rolodex.cli import _instant as instant
        from rolodex.cli._output import Format

        chosen = Format(fmt)
        if words[0] == "search":
            instant.search_listing(positional, limit=None, format=chosen, columns=None)
        elif words[0] == "history":
            instant.history_listing(positional[0], format=chosen)
        elif words[0] == "contact":
            instant.contact_show(positional[0], chosen)
        else:
            instant.company_show(positional[0], chosen)
        return 0

    return body


def _positional_and_format(args: list[str]) -> tuple[list[str], str] | None:
    """(the positional words, the format) when the only option is ``-f``/``--format``
    with a known format; None otherwise (Typer parses it and words any error)."""
    positional: list[str] = []
    fmt = "table"
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-f", "--format") and i + 1 < len(args):
            fmt = args[i + 1].lower()
            i += 1
        elif arg.startswith("--format="):
            fmt = arg[len("--format="):].lower()
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            positional.append(arg)
        i += 1
    return (positional, fmt) if fmt in _FORMATS else None


def answer_mutt_query(query: str, *, plain: bool) -> int:
    """The body of ``mutt-query`` on both paths: print the addresses matching ``query``;
    the exit code is 1 when nothing matches (mutt reports "no matches" itself)."""
    from rolodex.cli._context import state
    from rolodex.formats.mutt import query_output
    from rolodex.store.search.mail_lookup import addresses

    found = addresses(state.db(), query)
    sys.stdout.write(query_output(query, found, plain=plain))
    return 0 if found else 1


def _mutt_query_args(args: list[str]) -> tuple[str, bool] | None:
    """(query, plain) from ``mutt-query``'s own arguments, or None for anything unusual."""
    plain = False
    positional: list[str] = []
    for n, arg in enumerate(args):
        if arg == "--":
            positional += args[n + 1:]
            break
        if arg == "--plain":
            plain = True
        elif arg.startswith("-") and arg != "-":
            return None  # --help, a typo: Typer answers and words the error
        else:
            positional.append(arg)
    if len(positional) != 1:
        return None
    return positional[0], plain


def lean_help(argv: list[str]) -> Callable[[], int] | None:
    """``rolodex [COMMAND...] --help`` printed from the texts ``docs/reference.py`` stored,
    byte for byte what Typer prints at 80 columns: Typer builds every command to print
    the root's help, which took most of the time. Only where the text is the same: no
    other words on the line, and a terminal at least 80 columns wide (click wraps help
    to the terminal's width, capped at 80), or no terminal at all."""
    if not argv or argv[-1] not in ("--help", "-h") or os.environ.get("_ROLODEX_COMPLETE"):
        return None
    path = tuple(argv[:-1])
    if any(word.startswith("-") for word in path) or not _wide_enough():
        return None
    from rolodex.cli._help_texts import TEXTS

    text = TEXTS.get(path)
    if text is None:
        return None

    def show() -> int:
        sys.stdout.write(text)
        return 0

    return show


def _wide_enough() -> bool:
    """Whether click would wrap help at its cap of 80 columns here."""
    import shutil

    return shutil.get_terminal_size().columns >= 80


def run_lean(argv: list[str]) -> bool:
    """Run ``argv`` on the lean path if it has one (exiting with its code); False if not."""
    command = lean_help(argv) or lean_command(argv)
    if command is None:
        return False
    code = command()
    sys.stdout.flush()  # a closed pipe surfaces here, inside the error boundary
    if code:
        sys.exit(code)
    return True
