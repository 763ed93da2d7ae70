"""Stripe: the only module that imports ``stripe`` (line item names come from the availability policy).

A ``stripe.StripeClient`` is built per call from the app config (API key, optional STRIPE_API_BASE such as
a stripe-mock server) instead of mutating the library's globals. Tests replace only the HTTP layer by
putting a ``stripe.HTTPClient`` subclass in ``app.extensions["stripe_http_client"]``.
"""
from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import stripe
from flask import current_app

from store.catalog import availability
from store.orders import figures
from store.orders.models import Order
from store.pricing import engine
from store.util import utcnow

log = logging.getLogger(__name__)

# Stripe accepts a Checkout Session expires_at between 30 minutes and 24 hours after creation.
STRIPE_MIN_SESSION_SECONDS = 30 * 60  # Stripe's own minimum
MIN_SESSION_SECONDS = STRIPE_MIN_SESSION_SECONDS + 60   # one minute of margin for clock skew and request time
MAX_SESSION_SECONDS = 24 * 60 * 60 - 60
WEBHOOK_TOLERANCE = 300
MAX_EVENT_DEPTH = 32  # Stripe's events nest well under this; a deeper body is refused before parsing


class PaymentError(Exception):
    """A payment could not be started or checked. ``str(error)`` is safe to show the shopper."""


class WebhookSignatureError(Exception):
    """The webhook request is not a verified, fresh Stripe delivery."""


class WebhookPayloadError(WebhookSignatureError):
    """A correctly signed body that is not a well-formed event (not an object, too deep, missing fields)."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    expires_at: datetime  # naive UTC, like every datetime in the store


def is_configured(config) -> bool:
    return bool(config.get("STRIPE_SECRET_KEY") and config.get("STRIPE_WEBHOOK_SECRET"))


def _client() -> stripe.StripeClient:
    config = current_app.config
    key = config.get("STRIPE_SECRET_KEY")
    if not key:
        raise PaymentError("Card payments are not set up on this store yet.")
    base = config.get("STRIPE_API_BASE")
    return stripe.StripeClient(
        key,
        base_addresses={"api": base.rstrip("/")} if base else None,
        http_client=current_app.extensions.get("stripe_http_client"),
        max_network_retries=config.get("STRIPE_MAX_NETWORK_RETRIES", 2),
    )


def _to_unix(value: datetime) -> int:
    return int(value.replace(tzinfo=timezone.utc).timestamp())


def _from_unix(value: int) -> datetime:
    return datetime.fromtimestamp(int(value), tz=timezone.utc).replace(tzinfo=None)


def session_expiry(order: Order, now: datetime | None = None) -> datetime:
    """The order's reservation expiry, clamped to what Stripe accepts (30 min .. 24 h from now)."""
    now = now or utcnow()
    wanted = order.expires_at or now
    lowest, highest = now + timedelta(seconds=MIN_SESSION_SECONDS), now + timedelta(seconds=MAX_SESSION_SECONDS)
    return min(max(wanted, lowest), highest).replace(microsecond=0)


def checkout_session_params(order: Order, success_url: str, cancel_url: str, expires_at: datetime) -> dict:
    """The Checkout Session for an order, carrying exactly the amounts the pricing engine stored on it
    (``engine.charge_parts``): each line at its discounted price, shipping as the one shipping option, tax added
    on top as its own line (VAT is inside the line amounts). What Stripe charges adds up to ``total_cents``."""
    currency = order.currency.lower()
    priced = figures.priced_order(order, name_of=lambda line: availability.name_for(line.product_name,
                                                                                     line.variant_label))
    parts = engine.charge_parts(priced)
    items = [{"price_data": {"currency": currency, "unit_amount": int(part.unit_amount_cents),
                             "product_data": {"name": part.name}},
              "quantity": int(part.quantity)}
             for part in parts if part.kind in ("line", "tax")]
    shipping = next(part for part in parts if part.kind == "shipping")
    if sum(part.amount_cents for part in parts) != order.total_cents:  # the engine's own invariant
        raise PaymentError("This order's amounts do not add up; it cannot be paid online. Please contact us.")
    return {
        "mode": "payment",
        "line_items": items,
        "shipping_options": [
            {
                "shipping_rate_data": {
                    "type": "fixed_amount",
                    "display_name": (f"{shipping.name} (free)" if shipping.amount_cents == 0 else shipping.name)[:100],
                    "fixed_amount": {"amount": int(shipping.amount_cents), "currency": currency},
                }
            }
        ],
        "customer_email": order.email,
        "client_reference_id": order.number,
        "metadata": {"order_id": str(order.id), "order_number": order.number},
        "payment_intent_data": {"metadata": {"order_id": str(order.id), "order_number": order.number}},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": _to_unix(expires_at),
    }


def idempotency_key(order_id: int, attempt: int) -> str:
    """One key per Checkout Session attempt: a retried create (same attempt, identical parameters) gets Stripe's
    first answer; a new session (after the old one ended) is a new attempt, so a new key."""
    return f"order-{order_id}-checkout-{attempt}"


def _friendly(error: stripe.StripeError, action: str) -> PaymentError:
    if isinstance(error, stripe.CardError):
        message = error.user_message or "Your card was declined. Please try another card."
    elif isinstance(error, stripe.APIConnectionError):
        message = (f"We could not reach our payment provider to {action}. Nothing was charged; "
                   "please try again in a moment.")
    elif isinstance(error, stripe.InvalidRequestError):
        message = (f"Our payment provider could not {action}. Nothing was charged; please try again, "
                   "and contact us if it keeps happening.")
    else:
        message = f"Something went wrong while trying to {action}. Nothing was charged; please try again."
    log.warning("Stripe error (%s): %s", type(error).__name__, error)
    return PaymentError(message)


def create_checkout_session(params: dict, key: str) -> CheckoutSession:
    """Create a Stripe Checkout Session from ``checkout_session_params`` (prices from the order, never from the
    client) under idempotency key ``key``."""
    try:
        session = _client().v1.checkout.sessions.create(params=params, options={"idempotency_key": key})
    except stripe.StripeError as error:
        raise _friendly(error, "start your payment") from error
    data = session.to_dict()
    return CheckoutSession(id=data["id"], url=data["url"],
                           expires_at=_from_unix(data.get("expires_at") or params["expires_at"]))


def expire_session(session_id: str) -> dict:
    """End an open Checkout Session (it can no longer be paid). Returns the session as Stripe reports it; a
    session that already ended is retrieved instead."""
    try:
        session = _client().v1.checkout.sessions.expire(session_id)
    except stripe.InvalidRequestError:
        return retrieve_session(session_id)  # not open any more (expired or complete): say which
    except stripe.StripeError as error:
        raise _friendly(error, "update your payment") from error
    return session.to_dict()


def retrieve_session(session_id: str) -> dict:
    """The Checkout Session as Stripe reports it (line items expanded), as plain data."""
    try:
        session = _client().v1.checkout.sessions.retrieve(session_id, params={"expand": ["line_items"]})
    except stripe.StripeError as error:
        raise _friendly(error, "confirm your payment") from error
    return session.to_dict()


def refund(payment_intent: str, amount: int, idempotency_key: str) -> dict:
    """Refund ``amount`` (minor units) of a payment. Returns Stripe's refund object as plain data."""
    try:
        result = _client().v1.refunds.create(
            params={"payment_intent": payment_intent, "amount": int(amount)},
            options={"idempotency_key": idempotency_key})
    except stripe.StripeError as error:
        raise _friendly(error, "refund the payment") from error
    return result.to_dict()


def _signature_timestamp(sig_header: str) -> int | None:
    for part in sig_header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def verify_webhook(payload: bytes, sig_header: str | None, secret: str,
                   tolerance: int = WEBHOOK_TOLERANCE) -> dict:
    """Verify a webhook delivery and return the event as plain data, or raise WebhookSignatureError.

    Stripe's check rejects signatures older than ``tolerance``; deliveries stamped more than ``tolerance``
    seconds in the future are rejected here too (a replay with a forged clock gains nothing)."""
    if not secret:
        raise WebhookSignatureError("webhooks are not configured")
    if not sig_header:
        raise WebhookSignatureError("missing Stripe-Signature header")
    timestamp = _signature_timestamp(sig_header)
    if timestamp is None:
        raise WebhookSignatureError("signature header has no timestamp")
    if timestamp > time.time() + tolerance:
        raise WebhookSignatureError("signature timestamp is in the future")
    try:
        # The signature alone (an HMAC over the raw bytes): the body is parsed below, by our bounded parser.
        stripe.WebhookSignature.verify_header(payload, sig_header, secret, tolerance=tolerance)
    except stripe.SignatureVerificationError as error:
        raise WebhookSignatureError(str(error)) from error
    return parse_event(payload)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count), without
    recursion, so a hostile body cannot exhaust the parser's stack."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse_event(payload: bytes | str) -> dict:
    """A signed body as an event: a JSON object with a string id and type and a data object, nested at most
    MAX_EVENT_DEPTH deep (Stripe's events nest a few levels). Anything else raises WebhookPayloadError."""
    try:
        text = payload.decode("utf-8") if isinstance(payload, (bytes, bytearray)) else str(payload)
    except UnicodeDecodeError as error:
        raise WebhookPayloadError("payload is not UTF-8 text") from error
    if json_depth(text) > MAX_EVENT_DEPTH:
        raise WebhookPayloadError(f"payload is nested deeper than {MAX_EVENT_DEPTH} levels")
    try:
        event = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise WebhookPayloadError("payload is not JSON") from error
    if not isinstance(event, dict):
        raise WebhookPayloadError(f"payload is JSON but not an event object ({type(event).__name__})")
    if not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str) \
            or not isinstance(event.get("data"), dict):
        raise WebhookPayloadError("payload is not an event (id, type and data are required)")
    return event


