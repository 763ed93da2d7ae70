"""Admin writes need the CSRF token; concurrent refunds can never add up past what was paid."""
from __future__ import annotations

import threading

from sqlalchemy import select

from store.orders.models import Order, Refund
from tests.admin.test_orders import _paid
from tests.checkout.conftest import shop  # noqa: F401
from tests.factories import make_disclaimers, make_product


def test_admin_posts_without_the_csrf_token_are_refused(app, db, admin_client):
    make_disclaimers()
    product = make_product("Guarded", summary="Before.")
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = admin_client.post(f"/admin/products/{product.id}/delete")
        assert response.status_code == 400 and "Form expired" in response.get_data(as_text=True)
        page = admin_client.get(f"/admin/products/{product.id}").get_data(as_text=True)
        assert 'name="csrf_token"' in page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(type(product), product.id) is not None


def test_concurrent_refunds_never_exceed_the_amount_paid(app, db, shop):
    """Eight admins refund $20.00 of a $29.95 order at the same moment, each with its own key: exactly one
    succeeds; the order's refunded total and the refund rows agree."""
    from store.admin.orders import services as admin_orders
    order_id = _paid(app, shop.roller)
    results: list[str] = []
    barrier = threading.Barrier(8)

    def worker(n):
        with app.app_context():
            barrier.wait()
            try:
                admin_orders.refund(order_id, 2000, f"race {n}", f"race-key-{n}", actor_id=None)
                results.append("ok")
            except admin_orders.RefundError:
                results.append("refused")
            except Exception as exc:  # a serialisation failure is also a refusal, never an over-refund
                results.append(type(exc).__name__)
            finally:
                from store.extensions import db as _db
                _db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results.count("ok") == 1 and results.count("refused") == 7, results
    db.session.expire_all()
    order = db.session.get(Order, order_id)
    refunds = list(db.session.scalars(select(Refund.amount_cents).where(Refund.order_id == order_id)))
    assert order.refunded_cents == sum(refunds) == 2000 <= order.paid_cents
