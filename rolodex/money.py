"""Amounts of money: exact decimals as users type them, and totals kept per currency.

A float cannot hold 0.10 exactly, so amounts are ``Decimal`` everywhere and decimal text in
the database and in every output (JSON included: a JSON number would be read back as a
float by most consumers). Totals are never added across currencies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from rolodex.errors import InvalidInput

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$|^[+-]?\d{1,3}(_\d{3})+(\.\d+)?$")
MAX_PLACES = 6
# A quadrillion: past every real deal, and small enough that sums and weighted values of a
# million of them stay exact in Decimal's 28 digits.
MAX_AMOUNT = Decimal(10) ** 15
CENT = Decimal("0.01")
_SHOWN = 24  # characters of a refused amount repeated in its error


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + f"... ({len(text)} characters)"


def parse_amount(text: str) -> Decimal:
    """``12500``, ``12,500.00``, ``12_500``, ``99.95``: a non-negative exact amount.

    A comma is read only as a thousands separator in groups of three, so ``12,5`` (a
    decimal comma) is refused rather than silently read as 125.
    """
    raw = text.strip().replace(" ", "")
    if _GROUPED.match(raw):
        raw = raw.replace(",", "").replace("_", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(f"not an amount: '{_shown(text)}'",
                           hint="write it like 12500 or 12,500.00") from None
    if not value.is_finite():
        raise InvalidInput(f"not an amount: '{_shown(text)}'")
    if value < 0:
        raise InvalidInput(f"an amount cannot be negative: '{_shown(text)}'")
    if value >= MAX_AMOUNT:
        raise InvalidInput(f"amount too large: '{_shown(text)}' (at most"
                           f" {format(MAX_AMOUNT - 1, ',')})")
    if -value.as_tuple().exponent > MAX_PLACES:  # type: ignore[operator]
        raise InvalidInput(f"too many decimal places in '{_shown(text)}' (at most {MAX_PLACES})")
    return value


def parse_currency(text: str) -> str:
    """An ISO 4217 code such as EUR or USD (upper-cased)."""
    code = text.strip().upper()
    if not _CURRENCY.match(code):
        raise InvalidInput(f"not a currency code: '{text}'",
                           hint="use a three-letter ISO 4217 code such as EUR or USD")
    return code


def format_amount(value: Decimal) -> str:
    """Plain decimal text with at least two places: ``12500.00``, ``0.125``."""
    if value == value.quantize(CENT):
        value = value.quantize(CENT)
    return format(value, "f")


def weighted(amount: Decimal, probability: int) -> Decimal:
    """``amount`` x ``probability`` %, rounded to the cent (banker's rounding)."""
    return (amount * probability / 100).quantize(CENT, rounding=ROUND_HALF_EVEN)


def totals(pairs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Sum per currency, currencies in alphabetical order."""
    out: dict[str, Decimal] = {}
    for currency, value in pairs:
        out[currency] = out.get(currency, Decimal(0)) + value
    return dict(sorted(out.items()))


def describe(by_currency: dict[str, Decimal]) -> str:
    """``12500.00 EUR + 800.00 USD`` for a person to read."""
    return " + ".join(f"{format_amount(v)} {c}" for c, v in by_currency.items()) or "0"
