"""The checkout page and payment pages through the test client (demo payments and Stripe's return)."""
import re

import pytest
from sqlalchemy import func, select

from store.catalog.models import Variant
from store.extensions import db
from store.orders.models import Order
from store.safety.models import DisclaimerKind
from store.safety.services import current_disclaimer, new_disclaimer_version

FORM = {"email": "guest@example.com", "full_name": "Robin Reader", "line1": "12 Elm Street", "city": "Springfield",
        "region": "IL", "postal_code": "62701", "country": "US", "shipping_method": "standard", "acknowledge": "y"}


def _add(client, variant_id, quantity=1):
    assert client.post("/cart/add", data={"variant_id": variant_id, "quantity": quantity}).status_code == 302


def _form(app, **changes):
    with app.app_context():
        disclaimer = current_disclaimer("product")
        data = dict(FORM, disclaimer_id=disclaimer.id, disclaimer_version=disclaimer.version)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _orders():
    return db.session.scalars(select(Order)).all()


def test_checkout_page_shows_summary_and_safety_links(app, client, shop):
    _add(client, shop.roller, 2)
    _add(client, shop.oil_small, 1)
    html = client.get("/checkout").get_data(as_text=True)
    assert "Cedar Foot Roller" in html and "Calm Body Oil (50 ml)" in html
    assert "$48.00" in html and "$62.50" in html and "$5.95" in html and "$68.45" in html
    assert "I have read the safety information for these products" in html
    assert f'/products/{shop.roller_slug}#safety' in html and f'/products/{shop.oil_slug}#safety' in html
    assert "Standard is free on orders of $75.00 or more (after discounts)." in html
    # The zone's methods for the address's country, each with what it costs this cart (the engine's figures).
    assert re.search(r'data-method="standard">.*Standard \(3 to 5 business days\):\s*\$5.95', html, re.S)
    assert re.search(r'data-method="express">.*Express \(1 to 2 business days\):\s*\$14.95', html, re.S)
    assert "No sales tax applies to this address" in html   # Illinois is not in the demo tax table


def test_empty_cart_redirects_to_cart(client, shop):
    response = client.get("/checkout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")


def test_acknowledgment_is_required(app, client, shop):
    _add(client, shop.roller)
    response = client.post("/checkout", data=_form(app, acknowledge=None))
    assert response.status_code == 400
    assert "Please confirm that you have read the safety information" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 0


@pytest.mark.parametrize("field,value,message", [
    ("email", "nope", "Enter an email address"), ("postal_code", "!!", "ZIP or postal code"),
    ("line1", "", "Enter the street address"), ("country", "ZZ", "Not a valid choice"),
])
def test_bad_address_input_gives_form_errors(app, client, shop, field, value, message):
    _add(client, shop.roller)
    response = client.post("/checkout", data=_form(app, **{field: value}))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 0


def test_stale_acknowledgment_asks_again(app, client, shop):
    _add(client, shop.roller)
    data = _form(app)
    with app.app_context():
        new_disclaimer_version(DisclaimerKind.PRODUCT, "Safety first", "New wording: stop if it hurts.")
    response = client.post("/checkout", data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "safety information was updated" in html and "New wording: stop if it hurts." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 0
        new_version = current_disclaimer("product").version
    assert f'name="disclaimer_version" type="hidden" value="{new_version}"' in html


def test_demo_purchase_as_guest(app, client, shop, smtp_server, outbox_worker):
    _add(client, shop.roller, 2)
    response = client.post("/checkout", data=_form(app))
    assert response.status_code == 302
    number = re.search(r"/checkout/demo-pay/(KW-[A-Z0-9-]+)", response.headers["Location"]).group(1)
    page = client.get(f"/checkout/demo-pay/{number}").get_data(as_text=True)
    assert "Test payment — no real money" in page and "$53.95" in page
    paid = client.post(f"/checkout/demo-pay/{number}", data={"action": "pay"})
    assert paid.headers["Location"].endswith(f"/checkout/complete/{number}")
    done = client.get(f"/checkout/complete/{number}").get_data(as_text=True)
    assert "Thank you, your order is confirmed" in done and 'data-order-state="paid"' in done
    with app.app_context():
        order = db.session.scalars(select(Order)).one()
        assert order.payment_status == "paid" and order.payment_provider == "demo" and order.user_id is None
        assert db.session.get(Variant, shop.roller).on_hand == 8
    outbox_worker.drain()
    [mail] = smtp_server.to("guest@example.com")
    link = re.search(r"https?://\S+/orders/view/\S+", smtp_server.text_of(mail)).group(0)
    assert number in client.get(link.split("localhost", 1)[-1]).get_data(as_text=True)
    cart = client.get("/cart").get_data(as_text=True)
    assert "Cedar Foot Roller" not in cart  # the guest's cart was emptied once paid


def test_demo_decline_then_cancel_releases_stock(app, client, shop, smtp_server, outbox_worker):
    _add(client, shop.oil_large, 2)
    number = client.post("/checkout", data=_form(app)).headers["Location"].rsplit("/", 1)[1]
    declined = client.post(f"/checkout/demo-pay/{number}", data={"action": "decline"})
    assert declined.status_code == 402
    html = declined.get_data(as_text=True)
    assert "Your test payment was declined. Nothing was charged." in html and "Cancel this order" in html
    with app.app_context():
        assert db.session.scalars(select(Order)).one().payment_status == "pending"
        assert db.session.get(Variant, shop.oil_large).reserved == 2
    cancelled = client.post(f"/checkout/cancel/{number}", follow_redirects=True)
    assert f"Order {number} is cancelled" in cancelled.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Order)).one().payment_status == "voided"
        assert db.session.get(Variant, shop.oil_large).reserved == 0
    assert client.post(f"/checkout/demo-pay/{number}", data={"action": "pay"}).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Order)).one().payment_status == "voided"
    outbox_worker.drain()
    assert smtp_server.messages == []


def test_out_of_stock_at_checkout_names_item(app, client, shop):
    _add(client, shop.oil_large, 2)
    with app.app_context():
        from tests.factories import place_order as place
        place([(shop.oil_large, 1)], email="other@example.com")
    response = client.post("/checkout", data=_form(app), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Only 1 of Calm Body Oil (100 ml) left" in html or "Calm Body Oil" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 1


def test_other_visitors_cannot_see_or_pay_an_order(app, client, shop, make_user, login_as):
    _add(client, shop.roller)
    number = client.post("/checkout", data=_form(app)).headers["Location"].rsplit("/", 1)[1]
    stranger = app.test_client()
    for url in (f"/checkout/demo-pay/{number}", f"/checkout/pay/{number}", f"/checkout/complete/{number}"):
        assert stranger.get(url).status_code == 404
    assert stranger.post(f"/checkout/demo-pay/{number}", data={"action": "pay"}).status_code == 404
    assert stranger.post(f"/checkout/cancel/{number}").status_code == 404
    login_as(stranger, make_user("someone@example.com"))
    assert stranger.get(f"/checkout/complete/{number}").status_code == 404
    assert stranger.get(f"/account/orders/{number}").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Order)).one().payment_status == "pending"


def test_demo_pay_refused_when_stripe_keys_set_or_demo_off(app, client, shop, stripe_http):
    _add(client, shop.roller)
    with app.app_context():
        from tests.factories import place_order as place
        number = place([(shop.roller, 1)], email="guest@example.com").number
    with client.session_transaction() as s:
        s["checkout_orders"] = [number]
    assert client.get(f"/checkout/demo-pay/{number}").status_code == 404
    app.config.update(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="", DEMO_PAYMENTS=False)
    try:
        assert client.get(f"/checkout/demo-pay/{number}").status_code == 404
        assert client.post(f"/checkout/demo-pay/{number}", data={"action": "pay"}).status_code == 404
    finally:
        app.config["DEMO_PAYMENTS"] = True
    assert client.get(f"/checkout/demo-pay/{number}").status_code == 200


def test_stripe_checkout_redirects_to_hosted_page_and_return_is_verified(app, client, shop, stripe_http,
                                                                         smtp_server, outbox_worker):
    _add(client, shop.roller, 1)
    stripe_http.queue(200, {"id": "cs_test_view", "object": "checkout.session", "url":
                            "https://checkout.stripe.com/c/pay/cs_test_view", "expires_at": 4102444800})
    response = client.post("/checkout", data=_form(app))
    assert response.status_code == 303 and response.headers["Location"] == "https://checkout.stripe.com/c/pay/cs_test_view"
    form = stripe_http.requests[0]["form"]
    with app.app_context():
        order = db.session.scalars(select(Order)).one()
        number, order_id, total = order.number, order.id, order.total_cents
    assert form["success_url"] == f"http://localhost/checkout/complete/{number}?session_id={{CHECKOUT_SESSION_ID}}"
    # Returning with a session id that is not this order's changes nothing and asks Stripe nothing.
    client.get(f"/checkout/complete/{number}?session_id=cs_forged")
    assert len(stripe_http.requests) == 1
    # Stripe says still unpaid: the page says so.
    base = {"id": "cs_test_view", "object": "checkout.session", "amount_total": total, "currency": "usd",
            "metadata": {"order_id": str(order_id)}, "payment_intent": "pi_view", "status": "open"}
    stripe_http.queue(200, dict(base, payment_status="unpaid"))
    assert "Payment processing" in client.get(f"/checkout/complete/{number}?session_id=cs_test_view").get_data(as_text=True)
    stripe_http.queue(200, dict(base, payment_status="paid", status="complete"))
    html = client.get(f"/checkout/complete/{number}?session_id=cs_test_view").get_data(as_text=True)
    assert "Thank you, your order is confirmed" in html
    assert stripe_http.requests[-1]["path"] == "/v1/checkout/sessions/cs_test_view"
    with app.app_context():
        assert db.session.get(Order, order_id).payment_status == "paid"
    outbox_worker.drain()
    assert len(smtp_server.messages) == 1


def test_stripe_error_at_checkout_keeps_order_pending(app, client, shop, stripe_http):
    import stripe
    _add(client, shop.roller, 1)
    stripe_http.responses.append(stripe.APIConnectionError("connection refused"))
    response = client.post("/checkout", data=_form(app), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "We could not reach our payment provider" in html and "your items are held until" in html
    assert "Pay securely now" in html and "Cancel this order" in html
    with app.app_context():
        assert db.session.scalars(select(Order)).one().payment_status == "pending"
        assert db.session.get(Variant, shop.roller).reserved == 1


def test_saved_addresses_are_offered_and_prefilled(app, client, shop, make_user, login_as):
    from store.accounts.models import Address
    user = make_user("saver@example.com")
    with app.app_context():
        db.session.add_all([
            Address(user_id=user.id, full_name="Home Person", line1="1 Home Road", city="Hometown", region="OR",
                    postal_code="97201", country="US", is_default=True),
            Address(user_id=user.id, full_name="Work Person", line1="9 Office Park", city="Worktown", region="ON",
                    postal_code="K1A 0B1", country="CA")])
        db.session.commit()
        work_id = db.session.scalar(select(Address.id).where(Address.full_name == "Work Person"))
    login_as(client, user)
    _add(client, shop.roller)
    html = client.get("/checkout").get_data(as_text=True)
    assert "Signed in as <strong>saver@example.com</strong>" in html and 'name="email"' not in html
    assert 'value="1 Home Road"' in html and "Use Work Person, 9 Office Park, Worktown" in html
    html = client.get(f"/checkout?address={work_id}").get_data(as_text=True)
    assert 'value="9 Office Park"' in html and 'value="K1A 0B1"' in html
    # Someone else's address id is simply not used.
    other = make_user("other@example.com")
    with app.app_context():
        db.session.add(Address(user_id=other.id, full_name="Not Yours", line1="5 Secret Lane", city="Elsewhere",
                               postal_code="10001"))
        db.session.commit()
        other_id = db.session.scalar(select(Address.id).where(Address.full_name == "Not Yours"))
    assert "5 Secret Lane" not in client.get(f"/checkout?address={other_id}").get_data(as_text=True)
    response = client.post("/checkout", data=_form(app, email=None))
    assert response.status_code == 302
    with app.app_context():
        order = db.session.scalars(select(Order)).one()
        assert order.email == "saver@example.com" and order.user_id == user.id


def test_checkout_page_query_count_does_not_grow_with_lines(app, client, shop, count_queries):
    _add(client, shop.roller)
    with count_queries() as one:
        assert client.get("/checkout").status_code == 200
    _add(client, shop.oil_small)
    _add(client, shop.oil_large)
    with count_queries() as three:
        assert client.get("/checkout").status_code == 200
    assert three.count == one.count, (one.count, three.count)
    print("checkout page queries:", three.count)
    with count_queries() as placing:
        assert client.post("/checkout", data=_form(app)).status_code == 302
    print("placing a 3-line order (view + service) queries:", placing.count)


def test_saved_address_outside_the_shipping_countries_is_explained_never_changed(app, client, shop, make_user,
                                                                                login_as):
    """A Sydney address saved when accounts offered more countries than checkout ships to: checkout says so by
    the country field and fills in none of it, instead of showing it as a United States address."""
    from store.accounts.models import Address
    user = make_user("londoner@example.com")
    with app.app_context():
        db.session.add(Address(user_id=user.id, full_name="Lou Londoner", line1="221B Baker Street", city="Sydney",
                               postal_code="2000", country="AU", is_default=True))
        db.session.commit()
    login_as(client, user)
    _add(client, shop.roller)
    response = client.get("/checkout")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("We ship to the 30 countries listed in the country menu, and this address is in Australia." in html)
    assert 'value="221B Baker Street"' not in html and 'value="2000"' not in html
    assert "Use Lou Londoner, 221B Baker Street, Sydney" in html and "outside the countries we ship to" in html
    # Posting the old country is refused like any country we do not ship to; nothing is ordered.
    refused = client.post("/checkout", data=_form(app, email=None, country="AU", city="Sydney",
                                                  line1="221B Baker Street", postal_code="2000"))
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    with app.app_context():
        assert _orders() == []
