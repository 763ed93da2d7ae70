"""Admin lists load what they show in a fixed number of queries, however many rows there are."""
from __future__ import annotations

from tests.checkout.conftest import shop  # noqa: F401
from tests.factories import make_disclaimers, make_product


def _count(count_queries, client, url):
    from store.extensions import db
    db.session.commit()   # as in production: every request starts with nothing cached (the user is loaded)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_product_list_query_count_does_not_grow_with_products(app, db, admin_client, count_queries):
    make_disclaimers()
    for n in range(3):
        make_product(f"Few {n}", variants=[{"sku": f"F-{n}-{k}"} for k in range(2)])
    db.session.commit()
    few = _count(count_queries, admin_client, "/admin/products")
    for n in range(20):
        make_product(f"Many {n}", variants=[{"sku": f"M-{n}-{k}"} for k in range(3)])
    db.session.commit()
    many = _count(count_queries, admin_client, "/admin/products")
    print(f"/admin/products: {few} queries with 3 products, {many} with 23")
    # user, categories, products, variants, images, count (+ the header mini-cart count when not cached)
    assert many <= few <= 7


def test_dashboard_and_audit_query_counts_are_fixed(app, db, admin_client, count_queries, shop):
    from store.admin.audit import services as audit
    from tests.admin.test_orders import _paid
    for n in range(4):
        _paid(app, shop.roller, email=f"buyer{n}@example.com")
    for n in range(30):
        audit.record(None, "test.action", ("thing", n), {"n": [n, n + 1]})
    db.session.commit()
    dashboard = _count(count_queries, admin_client, "/admin/")
    log = _count(count_queries, admin_client, "/admin/audit")
    orders = _count(count_queries, admin_client, "/admin/orders")
    print(f"/admin/: {dashboard} queries, /admin/audit: {log}, /admin/orders: {orders}")
    assert dashboard <= 8 and log <= 10 and orders <= 8
