"""Fulfilment, expiry, a crash after creating the Stripe session, and payments that arrive after expiry."""
from datetime import timedelta

from sqlalchemy import select

from store.catalog.models import Variant
from store.checkout import services
from store.payments import stripe_gateway
from store.checkout.services import PaymentData
from store.extensions import db
from store.inventory.models import StockMovement
from store.inventory.services import ledger_totals
from store.orders.models import Order, OrderEvent
from store.orders.services import expire_due_orders
from store.util import utcnow
from tests.checkout.helpers import attach_session, session_object
from tests.factories import place_order as place


def _reload(order_id):
    db.session.expire_all()
    return db.session.get(Order, order_id)


def _age(order_id, minutes=31):
    db.session.get(Order, order_id).expires_at = utcnow() - timedelta(minutes=minutes)
    db.session.commit()


def test_fulfil_is_idempotent(app, db, shop, smtp_server, outbox_worker):
    order = attach_session(place([(shop.roller, 3)]))
    with app.test_request_context():
        first = services.fulfil_order(order.id, session_object(order), "stripe")
        second = services.fulfil_order(order.id, session_object(order), "customer:return")
        demo_again = services.fulfil_order(order.id, PaymentData.demo(order), "customer")
    assert (first.outcome, second.outcome, demo_again.outcome) == ("paid", "already_paid", "already_paid")
    assert db.session.get(Variant, shop.roller).on_hand == 7 and ledger_totals(shop.roller) == (7, 0)
    outbox_worker.drain()
    assert len(smtp_server.messages) == 1


def test_payment_for_another_order_is_refused(app, db, shop):
    a, b = place([(shop.roller, 1)]), place([(shop.roller, 1)])
    with app.test_request_context():
        result = services.fulfil_order(a.id, session_object(b), "customer:return")
    assert result.outcome == "mismatch" and _reload(a.id).payment_status == "pending"


def test_expire_command_releases_stock_and_is_idempotent(app, db, shop):
    old, fresh = place([(shop.roller, 2)]), place([(shop.roller, 1)])
    _age(old.id)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["expire-orders"])
    assert result.exit_code == 0 and "Expired 1 unpaid order;" in result.output
    assert runner.invoke(args=["expire-orders"]).output.startswith("Expired 0 unpaid orders")
    assert _reload(old.id).payment_status == "expired" and _reload(fresh.id).payment_status == "pending"
    roller = db.session.get(Variant, shop.roller)
    assert (roller.on_hand, roller.reserved) == (10, 1) and ledger_totals(shop.roller) == (10, 1)
    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == old.id,
                                                        OrderEvent.to_state == "expired")).one()
    assert event.actor == "job:expire-orders"
    released = db.session.scalars(select(StockMovement).where(StockMovement.order_id == old.id,
                                                             StockMovement.kind == "release")).all()
    assert released and {m.actor for m in released} == {"job:expire-orders"}


def test_crash_between_stripe_session_and_saving_its_id(app, db, shop, stripe_http):
    """Stripe created the session but the app died before saving its id: expiry still cleans up."""
    order = place([(shop.oil_large, 2)])
    stripe_http.queue(200, {"id": "cs_lost", "object": "checkout.session", "url": "https://checkout.stripe.com/x",
                            "expires_at": 4102444800})
    with app.test_request_context():
        params = stripe_gateway.checkout_session_params(order, "https://s/ok", "https://s/cancel",
                                                        stripe_gateway.session_expiry(order))
        session = stripe_gateway.create_checkout_session(params, stripe_gateway.idempotency_key(order.id, 1))
    assert session.id == "cs_lost"  # ... and here the process crashes: attach_stripe_session never runs
    db.session.rollback()
    assert _reload(order.id).stripe_session_id is None
    assert db.session.get(Variant, shop.oil_large).available == 0
    _age(order.id)
    assert expire_due_orders() == 1
    oil = db.session.get(Variant, shop.oil_large)
    assert _reload(order.id).payment_status == "expired" and (oil.on_hand, oil.reserved) == (2, 0)
    assert ledger_totals(shop.oil_large) == (2, 0)


def test_paid_after_expiry_with_stock_left_is_re_reserved(app, db, shop, smtp_server, outbox_worker):
    order = attach_session(place([(shop.roller, 2)]))
    _age(order.id)
    expire_due_orders()
    with app.test_request_context():
        result = services.fulfil_order(order.id, session_object(order), "stripe")
    paid = _reload(order.id)
    assert result.outcome == "paid" and paid.payment_status == "paid" and paid.needs_attention == ""
    roller = db.session.get(Variant, shop.roller)
    assert (roller.on_hand, roller.reserved) == (8, 0) and ledger_totals(shop.roller) == (8, 0)
    notes = db.session.scalars(select(OrderEvent.note).where(OrderEvent.order_id == order.id)).all()
    assert any("stock reserved again" in n for n in notes)
    outbox_worker.drain()
    assert len(smtp_server.messages) == 1


def test_paid_after_expiry_with_stock_gone_is_refunded_through_stripe_with_an_apology(
        app, db, shop, smtp_server, outbox_worker, stripe_http):
    """Bug: a payment after expiry, stock gone, sent a normal confirmation and left the order paid and shippable.
    Now: refunded automatically through the gateway (its own idempotency key), an apology instead."""
    order = attach_session(place([(shop.oil_large, 2)]))
    _age(order.id)
    expire_due_orders()
    place([(shop.oil_large, 2)], email="quicker@example.com")  # someone else bought the last two
    stripe_http.queue(200, {"id": "re_late_1", "object": "refund", "amount": order.total_cents,
                            "status": "succeeded", "payment_intent": "pi_test_1"})
    with app.test_request_context():
        result = services.fulfil_order(order.id, session_object(order), "webhook:stripe")
    refunded = _reload(order.id)
    assert result.outcome == "paid_refunded"
    assert refunded.payment_status == "refunded" and refunded.refunded_cents == refunded.paid_cents == order.total_cents
    assert refunded.fulfilment_status == "unfulfilled"
    [sent] = [r for r in stripe_http.requests if r["path"] == "/v1/refunds"]
    assert sent["form"] == {"payment_intent": "pi_test_1", "amount": str(order.total_cents)}
    assert sent["headers"]["Idempotency-Key"] == f"refund-late-{order.id}"
    oil = db.session.get(Variant, shop.oil_large)
    assert (oil.on_hand, oil.reserved) == (2, 2) and ledger_totals(shop.oil_large) == (2, 2)  # never oversold
    outbox_worker.drain()
    [mail] = smtp_server.messages
    assert "we are sorry" in mail["Subject"].lower() and "refunding the full" in smtp_server.text_of(mail)
    assert "confirmed" not in smtp_server.text_of(mail)
    from store.admin.orders.services import allowed_actions
    assert not allowed_actions(refunded).ship


def test_paid_too_late_demo_payment_is_refunded_by_the_demo_gateway(app, db, shop):
    order = place([(shop.oil_large, 2)])
    _age(order.id)
    expire_due_orders()
    place([(shop.oil_large, 2)], email="quicker@example.com")
    with app.test_request_context():
        result = services.fulfil_order(order.id, PaymentData.demo(order), "customer")
    assert result.outcome == "paid_refunded"
    stored = _reload(order.id)
    assert stored.payment_status == "refunded" and stored.refunds[0].provider_refund_id.startswith("demo_")


def test_cancelled_order_paid_later_is_recorded(app, db, shop):
    from store.orders.lifecycle import cancel_unpaid
    order = attach_session(place([(shop.roller, 1)]))
    cancel_unpaid(order.id, "customer", "changed my mind")
    with app.test_request_context():
        assert services.fulfil_order(order.id, session_object(order), "stripe").outcome == "paid"
    assert _reload(order.id).payment_status == "paid"
