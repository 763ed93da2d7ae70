"""Orders: lookups scoped to their owner, signed guest links. Every status change is in lifecycle.py."""
from __future__ import annotations

import logging

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from store.accounts.emails import queue_email
from store.db import lock_row
from store.extensions import db
from store.orders.models import Order

log = logging.getLogger(__name__)


class OrderNotFound(LookupError):
    pass


def lock_order(order_id: int) -> Order | None:
    """Load an order for update: a row lock on PostgreSQL (SQLite is already serialised by begin_write)."""
    return lock_row(Order, order_id)


def _with_lines():
    return (selectinload(Order.lines), selectinload(Order.events))


def order_for_user(number: str, user_id: int) -> Order:
    order = db.session.scalars(
        select(Order).where(Order.number == number, Order.user_id == user_id).options(*_with_lines())).first()
    if order is None:
        raise OrderNotFound(number)
    return order


def order_by_number(number: str) -> Order:
    order = db.session.scalars(select(Order).where(Order.number == number).options(*_with_lines())).first()
    if order is None:
        raise OrderNotFound(number)
    return order


def orders_for_user(user_id: int, page: int = 1, per_page: int = 20):
    return db.paginate(
        select(Order).where(Order.user_id == user_id).options(selectinload(Order.lines))
        .order_by(Order.placed_at.desc(), Order.id.desc()),
        page=page, per_page=per_page, error_out=False)


# ------------------------------------------------------------------ signed guest links

ORDER_LINK_SALT = "kneadwell.order-view.v2"


class OrderLinkExpired(OrderNotFound):
    """A genuine guest link past GUEST_ORDER_LINK_MAX_AGE_DAYS: the buyer can ask for a fresh one."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ORDER_LINK_SALT)


def _link_max_age() -> int:
    return int(current_app.config.get("GUEST_ORDER_LINK_MAX_AGE_DAYS", 90)) * 24 * 3600


def order_token(order: Order) -> str:
    """A signed, timed token over the order's random view key (sent to guests in the emails): decoded it shows
    only that random value (no id, number or email), and it stops working after GUEST_ORDER_LINK_MAX_AGE_DAYS."""
    return _serializer().dumps(order.view_key)


def order_from_token(token: str) -> Order:
    try:
        view_key = _serializer().loads(token, max_age=_link_max_age())
    except SignatureExpired:
        raise OrderLinkExpired(token) from None
    except BadSignature:
        raise OrderNotFound(token) from None
    if not isinstance(view_key, str) or not view_key or len(view_key) > 32 or not view_key.isalnum():
        raise OrderNotFound(token)
    order = db.session.scalars(select(Order).where(Order.view_key == view_key).options(*_with_lines())).first()
    if order is None:
        raise OrderNotFound(token)
    return order


def request_order_link(number: str, email: str, view_url_for) -> bool:
    """Email a fresh guest link for the order when the number and the email match it. The same work is done
    either way (the email is rendered and handed to the mail seam, which sends it only on a match), so the
    answer tells nothing. view_url_for(token) builds the absolute link. The result is for tests and logs."""
    number = (number or "").strip().upper()[:20]
    email = (email or "").strip().lower()[:254]
    order = db.session.scalar(select(Order).where(Order.number == number)) if number else None
    match = order is not None and bool(email) and order.email.lower() == email
    if not match:
        log.info("Fresh order link asked for a number and email that do not match")
    token = order_token(order) if match else _serializer().dumps(0)
    queue_email(order.email if match else email, f"Your {current_app.config['STORE_NAME']} order link", "order_link",
                deliver=match, number=order.number if match else number, view_url=view_url_for(token),
                days=int(current_app.config.get("GUEST_ORDER_LINK_MAX_AGE_DAYS", 90)))
    return match


def orders_needing_attention(limit: int = 50) -> list[Order]:
    """Orders where money and goods disagree (paid after expiry with the stock gone, a payment that does not
    match the order, a refund in an unexpected state): for the back office, newest first."""
    return list(db.session.scalars(
        select(Order).where(Order.needs_attention != "").order_by(Order.updated_at.desc()).limit(limit)))


def expire_due_orders(now=None) -> int:
    """The expiry job's work (lifecycle.expire_due_orders), kept here for the CLI and older callers."""
    from store.orders.lifecycle import expire_due_orders as run
    return run(now)


# ------------------------------------------------------------------ guest orders joining an account

CLAIM_SALT = "kneadwell.claim-guest-orders.v1"
CLAIM_MAX_AGE = 2 * 24 * 3600


class ClaimLinkInvalid(LookupError):
    """The link is not genuine, has expired, or belongs to another account or email."""


def _claim_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CLAIM_SALT)


def guest_orders_for_email(email: str) -> list[Order]:
    """Orders placed as a guest with this email (no account attached)."""
    return list(db.session.scalars(select(Order).where(Order.user_id.is_(None),
                                                       func.lower(Order.email) == (email or "").strip().lower())
                                   .order_by(Order.placed_at)))


def send_claim_link(user_id: int, email: str, claim_url_for) -> int:
    """Email a signed link to ``email`` that attaches its guest orders to the account: following it proves the
    customer reads that mailbox. Returns how many guest orders it would attach (0: nothing is sent)."""
    count = len(guest_orders_for_email(email))
    db.session.rollback()
    if count:
        token = _claim_serializer().dumps({"u": user_id, "e": email.strip().lower()})
        queue_email(email, f"Add your earlier {current_app.config['STORE_NAME']} orders to your account",
                    "orders_claim", claim_url=claim_url_for(token), count=count,
                    store_name=current_app.config["STORE_NAME"])
    return count


def claim_guest_orders(token: str, user_id: int, email: str) -> list[str]:
    """Attach the guest orders of the email in the signed link to the signed-in account. The link must be for
    this account and its current email. Returns the order numbers attached (none the second time)."""
    try:
        data = _claim_serializer().loads(token, max_age=CLAIM_MAX_AGE)
    except (BadSignature, SignatureExpired):
        raise ClaimLinkInvalid(token) from None
    email = (email or "").strip().lower()
    if not isinstance(data, dict) or data.get("u") != user_id or data.get("e") != email:
        raise ClaimLinkInvalid(token)
    from store.db import transaction
    from store.orders.states import note_event
    with transaction(write=True):
        orders = [o for o in guest_orders_for_email(email) if lock_order(o.id) is not None and o.user_id is None]
        for order in orders:
            order.user_id = user_id
            note_event(order, email, "Guest order added to the customer's account (email confirmed by link)")
        numbers = [o.number for o in orders]
    return numbers
