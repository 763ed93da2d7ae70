"""Huey's own scheduler runs the periodic jobs (1-second intervals in the test configuration): nobody types
`flask expire-orders`, and a paid Stripe session whose webhook never came is still fulfilled."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from store.catalog.models import Variant
from store.extensions import db as _db
from store.inventory.services import ledger_totals
from store.orders.models import Order, OrderEvent
from store.util import utcnow
from tests.checkout.helpers import place, session_object
from tests.jobs.conftest import wait_until
from tests.jobs.helpers import order, rows


def _pending(app, variant_id, qty=1, *, minutes_ago=5, stripe_session=None) -> int:
    with app.app_context():
        placed = place([(variant_id, qty)])
        placed = _db.session.get(Order, placed.id)
        placed.expires_at = utcnow() - timedelta(minutes=minutes_ago)
        if stripe_session:
            placed.payment_provider, placed.stripe_session_id = "stripe", stripe_session
        _db.session.commit()
        order_id = placed.id
        _db.session.remove()
    return order_id


def test_the_scheduler_expires_an_unpaid_order(app, shop, start_worker):
    order_id = _pending(app, shop.roller, 2)
    with app.app_context():
        fresh = place([(shop.roller, 1)]).id
    start_worker(periodic=True)
    wait_until(lambda: order(app, order_id).payment_status == "expired", timeout=15, message="the order to expire")
    assert order(app, fresh).payment_status == "pending"
    with app.app_context():
        roller = _db.session.get(Variant, shop.roller)
        assert (roller.on_hand, roller.reserved) == (10, 1) and ledger_totals(shop.roller) == (10, 1)


def test_reconciliation_fulfils_a_paid_session_whose_webhook_never_came(app, shop, stripe_http, mail_server,
                                                                        start_worker):
    server = mail_server()
    order_id = _pending(app, shop.roller, 2, minutes_ago=1, stripe_session="cs_test_lost")
    placed = order(app, order_id)
    stripe_http.queue(200, dict(session_object(placed, session_id="cs_test_lost", payment_intent="pi_lost"),
                                status="complete"))
    worker = start_worker(periodic=True)
    wait_until(lambda: order(app, order_id).payment_status == "paid", timeout=15, message="reconciliation")
    retrieve = [r for r in stripe_http.requests if r["path"] == "/v1/checkout/sessions/cs_test_lost"]
    assert retrieve and retrieve[0]["method"] == "GET"
    paid = order(app, order_id)
    assert paid.paid_cents == paid.total_cents and paid.stripe_payment_intent == "pi_lost"
    with app.app_context():
        roller = _db.session.get(Variant, shop.roller)
        assert (roller.on_hand, roller.reserved) == (8, 0) and ledger_totals(shop.roller) == (8, 0)
        actors = _db.session.scalars(select(OrderEvent.actor).where(OrderEvent.order_id == order_id,
                                                                    OrderEvent.to_state == "paid")).all()
        assert actors == ["job:reconcile-payments"]
    # The same fulfilment as the webhook: the confirmation is queued once and delivered.
    worker.drain()
    assert [r.key for r in rows(app)] == [f"order-confirmation:{order_id}"]
    [mail] = server.handler.to("buyer@example.com")
    assert placed.number in mail["Subject"]
    # A final answer is not asked for again.
    asked = len(stripe_http.requests)
    import time
    time.sleep(2.5)
    assert len(stripe_http.requests) == asked


def test_reconciliation_expires_a_session_that_ended_unpaid_and_asks_once(app, shop, stripe_http, start_worker):
    order_id = _pending(app, shop.oil_small, 1, minutes_ago=1, stripe_session="cs_test_gone")
    placed = order(app, order_id)
    stripe_http.queue(200, dict(session_object(placed, session_id="cs_test_gone", payment_status="unpaid"),
                                status="expired"))
    start_worker(periodic=True)
    wait_until(lambda: order(app, order_id).payment_status == "expired", timeout=15, message="the order to expire")
    with app.app_context():
        wait_until(lambda: _db.session.scalars(select(OrderEvent).where(
            OrderEvent.order_id == order_id, OrderEvent.actor == "job:reconcile-payments")).first(), timeout=10,
            message="the reconcile answer to be recorded")
        _db.session.remove()
        assert _db.session.get(Variant, shop.oil_small).reserved == 0
    import time
    time.sleep(2.5)
    assert len([r for r in stripe_http.requests if "cs_test_gone" in r["path"]]) == 1
    assert order(app, order_id).payment_status == "expired"


def test_old_sent_emails_are_purged_and_others_kept(app, shop):
    from sqlalchemy import update

    from store.outbox import OutboxMessage, purge_sent
    from tests.jobs.helpers import paid_order
    for email in ("old@example.com", "new@example.com", "failed@example.com"):
        paid_order(app, shop.roller, email=email)
    with app.app_context():
        long_ago = utcnow() - timedelta(days=91)
        _db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "old@example.com")
                            .values(status="sent", sent_at=long_ago))
        _db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "new@example.com")
                            .values(status="sent", sent_at=utcnow()))
        _db.session.execute(update(OutboxMessage).where(OutboxMessage.recipient == "failed@example.com")
                            .values(status="failed", created_at=long_ago))
        _db.session.commit()
        assert purge_sent(app.config["OUTBOX_KEEP_DAYS"]) == 1
    assert sorted(r.recipient for r in rows(app)) == ["failed@example.com", "new@example.com"]
