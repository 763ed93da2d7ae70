"""The pricing engine wired into orders: place_order stores the engine's figures and redeems the code in the
order's transaction; the Stripe Checkout Session carries exactly those amounts (through the real ``stripe``
library, only its HTTP layer replaced); refunds pay back a line's discounted price and its tax; closing an
unpaid order gives its code back. On SQLite and, under STORE_TEST_DB=postgres, on PostgreSQL."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import func, select

from store.checkout import services as checkout
from store.extensions import db as _db
from store.orders import figures, lifecycle
from store.orders.lifecycle import RefundRequest
from store.orders.models import Order, OrderLine
from store.payments import stripe_gateway
from store.payments.refunds import send_refund
from store.pricing import engine
from store.pricing.models import DiscountCode, DiscountRedemption
from tests.checkout.conftest import shop, stripe_http  # noqa: F401  (fixtures)
from tests.factories import ADDRESS, make_product, pay_order, place_order as place

NEW_YORK = replace(ADDRESS, city="Albany", region="New York", postal_code="12207")
LONDON = replace(ADDRESS, line1="10 Downing Street", city="London", region="", postal_code="SW1A 2AA",
                 country="GB")


def _session_json(order, session_id="cs_test_priced"):
    return {"id": session_id, "object": "checkout.session", "mode": "payment", "status": "open",
            "payment_status": "unpaid", "amount_total": order.total_cents, "currency": order.currency.lower(),
            "client_reference_id": order.number, "expires_at": int(time.time()) + 1860,
            "metadata": {"order_id": str(order.id), "order_number": order.number}, "livemode": False,
            "url": f"https://checkout.stripe.com/c/pay/{session_id}", "payment_intent": None}


def test_an_order_with_a_code_express_shipping_and_new_york_tax_stores_the_engine_figures(app, db, shop):
    order = place([(shop.roller, 2), (shop.oil_small, 1)], address=NEW_YORK, shipping_method="express",
                  discount_code="welcome10")
    # 2 x 24.00 + 14.50 = 62.50; WELCOME10 takes 6.25, shared 4.80 / 1.45 by the lines' subtotals.
    lines = {line.sku: line for line in order.lines}
    assert (lines["ROLL-1"].line_total_cents, lines["ROLL-1"].discount_cents) == (4800, 480)
    assert (lines["OIL-50"].line_total_cents, lines["OIL-50"].discount_cents) == (1450, 145)
    # New York's 4 %, rounded half up once per line and once for shipping: 172.8 -> 173, 52.2 -> 52, 59.8 -> 60.
    assert (lines["ROLL-1"].tax_cents, lines["OIL-50"].tax_cents, order.shipping_tax_cents) == (173, 52, 60)
    assert (lines["ROLL-1"].amount_cents, lines["OIL-50"].amount_cents) == (4320 + 173, 1305 + 52)
    assert (order.subtotal_cents, order.discount_cents, order.discount_code) == (6250, 625, "WELCOME10")
    assert (order.shipping_method, order.shipping_name, order.shipping_cents) == ("express", "Express", 1495)
    assert (order.tax_cents, order.tax_label, order.tax_inclusive) == (285, "Sales tax (New York)", False)
    assert order.total_cents == 6250 - 625 + 1495 + 285 == 7405
    redemption = db.session.scalars(select(DiscountRedemption)).one()
    assert (redemption.order_id, redemption.email, redemption.amount_cents) == (order.id, "buyer@example.com", 625)
    assert db.session.scalars(select(DiscountCode).where(DiscountCode.code == "WELCOME10")).one().times_used == 1


def test_the_checkout_session_carries_exactly_the_engine_amounts_field_by_field(app, db, shop, stripe_http):
    order = place([(shop.roller, 2), (shop.oil_small, 1)], address=NEW_YORK, shipping_method="express",
                  discount_code="WELCOME10")
    stripe_http.queue(200, _session_json(order))
    with app.test_request_context():
        checkout.start_stripe_payment(order.id, "https://shop.test/done?session_id={CHECKOUT_SESSION_ID}",
                                      "https://shop.test/pay")
    [request] = stripe_http.requests
    assert request["method"] == "POST" and request["url"] == "https://api.stripe.com/v1/checkout/sessions"
    assert request["headers"]["Idempotency-Key"] == f"order-{order.id}-checkout-1"
    form = dict(request["form"])
    expires = int(form.pop("expires_at"))
    assert time.time() + 30 * 60 < expires <= time.time() + 24 * 3600
    assert form == {
        "mode": "payment",
        # Each line at its discounted unit price (4320 / 2 and 1305 / 1 divide evenly) ...
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "2160",
        "line_items[0][price_data][product_data][name]": "Cedar Foot Roller",
        "line_items[0][quantity]": "2",
        "line_items[1][price_data][currency]": "usd",
        "line_items[1][price_data][unit_amount]": "1305",
        "line_items[1][price_data][product_data][name]": "Calm Body Oil (50 ml)",
        "line_items[1][quantity]": "1",
        # ... the tax added on top as its own line (the lines' 225 and the shipping's 60) ...
        "line_items[2][price_data][currency]": "usd",
        "line_items[2][price_data][unit_amount]": "285",
        "line_items[2][price_data][product_data][name]": "Sales tax (New York)",
        "line_items[2][quantity]": "1",
        # ... and the shipping as the one shipping option.
        "shipping_options[0][shipping_rate_data][type]": "fixed_amount",
        "shipping_options[0][shipping_rate_data][display_name]": "Express",
        "shipping_options[0][shipping_rate_data][fixed_amount][amount]": "1495",
        "shipping_options[0][shipping_rate_data][fixed_amount][currency]": "usd",
        "customer_email": "buyer@example.com",
        "client_reference_id": order.number,
        "metadata[order_id]": str(order.id),
        "metadata[order_number]": order.number,
        "payment_intent_data[metadata][order_id]": str(order.id),
        "payment_intent_data[metadata][order_number]": order.number,
        "success_url": "https://shop.test/done?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://shop.test/pay",
    }
    charged = 2160 * 2 + 1305 + 285 + 1495
    assert charged == order.total_cents == 7405


def test_vat_is_inside_the_stripe_amounts_and_an_uneven_line_is_sent_whole(app, db, shop, stripe_http):
    """UK: prices include VAT, so no tax line; 3 oils at 14.50 less a 5.00 code cost 38.50, which 3 does not
    divide into whole cents, so the line goes as one item "3 × ..." at 38.50."""
    with app.app_context():
        _db.session.add(DiscountCode(code="FIVEOFF", kind="fixed", value=500))
        _db.session.commit()
    order = place([(shop.oil_small, 3)], address=LONDON, shipping_method="express", discount_code="FIVEOFF")
    assert (order.discount_cents, order.shipping_cents, order.tax_inclusive, order.tax_label) == (500, 2495, True,
                                                                                                 "VAT")
    # VAT is the 20/120 part of 38.50 and of 24.95: 6.417 -> 6.42 and 4.158 -> 4.16.
    assert (order.lines[0].tax_cents, order.shipping_tax_cents, order.tax_cents) == (642, 416, 1058)
    assert order.total_cents == 4350 - 500 + 2495 == 6345
    stripe_http.queue(200, _session_json(order))
    with app.test_request_context():
        checkout.start_stripe_payment(order.id, "https://shop.test/done", "https://shop.test/pay")
    form = stripe_http.requests[0]["form"]
    assert form["line_items[0][price_data][unit_amount]"] == "3850"
    assert form["line_items[0][quantity]"] == "1"
    assert form["line_items[0][price_data][product_data][name]"] == "3 × Calm Body Oil (50 ml)"
    assert "line_items[1][price_data][unit_amount]" not in form        # no tax line: VAT is inside
    assert form["shipping_options[0][shipping_rate_data][fixed_amount][amount]"] == "2495"
    assert 3850 + 2495 == order.total_cents


def test_a_free_shipping_code_sends_shipping_at_zero(app, db, shop, stripe_http):
    with app.app_context():
        _db.session.add(DiscountCode(code="SHIPFREE", kind="free_shipping", value=0))
        _db.session.commit()
    order = place([(shop.oil_small, 1)], shipping_method="express", discount_code="shipfree")
    assert (order.shipping_cents, order.shipping_discount_cents, order.total_cents) == (1495, 1495, 1450)
    stripe_http.queue(200, _session_json(order))
    with app.test_request_context():
        checkout.start_stripe_payment(order.id, "https://shop.test/done", "https://shop.test/pay")
    form = stripe_http.requests[0]["form"]
    assert form["shipping_options[0][shipping_rate_data][fixed_amount][amount]"] == "0"
    assert form["shipping_options[0][shipping_rate_data][display_name]"] == "Express (free)"
    assert form["line_items[0][price_data][unit_amount]"] == "1450"


def test_a_code_that_cannot_be_used_places_nothing_and_says_why(app, db, shop):
    with app.app_context():
        _db.session.add(DiscountCode(code="BIGSPEND", kind="fixed", value=1000, minimum_subtotal_cents=10_000))
        _db.session.add(DiscountCode(code="GONE", kind="percent", value=5, usage_limit=1, times_used=1))
        _db.session.commit()
    with pytest.raises(checkout.CheckoutError, match="BIGSPEND needs a subtotal of at least \\$100.00"):
        place([(shop.roller, 1)], discount_code="BIGSPEND")
    with pytest.raises(checkout.CheckoutError, match="GONE has been used up"):
        place([(shop.roller, 1)], discount_code="GONE")
    with pytest.raises(checkout.CheckoutError, match="is not a valid code"):
        place([(shop.roller, 1)], discount_code="NOPE")
    place([(shop.roller, 1)], discount_code="WELCOME10", email="once@example.com")
    pay_order(db.session.scalars(select(Order)).one())
    with pytest.raises(checkout.CheckoutError, match="You have already used WELCOME10"):
        place([(shop.roller, 1)], discount_code="WELCOME10", email="once@example.com")
    assert db.session.scalar(select(func.count(Order.id))) == 1
    assert db.session.scalar(select(func.count(DiscountRedemption.id))) == 1


def test_an_order_closed_unpaid_gives_its_code_back_and_a_resumed_order_redeems_once(app, db, shop):
    with app.app_context():
        _db.session.add(DiscountCode(code="ONCE", kind="percent", value=20, usage_limit=1))
        _db.session.commit()
    from store.cart.models import Cart
    cart = Cart(token="t" * 32)
    db.session.add(cart)
    db.session.commit()
    order = place([(shop.roller, 1)], discount_code="ONCE", cart_id=cart.id)
    again = place([(shop.roller, 2)], discount_code="ONCE", cart_id=cart.id)     # the cart changed: same order
    assert again.id == order.id and again.discount_cents == 960
    assert db.session.scalars(select(DiscountCode).where(DiscountCode.code == "ONCE")).one().times_used == 1
    assert db.session.scalar(select(func.count(DiscountRedemption.id))) == 1
    without = place([(shop.roller, 2)], cart_id=cart.id)                          # code removed: given back
    assert without.id == order.id and without.discount_cents == 0 and without.discount_code == ""
    assert db.session.scalars(select(DiscountCode).where(DiscountCode.code == "ONCE")).one().times_used == 0
    with_code = place([(shop.roller, 2)], discount_code="ONCE", cart_id=cart.id)
    assert with_code.discount_code == "ONCE"
    assert lifecycle.expire(order.id, note="test: reservation expired")
    db.session.expire_all()
    assert db.session.scalars(select(DiscountCode).where(DiscountCode.code == "ONCE")).one().times_used == 0
    assert db.session.scalar(select(func.count(DiscountRedemption.id))) == 0
    assert any("Discount code ONCE given back" in e.note for e in db.session.get(Order, order.id).events)
    other = place([(shop.roller, 1)], discount_code="ONCE", email="next@example.com")
    assert other.discount_cents == 480


def test_an_expired_order_paid_late_counts_its_code_again_or_says_it_was_honoured(app, db, shop):
    with app.app_context():
        _db.session.add(DiscountCode(code="ONCE", kind="percent", value=20, usage_limit=1))
        _db.session.commit()
    late = place([(shop.roller, 1)], discount_code="ONCE", email="late@example.com")
    assert lifecycle.expire(late.id)
    assert pay_order(db.session.get(Order, late.id)).outcome == "paid"
    db.session.expire_all()
    assert db.session.scalars(select(DiscountCode).where(DiscountCode.code == "ONCE")).one().times_used == 1
    assert db.session.scalars(select(DiscountRedemption)).one().order_id == late.id
    # Expired again and the code taken by someone else meanwhile: the late payer keeps the discount paid for.
    later = place([(shop.roller, 1)], discount_code="WELCOME10", email="later@example.com")
    assert lifecycle.expire(later.id)
    place([(shop.roller, 1)], discount_code="WELCOME10", email="later@example.com")
    with app.app_context():
        _db.session.scalars(select(DiscountCode).where(DiscountCode.code == "WELCOME10")).one().active = False
        _db.session.commit()
    assert pay_order(db.session.get(Order, later.id)).outcome == "paid"
    db.session.expire_all()
    notes = [e.note for e in db.session.get(Order, later.id).events]
    assert any(n.startswith("Discount code WELCOME10 honoured though it can no longer be used") for n in notes)


def test_refunding_a_discounted_taxed_line_pays_back_its_share_and_its_tax(app, db, shop):
    order = place([(shop.roller, 2), (shop.oil_small, 1)], address=NEW_YORK, shipping_method="express",
                  discount_code="WELCOME10")
    pay_order(order)
    roller = next(line for line in order.lines if line.sku == "ROLL-1")
    oil = next(line for line in order.lines if line.sku == "OIL-50")
    # One roller of two: half of its 43.20 after discount plus half of its 1.73 tax: 22.465 -> 22.47 (half up).
    first, _ = lifecycle.refund(order.id, RefundRequest(lines={roller.id: 1}), "r1", "owner@example.com",
                                send_refund)
    assert (first.amount_cents, first.tax_cents) == (2247, 87)        # 1.73 / 2 = 0.865 -> 0.87
    second, _ = lifecycle.refund(order.id, RefundRequest(lines={roller.id: 1, oil.id: 1}), "r2",
                                 "owner@example.com", send_refund)
    assert second.amount_cents == (4493 - 2247) + 1357
    assert second.tax_cents == (173 - 87) + 52
    db.session.expire_all()
    assert db.session.get(Order, order.id).payment_status == "partially_refunded"
    # The shipping and its tax (14.95 + 0.60) make the rest: everything paid is back, to the cent.
    last, _ = lifecycle.refund(order.id, RefundRequest(shipping=True), "r3", "owner@example.com", send_refund)
    assert (last.amount_cents, last.shipping_cents, last.tax_cents) == (1555, 1555, 60)
    assert first.tax_cents + second.tax_cents + last.tax_cents == order.tax_cents == 285
    db.session.expire_all()
    stored = db.session.get(Order, order.id)
    assert first.amount_cents + second.amount_cents + last.amount_cents == stored.paid_cents == 7405
    assert (stored.refunded_cents, stored.payment_status) == (7405, "refunded")
    with pytest.raises(lifecycle.RefundError):
        lifecycle.begin_refund(order.id, RefundRequest(shipping=True), "r4", "owner@example.com")


def test_cancelling_a_paid_discounted_order_refunds_what_was_paid_and_says_how_much_was_vat(
        app, db, shop, smtp_server, outbox_worker):
    order = place([(shop.roller, 1)], address=LONDON, discount_code="WELCOME10")
    pay_order(order)
    record = lifecycle.cancel_paid(order.id, "Out of the country", "c1", "owner@example.com", send_refund)
    assert record.amount_cents == order.total_cents == 2400 - 240 + 1195
    assert record.shipping_cents == 1195 and record.tax_cents == order.tax_cents == 360 + 199
    by_amount, _ = lifecycle.refund(*_paid_london(shop), RefundRequest(amount_cents=1000), "a1", "owner@example.com",
                                    send_refund)
    assert by_amount.tax_cents == 167                      # 10.00 x 5.99 / 35.95 = 1.666 -> 1.67
    outbox_worker.drain()
    bodies = [smtp_server.text_of(m) for m in smtp_server.messages if "refund" in m["Subject"].lower()]
    assert any("That includes $1.67 VAT." in body for body in bodies)
    db.session.expire_all()
    assert db.session.get(Order, order.id).payment_status == "refunded"


def _paid_london(shop):
    order = place([(shop.roller, 1)], address=LONDON, email="second@example.com")
    pay_order(order)
    return (order.id,)


def test_twenty_orders_racing_for_a_one_use_code_give_exactly_one_discounted_order(app):
    """Twenty shoppers submit checkout at once with the same one-use code (real threads; on PostgreSQL the
    code's conditional UPDATE holds its row until each order commits)."""
    from tests.factories import make_disclaimers
    with app.app_context():
        make_disclaimers()
        variant = make_product("Race Roller", variants=[{"sku": "RACE-1", "price_cents": 3000, "on_hand": 100}])
        _db.session.add(DiscountCode(code="FIRSTONLY", kind="fixed", value=1000, usage_limit=1))
        _db.session.commit()
        variant_id = variant.variants[0].id
    barrier = threading.Barrier(20)

    def submit(i):
        with app.app_context():
            barrier.wait()
            try:
                order = place([(variant_id, 1)], email=f"racer{i}@example.com", discount_code="FIRSTONLY")
                return ("placed", order.discount_cents)
            except checkout.CheckoutError as exc:
                return ("refused", str(exc))
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(submit, range(20)))
    placed = [r for r in results if r[0] == "placed"]
    assert placed == [("placed", 1000)]
    assert {r[1] for r in results if r[0] == "refused"} == {
        "FIRSTONLY has been used up. Remove the code from your cart to order without it."}
    with app.app_context():
        assert _db.session.scalar(select(func.count(Order.id))) == 1
        assert _db.session.scalars(select(DiscountCode).where(DiscountCode.code == "FIRSTONLY")).one().times_used == 1
        assert _db.session.scalar(select(func.count(DiscountRedemption.id))) == 1
        from store.catalog.models import Variant
        assert _db.session.get(Variant, variant_id).reserved == 1


# ------------------------------------------------------------------ the stored order, as a property

lines_strategy = st.lists(st.tuples(st.integers(0, 40_000), st.integers(1, 9), st.integers(0, 2_500), st.booleans()),
                          min_size=1, max_size=6)
discount_strategy = st.one_of(
    st.none(),
    st.builds(lambda v, inc: engine.Discount("P", engine.DiscountKind.PERCENT, v, 0, inc), st.integers(1, 100),
              st.booleans()),
    st.builds(lambda v: engine.Discount("F", engine.DiscountKind.FIXED, v), st.integers(1, 100_000)),
    st.just(engine.Discount("S", engine.DiscountKind.FREE_SHIPPING)))
rate_strategy = st.builds(
    lambda prices, free: engine.ShippingRate("std", "Standard", engine.RateBasis.WEIGHT,
                                             tuple((None if i == len(prices) - 1 else (i + 1) * 1_000, p)
                                                   for i, p in enumerate(prices)), free),
    st.lists(st.integers(0, 5_000), min_size=1, max_size=3), st.one_of(st.none(), st.integers(0, 60_000)))
tax_strategy = st.builds(lambda ppm, inclusive, ship: engine.TaxRule("Tax", ppm, inclusive, ship),
                         st.integers(0, 250_000), st.booleans(), st.booleans())


@settings(max_examples=300, deadline=None)
@given(lines_strategy, discount_strategy, rate_strategy, tax_strategy, st.randoms(use_true_random=False))
def test_a_stored_order_charges_its_total_and_refunds_it_all(rows, discount, rate, tax, rnd):
    """Random carts, codes, rates and tax rules, priced by the engine and stored on an order as place_order
    does: the Stripe request's amounts add up to the order total, and refunding every line in random steps plus
    the shipping returns exactly the total."""
    inputs = [engine.LineInput(key=i + 1, name=f"Item {i}", unit_price_cents=c, quantity=q, weight_grams=g,
                               on_sale=s) for i, (c, q, g, s) in enumerate(rows)]
    priced = engine.price(inputs, currency="USD", discount=discount, shipping=rate, tax=tax)
    lines = [OrderLine(id=i.key, variant_id=i.key, product_name=i.name, variant_label="Standard", sku=f"S{i.key}",
                       unit_price_cents=i.unit_price_cents, quantity=i.quantity) for i in inputs]
    order = Order(id=1, number="KW-PROP-0001", email="p@example.com", currency="USD", lines=lines)
    figures.apply(order, priced, lines, method_code="std")
    params = stripe_gateway.checkout_session_params(order, "https://s/ok", "https://s/no", datetime(2026, 12, 2))
    charged = sum(item["price_data"]["unit_amount"] * item["quantity"] for item in params["line_items"])
    charged += params["shipping_options"][0]["shipping_rate_data"]["fixed_amount"]["amount"]
    assert charged == order.total_cents == priced.total_cents
    assert all(item["price_data"]["unit_amount"] >= 0 for item in params["line_items"])
    refunded = tax = 0
    for line in lines:
        done = 0
        while done < line.quantity:
            step = rnd.randint(1, line.quantity - done)
            refunded += figures.line_refund_cents(line, step, already=done)
            tax += figures.line_refund_tax_cents(line, step, already=done)
            done += step
    assert refunded + order.shipping_total_cents == order.total_cents
    assert tax + order.shipping_tax_cents == order.tax_cents
