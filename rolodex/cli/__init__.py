"""The command line: Typer apps, one per noun, and the one error boundary (``main``)."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shlex
import sqlite3
import sys

from rolodex.errors import Ambiguous, FileError, RolodexError

EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in rolodex, not a user mistake
EXIT_INTERRUPTED = 130


def _fail(message: str, hint: str | None, code: int) -> None:
    """The one error line (and hint); what it quotes may come from a stranger's file, so
    control characters are shown escaped."""
    from rolodex.cli._output import visible

    sys.stderr.write(f"rolodex: {visible(message)}\n")
    if hint:
        sys.stderr.write(f"  hint: {visible(hint)}\n")
    sys.exit(code)


# A write the system refused (a full disk or quota, a file size limit, no permission, a
# read-only or failing disk) that reaches the boundary unwrapped: stdout redirected to a
# full disk, typically. The user's to fix, never "a bug in rolodex".
_NOT_OURS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EACCES, errno.EPERM,
                       errno.EROFS, errno.EIO})


def _silence_stdout() -> None:
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main() -> None:
    """Entry point of the ``rolodex`` script: run the app, turn failures into one clear line."""
    from rolodex.cli import _context
    from rolodex.cli._lean import run_lean

    _context.state.command = shlex.join(["rolodex", *sys.argv[1:]])
    debug = bool(os.environ.get("ROLODEX_DEBUG"))
    try:
        try:
            if not run_lean(sys.argv[1:]):  # mutt-query, without loading Typer
                from rolodex.cli.app import build

                build(sys.argv[1:])(prog_name="rolodex")
        except SystemExit:
            sys.stdout.flush()  # a full disk behind stdout fails here, not unseen at exit
            raise
        sys.stdout.flush()
    except RolodexError as exc:
        if debug:
            raise
        if isinstance(exc, Ambiguous):
            exc.message += ":\n" + "\n".join(f"  {c}" for c in exc.candidates)
        _fail(exc.message, exc.hint, exc.exit_code)
    except sqlite3.Error as exc:
        if debug:
            raise
        from rolodex.store.db import translate

        err = translate(exc, _context.state.db_path())
        _fail(err.message, err.hint, err.exit_code)
    except OverflowError as exc:
        # Date arithmetic past year 1 or 9999 (calendar 9999-12-31, agenda --days 10**6),
        # or a number typed past what SQLite holds (deal show 99999999999999999999).
        if debug:
            raise
        from rolodex.errors import InvalidInput

        if "SQLite INTEGER" in str(exc):
            _fail("a number is too large: at most 9223372036854775807", None,
                  InvalidInput.exit_code)
        _fail(f"date out of range: {exc}", "use dates between the years 1 and 9999",
              InvalidInput.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", None, EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (`| head`): not an error; silence the flush at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except OSError as exc:
        if debug or exc.errno not in _NOT_OURS:
            raise
        _silence_stdout()  # what is still buffered would fail again at exit
        where = f" {exc.filename}" if exc.filename else " the output"
        _fail(f"cannot write{where}: {exc.strerror}", None, FileError.exit_code)
    except Exception as exc:
        if debug:
            raise
        if isinstance(exc, UnicodeEncodeError) and "surrogates not allowed" in str(exc):
            # Bytes that are not UTF-8 on the command line reach Python as lone surrogates,
            # which neither SQLite nor stdout can encode: the input is wrong, not rolodex.
            from rolodex.errors import InvalidInput

            _fail("text on the command line is not UTF-8", "type it in UTF-8 (check the "
                  "terminal's or the script's encoding)", InvalidInput.exit_code)
        _fail(f"internal error: {type(exc).__name__}: {exc}",
              "this is a bug in rolodex; run again with ROLODEX_DEBUG=1 for the traceback",
              EXIT_INTERNAL)
