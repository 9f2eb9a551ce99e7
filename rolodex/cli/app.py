"""The root command: global options, and the commands, loaded as a command line needs them.

Typer builds a command from its function's signature, and importing a command's module
loads what it uses: together most of the time ``rolodex history`` took before it touched
the database. So a command line names its command (or group) first and only that one is
imported and built; ``--help``, a misspelt command and shell completion get them all.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer

from rolodex import __version__
from rolodex.cli._context import state
from rolodex.cli._help import HelpGroup
from rolodex.errors import InvalidInput

# name: (module of rolodex.cli, attribute), in the order --help lists them.
GROUPS = {
    "contact": ("contact", "app"), "company": ("company", "app"), "task": ("task", "app"),
    "deal": ("deal", "app"), "event": ("event", "app"), "cadence": ("cadence", "app"),
    "report": ("report", "app"), "config": ("config", "app"), "db": ("db", "app"),
    "privacy": ("privacy", "app"), "sync": ("sync", "app"),
    "campaign": ("campaign", "app"),
}
COMMANDS = {
    "add": ("contact", "add"), "search": ("search", "search"), "log": ("history", "log"),
    "history": ("history", "history_"), "followups": ("followups", "followups"),
    "agenda": ("agenda", "agenda"), "calendar": ("agenda", "calendar"),
    "reminders": ("reminders", "reminders"),
    "import": ("import_export", "import_"), "export": ("import_export", "export"),
    "mutt-query": ("mail", "mutt_query"), "add-from-mail": ("mail", "add_from_mail"),
    "log-mail": ("mail", "log_mail"), "merge-letter": ("merge_letter", "merge_letter"),
    "demo": ("demo", "demo"), "dashboard": ("dashboard", "dashboard"),
    "undo": ("journal", "undo"), "redo": ("journal", "redo"),
    "changes": ("journal", "changes"), "backup": ("backups", "backup"),
    "restore": ("backups", "restore"), "doctor": ("doctor", "doctor"),
    "dupes": ("dupes", "dupes"), "merge": ("dupes", "merge"),
}
# Commands parsed by a click class of their own, named in their module.
CLASSES = {"search": "QueryCommand"}
# Root options that take a value: the word after them is not the command.
_VALUED = {"--db"}


def _version(value: bool) -> None:
    if value:
        print(f"rolodex {__version__}")
        raise typer.Exit()


def _completion(value: bool, option: str) -> str | None:
    """The shell named after ``option`` (``--install-completion zsh``), else the one
    rolodex runs in. click's options here take no optional value, so the word is read
    from the command line click parses (sys.argv, in tests too); the command exits
    before click would take that word for a command."""
    if not value:
        return None
    from rolodex.cli.completion_shells import SHELLS, detected_shell
    from rolodex.errors import UsageError

    words = sys.argv[1:]
    after = words[words.index(option) + 1:] if option in words else []
    shell = after[0] if after and not after[0].startswith("-") else detected_shell()
    if shell not in SHELLS:
        raise UsageError(f"no completion for shell {shell or '(unknown)'}",
                         hint="name one: bash, zsh or fish")
    return shell


def _install_completion(value: bool) -> None:
    shell = _completion(value, "--install-completion")
    if shell:
        from rolodex.cli.completion_shells import install

        print(f"{shell} completion installed in {install(shell)}; it takes effect in a "
              "new shell")
        raise typer.Exit()


def _show_completion(value: bool) -> None:
    shell = _completion(value, "--show-completion")
    if shell:
        from rolodex.cli.completion_shells import script

        sys.stdout.write(script(shell))
        raise typer.Exit()


def root(
    db: Annotated[str | None, typer.Option(
        "--db", metavar="PATH", help="Database file (default: $ROLODEX_DB, else the user "
        "data directory; see 'rolodex db path').", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No confirmations on stderr (errors are still shown).")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")]
    = False,
    install_completion: Annotated[bool, typer.Option(
        "--install-completion", callback=_install_completion, is_eager=True,
        expose_value=False, help="Install completion for the shell named after it (bash, "
        "zsh, fish), else for the shell you are in.")] = False,
    show_completion: Annotated[bool, typer.Option(
        "--show-completion", callback=_show_completion, is_eager=True, expose_value=False,
        help="Print the completion script for the shell named after it (bash, zsh, "
        "fish), else for the shell you are in.")] = False,
) -> None:
    """A terminal-native personal CRM over one SQLite file.

    \b
    Example: rolodex add "Jane Doe" --email jane@acme.example --company "Acme Ltd"
    """
    if db is not None and not db.strip():
        # an empty --db (a "$(...)" that found nothing) must not mean the user's own file
        raise InvalidInput("--db needs a path", hint="leave --db out for your database")
    state.db_option = db
    state.quiet = quiet


def build(argv: list[str] | None = None) -> typer.Typer:
    """The app with what ``argv`` runs: its command or group alone when it names a known
    one after the root options, else everything (``None``: everything)."""
    app = typer.Typer(
        name="rolodex",
        help="A terminal-native personal CRM: contacts, companies and their history in one "
             "SQLite file.",
        no_args_is_help=True,
        add_completion=False,  # rolodex's own scripts and options: cli/completion_shells.py
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # see cli/_help.py
        cls=HelpGroup,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
    if os.environ.get("_ROLODEX_COMPLETE"):
        from rolodex.cli.completion_shells import register

        register()
    word = command_word(argv) if argv is not None else None
    everything = word is None or (word not in GROUPS and word not in COMMANDS)
    for name, (module, attr) in GROUPS.items():
        if everything or word == name:
            app.add_typer(_load(module, attr), name=name)
    for name, (module, attr) in COMMANDS.items():
        if everything or word == name:
            function = _load(module, attr)
            cls = _load(module, CLASSES[name]) if name in CLASSES else None
            app.command(name, help=function.__doc__ if name == "add" else None,
                        cls=cls)(function)
    return app


def command_word(argv: list[str]) -> str | None:
    """The first word of ``argv`` that is not a root option or an option's value."""
    words = iter(argv)
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif not word.startswith("-") or word == "-":
            return word
    return None


def _load(module: str, attr: str):
    return getattr(importlib.import_module(f"rolodex.cli.{module}"), attr)


def __getattr__(name: str) -> typer.Typer:
    """``app``: every command (for tests and tools that walk the whole command tree)."""
    if name == "app":
        return build()
    raise AttributeError(name)
