"""Where a sync server's password comes from: never the database, the journal or a log.

In order: the account's password command (``pass show dav``, ``secret-tool lookup ...``),
whose first line of output is the password; else ``ROLODEX_SYNC_PASSWORD_<NAME>`` (the
account's name in capitals, other characters as ``_``), then ``ROLODEX_SYNC_PASSWORD``;
else a prompt when stdin is a terminal. A cron job without any of them fails with exit
12, saying what to set, rather than hanging on a prompt nobody sees.

The password command is the user's own configuration, run through the shell like a git
credential helper, so pipes work; what it prints is never echoed back, even in an error.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from rolodex.errors import AuthFailed

COMMAND_TIMEOUT = 60  # seconds: a pinentry waiting for a passphrase needs time, not forever
MAX_OUTPUT = 64 * 1024


def env_name(account: str) -> str:
    """``ROLODEX_SYNC_PASSWORD_TEAM_DAV`` for the account ``team-dav``."""
    return "ROLODEX_SYNC_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", account.upper())


def password(account: str, command: str | None, *, prompt: bool = True) -> str:
    """The password of ``account``; AuthFailed when none can be had."""
    return obtain(f"sync account {account}", command,
                  (env_name(account), "ROLODEX_SYNC_PASSWORD"), prompt=prompt,
                  hint=f"set --password-command, or {env_name(account)}")


def obtain(what: str, command: str | None, env: tuple[str, ...], *, hint: str,
           prompt: bool = True) -> str:
    """A password for ``what`` (``sync account team``, ``SMTP server smtp.example.com``):
    its command's first line, else the first of the ``env`` variables set, else a prompt
    when stdin and stderr are a terminal; AuthFailed with ``hint`` when none can be had."""
    if command:
        return run_password_command(what, command)
    for name in env:
        value = os.environ.get(name)
        if value:
            return value
    if prompt and sys.stdin.isatty() and sys.stderr.isatty():
        import getpass

        try:
            return getpass.getpass(f"password for {what}: ")
        except (EOFError, KeyboardInterrupt):
            pass
    raise AuthFailed(f"no password for {what}", hint=hint)


def run_password_command(what: str, command: str) -> str:
    """The first line a password command prints; ``what`` names whose password it is
    (``sync account team``, ``SMTP server smtp.example.com``) in its errors."""
    try:
        done = subprocess.run(command, shell=True, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=COMMAND_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise AuthFailed(f"the password command of {what} did not finish in "
                         f"{COMMAND_TIMEOUT} s") from None
    except OSError as exc:
        raise AuthFailed(f"cannot run the password command of {what}: "
                         f"{exc.strerror}") from None
    if done.returncode != 0:
        raise AuthFailed(f"the password command of {what} failed (exit "
                         f"{done.returncode})", hint="run it yourself to see why")
    first = done.stdout[:MAX_OUTPUT].decode("utf-8", "replace").split("\n", 1)[0]
    first = first.rstrip("\r")
    if not first:
        raise AuthFailed(f"the password command of {what} printed nothing")
    return first
