"""The shared corpus of real files (../shared/corpus, MANIFEST.tsv), read in place.

Absent on a contributor's machine, the tests that need it are skipped; CI always has it,
so there (the CI variable set) its absence fails them instead of hiding them.
"""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
PRESENT = (CORPUS / "MANIFEST.tsv").is_file()


# Skips the test where the corpus is absent, except under CI, where the test runs and fails.
needs_corpus = pytest.mark.skipif(not PRESENT and not os.environ.get("CI"),
                                  reason=f"the shared corpus is not at {CORPUS}")


def require(module_level: bool = True) -> None:
    """Skip (or, under CI, fail) when the corpus is not beside this checkout."""
    if PRESENT:
        return
    if os.environ.get("CI"):
        pytest.fail(f"the shared corpus is missing at {CORPUS} (CI must have it)",
                    pytrace=False)
    pytest.skip("the shared corpus is not beside this checkout",
                allow_module_level=module_level)


def rows(prefix: str = "", suffixes: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """MANIFEST.tsv's rows whose file starts with ``prefix`` and ends with a suffix."""
    if not PRESENT:
        return []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle, delimiter="\t")
                if r["file"].startswith(prefix)
                and (not suffixes or r["file"].lower().endswith(suffixes))]


def path_of(row: dict[str, str]) -> Path:
    """The file of a row, checked against its recorded digest."""
    path = CORPUS / row["file"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"], row["file"]
    return path
