"""The back office's review moderation: the held queue shows the phrase, publish / take down with a listed
reason (audited), the store's reply, reported reviews, roles; and the back-in-stock demand page."""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from store.admin.audit.models import AuditLog
from store.alerts import services as alerts
from store.extensions import db as _db
from store.reviews import services
from store.reviews.models import Review
from tests.reviews.helpers import catalog, paid_order


def _as(client, login_as, user):
    g.pop("_login_user", None)  # the test's app context outlives each request
    login_as(client, user)


def _review(review_id) -> Review:
    _db.session.expire_all()
    return _db.session.get(Review, review_id)


def test_held_review_is_shown_with_its_phrase_and_can_be_published(app, db, client, make_user, login_as):
    roller, = catalog("Foam Roller")
    held = services.submit_review(paid_order([roller]), roller.id, rating=5, title="Wow",
                                  body="It relieves pain in my back like nothing else.", author_name="Sam")
    _as(client, login_as, make_user("staff@kneadwell.test", role="staff"))
    page = client.get("/admin/reviews").get_data(as_text=True)
    assert "relieves pain — condition-outcome" in page and f'data-review="{held.id}"' in page
    assert client.post(f"/admin/reviews/{held.id}/publish", data={"note": "Reads as experience"}).status_code == 303
    assert _review(held.id).status == "published" and _review(held.id).published_at is not None
    entry = _db.session.scalars(select(AuditLog).where(AuditLog.action == "review.publish")).one()
    assert entry.reason == "Reads as experience"


def test_take_down_needs_a_listed_reason(app, db, client, make_user, login_as):
    roller, = catalog("Foam Roller")
    review = services.submit_review(paid_order([roller]), roller.id, rating=1, title="Awful",
                                    body="Broke in a week.", author_name="Sam")
    _as(client, login_as, make_user("owner@kneadwell.test", role="owner"))
    client.post(f"/admin/reviews/{review.id}/reject", data={"reason": ""})
    client.post(f"/admin/reviews/{review.id}/reject", data={"reason": "too_negative"})
    assert _review(review.id).status == "published"
    client.post(f"/admin/reviews/{review.id}/reject", data={"reason": "personal_data", "note": "Named the courier"})
    assert _review(review.id).status == "rejected" and _review(review.id).rejected_reason == "personal_data"
    assert "Awful" not in client.get("/products/foam-roller").get_data(as_text=True)


def test_reply_reports_and_roles(app, db, client, make_user, login_as):
    roller, = catalog("Foam Roller")
    review = services.submit_review(paid_order([roller]), roller.id, rating=2, title="Loud", body="Squeaks.",
                                    author_name="Sam")
    services.report_review(review.id, "Spam link")
    reader = make_user("reader@kneadwell.test", role="readonly")
    _as(client, login_as, reader)
    page = client.get("/admin/reviews?tab=reported").get_data(as_text=True)
    assert "Spam link" in page
    assert client.post(f"/admin/reviews/{review.id}/reply", data={"reply": "Sorry!"}).status_code == 403
    assert client.post(f"/admin/reviews/{review.id}/dismiss-reports").status_code == 403
    _as(client, login_as, make_user("staff@kneadwell.test", role="staff"))
    client.post(f"/admin/reviews/{review.id}/reply", data={"reply": "This oil is a miracle cure."})
    assert _review(review.id).reply_body == ""  # refused: a health claim
    client.post(f"/admin/reviews/{review.id}/reply", data={"reply": "Sorry, Sam: a drop of oil on the axle helps."})
    client.post(f"/admin/reviews/{review.id}/dismiss-reports")
    after = _review(review.id)
    assert after.reply_body.startswith("Sorry, Sam") and after.open_reports == 0 and after.status == "published"
    assert client.post("/admin/reviews/999999/publish").status_code in (303, 404)


def test_demand_page_lists_waiting_shoppers_per_option(app, db, client, make_user, login_as):
    from tests.factories import make_disclaimers, make_product
    make_disclaimers()
    product = make_product("Arnica Oil", slug="arnica-oil", variants=[{"sku": "ARN-50", "on_hand": 0}])
    _db.session.commit()
    for n in range(2):
        alerts.subscribe(product.variants[0].id, f"p{n}@example.com")
    _as(client, login_as, make_user("reader@kneadwell.test", role="readonly"))
    page = client.get("/admin/stock-alerts").get_data(as_text=True)
    assert 'data-demand-sku="ARN-50"' in page and "<td class=\"num\" data-waiting>2</td>" in page
