"""The pricing engine: a pure function from cart lines (with database prices), a discount, a shipping rate and a
tax rule to a priced order whose parts always add up to its total. No database, no request, no floats.

The rules, written down once:

* **Amounts** are integers in the currency's minor unit (cents). Rates are integers: a percentage discount in
  whole percent (1-100), a tax rate in parts per million (8.875 % = 88_750).
* **Rounding** is half up (0.5 cent goes up), done once per amount that is charged: the discount once for the
  order, tax once per line and once for shipping. The order's tax is the sum of those, so the parts add up.
* **Allocation**: an order-level amount (the discount) is shared among the lines it applies to in proportion to
  their subtotals by the largest-remainder method (ties go to the earlier line), so the shares add up to it
  exactly and none exceeds its line.
* **Discounts**: one code per order. A percentage or fixed amount applies to the eligible lines' subtotal (a
  fixed amount never more than that); free shipping takes the shipping charge off. Items already on sale (their
  compare-at price is above the price) are not eligible unless the code says so. The minimum is checked against
  the subtotal of the whole cart before any discount. Discounts apply before tax.
* **Shipping** is priced by weight or by subtotal bands (the subtotal after the discount), and is free when the
  discounted subtotal reaches the rate's free-shipping threshold.
* **Tax** is exclusive (US: added on top of each discounted line and, where taxable, shipping) or inclusive
  (UK and EU VAT: contained in the prices; the part that is tax is shown, the total does not change).
* **Refunds** of part of a line pay back the line's total in proportion to the units returned, computed
  cumulatively, so refunding every unit in any number of steps returns exactly the line's total.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Hashable, Sequence

PPM = 1_000_000


class DiscountKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"
    FREE_SHIPPING = "free_shipping"


class RateBasis(StrEnum):
    WEIGHT = "weight"       # bands by the order's weight in grams
    SUBTOTAL = "subtotal"   # bands by the discounted subtotal in minor units


@dataclass(frozen=True)
class LineInput:
    key: Hashable                 # the variant id (or any key the caller uses to match lines back)
    name: str
    unit_price_cents: int         # from the database, never from the client
    quantity: int
    weight_grams: int = 0         # per unit
    on_sale: bool = False         # compare-at above the price


@dataclass(frozen=True)
class Discount:
    code: str
    kind: DiscountKind
    value: int = 0                # percent (1-100) or minor units; unused for free shipping
    minimum_subtotal_cents: int = 0
    include_sale_items: bool = False


@dataclass(frozen=True)
class ShippingRate:
    """One shipping method of a zone, e.g. standard or express. ``bands`` are (up to and including, price) in
    ascending order; the last band may have ``None`` as its limit (everything above)."""
    code: str
    name: str
    basis: RateBasis
    bands: tuple[tuple[int | None, int], ...]
    free_over_cents: int | None = None


@dataclass(frozen=True)
class TaxRule:
    label: str                    # e.g. "VAT" or "Sales tax (NY)"
    rate_ppm: int                 # parts per million of the taxable amount
    inclusive: bool               # prices contain it (VAT) or it is added on top (US sales tax)
    shipping_taxable: bool = True


NO_TAX = TaxRule(label="Tax", rate_ppm=0, inclusive=False, shipping_taxable=False)


class ShippingUnavailable(ValueError):
    """The rate has no band for this order (heavier or larger than its last band)."""


@dataclass(frozen=True)
class PricedLine:
    key: Hashable
    name: str
    unit_price_cents: int
    quantity: int
    subtotal_cents: int           # unit price x quantity
    discount_cents: int           # this line's share of the order's discount
    tax_cents: int                # the tax on this line (contained in it when inclusive)
    total_cents: int              # what the shopper pays for the line: subtotal - discount (+ tax if exclusive)

    @property
    def net_cents(self) -> int:
        return self.subtotal_cents - self.discount_cents


class ShippingFigures:
    """Shipping as charged and as paid, from the fields a priced order and a stored order share
    (``shipping_cents``, ``shipping_discount_cents``, ``shipping_tax_cents``, ``tax_inclusive``)."""

    @property
    def shipping_charged_cents(self) -> int:
        return self.shipping_cents - self.shipping_discount_cents

    @property
    def shipping_total_cents(self) -> int:
        """Shipping as paid: the charge, plus its tax when tax is added on top."""
        return self.shipping_charged_cents + (0 if self.tax_inclusive else self.shipping_tax_cents)


@dataclass(frozen=True)
class PricedOrder(ShippingFigures):
    currency: str
    lines: tuple[PricedLine, ...]
    subtotal_cents: int
    discount_cents: int           # on the lines (a free-shipping code's saving is in shipping_discount_cents)
    shipping_cents: int           # the rate's price before any shipping discount
    shipping_discount_cents: int
    shipping_tax_cents: int
    tax_cents: int                # lines' tax + shipping tax
    total_cents: int
    tax_inclusive: bool
    tax_label: str
    discount_code: str | None = None
    discount_rejection: str | None = None   # why a code given was not applied (the cart stays unchanged)
    shipping_name: str | None = None
    free_shipping_threshold_cents: int | None = None
    weight_grams: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def discounted_subtotal_cents(self) -> int:
        return self.subtotal_cents - self.discount_cents

    @property
    def to_free_shipping_cents(self) -> int | None:
        """How much more (discounted subtotal) would make shipping free; None when no threshold, 0 when reached."""
        if self.free_shipping_threshold_cents is None:
            return None
        return max(0, self.free_shipping_threshold_cents - self.discounted_subtotal_cents)


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Share ``amount`` among ``weights`` in proportion, by largest remainder: the shares add up to ``amount``
    exactly, each share is at most its weight when ``amount`` is at most their sum, and ties go to the earlier."""
    if amount < 0 or any(w < 0 for w in weights):
        raise ValueError("allocate takes non-negative amounts")
    total = sum(weights)
    if amount == 0 or total == 0:
        if amount and not total:
            raise ValueError("cannot allocate an amount over nothing")
        return [0] * len(weights)
    shares = [amount * w // total for w in weights]
    remainders = [(amount * w % total, -i) for i, w in enumerate(weights)]
    for _, neg_i in sorted(remainders, reverse=True)[:amount - sum(shares)]:
        shares[-neg_i] += 1
    return shares


def shipping_price(rate: ShippingRate, *, weight_grams: int, subtotal_cents: int) -> int:
    """The rate's price for this order before any discount (0 at or above its free-shipping threshold)."""
    if rate.free_over_cents is not None and subtotal_cents >= rate.free_over_cents:
        return 0
    measure = weight_grams if rate.basis == RateBasis.WEIGHT else subtotal_cents
    for limit, price in rate.bands:
        if limit is None or measure <= limit:
            return price
    raise ShippingUnavailable(f"{rate.name} does not carry an order this "
                              f"{'heavy' if rate.basis == RateBasis.WEIGHT else 'large'}.")


def _tax(amount: int, rule: TaxRule) -> int:
    if rule.rate_ppm <= 0 or amount <= 0:
        return 0
    if rule.inclusive:
        return round_half_up(amount * rule.rate_ppm, PPM + rule.rate_ppm)
    return round_half_up(amount * rule.rate_ppm, PPM)


def _check(lines: Sequence[LineInput]) -> None:
    keys = set()
    for line in lines:
        if line.quantity <= 0 or line.unit_price_cents < 0 or line.weight_grams < 0:
            raise ValueError(f"line {line.key!r}: quantity must be positive and prices and weights not negative")
        if line.key in keys:
            raise ValueError(f"line {line.key!r} appears twice")
        keys.add(line.key)


def discount_rejection(lines: Sequence[LineInput], discount: Discount, subtotal: int) -> str | None:
    """Why ``discount`` does not apply to these lines (None when it does). Dates and usage limits are the
    caller's (they need the database); this is what the cart itself decides."""
    if subtotal < discount.minimum_subtotal_cents:
        return "minimum"
    if discount.kind in (DiscountKind.PERCENT, DiscountKind.FIXED):
        if discount.kind == DiscountKind.PERCENT and not 1 <= discount.value <= 100:
            raise ValueError("a percentage discount is 1 to 100 percent")
        if discount.kind == DiscountKind.FIXED and discount.value <= 0:
            raise ValueError("a fixed discount is a positive amount")
        if not any(discount.include_sale_items or not line.on_sale for line in lines):
            return "sale_items"
    return None


def price(lines: Sequence[LineInput], *, currency: str, discount: Discount | None = None,
          shipping: ShippingRate | None = None, tax: TaxRule = NO_TAX) -> PricedOrder:
    """Price an order. ``shipping`` None prices the goods only (a cart before an address is known)."""
    _check(lines)
    subtotals = [line.unit_price_cents * line.quantity for line in lines]
    subtotal = sum(subtotals)
    weight = sum(line.weight_grams * line.quantity for line in lines)

    rejection = discount_rejection(lines, discount, subtotal) if discount is not None else None
    applied = discount if discount is not None and rejection is None else None
    line_discounts = [0] * len(lines)
    if applied is not None and applied.kind != DiscountKind.FREE_SHIPPING:
        eligible = [s if (applied.include_sale_items or not line.on_sale) else 0 for line, s in zip(lines, subtotals)]
        base = sum(eligible)
        if applied.kind == DiscountKind.PERCENT:
            amount = round_half_up(base * applied.value, 100)
        else:
            amount = min(applied.value, base)
        line_discounts = allocate(amount, eligible)
    discount_total = sum(line_discounts)
    discounted = subtotal - discount_total

    shipping_cents = shipping_discount = 0
    if shipping is not None:
        shipping_cents = shipping_price(shipping, weight_grams=weight, subtotal_cents=discounted)
        if applied is not None and applied.kind == DiscountKind.FREE_SHIPPING:
            shipping_discount = shipping_cents
    shipping_charged = shipping_cents - shipping_discount

    priced_lines = []
    for line, sub, disc in zip(lines, subtotals, line_discounts):
        net = sub - disc
        line_tax = _tax(net, tax)
        priced_lines.append(PricedLine(key=line.key, name=line.name, unit_price_cents=line.unit_price_cents,
                                       quantity=line.quantity, subtotal_cents=sub, discount_cents=disc,
                                       tax_cents=line_tax, total_cents=net + (0 if tax.inclusive else line_tax)))
    shipping_tax = _tax(shipping_charged, tax) if tax.shipping_taxable else 0
    tax_total = sum(p.tax_cents for p in priced_lines) + shipping_tax
    total = sum(p.total_cents for p in priced_lines) + shipping_charged + (0 if tax.inclusive else shipping_tax)
    return PricedOrder(
        currency=currency, lines=tuple(priced_lines), subtotal_cents=subtotal, discount_cents=discount_total,
        shipping_cents=shipping_cents, shipping_discount_cents=shipping_discount, shipping_tax_cents=shipping_tax,
        tax_cents=tax_total, total_cents=total, tax_inclusive=tax.inclusive, tax_label=tax.label,
        discount_code=applied.code if applied is not None else None, discount_rejection=rejection,
        shipping_name=shipping.name if shipping is not None else None,
        free_shipping_threshold_cents=shipping.free_over_cents if shipping is not None else None,
        weight_grams=weight)


def _units_share(amount: int, quantity: int, already: int, units: int) -> int:
    """Cumulative: the first n of ``quantity`` units are worth round_half_up(amount * n / quantity), so any
    sequence of steps adds up to exactly ``amount`` once every unit is counted."""
    if units <= 0 or already < 0 or already + units > quantity:
        raise ValueError(f"cannot refund {units} of {quantity - max(already, 0)} units left")
    return round_half_up(amount * (already + units), quantity) - round_half_up(amount * already, quantity)


def line_refund_cents(line: PricedLine, *, already_refunded_units: int, units: int) -> int:
    """What returning ``units`` more units of ``line`` pays back (its discount share and tax included), by the
    cumulative rule: refunding every unit in any number of steps returns exactly the line's total."""
    return _units_share(line.total_cents, line.quantity, already_refunded_units, units)


def line_refund_tax_cents(line: PricedLine, *, already_refunded_units: int, units: int) -> int:
    """The part of ``line_refund_cents`` that is tax (the same cumulative rule over the line's tax), for
    refund records and emails: refunding every unit returns exactly the line's tax."""
    return _units_share(line.tax_cents, line.quantity, already_refunded_units, units)


def amount_tax_share(amount_cents: int, *, tax_cents: int, total_cents: int) -> int:
    """The tax inside a refund of a plain amount (not by line): the order's tax in proportion, rounded half up,
    never more than the amount."""
    if total_cents <= 0 or amount_cents <= 0:
        return 0
    return min(round_half_up(amount_cents * tax_cents, total_cents), amount_cents)


@dataclass(frozen=True)
class ChargePart:
    """One amount a payment provider is asked to charge. The parts of an order add up to its total."""
    name: str
    unit_amount_cents: int
    quantity: int
    kind: str                     # "line", "shipping" or "tax"

    @property
    def amount_cents(self) -> int:
        return self.unit_amount_cents * self.quantity


def charge_parts(order: PricedOrder) -> list[ChargePart]:
    """The order as amounts a provider can charge exactly: a line at its discounted unit price when that divides
    evenly, otherwise as one item "N × name" at the line's total; shipping; and tax added on top (one part, the
    sum of every line's and the shipping's tax). Inclusive tax needs no part: it is inside the line amounts."""
    parts = []
    for line in order.lines:
        goods = line.net_cents
        if goods % line.quantity == 0:
            parts.append(ChargePart(line.name, goods // line.quantity, line.quantity, "line"))
        else:
            parts.append(ChargePart(f"{line.quantity} × {line.name}", goods, 1, "line"))
    if order.shipping_name is not None:
        parts.append(ChargePart(order.shipping_name, order.shipping_charged_cents, 1, "shipping"))
    if not order.tax_inclusive and order.tax_cents:
        parts.append(ChargePart(order.tax_label, order.tax_cents, 1, "tax"))
    return parts
