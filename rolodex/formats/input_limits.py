"""How big one line, one record and one file ``rolodex import`` reads may be: the one place
for these numbers (vCard, iCalendar, CSV and LDIF readers ask here), documented in the
README's import passage.

Each is far beyond what a real address book or calendar holds, and small enough that no
file can make an import hang or take the machine's memory: a parser's objects take 20-30
times a value's size, so an unbounded 50 MB name cost 1.2 GB. A line or a record over its
limit is one failed card, component, row or record, named with its line; the rest imports.
A file over its limit is refused whole, before it is read.
"""

from __future__ import annotations

MIB = 1024 * 1024
# One unfolded line of text (a name, a note, an email, a CSV cell, an LDIF value).
MAX_LINE_CHARS = 1 * MIB
# One line carrying a picture, a sound or a key (PHOTO, LOGO, SOUND, KEY, ATTACH, or any
# property encoded in base64): a 12 MB photo is 16 MiB once in base64.
MAX_BINARY_LINE_CHARS = 16 * MIB
# One vCard, one VEVENT/VTODO, one CSV row, one LDIF record, all its lines together.
MAX_RECORD_CHARS = 32 * MIB
# One CSV row's cells (Outlook's widest export has about 90 columns).
MAX_CELLS = 1000
# One address book file (vCard, CSV, LDIF), read a card at a time.
MAX_FILE_BYTES = 1024 * MIB
# One calendar file, which is parsed whole.
MAX_CALENDAR_BYTES = 128 * MIB

BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY", "ATTACH",
                               "X-MS-CARDPICTURE", "JPEGPHOTO"})


def size(n: int) -> str:
    """``16 MiB``, ``1 GiB``, ``1,000``: a limit as the messages and README write it (a
    line's characters are its bytes as read, near enough)."""
    if n >= 1024 * MIB and not n % (1024 * MIB):
        return f"{n // (1024 * MIB)} GiB"
    if n >= MIB and not n % MIB:
        return f"{n // MIB} MiB"
    return f"{n:,}"


def line_limit(name: str, head: str) -> int:
    """The longest a property may be: binary for pictures, sounds, keys and base64 values
    (``head`` is the text before its value: name and parameters), else text."""
    upper = head.upper()
    if name.upper() in BINARY_PROPERTIES or "BASE64" in upper or "ENCODING=B" in upper \
            or "VALUE=BINARY" in upper:
        return MAX_BINARY_LINE_CHARS
    return MAX_LINE_CHARS


def line_too_long(name: str, head: str, length: int) -> str | None:
    """The problem with a property of ``length`` characters, or None when it fits."""
    limit = line_limit(name, head)
    if length <= limit:
        return None
    what = "a picture, sound or key" if limit == MAX_BINARY_LINE_CHARS else "one line"
    return f"{name[:40] or 'a line'} is longer than {size(limit)}, the limit for" \
        f" {what}"


def record_too_long(what: str) -> str:
    """The problem with a card, component, row or record past ``MAX_RECORD_CHARS``."""
    return f"the {what} is longer than {size(MAX_RECORD_CHARS)}, the limit for" \
        f" one {what}"
