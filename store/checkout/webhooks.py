"""Stripe webhook events: recorded once (unique event id), then decided by the order state machine.

Each delivery is one transaction: the WebhookEvent row and the effect commit together, so a delivery that
fails half way leaves no record and Stripe's retry is handled in full; a replay of a handled event hits the
unique constraint and changes nothing.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from store.checkout.services import FulfilResult, PaymentData, after_commit
from store.extensions import db
from store.orders import lifecycle
from store.orders.models import Order, WebhookEvent
from store.db import transaction
from store.orders.services import lock_order
from store.orders.states import ConcurrentTransition, PaymentStatus
from store.util import int_in_range

log = logging.getLogger(__name__)
ACTOR = lifecycle.ACTOR_WEBHOOK


class DuplicateEvent(Exception):
    """The event id is already recorded: this delivery was handled before."""


def handle_event(event: Mapping[str, Any]) -> str:
    """Apply one verified event. Returns a short outcome for the response body and the log."""
    event_id, event_type = str(event["id"]), str(event["type"])
    result: FulfilResult | None = None
    try:
        with transaction(write=True):
            _record_once(event_id, event_type)
            obj = _mapping(_mapping(event.get("data")).get("object"))
            if event_type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
                outcome, result = _session_paid(obj)
            elif event_type == "checkout.session.async_payment_failed":
                outcome = _session_closed(obj, PaymentStatus.VOIDED, "Payment failed (delayed payment method)")
            elif event_type == "checkout.session.expired":
                outcome = _session_closed(obj, PaymentStatus.EXPIRED, "Stripe checkout session expired unpaid")
            elif event_type == "charge.refunded":
                outcome = _charge_refunded(obj)
            else:
                outcome = "ignored"
    except DuplicateEvent:
        return "duplicate"
    except ConcurrentTransition:
        # Another transaction moved the order first; everything (the event row too) was rolled back, so that
        # a retry of this delivery is decided against the new state.
        return "conflict"
    if result is not None:
        after_commit(result, ACTOR)
    log.info("Stripe event %s (%s): %s", event_id, event_type, outcome)
    return outcome


def _record_once(event_id: str, event_type: str) -> None:
    """Write the event's row first: a second delivery of the same event hits the unique constraint."""
    db.session.add(WebhookEvent(provider="stripe", event_id=event_id[:255], type=event_type[:120]))
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise DuplicateEvent(event_id) from exc


def _mapping(value) -> Mapping[str, Any]:
    """A signed event is still data from outside: a part that is not an object counts as empty."""
    return value if isinstance(value, Mapping) else {}


def _metadata_order_id(obj: Mapping[str, Any]) -> int | None:
    return int_in_range(_mapping(obj.get("metadata")).get("order_id"))


def _order_for_session(obj: Mapping[str, Any]) -> Order | None:
    order_id = _metadata_order_id(obj)
    if order_id is None and obj.get("client_reference_id"):
        order_id = db.session.scalar(select(Order.id).where(Order.number == str(obj["client_reference_id"])))
    return lock_order(order_id) if order_id is not None else None


def _session_paid(obj: Mapping[str, Any]) -> tuple[str, FulfilResult | None]:
    order = _order_for_session(obj)
    if order is None:
        log.error("Stripe session %s names no known order", obj.get("id"))
        return "ignored: unknown order", None
    result = lifecycle.pay_locked(order, PaymentData.from_stripe_session(obj), ACTOR)
    return result.outcome, result


def _session_closed(obj: Mapping[str, Any], new_state: PaymentStatus, note: str) -> str:
    order = _order_for_session(obj)
    if order is None:
        return "ignored: unknown order"
    if not order.stripe_session_id or obj.get("id") != order.stripe_session_id:
        # Another (older) Checkout Session of the order ended: the order's own session may still be paid.
        log.warning("Stripe session %r ended, but order %s's session is %r: ignored", obj.get("id"), order.number,
                    order.stripe_session_id)
        return "ignored: not the order's session"
    if order.payment_status != PaymentStatus.PENDING:
        return f"no effect: order is {order.payment_status}"
    lifecycle.close_unpaid_locked(order, new_state, ACTOR, note)
    return str(new_state)


def _charge_refunded(obj: Mapping[str, Any]) -> str:
    intent = obj.get("payment_intent")
    if isinstance(intent, Mapping):
        intent = intent.get("id")
    order_id = None
    if intent:
        order_id = db.session.scalar(select(Order.id).where(Order.stripe_payment_intent == str(intent)))
    if order_id is None:
        order_id = _metadata_order_id(obj)
        if order_id is None:
            return "ignored: unknown payment"
    refunded = int_in_range(obj.get("amount_refunded") or 0, minimum=0, maximum=10**12)
    if refunded is None:
        return "ignored: unreadable refund amount"
    order = lock_order(order_id)
    if order is None:
        return "ignored: unknown payment"
    if intent and order.stripe_payment_intent and str(intent) != order.stripe_payment_intent:
        log.warning("Refund of payment %r names order %s, whose payment is %r: ignored", intent, order.number,
                    order.stripe_payment_intent)
        return "ignored: not the order's payment"
    return lifecycle.record_external_refund(order, refunded, ACTOR, str(intent or obj.get("id") or order.id))
