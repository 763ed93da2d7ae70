"""The order lifecycle: every transition of an order, in one module.

place, update (checkout resumed), pay, expire, cancel (unpaid: void; paid and unshipped: full refund and
restock), ship, deliver, refund (by line and quantity or by amount, each line optionally back on the shelf) and
return to stock. Each one changes a status through ``states.transition`` (which writes the OrderEvent), moves
stock through ``inventory`` (every ledger row names its actor) and queues its email through ``orders.emails``,
in one transaction. Admin views, checkout, webhooks and jobs call only these functions.

Actors: the signed-in admin's email, "webhook:stripe", "job:<name>", "customer" or the customer's email.

Refunds never hold a lock during the provider call: ``begin_refund`` records the intent (a pending Refund row,
counted against what is left to refund), ``execute_refund`` calls the provider with the refund's idempotency key
outside any transaction, then ``complete_refund`` records the answer (money, lines, stock, status, email). A crash
between the two leaves a pending refund that ``reconcile_pending_refunds`` finishes (the same key: Stripe refunds
once).
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import func, select, update

from store.catalog.availability import name_for
from store.db import lock_row, transaction
from store.extensions import db
from store.inventory import services as inventory
from store.inventory.services import OutOfStock
from store.money import format_money
from store.pricing import engine
from store.pricing import services as pricing
from store.orders import emails as order_emails
from store.orders import figures
from store.orders.models import Order, OrderLine, Refund, RefundLine, RefundStatus
from store.orders.states import (
    CLOSED_UNPAID, PAID_STATUSES, SHIPPABLE_PAYMENT, ConcurrentTransition, FulfilmentStatus as F, InvalidTransition,
    Machine, PaymentStatus as P, label, note_event, transition,
)
from store.util import int_in_range, utcnow

log = logging.getLogger(__name__)

ACTOR_WEBHOOK = "webhook:stripe"
ACTOR_EXPIRE_JOB = "job:expire-orders"
ACTOR_RECONCILE_JOB = "job:reconcile-payments"

PAID_TOO_LATE = "paid after the order had closed and the stock was gone: refunded automatically"


class LifecycleError(Exception):
    """A move the shop or the shopper asked for that cannot be made; ``str(error)`` is safe to show."""


class OrderMissing(LifecycleError):
    pass


class RefundError(LifecycleError):
    pass


def _locked(order_id: int) -> Order:
    order = lock_row(Order, order_id)
    if order is None:
        raise OrderMissing("That order no longer exists.")
    return order


def _item_name(line: OrderLine) -> str:
    return name_for(line.product_name, line.variant_label)


# ------------------------------------------------------------------ placing (inside checkout's transaction)

def reserve_lines(order: Order, actor: str) -> None:
    """Reserve every line's stock (variant ids ascending: concurrent checkouts lock rows in one order)."""
    for line in sorted(order.lines, key=lambda l: l.variant_id or 0):
        if line.variant_id is None:
            raise OutOfStock(0, line.quantity, 0, _item_name(line))
        inventory.reserve(line.variant_id, line.quantity, order_id=order.id, name=_item_name(line), actor=actor)


def release_lines(order: Order, actor: str, note: str) -> None:
    for line in order.lines:
        if line.variant_id is not None:
            inventory.release(line.variant_id, line.quantity, order_id=order.id, note=note, actor=actor)


def placed(order: Order, actor: str, note: str) -> None:
    """A new order (rows already added by checkout): reserve its stock and write the "placed" event."""
    db.session.flush()
    reserve_lines(order, actor)
    note_event(order, actor, note)
    db.session.flush()


def replace_lines(order: Order, new_lines: list[OrderLine], actor: str, note: str) -> None:
    """Checkout resumed with a changed cart: the same order (same number) gets the new lines, and its reservation
    follows (the old one released, the new one reserved, in this transaction: all or nothing)."""
    if order.payment_status != P.PENDING:
        raise InvalidTransition(order.number, order.payment_status, P.PENDING,
                                f"Order {order.number} is no longer awaiting payment.")
    release_lines(order, actor, "Checkout updated: reservation adjusted to the cart")
    order.lines.clear()
    db.session.flush()
    order.lines.extend(new_lines)
    db.session.flush()
    reserve_lines(order, actor)
    note_event(order, actor, note)


# ------------------------------------------------------------------ closing an unpaid order (the one place)

def close_unpaid_locked(order: Order, status: P, actor: str, note: str, *, email: bool = False) -> None:
    """Expire or void a pending order and release its stock (inside the caller's transaction, order locked)."""
    transition(order, Machine.PAYMENT, status, actor, note)
    release_lines(order, actor, note)
    if pricing.release(order.id):
        note_event(order, actor, f"Discount code {order.discount_code} given back (the order closed unpaid)")
    if email:
        order_emails.queue_cancelled(order, note)


def close_unpaid(order_id: int, status: P, actor: str, note: str, *, email: bool = False,
                 only_if_due: bool = False) -> bool:
    """Close one pending order in its own transaction. False when it was no longer pending (nothing written)."""
    try:
        with transaction(write=True):
            order = lock_row(Order, order_id)
            if order is None or order.payment_status != P.PENDING:
                return False
            if only_if_due and (order.expires_at is None or order.expires_at >= utcnow()):
                return False  # extended meanwhile (a new Checkout Session)
            close_unpaid_locked(order, status, actor, note, email=email)
    except ConcurrentTransition:
        return False
    return True


def expire(order_id: int, actor: str = ACTOR_EXPIRE_JOB, note: str = "Reservation expired unpaid") -> bool:
    return close_unpaid(order_id, P.EXPIRED, actor, note)


def cancel_unpaid(order_id: int, actor: str, note: str, *, email: bool = False,
                  audit: Callable[[Order, dict], None] | None = None) -> Order:
    """Void an unpaid order (shopper or shop). Raises InvalidTransition when it is not awaiting payment."""
    with transaction(write=True):
        order = _locked(order_id)
        if order.payment_status != P.PENDING:
            raise InvalidTransition(order.number, order.payment_status, P.VOIDED,
                                    f"Order {order.number} is {label(order.payment_status).lower()}: only an "
                                    "order awaiting payment can be cancelled this way.")
        close_unpaid_locked(order, P.VOIDED, actor, note, email=email)
        if audit:
            audit(order, {"payment_status": [P.PENDING.value, order.payment_status]})
    return order


# ------------------------------------------------------------------ paying

@dataclass(frozen=True)
class PaymentData:
    """What a verified payment source says (a Stripe Checkout Session, or the demo payment page)."""
    payment_status: str
    amount_total: int | None
    currency: str
    provider: str = "stripe"
    session_id: str | None = None
    payment_intent: str | None = None
    order_id: int | None = None

    @classmethod
    def from_stripe_session(cls, session: Mapping[str, Any]) -> "PaymentData":
        metadata = session.get("metadata")
        order_id = int_in_range(metadata.get("order_id")) if isinstance(metadata, Mapping) else None
        intent = session.get("payment_intent")
        if isinstance(intent, Mapping):
            intent = intent.get("id")
        session_id = session.get("id")
        return cls(payment_status=str(session.get("payment_status") or ""),
                   amount_total=session.get("amount_total"), currency=str(session.get("currency") or ""),
                   provider="stripe", session_id=session_id if isinstance(session_id, str) else None,
                   payment_intent=intent if isinstance(intent, str) else None, order_id=order_id)

    @classmethod
    def demo(cls, order: Order) -> "PaymentData":
        return cls(payment_status="paid", amount_total=order.total_cents, currency=order.currency.lower(),
                   provider="demo", order_id=order.id)


@dataclass
class FulfilResult:
    outcome: str  # paid | already_paid | processing | mismatch | not_found | paid_refunded
    order: Order | None = None
    send_confirmation: bool = False
    first_payment: bool = False
    refund_id: int | None = None  # an automatic refund to send once committed (paid too late)
    notes: list[str] = field(default_factory=list)

    @property
    def paid(self) -> bool:
        return self.outcome in ("paid", "already_paid", "paid_refunded")


def payment_is_this_orders(order: Order, payment: PaymentData) -> bool:
    """A Stripe payment belongs to an order only through the order's own Checkout Session (the id saved when
    the session was created) or the PaymentIntent already recorded on it; metadata and amount alone never do."""
    if payment.session_id and order.stripe_session_id:
        return str(payment.session_id) == order.stripe_session_id
    if payment.payment_intent and order.stripe_payment_intent:
        return str(payment.payment_intent) == order.stripe_payment_intent
    return False


def _consume(order: Order, actor: str) -> None:
    for line in order.lines:
        if line.variant_id is not None:
            inventory.consume(line.variant_id, line.quantity, order_id=order.id, actor=actor)


def _rereserve(order: Order, actor: str) -> bool:
    """Reserve a closed order's stock again (all lines or none). True when it worked."""
    try:
        with db.session.begin_nested():
            reserve_lines(order, actor)
    except OutOfStock:
        return False
    return True


def _redeem_again(order: Order, actor: str) -> None:
    """A closed order paid after all kept its discount (the shopper paid the discounted total): count its code
    again. When the code has meanwhile been used up or ended, the discount is honoured and the event says so."""
    code_id = pricing.code_id(order.discount_code)
    if code_id is None:
        return
    try:
        with db.session.begin_nested():
            pricing.redeem(code_id, order_id=order.id, email=order.email,
                           amount_cents=order.discount_cents + order.shipping_discount_cents)
    except pricing.CodeRejected as exc:
        note_event(order, actor, f"Discount code {order.discount_code} honoured though it can no longer be "
                                 f"used ({exc})"[:500])


def pay_locked(order: Order, payment: PaymentData, actor: str) -> FulfilResult:
    """The payment rules, inside the caller's transaction, on a locked order. Safe to call any number of times.

    Pending: consume the reservation, mark paid, take what was ordered out of the cart, queue the confirmation.
    Closed (expired / voided) and the stock can be reserved again: the same. Closed and the stock is gone: mark
    paid, record a full automatic refund (sent once committed) and queue an apology instead of a confirmation."""
    if payment.provider == "stripe" and not payment_is_this_orders(order, payment):
        log.error("Order %s: ignored a Stripe payment for session %r / payment %r, which is not the order's "
                  "(session %r)", order.number, payment.session_id, payment.payment_intent, order.stripe_session_id)
        return FulfilResult("mismatch", order, notes=["not this order's Checkout Session"])
    if order.payment_status in PAID_STATUSES:
        return FulfilResult("already_paid", order)
    if payment.payment_status != "paid":
        return FulfilResult("processing", order)
    if payment.amount_total != order.total_cents or payment.currency.lower() != order.currency.lower():
        note = (f"payment does not match the order: received {payment.amount_total} {payment.currency.upper()}, "
                f"expected {order.total_cents} {order.currency.upper()}; check the payment before shipping")
        log.error("Order %s: %s", order.number, note)
        order.needs_attention = note[:300]
        return FulfilResult("mismatch", order)

    late = order.payment_status in CLOSED_UNPAID
    was = label(order.payment_status).lower()
    in_stock = (not late) or _rereserve(order, actor)
    if in_stock:
        _consume(order, actor)
    if late and in_stock and order.discount_code:
        _redeem_again(order, actor)
    note = (f"Payment received ({payment.provider})" if not late else
            f"Payment received after the order was {was}; " + ("stock reserved again" if in_stock else
                                                                  "stock is gone: refunded automatically"))
    transition(order, Machine.PAYMENT, P.PAID, actor, note)
    order.paid_cents = payment.amount_total
    order.payment_provider = payment.provider
    if payment.payment_intent:
        order.stripe_payment_intent = payment.payment_intent
    if not in_stock:
        log.error("Order %s was paid after it %s and its stock is gone: refunding automatically", order.number, was)
        refund = _record_intent(order, amount=order.paid_cents, lines=[], reason=PAID_TOO_LATE,
                                key=f"late-{order.id}", actor=actor, kind="late")
        order_emails.queue_paid_too_late(order)
        return FulfilResult("paid_refunded", order, first_payment=True, refund_id=refund.id)
    if order.cart_id is not None:
        from store.cart.services import remove_ordered
        remove_ordered(order.cart_id, [(l.variant_id, l.quantity) for l in order.lines if l.variant_id])
    order.cart_id = None
    send = order.confirmation_sent_at is None and order_emails.queue_confirmation(order) is not None
    return FulfilResult("paid", order, send_confirmation=send, first_payment=True)


def pay(order_id: int, payment: PaymentData, actor: str, send_refund: Callable | None = None) -> FulfilResult:
    """Verify a payment and fulfil the order in one transaction; then send an automatic refund if one is due."""
    if payment.order_id is not None and payment.order_id != order_id:
        return FulfilResult("mismatch", None, notes=["payment belongs to another order"])
    try:
        with transaction(write=True):
            order = lock_row(Order, order_id)
            if order is None:
                return FulfilResult("not_found")
            result = pay_locked(order, payment, actor)
    except ConcurrentTransition:
        return FulfilResult("already_paid", db.session.get(Order, order_id))
    after_payment(result, actor, send_refund)
    return result


def after_payment(result: FulfilResult, actor: str, send_refund: Callable | None) -> None:
    """Once the payment is committed: send the automatic refund of a payment that came too late."""
    if result.refund_id is not None and send_refund is not None:
        execute_refund(result.refund_id, send_refund, actor)


# ------------------------------------------------------------------ fulfilment

def ship(order_id: int, carrier: str, tracking_number: str, actor: str,
         audit: Callable[[Order, dict], None] | None = None) -> Order:
    carrier, tracking_number = (carrier or "").strip()[:80], (tracking_number or "").strip()[:120]
    if not carrier or not tracking_number:
        raise LifecycleError("Enter the carrier and the tracking number.")
    with transaction(write=True):
        order = _locked(order_id)
        if order.payment_status not in SHIPPABLE_PAYMENT:
            raise InvalidTransition(order.number, order.fulfilment_status, F.SHIPPED,
                                    f"Order {order.number} is {label(order.payment_status).lower()}: only a paid "
                                    "order can be shipped.")
        before = {"fulfilment_status": order.fulfilment_status, "carrier": order.carrier,
                  "tracking_number": order.tracking_number}
        transition(order, Machine.FULFILMENT, F.SHIPPED, actor, f"Shipped with {carrier}, tracking {tracking_number}")
        order.carrier, order.tracking_number = carrier, tracking_number
        order_emails.queue_shipped(order)
        if audit:
            audit(order, {k: [before[k], getattr(order, k)] for k in before if before[k] != getattr(order, k)})
    return order


def deliver(order_id: int, actor: str, audit: Callable[[Order, dict], None] | None = None) -> Order:
    with transaction(write=True):
        order = _locked(order_id)
        if order.fulfilment_status != F.SHIPPED:
            raise InvalidTransition(order.number, order.fulfilment_status, F.DELIVERED,
                                    f"Order {order.number} is {label(order.fulfilment_status).lower()}: only a "
                                    "shipped order can be marked as delivered. Nothing was changed.")
        before = order.fulfilment_status
        transition(order, Machine.FULFILMENT, F.DELIVERED, actor, "Marked as delivered")
        order_emails.queue_delivered(order)
        if audit:
            audit(order, {"fulfilment_status": [before, order.fulfilment_status]})
    return order


def _restock_lines(order: Order, wanted: Mapping[int, int], actor: str, note: str) -> None:
    lines = {l.id: l for l in order.lines}
    for line_id, quantity in sorted(wanted.items()):
        line = lines[line_id]
        if quantity <= 0:
            continue
        if line.variant_id is not None:
            inventory.return_to_stock(line.variant_id, quantity, order_id=order.id, actor=actor, note=note)
        db.session.execute(update(OrderLine).where(OrderLine.id == line.id,
                                                   OrderLine.restocked_quantity + quantity <= OrderLine.quantity)
                           .values(restocked_quantity=OrderLine.restocked_quantity + quantity)
                           .execution_options(synchronize_session=False))
        line.restocked_quantity += quantity
    if order.fulfilment_status in (F.SHIPPED, F.DELIVERED) and all(
            l.restocked_quantity >= l.quantity for l in order.lines):
        transition(order, Machine.FULFILMENT, F.RETURNED, actor, "Every item came back and is on the shelf again")


def return_to_stock(order_id: int, quantities: Mapping[int, int], actor: str,
                    audit: Callable[[Order, dict], None] | None = None) -> Order:
    """Put units of a paid order back on the shelf (goods that came back). For an unshipped order only units
    already refunded (the rest are still to be shipped)."""
    with transaction(write=True):
        order = _locked(order_id)
        if order.payment_status not in PAID_STATUSES:
            raise LifecycleError(f"Order {order.number} was never paid: its stock was released already.")
        lines = {l.id: l for l in order.lines}
        wanted = {}
        for line_id, quantity in quantities.items():
            line = lines.get(line_id)
            if line is None:
                raise LifecycleError("That item is not on this order.")
            if quantity <= 0:
                continue
            limit = line.restockable_quantity if order.fulfilment_status != F.UNFULFILLED else \
                line.refunded_quantity - line.restocked_quantity
            if quantity > limit:
                raise LifecycleError(f"{_item_name(line)}: at most {max(limit, 0)} can go back to stock.")
            wanted[line_id] = quantity
        if not wanted:
            raise LifecycleError("Choose at least one item to put back in stock.")
        _restock_lines(order, wanted, actor, f"Returned to stock from order {order.number}")
        note_event(order, actor, "Returned to stock: " + ", ".join(
            f"{q} × {_item_name(lines[i])}" for i, q in sorted(wanted.items())), Machine.FULFILMENT)
        if audit:
            audit(order, {"restocked": [None, {str(k): v for k, v in wanted.items()}]})
    return order


# ------------------------------------------------------------------ refunds

@dataclass(frozen=True)
class RefundRequest:
    """What to refund: line quantities ({order line id: quantity}) and/or an amount; which lines go back on the
    shelf ({line id: quantity}). With lines and no amount, the amount is the lines' price."""
    lines: Mapping[int, int] = field(default_factory=dict)
    amount_cents: int | None = None
    restock: Mapping[int, int] = field(default_factory=dict)
    reason: str = ""
    shipping: bool = False        # also refund the shipping paid (its tax included)


def default_restock(order: Order) -> bool:
    """The form's default for "put back in stock": on for an unshipped order, off once it left the building."""
    return order.fulfilment_status == F.UNFULFILLED


def pending_refunds(order: Order) -> list[Refund]:
    return [r for r in db.session.scalars(select(Refund).where(Refund.order_id == order.id,
                                                                Refund.status == RefundStatus.PENDING))]


def refundable_cents(order: Order) -> int:
    """Paid, minus refunded, minus refunds still on their way."""
    pending = db.session.scalar(select(func.coalesce(func.sum(Refund.amount_cents), 0))
                                .where(Refund.order_id == order.id, Refund.status == RefundStatus.PENDING)) or 0
    return max(order.paid_cents - order.refunded_cents - int(pending), 0)


def can_refund(order: Order) -> bool:
    return order.payment_status in (P.PAID, P.PARTIALLY_REFUNDED) and refundable_cents(order) > 0


def shipping_refundable_cents(order: Order) -> int:
    """The shipping paid (with its tax when added on top) not yet refunded or being refunded."""
    taken = db.session.scalar(select(func.coalesce(func.sum(Refund.shipping_cents), 0)).where(
        Refund.order_id == order.id, Refund.status.in_((RefundStatus.PENDING, RefundStatus.SUCCEEDED)))) or 0
    return max(order.shipping_total_cents - int(taken), 0)


def _pending_line_quantities(order: Order) -> dict[int, tuple[int, int]]:
    """{line id: (units being refunded, units being restocked)} over pending refunds."""
    rows = db.session.execute(
        select(RefundLine.order_line_id, RefundLine.quantity, RefundLine.restock).join(Refund)
        .where(Refund.order_id == order.id, Refund.status == RefundStatus.PENDING)).all()
    out: dict[int, tuple[int, int]] = {}
    for line_id, quantity, restock in rows:
        refunded, restocked = out.get(line_id, (0, 0))
        out[line_id] = (refunded + quantity, restocked + (quantity if restock else 0))
    return out


def _record_intent(order: Order, *, amount: int, lines: list[tuple[OrderLine, int, bool]], reason: str, key: str,
                   actor: str, kind: str = "refund", shipping_cents: int = 0, tax_cents: int = 0) -> Refund:
    refund = Refund(order_id=order.id, amount_cents=amount, reason=reason[:300], idempotency_key=key[:120],
                    actor=actor[:120], status=RefundStatus.PENDING, kind=kind, shipping_cents=shipping_cents,
                    tax_cents=tax_cents)
    refund.lines = [RefundLine(order_line_id=line.id, quantity=q, restock=restock) for line, q, restock in lines]
    db.session.add(refund)
    db.session.flush()
    note_event(order, actor, f"Refund of {format_money(amount, order.currency)} requested"
               + (f": {reason}" if reason else ""))
    return refund


def begin_refund(order_id: int, request: RefundRequest, key: str, actor: str, *, kind: str = "refund",
                 audit: Callable[[Order, dict], None] | None = None) -> tuple[Refund, bool]:
    """Record a refund intent (one transaction). Returns (refund, created); the same key again returns the
    first refund. Raises RefundError (nothing written) when it is not within what is left."""
    key = (key or "").strip()[:120]
    if not key:
        raise RefundError("The refund form is missing its one-time key; reload the page and try again.")
    with transaction(write=True):
        order = _locked(order_id)
        existing = db.session.scalar(select(Refund).where(Refund.idempotency_key == key))
        if existing is not None:
            if existing.order_id != order_id:
                raise RefundError("That refund key belongs to another order.")
            return existing, False
        if order.payment_status not in (P.PAID, P.PARTIALLY_REFUNDED):
            raise RefundError(f"Order {order.number} is {label(order.payment_status).lower()} and cannot be "
                              "refunded.")
        lines = {l.id: l for l in order.lines}
        pending = _pending_line_quantities(order)
        chosen: list[tuple[OrderLine, int, bool]] = []
        line_total = line_tax = 0
        for line_id, quantity in sorted(request.lines.items()):
            line = lines.get(line_id)
            if line is None:
                raise RefundError("That item is not on this order.")
            if quantity <= 0:
                continue
            left = line.refundable_quantity - pending.get(line_id, (0, 0))[0]
            if quantity > left:
                raise RefundError(f"{_item_name(line)}: at most {max(left, 0)} more can be refunded.")
            restock_q = int(request.restock.get(line_id, 0) or 0)
            if restock_q and restock_q != quantity:
                raise RefundError(f"{_item_name(line)}: put back in stock all the refunded units or none.")
            if restock_q and line.restocked_quantity + pending.get(line_id, (0, 0))[1] + quantity > line.quantity:
                raise RefundError(f"{_item_name(line)}: those units are already back in stock.")
            chosen.append((line, quantity, bool(restock_q)))
            # What the units cost: their share of the discount off, their tax on (the engine's rule).
            already = line.refunded_quantity + pending.get(line_id, (0, 0))[0]
            line_total += figures.line_refund_cents(line, quantity, already=already)
            line_tax += figures.line_refund_tax_cents(line, quantity, already=already)
        shipping = 0
        if request.shipping:
            shipping = shipping_refundable_cents(order)
            if shipping <= 0:
                raise RefundError("The shipping of this order was refunded already (or it shipped free).")
            line_tax += order.shipping_tax_cents if shipping == order.shipping_total_cents else 0
        amount = request.amount_cents if request.amount_cents is not None else line_total + shipping
        # The tax inside the refund: exact when it is the items' and shipping's own amount; an amount typed by
        # hand carries the tax in proportion to the order's (rounded half up), never more than the refund.
        tax = line_tax if request.amount_cents is None else engine.amount_tax_share(
            amount, tax_cents=order.tax_cents, total_cents=order.total_cents)
        if not isinstance(amount, int) or amount <= 0:
            raise RefundError("Enter an amount to refund, more than 0, or choose the items to refund.")
        left = refundable_cents(order)
        if amount > left:
            raise RefundError(f"You can refund at most {format_money(left, order.currency)} more on this order "
                              f"(paid {format_money(order.paid_cents, order.currency)}, already refunded "
                              f"{format_money(order.paid_cents - left, order.currency)}).")
        refund = _record_intent(order, amount=amount, lines=chosen, reason=(request.reason or "").strip(), key=key,
                                actor=actor, kind=kind, shipping_cents=min(shipping, amount), tax_cents=tax)
        if audit:
            audit(order, {"refund_requested_cents": [None, amount]})
    return refund, True


def execute_refund(refund_id: int, send_refund: Callable[[str, str | None, int, str], str], actor: str) -> Refund:
    """Send a pending refund to the provider (no transaction or lock open during the call), then record the
    answer. ``send_refund(provider, payment_intent, amount, idempotency_key)`` returns the provider's refund id
    or raises an exception whose text is safe to show (the refund is then recorded as failed)."""
    refund = db.session.get(Refund, refund_id)
    if refund is None or refund.status != RefundStatus.PENDING:
        return refund
    order = db.session.get(Order, refund.order_id)
    provider, intent, amount, key = order.payment_provider, order.stripe_payment_intent, refund.amount_cents, \
        f"refund-{refund.idempotency_key}"
    db.session.rollback()  # no transaction stays open while the provider is called
    try:
        provider_id = send_refund(provider, intent, amount, key)
    except Exception as error:  # noqa: BLE001  (any provider failure is recorded; the refund did not happen)
        log.warning("Refund %s of order %s failed: %s", refund_id, order.number, error)
        return complete_refund(refund_id, None, str(error) or type(error).__name__, actor)
    return complete_refund(refund_id, provider_id, None, actor)


def _status_after_refund(order: Order) -> P:
    """The one rule: everything paid went back -> refunded, else partially refunded."""
    return P.REFUNDED if order.refunded_cents >= order.paid_cents else P.PARTIALLY_REFUNDED


def _apply_refund(order: Order, refund: Refund, actor: str) -> None:
    """Count a succeeded refund: money (never above paid), lines, stock, status."""
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.refunded_cents + refund.amount_cents <= Order.paid_cents)
        .values(refunded_cents=Order.refunded_cents + refund.amount_cents)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise RefundError("That refund would exceed the amount paid; nothing was recorded.")
    db.session.refresh(order, ["refunded_cents", "paid_cents"])
    restock = {}
    for rl in refund.lines:
        db.session.execute(update(OrderLine).where(OrderLine.id == rl.order_line_id)
                           .values(refunded_quantity=OrderLine.refunded_quantity + rl.quantity)
                           .execution_options(synchronize_session=False))
        if rl.restock:
            restock[rl.order_line_id] = restock.get(rl.order_line_id, 0) + rl.quantity
    for line in order.lines:
        db.session.refresh(line, ["refunded_quantity", "restocked_quantity"])
    target = _status_after_refund(order)
    transition(order, Machine.PAYMENT, target, actor,
               f"Refunded {format_money(refund.amount_cents, order.currency)} "
               f"({format_money(order.refunded_cents, order.currency)} of "
               f"{format_money(order.paid_cents, order.currency)} in total)"
               + (f": {refund.reason}" if refund.reason else ""))
    if restock:
        _restock_lines(order, restock, actor, f"Refund on order {order.number}")


def complete_refund(refund_id: int, provider_id: str | None, failure: str | None, actor: str) -> Refund:
    """Record the provider's answer (one transaction). Idempotent: a refund no longer pending is left alone."""
    with transaction(write=True):
        refund = db.session.get(Refund, refund_id)
        order = _locked(refund.order_id)
        refund = lock_row(Refund, refund_id)
        if refund.status != RefundStatus.PENDING:
            return refund
        refund.completed_at = utcnow()
        if failure is not None:
            refund.status, refund.failure = RefundStatus.FAILED, failure[:300]
            note_event(order, actor, f"Refund of {format_money(refund.amount_cents, order.currency)} failed: "
                                     f"{failure}"[:500])
            if refund.kind == "late":
                order.needs_attention = "paid too late; the automatic refund failed: refund it by hand"
            return refund
        refund.status, refund.provider_refund_id = RefundStatus.SUCCEEDED, provider_id or None
        _apply_refund(order, refund, actor)
        if refund.kind == "cancel":
            note_event(order, actor, "Order cancelled: refunded in full and restocked", Machine.FULFILMENT)
            order_emails.queue_cancelled(order, refund.reason or "Cancelled by the shop")
        elif refund.kind != "late":  # the apology already said the money is coming back
            order_emails.queue_refund(order, refund)
    return refund


def refund(order_id: int, request: RefundRequest, key: str, actor: str, send_refund: Callable, *,
           kind: str = "refund", audit: Callable[[Order, dict], None] | None = None) -> tuple[Refund, bool]:
    """Record, send and complete a refund. Returns (refund, created); a failed refund comes back with
    status "failed" and its ``failure`` text."""
    record, created = begin_refund(order_id, request, key, actor, kind=kind, audit=audit)
    if record.status == RefundStatus.PENDING:
        record = execute_refund(record.id, send_refund, actor)
    return record, created


def cancel_paid(order_id: int, reason: str, key: str, actor: str, send_refund: Callable,
                audit: Callable[[Order, dict], None] | None = None) -> Refund:
    """Cancel a paid, unshipped order in one action: a full refund, every line back on the shelf."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise OrderMissing("That order no longer exists.")
    if order.fulfilment_status != F.UNFULFILLED or order.payment_status not in (P.PAID, P.PARTIALLY_REFUNDED):
        raise LifecycleError(f"Order {order.number} is {label(order.payment_status).lower()} and "
                             f"{label(order.fulfilment_status).lower()}: only a paid order that has not shipped "
                             "can be cancelled.")
    pending = _pending_line_quantities(order)
    lines = {l.id: l.refundable_quantity - pending.get(l.id, (0, 0))[0] for l in order.lines}
    lines = {k: v for k, v in lines.items() if v > 0}
    restock = {l.id: lines[l.id] for l in order.lines if l.id in lines
               and l.restocked_quantity + lines[l.id] <= l.quantity}
    amount = refundable_cents(order)
    shipping = shipping_refundable_cents(order) > 0
    db.session.rollback()
    record, _ = refund(order_id, RefundRequest(lines=lines, amount_cents=amount, restock=restock, shipping=shipping,
                                               reason=reason or "Cancelled by the shop"),
                       key, actor, send_refund, kind="cancel", audit=audit)
    return record


def reconcile_pending_refunds(send_refund: Callable, actor: str = ACTOR_RECONCILE_JOB,
                              older_than: timedelta = timedelta(minutes=5)) -> int:
    """Finish refunds left pending (a crash between recording and the provider's answer): send them again with
    the same idempotency key (the provider refunds once) and record the answer."""
    ids = list(db.session.scalars(select(Refund.id).where(Refund.status == RefundStatus.PENDING,
                                                          Refund.created_at < utcnow() - older_than)
                                  .order_by(Refund.id)))
    db.session.rollback()
    for refund_id in ids:
        execute_refund(refund_id, send_refund, actor)
    return len(ids)


def record_external_refund(order: Order, total_refunded: int, actor: str, reference: str) -> str:
    """Stripe says more was refunded than the store knows of (a refund made in Stripe's dashboard): record the
    difference as a succeeded refund (inside the caller's transaction, order locked)."""
    pending = db.session.scalar(select(func.coalesce(func.sum(Refund.amount_cents), 0))
                                .where(Refund.order_id == order.id, Refund.status == RefundStatus.PENDING)) or 0
    known = order.refunded_cents + int(pending)
    if total_refunded <= known:
        return "no effect: refund already recorded"
    if order.payment_status not in (P.PAID, P.PARTIALLY_REFUNDED):
        order.needs_attention = f"Stripe reports {total_refunded} refunded while the order is {order.payment_status}"
        note_event(order, actor, order.needs_attention)
        return "flagged"
    amount = min(total_refunded, order.paid_cents) - known
    if amount <= 0:
        return "no effect: refund already recorded"
    record = Refund(order_id=order.id, amount_cents=amount, reason="Refunded in the payment provider's dashboard",
                    idempotency_key=f"external-{reference}-{total_refunded}"[:120], actor=actor,
                    status=RefundStatus.SUCCEEDED, kind="external", completed_at=utcnow())
    db.session.add(record)
    db.session.flush()
    _apply_refund(order, record, actor)
    order_emails.queue_refund(order, record)
    return str(order.payment_status)


def new_refund_key() -> str:
    return secrets.token_urlsafe(16)


def lines_from(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for line_id, quantity in pairs:
        out[line_id] = out.get(line_id, 0) + quantity
    return out


# ------------------------------------------------------------------ expiry (the scheduled job)

def due_for_expiry(now=None) -> list[int]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Order.id).where(Order.payment_status == P.PENDING.value, Order.expires_at.is_not(None),
                               Order.expires_at < now).order_by(Order.id)))


def expire_due_orders(now=None, actor: str = ACTOR_EXPIRE_JOB) -> int:
    """Expire every pending order past its expires_at, each in its own transaction. Idempotent and safe to run
    concurrently (each expiry is one conditional transition)."""
    ids = due_for_expiry(now)
    db.session.rollback()
    return sum(1 for order_id in ids if close_unpaid(order_id, P.EXPIRED, actor, "Reservation expired unpaid"))
