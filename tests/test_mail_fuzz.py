"""Random messages never crash the mail reader: a Message or one FileError, quickly (#20)."""

from __future__ import annotations

import io
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolodex.errors import FileError
from rolodex.formats.mailmsg import read_message

pytestmark = pytest.mark.slow  # fuzzing

FIELDS = ["From", "To", "Cc", "Subject", "Date", "Message-ID", "X-Other", "From "]
# the characters mail headers fight over: delimiters, quotes, escapes, comments, folding
ALPHABET = st.sampled_from([*'()<>@,;:\\".[] =?_-\t\r\nqQbB', "=?utf-8?q?", "?=", "=?utf-8?b?",
                            "jane", "acme.example", "=C3=A9", "\x00", "\x1b", "é"])


def _read(data: bytes) -> None:
    started = time.perf_counter()
    try:
        read_message(io.BytesIO(data))
    except FileError as exc:
        assert exc.message and "\n" not in exc.message
    assert time.perf_counter() - started < 2


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_random_bytes(data):
    _read(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(FIELDS), st.lists(ALPHABET, max_size=60)),
                max_size=12), st.sampled_from(["\n", "\r\n"]))
def test_random_headers(fields, newline):
    head = newline.join(f"{name}: {''.join(value)}" for name, value in fields)
    _read((head + newline + newline + "body" + newline).encode("utf-8", "surrogatepass"))
