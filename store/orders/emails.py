"""Every email about an order, written to the outbox in the caller's transaction (never sent from here).

One dedupe key per logical message (``order-confirmation:<order id>`` ...): a second attempt to queue the same
message (a duplicate webhook, a double-submitted form) writes nothing.
"""
from __future__ import annotations

from flask import current_app

from store import outbox
from store.orders.models import Order, Refund
from store.orders.services import order_token
from store.util import utcnow

CONFIRMATION = "order_confirmation"


def confirmation_key(order_id: int) -> str:
    return outbox.stable_key("order-confirmation", order_id)


def _view_url(order: Order) -> str:
    from store.templating import absolute_url_for
    try:
        return absolute_url_for("orders.guest_order", token=order_token(order))
    except RuntimeError:  # no request (a worker) and no STORE_URL: the email says how to find the order instead
        return ""


def queue_confirmation(order: Order, key: str | None = None) -> int | None:
    return outbox.enqueue_email(
        key=key or confirmation_key(order.id), to=order.email, template=CONFIRMATION, order_id=order.id,
        subject=f"Your {current_app.config['STORE_NAME']} order {order.number}", order=order,
        view_url=_view_url(order))


def queue_shipped(order: Order) -> int | None:
    return outbox.enqueue_email(
        key=outbox.stable_key("order-shipped", order.id), to=order.email, template="order_shipped",
        order_id=order.id, subject=f"Your order {order.number} is on its way", order=order)


def queue_delivered(order: Order) -> int | None:
    return outbox.enqueue_email(
        key=outbox.stable_key("order-delivered", order.id), to=order.email, template="order_delivered",
        order_id=order.id, subject=f"Your order {order.number} has arrived", order=order, view_url=_view_url(order))


def queue_cancelled(order: Order, reason: str = "") -> int | None:
    return outbox.enqueue_email(
        key=outbox.stable_key("order-cancelled", order.id), to=order.email, template="order_cancelled",
        order_id=order.id, subject=f"Your order {order.number} was cancelled", order=order, reason=reason,
        view_url=_view_url(order))


def queue_refund(order: Order, refund: Refund) -> int | None:
    return outbox.enqueue_email(
        key=outbox.stable_key("order-refund", order.id, refund.id), to=order.email, template="order_refunded",
        order_id=order.id, subject=f"A refund for your order {order.number}", order=order, refund=refund,
        view_url=_view_url(order))


@outbox.on_delivered(CONFIRMATION)
def _confirmation_delivered(row) -> None:
    """The confirmation really went out: record it on the order (in the transaction that marks the row sent)."""
    from sqlalchemy import update
    from store.extensions import db
    if row.order_id is not None:
        db.session.execute(update(Order).where(Order.id == row.order_id, Order.confirmation_sent_at.is_(None))
                           .values(confirmation_sent_at=row.sent_at or utcnow())
                           .execution_options(synchronize_session=False))


def queue_paid_too_late(order: Order) -> int | None:
    """Instead of a confirmation: the payment came after the order closed and the stock was gone; it is refunded."""
    return outbox.enqueue_email(
        key=outbox.stable_key("order-paid-too-late", order.id), to=order.email, template="order_paid_too_late",
        order_id=order.id, subject=f"Your order {order.number}: we are sorry, we are refunding you", order=order,
        view_url=_view_url(order))
