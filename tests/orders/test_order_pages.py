"""Customers' order pages: owner-scoped list and detail, signed guest links."""
from sqlalchemy import select

from store.checkout import services
from store.extensions import db as _db
from store.orders.models import Order
from store.orders.services import order_token
from tests.factories import place_order as place


def _paid_order(app, variant_id, user=None, email="buyer@example.com"):
    with app.test_request_context():
        order = place([(variant_id, 1)], email=user.email if user else email, user_id=user.id if user else None)
        services.fulfil_order(order.id, services.PaymentData.demo(order), "test")
        return order.number, order_token(_db.session.get(Order, order.id))


def test_list_and_detail_are_owner_scoped(app, client, shop, make_user, login_as):
    alice, bob = make_user("alice@example.com"), make_user("bob@example.com")
    alice_number, _ = _paid_order(app, shop.roller, alice)
    bob_number, _ = _paid_order(app, shop.oil_small, bob)
    login_as(client, alice)
    listing = client.get("/account/orders").get_data(as_text=True)
    assert alice_number in listing and bob_number not in listing and "Paid" in listing
    detail = client.get(f"/account/orders/{alice_number}").get_data(as_text=True)
    assert "Cedar Foot Roller" in detail and "ROLL-1" in detail and "$29.95" in detail
    assert "safety notice version 1" in detail
    assert client.get(f"/account/orders/{bob_number}").status_code == 404
    assert client.get("/account/orders/KW-NOPE-NOPE").status_code == 404


def test_order_pages_need_sign_in(client, shop):
    response = client.get("/account/orders")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_guest_link_shows_order_and_rejects_tampering(app, client, shop):
    number, token = _paid_order(app, shop.roller)
    page = client.get(f"/orders/view/{token}")
    assert page.status_code == 200 and number in page.get_data(as_text=True)
    # Change the first character of the signature: it always carries six full bits of the MAC, so the
    # tampered link can never decode to the same signature (the last character may differ only in padding).
    cut = token.rindex(".") + 1
    tampered = token[:cut] + ("A" if token[cut] != "A" else "B") + token[cut + 1:]
    assert client.get(f"/orders/view/{tampered}").status_code == 404
    assert client.get("/orders/view/garbage").status_code == 404
    with app.app_context():
        from itsdangerous import URLSafeSerializer
        forged = URLSafeSerializer("wrong-key", salt="kneadwell-order-view").dumps({"n": number, "e": "buyer@example.com"})
    assert client.get(f"/orders/view/{forged}").status_code == 404


def test_order_list_query_count_does_not_grow(app, client, shop, make_user, login_as, count_queries):
    user = make_user("many@example.com")
    _paid_order(app, shop.roller, user)
    login_as(client, user)
    with count_queries() as few:
        client.get("/account/orders")
    for _ in range(4):
        _paid_order(app, shop.roller, user)
    with count_queries() as many:
        assert client.get("/account/orders").status_code == 200
    assert many.count == few.count, (few.count, many.count)
    print("order list queries:", many.count)
