"""The demo store has reviews on several products (one held for its health claim) and keeps an option sold
out, so both features show in `make run`."""
from sqlalchemy import func, select

from store.catalog.models import Variant
from store.demo import seed_all
from store.extensions import db as _db
from store.reviews.models import Review


def test_demo_has_reviews_and_a_sold_out_option(app, client):
    with app.app_context():
        seed_all()
        again = seed_all()
        assert again["reviews"] == 0  # idempotent
        published = _db.session.scalar(select(func.count(func.distinct(Review.product_id)))
                                       .where(Review.status == "published"))
        assert published >= 4
        held = _db.session.scalars(select(Review).where(Review.status == "held")).all()
        assert [r.title for r in held] == ["Cured my plantar fasciitis"] and "cured" in held[0].held_reason.lower()
        assert _db.session.scalar(select(func.count(Review.id)).where(Review.rating <= 2,
                                                                      Review.status == "published")) >= 2
        assert _db.session.scalars(select(Variant).where(Variant.sku == "KW-AC-PMP")).one().available == 0
        _db.session.remove()
    page = client.get("/products/foam-roller").get_data(as_text=True)
    assert 'data-rating-count="3"' in page and "Too hard for me" in page and "aggregateRating" in page
    assert "Email me when it is back" in client.get("/products/oil-pump-dispenser").get_data(as_text=True)
