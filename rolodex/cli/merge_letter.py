"""``rolodex merge-letter``: one letter or email draft per contact from a template."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rolodex.cli._context import expand_refs, say, state
from rolodex.cli.completion import complete_contact
from rolodex.errors import FileError, InvalidInput, NotFound

SEPARATOR = "\f\n"  # between letters on stdout: a form feed on a line of its own


def merge_letter(
    template: Annotated[str, typer.Argument(
        metavar="TEMPLATE", help="A text or Markdown file with {{ field }} blanks; - reads "
        "stdin.")],
    refs: Annotated[list[str] | None, typer.Argument(
        metavar="REF...", help="Contacts: ids, names, emails, @NAME saved searches; - reads "
        "them from stdin.", autocompletion=complete_contact, show_default=False)] = None,
    tag: Annotated[list[str] | None, typer.Option(
        "--tag", "-t", help="Contacts with this tag (repeatable: with all of them).")] = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="DIR", help="Write one file per contact into DIR (created "
        "private if needed) instead of stdout.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace letters already in DIR.")] = False,
    log: Annotated[bool, typer.Option(
        "--log", help="Record a 'letter' in each contact's history.")] = False,
) -> None:
    """Write one letter or email draft per contact from a text or Markdown template.

    Blanks are {{ field }}, or {{ field | text }} to write text when the field is empty.
    Fields: name prefix first_name middle_name last_name suffix nickname title department
    company email phone street city region postcode country address (several lines)
    birthday status owner source uid id tags field.KEY (custom field) last_interaction.date
    last_interaction.kind last_interaction.text last_interaction.days_ago today. Write
    {{{{ for a literal {{. An unknown field fails before anything is written (exit 5); a
    template over 1 MiB is refused (exit 8).

    Contacts come from --tag, @NAME and REF... together, each once, by name. Without -o the
    letters go to stdout with a form feed line between them; with -o DIR each goes to
    DIR/ID-NAME.EXT (the template's extension), readable by you only, and an existing file
    is replaced only with --force. --log records a 'letter' history entry for each.

    \b
    Example: rolodex merge-letter offer.md --tag vip -o letters/ --log
    """
    from rolodex.formats import letter
    from rolodex.mail_merge import merge_letters
    from rolodex.store.people import contact_queries
    from rolodex.store.people.contact_refs import resolve_contact
    from rolodex.store.search import filters as contact_filters

    refs = refs or []
    if not refs and not tag:
        raise InvalidInput("choose contacts: --tag T, @NAME or REF...",
                           hint="rolodex merge-letter offer.md --tag vip")
    if template == "-" and "-" in refs:
        raise InvalidInput("stdin can hold the template or the contacts, not both")
    source = "stdin" if template == "-" else template
    parsed = letter.parse(_read(template), source)
    db = state.db()
    letter.check_fields(parsed, source, contact_filters.custom_field_keys(db))

    wanted: set[int] = set()
    if tag:
        wanted.update(contact_queries.list_ids(db, tags=tag))
    if refs:
        wanted.update(resolve_contact(db, r) for r in expand_refs(refs))
    if not wanted:
        raise NotFound(f"no contact has the tag(s) {', '.join(tag or [])}",
                       hint="'rolodex contact list --tag T' shows who has a tag")
    ids = [i for i in contact_queries.list_ids(db, sort="name") if i in wanted]
    suffix = Path(template).suffix if template != "-" else ".txt"

    def deliver(texts: list[tuple[dict, str]]) -> None:
        if output is None:
            sys.stdout.write(SEPARATOR.join(t if t.endswith("\n") else t + "\n"
                                            for _, t in texts))
            return
        folder = Path(output).expanduser()
        targets = [folder / letter.file_name(r["id"], r["name"], suffix) for r, _ in texts]
        _check_targets(folder, targets, force)
        _write(folder, targets, [t for _, t in texts])

    count = merge_letters(db, parsed, ids, source=source, today=state.today(),
                          zone=state.zone(), log=log, deliver=deliver)
    where = f" to {output}" if output is not None else ""
    say(f"wrote {count} letter(s){where}" + ("; logged in history" if log else ""))


def _read(template: str) -> str:
    """The template from stdin or its file, read no further than its size limit."""
    from rolodex.formats.letter import read_template

    if template == "-":
        return read_template(sys.stdin.buffer, "stdin")
    try:
        with Path(template).expanduser().open("rb") as stream:
            return read_template(stream, template)
    except OSError as exc:
        raise FileError(f"cannot read {template}: {exc.strerror}") from exc


def _check_targets(folder: Path, targets: list[Path], force: bool) -> None:
    """Everything that can fail before writing: the folder, and files in the way."""
    if folder.exists() and not folder.is_dir():
        raise FileError(f"{folder} exists and is not a folder")
    for target in targets:
        if target.is_dir():
            raise FileError(f"{target} is a folder")
        if not force and (target.exists() or target.is_symlink()):
            raise FileError(f"{target} exists", hint="--force replaces existing letters")


def _write(folder: Path, targets: list[Path], texts: list[str]) -> None:
    """Each letter through a private temporary file renamed into place, in batches flushed
    to disk once (as a vdir export): a replaced file (or a symlink planted in the folder)
    is swapped, never written through."""
    from rolodex.atomic_write import remove_stale, replace_all
    from rolodex.store.paths import make_private_folder

    try:
        make_private_folder(folder)
    except OSError as exc:
        raise FileError(f"cannot write into {folder}: {exc.strerror}") from exc
    remove_stale(folder)  # what a killed run left: once for the folder, not per letter
    replace_all((target, text.encode("utf-8")) for target, text in zip(targets, texts,
                                                                      strict=True))
