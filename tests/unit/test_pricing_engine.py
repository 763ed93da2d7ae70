"""The pricing engine's rules (store/pricing/engine.py): worked examples a shop owner can check by hand, and
properties over random carts, codes, shipping rates and tax rules (hypothesis): totals never negative, a discount
never above what it applies to, allocations that add up exactly, refunding every line returns exactly what was
paid, and the parts a payment provider is asked to charge add up to the order total."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.pricing.engine import (
    NO_TAX, Discount, DiscountKind, LineInput, RateBasis, ShippingRate, ShippingUnavailable, TaxRule, allocate,
    charge_parts, line_refund_cents, price, round_half_up, shipping_price)

STANDARD = ShippingRate("standard", "Standard (3-5 days)", RateBasis.WEIGHT,
                        ((500, 495), (2000, 795), (None, 1295)), free_over_cents=7500)
EXPRESS = ShippingRate("express", "Express (1-2 days)", RateBasis.SUBTOTAL, ((5000, 1495), (None, 1995)))
VAT = TaxRule("VAT", 200_000, inclusive=True)
NY = TaxRule("Sales tax (NY)", 88_750, inclusive=False, shipping_taxable=True)


def line(key, cents, qty=1, grams=200, on_sale=False):
    return LineInput(key=key, name=f"Item {key}", unit_price_cents=cents, quantity=qty, weight_grams=grams,
                     on_sale=on_sale)


# ------------------------------------------------------------------ worked examples

def test_round_half_up_and_largest_remainder_allocation():
    assert [round_half_up(n, 2) for n in (0, 1, 2, 3, 5)] == [0, 1, 1, 2, 3]
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]            # the remainder goes to the earlier line
    assert allocate(10, [3000, 1000]) == [8, 2]
    assert allocate(0, [5, 5]) == [0, 0] and allocate(7, [0, 7]) == [0, 7]
    with pytest.raises(ValueError):
        allocate(1, [0, 0])


def test_welcome10_on_a_us_cart_with_tax_added_on_top():
    order = price([line(1, 2999, 2), line(2, 1450)], currency="USD",
                  discount=Discount("WELCOME10", DiscountKind.PERCENT, 10), shipping=STANDARD, tax=NY)
    assert order.subtotal_cents == 7448
    assert order.discount_cents == 745                          # 744.8 rounds half up to 745
    assert [l.discount_cents for l in order.lines] == [600, 145]
    assert order.discounted_subtotal_cents == 6703
    assert order.shipping_cents == 795 and order.shipping_charged_cents == 795   # 600 g, under the free threshold
    assert [l.tax_cents for l in order.lines] == [479, 116]     # 5398 x 8.875% = 479.07; 1305 x 8.875% = 115.8
    assert order.shipping_tax_cents == 71                       # 795 x 8.875% = 70.56
    assert order.tax_cents == 479 + 116 + 71
    assert order.total_cents == 6703 + 795 + 666 == 8164
    assert order.to_free_shipping_cents == 7500 - 6703


def test_vat_is_inside_the_prices_and_the_total_does_not_move():
    order = price([line(1, 2400, 1)], currency="GBP", shipping=EXPRESS, tax=VAT)
    assert order.total_cents == 2400 + 1495
    assert order.lines[0].tax_cents == 400 and order.shipping_tax_cents == round_half_up(1495 * 200_000, 1_200_000)
    assert order.tax_inclusive and [p.kind for p in charge_parts(order)] == ["line", "shipping"]


def test_free_shipping_threshold_and_code_and_the_minimum():
    free = price([line(1, 4000, 2)], currency="USD", shipping=STANDARD)
    assert free.shipping_cents == 0 and free.to_free_shipping_cents == 0
    code = Discount("SHIPFREE", DiscountKind.FREE_SHIPPING, minimum_subtotal_cents=3000)
    shipped = price([line(1, 3000)], currency="USD", discount=code, shipping=EXPRESS)
    assert (shipped.shipping_cents, shipped.shipping_discount_cents, shipped.total_cents) == (1495, 1495, 3000)
    short = price([line(1, 2999)], currency="USD", discount=code, shipping=EXPRESS)
    assert short.discount_rejection == "minimum" and short.discount_code is None and short.total_cents == 2999 + 1495


def test_items_on_sale_are_left_out_unless_the_code_includes_them():
    lines = [line(1, 1000, on_sale=True), line(2, 3000)]
    order = price(lines, currency="USD", discount=Discount("TEN", DiscountKind.FIXED, 1000))
    assert [l.discount_cents for l in order.lines] == [0, 1000]
    only_sale = price(lines[:1], currency="USD", discount=Discount("TEN", DiscountKind.FIXED, 1000))
    assert only_sale.discount_rejection == "sale_items" and only_sale.total_cents == 1000
    included = price(lines, currency="USD", discount=Discount("ALL", DiscountKind.PERCENT, 50,
                                                               include_sale_items=True))
    assert [l.discount_cents for l in included.lines] == [500, 1500]


def test_a_fixed_amount_never_makes_an_order_negative():
    order = price([line(1, 500)], currency="USD", discount=Discount("BIG", DiscountKind.FIXED, 10_000), tax=NY)
    assert order.discount_cents == 500 and order.total_cents == 0 and order.tax_cents == 0


def test_shipping_bands_and_an_order_too_heavy_for_the_rate():
    assert shipping_price(STANDARD, weight_grams=500, subtotal_cents=0) == 495
    assert shipping_price(STANDARD, weight_grams=501, subtotal_cents=0) == 795
    small = ShippingRate("post", "Letter post", RateBasis.WEIGHT, ((1000, 300),))
    with pytest.raises(ShippingUnavailable, match="does not carry"):
        price([line(1, 100, 10, grams=150)], currency="USD", shipping=small)


def test_partial_refunds_of_a_line_add_up_to_its_total():
    order = price([line(1, 1000, 3)], currency="USD", discount=Discount("X", DiscountKind.FIXED, 1), tax=NY)
    first = line_refund_cents(order.lines[0], already_refunded_units=0, units=1)
    rest = line_refund_cents(order.lines[0], already_refunded_units=1, units=2)
    assert first + rest == order.lines[0].total_cents
    with pytest.raises(ValueError):
        line_refund_cents(order.lines[0], already_refunded_units=2, units=2)


def test_bad_lines_are_refused():
    for bad in ([line(1, 100, 0)], [line(1, -1)], [line(1, 100), line(1, 200)]):
        with pytest.raises(ValueError):
            price(bad, currency="USD")


# ------------------------------------------------------------------ properties

lines_strategy = st.lists(
    st.tuples(st.integers(0, 50_000), st.integers(1, 12), st.integers(0, 3_000), st.booleans()),
    min_size=1, max_size=8,
).map(lambda rows: [line(i, c, q, g, s) for i, (c, q, g, s) in enumerate(rows)])

discount_strategy = st.one_of(
    st.none(),
    st.builds(lambda v, m, inc: Discount("P", DiscountKind.PERCENT, v, m, inc),
              st.integers(1, 100), st.integers(0, 40_000), st.booleans()),
    st.builds(lambda v, m, inc: Discount("F", DiscountKind.FIXED, v, m, inc),
              st.integers(1, 200_000), st.integers(0, 40_000), st.booleans()),
    st.builds(lambda m: Discount("S", DiscountKind.FREE_SHIPPING, 0, m), st.integers(0, 40_000)),
)

rate_strategy = st.one_of(
    st.none(),
    st.builds(lambda basis, prices, free: ShippingRate("r", "Rate", basis,
                                                       tuple((None if i == len(prices) - 1 else (i + 1) * 5_000, p)
                                                             for i, p in enumerate(prices)), free),
              st.sampled_from(list(RateBasis)), st.lists(st.integers(0, 5_000), min_size=1, max_size=4),
              st.one_of(st.none(), st.integers(0, 100_000))),
)

tax_strategy = st.one_of(
    st.just(NO_TAX),
    st.builds(lambda ppm, inclusive, ship: TaxRule("Tax", ppm, inclusive, ship),
              st.integers(0, 300_000), st.booleans(), st.booleans()),
)


@settings(max_examples=400, deadline=None)
@given(lines_strategy, discount_strategy, rate_strategy, tax_strategy)
def test_every_priced_order_adds_up(lines, discount, rate, tax):
    order = price(lines, currency="USD", discount=discount, shipping=rate, tax=tax)
    # Nothing negative; the discount never exceeds what it applies to, line by line and in all.
    assert order.total_cents >= 0 and order.tax_cents >= 0
    for l, given_line in zip(order.lines, lines):
        assert 0 <= l.discount_cents <= l.subtotal_cents
        if given_line.on_sale and discount is not None and not discount.include_sale_items:
            assert l.discount_cents == 0
    assert 0 <= order.discount_cents <= order.subtotal_cents
    assert 0 <= order.shipping_discount_cents <= order.shipping_cents
    if discount is not None and discount.kind == DiscountKind.FIXED:
        assert order.discount_cents <= discount.value
    # Allocations add up exactly, and so do the parts of the total.
    assert sum(l.discount_cents for l in order.lines) == order.discount_cents
    assert sum(l.subtotal_cents for l in order.lines) == order.subtotal_cents
    assert sum(l.tax_cents for l in order.lines) + order.shipping_tax_cents == order.tax_cents
    assert sum(l.total_cents for l in order.lines) + order.shipping_total_cents == order.total_cents
    expected = order.subtotal_cents - order.discount_cents + order.shipping_charged_cents
    assert order.total_cents == expected + (0 if order.tax_inclusive else order.tax_cents)
    if order.tax_inclusive:
        assert order.tax_cents <= order.total_cents
    # What a payment provider is asked to charge is the order total, cent for cent, with no negative part.
    parts = charge_parts(order)
    assert sum(p.amount_cents for p in parts) == order.total_cents
    assert all(p.unit_amount_cents >= 0 and p.quantity >= 1 for p in parts)


@settings(max_examples=200, deadline=None)
@given(lines_strategy, discount_strategy, tax_strategy, st.randoms(use_true_random=False))
def test_refunding_every_line_in_random_steps_returns_exactly_what_was_paid(lines, discount, tax, rnd):
    order = price(lines, currency="USD", discount=discount, shipping=None, tax=tax)
    refunded = 0
    for l in order.lines:
        done = 0
        while done < l.quantity:
            units = rnd.randint(1, l.quantity - done)
            part = line_refund_cents(l, already_refunded_units=done, units=units)
            assert 0 <= part <= l.total_cents
            refunded += part
            done += units
    assert refunded == order.total_cents
