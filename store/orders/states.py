"""The order state machine: the only way an order's state changes.

``transition`` checks the move against ALLOWED, applies it with a conditional UPDATE
(``... WHERE id = :id AND state = :expected``) so that two concurrent writers cannot both make the same
move, and writes an OrderEvent (who, when, from, to, note). Callers own the transaction.
"""
from __future__ import annotations

import enum

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from store.extensions import db
from store.orders.models import Order, OrderEvent
from store.util import utcnow


class OrderState(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


S = OrderState

# The table, plus two moves the money rules need:
#  * expired/cancelled -> paid: a payment that completes after its reservation lapsed is recorded, never
#    dropped (fulfilment re-reserves the stock or flags the order for a refund);
#  * partially_refunded -> partially_refunded / refunded / shipped: further refunds, and shipping the rest.
ALLOWED: dict[OrderState, frozenset[OrderState]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED, S.EXPIRED}),
    S.PAID: frozenset({S.SHIPPED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUNDED, S.PARTIALLY_REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.REFUNDED, S.PARTIALLY_REFUNDED, S.SHIPPED}),
    S.EXPIRED: frozenset({S.PAID}),
    S.CANCELLED: frozenset({S.PAID}),
    S.DELIVERED: frozenset(),
    S.REFUNDED: frozenset(),
}

# States in which the customer's money has arrived.
PAID_STATES = frozenset({S.PAID, S.SHIPPED, S.DELIVERED, S.REFUNDED, S.PARTIALLY_REFUNDED})

LABELS = {
    S.PENDING_PAYMENT: "Awaiting payment",
    S.PAID: "Paid",
    S.SHIPPED: "Shipped",
    S.DELIVERED: "Delivered",
    S.CANCELLED: "Cancelled",
    S.EXPIRED: "Expired (not paid in time)",
    S.REFUNDED: "Refunded",
    S.PARTIALLY_REFUNDED: "Partially refunded",
}


class InvalidTransition(Exception):
    """The order cannot move from its current state to the requested one."""

    def __init__(self, number: str, from_state: str, to_state: str, reason: str = ""):
        self.number, self.from_state, self.to_state = number, from_state, to_state
        super().__init__(reason or f"Order {number} cannot go from {from_state} to {to_state}.")


class ConcurrentTransition(InvalidTransition):
    """Another transaction changed the order's state first (the conditional UPDATE matched no row)."""


def can_transition(from_state: str, to_state: str) -> bool:
    try:
        return OrderState(to_state) in ALLOWED[OrderState(from_state)]
    except ValueError:
        return False


def label(state: str) -> str:
    try:
        return LABELS[OrderState(state)]
    except ValueError:
        return state


def transition(order: Order, new_state: OrderState | str, actor: str, note: str = "") -> OrderEvent:
    """Move ``order`` to ``new_state`` or raise InvalidTransition. Flushes; does not commit."""
    old = order.state
    try:
        new = OrderState(new_state)
    except ValueError:
        raise InvalidTransition(order.number, old, str(new_state), f"{new_state!r} is not an order state.") from None
    if not can_transition(old, new):
        raise InvalidTransition(order.number, old, new)
    now = utcnow()
    values: dict = {"state": new.value, "updated_at": now}
    if new is S.PAID and order.paid_at is None:
        values["paid_at"] = now
    if new is S.SHIPPED and order.shipped_at is None:
        values["shipped_at"] = now
    db.session.flush()
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.state == old).values(**values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ConcurrentTransition(order.number, old, new, f"Order {order.number} was changed by someone else.")
    # Keep the in-memory object in step without marking it dirty (the row is already written).
    for key, value in values.items():
        set_committed_value(order, key, value)
    event = OrderEvent(order_id=order.id, from_state=old, to_state=new.value, actor=actor[:120], note=note or "")
    db.session.add(event)
    db.session.flush()
    return event
