"""Completion in the real shells: bash, zsh and fish run interactively in tmux, with the
script rolodex ships (completions/) where ``--install-completion`` puts it, and <TAB> pressed.
The line the shell then shows is read from the screen and run: a name inserted unquoted,
or the wrong one, fails right there (``-f ids`` prints the contact's id).

Missing shells (or tmux) skip these tests on a developer's machine only; under CI they
fail (.ci/run installs the Debian packages)."""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # real shells, one tmux server per test

SHELLS = ("bash", "zsh", "fish")
BIN = Path(sys.executable).parent
_sockets = itertools.count()
SHIPPED = Path(__file__).resolve().parent.parent / "completions"
# Where ``rolodex --install-completion SHELL`` writes the script, under a home folder.
PLACES = {"bash": lambda home: home / ".bash_completions" / "rolodex.sh",
          "zsh": lambda home: home / ".zfunc" / "_rolodex",
          "fish": lambda home: home / ".config" / "fish" / "completions" / "rolodex.fish"}


def _require(program: str) -> None:
    if shutil.which(program) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing (CI must have it: .ci/run installs it)")
        pytest.skip(f"{program} is not installed")


def _environment(home: Path, db: Path) -> dict[str, str]:
    return {"HOME": str(home), "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color",
            "ROLODEX_DB": str(db), "ROLODEX_NOW": os.environ.get("ROLODEX_NOW", ""),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"), "NO_COLOR": "1"}


def install(shell: str, home: Path, db: Path) -> subprocess.CompletedProcess:
    """``rolodex --install-completion SHELL`` as a user runs it, from a bash prompt."""
    return subprocess.run(["bash", "-c", f"rolodex --install-completion {shell}"],
                          env=_environment(home, db), capture_output=True, text=True,
                          timeout=60)


class Terminal:
    """An interactive shell in a tmux window of its own, read from its screen."""

    PROMPT = "$ "

    def __init__(self, shell: str, home: Path, db: Path) -> None:
        self.socket = f"rolodex-completion-{os.getpid()}-{next(_sockets)}"
        self.shell = shell
        env = _environment(home, db)
        if shell == "bash":
            (home / ".bashrc").write_text("PS1='$ '\n")
            command = ["bash", "--noprofile", "-i"]
        elif shell == "zsh":
            (home / ".zshrc").write_text("PS1='$ '\nunsetopt beep\n")
            env["ZDOTDIR"] = str(home)
            command = ["zsh", "-d", "-i"]  # no /etc/zsh rc files: only the user's
        else:
            config = home / ".config" / "fish"
            config.mkdir(parents=True, exist_ok=True)
            (config / "config.fish").write_text(
                "set -g fish_greeting ''\nset -g fish_autosuggestion_enabled 0\n"
                "function fish_prompt; printf '$ '; end\n")
            command = ["fish", "-i"]
        place = PLACES[shell](home)
        place.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHIPPED / f"rolodex.{shell}", place)
        if shell == "bash":
            with (home / ".bashrc").open("a") as rc:
                rc.write(f"source '{place}'\n")
        elif shell == "zsh":
            with (home / ".zshrc").open("a") as rc:
                rc.write(f"fpath+={place.parent}; autoload -Uz compinit; compinit\n")
        self.cwd = home / "work"
        self.cwd.mkdir(exist_ok=True)
        self._tmux("new-session", "-d", "-s", "t", "-x", "200", "-y", "50", "-c",
                   str(self.cwd), "env", "-i", *(f"{k}={v}" for k, v in env.items()),
                   *command)
        self.wait_for(lambda screen: screen.rstrip().endswith(self.PROMPT.rstrip()))

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=30, check=True).stdout

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       timeout=30)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, ready, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if ready(screen) or time.monotonic() > deadline:
                return screen
            time.sleep(0.1)

    def line(self) -> str:
        """The command line being edited: the last prompt line on the screen."""
        lines = [x for x in self.screen().splitlines() if x.startswith(self.PROMPT)]
        return lines[-1][len(self.PROMPT):].rstrip() if lines else ""

    def complete(self, typed: str, settle: float = 2.0) -> str:
        """Type ``typed``, press <TAB> once, and return the line once it has changed
        (or after ``settle`` seconds when it does not)."""
        self._tmux("send-keys", "-t", "t", "-l", typed)
        self.wait_for(lambda _: self.line() == typed.rstrip())
        self._tmux("send-keys", "-t", "t", "Tab")
        deadline = time.monotonic() + settle + 10
        start = time.monotonic()
        while time.monotonic() < deadline:
            if self.line() != typed.rstrip():
                time.sleep(0.3)  # the rest of the insertion (a closing quote, a space)
                return self.line()
            if time.monotonic() - start > settle:
                break
            time.sleep(0.1)
        return self.line()

    def run(self) -> list[str]:
        """Press <Enter> on the line and return what the command printed."""
        marker = "end-of-output"
        self._tmux("send-keys", "-t", "t", "-l", f"; echo {marker}")
        self._tmux("send-keys", "-t", "t", "Enter")
        screen = self.wait_for(lambda s: any(x.strip() == marker for x in s.splitlines()))
        lines = screen.splitlines()
        end = max(i for i, x in enumerate(lines) if x.strip() == marker)
        start = max(i for i, x in enumerate(lines[:end]) if x.startswith(self.PROMPT))
        return [x.rstrip() for x in lines[start + 1:end]]


@pytest.fixture
def book(rolodex, isolated):
    """Zoë Müller and Zack O'Brien, a saved search @vip; the database ROLODEX_DB names."""
    ids = {name: rolodex(["add", name, *extra]).stdout.strip() for name, extra in (
        ("Zoë Müller", ["-e", "zoe@acme.example"]), ("Zack O'Brien", []))}
    assert rolodex(["search", "save", "vip", "tag:vip"]).exit_code == 0
    return ids


@pytest.fixture(params=SHELLS)
def terminal(request, book, isolated, tmp_path):
    _require("tmux")
    _require(request.param)
    home = tmp_path / f"home-{request.param}"
    home.mkdir()
    term = Terminal(request.param, home, isolated)
    yield term
    term.close()


@pytest.mark.parametrize("typed", ["zo", "ZO", "zoe", "ZOË"])
def test_a_name_completes_ignoring_case_and_accents(terminal, book, typed):
    line = terminal.complete(f"rolodex contact show -f ids {typed}")
    assert line.startswith("rolodex contact show -f ids "), line
    assert line != f"rolodex contact show -f ids {typed}", "nothing was completed"
    assert terminal.run() == [book["Zoë Müller"]]


@pytest.mark.parametrize("typed", ["Za", "'Za", '"Za'])
def test_a_name_with_a_space_and_a_quote_is_inserted_quoted(terminal, book, typed):
    line = terminal.complete(f"rolodex contact show -f ids {typed}")
    assert "Brien" in line, line
    assert terminal.run() == [book["Zack O'Brien"]]


def test_two_names_differing_in_accents_keep_what_was_typed(terminal, rolodex):
    """``mu`` offers Müller and Muñoz: the line must not shrink to their common ``M``."""
    rolodex(["add", "Müller"])
    rolodex(["add", "Muñoz"])
    line = terminal.complete("rolodex contact show mu")
    assert line.lower().startswith("rolodex contact show mu"), line


def test_search_at_offers_saved_searches(terminal, book):
    assert terminal.complete("rolodex search @v") == "rolodex search @vip"


def test_names_come_from_the_db_given_on_the_line(terminal, tmp_path):
    other = tmp_path / "other.db"
    subprocess.run([str(BIN / "rolodex"), "--db", str(other), "add", "Zed Other"],
                   capture_output=True, check=True, timeout=60)
    line = terminal.complete(f"rolodex --db {other} contact show -f ids Ze")
    assert line.endswith("Zed\\ Other") or line.endswith("Zed Other"), line
    assert terminal.run() == ["1"]


def test_a_hostile_name_never_reaches_the_shell_as_code(terminal, rolodex, tmp_path):
    """From an imported card: quotes, $(...), backticks, a ; and a \\."""
    card = tmp_path / "hostile.vcf"
    card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Qix $(touch pwned1) `touch pwned2` "
                    "\"a\" 'b' \\\\ ; touch pwned3\r\nN:;;;;\r\nEND:VCARD\r\n")
    assert rolodex(["import", str(card)]).exit_code == 0
    hostile = rolodex(["contact", "show", "-f", "ids", "qix"]).stdout.strip()
    line = terminal.complete("rolodex contact show -f ids Qi")
    assert "pwned1" in line, line
    assert terminal.run() == [hostile]
    assert not list(terminal.cwd.glob("pwned*"))


def test_a_name_with_a_control_character_is_not_offered(terminal, rolodex, isolated):
    """Import drops control characters; a name holding one all the same (an older
    database, another program's write) is not offered: the shell would print it raw."""
    from rolodex.normalize import fold

    rolodex(["add", "Qoz"])
    with sqlite3.connect(isolated) as db:
        db.execute("UPDATE contacts SET display_name = ?, name_key = ? WHERE "
                   "display_name = 'Qoz'", ("Qoz\x1b[2J", fold("Qoz\x1b[2J")))
    assert terminal.complete("rolodex contact show Qo") == "rolodex contact show Qo"


@pytest.mark.parametrize("shell", SHELLS)
def test_install_completion_installs_the_shell_named(shell, tmp_path, isolated):
    """Run from bash, ``--install-completion zsh`` installs zsh's script, not bash's."""
    home = tmp_path / "home"
    home.mkdir()
    result = install(shell, home, isolated)
    assert result.returncode == 0, result.stderr
    assert [s for s, place in PLACES.items() if place(home).exists()] == [shell]
    assert PLACES[shell](home).read_text() == (SHIPPED / f"rolodex.{shell}").read_text()


def test_install_completion_of_an_unknown_shell_is_one_clear_line(tmp_path, isolated):
    result = install("tcsh", tmp_path, isolated)
    assert result.returncode == 2
    assert result.stderr.startswith("rolodex: no completion for shell tcsh")
    assert "Traceback" not in result.stderr
