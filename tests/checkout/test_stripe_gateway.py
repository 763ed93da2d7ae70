"""The Stripe gateway through the real `stripe` library; only its HTTP layer is replaced."""
import time

import pytest
import stripe

from store.catalog.models import Variant
from store.checkout import services
from store.payments import stripe_gateway
from store.payments.stripe_gateway import PaymentError
from store.extensions import db
from store.orders.models import Order
from tests.checkout.helpers import place


def _session_json(order, session_id="cs_test_a1B2c3", expires_at=None):
    return {
        "id": session_id, "object": "checkout.session", "mode": "payment", "status": "open",
        "payment_status": "unpaid", "amount_total": order.total_cents, "amount_subtotal": order.subtotal_cents,
        "currency": "usd", "client_reference_id": order.number, "customer_email": order.email,
        "expires_at": expires_at or int(time.time()) + 1860,
        "metadata": {"order_id": str(order.id), "order_number": order.number}, "livemode": False,
        "url": f"https://checkout.stripe.com/c/pay/{session_id}#fidkdWxOYHwnPyd1blpxYHZxWjA0",
        "payment_intent": None,
    }


def test_create_checkout_session_exact_request(app, db, shop, stripe_http):
    order = place([(shop.roller, 2), (shop.oil_small, 1)])  # 4800 + 1450 = 6250 + 595 shipping
    stripe_http.queue(200, _session_json(order))
    with app.test_request_context():
        url = services.start_stripe_payment(order.id, "https://shop.test/checkout/complete/X?session_id={CHECKOUT_SESSION_ID}",
                                            "https://shop.test/checkout/pay/X")
    assert url.startswith("https://checkout.stripe.com/c/pay/cs_test_a1B2c3")
    [request] = stripe_http.requests
    assert request["method"] == "POST" and request["url"] == "https://api.stripe.com/v1/checkout/sessions"
    assert request["headers"]["Idempotency-Key"] == f"order-{order.id}-checkout-1"
    assert request["headers"]["Authorization"] == "Bearer sk_test_kneadwell"
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    form = request["form"]
    assert form["mode"] == "payment"
    names = {form["line_items[0][price_data][product_data][name]"], form["line_items[1][price_data][product_data][name]"]}
    assert names == {"Cedar Foot Roller", "Calm Body Oil (50 ml)"}
    by_name = {form[f"line_items[{i}][price_data][product_data][name]"]: i for i in (0, 1)}
    i = by_name["Cedar Foot Roller"]
    assert form[f"line_items[{i}][price_data][unit_amount]"] == "2400"
    assert form[f"line_items[{i}][quantity]"] == "2"
    assert form[f"line_items[{i}][price_data][currency]"] == "usd"
    assert form[f"line_items[{by_name['Calm Body Oil (50 ml)']}][price_data][unit_amount]"] == "1450"
    assert form["shipping_options[0][shipping_rate_data][fixed_amount][amount]"] == "595"
    assert form["shipping_options[0][shipping_rate_data][fixed_amount][currency]"] == "usd"
    assert form["shipping_options[0][shipping_rate_data][type]"] == "fixed_amount"
    assert form["customer_email"] == "buyer@example.com"
    assert form["client_reference_id"] == order.number
    assert form["metadata[order_id]"] == str(order.id)
    assert form["payment_intent_data[metadata][order_id]"] == str(order.id)
    assert form["success_url"] == "https://shop.test/checkout/complete/X?session_id={CHECKOUT_SESSION_ID}"
    assert form["cancel_url"] == "https://shop.test/checkout/pay/X"
    expires = int(form["expires_at"])
    assert time.time() + 30 * 60 < expires <= time.time() + 24 * 3600
    db.session.expire_all()
    stored = db.session.get(Order, order.id)
    assert stored.stripe_session_id == "cs_test_a1B2c3" and stored.payment_provider == "stripe"
    assert stored.expires_at >= order.expires_at  # the hold lasts as long as the Stripe session


def test_expires_at_is_clamped_to_stripe_limits(app, db, shop):
    from datetime import timedelta
    from store.util import utcnow
    order = place([(shop.roller, 1)])
    now = utcnow()
    order.expires_at = now + timedelta(minutes=5)
    assert stripe_gateway.session_expiry(order, now) >= now + timedelta(minutes=30)
    order.expires_at = now + timedelta(days=3)
    assert stripe_gateway.session_expiry(order, now) <= now + timedelta(hours=24)


def test_api_base_points_the_library_elsewhere(app, db, shop, stripe_http):
    app.config["STRIPE_API_BASE"] = "http://127.0.0.1:12111"
    order = place([(shop.roller, 1)])
    stripe_http.queue(200, _session_json(order))
    with app.test_request_context():
        services.start_stripe_payment(order.id, "https://s/ok", "https://s/cancel")
    assert stripe_http.requests[0]["url"] == "http://127.0.0.1:12111/v1/checkout/sessions"


def _error(status, type_, message, code=None, decline_code=None):
    body = {"error": {"type": type_, "message": message}}
    if code:
        body["error"]["code"] = code
    if decline_code:
        body["error"]["decline_code"] = decline_code
    return status, body


@pytest.mark.parametrize("response,expected", [
    (_error(402, "card_error", "Your card was declined.", "card_declined", "generic_decline"), "Your card was declined."),
    (_error(400, "invalid_request_error", "Invalid integer: abc", "parameter_invalid_integer"),
     "Our payment provider could not start your payment"),
    (stripe.APIConnectionError("Network error: connection refused"), "We could not reach our payment provider"),
])
def test_errors_keep_order_pending_and_stock_reserved(app, db, shop, stripe_http, response, expected):
    order = place([(shop.roller, 2)])
    if isinstance(response, Exception):
        stripe_http.responses.append(response)
    else:
        stripe_http.queue(*response)
    with app.test_request_context(), pytest.raises(PaymentError) as info:
        services.start_stripe_payment(order.id, "https://s/ok", "https://s/cancel")
    assert expected in str(info.value)
    assert "Nothing was charged" in str(info.value) or "declined" in str(info.value)
    assert "Invalid integer" not in str(info.value)  # Stripe's developer message is not shown to shoppers
    db.session.expire_all()
    stored = db.session.get(Order, order.id)
    assert stored.payment_status == "pending" and stored.stripe_session_id is None
    assert db.session.get(Variant, shop.roller).reserved == 2


def test_retrieve_session_expands_line_items(app, db, shop, stripe_http):
    order = place([(shop.roller, 1)])
    body = _session_json(order)
    body.update(status="complete", payment_status="paid", payment_intent="pi_3abc",
                line_items={"object": "list", "data": [{"id": "li_1", "object": "item", "quantity": 1,
                                                         "amount_total": 2400, "description": "Cedar Foot Roller"}],
                            "has_more": False, "url": "/v1/checkout/sessions/cs_test_a1B2c3/line_items"})
    stripe_http.queue(200, body)
    with app.test_request_context():
        data = stripe_gateway.retrieve_session("cs_test_a1B2c3")
    [request] = stripe_http.requests
    assert request["method"] == "GET" and request["path"] == "/v1/checkout/sessions/cs_test_a1B2c3"
    assert request["query"] == {"expand[0]": "line_items"}
    assert data["payment_status"] == "paid" and data["line_items"]["data"][0]["quantity"] == 1


def test_refund_request(app, stripe_http):
    stripe_http.queue(200, {"id": "re_1", "object": "refund", "amount": 1000, "currency": "usd",
                            "payment_intent": "pi_3abc", "status": "succeeded"})
    with app.test_request_context():
        result = stripe_gateway.refund("pi_3abc", 1000, "refund-order-5-1")
    [request] = stripe_http.requests
    assert request["url"] == "https://api.stripe.com/v1/refunds"
    assert request["form"] == {"payment_intent": "pi_3abc", "amount": "1000"}
    assert request["headers"]["Idempotency-Key"] == "refund-order-5-1"
    assert result["status"] == "succeeded"


def test_only_the_gateway_imports_stripe():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "store"
    importers = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                       if any(line.strip().startswith(("import stripe", "from stripe"))
                              for line in p.read_text().splitlines()))
    assert importers == ["payments/stripe_gateway.py"]


# ------------------------------------------------------------------ paying again (issue 17)

def _creates(stripe_http):
    return [r for r in stripe_http.requests if r["method"] == "POST" and r["path"] == "/v1/checkout/sessions"]


def _params(request):
    return {k: v for k, v in request["form"].items()}


def test_paying_again_while_the_session_is_open_creates_nothing_and_returns_the_same_url(app, db, shop, stripe_http):
    """Bug: pressing Pay again sent the same key with a new expires_at, which real Stripe refuses."""
    order = place([(shop.roller, 1)])
    first = _session_json(order)
    stripe_http.queue(200, first)
    with app.test_request_context():
        url = services.start_stripe_payment(order.id, "https://s/ok", "https://s/cancel")
    stripe_http.queue(200, first)  # the retrieve: still open
    with app.test_request_context():
        again = services.start_stripe_payment(order.id, "https://s/ok", "https://s/cancel")
    assert again == url == first["url"]
    assert len(_creates(stripe_http)) == 1
    retrieve = stripe_http.requests[-1]
    assert retrieve["method"] == "GET" and retrieve["path"] == "/v1/checkout/sessions/cs_test_a1B2c3"


def test_after_the_session_expired_a_new_one_is_created_with_a_new_key(app, db, shop, stripe_http):
    order = place([(shop.roller, 1)])
    stripe_http.queue(200, _session_json(order))
    with app.test_request_context():
        services.start_stripe_payment(order.id, "https://s/ok", "https://s/cancel")
    ended = dict(_session_json(order), status="expired", url=None)
    stripe_http.queue(200, ended)
    stripe_http.queue(200, _session_json(order, session_id="cs_test_second"))
    with app.test_request_context():
        url = services.start_stripe_payment(order.id, "https://s/ok", "https://s/cancel")
    assert "cs_test_second" in url
    first, second = _creates(stripe_http)
    assert first["headers"]["Idempotency-Key"] == f"order-{order.id}-checkout-1"
    assert second["headers"]["Idempotency-Key"] == f"order-{order.id}-checkout-2"
    db.session.expire_all()
    stored = db.session.get(Order, order.id)
    assert stored.stripe_session_id == "cs_test_second"
    assert stored.expires_at >= stored.session_expires_at  # the hold lasts as long as the session


def test_a_retried_create_sends_identical_parameters_under_its_key(app, db, shop, stripe_http):
    """A create that failed on the network is retried later with the same key and the same expires_at; no two
    create calls ever share a key with different parameters."""
    order = place([(shop.roller, 1)])
    app.config["STRIPE_MAX_NETWORK_RETRIES"] = 0
    stripe_http.responses.append(stripe.APIConnectionError("Network error: reset"))
    with app.test_request_context(), pytest.raises(PaymentError):
        services.start_stripe_payment(order.id, "https://s/ok", "https://s/cancel")
    time.sleep(1.1)  # a later press: "now" moved on, the session's expiry must not
    stripe_http.queue(200, _session_json(order))
    with app.test_request_context():
        services.start_stripe_payment(order.id, "https://s/ok", "https://s/cancel")
    creates = _creates(stripe_http)
    assert len(creates) >= 2
    by_key: dict[str, dict] = {}
    for request in creates:
        key = request["headers"]["Idempotency-Key"]
        assert by_key.setdefault(key, _params(request)) == _params(request)
    assert set(by_key) == {f"order-{order.id}-checkout-1"}


def test_changing_the_cart_expires_the_open_session_before_the_order_is_updated(app, db, shop, stripe_http):
    from store.cart.models import Cart
    cart = Cart(token="t" * 40)
    db.session.add(cart)
    db.session.commit()
    order = place([(shop.roller, 1)], cart_id=cart.id)
    stripe_http.queue(200, _session_json(order))
    with app.test_request_context():
        services.start_stripe_payment(order.id, "https://s/ok", "https://s/cancel")
    stripe_http.queue(200, _session_json(order))                       # retrieve: open
    stripe_http.queue(200, dict(_session_json(order), status="expired"))  # expire
    with app.test_request_context():
        updated = place([(shop.roller, 2)], cart_id=cart.id)
    assert updated.id == order.id and updated.number == order.number
    expire = stripe_http.requests[-1]
    assert expire["method"] == "POST" and expire["path"] == "/v1/checkout/sessions/cs_test_a1B2c3/expire"
    db.session.expire_all()
    stored = db.session.get(Order, order.id)
    assert stored.stripe_session_id is None and [l.quantity for l in stored.lines] == [2]
    assert db.session.get(Variant, shop.roller).reserved == 2


def test_pressing_pay_again_on_the_pay_page_redirects_to_the_open_session(app, client, shop, stripe_http):
    """Through the views: checkout creates the session; "Pay" on /checkout/pay/<number> retrieves it and sends the
    shopper to the same URL, with no second create call."""
    from tests.checkout.test_checkout_views import _add, _form
    _add(client, shop.roller, 1)
    body = {"id": "cs_test_view", "object": "checkout.session", "status": "open", "payment_status": "unpaid",
            "url": "https://checkout.stripe.com/c/pay/cs_test_view", "expires_at": int(time.time()) + 1900}
    stripe_http.queue(200, body)
    placed = client.post("/checkout", data=_form(app))
    assert placed.status_code == 303 and placed.headers["Location"] == body["url"]
    with app.app_context():
        number = db.session.scalars(db.select(Order.number)).one()
    stripe_http.queue(200, body)
    again = client.post(f"/checkout/pay/{number}")
    assert again.status_code == 303 and again.headers["Location"] == body["url"]
    assert len(_creates(stripe_http)) == 1
    assert [r["method"] for r in stripe_http.requests] == ["POST", "GET"]
