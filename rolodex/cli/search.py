"""``rolodex search QUERY``: full-text search over contacts."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import state
from rolodex.cli._options import FormatOption, LimitOption
from rolodex.cli._output import Format, emit_records, query_limit
from rolodex.cli._views import CONTACT_COLUMNS
from rolodex.store import contact_queries
from rolodex.store.search import search_contacts


def search(
    query: Annotated[str, typer.Argument(help="Words (prefixes match), an email or a phone.")],
    limit: LimitOption = None, format: FormatOption = Format.table,
) -> None:
    """Find contacts by name, nickname, email, phone, company, title, notes or tags.

    Case and accents are ignored, words match as prefixes, phone numbers match however
    they are written.

    Example: rolodex search "muller acme" --format jsonl
    """
    db = state.db()
    ids = search_contacts(db, query, limit=query_limit(limit, format))
    emit_records(ids, lambda i: contact_queries.fetch(db, i), format, CONTACT_COLUMNS,
                 keys=contact_queries.KEYS, limit=limit, empty="no matches")
