"""Orders in the back office: filters, detail, and only the actions the state machine allows."""
from __future__ import annotations

from sqlalchemy import select

from store.catalog.models import Variant
from store.checkout import services as checkout
from store.inventory import services as inventory
from store.orders.models import Order, Refund
from tests.admin.conftest import audit_rows
from tests.checkout.conftest import shop, stripe_http  # noqa: F401  (shared fixtures)
from tests.checkout.helpers import place


# A fresh app context per helper call: Flask-Login caches the (anonymous) user of a test request context on
# `g`, which would otherwise leak into the admin client's requests that share the test's app context.
def _paid(app, variant_id, qty=1, email="buyer@example.com"):
    with app.app_context(), app.test_request_context():
        order = place([(variant_id, qty)], email=email)
        checkout.fulfil_order(order.id, checkout.PaymentData.demo(order), "test")
        return order.id


def _pending(app, variant_id, qty=1, email="buyer@example.com"):
    with app.app_context(), app.test_request_context():
        return place([(variant_id, qty)], email=email).id


def _order(db, order_id) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def test_list_filters_by_state_search_and_date(app, db, admin_client, shop):
    paid = _paid(app, shop.roller, email="alice@example.com")
    pending = _pending(app, shop.oil_small, email="bob@example.com")
    paid_no, pending_no = _order(db, paid).number, _order(db, pending).number
    get = lambda q: admin_client.get("/admin/orders" + q).get_data(as_text=True)  # noqa: E731
    html = get("?payment=paid")
    assert paid_no in html and pending_no not in html
    html = get("?q=BOB@example")
    assert pending_no in html and paid_no not in html
    html = get("?q=" + paid_no.lower())
    assert paid_no in html and pending_no not in html
    assert paid_no not in get("?from=2001-01-01&to=2001-01-02")
    assert admin_client.get("/admin/orders?from=bad&payment=nope&fulfilment=nope&page=-4").status_code == 200


def test_detail_shows_lines_events_and_acknowledged_disclaimer(app, db, admin_client, shop):
    order_id = _paid(app, shop.roller, qty=2)
    html = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert "Cedar Foot Roller" in html and "ROLL-1" in html and "$48.00" in html
    assert 'data-disclaimer-version="1"' in html and "Version 1 acknowledged" in html
    assert "Payment received" in html
    assert 'data-action="ship"' in html and 'data-action="refund"' in html
    # A paid order that has not shipped can be cancelled: refunded in full and restocked, in one action.
    assert 'data-action="cancel"' in html and "Cancel and refund" in html


def test_ship_sends_the_shipping_email_and_is_audited(app, db, admin_client, shop, smtp_server, outbox_worker):
    order_id = _paid(app, shop.roller)
    response = admin_client.post(f"/admin/orders/{order_id}/ship",
                                 data={"carrier": "Parcel Post", "tracking_number": "PP123456789"})
    assert response.status_code == 302
    order = _order(db, order_id)
    assert order.fulfilment_status == "shipped" and order.tracking_number == "PP123456789" and order.shipped_at
    outbox_worker.drain()
    mails = smtp_server.to("buyer@example.com")
    shipped = [m for m in mails if "on its way" in m["Subject"]]
    assert len(shipped) == 1 and "PP123456789" in smtp_server.text_of(shipped[0])
    entry = audit_rows(db, "order.ship")[0]
    assert entry.changes["fulfilment_status"] == ["unfulfilled", "shipped"]
    assert entry.changes["tracking_number"] == ["", "PP123456789"]
    # Shipping twice is not a move the state machine allows.
    again = admin_client.post(f"/admin/orders/{order_id}/ship", data={"carrier": "X", "tracking_number": "Y"},
                              follow_redirects=True)
    assert "cannot go from shipped to shipped" in again.get_data(as_text=True)
    assert _order(db, order_id).tracking_number == "PP123456789"


def test_ship_needs_carrier_and_tracking(app, db, admin_client, shop):
    order_id = _paid(app, shop.roller)
    response = admin_client.post(f"/admin/orders/{order_id}/ship", data={"carrier": "", "tracking_number": ""})
    assert response.status_code == 400 and "Enter the carrier." in response.get_data(as_text=True)
    assert _order(db, order_id).payment_status == "paid"


def test_cancel_releases_reserved_stock_and_a_paid_order_is_refunded_and_restocked(app, db, admin_client, shop):
    pending = _pending(app, shop.oil_small, qty=3)
    assert db.session.get(Variant, shop.oil_small).reserved == 3
    response = admin_client.post(f"/admin/orders/{pending}/cancel", data={"note": "Customer phoned"})
    assert response.status_code == 302
    assert _order(db, pending).payment_status == "voided"
    variant = db.session.get(Variant, shop.oil_small)
    assert variant.reserved == 0 and inventory.ledger_totals(variant.id) == (variant.on_hand, 0)
    assert audit_rows(db, "order.cancel")[0].reason == "Customer phoned"
    paid = _paid(app, shop.roller)
    assert db.session.get(Variant, shop.roller).on_hand == 9
    response = admin_client.post(f"/admin/orders/{paid}/cancel", data={"note": "Out of the country",
                                                                      "idempotency_key": "c1"},
                                 follow_redirects=True)
    assert "refunded in full and its items are back in stock" in response.get_data(as_text=True)
    order = _order(db, paid)
    assert (order.payment_status, order.fulfilment_status, order.refunded_cents) == ("refunded", "unfulfilled", 2995)
    roller = db.session.get(Variant, shop.roller)
    assert roller.on_hand == 10 and inventory.ledger_totals(roller.id) == (10, 0)
    # Sent twice (same key): refunded once; and a refunded order can no longer be shipped.
    admin_client.post(f"/admin/orders/{paid}/cancel", data={"note": "again", "idempotency_key": "c1"})
    assert _order(db, paid).refunded_cents == 2995 and db.session.get(Variant, shop.roller).on_hand == 10
    html = admin_client.get(f"/admin/orders/{paid}").get_data(as_text=True)
    assert 'data-action="ship"' not in html and 'data-action="cancel"' not in html


def test_partial_refunds_add_up_and_can_never_exceed_what_was_paid(app, db, admin_client, shop):
    order_id = _paid(app, shop.roller)          # $24.00 + $5.95 shipping
    paid = _order(db, order_id).paid_cents
    assert paid == 2995
    url = f"/admin/orders/{order_id}/refund"
    assert admin_client.post(url, data={"amount": "10.00", "reason": "Dented", "idempotency_key": "k1"}).status_code == 302
    order = _order(db, order_id)
    assert (order.payment_status, order.refunded_cents) == ("partially_refunded", 1000)
    # The same form sent twice refunds once.
    response = admin_client.post(url, data={"amount": "10.00", "reason": "Dented", "idempotency_key": "k1"},
                                 follow_redirects=True)
    assert "already made" in response.get_data(as_text=True)
    assert _order(db, order_id).refunded_cents == 1000
    # More than what is left is refused with the limit named.
    response = admin_client.post(url, data={"amount": "20.00", "idempotency_key": "k2"})
    assert response.status_code == 400 and "at most $19.95 more" in response.get_data(as_text=True)
    assert _order(db, order_id).refunded_cents == 1000
    # The rest completes the refund.
    assert admin_client.post(url, data={"amount": "19.95", "idempotency_key": "k3"}).status_code == 302
    order = _order(db, order_id)
    assert (order.payment_status, order.refunded_cents) == ("refunded", 2995)
    assert [r.amount_cents for r in db.session.scalars(select(Refund).order_by(Refund.id))] == [1000, 1995]
    assert [e.changes["refund_requested_cents"] for e in audit_rows(db, "order.refund")] == [[None, 1000],
                                                                                                [None, 1995]]
    html = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert 'data-action="refund"' not in html and "Refunded" in html


def test_refund_service_guard_holds_even_if_the_form_is_bypassed(app, db, shop):
    from store.admin.orders import services as admin_orders
    order_id = _paid(app, shop.roller)
    import pytest
    with pytest.raises(admin_orders.RefundError):
        admin_orders.refund(order_id, 2996, "too much", "direct-1", actor_id=None)
    with pytest.raises(admin_orders.RefundError):
        admin_orders.refund(order_id, 0, "zero", "direct-2", actor_id=None)
    assert _order(db, order_id).refunded_cents == 0


def test_unpaid_orders_cannot_be_refunded(app, db, admin_client, shop):
    pending = _pending(app, shop.roller)
    response = admin_client.post(f"/admin/orders/{pending}/refund", data={"amount": "1.00", "idempotency_key": "p1"})
    assert response.status_code == 400 and "cannot be refunded" in response.get_data(as_text=True)
    assert db.session.scalar(select(Refund.id)) is None


def test_stripe_order_refund_goes_through_the_gateway_with_an_idempotency_key(app, db, admin_client, shop,
                                                                             stripe_http):
    order_id = _paid(app, shop.roller)
    order = _order(db, order_id)
    order.payment_provider, order.stripe_payment_intent = "stripe", "pi_test_42"
    db.session.commit()
    stripe_http.queue(200, {"id": "re_test_1", "object": "refund", "amount": 500, "status": "succeeded",
                            "payment_intent": "pi_test_42"})
    response = admin_client.post(f"/admin/orders/{order_id}/refund",
                                 data={"amount": "5.00", "reason": "Late", "idempotency_key": "sk1"})
    assert response.status_code == 302
    sent = stripe_http.requests[-1]
    assert sent["path"] == "/v1/refunds" and sent["form"] == {"payment_intent": "pi_test_42", "amount": "500"}
    assert sent["headers"].get("Idempotency-Key") == "refund-sk1"
    refund = db.session.scalar(select(Refund))
    assert refund.provider_refund_id == "re_test_1" and _order(db, order_id).refunded_cents == 500
    # A provider failure refunds nothing and says so.
    stripe_http.queue(402, {"error": {"message": "Charge already refunded", "type": "invalid_request_error"}})
    response = admin_client.post(f"/admin/orders/{order_id}/refund", data={"amount": "1.00", "idempotency_key": "sk2"})
    assert response.status_code == 400
    assert "did not go through" in response.get_data(as_text=True)
    failed = db.session.scalar(select(Refund).where(Refund.idempotency_key == "sk2"))
    assert _order(db, order_id).refunded_cents == 500 and failed.status == "failed"


def test_dashboard_figures_come_from_paid_orders_minus_refunds(app, db, admin_client, shop):
    first = _paid(app, shop.roller)                 # 2995
    _paid(app, shop.oil_large)                      # 2600 + 595 = 3195
    _pending(app, shop.oil_small)                   # not paid: not counted
    from store.admin.orders import services as admin_orders
    admin_orders.refund(first, 995, "", "d1", actor_id=None)
    html = admin_client.get("/admin/").get_data(as_text=True)
    today = html.split('data-period="1"')[1].split("</div>")[0]
    assert "$5,195.00" not in today and "$51.95" in today and "<span data-orders>2</span>" in today
    assert "$25.97" in today                        # average order value: 5195 / 2
    # Both still have to ship: a partial refund does not change the fulfilment status.
    assert '<span class="count-badge" data-to-ship>2</span>' in html
    assert "<title id=\"chart-title\">Daily net sales, last 30 days</title>" in html
    assert html.count('class="chart__bar"') == 30
    assert "data-attention" not in html
    order = _order(db, first)
    order.needs_attention = "paid after expiry; stock gone — refund"
    db.session.commit()
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert "Orders needing attention" in html and f"{order.number}</a>: paid after expiry" in html


def _shipped(app, db, admin_client, variant_id):
    order_id = _paid(app, variant_id)
    assert admin_client.post(f"/admin/orders/{order_id}/ship",
                             data={"carrier": "Parcel Post", "tracking_number": "PP42"}).status_code == 302
    assert _order(db, order_id).fulfilment_status == "shipped"
    return order_id


def test_a_shipped_order_can_be_marked_delivered_once_with_an_event_and_an_audit_row(app, db, admin_client, shop,
                                                                                    admin_user):
    order_id = _shipped(app, db, admin_client, shop.roller)
    html = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert 'data-action="deliver"' in html and "Mark as delivered" in html

    done = admin_client.post(f"/admin/orders/{order_id}/deliver", follow_redirects=True)
    html = done.get_data(as_text=True)
    order = _order(db, order_id)
    assert order.fulfilment_status == "delivered" and "marked as delivered" in html
    assert 'data-action="deliver"' not in html and 'data-fulfilment-status="delivered"' in html
    last = order.events[-1]
    assert (last.from_state, last.to_state, last.actor) == ("shipped", "delivered", admin_user.email)
    entry = audit_rows(db, "order.deliver")[0]
    assert entry.changes["fulfilment_status"] == ["shipped", "delivered"]

    # A second click (a stale page) is refused and changes nothing.
    events = len(order.events)
    again = admin_client.post(f"/admin/orders/{order_id}/deliver", follow_redirects=True)
    assert "only a shipped order can be marked as delivered" in again.get_data(as_text=True)
    assert len(_order(db, order_id).events) == events and len(audit_rows(db, "order.deliver")) == 1


def test_orders_that_are_not_shipped_cannot_be_marked_delivered(app, db, admin_client, shop):
    paid = _paid(app, shop.roller)
    pending = _pending(app, shop.oil_small)
    for order_id, state in ((paid, "paid"), (pending, "pending")):
        html = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
        assert 'data-action="deliver"' not in html
        events = len(_order(db, order_id).events)
        refused = admin_client.post(f"/admin/orders/{order_id}/deliver", follow_redirects=True)
        assert refused.status_code == 200
        assert "only a shipped order can be marked as delivered. Nothing was changed." in refused.get_data(as_text=True)
        order = _order(db, order_id)
        assert order.payment_status == state and order.fulfilment_status == "unfulfilled" and len(order.events) == events
    assert audit_rows(db, "order.deliver") == []
    assert admin_client.post("/admin/orders/999999/deliver", follow_redirects=True).status_code == 404


def test_items_that_came_back_go_back_in_stock_and_all_of_them_mark_the_order_returned(app, db, admin_client, shop):
    order_id = _paid(app, shop.roller, qty=2)
    admin_client.post(f"/admin/orders/{order_id}/ship", data={"carrier": "Parcel Post", "tracking_number": "PP9"})
    admin_client.post(f"/admin/orders/{order_id}/deliver")
    line_id = _order(db, order_id).lines[0].id
    assert 'data-action="restock"' in admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    bad = admin_client.post(f"/admin/orders/{order_id}/restock", data={f"return-{line_id}": "3"})
    assert bad.status_code == 400 and "from 0 to 2" in bad.get_data(as_text=True)
    assert admin_client.post(f"/admin/orders/{order_id}/restock", data={f"return-{line_id}": "x"}).status_code == 400
    assert admin_client.post(f"/admin/orders/{order_id}/restock", data={f"return-{line_id}": "1"}).status_code == 302
    order = _order(db, order_id)
    assert order.fulfilment_status == "delivered" and order.lines[0].restocked_quantity == 1
    assert db.session.get(Variant, shop.roller).on_hand == 9
    admin_client.post(f"/admin/orders/{order_id}/restock", data={f"return-{line_id}": "1"})
    order = _order(db, order_id)
    assert order.fulfilment_status == "returned" and db.session.get(Variant, shop.roller).on_hand == 10
    assert inventory.ledger_totals(shop.roller) == (10, 0)
    assert [r.changes["restocked"] for r in audit_rows(db, "order.restock")] == [[None, {str(line_id): 1}]] * 2
    # Nothing is left to put back.
    again = admin_client.post(f"/admin/orders/{order_id}/restock", data={f"return-{line_id}": "1"})
    assert again.status_code == 400 and "at most 0" in again.get_data(as_text=True)
