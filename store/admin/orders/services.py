"""Back-office order actions, only as the two state machines allow: ship, mark delivered, cancel (unpaid: void
and release the stock; paid and unshipped: refund in full and restock), refund (by line and quantity or by
amount, each line optionally back in stock), return to stock.

Every action is one call into ``store/orders/lifecycle.py`` (which changes the status, writes the order event,
moves the stock and queues the email); the audit row is written in that same transaction through its ``audit``
hook. Refunds go to the payment provider outside any database lock (lifecycle.refund). Actions are recorded
under the signed-in admin's email.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from store.accounts.models import User
from store.admin.audit import services as audit
from store.extensions import db
from store.orders import lifecycle
from store.orders.lifecycle import LifecycleError, RefundError, RefundRequest  # noqa: F401  (re-exported)
from store.orders.models import Order, Refund, RefundStatus
from store.orders.states import (
    FULFILMENT_LABELS, PAYMENT_LABELS, FulfilmentStatus, InvalidTransition, PaymentStatus, can_fulfil_move,
)
from store.payments.refunds import send_refund
from store.safety.models import Disclaimer
from store.util import date_arg, page_number

log = logging.getLogger(__name__)

OrderActionError = LifecycleError


def actor_label(actor_id: int | None) -> str:
    """The admin's email (outlives the account's id in the ledger and the history)."""
    user = db.session.get(User, actor_id) if actor_id else None
    return user.email if user is not None else "admin"


def _audit(actor_id: int | None, action: str, reason: str = ""):
    def hook(order: Order, changes: dict) -> None:
        audit.record(actor_id, action, order, changes, reason=reason)
    return hook


# ------------------------------------------------------------------ reading

@dataclass
class OrderFilter:
    payment: str = ""
    fulfilment: str = ""
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    attention: bool = False
    page: int = 1


def parse_filter(args) -> OrderFilter:
    page = page_number(args.get("page"), maximum=100_000)
    payment = args.get("payment") or ""
    fulfilment = args.get("fulfilment") or ""
    return OrderFilter(payment=payment if payment in {s.value for s in PaymentStatus} else "",
                       fulfilment=fulfilment if fulfilment in {s.value for s in FulfilmentStatus} else "",
                       q=(args.get("q") or "").strip()[:254], date_from=date_arg(args.get("from")), date_to=date_arg(args.get("to")),
                       attention=args.get("attention") == "1", page=page)


def order_list_statement(f: OrderFilter):
    stmt = select(Order).options(selectinload(Order.lines))
    if f.payment:
        stmt = stmt.where(Order.payment_status == f.payment)
    if f.fulfilment:
        stmt = stmt.where(Order.fulfilment_status == f.fulfilment)
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
    cancel: bool          # void an unpaid order
    cancel_paid: bool     # refund in full and restock a paid, unshipped order
    refund: bool
    refundable_cents: int
    deliver: bool = False
    restock: bool = False
    restock_default: bool = True
    shipping_refundable_cents: int = 0

    @property
    def any(self) -> bool:
        return self.ship or self.deliver or self.refund or self.cancel or self.cancel_paid or self.restock


def allowed_actions(order: Order) -> AllowedActions:
    paid = order.payment_status in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED)
    refundable = lifecycle.refundable_cents(order) if paid else 0
    restock = order.payment_status in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED,
                                       PaymentStatus.REFUNDED) and any(
        (l.restockable_quantity if order.fulfilment_status != FulfilmentStatus.UNFULFILLED
         else l.refunded_quantity - l.restocked_quantity) > 0 for l in order.lines)
    return AllowedActions(
        ship=paid and can_fulfil_move(order, FulfilmentStatus.SHIPPED),
        cancel=order.payment_status == PaymentStatus.PENDING,
        cancel_paid=paid and order.fulfilment_status == FulfilmentStatus.UNFULFILLED and refundable > 0,
        refund=refundable > 0, refundable_cents=refundable,
        deliver=can_fulfil_move(order, FulfilmentStatus.DELIVERED),
        restock=restock and order.fulfilment_status != FulfilmentStatus.RETURNED,
        restock_default=lifecycle.default_restock(order),
        shipping_refundable_cents=lifecycle.shipping_refundable_cents(order) if paid else 0)


# ------------------------------------------------------------------ actions

def mark_shipped(order_id: int, carrier: str, tracking_number: str, *, actor_id: int | None) -> Order:
    return lifecycle.ship(order_id, carrier, tracking_number, actor_label(actor_id), _audit(actor_id, "order.ship"))


def mark_delivered(order_id: int, *, actor_id: int | None) -> Order:
    return lifecycle.deliver(order_id, actor_label(actor_id), _audit(actor_id, "order.deliver"))


def cancel(order_id: int, note: str, *, actor_id: int | None, key: str = "") -> Order:
    """Cancel: an unpaid order is voided (its stock released); a paid order that has not shipped is refunded in
    full and every item goes back in stock, in one action."""
    note = (note or "").strip()[:300] or "Cancelled by the shop"
    order = db.session.get(Order, order_id)
    if order is None:
        raise LifecycleError("That order no longer exists.")
    actor = actor_label(actor_id)
    if order.payment_status == PaymentStatus.PENDING:
        db.session.rollback()
        return lifecycle.cancel_unpaid(order_id, actor, note, email=True, audit=_audit(actor_id, "order.cancel", note))
    record = lifecycle.cancel_paid(order_id, note, key or lifecycle.new_refund_key(), actor, send_refund,
                                   audit=_audit(actor_id, "order.cancel", note))
    if record.status == RefundStatus.FAILED:
        raise RefundError(f"The refund failed, so the order was not cancelled: {record.failure}")
    return db.session.get(Order, order_id)


def refund(order_id: int, amount_cents: int | None, reason: str, idempotency_key: str, *,
           actor_id: int | None, lines: dict[int, int] | None = None,
           restock: dict[int, int] | None = None, shipping: bool = False) -> tuple[Refund, bool]:
    """Refund lines (and quantities) and/or an amount of a paid, shipped or delivered order. Returns (refund,
    created); the same idempotency key again returns the first refund. Raises RefundError when it is not within
    what is left to refund, or when the provider refused (the refund is then recorded as failed)."""
    if amount_cents is not None and (not isinstance(amount_cents, int) or amount_cents <= 0):
        raise RefundError("Enter an amount to refund, more than 0.")
    record, created = lifecycle.refund(
        order_id, RefundRequest(lines=lines or {}, amount_cents=amount_cents, restock=restock or {}, reason=reason,
                                shipping=shipping),
        idempotency_key, actor_label(actor_id), send_refund, audit=_audit(actor_id, "order.refund", reason))
    if record.status == RefundStatus.FAILED:
        raise RefundError(f"The refund did not go through: {record.failure} Nothing was refunded.")
    return record, created


def return_to_stock(order_id: int, quantities: dict[int, int], *, actor_id: int | None) -> Order:
    return lifecycle.return_to_stock(order_id, quantities, actor_label(actor_id), _audit(actor_id, "order.restock"))
