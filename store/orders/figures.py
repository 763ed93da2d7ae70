"""An order's money as the pricing engine computed it: written onto the order and its lines when it is placed,
and read back as an ``engine.PricedOrder`` for the Stripe request, refunds and every page and email that shows
the figures. Nothing here adds money up: the engine did, once."""
from __future__ import annotations

from store.orders.models import Order, OrderLine
from store.pricing import engine


def apply(order: Order, priced: engine.PricedOrder, lines: list[OrderLine], *, method_code: str | None) -> None:
    """Copy a priced order onto the order row and its lines (matched by variant id, the engine's line key)."""
    by_key = {line.key: line for line in priced.lines}
    for line in lines:
        p = by_key[line.variant_id]
        line.line_total_cents, line.discount_cents = p.subtotal_cents, p.discount_cents
        line.tax_cents, line.amount_cents = p.tax_cents, p.total_cents
    order.currency = priced.currency
    order.subtotal_cents, order.discount_cents = priced.subtotal_cents, priced.discount_cents
    order.discount_code = priced.discount_code or ""
    order.shipping_method = method_code or ""
    order.shipping_name = priced.shipping_name or ""
    order.shipping_cents, order.shipping_discount_cents = priced.shipping_cents, priced.shipping_discount_cents
    order.shipping_tax_cents, order.tax_cents = priced.shipping_tax_cents, priced.tax_cents
    order.tax_label, order.tax_inclusive = priced.tax_label if priced.tax_cents else "", priced.tax_inclusive
    order.total_cents = priced.total_cents


def priced_line(line: OrderLine) -> engine.PricedLine:
    return engine.PricedLine(key=line.id, name=line.product_name, unit_price_cents=line.unit_price_cents,
                             quantity=line.quantity, subtotal_cents=line.line_total_cents,
                             discount_cents=line.discount_cents, tax_cents=line.tax_cents,
                             total_cents=line.amount_cents)


def priced_order(order: Order, name_of=None) -> engine.PricedOrder:
    """The order's stored figures as the engine's result (``name_of(line)`` names each line for a provider)."""
    lines = tuple(engine.PricedLine(
        key=line.id, name=name_of(line) if name_of else line.product_name, unit_price_cents=line.unit_price_cents,
        quantity=line.quantity, subtotal_cents=line.line_total_cents, discount_cents=line.discount_cents,
        tax_cents=line.tax_cents, total_cents=line.amount_cents) for line in order.lines)
    return engine.PricedOrder(
        currency=order.currency, lines=lines, subtotal_cents=order.subtotal_cents,
        discount_cents=order.discount_cents, shipping_cents=order.shipping_cents,
        shipping_discount_cents=order.shipping_discount_cents, shipping_tax_cents=order.shipping_tax_cents,
        tax_cents=order.tax_cents, total_cents=order.total_cents, tax_inclusive=order.tax_inclusive,
        tax_label=order.tax_label or "Tax", discount_code=order.discount_code or None,
        shipping_name=order.shipping_name or "Shipping")


def line_refund_cents(line: OrderLine, units: int, *, already: int) -> int:
    """What refunding ``units`` more units of the line pays back: its discounted price and its tax (the engine's
    cumulative rule, so every unit refunded in any steps returns exactly what the line cost)."""
    return engine.line_refund_cents(priced_line(line), already_refunded_units=already, units=units)


def line_refund_tax_cents(line: OrderLine, units: int, *, already: int) -> int:
    """The tax inside ``line_refund_cents`` for the same units."""
    return engine.line_refund_tax_cents(priced_line(line), already_refunded_units=already, units=units)
