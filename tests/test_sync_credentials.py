"""A sync password comes from a command, the environment or a prompt; never echoed back."""

from __future__ import annotations

import pytest

from rolodex.errors import AuthFailed
from rolodex.sync.credentials import env_name, password


def test_the_first_line_of_the_command_is_the_password():
    assert password("team", "printf 'hunter2-x\\nuser: jane\\n'") == "hunter2-x"


def test_a_pipe_works_in_the_command():
    assert password("team", "printf 'a b\\n' | tr ' ' '_'") == "a_b"


def test_a_failing_command_says_so_without_its_output():
    with pytest.raises(AuthFailed) as caught:
        password("team", "echo secret-in-output; exit 3")
    assert caught.value.exit_code == 12
    assert "exit 3" in caught.value.message
    assert "secret-in-output" not in caught.value.message + (caught.value.hint or "")


def test_an_empty_output_is_no_password():
    with pytest.raises(AuthFailed, match="printed nothing"):
        password("team", "true")


def test_the_account_variable_comes_before_the_general_one(monkeypatch):
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD", "general")
    monkeypatch.setenv("ROLODEX_SYNC_PASSWORD_TEAM_DAV", "own")
    assert env_name("team-dav") == "ROLODEX_SYNC_PASSWORD_TEAM_DAV"
    assert password("team-dav", None) == "own"
    monkeypatch.delenv("ROLODEX_SYNC_PASSWORD_TEAM_DAV")
    assert password("team-dav", None) == "general"


def test_without_a_terminal_nothing_prompts(monkeypatch):
    monkeypatch.delenv("ROLODEX_SYNC_PASSWORD", raising=False)
    with pytest.raises(AuthFailed) as caught:
        password("team", None)
    assert "ROLODEX_SYNC_PASSWORD_TEAM" in caught.value.hint
