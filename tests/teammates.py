"""A teammate: the real CLI on a database of their own (``--db``), failing the test on an
unexpected exit code, for the sync tests where two or three rolodex files meet."""

from __future__ import annotations

from pathlib import Path


def runner(rolodex, db: Path):
    """``run(*args, code=0, input=None)``: ``rolodex --db DB ARGS...``, its exit code checked."""
    def run(*args: str, code: int = 0, input: str | None = None):
        result = rolodex(["--db", str(db), *args], input=input)
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result
    return run
