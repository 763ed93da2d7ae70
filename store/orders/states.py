"""The two order state machines: payment status and fulfilment status, each one table of allowed moves.

Like a real shop keeps them (financial and fulfilment status apart), an order has

* a **payment status**: pending -> paid -> partially refunded -> refunded, or pending -> expired / voided
  (an unpaid order closed by the clock, by Stripe, or by the shopper or the shop);
* a **fulfilment status**: unfulfilled -> shipped -> delivered, and shipped / delivered -> returned.

A refund moves only the payment status; shipping and delivery move only the fulfilment status, so a partial
refund of a shipped order leaves it shipped (and deliverable).

``transition(order, machine, new, actor, note)`` checks the move against that machine's table, applies it with a
conditional UPDATE (``... WHERE id = :id AND <column> = :expected``) so two concurrent writers cannot both make
it, and writes an OrderEvent. Only ``store/orders/lifecycle.py`` calls it. Callers own the transaction.
"""
from __future__ import annotations

import enum

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from store.extensions import db
from store.orders.models import Order, OrderEvent
from store.util import utcnow


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    EXPIRED = "expired"     # not paid in time (the clock or Stripe's session ended)
    VOIDED = "voided"       # closed unpaid by the shopper, the shop, or a failed delayed payment


class FulfilmentStatus(enum.StrEnum):
    UNFULFILLED = "unfulfilled"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RETURNED = "returned"


P, F = PaymentStatus, FulfilmentStatus

# expired / voided -> paid: a payment that completes after the order was closed is recorded, never dropped (the
# lifecycle reserves the stock again, or refunds it automatically); partially_refunded -> partially_refunded:
# a further partial refund.
PAYMENT_MOVES: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    P.PENDING: frozenset({P.PAID, P.EXPIRED, P.VOIDED}),
    P.PAID: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    P.PARTIALLY_REFUNDED: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    P.REFUNDED: frozenset(),
    P.EXPIRED: frozenset({P.PAID}),
    P.VOIDED: frozenset({P.PAID}),
}

FULFILMENT_MOVES: dict[FulfilmentStatus, frozenset[FulfilmentStatus]] = {
    F.UNFULFILLED: frozenset({F.SHIPPED}),
    F.SHIPPED: frozenset({F.DELIVERED, F.RETURNED}),
    F.DELIVERED: frozenset({F.RETURNED}),
    F.RETURNED: frozenset(),
}

# Payment statuses in which money has arrived (some may have gone back).
PAID_STATUSES = frozenset({P.PAID, P.PARTIALLY_REFUNDED, P.REFUNDED})
# Unpaid and closed: the reservation was released.
CLOSED_UNPAID = frozenset({P.EXPIRED, P.VOIDED})
# Payment statuses from which an order may be shipped.
SHIPPABLE_PAYMENT = frozenset({P.PAID, P.PARTIALLY_REFUNDED})

PAYMENT_LABELS = {
    P.PENDING: "Awaiting payment",
    P.PAID: "Paid",
    P.PARTIALLY_REFUNDED: "Partially refunded",
    P.REFUNDED: "Refunded",
    P.EXPIRED: "Expired (not paid in time)",
    P.VOIDED: "Cancelled (not paid)",
}
FULFILMENT_LABELS = {
    F.UNFULFILLED: "Not shipped yet",
    F.SHIPPED: "Shipped",
    F.DELIVERED: "Delivered",
    F.RETURNED: "Returned",
}
LABELS = {**{str(k): v for k, v in PAYMENT_LABELS.items()}, **{str(k): v for k, v in FULFILMENT_LABELS.items()}}


class Machine(enum.StrEnum):
    PAYMENT = "payment"
    FULFILMENT = "fulfilment"


_TABLES = {Machine.PAYMENT: (PaymentStatus, PAYMENT_MOVES, "payment_status"),
           Machine.FULFILMENT: (FulfilmentStatus, FULFILMENT_MOVES, "fulfilment_status")}


class InvalidTransition(Exception):
    """The order cannot make the requested move. ``str(error)`` is safe to show."""

    def __init__(self, number: str, from_state: str, to_state: str, reason: str = ""):
        self.number, self.from_state, self.to_state = number, from_state, to_state
        super().__init__(reason or f"Order {number} cannot go from {label(from_state).lower()} to "
                                   f"{label(to_state).lower()}.")


class ConcurrentTransition(InvalidTransition):
    """Another transaction changed the order's status first (the conditional UPDATE matched no row)."""


def can_move(machine: Machine | str, from_state: str, to_state: str) -> bool:
    enum_cls, moves, _ = _TABLES[Machine(machine)]
    try:
        return enum_cls(to_state) in moves[enum_cls(from_state)]
    except ValueError:
        return False


def can_pay_move(order: Order, to_state: str) -> bool:
    return can_move(Machine.PAYMENT, order.payment_status, to_state)


def can_fulfil_move(order: Order, to_state: str) -> bool:
    return can_move(Machine.FULFILMENT, order.fulfilment_status, to_state)


def label(state: str) -> str:
    return LABELS.get(str(state), str(state))


def status_label(order: Order) -> str:
    """One line for lists: "Paid · Shipped", "Awaiting payment", "Refunded · Delivered"."""
    payment = label(order.payment_status)
    if order.payment_status in CLOSED_UNPAID or order.payment_status == P.PENDING:
        return payment
    return f"{payment} · {label(order.fulfilment_status)}"


def transition(order: Order, machine: Machine | str, new_state: str, actor: str, note: str = "") -> OrderEvent:
    """Move one of ``order``'s statuses to ``new_state`` or raise InvalidTransition. Flushes; does not commit."""
    machine = Machine(machine)
    enum_cls, moves, column = _TABLES[machine]
    old = getattr(order, column)
    try:
        new = enum_cls(new_state)
    except ValueError:
        raise InvalidTransition(order.number, old, str(new_state), f"{new_state!r} is not a {machine} status.") \
            from None
    if not can_move(machine, old, new):
        raise InvalidTransition(order.number, old, new)
    now = utcnow()
    values: dict = {column: new.value, "updated_at": now}
    if new is P.PAID and order.paid_at is None:
        values["paid_at"] = now
    if new is F.SHIPPED and order.shipped_at is None:
        values["shipped_at"] = now
    if new is F.DELIVERED and order.delivered_at is None:
        values["delivered_at"] = now
    db.session.flush()
    result = db.session.execute(
        update(Order).where(Order.id == order.id, getattr(Order, column) == old).values(**values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ConcurrentTransition(order.number, old, new, f"Order {order.number} was changed by someone else.")
    for key, value in values.items():  # keep the object in step without marking it dirty
        set_committed_value(order, key, value)
    event = OrderEvent(order_id=order.id, machine=machine.value, from_state=old, to_state=new.value,
                       actor=actor[:120], note=note or "")
    db.session.add(event)
    db.session.flush()
    return event


def note_event(order: Order, actor: str, note: str, machine: Machine | str = Machine.PAYMENT) -> OrderEvent:
    """An event that changes no status (placed, updated, a refund recorded on a refunded-already order...)."""
    machine = Machine(machine)
    current = order.payment_status if machine is Machine.PAYMENT else order.fulfilment_status
    event = OrderEvent(order_id=order.id, machine=machine.value, from_state=current, to_state=current,
                       actor=actor[:120], note=note)
    db.session.add(event)
    return event
