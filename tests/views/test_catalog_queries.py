"""Product list and detail issue a fixed number of SQL queries whatever the catalog size."""
import pytest

from store.extensions import db as _db
from tests.factories import make_category, make_disclaimers, make_product

MAX_QUERIES = 6
# The product page also shows its reviews (rating summary, one page of reviews), the shopper's alert and
# wishlist state, and related products (one query per source: guides, category, bought together; then the
# cards' products with variants and images, and their ratings): a fixed 13, whatever the catalog's size or the
# number of reviews (tests/reviews/test_product_page_queries.py). Lists add one query for the cards' ratings.
PAGE_MAX = {"product detail": 13, "product detail, variant chosen": 13, "product list": 7,
            "product list, filtered and sorted": 7}
MEASURED: dict = {}


def _build_catalog(app, size):
    with app.app_context():
        make_disclaimers()
        categories = [make_category(f"Shelf {n}", f"shelf-{n}") for n in range(4)]
        for n in range(size):
            make_product(f"Product {n:04d}", slug=f"product-{n:04d}", category=categories[n % 4],
                         featured=n % 5 == 0, index=False,
                         variants=[{"sku": f"P{n}-S", "label": "Small", "price_cents": 1000 + n, "on_hand": 4},
                                   {"sku": f"P{n}-L", "label": "Large", "price_cents": 2000 + n, "on_hand": n % 3}])
        _add_reviews(size)
        _db.session.commit()


def _add_reviews(size):
    """Published reviews on every fifth product (cards show averages), 30 on the product page measured."""
    from sqlalchemy import select

    from store.catalog.models import Product
    from store.reviews.models import Review
    from store.util import utcnow
    from tests.factories import make_order
    products = {p.slug: p.id for p in _db.session.scalars(select(Product))}
    now = utcnow()
    for n in range(0, size, 5):
        reviews = 30 if n == 0 else 2
        for k in range(reviews):
            order = make_order("paid", email=f"r{n}-{k}@example.com")
            for slug in (f"product-{n:04d}", "product-0004") if n == 0 else (f"product-{n:04d}",):
                _db.session.add(Review(product_id=products[slug], order_id=order.id, author_name=f"Buyer {k}",
                                       rating=1 + k % 5, title=f"Review {k}", body="Good.", status="published",
                                       published_at=now))


PAGES = {
    "home": "/",
    "product list": "/products",
    "product list, filtered and sorted": "/products?category=shelf-1&sort=price_desc&in_stock=1",
    "product detail": "/products/product-0004",
    "product detail, variant chosen": "/products/product-0004?variant=P4-L",
}


def _count(client, count_queries, url):
    client.get(url)  # warm-up (first-request work is not what we measure)
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count, counter.statements


@pytest.mark.parametrize("size", [10, 200])
def test_query_counts_per_page(app, client, count_queries, size):
    _build_catalog(app, size)
    for name, url in PAGES.items():
        count, statements = _count(client, count_queries, url)
        MEASURED.setdefault(name, {})[size] = count
        assert count <= PAGE_MAX.get(name, MAX_QUERIES), f"{name}: {count} queries\n" + "\n---\n".join(statements)


def test_query_counts_do_not_grow_with_the_catalog():
    """Runs after the two sizes above (same module, file order)."""
    assert set(MEASURED) == set(PAGES), "the measuring test must run first"
    report = ", ".join(f"{name}: {sizes[10]} / {sizes[200]}" for name, sizes in MEASURED.items())
    print(f"\nqueries with 10 / 200 products -> {report}")
    for name, sizes in MEASURED.items():
        assert sizes[10] == sizes[200], f"{name}: {sizes[10]} queries with 10 products, {sizes[200]} with 200"
