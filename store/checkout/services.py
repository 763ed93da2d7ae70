"""Checkout: placing an order (prices from the database, stock reserved atomically) and fulfilling it
once payment is verified (the same function for the Stripe webhook, the Stripe return page and the demo
payment page).

One transaction per use case, committed here. The confirmation email is an outbox row written in the payment's
transaction; a worker delivers it (no request talks to SMTP).
"""
from __future__ import annotations

import logging
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Iterable, Mapping

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from store.catalog.availability import display_name, is_purchasable, name_for
from store.catalog.models import Variant
from store.extensions import db
from store.inventory import services as inventory
from store.inventory.services import OutOfStock
from store.cart.models import Cart
from store.db import lock_row, transaction
from store.orders import lifecycle
from store.orders.lifecycle import FulfilResult, PaymentData, payment_is_this_orders  # noqa: F401  (re-exported)
from store.countries import region_code
from store.orders import figures
from store.orders.models import Order, OrderLine
from store.pricing import engine
from store.pricing import services as pricing
from store.orders.services import lock_order
from store.orders.states import PaymentStatus
from store.safety.models import DisclaimerKind
from store.safety import services as safety
from store.safety.services import MissingDisclaimer, current_disclaimer
from store.util import DB_INT_MAX, utcnow

log = logging.getLogger(__name__)

__all__ = ["CheckoutError", "OutOfStock", "StaleAcknowledgment", "ShippingAddress", "place_order", "preview",
           "PaymentData", "fulfil_order", "FulfilResult", "TooManyOpenOrders", "open_order_for_cart"]

# Unambiguous alphabet for order numbers: no 0/O, 1/I/L, U/V.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"



class CheckoutError(Exception):
    """A problem the shopper can fix (shown as a message)."""


class EmptyOrder(CheckoutError):
    pass


class ItemUnavailable(CheckoutError):
    pass


class StaleAcknowledgment(CheckoutError):
    """The shopper acknowledged an older (or no) version of the safety information."""


class TooManyOpenOrders(CheckoutError):
    """The visitor or the email address already holds the configured number of unpaid orders."""


class AlreadyPaid(CheckoutError):
    """The order was paid meanwhile (its Checkout Session completed)."""

    def __init__(self, order: Order):
        self.order = order
        super().__init__(f"Order {order.number} is already paid.")


@dataclass(frozen=True)
class ShippingAddress:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str = "US"
    line2: str = ""
    region: str = ""


@dataclass
class Preview:
    """Checkout's figures before the order is placed: the engine's quote for the address and method, and each
    of the zone's methods with what it would cost this cart (its charge after a free-shipping code)."""
    quote: pricing.Quote | None
    methods: list[tuple[Any, int]] = field(default_factory=list)
    problem: str | None = None        # no zone for the country, or no method carries this cart

    @property
    def order(self):
        return self.quote.order if self.quote else None


def preview(lines, *, currency: str, country: str | None, region: str | None, method_code: str | None,
            code: str | None, email: str | None) -> Preview:
    """Price the cart for checkout's page (nothing is written). Without a shippable country: goods and discount
    only, with the reason."""
    try:
        quote = pricing.quote(lines, currency=currency, country=country or None,
                              region=region_code(country, region), method_code=method_code, code_text=code,
                              email=email)
    except pricing.NoShipping as exc:
        return Preview(pricing.quote(lines, currency=currency, code_text=code, email=email), problem=str(exc))
    except engine.ShippingUnavailable as exc:
        return Preview(pricing.quote(lines, currency=currency, code_text=code, email=email), problem=str(exc))
    methods = []
    discount = pricing.as_discount(quote.code) if quote.code else None
    tax = pricing.tax_rule(country, region_code(country, region))
    for method in quote.methods:
        try:
            priced = engine.price(lines, currency=currency, discount=discount, shipping=pricing.as_rate(method),
                                  tax=tax)
        except engine.ShippingUnavailable:
            continue
        methods.append((method, priced.shipping_charged_cents))
    return Preview(quote, methods)


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



def visitor_key(user_id: int | None, guest_token: str | None) -> str | None:
    """Who holds an open order, for the cap: the account, or a hash of the guest's cart token."""
    if user_id is not None:
        return f"user:{user_id}"
    if guest_token:
        return "guest:" + hashlib.sha256(guest_token.encode()).hexdigest()[:40]
    return None


def open_order_for_cart(cart_id: int | None) -> Order | None:
    """The cart's order awaiting payment (at most one: a partial unique index says so)."""
    if cart_id is None:
        return None
    return db.session.scalars(select(Order).where(Order.cart_id == cart_id,
                                                  Order.payment_status == PaymentStatus.PENDING.value)
                              .options(selectinload(Order.lines))).first()


def _check_open_order_caps(*, visitor: str | None, email: str, exclude_id: int | None) -> None:
    config = current_app.config
    base = [Order.payment_status == PaymentStatus.PENDING.value]
    if exclude_id is not None:
        base.append(Order.id != exclude_id)
    if visitor:
        held = db.session.scalar(select(func.count(Order.id)).where(*base, Order.visitor_key == visitor))
        if held >= config["MAX_OPEN_ORDERS_PER_VISITOR"]:
            raise TooManyOpenOrders(
                f"You already have {held} orders waiting for payment. Pay or cancel one of them (see your order "
                "links) before starting another; unpaid orders close by themselves after a while.")
    held = db.session.scalar(select(func.count(Order.id)).where(*base, Order.email == email))
    if held >= config["MAX_OPEN_ORDERS_PER_EMAIL"]:
        raise TooManyOpenOrders(
            f"There are already {held} orders waiting for payment for {email}. Pay or cancel one of them before "
            "starting another; unpaid orders close by themselves after a while.")


def _content(lines: Iterable[tuple[int, int, int]], address: ShippingAddress, email: str, method: str,
             code: str | None) -> tuple:
    """What makes two checkouts the same order: (variant, quantity, price) lines, address, email, method, code."""
    return (tuple(sorted(lines)), (address.name.strip(), address.line1.strip(), (address.line2 or "").strip(),
            address.city.strip(), (address.region or "").strip(), address.postal_code.strip(),
            address.country.strip().upper()), email, method, pricing.normalize_code(code))


def _order_content(order: Order) -> tuple:
    return _content([(l.variant_id, l.quantity, l.unit_price_cents) for l in order.lines if l.variant_id],
                    ShippingAddress(name=order.ship_name, line1=order.ship_line1, line2=order.ship_line2,
                                    city=order.ship_city, region=order.ship_region,
                                    postal_code=order.ship_postal_code, country=order.ship_country),
                    order.email, order.shipping_method, order.discount_code)


def _wanted_content(wanted: dict[int, int], address, email, method, code) -> tuple:
    prices = dict(db.session.execute(select(Variant.id, Variant.price_cents).where(Variant.id.in_(wanted))).all())
    return _content([(vid, q, prices.get(vid, -1)) for vid, q in wanted.items()], address, email, method, code)


def _price(variants: dict[int, Variant], wanted: dict[int, int], *, address: ShippingAddress, method_code: str,
           code: str | None, email: str, currency: str) -> pricing.Quote:
    """The engine's figures for the order, or CheckoutError with what to change (country, method, code)."""
    lines = [pricing.line_for(variants[vid], wanted[vid]) for vid in sorted(wanted)]
    country = address.country.strip().upper()
    try:
        methods = pricing.methods_for(country)
    except pricing.NoShipping:
        raise CheckoutError(pricing.not_shipped_message(country)) from None
    if method_code not in {m.code for m in methods}:
        raise CheckoutError("Choose one of the shipping methods offered for this address.")
    try:
        quote = pricing.quote(lines, currency=currency, country=country,
                              region=region_code(country, address.region), method_code=method_code,
                              code_text=code, email=email)
    except engine.ShippingUnavailable as exc:
        raise CheckoutError(f"{exc} Choose another shipping method, or split the order.") from None
    if code and quote.code is None:
        raise CheckoutError(f"{quote.code_message} Remove the code from your cart to order without it.")
    return quote


def _close_open_session(order: Order) -> None:
    """Before a resumed order's contents change, its Stripe Checkout Session (fixed line items) must end: ask
    Stripe (no transaction open), expire it while open; if it completed, the payment is recorded instead."""
    from store.payments import stripe_gateway

    session_id = order.stripe_session_id
    db.session.rollback()
    session = stripe_gateway.retrieve_session(session_id)
    if session.get("status") == "open":
        session = stripe_gateway.expire_session(session_id)
    if session.get("status") == "complete" or session.get("payment_status") == "paid":
        result = fulfil_order(order.id, session, "customer")
        if result.paid:
            raise AlreadyPaid(result.order)
        raise CheckoutError("Your payment for this order is still being confirmed. Please wait a moment.")
    with transaction(write=True):  # the session has ended: the order may change (a new session later)
        locked = lock_order(order.id)
        if locked is not None and locked.stripe_session_id == session_id:
            locked.stripe_session_id, locked.session_expires_at = None, None


def place_order(*, email: str, user_id: int | None, address: ShippingAddress, shipping_method: str,
                disclaimer_id: int | None, disclaimer_version: int | None,
                lines: Iterable[tuple[int, int]], payment_provider: str = "demo",
                actor: str | None = None, cart_id: int | None = None, visitor: str | None = None,
                discount_code: str | None = None) -> Order:
    """Create the order, its lines, its stock reservations and its discount code's redemption in one
    transaction, or nothing at all. Every amount is the pricing engine's (prices from the database).

    With ``cart_id``: a cart has at most one order awaiting payment. Submitting again resumes it: the same order
    (same number) when nothing changed, or that order updated (lines, address, figures, reservation and code
    adjusted to the cart) when something did, never a second order. Raises OutOfStock (naming the item),
    ItemUnavailable, StaleAcknowledgment, EmptyOrder, TooManyOpenOrders or CheckoutError (a country outside
    every zone, a method the zone lacks, a code that cannot be used: used up, expired, already used by this
    email); on any error nothing is written.
    """
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise CheckoutError("Enter an email address for your receipt.")
    wanted = _merge_lines(lines)
    code_text = pricing.normalize_code(discount_code) or None
    config = current_app.config
    actor = actor or (email if user_id else "customer")
    existing = open_order_for_cart(cart_id)
    if existing is not None:
        if _order_content(existing) == _wanted_content(wanted, address, email, shipping_method, code_text):
            check_acknowledgment(disclaimer_id, disclaimer_version)
            db.session.rollback()
            return existing  # resume: the same order, its reservation and its payment session as they are
        if existing.stripe_session_id:
            _close_open_session(existing)
    db.session.rollback()
    with transaction(write=True):
        if cart_id is not None:
            lock_row(Cart, cart_id)  # one checkout of a cart at a time (PostgreSQL; SQLite is serialised)
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
        if sum(line.line_total_cents for line in order_lines) > DB_INT_MAX:  # amounts are INTEGER columns
            raise CheckoutError("This order is larger than we can take online. Please split it into smaller "
                                "orders, or contact us.")
        now = utcnow()
        order = lock_order(existing.id) if existing is not None else None
        if order is not None and order.payment_status != PaymentStatus.PENDING:
            order = None  # paid or closed meanwhile: a new order
        if order is None:
            order = open_order_for_cart(cart_id)  # another submission of this cart got here first
            if order is not None:
                order = lock_order(order.id)
        if order is not None and _order_content(order) == _content(
                [(l.variant_id, l.quantity, l.unit_price_cents) for l in order_lines], address, email,
                shipping_method, code_text):
            return order  # an identical submission was placed meanwhile: resume it
        if order is not None:
            # The order being updated gives its code back first (redeemed again below if still wanted), so its
            # own use does not count against the code's limits; a failure below rolls this back too.
            pricing.release(order.id)
        quote = _price(variants, wanted, address=address, method_code=shipping_method, code=code_text,
                       email=email, currency=config["STORE_CURRENCY"])
        priced = quote.order
        if priced.total_cents > DB_INT_MAX:
            raise CheckoutError("This order is larger than we can take online. Please split it into smaller "
                                "orders, or contact us.")
        _check_open_order_caps(visitor=visitor, email=email, exclude_id=order.id if order is not None else None)
        fields = dict(
            user_id=user_id, email=email,
            ship_name=address.name.strip(), ship_line1=address.line1.strip(), ship_line2=(address.line2 or "").strip(),
            ship_city=address.city.strip(), ship_region=(address.region or "").strip(),
            ship_postal_code=address.postal_code.strip(), ship_country=address.country.strip().upper(),
            disclaimer_id=disclaimer.id, disclaimer_version=disclaimer.version, payment_provider=payment_provider,
            expires_at=now + timedelta(minutes=config["RESERVATION_MINUTES"]))
        if order is not None:
            if order.stripe_session_id:
                raise CheckoutError("Your order is being paid in another window. Reload the page to see it.")
            for key, value in fields.items():
                setattr(order, key, value)
            order.session_expires_at = None
            figures.apply(order, priced, order_lines, method_code=shipping_method)
            lifecycle.replace_lines(order, order_lines, actor,
                                    f"Checkout submitted again: order updated to the cart; safety information "
                                    f"v{disclaimer.version} acknowledged")
        else:
            order = Order(number=new_order_number(), payment_status=PaymentStatus.PENDING.value,
                          fulfilment_status="unfulfilled", placed_at=now, cart_id=cart_id, visitor_key=visitor,
                          **fields)
            figures.apply(order, priced, order_lines, method_code=shipping_method)
            order.lines = order_lines
            db.session.add(order)
            lifecycle.placed(order, actor, f"Order placed; safety information v{disclaimer.version} acknowledged")
        if quote.code is not None:
            try:
                pricing.redeem(quote.code.id, order_id=order.id, email=email,
                               amount_cents=priced.discount_cents + priced.shipping_discount_cents)
            except pricing.CodeRejected as exc:
                raise CheckoutError(f"{exc} Remove the code from your cart to order without it.") from None
    return order


# ------------------------------------------------------------------ payment and fulfilment

def _send_refund():
    from store.payments.refunds import send_refund
    return send_refund


def fulfil_order(order_id: int, session_data: PaymentData | Mapping[str, Any], actor: str) -> FulfilResult:
    """Verify a payment and fulfil the order (lifecycle.pay: stock consumed, what was ordered taken out of the
    cart, the confirmation queued once; or, paid too late with the stock gone, refunded with an apology). Used by
    the webhook, the Stripe return page, demo payments and reconciliation."""
    payment = session_data if isinstance(session_data, PaymentData) else PaymentData.from_stripe_session(session_data)
    return lifecycle.pay(order_id, payment, actor, _send_refund())


def after_commit(result: FulfilResult, actor: str = lifecycle.ACTOR_WEBHOOK) -> None:
    lifecycle.after_payment(result, actor, _send_refund())


# ------------------------------------------------------------------ payment providers

def payment_mode(config) -> str | None:
    """"stripe" when both Stripe keys are set, "demo" when demo payments are allowed, else None."""
    from store.payments import stripe_gateway
    if stripe_gateway.is_configured(config):
        return "stripe"
    if config.get("DEMO_PAYMENTS") and not config.get("STRIPE_SECRET_KEY"):
        return "demo"
    return None


def _session_attempt(order_id: int, ended_session: str | None) -> tuple[int, Any] | None:
    """The Checkout Session attempt to create: the current one again (its stored expiry: a retried create sends
    identical parameters under the same key) while no session is attached and its expiry is still acceptable to
    Stripe; else a new attempt (new number, so a new key) with a new expiry fixed now. The reservation is made
    to last at least as long as the session. None when the order is no longer awaiting payment."""
    from store.payments.stripe_gateway import STRIPE_MIN_SESSION_SECONDS, session_expiry

    with transaction(write=True):
        order = lock_order(order_id)
        if order is None or order.payment_status != PaymentStatus.PENDING:
            return None
        now = utcnow()
        reusable = (order.checkout_attempt > 0 and order.session_expires_at is not None
                    and order.stripe_session_id is None
                    and order.session_expires_at >= now + timedelta(seconds=STRIPE_MIN_SESSION_SECONDS))
        if not reusable:
            order.checkout_attempt += 1
            order.session_expires_at = session_expiry(order, now)
            order.stripe_session_id = None
        if order.expires_at is None or order.expires_at < order.session_expires_at:
            order.expires_at = order.session_expires_at
        return order.checkout_attempt, order.session_expires_at


def start_stripe_payment(order_id: int, success_url: str, cancel_url: str) -> str:
    """Send the shopper to pay: to the order's open Checkout Session when it has one (retrieved from Stripe;
    nothing is created), else to a new session (a new attempt, a new idempotency key, an expiry fixed once).
    Raises PaymentError, AlreadyPaid, or CheckoutError when the order can no longer be paid."""
    from store.payments import stripe_gateway

    order = db.session.get(Order, order_id)
    if order is None or order.payment_status != PaymentStatus.PENDING:
        raise CheckoutError("This order can no longer be paid.")
    session_id = order.stripe_session_id
    db.session.rollback()  # no transaction is open while Stripe is asked
    if session_id:
        session = stripe_gateway.retrieve_session(session_id)
        if session.get("status") == "open" and session.get("url"):
            return str(session["url"])
        if session.get("status") == "complete":
            result = fulfil_order(order_id, session, "customer")
            if result.paid:
                raise AlreadyPaid(result.order)
            raise CheckoutError("Your payment is still being confirmed. This page will show it once it is.")
    attempt = _session_attempt(order_id, session_id)
    if attempt is None:
        raise CheckoutError("This order can no longer be paid.")
    number, expires_at = attempt
    order = db.session.scalars(select(Order).where(Order.id == order_id).options(selectinload(Order.lines))).first()
    params = stripe_gateway.checkout_session_params(order, success_url, cancel_url, expires_at)
    db.session.rollback()
    session = stripe_gateway.create_checkout_session(params, stripe_gateway.idempotency_key(order_id, number))
    attach_stripe_session(order_id, session.id, session.expires_at)
    return session.url


def attach_stripe_session(order_id: int, session_id: str, expires_at) -> None:
    """Remember the session id; the reservation lasts at least as long as the session can still be paid."""
    with transaction(write=True):
        order = lock_order(order_id)
        if order is not None:
            order.stripe_session_id = session_id
            order.payment_provider = "stripe"
            if order.payment_status == PaymentStatus.PENDING and expires_at and (
                    order.expires_at is None or expires_at > order.expires_at):
                order.expires_at = expires_at


def confirm_stripe_return(order_id: int, session_id: str | None, actor: str) -> FulfilResult | None:
    """The shopper came back from Stripe: ask Stripe (server to server) what happened and fulfil from
    that answer. The session id in the URL is only a hint; it must be this order's session."""
    from store.payments import stripe_gateway

    order = db.session.get(Order, order_id)
    if order is None or order.payment_status != PaymentStatus.PENDING or not session_id:
        return None
    if order.stripe_session_id != session_id:  # also when the order has no session on record: ask nothing
        return None
    session = stripe_gateway.retrieve_session(session_id)
    db.session.rollback()  # end the read transaction before fulfilment takes its write lock
    return fulfil_order(order_id, session, actor)
