"""``rolodex dupes`` and ``rolodex merge``: find likely duplicates and fold them together."""

from __future__ import annotations

from typing import Annotated

import typer

from rolodex.cli._context import confirm, say, state
from rolodex.cli._options import (
    ColumnsOption,
    DryRunOption,
    PreferOption,
    RowsFormatOption,
    YesOption,
)
from rolodex.cli._output import Column, Format, emit
from rolodex.cli.completion import complete_contact
from rolodex.errors import InvalidInput

DUPE_COLUMNS = (
    Column("score", "Score", style="bold", no_wrap=True, priority=0),
    Column("kind", "Kind", style="dim", priority=2),
    Column("a", "A", show=lambda r: f"#{r['a_id']} {r['a_name']}", priority=0),
    Column("b", "B", show=lambda r: f"#{r['b_id']} {r['b_name']}", priority=0),
    Column("reasons", "Why", show=lambda r: "; ".join(r["reasons"]), priority=1),
    Column("group", "Group", style="dim", priority=3),
)
MAX_DUPLICATE_WARNINGS = 3  # likely duplicates named when a contact is added


def warn_if_duplicate(contact_id: int, *, who: str = "") -> None:
    """Name the existing contacts a new one is likely a duplicate of; adding goes on (two
    people may share a name), but the user hears of it while it is easy to fix."""
    from rolodex.cli._output import message
    from rolodex.store.dedupe.dupes import candidates_for

    for match in candidates_for(state.db(), contact_id)[:MAX_DUPLICATE_WARNINGS]:
        message(f"warning: {who}looks like #{match.a_id} {match.a_name} ({match.phrases()})")


PLAN_COLUMNS = (
    Column("field", "Field", style="bold", no_wrap=True),
    Column("a", "A"),
    Column("b", "B"),
    Column("result", "Result", style="cyan"),
    Column("why", "Why", style="dim"),
)


def dupes(
    min_score: Annotated[int, typer.Option(
        "--min-score", metavar="N", min=0, max=100,
        help="Only pairs scoring at least N of 100.")] = 50,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=0,
                                              help="Show at most this many pairs.")] = None,
    format: RowsFormatOption = Format.table,
    columns: ColumnsOption = None,
) -> None:
    """List likely duplicate contacts and companies, each pair with a score and the reasons.

    Contacts match on an email address (case ignored), a phone number (the same trailing
    digits, written nationally or internationally), or a name: the same after folding case
    and accents, through a nickname (Bob = Robert, Liz = Elizabeth), or with first and last
    name swapped; the same company or birthday adds to a match, a different birthday halves
    it. Companies match on their name without legal form (Ltd, GmbH, Inc...) or their web
    domain. A is the older record, which 'rolodex merge A B' (contacts) and 'rolodex company
    merge A B' keep.

    \b
    Example: rolodex dupes --min-score 80 --format json
    """
    from rolodex.store.dedupe.dupes import KEYS, find_duplicates

    if format is Format.ids:
        raise InvalidInput("dupes lists pairs, not ids; use json, jsonl, csv or tsv")
    rows = find_duplicates(state.db(), min_score=min_score)
    emit(rows if limit is None else rows[:limit], format, DUPE_COLUMNS, keys=KEYS,
         empty="no likely duplicates", pick=columns)


def merge(
    a: Annotated[str, typer.Argument(
        metavar="A", help="The contact that stays: id, UID, email or unique name.",
        autocompletion=complete_contact)],
    b: Annotated[str, typer.Argument(
        metavar="B", help="The contact merged into A, then deleted.",
        autocompletion=complete_contact)],
    prefer: PreferOption = "A", dry_run: DryRunOption = False, yes: YesOption = False,
    format: RowsFormatOption = Format.table,
) -> None:
    """Merge contact B into contact A: A keeps its id and gets everything B had.

    Prints the plan field by field (A's value, B's, the result, why), then asks (--yes
    without a terminal). Emails, phones, addresses and URLs are joined without duplicates;
    history, tasks, events, deals, tags, relationships, consents and the vCard properties
    rolodex keeps move to A; where both have a different value, --prefer decides (default
    A), and an empty value is always filled from the other. Notes are joined; a custom field
    both have keeps the other value as KEY-merged. One operation, after an automatic
    backup: 'rolodex undo' gives back both contacts.

    \b
    Example: rolodex merge "Jane Doe" 42 --prefer B --dry-run
    """
    from rolodex.formats.vcard_merge import merge_kept
    from rolodex.store.dedupe.merge import apply_merge, plan_merge
    from rolodex.store.people.contact_refs import resolve_contact

    side = prefer_side(prefer, format)
    db = state.db()
    plan = plan_merge(db, resolve_contact(db, a), resolve_contact(db, b), prefer=side,
                      merge_cards=merge_kept)
    show_plan_then_apply(plan, lambda: apply_merge(db, plan, merge_cards=merge_kept),
                         format=format, dry_run=dry_run, yes=yes)


def prefer_side(prefer: str, format: Format) -> str:
    """``a`` or ``b`` from --prefer; refuses the ``ids`` format, which a plan has none of."""
    if format is Format.ids:
        raise InvalidInput("the merge plan has no ids; use json, jsonl, csv or tsv")
    side = prefer.strip().lower()
    if side not in ("a", "b"):
        raise InvalidInput(f"--prefer is A or B, not '{prefer}'")
    return side


def show_plan_then_apply(plan, apply, *, format: Format, dry_run: bool, yes: bool) -> None:
    """Print a merge plan (contacts or companies), then, unless --dry-run, ask and apply."""
    from rolodex.store.dedupe.merge_plan import PLAN_KEYS

    title = f"Merge #{plan.b_id} {plan.b_name} into #{plan.a_id} {plan.a_name}"
    emit(plan.rows, format, PLAN_COLUMNS, keys=PLAN_KEYS, title=title)
    if dry_run:
        say("dry run: nothing written")
        return
    confirm(f"{title}?", yes)
    apply()
    say(f"merged #{plan.b_id} {plan.b_name} into #{plan.a_id} {plan.a_name}")
