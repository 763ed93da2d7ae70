"""Back-in-stock alerts: subscribe, unsubscribe, and the one reaction to stock returning.

``stock_may_have_returned(variant_ids)`` is called by ``store.inventory.services`` after any change that can
raise what is available (an adjustment, a receipt, a count, a CSV import, a released reservation), inside that
change's transaction. It finds the waiting subscriptions of those options that can be bought NOW (the
availability policy), marks each sent with a conditional UPDATE (``... WHERE sent_at IS NULL``: a concurrent
restock cannot send it twice) and writes its email to the outbox. An option still sold out sends nothing.
"""
from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from store import outbox
from store.alerts.models import StockAlert
from store.catalog.availability import display_name, is_purchasable, units_available
from store.catalog.models import Product, ProductStatus, Variant
from store.db import transaction
from store.extensions import db
from store.util import utcnow

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TEMPLATE = "back_in_stock"


class AlertError(Exception):
    """A subscription that cannot be made (shown to the shopper)."""


def _clean_email(raw) -> str:
    email = (raw or "").strip().lower() if isinstance(raw, str) else ""
    if not email or len(email) > 254 or not EMAIL_RE.match(email):
        raise AlertError("Please enter a valid email address.")
    return email


def subscribe(variant_id, email, *, user_id: int | None = None) -> tuple[StockAlert, bool]:
    """Ask to be told when a sold-out option is back. Returns (subscription, created); asking twice keeps one."""
    email = _clean_email(email)
    variant = db.session.get(Variant, variant_id) if isinstance(variant_id, int) else None
    if variant is None or not variant.is_active or variant.product.status != ProductStatus.ACTIVE:
        raise AlertError("That option is not sold here any more.")
    if units_available(variant) > 0:
        raise AlertError(f"{display_name(variant)} is in stock: you can add it to your cart now.")
    existing = _waiting(variant.id, email)
    if existing is not None:
        return existing, False
    try:
        with transaction():
            alert = StockAlert(variant_id=variant.id, email=email, user_id=user_id)
            db.session.add(alert)
    except IntegrityError:  # the same request twice at once: the partial unique index kept one
        existing = _waiting(variant.id, email)
        if existing is None:
            raise
        return existing, False
    return alert, True


def _waiting(variant_id: int, email: str) -> StockAlert | None:
    return db.session.scalars(select(StockAlert).where(
        StockAlert.variant_id == variant_id, StockAlert.email == email, StockAlert.sent_at.is_(None),
        StockAlert.unsubscribed_at.is_(None))).first()


def _valid_token(token) -> bool:
    return isinstance(token, str) and re.fullmatch(r"[0-9a-f]{32}", token) is not None


def find_by_token(token) -> StockAlert | None:
    if not _valid_token(token):
        return None
    return db.session.scalars(select(StockAlert).where(StockAlert.token == token)
                              .options(joinedload(StockAlert.variant))).first()


def waiting_count(email: str) -> int:
    return db.session.scalar(select(func.count(StockAlert.id)).where(
        StockAlert.email == email, StockAlert.sent_at.is_(None), StockAlert.unsubscribed_at.is_(None))) or 0


def unsubscribe(token) -> tuple[StockAlert | None, int]:
    """The email's unsubscribe link: stops every alert still waiting for that address (the one that was
    sent is finished anyway). Returns (the link's alert or None when unknown, how many were stopped)."""
    if not _valid_token(token):
        return None, 0
    with transaction():
        alert = db.session.scalars(select(StockAlert).where(StockAlert.token == token)
                                   .options(joinedload(StockAlert.variant))).first()
        if alert is None:
            return None, 0
        result = db.session.execute(
            update(StockAlert).where(StockAlert.email == alert.email, StockAlert.sent_at.is_(None),
                                     StockAlert.unsubscribed_at.is_(None))
            .values(unsubscribed_at=utcnow()).execution_options(synchronize_session=False))
    return alert, result.rowcount or 0


def waiting_variant_ids(user_id: int | None, variant_ids) -> set[int]:
    """Which of these options the signed-in shopper is already waiting for (one query; none for a guest)."""
    ids = [v for v in variant_ids]
    if user_id is None or not ids:
        return set()
    return set(db.session.scalars(select(StockAlert.variant_id).where(
        StockAlert.user_id == user_id, StockAlert.variant_id.in_(ids), StockAlert.sent_at.is_(None),
        StockAlert.unsubscribed_at.is_(None))))


# ------------------------------------------------------------------ stock returned (called by inventory)

def stock_may_have_returned(variant_ids) -> int:
    """In the caller's transaction: email every waiting subscriber of these options that can be bought now,
    once each. Returns how many emails were queued. One query when nobody is waiting."""
    ids = sorted({int(v) for v in variant_ids})
    if not ids:
        return 0
    alerts = list(db.session.scalars(
        select(StockAlert).join(Variant, Variant.id == StockAlert.variant_id)
        .where(StockAlert.variant_id.in_(ids), StockAlert.sent_at.is_(None), StockAlert.unsubscribed_at.is_(None),
               Variant.on_hand - Variant.reserved > 0)
        .options(joinedload(StockAlert.variant).joinedload(Variant.product))
        .order_by(StockAlert.id).execution_options(populate_existing=True)))
    queued = 0
    now = utcnow()
    for alert in alerts:
        variant = alert.variant
        if not is_purchasable(variant) or units_available(variant) <= 0:
            continue
        claimed = db.session.execute(
            update(StockAlert).where(StockAlert.id == alert.id, StockAlert.sent_at.is_(None),
                                     StockAlert.unsubscribed_at.is_(None))
            .values(sent_at=now).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            continue  # another restock (or an unsubscribe) got there first
        _queue_email(alert, variant)
        queued += 1
    return queued


def _queue_email(alert: StockAlert, variant: Variant) -> None:
    from store.templating import absolute_url_for
    product = variant.product
    outbox.enqueue_email(
        key=outbox.stable_key("back-in-stock", alert.id), to=alert.email, template=TEMPLATE,
        subject=f"Back in stock at {current_app.config['STORE_NAME']}: {display_name(variant)}",
        name=display_name(variant), product=product,
        product_url=absolute_url_for("catalog.product_detail", slug=product.slug, variant=variant.sku),
        unsubscribe_url=absolute_url_for("alerts.unsubscribe", token=alert.token))


# ------------------------------------------------------------------ back office

def demand_per_option(limit: int = 200) -> list[dict]:
    """Options with people waiting, most wanted first: waiting, sent so far, on hand and available now."""
    waiting = func.sum(case((StockAlert.sent_at.is_(None) & StockAlert.unsubscribed_at.is_(None), 1), else_=0))
    sent = func.sum(case((StockAlert.sent_at.is_not(None), 1), else_=0))
    rows = db.session.execute(
        select(Variant.id, Variant.sku, Variant.option_label, Product.name, Product.id,
               Variant.on_hand, Variant.reserved, waiting.label("waiting"), sent.label("sent"),
               func.max(StockAlert.created_at))
        .join(Variant, Variant.id == StockAlert.variant_id).join(Product, Product.id == Variant.product_id)
        .group_by(Variant.id, Variant.sku, Variant.option_label, Product.name, Product.id, Variant.on_hand,
                  Variant.reserved)
        .order_by(waiting.desc(), Variant.sku).limit(limit)).all()
    return [dict(variant_id=r[0], sku=r[1], option=r[2], product=r[3], product_id=r[4],
                 available=max(r[5] - r[6], 0), waiting=int(r[7] or 0), sent=int(r[8] or 0), last_request=r[9])
            for r in rows]
