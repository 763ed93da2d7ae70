"""Money: integer minor units (plain ``int`` cents) plus the store currency code. Never floats.

``format_money(3900, "USD") == "$39.00"``; ``parse_money("39.5") == 3950``.
"""
from __future__ import annotations

import re

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}
# Currencies without minor units (Stripe's zero-decimal list, the ones a shop might use).
ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK"}


class MoneyError(ValueError):
    """Input that is not an amount of money."""


def minor_digits(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def format_money(cents: int | None, currency: str = "USD") -> str:
    if cents is None:
        return ""
    currency = currency.upper()
    digits = minor_digits(currency)
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    if digits:
        whole, frac = divmod(cents, 10 ** digits)
        number = f"{whole:,}.{frac:0{digits}d}"
    else:
        number = f"{cents:,}"
    symbol = _SYMBOLS.get(currency)
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {currency}"


# The largest amount an admin may type, in minor units ($99,999.99). Prices, order totals and refunds are INTEGER
# columns (at most 2,147,483,647 on PostgreSQL): with ten of an item on a line, a larger price could overflow an
# order's total, and a 9-digit amount would overflow the column itself (a database error, not a form error).
MAX_AMOUNT_MINOR = 9_999_999


class AmountTooLarge(MoneyError):
    pass


# ASCII digits only: str.isdigit-style Unicode digits ("١٢", "１２") are not a price anyone means to type.
_AMOUNT = re.compile(r"^\s*[$€£]?\s*([0-9]{1,9})(?:[.,]([0-9]{1,2}))?\s*$")


def parse_money(text: str, currency: str = "USD") -> int:
    """Parse admin input such as "39", "39.5", "$39.50" into minor units.

    Rejects negatives, more than two decimals, thousands separators and anything else with MoneyError.
    """
    if text is None:
        raise MoneyError("Enter an amount")
    match = _AMOUNT.match(str(text))
    if not match:
        raise MoneyError(f"{text!r} is not an amount like 12.50")
    whole, frac = match.group(1), match.group(2) or ""
    digits = minor_digits(currency)
    if digits == 0:
        if frac:
            raise MoneyError(f"{currency} has no minor units")
        value = int(whole)
    else:
        value = int(whole) * 100 + int(frac.ljust(2, "0"))
    if value > MAX_AMOUNT_MINOR:
        raise AmountTooLarge(f"Enter an amount of at most {format_money(MAX_AMOUNT_MINOR, currency)}.")
    return value


def cents_to_decimal_string(cents: int, currency: str = "USD") -> str:
    """For machine-readable output (JSON-LD, CSV): "39.00"."""
    digits = minor_digits(currency)
    if not digits:
        return str(cents)
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"
