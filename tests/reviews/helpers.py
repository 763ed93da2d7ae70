"""Builders for the reviews tests: a catalog, a paid (or delivered) order through the real use cases."""
from __future__ import annotations

from store.admin.orders import services as admin_orders
from store.extensions import db
from store.orders.models import Order
from tests.factories import make_disclaimers, make_product, pay_order, place_order


def catalog(*names: str):
    make_disclaimers()
    products = [make_product(name, slug=name.lower().replace(" ", "-")) for name in names]
    db.session.commit()
    return products


def paid_order(products, email: str = "buyer@example.com", user_id: int | None = None) -> Order:
    order = place_order([(p.variants[0].id, 1) for p in products], email=email, user_id=user_id)
    pay_order(order)
    db.session.commit()
    return db.session.get(Order, order.id, populate_existing=True)


def delivered_order(products, **kw) -> Order:
    order = paid_order(products, **kw)
    admin_orders.mark_shipped(order.id, "Parcel Co", "PC123", actor_id=None)
    admin_orders.mark_delivered(order.id, actor_id=None)
    return db.session.get(Order, order.id, populate_existing=True)
