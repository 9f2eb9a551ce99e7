"""The installed program: console script, completions, and what start-up imports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the installed script, run as a process

ROOT = Path(__file__).resolve().parent.parent
SHELLS = ("bash", "zsh", "fish")


def run(args: list[str], db: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "ROLODEX_DB": str(db), **env}
    return subprocess.run([sys.executable, "-m", "rolodex", *args], capture_output=True,
                          text=True, env=full_env, timeout=60)


def script() -> list[str]:
    """The ``rolodex`` console script installed with the package."""
    found = shutil.which("rolodex") or str(Path(sys.executable).parent / "rolodex")
    assert Path(found).exists(), "the rolodex console script is not installed"
    return [found]


@pytest.mark.parametrize("shell", SHELLS)
def test_completion_scripts_are_current(shell, isolated):
    result = run(["--show-completion", shell], isolated,
                 _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    assert result.returncode == 0, result.stderr
    stored = (ROOT / "completions" / f"rolodex.{shell}").read_text()
    assert result.stdout == stored, "completions are stale: run completions/generate.sh"


def test_contact_names_complete_from_the_database(rolodex, isolated):
    rolodex(["add", "Janet Roe"])
    rolodex(["add", "Jane Doe", "-e", "jane@acme.example"])
    rolodex(["add", "John Smith"])
    result = run([], isolated, _ROLODEX_COMPLETE="complete_bash",
                 _ROLODEX_LINE="rolodex contact show Jan")
    assert result.stdout.split("\n")[:2] == ["Jane\\ Doe", "Janet\\ Roe"]  # bash-quoted
    zsh = run([], isolated, _ROLODEX_COMPLETE="complete_zsh",
              _TYPER_COMPLETE_ARGS="rolodex contact show Jan")
    assert "Jane Doe\tJane Doe  -- jane@acme.example\n" in zsh.stdout


@pytest.mark.fresh_db
def test_completion_without_a_database_creates_nothing(isolated):
    result = run([], isolated, _ROLODEX_COMPLETE="complete_bash",
                 _ROLODEX_LINE="rolodex contact show Ja")
    assert result.returncode == 0
    assert not isolated.exists()


@pytest.mark.parametrize("args", [["--help"], ["contact", "list"], ["search", "jane"]])
def test_start_up_path_stays_light(args, rolodex, isolated):
    rolodex(["add", "Jane Doe"])  # the database exists, so no migration runs
    probe = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rolodex", *args], capture_output=True,
        text=True, env={**os.environ, "ROLODEX_DB": str(isolated)}, timeout=60)
    assert probe.returncode == 0, probe.stderr[-500:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in
                probe.stderr.splitlines() if line.startswith("import time:")}
    assert "rolodex" in imported
    for heavy in ("vobject", "icalendar", "sqlite_utils", "pydantic", "dateutil"):
        assert heavy not in imported, f"{heavy} imported by 'rolodex {' '.join(args)}'"



@pytest.mark.parametrize(("args", "module"), [
    # forms the lean path leaves to Typer (test_lean_instant has the plain ones)
    (["history", "jane", "-n", "5"], "rolodex.cli.history"),
    (["contact", "list", "-n", "1"], "rolodex.cli.contact"),
    (["--db", "{db}", "report", "pipeline"], "rolodex.cli.report")])
def test_a_command_loads_its_own_module_only(args, module, rolodex, isolated):
    """Only the command's module of rolodex.cli (and the shared _ helpers) is imported."""
    rolodex(["add", "Jane Doe"])
    argv = ["rolodex", *(arg.format(db=isolated) for arg in args)]
    code = (f"import sys\nfrom rolodex.cli import main\nsys.argv = {argv!r}\ntry:\n"
            f"    main()\nfinally:\n    sys.stderr.write(' '.join(sorted(sys.modules)))")
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**os.environ, "ROLODEX_DB": str(isolated)}, timeout=60)
    assert probe.returncode == 0, probe.stderr[-500:]
    commands = {name for name in probe.stderr.split()
                if name.startswith("rolodex.cli.") and not name.startswith("rolodex.cli._")}
    assert module in commands
    assert not commands & {"rolodex.cli.import_export", "rolodex.cli.deal", "rolodex.cli.privacy",
                           "rolodex.cli.mail", "rolodex.cli.backups"}, commands

def test_console_script_end_to_end(isolated):
    env = {**os.environ, "ROLODEX_DB": str(isolated)}
    added = subprocess.run([*script(), "add", "Zoë Müller", "-e", "zoe@example.org"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "1"
    listed = subprocess.run([*script(), "search", "muller", "--format", "csv"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert listed.stdout.splitlines()[1].startswith("1,")
    assert "\x1b[" not in listed.stdout


def test_version(isolated):
    from rolodex import __version__

    result = run(["--version"], isolated)
    assert result.stdout.strip() == f"rolodex {__version__}"


@pytest.mark.fresh_db
def test_demo_writes_its_own_file_and_never_the_users(isolated, tmp_path):
    target = tmp_path / "sample" / "demo.db"
    result = run(["demo", "--db", str(target)], isolated)
    assert result.returncode == 0, result.stderr
    assert not isolated.exists(), "demo touched the user's database"
    assert "Jane Doe" in result.stdout and "8 contacts" in result.stdout
    listed = run(["--db", str(target), "contact", "list", "--format", "json"], isolated)
    names = {c["name"] for c in json.loads(listed.stdout)}
    assert {"Jane Doe", "Zoë Müller", "José Álvarez"} <= names
    again = run(["demo", "--db", str(target)], isolated)
    assert again.returncode == 5 and "already exists" in again.stderr


@pytest.mark.fresh_db
def test_demo_without_db_uses_a_temporary_file(isolated):
    result = run(["demo"], isolated)
    assert result.returncode == 0, result.stderr
    assert not isolated.exists()
    path = result.stderr.split("sample database: ")[1].splitlines()[0]
    assert Path(path).exists() and path != str(isolated)
