"""Issue 17: every order transition through store/orders/lifecycle.py. One test per bug, written as it was found."""
import pytest
from sqlalchemy import select

from store.catalog.models import Variant
from store.inventory.models import StockMovement
from store.inventory.services import ledger_totals
from store.orders import lifecycle
from store.orders.lifecycle import RefundRequest
from store.orders.models import Order, Refund
from store.outbox import OutboxMessage
from store.payments.refunds import send_refund
from tests.admin.conftest import admin_client, admin_user  # noqa: F401  (fixtures)
from tests.factories import make_disclaimers, make_product, pay_order, place_order as place


@pytest.fixture
def shop(app, db):
    make_disclaimers()
    roller = make_product("Cedar Foot Roller", variants=[{"sku": "ROLL-1", "price_cents": 2400, "on_hand": 10}])
    oil = make_product("Calm Body Oil", kind="oil", variants=[{"sku": "OIL-50", "price_cents": 1450, "on_hand": 4}])
    db.session.commit()
    return type("Shop", (), {"roller": roller.variants[0].id, "oil": oil.variants[0].id})


def _reload(db, order_id):
    db.session.expire_all()
    return db.session.get(Order, order_id)


def _line(order, variant_id):
    return next(l for l in order.lines if l.variant_id == variant_id)


def _emails(db, order_id, kind):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.order_id == order_id,
                                                          OutboxMessage.kind == kind)).all()


def _stock(db, variant_id):
    v = db.session.get(Variant, variant_id)
    db.session.refresh(v)
    assert ledger_totals(variant_id) == (v.on_hand, v.reserved)
    return v.on_hand, v.reserved


def test_partial_refund_of_a_shipped_order_keeps_it_shipped_and_deliverable(app, db, shop):
    """Bug: a partial refund brought back "Mark as shipped", removed "Mark as delivered", and shipping again
    overwrote the tracking number and emailed the buyer again."""
    order = place([(shop.roller, 2)])
    pay_order(order)
    lifecycle.ship(order.id, "Parcel Post", "PP1", "owner@example.com")
    lifecycle.refund(order.id, RefundRequest(amount_cents=500, reason="scuffed"), "r1", "owner@example.com",
                     send_refund)
    stored = _reload(db, order.id)
    assert (stored.payment_status, stored.fulfilment_status) == ("partially_refunded", "shipped")
    from store.admin.orders.services import allowed_actions
    actions = allowed_actions(stored)
    assert actions.deliver and not actions.ship
    with pytest.raises(lifecycle.InvalidTransition):
        lifecycle.ship(order.id, "Other", "XX9", "owner@example.com")
    assert _reload(db, order.id).tracking_number == "PP1" and len(_emails(db, order.id, "order_shipped")) == 1
    lifecycle.deliver(order.id, "owner@example.com")
    assert _reload(db, order.id).fulfilment_status == "delivered"


def test_a_delivered_order_is_refunded_with_a_line_returned_to_stock(app, db, shop):
    """Bug: delivered orders could not be refunded at all."""
    order = place([(shop.roller, 2), (shop.oil, 1)])
    pay_order(order)
    lifecycle.ship(order.id, "Parcel Post", "PP2", "owner@example.com")
    lifecycle.deliver(order.id, "owner@example.com")
    order = _reload(db, order.id)
    roller = _line(order, shop.roller)
    assert lifecycle.default_restock(order) is False  # off for delivered orders
    record, created = lifecycle.refund(order.id, RefundRequest(lines={roller.id: 1}, restock={roller.id: 1}),
                                       "r-del", "owner@example.com", send_refund)
    assert created and record.status == "succeeded" and record.amount_cents == 2400
    stored = _reload(db, order.id)
    assert (stored.payment_status, stored.fulfilment_status, stored.refunded_cents) == (
        "partially_refunded", "delivered", 2400)
    assert (_line(stored, shop.roller).refunded_quantity, _line(stored, shop.roller).restocked_quantity) == (1, 1)
    assert _stock(db, shop.roller) == (9, 0)  # 10 - 2 sold + 1 back
    [movement] = db.session.scalars(select(StockMovement).where(StockMovement.kind == "return")).all()
    assert movement.actor == "owner@example.com" and movement.order_id == order.id
    assert len(_emails(db, order.id, "order_refunded")) == 1


def test_full_refund_of_an_unshipped_order_puts_the_stock_back_by_default(app, db, admin_client, shop):
    """Bug: a full refund of an unshipped order did not put the stock back."""
    order = place([(shop.roller, 3)])
    pay_order(order)
    order = _reload(db, order.id)
    line = _line(order, shop.roller)
    html = admin_client.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    assert f'name="restock-{line.id}" value="1" checked' in html  # on for unshipped lines
    response = admin_client.post(f"/admin/orders/{order.id}/refund",
                                 data={f"qty-{line.id}": "3", f"restock-{line.id}": "1", "amount": "",
                                       "idempotency_key": "full-1"})
    assert response.status_code == 302
    stored = _reload(db, order.id)
    # The lines' price is refunded; the shipping is what is left.
    assert stored.refunded_cents == 7200 and stored.payment_status == "partially_refunded"
    assert _stock(db, shop.roller) == (10, 0)
    # Refunding the rest (shipping) by amount makes it refunded; the cap is what was paid.
    response = admin_client.post(f"/admin/orders/{order.id}/refund", data={"amount": "5.96", "idempotency_key": "x"})
    assert response.status_code == 400 and "at most" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/orders/{order.id}/refund", data={"amount": "0.00", "idempotency_key": "z"})
    assert response.status_code == 400
    admin_client.post(f"/admin/orders/{order.id}/refund",
                      data={"amount": f"{stored.shipping_cents / 100:.2f}", "idempotency_key": "ship-1"})
    stored = _reload(db, order.id)
    assert stored.payment_status == "refunded" and stored.refunded_cents == stored.paid_cents


def test_refund_lines_cannot_exceed_what_was_bought(app, db, shop):
    order = place([(shop.roller, 1)])
    pay_order(order)
    line = _line(_reload(db, order.id), shop.roller)
    with pytest.raises(lifecycle.RefundError, match="at most 1"):
        lifecycle.refund(order.id, RefundRequest(lines={line.id: 2}), "too-many", "owner@example.com", send_refund)
    assert db.session.scalar(select(Refund.id)) is None


def test_the_provider_call_runs_outside_any_transaction_and_a_crash_is_reconciled(app, db, shop):
    """The Stripe refund call ran inside the locked write transaction. Now: intent, call, result."""
    order = place([(shop.roller, 1)])
    pay_order(order)
    seen = {}

    def crashing(provider, intent, amount, key):
        seen["in_transaction"] = db.session().in_transaction()
        raise SystemExit("process died mid-call")  # never recorded: a crash, not a provider error

    with pytest.raises(SystemExit):
        lifecycle.refund(order.id, RefundRequest(amount_cents=1000), "crash-1", "owner@example.com", crashing)
    assert seen == {"in_transaction": False}
    db.session.rollback()
    [pending] = db.session.scalars(select(Refund)).all()
    assert pending.status == "pending" and _reload(db, order.id).refunded_cents == 0
    # What is left to refund counts the pending one: no double refund meanwhile.
    assert lifecycle.refundable_cents(_reload(db, order.id)) == order.total_cents - 1000
    keys = []

    def provider(provider, intent, amount, key):
        keys.append(key)
        return "re_again"

    from datetime import timedelta
    assert lifecycle.reconcile_pending_refunds(provider, older_than=timedelta(0)) == 1
    stored = _reload(db, order.id)
    assert keys == ["refund-crash-1"] and stored.refunded_cents == 1000
    assert stored.refunds[0].status == "succeeded" and stored.refunds[0].actor == "owner@example.com"


def test_cancel_a_paid_unshipped_order_refunds_and_restocks_in_one_action(app, db, shop):
    order = place([(shop.roller, 2), (shop.oil, 1)])
    pay_order(order)
    lifecycle.cancel_paid(order.id, "Customer asked", "cancel-1", "owner@example.com", send_refund)
    stored = _reload(db, order.id)
    assert (stored.payment_status, stored.fulfilment_status, stored.refunded_cents) == (
        "refunded", "unfulfilled", stored.paid_cents)
    assert _stock(db, shop.roller) == (10, 0) and _stock(db, shop.oil) == (4, 0)
    assert len(_emails(db, order.id, "order_cancelled")) == 1 and not _emails(db, order.id, "order_refunded")
    with pytest.raises(lifecycle.InvalidTransition):
        lifecycle.ship(order.id, "Parcel Post", "PP3", "owner@example.com")


def test_a_shipped_order_cannot_be_cancelled_only_refunded(app, db, shop):
    order = place([(shop.roller, 1)])
    pay_order(order)
    lifecycle.ship(order.id, "Parcel Post", "PP4", "owner@example.com")
    with pytest.raises(lifecycle.LifecycleError, match="has not shipped"):
        lifecycle.cancel_paid(order.id, "", "c-2", "owner@example.com", send_refund)


def test_every_stock_movement_names_its_actor(app, db, shop):
    """Left over from the inventory issue: reserve / release / consume / return name who did it."""
    a = place([(shop.roller, 1)], actor="customer")
    b = place([(shop.oil, 1)], email="member@example.com", actor="member@example.com")
    lifecycle.expire(b.id)
    pay_order(a, actor="webhook:stripe")
    lifecycle.cancel_paid(a.id, "", "actor-1", "owner@example.com", send_refund)
    rows = {(m.order_id, m.kind): m.actor for m in db.session.scalars(select(StockMovement)
                                                                       .where(StockMovement.order_id.is_not(None)))}
    assert rows == {(a.id, "reserve"): "customer", (a.id, "consume"): "webhook:stripe",
                    (a.id, "return"): "owner@example.com",
                    (b.id, "reserve"): "member@example.com", (b.id, "release"): "job:expire-orders"}
    assert "system" not in rows.values()
