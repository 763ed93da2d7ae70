"""Issue 10, findings 2 and 3, written as the attacks: a correctly signed event for another Checkout Session must
not pay (or end) an order, and a signed body that is not an event object is a 400, never a 500."""
from __future__ import annotations

import json

import pytest

from store.catalog.models import Variant
from store.extensions import db
from store.orders.models import Order, WebhookEvent
from tests.checkout.helpers import attach_session, event, post_event, session_object, sign
from tests.factories import place_order as place


@pytest.fixture
def order(db, shop, webhook_secret):
    order = attach_session(place([(shop.roller, 2)]), "cs_the_orders_own")
    return db.session.get(Order, order.id)


def _reload(order_id):
    db.session.expire_all()
    return db.session.get(Order, order_id)


def _roller(shop):
    variant = db.session.get(Variant, shop.roller)
    return variant.on_hand, variant.reserved


def test_event_for_another_checkout_session_does_not_pay_the_order(client, order, shop, smtp_server):
    # The attacker's own (really paid) session, with the victim order's id and exact amount in its metadata.
    forged = session_object(order, session_id="cs_someone_elses", payment_intent="pi_someone_elses")
    response = post_event(client, event("checkout.session.completed", forged, event_id="evt_other_session"))
    assert response.status_code == 200 and response.json["outcome"] == "mismatch"
    unpaid = _reload(order.id)
    assert unpaid.payment_status == "pending" and unpaid.paid_cents == 0
    assert unpaid.stripe_session_id == "cs_the_orders_own" and unpaid.stripe_payment_intent is None
    assert _roller(shop) == (10, 2)  # still reserved, nothing consumed
    assert smtp_server.messages == []
    # The order's own session still pays it afterwards.
    own = post_event(client, event("checkout.session.completed", session_object(order, session_id="cs_the_orders_own"),
                                   event_id="evt_own"))
    assert own.json["outcome"] == "paid" and _reload(order.id).payment_status == "paid"


def test_order_with_no_session_on_record_is_not_paid_by_any_session(client, db, shop, webhook_secret):
    bare = place([(shop.roller, 1)])  # a demo-mode order: never sent to Stripe
    response = post_event(client, event("checkout.session.completed", session_object(bare, session_id="cs_any")))
    assert response.status_code == 200 and response.json["outcome"] == "mismatch"
    assert _reload(bare.id).payment_status == "pending" and _reload(bare.id).stripe_session_id is None


def test_return_page_with_another_sessions_data_does_not_pay(app, order):
    from store.checkout import services
    with app.test_request_context():
        result = services.fulfil_order(order.id, session_object(order, session_id="cs_someone_elses"), "customer")
    assert result.outcome == "mismatch" and _reload(order.id).payment_status == "pending"


def test_another_sessions_expiry_does_not_expire_the_order(client, order, shop):
    old = session_object(order, session_id="cs_an_older_one", payment_status="unpaid", status="expired")
    response = post_event(client, event("checkout.session.expired", old, event_id="evt_old_expired"))
    assert response.status_code == 200 and response.json["outcome"] == "ignored: not the order's session"
    assert _reload(order.id).payment_status == "pending" and _roller(shop) == (10, 2)


def test_refund_of_another_payment_is_ignored(client, order):
    post_event(client, event("checkout.session.completed", session_object(order, session_id="cs_the_orders_own"),
                             event_id="evt_paid"))
    charge = {"id": "ch_x", "object": "charge", "amount_refunded": 5395, "payment_intent": "pi_someone_elses",
              "metadata": {"order_id": str(order.id)}}
    response = post_event(client, event("charge.refunded", charge, event_id="evt_refund_other"))
    assert response.json["outcome"] == "ignored: not the order's payment"
    assert _reload(order.id).payment_status == "paid" and _reload(order.id).refunded_cents == 0


@pytest.mark.parametrize("body", [
    "[1, 2]", "5", '"an event"', "null", "true", "{}",
    '{"id": "evt_1", "type": "checkout.session.completed"}',
    '{"id": 1, "type": "checkout.session.completed", "data": {"object": {}}}',
    "[" * 5000 + "]" * 5000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    '{"id": "evt_deep", "type": "charge.refunded", "data": ' + "[" * 5000 + "]" * 5000 + "}",
    '{"id": "evt_900", "type": "charge.refunded", "data": {"object": ' + "[" * 900 + "]" * 900 + "}}",
])
def test_signed_body_that_is_not_an_event_object_is_a_400(client, order, body):
    response = client.post("/stripe/webhook", data=body, content_type="application/json",
                           headers={"Stripe-Signature": sign(body)})
    assert response.status_code == 400 and response.json == {"error": "not an event"}
    assert _reload(order.id).payment_status == "pending"
    assert db.session.query(WebhookEvent).count() == 0


def test_a_normally_nested_event_is_still_accepted(client, order):
    obj = session_object(order, session_id="cs_the_orders_own")
    obj["metadata"]["nested"] = json.loads("[" * 20 + "]" * 20)  # deep, but within the bound
    obj["customer_details"] = {"name": "[[[[{{{{" * 100}  # brackets inside strings do not count
    assert post_event(client, event("checkout.session.completed", obj)).json["outcome"] == "paid"


def test_return_page_for_an_order_with_no_session_asks_stripe_nothing(app, db, shop, stripe_http):
    from store.checkout import services
    bare = place([(shop.roller, 1)], payment_provider="stripe")
    with app.test_request_context():
        assert services.confirm_stripe_return(bare.id, "cs_chosen_by_the_visitor", "guest") is None
    assert stripe_http.requests == [] and _reload(bare.id).payment_status == "pending"
