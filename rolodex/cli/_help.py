"""``--help`` as click writes it, with whole command summaries.

rolodex turns Typer's Rich help off (``rich_markup_mode=None``): Rich keeps every line
break of a docstring and wraps again at the terminal's width, which left ragged
paragraphs, and loading it cost ``--help`` a fifth of its time. click rewraps paragraphs
and keeps the ``\\b`` ones (each ``Example:``) as written, so they can be copied; but in a
group's list of commands it cuts each summary to its first sentence and the terminal's
width, where this group shows the whole first paragraph, wrapped, as Rich did.

It is handed to Typer through its public ``cls=`` parameter and overrides one method of
click's ``Group`` (``format_commands``), a documented click extension point; nothing else
of Typer is touched, and the ``typer._click`` names are for the type checker only. If a
Typer release changes how groups are built, ``test_group_help_lists_whole_summaries``
(tests/test_docs.py) shows it at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:  # Typer's own copy of click, not the click package
    from typer._click import Context, HelpFormatter


class PlainUsageCommand(TyperCommand):
    """A command whose usage line names its arguments as click does (``ID STAGE``), not
    as Typer's ``{ID} {stage}``: the braces read as a set of choices. Only the usage line
    differs; ``HelpGroup.get_command`` gives its commands this class."""

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = []
        for piece in super().collect_usage_pieces(ctx):
            if piece.startswith("{") and piece.endswith("}"):
                piece = piece[1:-1]
            # an argument without a metavar shows its parameter's name: in capitals
            pieces.append(piece.upper() if piece.isidentifier() and piece.islower() else piece)
        return pieces


class HelpGroup(TyperGroup):
    def get_command(self, ctx: Context, cmd_name: str):  # type: ignore[override]
        command = super().get_command(ctx, cmd_name)
        if type(command) is TyperCommand:  # a plain command: only its usage line changes
            command.__class__ = PlainUsageCommand
        return command

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                summary = command.short_help or (command.help or "").split("\n\n")[0]
                rows.append((name, " ".join(summary.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class DefaultCommandGroup(HelpGroup):
    """A group whose first word may be its default command's argument: ``rolodex sync
    office`` is ``rolodex sync run office``. A word that names no command (and is no
    option) goes to ``DEFAULT``; click's ``Group.resolve_command`` is the documented hook
    for choosing the command, and the rest of the parsing is click's own."""

    DEFAULT = "run"

    def resolve_command(self, ctx: Context, args: list[str]):  # type: ignore[override]
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = [self.DEFAULT, *args]
        return super().resolve_command(ctx, args)
