"""Reviews: who may write one, one per product per order, the claims hold, moderation, the product page."""
from __future__ import annotations

import json
import re

import pytest
from flask import g
from sqlalchemy import func, select

from store.extensions import db as _db
from store.outbox import OutboxMessage
from store.reviews import services
from store.reviews.models import Review, ReviewStatus
from tests.factories import make_order, place_order
from tests.reviews.helpers import catalog, delivered_order, paid_order


def _write(client, token, product, rating=5, title="Good roller", body="Rolled my calves after runs; sturdy.",
           name="Robin R."):
    url = f"/reviews/write/{token}"  # (CSRF is off in view tests; it has its own tests)
    prefix = f"p{product.id}-"
    return client.post(url, data={"product_id": product.id, prefix + "rating": str(rating),
                                  prefix + "title": title, prefix + "body": body, prefix + "author_name": name})


def test_an_unpaid_order_cannot_review(app, db, client):
    roller, = catalog("Foam Roller")
    order = place_order([(roller.variants[0].id, 1)])  # placed, never paid
    with pytest.raises(services.NotReviewable):
        services.submit_review(order, roller.id, rating=5, title="t", body="b", author_name="x")
    token = services.review_token(order)
    response = _write(client, token, roller)
    assert response.status_code == 302
    assert _db.session.scalar(select(func.count(Review.id))) == 0
    assert "has not been paid" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_product_not_on_the_order_cannot_be_reviewed(app, db):
    roller, ball = catalog("Foam Roller", "Massage Ball")
    order = paid_order([roller])
    with pytest.raises(services.NotReviewable):
        services.submit_review(order, ball.id, rating=5, title="t", body="b", author_name="x")


def test_a_forged_or_tampered_link_is_refused(app, db, client):
    roller, = catalog("Foam Roller")
    order = paid_order([roller])
    token = services.review_token(order)
    payload, stamp, signature = token.split(".")
    other = "A" if signature[5] != "A" else "B"  # (not the last character: its low bits may be unused)
    assert client.get(f"/reviews/write/{payload}.{stamp}.{signature[:5]}{other}{signature[6:]}").status_code == 404
    assert client.get("/reviews/write/not-a-token").status_code == 404
    assert client.get(f"/reviews/write/{token}").status_code == 200


def test_one_review_per_product_per_order(app, db, client):
    roller, = catalog("Foam Roller")
    order = paid_order([roller])
    token = services.review_token(order)
    assert _write(client, token, roller).status_code == 302
    with pytest.raises(services.AlreadyReviewed):
        services.submit_review(order, roller.id, rating=1, title="again", body="again", author_name="x")
    _write(client, token, roller, rating=1, title="Second go")
    assert _db.session.scalar(select(func.count(Review.id))) == 1
    # a second paid order of the same product may review it again
    second = paid_order([roller])
    services.submit_review(second, roller.id, rating=4, title="Bought another", body="For my sister.",
                           author_name="Robin R.")
    assert _db.session.scalar(select(func.count(Review.id))) == 2


def test_a_health_claim_is_held_with_the_phrase_and_a_one_star_review_is_published(app, db, client):
    roller, = catalog("Foam Roller")
    order = paid_order([roller])
    other = paid_order([roller], email="other@example.com")
    response = _write(client, services.review_token(order), roller, title="Amazing",
                      body="This roller cured my sciatica in a week.")
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    held = _db.session.scalars(select(Review).where(Review.order_id == order.id)).one()
    assert held.status == ReviewStatus.HELD and held.published_at is None
    assert held.held_reason.startswith("cured my sciatica — condition-outcome — ")
    assert "“cured my sciatica”" in flashed
    bad = services.submit_review(other, roller.id, rating=1, title="Too hard for me",
                                 body="Hurt to use, the foam is rough and it smells. Would not buy again.",
                                 author_name="Sam")
    assert bad.status == ReviewStatus.PUBLISHED
    page = client.get(f"/products/{roller.slug}").get_data(as_text=True)
    assert "Too hard for me" in page and "cured my sciatica" not in page


def test_moderation_cannot_take_a_review_down_without_a_listed_reason(app, db):
    roller, = catalog("Foam Roller")
    review = services.submit_review(paid_order([roller]), roller.id, rating=1, title="Meh", body="Not for me.",
                                    author_name="Sam")
    with pytest.raises(services.ReviewError, match="negative opinion is not a reason"):
        services.reject(review, "negative", actor="admin:1")
    assert "negative" not in " ".join(services.REJECT_REASONS).lower()


def test_average_distribution_and_structured_data(app, db, client):
    roller, = catalog("Foam Roller")
    for n, rating in enumerate([5, 4, 4, 1]):
        services.submit_review(paid_order([roller], email=f"b{n}@example.com"), roller.id, rating=rating,
                               title=f"Title {n}", body=f"Body {n}", author_name=f"Buyer {n}")
    # a held review counts nowhere
    services.submit_review(paid_order([roller], email="h@example.com"), roller.id, rating=5, title="Miracle",
                           body="A miracle remedy.", author_name="H")
    summary = services.summary(roller.id)
    assert (summary.count, summary.average, summary.distribution) == (4, 3.5, {5: 1, 4: 2, 3: 0, 2: 0, 1: 1})
    html = client.get(f"/products/{roller.slug}").get_data(as_text=True)
    assert 'data-rating-average="3.5"' in html and 'data-rating-count="4"' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["aggregateRating"] == {"@type": "AggregateRating", "ratingValue": "3.5", "reviewCount": 4,
                                       "bestRating": "5", "worstRating": "1"}
    assert sorted(int(r["reviewRating"]["ratingValue"]) for r in data["review"]) == [1, 4, 4, 5]
    assert "Miracle" not in json.dumps(data)
    # the product card on the list shows the average
    listing = client.get("/products").get_data(as_text=True)
    assert 'data-card-rating="3.5"' in listing


def test_sort_and_star_filter(app, db, client):
    roller, = catalog("Foam Roller")
    for n, rating in enumerate([3, 5, 1]):
        services.submit_review(paid_order([roller], email=f"b{n}@example.com"), roller.id, rating=rating,
                               title=f"Rated {rating}", body="Body", author_name=f"Buyer {n}")

    def ratings(query):
        html = client.get(f"/products/{roller.slug}{query}").get_data(as_text=True)
        return [int(r) for r in re.findall(r'data-review="\d+" data-rating="(\d)"', html)]

    assert ratings("") == [1, 5, 3]              # newest first
    assert ratings("?reviews=highest") == [5, 3, 1]
    assert ratings("?reviews=lowest") == [1, 3, 5]
    assert ratings("?stars=5") == [5]
    assert ratings("?stars=2") == []
    assert client.get(f"/products/{roller.slug}?stars=9&reviews=bogus&reviews_page=x").status_code == 200


def test_without_reviews_the_page_has_no_rating_data(app, db, client):
    roller, = catalog("Foam Roller")
    html = client.get(f"/products/{roller.slug}").get_data(as_text=True)
    assert "aggregateRating" not in html and "No reviews yet" in html


def test_a_report_does_not_hide_the_review_and_lands_in_the_queue(app, db, client):
    roller, = catalog("Foam Roller")
    review = services.submit_review(paid_order([roller]), roller.id, rating=2, title="Squeaky", body="Squeaks.",
                                    author_name="Sam")
    _db.session.commit()
    response = client.post(f"/reviews/{review.id}/report", data={"slug": roller.slug,
                                                                 "reason": "Looks fake"})
    assert response.status_code == 303
    _db.session.expire_all()
    assert _db.session.get(Review, review.id).open_reports == 1
    assert "Squeaky" in client.get(f"/products/{roller.slug}").get_data(as_text=True)
    # an empty reason is a form error, not a report
    client.post(f"/reviews/{review.id}/report", data={"slug": roller.slug, "reason": " "})
    _db.session.expire_all()
    assert _db.session.get(Review, review.id).open_reports == 1


def test_signed_in_customer_reviews_only_their_own_order(app, db, client, make_user, login_as):
    roller, = catalog("Foam Roller")
    owner = make_user("owner-of-order@example.com")
    stranger = make_user("stranger@example.com")
    order = paid_order([roller], email=owner.email, user_id=owner.id)
    login_as(client, stranger)
    assert client.get(f"/account/orders/{order.number}/review").status_code == 404
    g.pop("_login_user", None)  # the test's app context outlives the request: forget the user Flask-Login cached
    login_as(client, owner)
    assert client.get(f"/account/orders/{order.number}/review").status_code == 200


def test_invitation_job_sends_once_per_delivered_order_after_n_days(app, db):
    roller, = catalog("Foam Roller")
    delivered = delivered_order([roller])
    paid_order([roller], email="notyet@example.com")  # paid, not delivered: no invitation
    assert services.queue_due_invitations(after_days=3) == 0  # delivered just now
    assert services.queue_due_invitations(after_days=0) == 1
    assert services.queue_due_invitations(after_days=0) == 0
    rows = list(_db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "review_invitation")))
    assert [r.recipient for r in rows] == [delivered.email]
    link = re.search(r"(http\S+/reviews/write/\S+)", rows[0].body_text).group(1)
    assert services.order_from_review_token(link.rsplit("/", 1)[1]).id == delivered.id
    assert rows[0].body_html and "Review your order" in rows[0].body_html


def test_the_reply_is_screened_and_shown(app, db, client):
    roller, = catalog("Foam Roller")
    review = services.submit_review(paid_order([roller]), roller.id, rating=3, title="OK", body="Fine.",
                                    author_name="Sam")
    with pytest.raises(services.ReviewError, match="claim the store cannot make"):
        services.reply(review, "It heals sciatica!", actor="admin:1")
    services.reply(review, "Thanks, Sam: try the softer side first.", actor="admin:1")
    _db.session.commit()
    assert "try the softer side first" in client.get(f"/products/{roller.slug}").get_data(as_text=True)
