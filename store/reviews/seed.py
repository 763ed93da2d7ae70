"""Demo reviews (idempotent): each comes from a demo order, delivered, that bought the product, and goes
through the real ``submit_review`` (so the claims screen holds the one that makes a health claim). The demo
orders are history: they record no stock movement and the store's stock is left as it is."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from store.catalog.models import Variant
from store.extensions import db
from store.orders.models import Order, OrderEvent, OrderLine
from store.reviews import services
from store.reviews.demo_data import REVIEWS
from store.util import utcnow


def seed_reviews() -> int:
    """Returns how many demo reviews were written (0 when they exist already). Commits (one per review)."""
    variants = {v.sku: v for v in db.session.scalars(select(Variant).where(
        Variant.sku.in_([r[2] for r in REVIEWS])))}
    existing = set(db.session.scalars(select(Order.number).where(Order.number.in_([r[0] for r in REVIEWS]))))
    written = 0
    for n, (number, name, sku, rating, title, body, reply) in enumerate(REVIEWS):
        variant = variants.get(sku)
        if number in existing or variant is None:
            continue
        when = utcnow() - timedelta(days=40 - 4 * n)
        email = f"demo-buyer-{n + 1}@example.com"
        order = Order(number=number, email=email, payment_status="paid", fulfilment_status="delivered",
                      ship_name=name, placed_at=when, paid_at=when, shipped_at=when + timedelta(days=1),
                      delivered_at=when + timedelta(days=3), subtotal_cents=variant.price_cents,
                      total_cents=variant.price_cents, paid_cents=variant.price_cents, confirmation_sent_at=when)
        order.lines.append(OrderLine(variant_id=variant.id, product_name=variant.product.name,
                                     variant_label=variant.option_label, sku=variant.sku,
                                     unit_price_cents=variant.price_cents, quantity=1,
                                     line_total_cents=variant.price_cents))
        for machine, before, state, days in (("payment", "pending", "paid", 0), ("fulfilment", "unfulfilled", "shipped", 1),
                                             ("fulfilment", "shipped", "delivered", 3)):
            order.events.append(OrderEvent(machine=machine, from_state=before, to_state=state, actor="demo",
                                           note="Demo history", created_at=when + timedelta(days=days)))
        db.session.add(order)
        db.session.flush()
        review = services.submit_review(order, variant.product_id, rating=rating, title=title, body=body,
                                        author_name=services.default_author_name(order))
        if reply:
            services.reply(review, reply, actor="demo")
        review.created_at = review.published_at = when + timedelta(days=6)
        if review.status == services.ReviewStatus.HELD:
            review.published_at = None
        db.session.commit()
        written += 1
    return written
