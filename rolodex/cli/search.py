"""``rolodex search QUERY...``: full-text search with filters, and saved searches.

``save`` and ``saved`` are first words of the query, not subcommands: a Typer group with
a positional QUERY would take the name of a subcommand for a query (as ``calendar feed``).
"""

import re
from typing import Annotated

import typer

from rolodex.cli._context import say, state
from rolodex.cli._help import PlainUsageCommand
from rolodex.cli._options import ColumnsOption, FormatOption, LimitOption
from rolodex.cli._output import Column, Format, emit, emit_records, query_limit
from rolodex.cli._views import CONTACT_COLUMNS
from rolodex.cli.completion import complete_saved_search
from rolodex.errors import InvalidInput

SAVED_COLUMNS = (
    Column("name", "Name", show=lambda r: "@" + r["name"], style="bold", no_wrap=True),
    Column("query", "Query"),
    Column("members", "Members", show=lambda r: r["error"] if r["error"] else
           str(r["members"]), no_wrap=True),
)


_EXCLUDE = re.compile(r"^-(?:[A-Za-z][\w.-]*:|@)")  # -tag:active, -@lapsed: excluding


class QueryCommand(PlainUsageCommand):
    """``search``'s command: a word like ``-tag:active`` is part of the query, where click
    would read it as the options -t -a -g... Such words are moved after a ``--`` (after
    which click takes every word as the query's), so options and the query mix freely;
    the query's order does not matter past ``save NAME``, which no such word can be."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:  # type: ignore[override]
        if "--" in args:
            end = args.index("--")
            head, tail = args[:end], args[end:]
        else:
            head, tail = args, ["--"]
        excluding = [a for a in head if _EXCLUDE.match(a)]
        if excluding:
            args = [a for a in head if not _EXCLUDE.match(a)] + tail + excluding
        return super().parse_args(ctx, args)


def search(
    words: Annotated[list[str], typer.Argument(
        metavar="QUERY...", help="Words (prefixes match), an email, a phone; filters "
        "tag:X status:X owner:X company:X source:X city:X country:X, -KEY:X to exclude, "
        "@NAME for a saved search.", autocompletion=complete_saved_search)],
    rm: Annotated[str | None, typer.Option(
        "--rm", metavar="NAME", help="With 'saved': delete that saved search.")] = None,
    limit: LimitOption = None, format: FormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """Find contacts by any words in them, filter them, and save searches as groups (@NAME).

    Case and accents are ignored, words match as prefixes, phone numbers match however
    they are written. Filters narrow the result: tag:vip status:customer owner:me
    company:acme source:referral city:"New York" country:de; -tag:former excludes; a query
    of filters only lists every contact that passes them. Values with spaces are quoted;
    negated filters need -- before them (or the whole query in quotes).

    'search save NAME QUERY...' saves a query as @NAME (replacing one of that name);
    'search saved' lists saved searches with their current number of members, and
    'search saved --rm NAME' deletes one. @NAME then works wherever contacts are named
    (log, tag, task --for, merge-letter...) and always means who matches now. To search
    for the word save or saved itself, quote it with a space: rolodex search "save ".

    \b
    Example: rolodex search save berlin-vips tag:vip city:berlin
    """
    if words[0] == "save":
        return _save(words[1:], rm)
    if words[0] == "saved" and len(words) == 1:
        return _saved(rm, format, columns)
    if words[0] == "saved":
        raise InvalidInput("'search saved' takes no words",
                           hint="'rolodex search saved --rm NAME' deletes one; to search "
                                "for the word, quote it: rolodex search \"saved \"")
    if rm is not None:
        raise InvalidInput("--rm goes with 'rolodex search saved --rm NAME'")
    from rolodex.store.people import contact_queries, contact_text
    from rolodex.store.search.filters import query_from_args
    from rolodex.store.search.query import search_contacts

    db = state.db()
    ids = search_contacts(db, query_from_args(words), limit=query_limit(limit, format))
    emit_records(ids, lambda i: contact_queries.iter_fetch(db, i), format, CONTACT_COLUMNS,
                 keys=contact_queries.KEYS, limit=limit,
                 texts=lambda *a: contact_text.texts(db, *a), empty="no matches", pick=columns)


def _save(words: list[str], rm: str | None) -> None:
    from rolodex.store.search import saved as saved_searches
    from rolodex.store.search.filters import query_from_args

    if rm is not None:
        raise InvalidInput("--rm goes with 'rolodex search saved --rm NAME'")
    if len(words) < 2:
        raise InvalidInput("expected: rolodex search save NAME QUERY...",
                           hint="to search for the word save itself, quote it with a "
                                "space: rolodex search \"save \"")
    name = saved_searches.check_name(words[0])
    old, members = saved_searches.save(state.db(), name, query_from_args(words[1:]))
    count = f"{len(members)} contact(s) match now"
    if old is None:
        say(f"saved search @{name}: {count}")
    else:
        say(f"replaced saved search @{name} (was: {old}): {count}")


def _saved(rm: str | None, format: Format, columns: str | None) -> None:
    from rolodex.store.search import saved as saved_searches

    db = state.db()
    if rm is not None:
        name = saved_searches.delete(db, rm)
        say(f"deleted saved search @{name}")
        return
    emit(saved_searches.list_all(db), format, SAVED_COLUMNS, keys=saved_searches.KEYS,
         empty="no saved searches; 'rolodex search save NAME QUERY...' adds one", pick=columns)
