"""Folding names, phone numbers and emails so that search matches the way people type.

``muller`` must find ``Müller`` and ``5550100100`` must find ``+1 (555) 010-0100``: the store
writes folded copies into its indexes and every query is folded the same way.
"""

from __future__ import annotations

import re
import unicodedata

# Line breaks of every kind, and C0/C1 controls with the invisible marks that reorder or
# hide text (bidi overrides): what no name, title or tag may carry to a terminal. Shared by
# the models, the import's cleaning and mutt-query's output.
LINE_BREAKS = re.compile(r"[\t\n\r\v\f\x1c-\x1f\x85\u2028\u2029]+")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

# Letters that Unicode does not decompose into a base letter plus a mark.
_EXTRA_FOLDS = str.maketrans({
    "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae",
    "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "\u0131": "i",  # dotless i
})
_NON_DIGIT = re.compile(r"\D")
_EXTENSION = re.compile(r"(?i)\s*(?:ext\.?|x|#)\s*\d+\s*$")
_WORD = re.compile(r"[^\W_]+")  # as FTS5 unicode61 splits: "_" separates


def fold(text: str | None) -> str:
    """Case- and accent-insensitive form of ``text`` for comparing and indexing."""
    if not text:
        return ""
    if text.isascii():  # nothing to decompose or strip: most text, and ~20x faster
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def words(text: str | None) -> list[str]:
    """The folded words of ``text``, as the full-text index tokenises them."""
    return _WORD.findall(fold(text))


def phone_digits(number: str) -> str:
    """The significant digits of a phone number: no formatting, extension or trunk zeros.

    ``+1 (555) 010-0100`` gives ``15550100100``; ``0176 123-45678`` gives ``17612345678``.
    International ``00`` and national ``0`` prefixes are dropped so that the same number
    written nationally and internationally ends in the same digits.
    """
    digits = _NON_DIGIT.sub("", _EXTENSION.sub("", number))
    return digits.lstrip("0")


def phone_key(number: str) -> str:
    """Reversed significant digits: an index on it answers "ends with" in a range scan."""
    return phone_digits(number)[::-1]


def looks_like_phone(query: str) -> bool:
    """True for a query that is a phone number (or a long enough part of one)."""
    stripped = query.strip()
    return bool(re.fullmatch(r"[+(\d][\d\s()./-]*", stripped)) and len(
        _NON_DIGIT.sub("", stripped)) >= 5


def url_key(url: str) -> str | None:
    """A URL as a key that names one person (a LinkedIn or XING profile, a home page with
    a path), or None for a site's front page, which colleagues share."""
    from urllib.parse import urlsplit

    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    path = parts.path.rstrip("/")
    if not parts.hostname or not path:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    return f"{host}{path}".lower()
