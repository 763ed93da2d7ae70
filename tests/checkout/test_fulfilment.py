"""Fulfilment, expiry, a crash after creating the Stripe session, and payments that arrive after expiry."""
from datetime import timedelta

from sqlalchemy import select

from store.catalog.models import Variant
from store.checkout import services
from store.payments import stripe_gateway
from store.checkout.services import PaymentData
from store.extensions import db
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
    assert result.outcome == "mismatch" and _reload(a.id).state == "pending_payment"


def test_expire_command_releases_stock_and_is_idempotent(app, db, shop):
    old, fresh = place([(shop.roller, 2)]), place([(shop.roller, 1)])
    _age(old.id)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["expire-orders"])
    assert result.exit_code == 0 and "Expired 1 unpaid order;" in result.output
    assert runner.invoke(args=["expire-orders"]).output.startswith("Expired 0 unpaid orders")
    assert _reload(old.id).state == "expired" and _reload(fresh.id).state == "pending_payment"
    roller = db.session.get(Variant, shop.roller)
    assert (roller.on_hand, roller.reserved) == (10, 1) and ledger_totals(shop.roller) == (10, 1)
    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == old.id,
                                                        OrderEvent.to_state == "expired")).one()
    assert event.actor == "system"


def test_crash_between_stripe_session_and_saving_its_id(app, db, shop, stripe_http):
    """Stripe created the session but the app died before saving its id: expiry still cleans up."""
    order = place([(shop.oil_large, 2)])
    stripe_http.queue(200, {"id": "cs_lost", "object": "checkout.session", "url": "https://checkout.stripe.com/x",
                            "expires_at": 4102444800})
    with app.test_request_context():
        session = stripe_gateway.create_checkout_session(order, "https://s/ok", "https://s/cancel")
    assert session.id == "cs_lost"  # ... and here the process crashes: attach_stripe_session never runs
    db.session.rollback()
    assert _reload(order.id).stripe_session_id is None
    assert db.session.get(Variant, shop.oil_large).available == 0
    _age(order.id)
    assert expire_due_orders() == 1
    oil = db.session.get(Variant, shop.oil_large)
    assert _reload(order.id).state == "expired" and (oil.on_hand, oil.reserved) == (2, 0)
    assert ledger_totals(shop.oil_large) == (2, 0)


def test_paid_after_expiry_with_stock_left_is_re_reserved(app, db, shop, smtp_server, outbox_worker):
    order = attach_session(place([(shop.roller, 2)]))
    _age(order.id)
    expire_due_orders()
    with app.test_request_context():
        result = services.fulfil_order(order.id, session_object(order), "stripe")
    paid = _reload(order.id)
    assert result.outcome == "paid" and paid.state == "paid" and paid.needs_attention == ""
    roller = db.session.get(Variant, shop.roller)
    assert (roller.on_hand, roller.reserved) == (8, 0) and ledger_totals(shop.roller) == (8, 0)
    notes = db.session.scalars(select(OrderEvent.note).where(OrderEvent.order_id == order.id)).all()
    assert any("stock reserved again" in n for n in notes)
    outbox_worker.drain()
    assert len(smtp_server.messages) == 1


def test_paid_after_expiry_with_stock_gone_is_flagged_for_refund(app, db, shop, smtp_server, outbox_worker):
    order = attach_session(place([(shop.oil_large, 2)]))
    _age(order.id)
    expire_due_orders()
    place([(shop.oil_large, 2)], email="quicker@example.com")  # someone else bought the last two
    with app.test_request_context():
        result = services.fulfil_order(order.id, session_object(order), "stripe")
    flagged = _reload(order.id)
    assert result.outcome == "paid_needs_refund"
    assert flagged.state == "paid" and flagged.paid_cents == flagged.total_cents
    assert flagged.needs_attention == "paid after expiry; stock gone — refund"
    oil = db.session.get(Variant, shop.oil_large)
    assert (oil.on_hand, oil.reserved) == (2, 2) and ledger_totals(shop.oil_large) == (2, 2)  # never oversold
    outbox_worker.drain()
    [mail] = smtp_server.messages
    assert "refund you in full" in smtp_server.text_of(mail)
    from store.orders.services import orders_needing_attention
    assert [o.number for o in orders_needing_attention()] == [order.number]


def test_cancelled_order_paid_later_is_recorded(app, db, shop):
    from store.orders.services import cancel_order
    order = attach_session(place([(shop.roller, 1)]))
    cancel_order(order.id, "customer:1")
    with app.test_request_context():
        assert services.fulfil_order(order.id, session_object(order), "stripe").outcome == "paid"
    assert _reload(order.id).state == "paid"
