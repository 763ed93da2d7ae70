"""The two order state machines: every allowed move works and writes an event; refused moves change nothing."""
import pytest
from sqlalchemy import func, select

from store.orders.models import Order, OrderEvent
from store.orders.states import (
    FULFILMENT_MOVES, PAYMENT_MOVES, FulfilmentStatus, InvalidTransition, Machine, PaymentStatus, transition,
)
from tests.factories import make_order

PAYMENT_PAIRS = [("payment", src, dst) for src, targets in PAYMENT_MOVES.items() for dst in sorted(targets)]
FULFILMENT_PAIRS = [("fulfilment", src, dst) for src, targets in FULFILMENT_MOVES.items() for dst in sorted(targets)]
REFUSED = [
    ("payment", "pending", "refunded"), ("payment", "pending", "partially_refunded"), ("payment", "paid", "pending"),
    ("payment", "paid", "expired"), ("payment", "paid", "voided"), ("payment", "refunded", "paid"),
    ("payment", "refunded", "partially_refunded"), ("payment", "expired", "voided"), ("payment", "voided", "pending"),
    ("payment", "pending", "pending"), ("payment", "partially_refunded", "paid"),
    ("fulfilment", "unfulfilled", "delivered"), ("fulfilment", "unfulfilled", "returned"),
    ("fulfilment", "shipped", "unfulfilled"), ("fulfilment", "delivered", "shipped"),
    ("fulfilment", "returned", "shipped"), ("fulfilment", "shipped", "shipped"),
]


def _order(machine, state):
    return make_order(state) if machine == "payment" else make_order("paid", state)


def _status(order, machine):
    return order.payment_status if machine == "payment" else order.fulfilment_status


def test_tables_cover_every_status():
    P, F = PaymentStatus, FulfilmentStatus
    assert set(PAYMENT_MOVES) == set(P) and set(FULFILMENT_MOVES) == set(F)
    assert PAYMENT_MOVES[P.PENDING] == {P.PAID, P.EXPIRED, P.VOIDED}
    assert PAYMENT_MOVES[P.PAID] == {P.PARTIALLY_REFUNDED, P.REFUNDED}
    assert PAYMENT_MOVES[P.REFUNDED] == set()
    assert FULFILMENT_MOVES[F.UNFULFILLED] == {F.SHIPPED}
    assert FULFILMENT_MOVES[F.SHIPPED] == {F.DELIVERED, F.RETURNED}


@pytest.mark.parametrize("machine,src,dst", PAYMENT_PAIRS + FULFILMENT_PAIRS)
def test_allowed_transition_moves_and_records_event(db, machine, src, dst):
    order = _order(machine, src)
    other = order.fulfilment_status if machine == "payment" else order.payment_status
    event = transition(order, machine, dst, "owner@example.com", "because")
    db.session.commit()
    stored = db.session.get(Order, order.id)
    db.session.refresh(stored)
    assert _status(stored, machine) == dst
    # The other machine never moves.
    assert (stored.fulfilment_status if machine == "payment" else stored.payment_status) == other
    assert (event.machine, event.from_state, event.to_state, event.actor, event.note) == (
        machine, src, dst, "owner@example.com", "because")
    if dst == "paid":
        assert stored.paid_at is not None
    if dst == "shipped":
        assert stored.shipped_at is not None
    if dst == "delivered":
        assert stored.delivered_at is not None


@pytest.mark.parametrize("machine,src,dst", REFUSED)
def test_refused_transition_changes_nothing(db, machine, src, dst):
    order = _order(machine, src)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        transition(order, machine, dst, "owner@example.com")
    db.session.rollback()
    assert _status(db.session.get(Order, order.id), machine) == src
    assert db.session.scalar(select(func.count(OrderEvent.id))) == 0


def test_unknown_status_is_refused(db):
    order = _order("payment", "paid")
    with pytest.raises(InvalidTransition):
        transition(order, Machine.PAYMENT, "teleported", "job:test")
    with pytest.raises(InvalidTransition):
        transition(order, Machine.FULFILMENT, "paid", "job:test")


def test_stale_object_cannot_repeat_a_move(db):
    """Two copies of the same order: the second to move loses (the conditional UPDATE matches no row)."""
    order = _order("payment", "pending")
    db.session.commit()
    transition(order, "payment", "paid", "webhook:stripe")
    db.session.commit()
    from sqlalchemy.orm.attributes import set_committed_value
    set_committed_value(order, "payment_status", "pending")  # what a concurrent reader still believes
    with pytest.raises(InvalidTransition):
        transition(order, "payment", "expired", "job:expire-orders")
    db.session.rollback()
    assert db.session.get(Order, order.id).payment_status == "paid"
