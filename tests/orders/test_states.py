"""The order state machine: every allowed move works and writes an event; refused moves change nothing."""
import pytest
from sqlalchemy import func, select

from store.extensions import db
from store.orders.models import Order, OrderEvent
from store.orders.states import ALLOWED, InvalidTransition, OrderState, transition
from tests.factories import make_order

ALLOWED_PAIRS = [(src, dst) for src, targets in ALLOWED.items() for dst in sorted(targets)]
REFUSED_PAIRS = [
    ("pending_payment", "shipped"), ("pending_payment", "delivered"), ("pending_payment", "refunded"),
    ("paid", "pending_payment"), ("paid", "cancelled"), ("paid", "expired"), ("paid", "delivered"),
    ("shipped", "paid"), ("shipped", "cancelled"), ("delivered", "shipped"), ("delivered", "refunded"),
    ("cancelled", "pending_payment"), ("cancelled", "shipped"), ("expired", "pending_payment"),
    ("expired", "cancelled"), ("refunded", "paid"), ("refunded", "partially_refunded"),
    ("partially_refunded", "pending_payment"), ("pending_payment", "pending_payment"),
]


def _order(state):
    return make_order(state)


def test_table_matches_the_issue():
    S = OrderState
    assert ALLOWED[S.PENDING_PAYMENT] == {S.PAID, S.CANCELLED, S.EXPIRED}
    assert ALLOWED[S.PAID] == {S.SHIPPED, S.REFUNDED, S.PARTIALLY_REFUNDED}
    assert ALLOWED[S.SHIPPED] == {S.DELIVERED, S.REFUNDED, S.PARTIALLY_REFUNDED}
    assert ALLOWED[S.DELIVERED] == set() and ALLOWED[S.REFUNDED] == set()
    assert set(ALLOWED) == set(OrderState)


@pytest.mark.parametrize("src,dst", ALLOWED_PAIRS)
def test_allowed_transition_moves_and_records_event(db, src, dst):
    order = _order(src)
    event = transition(order, dst, "admin:7", "because")
    db.session.commit()
    stored = db.session.get(Order, order.id)
    db.session.refresh(stored)
    assert stored.state == dst
    assert (event.from_state, event.to_state, event.actor, event.note) == (src, dst, "admin:7", "because")
    assert event.created_at is not None
    if dst == "paid":
        assert stored.paid_at is not None
    if dst == "shipped":
        assert stored.shipped_at is not None


@pytest.mark.parametrize("src,dst", REFUSED_PAIRS)
def test_refused_transition_changes_nothing(db, src, dst):
    order = _order(src)
    db.session.commit()
    with pytest.raises(InvalidTransition) as info:
        transition(order, dst, "admin:7")
    assert src in str(info.value) and dst in str(info.value)
    db.session.rollback()
    assert db.session.get(Order, order.id).state == src
    assert db.session.scalar(select(func.count(OrderEvent.id))) == 0


def test_unknown_state_is_refused(db):
    order = _order("paid")
    with pytest.raises(InvalidTransition):
        transition(order, "teleported", "system")


def test_stale_object_cannot_repeat_a_move(db):
    """Two copies of the same order: the second to move loses (the conditional UPDATE matches no row)."""
    order = _order("pending_payment")
    db.session.commit()
    transition(order, "paid", "stripe")
    db.session.commit()
    from sqlalchemy.orm.attributes import set_committed_value
    set_committed_value(order, "state", "pending_payment")  # what a concurrent reader still believes
    with pytest.raises(InvalidTransition):
        transition(order, "expired", "system")
    db.session.rollback()
    assert db.session.get(Order, order.id).state == "paid"
