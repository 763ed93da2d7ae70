"""Pricing over the owner's data (store/pricing/services.py): codes with dates, limits and clear messages; the
demo zones, methods and tax table; quotes; and the one-use code that twenty orders race for (real threads, on
SQLite and on PostgreSQL under STORE_TEST_DB=postgres)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from store.db import transaction
from store.extensions import db as _db
from store.pricing import services as pricing
from store.pricing.engine import LineInput
from store.pricing.models import DiscountCode, DiscountRedemption, TaxRate
from store.pricing.seed import seed_pricing
from store.util import utcnow
from tests.factories import make_order

LINES = [LineInput(key=1, name="Cedar Roller", unit_price_cents=2999, quantity=2, weight_grams=400),
         LineInput(key=2, name="Arnica Oil", unit_price_cents=1450, quantity=1, weight_grams=150)]


def _code(**fields) -> DiscountCode:
    code = DiscountCode(**({"code": "SAVE5", "kind": "fixed", "value": 500} | fields))
    _db.session.add(code)
    _db.session.commit()
    return code


def test_demo_pricing_has_four_zones_welcome10_and_a_tax_table(app, db):
    assert seed_pricing() > 30
    assert seed_pricing() == 0                                  # idempotent
    countries = dict(pricing.shipping_countries())
    assert {"US", "CA", "GB", "DE", "FR", "IE"} <= set(countries) and len(countries) == 30
    assert [m.code for m in pricing.methods_for("GB")] == ["standard", "express"]
    assert pricing.tax_rule("GB").rate_ppm == 200_000 and pricing.tax_rule("GB").inclusive
    assert pricing.tax_rule("US", "NY").label == "Sales tax (New York)"
    assert pricing.tax_rule("US", "OR").rate_ppm == 0           # no row for the state: no tax
    welcome = pricing.find_code(" welcome10 ")
    assert pricing.describe(welcome, "USD") == "10% off (not on items already reduced)"


def test_a_uk_quote_with_welcome10_and_express_shows_vat_inside_the_total(app, db):
    seed_pricing()
    quote = pricing.quote(LINES, currency="USD", country="GB", method_code="express", code_text="WELCOME10",
                          email="ann@example.com")
    order = quote.order
    assert quote.code.code == "WELCOME10" and quote.code_message is None and quote.method.code == "express"
    assert order.subtotal_cents == 7448 and order.discount_cents == 745
    assert order.weight_grams == 950 and order.shipping_cents == 3295    # UK express, 501-2000 g
    assert order.tax_inclusive and order.tax_label == "VAT"
    assert order.total_cents == 7448 - 745 + 3295
    assert order.tax_cents == sum(l.tax_cents for l in order.lines) + order.shipping_tax_cents > 0


def test_an_address_outside_every_zone_gets_a_clear_message(app, db):
    seed_pricing()
    with pytest.raises(pricing.NoShipping, match="don't ship to that country"):
        pricing.quote(LINES, currency="USD", country="JP")


@pytest.mark.parametrize("fields, typed, message", [
    ({}, "NOPE", "“NOPE” is not a valid code"),
    ({"active": False}, "SAVE5", "“SAVE5” is not a valid code"),
    ({"ends_at": utcnow() - timedelta(days=1)}, "save5", "SAVE5 has expired."),
    ({"starts_at": utcnow() + timedelta(days=3)}, "SAVE5", "SAVE5 is not valid yet"),
    ({"usage_limit": 2, "times_used": 2}, "SAVE5", "SAVE5 has been used up."),
    ({}, "<script>", "is not a valid code. Codes are letters and digits"),
])
def test_unusable_codes_say_why_and_the_quote_is_unchanged(app, db, fields, typed, message):
    _code(**fields)
    plain = pricing.quote(LINES, currency="USD")
    quote = pricing.quote(LINES, currency="USD", code_text=typed)
    assert message in quote.code_message and quote.code is None
    assert quote.order.total_cents == plain.order.total_cents and quote.order.discount_cents == 0


def test_minimum_subtotal_and_sale_items_messages(app, db):
    _code(minimum_subtotal_cents=10_000)
    quote = pricing.quote(LINES, currency="USD", code_text="SAVE5")
    assert quote.code_message == "SAVE5 needs a subtotal of at least $100.00 before discounts."
    on_sale = [LineInput(key=1, name="Reduced Ball", unit_price_cents=900, quantity=1, on_sale=True)]
    _code(code="TEN", kind="percent", value=10)
    assert pricing.quote(on_sale, currency="USD", code_text="TEN").code_message == (
        "TEN does not apply to items that are already reduced.")


def test_per_customer_limit_counts_by_email(app, db):
    code = _code(per_customer_limit=1)
    order = make_order(email="ann@example.com")
    with transaction():
        pricing.redeem(code.id, order_id=order.id, email="Ann@Example.com", amount_cents=500)
    with pytest.raises(pricing.CodeRejected, match="already used SAVE5"):
        pricing.find_code("SAVE5", email="ann@example.com")
    assert pricing.find_code("SAVE5", email="bo@example.com").id == code.id
    other = make_order(email="ann@example.com")
    _db.session.commit()
    with pytest.raises(pricing.CodeRejected, match="already used"):
        with transaction():
            pricing.redeem(code.id, order_id=other.id, email="ann@example.com", amount_cents=500)
    # The refused redemption rolled back whole: the counter did not move.
    assert _db.session.get(DiscountCode, code.id).times_used == 1


def test_releasing_an_unpaid_orders_code_gives_the_use_back(app, db):
    code = _code(usage_limit=1)
    order = make_order()
    _db.session.commit()
    with transaction():
        pricing.redeem(code.id, order_id=order.id, email="a@example.com", amount_cents=500)
    with pytest.raises(pricing.CodeRejected, match="used up"):
        pricing.find_code("SAVE5")
    with transaction():
        assert pricing.release(order.id) is True
        assert pricing.release(order.id) is False
    _db.session.expire_all()
    assert _db.session.get(DiscountCode, code.id).times_used == 0 and pricing.find_code("SAVE5")
    assert pricing.usage_figures() == {}


def test_a_region_rate_wins_over_the_country_rate(app, db):
    _db.session.add_all([TaxRate(country="CA", region="", label="GST", rate_ppm=50_000),
                         TaxRate(country="CA", region="ON", label="HST (Ontario)", rate_ppm=130_000)])
    _db.session.commit()
    assert pricing.tax_rule("ca", "on").label == "HST (Ontario)"
    assert pricing.tax_rule("CA", "BC").label == "GST" and pricing.tax_rule("CA").rate_ppm == 50_000


def test_twenty_orders_racing_for_a_one_use_code_give_one_redemption(app):
    with app.app_context():
        code_id = _code(code="ONCE", usage_limit=1).id
        order_ids = [make_order(email=f"buyer{i}@example.com").id for i in range(20)]
        _db.session.commit()
    barrier = threading.Barrier(20)

    def redeem(i):
        with app.app_context():
            barrier.wait()
            try:
                with transaction(write=True):
                    pricing.redeem(code_id, order_id=order_ids[i], email=f"buyer{i}@example.com", amount_cents=500)
                return "redeemed"
            except pricing.CodeRejected as exc:
                return str(exc)
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(redeem, range(20)))
    assert results.count("redeemed") == 1
    assert set(results) - {"redeemed"} == {"ONCE has been used up."}
    with app.app_context():
        assert _db.session.get(DiscountCode, code_id).times_used == 1
        assert _db.session.scalar(select(func.count()).select_from(DiscountRedemption)) == 1
