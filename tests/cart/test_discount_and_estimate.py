"""The cart's money, from the pricing engine: one discount code (a clear message and an unchanged cart when it
cannot be used), how far the shopper is from free shipping, and shipping and tax estimated for a country."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from store.cart.models import Cart
from store.extensions import db as _db
from store.pricing.models import DiscountCode
from store.util import utcnow
from tests.factories import make_disclaimers, make_product
from tests.scale.conftest import make_app  # noqa: F401  (fixture)


@pytest.fixture
def shop(app):
    with app.app_context():
        make_disclaimers()
        roller = make_product("Foam Roller", variants=[{"price_cents": 2500, "on_hand": 20, "weight_grams": 300}])
        sale = make_product("Sale Ball", variants=[{"price_cents": 900, "compare_at_cents": 1200, "on_hand": 9}])
        _db.session.add_all([
            DiscountCode(code="OLDDEAL", kind="percent", value=15, ends_at=utcnow() - timedelta(days=1)),
            DiscountCode(code="BIGSPEND", kind="fixed", value=1000, minimum_subtotal_cents=10_000),
            DiscountCode(code="SOON", kind="percent", value=5, starts_at=utcnow() + timedelta(days=3)),
        ])
        _db.session.commit()
        return {"roller": roller.variants[0].id, "sale": sale.variants[0].id}


def _add(client, variant_id, quantity=1):
    assert client.post("/cart/add", data={"variant_id": variant_id, "quantity": quantity}).status_code == 302


def _code(app):
    with app.app_context():
        return _db.session.scalar(select(Cart.discount_code))


def _rows(html):
    """{money row key: its figure} from the cart's totals table."""
    return dict(re.findall(r'data-money="(\w+)"><th scope="row">[^<]*</th><td class="num">([^<]+)</td>', html))


def test_welcome10_takes_ten_percent_off_and_shows_how_far_free_shipping_is(app, client, shop):
    _add(client, shop["roller"], 2)                                    # 50.00, 600 g
    html = client.get("/cart").get_data(as_text=True)
    assert _rows(html) == {"subtotal": "$50.00", "shipping": "$7.95", "total": "$57.95"}
    assert "Add <strong>$25.00</strong> more for free standard shipping to the United States." in html
    response = client.post("/cart/discount", data={"code": " welcome10 "}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "WELCOME10 is applied to your cart." in html
    assert "<strong>WELCOME10</strong> is applied: 10% off (not on items already reduced)." in html
    assert _rows(html) == {"subtotal": "$50.00", "discount": "-$5.00", "shipping": "$7.95", "total": "$52.95"}
    # Free shipping counts the subtotal after the discount: 45.00 of 75.00.
    assert "Add <strong>$30.00</strong> more for free standard shipping" in html
    assert 'max="7500" value="4500"' in html
    assert _code(app) == "WELCOME10"
    _add(client, shop["roller"], 2)                                    # 100.00 - 10.00 = 90.00
    html = client.get("/cart").get_data(as_text=True)
    assert "Your order ships free</strong> (standard) to the United States." in html
    assert _rows(html)["shipping"] == "Free"


@pytest.mark.parametrize("typed, message", [
    ("NOPE", "“NOPE” is not a valid code."),
    ("OLDDEAL", "OLDDEAL has expired."),
    ("SOON", "SOON is not valid yet"),
    ("BIGSPEND", "BIGSPEND needs a subtotal of at least $100.00 before discounts."),
    ("<script>", "is not a valid code. Codes are letters and digits"),
    ("", "Enter a code."),
])
def test_a_code_that_cannot_be_used_says_why_and_leaves_the_cart_as_it_was(app, client, shop, typed, message):
    _add(client, shop["roller"], 1)
    before = client.get("/cart").get_data(as_text=True)
    response = client.post("/cart/discount", data={"code": typed}, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and "<script>NOPE" not in html
    assert _code(app) is None
    assert _rows(html) == _rows(before)


def test_a_code_for_full_price_items_only_is_refused_on_a_cart_of_reduced_items(app, client, shop):
    _add(client, shop["sale"], 2)
    html = client.post("/cart/discount", data={"code": "WELCOME10"}, follow_redirects=True).get_data(as_text=True)
    assert "WELCOME10 does not apply to items that are already reduced." in html
    assert _code(app) is None
    _add(client, shop["roller"], 1)
    html = client.post("/cart/discount", data={"code": "WELCOME10"}, follow_redirects=True).get_data(as_text=True)
    assert _rows(html)["discount"] == "-$2.50"                         # the roller only


def test_one_code_per_cart_a_new_one_replaces_it_and_remove_takes_it_off(app, client, shop):
    with app.app_context():
        _db.session.add(DiscountCode(code="SHIPFREE", kind="free_shipping", value=0))
        _db.session.commit()
    _add(client, shop["roller"], 1)
    client.post("/cart/discount", data={"code": "WELCOME10"})
    html = client.post("/cart/discount", data={"code": "SHIPFREE"}, follow_redirects=True).get_data(as_text=True)
    assert _code(app) == "SHIPFREE"
    rows = _rows(html)
    assert "discount" not in rows and rows["shipping"] == "Free" and rows["total"] == "$25.00"
    assert "Shipping (Standard, free with SHIPFREE)" in html
    html = client.post("/cart/discount/remove", follow_redirects=True).get_data(as_text=True)
    assert "The discount code is removed." in html and _code(app) is None
    assert _rows(html)["shipping"] == "$5.95"


def test_a_code_that_expires_after_it_was_applied_is_shown_as_no_longer_applying(app, client, shop):
    _add(client, shop["roller"], 1)
    client.post("/cart/discount", data={"code": "WELCOME10"})
    with app.app_context():
        _db.session.scalars(select(DiscountCode).where(DiscountCode.code == "WELCOME10")).one().active = False
        _db.session.commit()
    html = client.get("/cart").get_data(as_text=True)
    assert "“WELCOME10” is not a valid code." in html and "discount" not in _rows(html)
    assert _code(app) == "WELCOME10"     # kept, so the shopper sees why, and can remove it


def test_the_estimate_for_the_united_kingdom_shows_the_vat_inside_the_total(app, client, shop):
    _add(client, shop["roller"], 2)
    html = client.get("/cart?country=GB").get_data(as_text=True)
    assert _rows(html) == {"subtotal": "$50.00", "shipping": "$16.95", "total": "$66.95",
                           "tax_included": "$11.16"}
    assert 'value="GB" selected' in html and "free standard shipping to the United Kingdom" in html
    # A country outside every zone falls back to the default estimate country.
    html = client.get("/cart?country=ZZ").get_data(as_text=True)
    assert 'value="US" selected' in html


def test_a_guest_code_carries_over_when_signing_in(app, client, shop, make_user):
    make_user("member@example.com", "correct horse battery")
    _add(client, shop["roller"], 1)
    client.post("/cart/discount", data={"code": "WELCOME10"})
    response = client.post("/account/login", data={"email": "member@example.com",
                                                   "password": "correct horse battery"})
    assert response.status_code == 302
    with app.app_context():
        cart = _db.session.scalars(select(Cart).where(Cart.user_id.is_not(None))).one()
        assert cart.discount_code == "WELCOME10"


def test_entering_codes_is_rate_limited_so_codes_cannot_be_guessed(make_app, shop):
    app = make_app("codes-limited", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   DISCOUNT_CODE_RATE_LIMIT="3 per minute")
    client = app.test_client()
    _add(client, shop["roller"], 1)
    statuses = [client.post("/cart/discount", data={"code": f"GUESS{i}"}).status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert client.get("/cart").status_code == 200   # the cart itself is not limited by it
