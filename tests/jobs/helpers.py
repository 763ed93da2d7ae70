from __future__ import annotations

from sqlalchemy import select

from store.checkout import services as checkout
from store.extensions import db as _db
from store.orders.models import Order
from store.outbox import OutboxMessage
from tests.checkout.helpers import place


def paid_order(app, variant_id, qty=1, email="buyer@example.com") -> int:
    """A demo-paid order (the confirmation queued in the payment's transaction); returns its id."""
    with app.app_context(), app.test_request_context():
        order = place([(variant_id, qty)], email=email)
        assert checkout.fulfil_order(order.id, checkout.PaymentData.demo(order), "test").outcome == "paid"
        order_id = order.id
        _db.session.remove()
    return order_id


def rows(app) -> list[OutboxMessage]:
    with app.app_context():
        try:
            found = _db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
            for row in found:
                _db.session.expunge(row)
            return found
        finally:
            _db.session.remove()


def order(app, order_id) -> Order:
    with app.app_context():
        try:
            found = _db.session.get(Order, order_id)
            _db.session.expunge(found)
            return found
        finally:
            _db.session.remove()
