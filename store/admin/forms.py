"""Form bits shared by the back office's domain forms (each domain keeps its own forms in its forms.py)."""
from __future__ import annotations

from flask import current_app
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from store.money import AmountTooLarge, MoneyError, parse_money


def select_choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in pairs]


def compare_at_problem(price_cents: int | None, compare_at_cents: int | None) -> str | None:
    """The one rule for a compare-at ("was") price: when given, it must be above the price (a "was" price at or
    below the price would advertise a saving that is not there). Returns the message, or None when fine."""
    if compare_at_cents is None or price_cents is None:
        return None
    if compare_at_cents <= price_cents:
        return ("The compare-at price must be above the price (it is shown as the old price, struck through); "
                "leave it empty for no compare-at price.")
    return None


def money_value(field, required: bool) -> int | None:
    """An amount typed by an admin (a price, a refund) in minor units, through store.money.parse_money."""
    text = (field.data or "").strip()
    if not text:
        if required:
            raise ValidationError("Enter a price like 24.00.")
        return None
    try:
        return parse_money(text, current_app.config["STORE_CURRENCY"])
    except AmountTooLarge as exc:
        raise ValidationError(str(exc)) from exc
    except MoneyError as exc:
        raise ValidationError("Enter an amount like 24.00 (no minus sign, at most two decimals).") from exc
