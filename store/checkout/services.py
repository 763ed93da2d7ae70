"""Checkout: placing an order (prices from the database, stock reserved atomically) and fulfilling it
once payment is verified (the same function for the Stripe webhook, the Stripe return page and the demo
payment page).

One transaction per use case, committed here. The confirmation email is an outbox row written in the payment's
transaction; a worker delivers it (no request talks to SMTP).
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Iterable, Mapping

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from store.catalog.availability import display_name, is_purchasable, name_for
from store.catalog.models import Variant
from store.extensions import db
from store.inventory import services as inventory
from store.inventory.services import OutOfStock
from store.orders import emails as order_emails
from store.orders.models import Order, OrderEvent, OrderLine
from store.db import transaction
from store.orders.services import lock_order, order_token
from store.orders.states import PAID_STATES, ConcurrentTransition, OrderState, transition
from store.safety.models import DisclaimerKind
from store.safety import services as safety
from store.safety.services import MissingDisclaimer, current_disclaimer
from store.util import DB_INT_MAX, int_in_range, utcnow

log = logging.getLogger(__name__)

__all__ = ["CheckoutError", "OutOfStock", "StaleAcknowledgment", "ShippingAddress", "place_order", "quote",
           "PaymentData", "fulfil_order", "FulfilResult"]

# Unambiguous alphabet for order numbers: no 0/O, 1/I/L, U/V.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"

SHIPPING_METHODS = {
    "standard": "Standard shipping (3 to 5 business days)",
}

PAID_AFTER_EXPIRY_NO_STOCK = "paid after expiry; stock gone — refund"


class CheckoutError(Exception):
    """A problem the shopper can fix (shown as a message)."""


class EmptyOrder(CheckoutError):
    pass


class ItemUnavailable(CheckoutError):
    pass


class StaleAcknowledgment(CheckoutError):
    """The shopper acknowledged an older (or no) version of the safety information."""


@dataclass(frozen=True)
class ShippingAddress:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str = "US"
    line2: str = ""
    region: str = ""


@dataclass(frozen=True)
class Quote:
    subtotal_cents: int
    shipping_cents: int

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.shipping_cents


def shipping_cents(subtotal_cents: int, method: str = "standard") -> int:
    """Flat rate, free at or above the threshold (both from config)."""
    if method not in SHIPPING_METHODS:
        raise CheckoutError("Choose a shipping method.")
    config = current_app.config
    if subtotal_cents >= config["FREE_SHIPPING_THRESHOLD_CENTS"]:
        return 0
    return config["SHIPPING_FLAT_CENTS"]


def quote(subtotal_cents: int, method: str = "standard") -> Quote:
    return Quote(subtotal_cents, shipping_cents(subtotal_cents, method))


def new_order_number() -> str:
    """"KW-" and 8 random characters (29^8, about 5e11 possibilities), grouped for reading: KW-7K3Q-H2XD."""
    for _ in range(10):
        raw = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
        number = f"KW-{raw[:4]}-{raw[4:]}"
        if db.session.scalar(select(Order.id).where(Order.number == number)) is None:
            return number
    raise RuntimeError("could not find a free order number")  # pragma: no cover (astronomically unlikely)


def _merge_lines(lines: Iterable[tuple[int, int]]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for variant_id, quantity in lines:
        variant_id, quantity = int(variant_id), int(quantity)
        if quantity <= 0:
            raise CheckoutError("Quantities must be at least 1.")
        merged[variant_id] = merged.get(variant_id, 0) + quantity
    if not merged:
        raise EmptyOrder("Your cart is empty.")
    return merged


def check_acknowledgment(disclaimer_id: int | None, disclaimer_version: int | None):
    try:
        current = current_disclaimer(DisclaimerKind.PRODUCT)
    except MissingDisclaimer:
        raise CheckoutError("Checkout is unavailable until the store's safety information is published.") from None
    if disclaimer_id != current.id or disclaimer_version != current.version:
        raise StaleAcknowledgment(
            "The safety information was updated since you opened this page. Please read it and confirm again.")
    return current


def place_order(*, email: str, user_id: int | None, address: ShippingAddress, shipping_method: str,
                disclaimer_id: int | None, disclaimer_version: int | None,
                lines: Iterable[tuple[int, int]], payment_provider: str = "demo",
                actor: str | None = None) -> Order:
    """Create the order, its lines and its stock reservations in one transaction, or nothing at all.

    Prices, names and SKUs come from the database, never from the caller. Raises OutOfStock (naming the
    item), ItemUnavailable, StaleAcknowledgment, EmptyOrder or CheckoutError; on any error nothing is written.
    """
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise CheckoutError("Enter an email address for your receipt.")
    wanted = _merge_lines(lines)
    config = current_app.config
    with transaction(write=True):
        disclaimer = check_acknowledgment(disclaimer_id, disclaimer_version)
        variants = {v.id: v for v in db.session.scalars(
            select(Variant).where(Variant.id.in_(wanted)).options(selectinload(Variant.product)))}
        order_lines = []
        for variant_id in sorted(wanted):
            variant = variants.get(variant_id)
            if variant is None or not is_purchasable(variant):
                name = display_name(variant) if variant is not None else "An item in your cart"
                raise ItemUnavailable(f"{name} is no longer available. Remove it from your cart to continue.")
            quantity = wanted[variant_id]
            order_lines.append(OrderLine(
                variant_id=variant.id, product_name=variant.product.name, variant_label=variant.option_label,
                sku=variant.sku, unit_price_cents=variant.price_cents, quantity=quantity,
                line_total_cents=variant.price_cents * quantity, **safety.warnings_snapshot(variant.product)))
        subtotal = sum(line.line_total_cents for line in order_lines)
        shipping = shipping_cents(subtotal, shipping_method)
        if subtotal + shipping > DB_INT_MAX:  # the order's total is an INTEGER column
            raise CheckoutError("This order is larger than we can take online. Please split it into smaller "
                                "orders, or contact us.")
        now = utcnow()
        order = Order(
            number=new_order_number(), user_id=user_id, email=email, state=OrderState.PENDING_PAYMENT.value,
            currency=config["STORE_CURRENCY"], subtotal_cents=subtotal, shipping_cents=shipping,
            total_cents=subtotal + shipping, shipping_method=shipping_method,
            ship_name=address.name.strip(), ship_line1=address.line1.strip(), ship_line2=address.line2.strip(),
            ship_city=address.city.strip(), ship_region=address.region.strip(),
            ship_postal_code=address.postal_code.strip(), ship_country=address.country.strip().upper(),
            disclaimer_id=disclaimer.id, disclaimer_version=disclaimer.version,
            payment_provider=payment_provider, placed_at=now,
            expires_at=now + timedelta(minutes=config["RESERVATION_MINUTES"]))
        order.lines = order_lines
        db.session.add(order)
        db.session.flush()
        # Variant ids in ascending order: concurrent checkouts lock rows in the same order (no deadlocks).
        for line in order.lines:
            inventory.reserve(line.variant_id, line.quantity, order_id=order.id,
                              name=name_for(line.product_name, line.variant_label))
        db.session.add(OrderEvent(order_id=order.id, from_state=None, to_state=order.state,
                                  actor=actor or (f"customer:{user_id}" if user_id else "guest"),
                                  note=f"Order placed; safety information v{disclaimer.version} acknowledged"))
    return order


# ------------------------------------------------------------------ payment and fulfilment

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
    outcome: str  # paid | already_paid | processing | mismatch | not_found | paid_needs_refund
    order: Order | None = None
    send_confirmation: bool = False
    first_payment: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def paid(self) -> bool:
        return self.outcome in ("paid", "already_paid", "paid_needs_refund")


def _consume(order: Order) -> None:
    for line in order.lines:
        if line.variant_id is not None:
            inventory.consume(line.variant_id, line.quantity, order_id=order.id)


def _rereserve(order: Order) -> bool:
    """Reserve the order's stock again (all lines or none). True when it worked."""
    try:
        with db.session.begin_nested():
            for line in sorted(order.lines, key=lambda l: l.variant_id or 0):
                if line.variant_id is None:
                    raise OutOfStock(0, line.quantity, 0, name_for(line.product_name, line.variant_label))
                inventory.reserve(line.variant_id, line.quantity, order_id=order.id,
                                  name=name_for(line.product_name, line.variant_label))
    except OutOfStock:
        return False
    return True


def payment_is_this_orders(order: Order, payment: PaymentData) -> bool:
    """A Stripe payment belongs to an order only through the order's own Checkout Session (the id saved when
    the session was created) or the PaymentIntent already recorded on it; metadata and amount alone never do."""
    if payment.session_id and order.stripe_session_id:
        return str(payment.session_id) == order.stripe_session_id
    if payment.payment_intent and order.stripe_payment_intent:
        return str(payment.payment_intent) == order.stripe_payment_intent
    return False


def fulfil_locked(order: Order, payment: PaymentData, actor: str) -> FulfilResult:
    """The fulfilment rules, inside the caller's transaction, on an order loaded with lock_order().

    Safe to call any number of times: only the first call that finds the order unpaid changes anything
    (and the state change itself is a conditional UPDATE, so a concurrent caller cannot repeat it)."""
    if payment.provider == "stripe" and not payment_is_this_orders(order, payment):
        # A verified payment, but not through this order's Checkout Session: it cannot pay this order.
        log.error("Order %s: ignored a Stripe payment for session %r / payment %r, which is not the order's "
                  "(session %r)", order.number, payment.session_id, payment.payment_intent, order.stripe_session_id)
        return FulfilResult("mismatch", order, notes=["not this order's Checkout Session"])
    if order.state in PAID_STATES:
        return FulfilResult("already_paid", order)
    if payment.payment_status != "paid":
        return FulfilResult("processing", order)
    if payment.amount_total != order.total_cents or payment.currency.lower() != order.currency.lower():
        note = (f"payment does not match the order: received {payment.amount_total} {payment.currency.upper()}, "
                f"expected {order.total_cents} {order.currency.upper()}; check the payment before shipping")
        log.error("Order %s: %s", order.number, note)
        order.needs_attention = note[:300]
        return FulfilResult("mismatch", order)

    outcome, note = "paid", f"Payment received ({payment.provider})"
    if order.state == OrderState.PENDING_PAYMENT:
        _consume(order)
    elif _rereserve(order):
        _consume(order)
        note = f"Payment received after the order was {order.state}; stock reserved again"
    else:
        outcome, note = "paid_needs_refund", f"Payment received after the order was {order.state}; stock is gone"
        order.needs_attention = PAID_AFTER_EXPIRY_NO_STOCK
        log.error("Order %s was paid after it %s and its stock is gone: refund needed", order.number, order.state)
    transition(order, OrderState.PAID, actor, note)
    order.paid_cents = payment.amount_total
    order.payment_provider = payment.provider
    if payment.payment_intent:
        order.stripe_payment_intent = payment.payment_intent
    # The confirmation is an outbox row in this transaction (one per order: its key dedupes); the worker
    # sends it and sets confirmation_sent_at when it is delivered.
    send = order.confirmation_sent_at is None and order_emails.queue_confirmation(order) is not None
    return FulfilResult(outcome, order, send_confirmation=send, first_payment=True)


def empty_cart(user_id: int | None, guest_token: str | None = None) -> None:
    """Empty the buyer's cart after a payment (its own transaction: the cart service commits)."""
    from store.cart import services as cart_services
    from store.cart.services import CartError

    cart = cart_services.get_cart(user_id, guest_token)
    if cart is not None and cart.lines:
        try:
            cart_services.clear_cart(cart)
        except CartError:
            log.warning("Could not empty the cart after a payment (user %s)", user_id)


def fulfil_order(order_id: int, session_data: PaymentData | Mapping[str, Any], actor: str) -> FulfilResult:
    """Verify a payment and fulfil the order: consume reserved stock, mark it paid, empty the buyer's cart and
    send the confirmation email exactly once. Used by the webhook, the Stripe return page and demo payments."""
    payment = session_data if isinstance(session_data, PaymentData) else PaymentData.from_stripe_session(session_data)
    if payment.order_id is not None and payment.order_id != order_id:
        return FulfilResult("mismatch", None, notes=["payment belongs to another order"])
    try:
        with transaction(write=True):
            order = lock_order(order_id)
            if order is None:
                return FulfilResult("not_found")  # nothing was written
            result = fulfil_locked(order, payment, actor)
    except ConcurrentTransition:
        # Rolled back: another transaction moved the order first.
        order = db.session.get(Order, order_id)
        return FulfilResult("already_paid", order)
    after_commit(result)
    return result


def after_commit(result: FulfilResult) -> None:
    """Once the payment is committed: empty a signed-in buyer's cart (guests' carts are emptied by the
    return page, which knows their session). The confirmation was queued in the payment's transaction."""
    if result.order is None:
        return
    if result.first_payment and result.order.user_id is not None:
        empty_cart(result.order.user_id)


# ------------------------------------------------------------------ payment providers

def payment_mode(config) -> str | None:
    """"stripe" when both Stripe keys are set, "demo" when demo payments are allowed, else None."""
    from store.payments import stripe_gateway
    if stripe_gateway.is_configured(config):
        return "stripe"
    if config.get("DEMO_PAYMENTS") and not config.get("STRIPE_SECRET_KEY"):
        return "demo"
    return None


def start_stripe_payment(order_id: int, success_url: str, cancel_url: str) -> str:
    """Create (or, with the same idempotency key, fetch again) the order's Stripe Checkout Session and save
    its id. Returns the URL to send the shopper to. Raises PaymentError; the order then stays pending with
    its stock reserved until it expires."""
    from store.payments import stripe_gateway

    order = db.session.scalars(select(Order).where(Order.id == order_id)
                               .options(selectinload(Order.lines))).first()
    if order is None or order.state != OrderState.PENDING_PAYMENT:
        raise CheckoutError("This order can no longer be paid.")
    session = stripe_gateway.create_checkout_session(order, success_url, cancel_url)
    attach_stripe_session(order.id, session.id, session.expires_at)
    return session.url


def attach_stripe_session(order_id: int, session_id: str, expires_at) -> None:
    """Remember the session id; the reservation lasts as long as the session can still be paid."""
    with transaction(write=True):
        order = lock_order(order_id)
        if order is not None:
            order.stripe_session_id = session_id
            order.payment_provider = "stripe"
            if order.state == OrderState.PENDING_PAYMENT and expires_at and (
                    order.expires_at is None or expires_at > order.expires_at):
                order.expires_at = expires_at


def confirm_stripe_return(order_id: int, session_id: str | None, actor: str) -> FulfilResult | None:
    """The shopper came back from Stripe: ask Stripe (server to server) what happened and fulfil from
    that answer. The session id in the URL is only a hint; it must be this order's session."""
    from store.payments import stripe_gateway

    order = db.session.get(Order, order_id)
    if order is None or order.state != OrderState.PENDING_PAYMENT or not session_id:
        return None
    if order.stripe_session_id != session_id:  # also when the order has no session on record: ask nothing
        return None
    session = stripe_gateway.retrieve_session(session_id)
    db.session.rollback()  # end the read transaction before fulfilment takes its write lock
    return fulfil_order(order_id, session, actor)
