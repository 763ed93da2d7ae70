"""The product page with reviews shown issues a fixed number of SQL queries, whatever the number of reviews,
related products or sold-out options."""
from __future__ import annotations

from store.extensions import db as _db
from store.reviews.models import Review
from store.util import utcnow
from tests.factories import make_category, make_disclaimers, make_order, make_product

LIMIT = 13


def _product_with_reviews(slug, reviews, category):
    product = make_product(slug.title(), slug=slug, category=category,
                           variants=[{"sku": f"{slug}-a", "on_hand": 3}, {"sku": f"{slug}-b", "on_hand": 0}])
    for k in range(reviews):
        order = make_order("paid", "delivered", email=f"{slug}{k}@example.com")
        _db.session.add(Review(product_id=product.id, order_id=order.id, author_name=f"Buyer {k}",
                               rating=1 + k % 5, title=f"Review {k}", body="Words.", status="published",
                               published_at=utcnow()))
    return product


def _count(client, count_queries, url):
    client.get(url)
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count, response.get_data(as_text=True)


def test_product_page_query_count_does_not_depend_on_reviews(app, db, client, count_queries):
    make_disclaimers()
    shelf = make_category("Rollers", "rollers")
    _product_with_reviews("one-review", 1, shelf)
    make_product("No Reviews", slug="no-reviews")  # no category, no guide, no review: nothing related either
    _product_with_reviews("many-reviews", 45, shelf)
    for n in range(6):
        _product_with_reviews(f"neighbour-{n}", 3, shelf)  # related cards, each with an average
    _db.session.commit()
    few, few_html = _count(client, count_queries, "/products/one-review")
    many, many_html = _count(client, count_queries, "/products/many-reviews")
    sold_out, sold_out_html = _count(client, count_queries, "/products/many-reviews?variant=many-reviews-b")
    none, none_html = _count(client, count_queries, "/products/no-reviews")
    assert "No reviews yet" in none_html and "Goes well with" not in none_html
    filtered, _ = _count(client, count_queries, "/products/many-reviews?stars=2&reviews=lowest&reviews_page=2")
    assert 'data-rating-count="45"' in many_html and many_html.count('class="review"') == 10
    assert "Goes well with" in many_html and many_html.count("data-card-rating") >= 4
    assert "Email me when it is back" in sold_out_html
    print(f"\nproduct page queries: no review {none}, 1 review {few}, 45 reviews {many}, sold-out option "
          f"{sold_out}, filtered {filtered}")
    assert none == few == many == sold_out == filtered <= LIMIT
