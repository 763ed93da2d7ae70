"""Back-office order actions, only as the state machine allows: ship, mark delivered, cancel (releases stock),
refund.

Each action is one transaction: lock the order (``transaction(write=True)`` + ``lock_row``), move it with
orders.states.transition (which writes the OrderEvent), record the audit row, commit. Refunds go through
the payment provider (payments.stripe_gateway.refund for Stripe orders) with an idempotency key, and the
refunded total is raised by a conditional UPDATE that can never pass paid_cents (the DB CHECK agrees).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from store.admin.audit import services as audit
from store.db import lock_row, transaction
from store.extensions import db
from store.money import format_money
from store.orders import emails as order_emails
from store.orders.models import Order, Refund
from store.orders.services import release_order_stock
from store.orders.states import LABELS, InvalidTransition, OrderState, can_transition, transition
from store.payments import stripe_gateway
from store.safety.models import Disclaimer
from store.util import date_arg, page_number

log = logging.getLogger(__name__)


class OrderActionError(Exception):
    pass


class RefundError(OrderActionError):
    pass


def actor_label(actor_id: int | None) -> str:
    return f"admin:{actor_id}" if actor_id else "system"


# ------------------------------------------------------------------ reading

@dataclass
class OrderFilter:
    state: str = ""
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    attention: bool = False
    page: int = 1


def parse_filter(args) -> OrderFilter:
    page = page_number(args.get("page"), maximum=100_000)
    state = args.get("state") or ""
    return OrderFilter(state=state if state in {s.value for s in OrderState} else "",
                       q=(args.get("q") or "").strip()[:254], date_from=date_arg(args.get("from")), date_to=date_arg(args.get("to")),
                       attention=args.get("attention") == "1", page=page)


def order_list_statement(f: OrderFilter):
    stmt = select(Order).options(selectinload(Order.lines))
    if f.state:
        stmt = stmt.where(Order.state == f.state)
    if f.q:
        like = f"%{f.q.lower()}%"
        stmt = stmt.where(or_(Order.email.like(like), Order.number.ilike(f"%{f.q}%")))
    if f.date_from:
        stmt = stmt.where(Order.placed_at >= datetime.combine(f.date_from, datetime.min.time()))
    if f.date_to:
        stmt = stmt.where(Order.placed_at < datetime.combine(f.date_to + timedelta(days=1), datetime.min.time()))
    if f.attention:
        stmt = stmt.where(Order.needs_attention != "")
    return stmt.order_by(Order.placed_at.desc(), Order.id.desc())


def order_for_admin(order_id: int) -> Order | None:
    return db.session.scalar(select(Order).where(Order.id == order_id).options(
        selectinload(Order.lines), selectinload(Order.events), selectinload(Order.refunds)))


def acknowledged_disclaimer(order: Order):
    return db.session.get(Disclaimer, order.disclaimer_id) if order.disclaimer_id else None


@dataclass
class AllowedActions:
    ship: bool
    cancel: bool
    refund: bool
    refundable_cents: int
    deliver: bool = False

    @property
    def any(self) -> bool:
        return self.ship or self.deliver or self.refund or self.cancel


def allowed_actions(order: Order) -> AllowedActions:
    remaining = max(order.paid_cents - order.refunded_cents, 0)
    refund = remaining > 0 and (can_transition(order.state, OrderState.PARTIALLY_REFUNDED)
                                or can_transition(order.state, OrderState.REFUNDED))
    return AllowedActions(ship=can_transition(order.state, OrderState.SHIPPED),
                          cancel=can_transition(order.state, OrderState.CANCELLED), refund=refund,
                          refundable_cents=remaining, deliver=can_transition(order.state, OrderState.DELIVERED))


# ------------------------------------------------------------------ actions

def _locked(order_id: int) -> Order:
    """The order, locked for this transaction (opened with ``transaction(write=True)``)."""
    order = lock_row(Order, order_id)
    if order is None:
        raise OrderActionError("That order no longer exists.")
    return order


def mark_shipped(order_id: int, carrier: str, tracking_number: str, *, actor_id: int | None) -> Order:
    carrier, tracking_number = (carrier or "").strip()[:80], (tracking_number or "").strip()[:120]
    if not carrier or not tracking_number:
        raise OrderActionError("Enter the carrier and the tracking number.")
    with transaction(write=True):
        order = _locked(order_id)
        before = {"state": order.state, "carrier": order.carrier, "tracking_number": order.tracking_number}
        transition(order, OrderState.SHIPPED, actor_label(actor_id), f"Shipped with {carrier}, tracking {tracking_number}")
        order.carrier, order.tracking_number = carrier, tracking_number
        audit.record(actor_id, "order.ship", order, audit.diff(before, {
            "state": order.state, "carrier": carrier, "tracking_number": tracking_number}))
        order_emails.queue_shipped(order)
    return order


def mark_delivered(order_id: int, *, actor_id: int | None) -> Order:
    """Record that a shipped order arrived. Any other state is refused with a clear message, changing nothing."""
    with transaction(write=True):
        order = _locked(order_id)
        if not can_transition(order.state, OrderState.DELIVERED):
            state = LABELS.get(OrderState(order.state), order.state).lower()
            raise OrderActionError(f"Order {order.number} is {state}: only a shipped order can be marked as "
                                   "delivered. Nothing was changed.")
        before = order.state
        transition(order, OrderState.DELIVERED, actor_label(actor_id), "Marked as delivered")
        audit.record(actor_id, "order.deliver", order, {"state": [before, order.state]})
    return order


def cancel(order_id: int, note: str, *, actor_id: int | None) -> Order:
    """Cancel an unpaid order and release its reserved stock (the state machine refuses paid orders:
    those are refunded instead)."""
    note = (note or "").strip()[:300] or "Cancelled by the shop"
    with transaction(write=True):
        order = _locked(order_id)
        before = order.state
        transition(order, OrderState.CANCELLED, actor_label(actor_id), note)
        release_order_stock(order, note)
        audit.record(actor_id, "order.cancel", order, {"state": [before, order.state]}, reason=note)
        order_emails.queue_cancelled(order, note)
    return order


def refund(order_id: int, amount_cents: int, reason: str, idempotency_key: str, *,
           actor_id: int | None) -> tuple[Refund, bool]:
    """Refund ``amount_cents`` of a paid order. Returns (refund, created). Submitting the same
    idempotency key again returns the first refund and changes nothing. Raises RefundError when the amount
    is not within what is left to refund, or InvalidTransition when the order cannot be refunded."""
    reason = (reason or "").strip()[:300]
    key = (idempotency_key or "").strip()[:120]
    if not key:
        raise RefundError("The refund form is missing its one-time key; reload the page and try again.")
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise RefundError("Enter an amount to refund, more than 0.")
    with transaction(write=True):
        order = _locked(order_id)
        existing = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
        if existing is None:
            return _refund_locked(order, amount_cents, reason, key, actor_id=actor_id), True
    # The same form sent again: the first refund stands, nothing more is refunded.
    if existing.order_id != order_id:
        raise RefundError("That refund key belongs to another order.")
    return existing, False


def _refund_locked(order: Order, amount_cents: int, reason: str, key: str, *, actor_id: int | None) -> Refund:
    """Inside refund's transaction, the order locked: check the amount, raise refunded_cents, ask the provider,
    record the refund, move the order."""
    before = {"state": order.state, "refunded_cents": order.refunded_cents}
    remaining = order.paid_cents - order.refunded_cents
    if amount_cents > remaining:
        raise RefundError(f"You can refund at most {format_money(remaining, order.currency)} more on this order "
                          f"(paid {format_money(order.paid_cents, order.currency)}, already refunded "
                          f"{format_money(order.refunded_cents, order.currency)}).")
    target = OrderState.REFUNDED if amount_cents == remaining else OrderState.PARTIALLY_REFUNDED
    if not can_transition(order.state, target):
        raise InvalidTransition(order.number, order.state, target,
                                f"Order {order.number} is {LABELS.get(OrderState(order.state), order.state).lower()}"
                                " and cannot be refunded.")
    # The guard that matters: refunded can never pass paid, even against a concurrent refund.
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.refunded_cents + amount_cents <= Order.paid_cents)
        .values(refunded_cents=Order.refunded_cents + amount_cents)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise RefundError("That refund would exceed the amount paid; nothing was refunded.")
    provider_id = None
    if order.payment_provider == "stripe":
        if not order.stripe_payment_intent:
            raise RefundError("This order has no Stripe payment to refund; check it in the Stripe dashboard.")
        provider_id = stripe_gateway.refund(order.stripe_payment_intent, amount_cents, f"refund-{key}").get("id")
    db.session.refresh(order, ["refunded_cents", "paid_cents"])
    record = Refund(order_id=order.id, amount_cents=amount_cents, reason=reason, provider_refund_id=provider_id,
                    idempotency_key=key, actor=actor_label(actor_id))
    db.session.add(record)
    transition(order, target, actor_label(actor_id),
               f"Refunded {format_money(amount_cents, order.currency)} "
               f"({format_money(order.refunded_cents, order.currency)} of "
               f"{format_money(order.paid_cents, order.currency)} in total)"
               + (f": {reason}" if reason else ""))
    audit.record(actor_id, "order.refund", order, {
        "state": [before["state"], order.state],
        "refunded_cents": [before["refunded_cents"], order.refunded_cents]}, reason=reason)
    db.session.flush()
    order_emails.queue_refund(order, record)
    return record
