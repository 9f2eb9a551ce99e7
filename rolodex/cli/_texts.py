"""Writing a listing whose records come already written, as UTF-8 bytes in batches
(``store/people/contact_text``): what surrounds them in each format, and the escaping
every JSON output gets, done on the bytes (``_output.emit_records`` calls it).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

# DEL and the C1 controls, which ``_output.json_safe`` escapes, in UTF-8: DEL is the byte
# 7F, U+0080-U+009F are C2 80 to C2 9F, and neither 7F nor C2 is ever part of another
# character's encoding.
_JSON_CONTROL_BYTES = re.compile(rb"\x7f|\xc2[\x80-\x9f]")


def _escaped_control(match: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(match[0].decode())


def json_safe_bytes(data: bytes) -> bytes:
    """``json_safe`` of UTF-8 JSON text: the two byte searches run at memory speed, where
    ``str.translate`` of text with accents took 7 s of a 100,000-contact listing."""
    if b"\x7f" in data or b"\xc2" in data:
        return _JSON_CONTROL_BYTES.sub(_escaped_control, data)
    return data


def csv_quoted() -> tuple[str, ...]:
    """The characters for which this Python's ``csv.writer`` quotes a cell (with ``\\n``
    ending lines, 3.11 leaves a lone ``\\r`` unquoted; later versions quote it)."""
    found = []
    for char in ",\"\n\r":
        probe = io.StringIO()
        csv.writer(probe, lineterminator="\n").writerow([f"a{char}b", ""])
        if probe.getvalue().startswith('"'):
            found.append(char)
    return tuple(found)


def _binary(out: TextIO) -> Callable[[bytes], object]:
    """Where UTF-8 bytes go to come out as ``out.write`` of their text would: the stream's
    buffer when it encodes UTF-8 and keeps newlines, else through the text stream."""
    import codecs
    import os

    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None) or ""
    try:
        utf8 = codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        utf8 = False
    if buffer is not None and utf8 and os.linesep == "\n":
        out.flush()
        return buffer.write
    return lambda data: out.write(data.decode())


def write(batches: Iterable[list[bytes]], fmt: str, columns: int) -> None:
    """The records of a listing in ``fmt`` (json, jsonl, csv, tsv; a csv/tsv header is
    written before): the JSON array's brackets and separators, a line each otherwise.
    ``columns``: how many cells a csv line has (``csv.writer`` quotes a lone empty one)."""
    put = _binary(sys.stdout)
    if fmt == "json":
        opening = b"[\n"
        for batch in batches:
            if batch:
                put(opening + json_safe_bytes(b",\n".join(batch)))
                opening = b",\n"
        put(b"[]\n" if opening == b"[\n" else b"\n]\n")
    elif fmt == "jsonl":
        for batch in batches:
            if batch:
                put(json_safe_bytes(b"\n".join(batch)) + b"\n")
    else:
        lone = fmt == "csv" and columns == 1
        for batch in batches:
            if batch:
                put(b"\n".join([line or b'""' for line in batch] if lone else batch) + b"\n")
