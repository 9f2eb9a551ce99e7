"""Typed errors, each carrying the exit code the CLI returns for it.

Every layer raises these; ``rolodex.cli`` catches them in one place and prints one
line (plus an optional hint) on stderr. Exit codes are part of the public contract
and are documented in the README: never renumber one.
"""

from __future__ import annotations


class RolodexError(Exception):
    """Base class: a failure the user can understand and act on."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFound(RolodexError):
    """A contact, company or other record named by the user does not exist."""

    exit_code = 3


class Ambiguous(RolodexError):
    """A reference matches several records; the CLI lists the candidates."""

    exit_code = 4

    def __init__(self, message: str, candidates: list[str], *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.candidates = candidates


class InvalidInput(RolodexError):
    """A value the user typed cannot be accepted (bad email, unknown status...)."""

    exit_code = 5


class BadDate(InvalidInput):
    """A date, time or duration could not be read."""


class DatabaseError(RolodexError):
    """The database file cannot be opened, written or is not a rolodex database."""

    exit_code = 6


class DatabaseBusy(RolodexError):
    """Another process holds the write lock for longer than the busy timeout."""

    exit_code = 7


class FileError(RolodexError):
    """A file named by the user cannot be read, written or parsed."""

    exit_code = 8


class Aborted(RolodexError):
    """The user declined a confirmation, or one was needed without a terminal."""

    exit_code = 9


class Conflict(RolodexError):
    """Undo, redo or restore cannot apply: the rows changed since, or a barrier is in the way."""

    exit_code = 10


class Unhealthy(RolodexError):
    """``rolodex doctor`` found problems that remain: not repaired, or not repairable."""

    exit_code = 11


class UsageError(RolodexError):
    """An option's value names something no command knows (``export --fields nmae``):
    exit 2, as for an unknown option, with the known names in the hint."""

    exit_code = 2


class AuthFailed(RolodexError):
    """A sync server refused the credentials (401/403), or none could be had."""

    exit_code = 12


class TLSFailed(RolodexError):
    """A sync server's certificate could not be verified, or HTTPS was required."""

    exit_code = 13


class Unreachable(RolodexError):
    """A sync server could not be reached: no such host, refused, timed out, cut off."""

    exit_code = 14


class ServerError(RolodexError):
    """A sync server answered with an error (5xx) or with what the protocol does not allow."""

    exit_code = 15
