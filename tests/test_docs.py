"""Every command is documented: in the manual (README and docs/) and with an example in its
--help; the command reference is current; the README stays a front door."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
import typer.testing

from rolodex.cli.app import app, command_word

ROOT = Path(__file__).resolve().parent.parent
# What people wrote: the README and the manual, not the reference generated from --help.
README = "\n".join(p.read_text(encoding="utf-8") for p in
                   [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
                   if p.name != "commands.md")


WHOLE = typer.main.get_command(app)  # the whole command tree, built once


def command_paths(command=None, prefix: tuple[str, ...] = ()):
    command = command or WHOLE
    for name, sub in getattr(command, "commands", {}).items():
        if getattr(sub, "commands", None):
            yield from command_paths(sub, (*prefix, name))
        else:
            yield (*prefix, name), sub


ALIASES = {("contact", "add"): "add"}  # one docstring serves `rolodex add` too
PATHS = sorted(command_paths(), key=lambda item: item[0])


@pytest.mark.parametrize(("path", "command"), PATHS, ids=[" ".join(p) for p, _ in PATHS])
def test_command_is_in_the_readme(path, command):
    assert f"rolodex {' '.join(path)}" in README or (
        len(path) == 2 and f"rolodex {path[0]} " in README and path[1] in README), path


@pytest.mark.parametrize(("path", "command"), PATHS, ids=[" ".join(p) for p, _ in PATHS])
def test_command_help_ends_with_an_example(path, command):
    help_text = command.help or ""
    assert "Example:" in help_text, f"{' '.join(path)} has no example"
    spelled = ALIASES.get(path, " ".join(path))
    assert f"rolodex {spelled}" in help_text.split("Example:")[1]


def test_there_are_commands():
    names = {" ".join(p) for p, _ in PATHS}
    assert {"add", "contact list", "task done", "event move", "agenda"} <= names


@pytest.mark.parametrize(("path", "command"), PATHS, ids=[" ".join(p) for p, _ in PATHS])
def test_command_summary_is_one_line(path, command):
    """The first paragraph is what `--help` lists; a wrapped one breaks that list."""
    summary = (command.help or "").strip().split("\n\n")[0]
    assert "\n" not in summary and len(summary) <= 100, " ".join(path)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("path", "command"), PATHS, ids=[" ".join(p) for p, _ in PATHS])
def test_help_shows_the_example_as_written(path, command, rolodex, monkeypatch):
    """An example is a command line to copy: never rewrapped at the terminal's width."""
    monkeypatch.setenv("COLUMNS", "80")
    shown = rolodex([*path, "--help"])
    assert shown.exit_code == 0
    example = (command.help or "").split("Example:")[1].strip("\n").splitlines()
    assert f"  Example:{example[0]}\n" in shown.stdout, " ".join(path)
    for line in example[1:]:
        assert f"  {line.strip()}" in shown.stdout
    assert "╭" not in shown.stdout  # click's plain help, not Rich's boxes


GROUPS = sorted({path[:-1] for path, _ in PATHS})


@pytest.mark.parametrize("group", GROUPS, ids=[" ".join(g) or "rolodex" for g in GROUPS])
def test_group_help_lists_whole_summaries(group, rolodex, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    shown = _words(rolodex([*group, "--help"]).stdout)
    for path, command in PATHS:
        if path[:-1] == group:
            summary = _words((command.help or "").split("\n\n")[0])
            assert f"{path[-1]} {summary}" in shown, path


def whole_tree_says(args: list[str]) -> tuple[int, str]:
    """(exit code, stdout) of ``args`` run by the whole command tree: what
    ``typer.testing.CliRunner().invoke(app, args)`` gives, without building the tree
    again for each command."""
    with typer.testing.CliRunner().isolation() as (out, _, _):
        try:
            WHOLE.main([*args], prog_name="rolodex")
            code = 0
        except SystemExit as exc:
            code = exc.code
        return code, out.getvalue().decode()


@pytest.mark.parametrize(("path", "command"), PATHS, ids=[" ".join(p) for p, _ in PATHS])
def test_a_command_alone_is_the_command_in_the_whole_app(path, command, rolodex, monkeypatch):
    """``rolodex X`` builds only X (``app.build``); its help, options and all, is the one
    the whole command tree gives. (At 79 columns the lean path's stored texts stand
    aside, so Typer renders both: test_lean_help checks the stored texts.)"""
    monkeypatch.setenv("COLUMNS", "79")
    code, whole = whole_tree_says([*path, "--help"])
    assert code == 0
    assert rolodex([*path, "--help"]).stdout == whole


@pytest.mark.parametrize(("argv", "word"), [
    ([], None), (["agenda"], "agenda"), (["--db", "x.db", "agenda", "-d", "3"], "agenda"),
    (["--db=x.db", "-q", "contact", "list"], "contact"), (["-q", "--help"], None),
    (["--db"], None), (["--version"], None), (["-", "log"], "-")])
def test_the_command_word_is_found_after_the_root_options(argv, word):
    assert command_word(argv) == word


@pytest.mark.slow
def test_the_command_reference_is_current():
    """docs/commands.md is every command's --help as the program prints it."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "docs" / "reference.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_readme_is_a_front_door():
    """Under 12 KB: what rolodex is, how to start, a tour, links into docs/."""
    readme = (ROOT / "README.md").read_bytes()
    assert len(readme) < 12 * 1024
    for page in ("guide", "import-export", "output", "care", "privacy", "setup", "commands"):
        assert f"docs/{page}.md" in readme.decode()
