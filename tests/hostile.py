"""Running the real CLI on hostile input under a time bound (and, in a subprocess, a
memory bound), so a hang or a blow-up fails the test instead of stalling the suite."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "hostile"
DOCUMENTED_EXITS = {0, 5, 8}  # done, invalid input, a file that cannot be read


class TooSlow(BaseException):
    """Raised by the alarm: a BaseException, so no error boundary can turn it into exit 70."""


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Fail with TooSlow when the block runs longer than ``seconds`` (main thread only)."""
    def ring(signum: int, frame: object) -> None:
        raise TooSlow(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TooSlow as exc:  # a plain failure for pytest to report, raised outside the CLI
        raise AssertionError(str(exc)) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_bounded(argv: list[str], env: dict[str, str], *, seconds: float = 30,
                memory_mb: int = 1024) -> tuple[subprocess.CompletedProcess[str], float]:
    """``python -m rolodex argv`` with RLIMIT_AS of ``memory_mb`` and a timeout: the
    finished process and its wall time."""
    def limit() -> None:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "rolodex", *argv], env=env, text=True,
                          capture_output=True, timeout=seconds, preexec_fn=limit, check=False)
    return done, time.monotonic() - began
