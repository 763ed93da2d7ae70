"""Reconcile Stripe payments whose webhook never came.

A Stripe order still pending (or already expired by the clock) after its Checkout Session should have ended
has its session retrieved from Stripe, server to server. A paid session is fulfilled through the same
function as the webhook (``checkout.services.fulfil_order``: stock consumed, or re-reserved when the order
had expired, the confirmation queued once); a session that ended unpaid expires the order. Each order is
checked until Stripe gives a final answer, and that answer is recorded as an order event (by RECONCILE_ACTOR),
so it is not asked again. No database transaction is open while Stripe is called.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, select

from store.payments import stripe_gateway
from store.checkout.services import fulfil_order
from store.db import transaction
from store.extensions import db
from store.orders import lifecycle
from store.orders.models import Order, OrderEvent
from store.orders.services import lock_order
from store.orders.states import PaymentStatus
from store.payments.refunds import send_refund
from store.util import utcnow

log = logging.getLogger(__name__)
RECONCILE_ACTOR = lifecycle.ACTOR_RECONCILE_JOB


def candidates(now=None, limit: int = 100) -> list[tuple[int, str]]:
    """(order id, session id) of Stripe orders whose session has ended without a final word from Stripe."""
    now = now or utcnow()
    lookback = now - timedelta(hours=current_app.config["RECONCILE_LOOKBACK_HOURS"])
    checked = exists().where(OrderEvent.order_id == Order.id, OrderEvent.actor == RECONCILE_ACTOR)
    rows = db.session.execute(
        select(Order.id, Order.stripe_session_id)
        .where(Order.payment_provider == "stripe", Order.stripe_session_id.is_not(None),
               Order.payment_status.in_([PaymentStatus.PENDING.value, PaymentStatus.EXPIRED.value]),
               Order.expires_at.is_not(None), Order.expires_at < now, Order.expires_at >= lookback, ~checked)
        .order_by(Order.expires_at).limit(limit)).all()
    return [(order_id, session_id) for order_id, session_id in rows]


def _note(order_id: int, note: str) -> None:
    with transaction(write=True):
        order = lock_order(order_id)
        if order is not None:
            lifecycle.note_event(order, RECONCILE_ACTOR, note[:500])


def reconcile_order(order_id: int, session_id: str) -> str:
    try:
        session = stripe_gateway.retrieve_session(session_id)
    except stripe_gateway.PaymentError as exc:
        log.warning("Reconcile: could not retrieve session %s of order %s: %s", session_id, order_id, exc)
        return "unreachable"
    status, payment_status = session.get("status"), session.get("payment_status")
    if payment_status in ("paid", "no_payment_required"):
        result = fulfil_order(order_id, session, RECONCILE_ACTOR)
        if result.outcome in ("mismatch", "not_found"):
            _note(order_id, f"Checked with Stripe: session {session_id} {result.outcome}")
        return result.outcome
    if status == "expired":
        if lifecycle.expire(order_id, actor=RECONCILE_ACTOR,
                            note="Stripe checkout session ended unpaid (checked with Stripe)"):
            return "expired"
        _note(order_id, f"Checked with Stripe: session {session_id} ended unpaid")
        return "expired"
    return "open" if status == "open" else "processing"


def reconcile_payments() -> dict[str, int]:
    """One pass over every candidate, then every refund left pending (recorded, but the provider's answer never
    recorded: sent again with its own idempotency key). Returns a count per outcome."""
    pending = candidates()
    db.session.rollback()  # no transaction stays open while Stripe is asked
    counts: dict[str, int] = {}
    for order_id, session_id in pending:
        outcome = reconcile_order(order_id, session_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    refunds = lifecycle.reconcile_pending_refunds(send_refund, RECONCILE_ACTOR)
    if refunds:
        counts["refunds"] = refunds
    if pending:
        log.info("Reconciled %s Stripe order(s): %s", len(pending), counts)
    return counts
