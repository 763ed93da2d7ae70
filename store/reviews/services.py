"""Reviews: who may write one, the claims screen, moderation, what product pages show, the invitations.

Rules, each in one place here:
* a review comes from a paid order (``order_is_reviewable``), one per product per order (a unique constraint);
  guests write theirs through a signed link (``review_token``), signed-in customers from their order too;
* every review passes the claims screen (``screen_claims``): a review that makes a health claim is HELD for a
  moderator with the phrases shown; anything else is published at once, whatever its rating. No rule here or in
  the back office holds or hides a review for being negative (16 CFR 465: suppressing negative reviews is
  forbidden); a rejection needs one of ``REJECT_REASONS``, none of which is about the opinion;
* a shopper's report does not hide a review: it puts it in the moderators' "reported" list;
* the invitation goes out once per order, from a scheduled job, through the outbox.
Write functions flush only: the caller (a view's use case or the back office) owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from store import outbox
from store.catalog.models import Product, ProductStatus, Variant
from store.claims import Finding
from store.db import limit_param, prepared, transaction
from store.extensions import db
from store.orders.models import Order, OrderLine
from store.orders.states import FulfilmentStatus, PaymentStatus
from store.reviews.models import Review, ReviewInvitation, ReviewReport, ReviewStatus
from store.safety import screening
from store.util import utcnow


class ReviewError(Exception):
    """A review action that cannot be done (the message is shown)."""


class NotReviewable(ReviewError):
    pass


class AlreadyReviewed(ReviewError):
    pass


# ------------------------------------------------------------------ the order lifecycle, in ONE place
# Two statuses (store/orders/states.py): money arrived and was kept (paid or partly refunded), whatever the
# fulfilment; the invitation goes after delivery (fulfilment delivered, delivered_at set by the transition).

REVIEWABLE_PAYMENT = (PaymentStatus.PAID.value, PaymentStatus.PARTIALLY_REFUNDED.value)
DELIVERED = FulfilmentStatus.DELIVERED.value


def order_is_reviewable(order: Order) -> bool:
    """A paid order (not fully refunded): its buyer may review what they bought."""
    return order.payment_status in REVIEWABLE_PAYMENT


def _paid_orders_clause():
    return Order.payment_status.in_(REVIEWABLE_PAYMENT)


def _delivered_before_clause(cutoff):
    """Delivered (and still paid) orders whose delivery was recorded at or before ``cutoff``."""
    return and_(Order.fulfilment_status == DELIVERED, Order.delivered_at.is_not(None), Order.delivered_at <= cutoff,
                _paid_orders_clause())


# ------------------------------------------------------------------ the claims screen, through ONE function

def screen_claims(text: str, *, context: str = "review") -> list[Finding]:
    """The store's claims screen (``safety.screening``: the rules in ``store.claims`` plus the owner's lexicon)
    applied to a shopper's review ("review" context), or to the store's own reply ("product": the strictest,
    it is the store speaking). Each finding has the phrase, the rule and why."""
    return screening.screen(text, context)


def _held_reason(findings: list[Finding]) -> str:
    return "\n".join(f"{f.phrase} — {f.rule} — {f.why}" for f in findings)


def held_phrases(review: Review) -> list[str]:
    return [line.split(" — ", 1)[0] for line in review.held_reason.splitlines() if line.strip()]


# ------------------------------------------------------------------ signed links (guests)

REVIEW_LINK_SALT = "kneadwell.review-invite.v1"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=REVIEW_LINK_SALT)


def review_token(order: Order) -> str:
    """Signed and timed, over the order's random view key only (no id, number or email in it)."""
    return _serializer().dumps(order.view_key)


def order_from_review_token(token: str) -> Order:
    max_age = int(current_app.config.get("REVIEW_LINK_MAX_AGE_DAYS", 180)) * 24 * 3600
    try:
        view_key = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise NotReviewable("This review link has expired. Thank you for wanting to tell us; reply to the "
                            "invitation email and we will send a fresh one.") from None
    except BadSignature:
        raise NotReviewable("That review link is not one of ours, or it was cut short.") from None
    if not isinstance(view_key, str) or not view_key.isalnum() or len(view_key) > 32:
        raise NotReviewable("That review link is not one of ours, or it was cut short.")
    order = db.session.scalars(select(Order).where(Order.view_key == view_key)).first()
    if order is None:
        raise NotReviewable("That review link is not one of ours, or it was cut short.")
    return order


def order_for_customer(number: str, user_id: int) -> Order | None:
    """A signed-in customer's own order (None for anybody else's: the view answers 404)."""
    return db.session.scalars(select(Order).where(Order.number == (number or "")[:20], Order.user_id == user_id)
                              ).first()


# ------------------------------------------------------------------ writing a review

@dataclass
class ReviewableLine:
    product: Product
    review: Review | None


def reviewable_lines(order: Order) -> list[ReviewableLine]:
    """The products on an order (once each), with the review already written for each, if any. Two queries."""
    bought = (select(Variant.product_id).join(OrderLine, OrderLine.variant_id == Variant.id)
              .where(OrderLine.order_id == order.id))
    products = list(db.session.scalars(select(Product).where(Product.id.in_(bought)).order_by(Product.name)))
    written = {r.product_id: r for r in db.session.scalars(select(Review).where(Review.order_id == order.id))}
    return [ReviewableLine(p, written.get(p.id)) for p in products]


def default_author_name(order: Order) -> str:
    parts = (order.ship_name or "").split()
    if not parts:
        return "Verified buyer"
    return parts[0][:40] + (f" {parts[-1][0]}." if len(parts) > 1 else "")


def submit_review(order: Order, product_id, *, rating, title: str, body: str, author_name: str,
                  user_id: int | None = None) -> Review:
    """Write one review (one transaction). Held when the claims screen finds something, published otherwise."""
    if not order_is_reviewable(order):
        raise NotReviewable("Reviews come from paid orders; this order has not been paid, or was refunded.")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ReviewError("Choose a rating from 1 to 5 stars.")
    title, body, author_name = (title or "").strip(), (body or "").strip(), (author_name or "").strip()
    if not title or len(title) > 120:
        raise ReviewError("Give your review a title (at most 120 characters).")
    if not body or len(body) > 5000:
        raise ReviewError("Write a few words about it (at most 5000 characters).")
    author_name = author_name[:80] or default_author_name(order)
    on_order = {line.product.id for line in reviewable_lines(order)}
    if product_id not in on_order:
        raise NotReviewable("You can review only what was on this order.")
    if db.session.scalar(select(Review.id).where(Review.order_id == order.id, Review.product_id == product_id)):
        raise AlreadyReviewed("You have already reviewed this product for this order. Thank you!")
    findings = screen_claims(f"{title}\n{body}")
    now = utcnow()
    review = Review(product_id=product_id, order_id=order.id, user_id=user_id, author_name=author_name,
                    rating=rating, title=title, body=body, created_at=now,
                    status=(ReviewStatus.HELD if findings else ReviewStatus.PUBLISHED).value,
                    held_reason=_held_reason(findings), published_at=None if findings else now)
    try:
        with transaction():
            db.session.add(review)
    except IntegrityError:
        raise AlreadyReviewed("You have already reviewed this product for this order. Thank you!") from None
    return review


def report_review(review_id, reason: str, *, user_id: int | None = None) -> Review:
    """A shopper flags a published review for the moderators (it stays up until one decides)."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("Tell us briefly what is wrong with this review.")
    with transaction():
        review = db.session.get(Review, review_id) if isinstance(review_id, int) else None
        if review is None or review.status != ReviewStatus.PUBLISHED:
            raise ReviewError("That review is not shown any more.")
        db.session.add(ReviewReport(review_id=review.id, reason=reason[:500], user_id=user_id))
        review.open_reports += 1
    return review


# ------------------------------------------------------------------ moderation (caller commits)

REJECT_REASONS = {
    "health_claim": "Makes a health claim the store cannot repeat",
    "not_about_product": "Not about the product or the buyer's experience of it",
    "personal_data": "Contains someone's personal data",
    "abusive": "Abusive, hateful or obscene language",
}


def _moderated(review: Review, actor: str, note: str) -> None:
    review.moderated_by, review.moderated_at, review.moderation_note = actor[:120], utcnow(), (note or "")[:500]


def publish(review: Review, *, actor: str, note: str = "") -> None:
    if review.status == ReviewStatus.PUBLISHED:
        raise ReviewError("That review is already published.")
    review.status = ReviewStatus.PUBLISHED.value
    review.published_at = review.published_at or utcnow()
    review.rejected_reason = ""
    _moderated(review, actor, note)


def reject(review: Review, reason: str, *, actor: str, note: str = "") -> None:
    if reason not in REJECT_REASONS:
        raise ReviewError("Choose why the review is taken down. A low rating or a negative opinion is not a "
                          "reason: those reviews stay published.")
    if review.status == ReviewStatus.REJECTED:
        raise ReviewError("That review is already taken down.")
    review.status, review.rejected_reason = ReviewStatus.REJECTED.value, reason
    _moderated(review, actor, note)


def reply(review: Review, text: str, *, actor: str) -> None:
    text = (text or "").strip()
    if len(text) > 3000:
        raise ReviewError("A reply can be at most 3000 characters.")
    findings = screen_claims(text, context="product")
    if findings:
        raise ReviewError("The reply makes a claim the store cannot make (" + ", ".join(f"“{f.phrase}”" for f in findings)
                          + "); please reword it.")
    review.reply_body = text
    review.replied_at = utcnow() if text else None


def dismiss_reports(review: Review) -> int:
    now, count = utcnow(), 0
    for report in review.reports:
        if report.resolved_at is None:
            report.resolved_at, count = now, count + 1
    review.open_reports = 0
    return count


# ------------------------------------------------------------------ what product pages and cards show

@dataclass(frozen=True)
class RatingSummary:
    count: int
    total: int
    distribution: dict[int, int]  # stars -> published reviews

    @property
    def average(self) -> float:
        return round(self.total / self.count, 1) if self.count else 0.0

    def share(self, stars: int) -> int:
        """Percentage of reviews with this many stars (for the distribution bars)."""
        return round(100 * self.distribution.get(stars, 0) / self.count) if self.count else 0


@prepared
def _summary():
    return (select(Review.rating, func.count(Review.id))
            .where(Review.product_id == bindparam("product_id"), Review.status == ReviewStatus.PUBLISHED.value)
            .group_by(Review.rating))


def summary(product_id: int) -> RatingSummary:
    rows = db.session.execute(_summary(), {"product_id": product_id})
    distribution = {stars: 0 for stars in range(5, 0, -1)}
    for rating, n in rows:
        distribution[int(rating)] = int(n)
    return RatingSummary(sum(distribution.values()), sum(s * n for s, n in distribution.items()), distribution)


SORTS = {"newest": "Newest", "highest": "Highest rated", "lowest": "Lowest rated"}
PER_PAGE = 10


def published_reviews(product_id: int, *, sort: str = "newest", stars: int | None = None, page: int = 1,
                      per_page: int = PER_PAGE) -> list[Review]:
    params = {"product_id": product_id, "limit": per_page, "offset": (page - 1) * per_page}
    if stars is not None:
        params["stars"] = stars
    return list(db.session.scalars(_published_reviews(sort if sort in SORTS else "newest", stars is not None), params))


@prepared
def _published_reviews(sort: str, by_stars: bool):
    order = {"highest": (Review.rating.desc(), Review.published_at.desc()),
             "lowest": (Review.rating.asc(), Review.published_at.desc())}.get(sort, ())
    stmt = select(Review).where(Review.product_id == bindparam("product_id"),
                                Review.status == ReviewStatus.PUBLISHED.value)
    if by_stars:
        stmt = stmt.where(Review.rating == bindparam("stars"))
    stmt = stmt.order_by(*order, Review.published_at.desc(), Review.id.desc())
    return stmt.limit(bindparam("limit")).offset(bindparam("offset"))


@prepared
def _ratings_for():
    return (select(Review.product_id, func.count(Review.id), func.sum(Review.rating))
            .where(Review.product_id.in_(bindparam("ids", expanding=True)),
                   Review.status == ReviewStatus.PUBLISHED.value)
            .group_by(Review.product_id))


def ratings_for(product_ids) -> dict[int, RatingSummary]:
    """Average and count for many products in ONE query (product cards); the query runs for an empty list
    too, so a page's query count does not depend on what it lists."""
    ids = sorted({int(i) for i in product_ids})
    rows = db.session.execute(_ratings_for(), {"ids": ids})
    return {pid: RatingSummary(int(n), int(total or 0), {}) for pid, n, total in rows}


def structured_data(rating: RatingSummary, reviews: list[Review]) -> dict:
    """schema.org ``aggregateRating`` and ``review`` for the Product (nothing without a published review)."""
    if not rating.count:
        return {}
    return {
        "aggregateRating": {"@type": "AggregateRating", "ratingValue": f"{rating.average:.1f}",
                            "reviewCount": rating.count, "bestRating": "5", "worstRating": "1"},
        "review": [{"@type": "Review", "name": r.title, "reviewBody": r.body,
                    "datePublished": (r.published_at or r.created_at).date().isoformat(),
                    "author": {"@type": "Person", "name": r.author_name},
                    "reviewRating": {"@type": "Rating", "ratingValue": str(r.rating), "bestRating": "5",
                                     "worstRating": "1"}} for r in reviews],
    }


# ------------------------------------------------------------------ related products: bought together

@prepared
def bought_together_statement():
    """Related products' source (catalog.related): (product_id, pos) of the products bought in the same paid
    orders as ``product_id``, most orders first, at most ``limit``."""
    mine_line, mine_variant = aliased(OrderLine), aliased(Variant)
    product_id = bindparam("product_id")
    with_it = (select(mine_line.order_id).join(mine_variant, mine_variant.id == mine_line.variant_id)
               .where(mine_variant.product_id == product_id))
    orders = func.count(func.distinct(OrderLine.order_id))
    order = (orders.desc(), Variant.product_id)
    return (select(Variant.product_id.label("product_id"), func.row_number().over(order_by=order).label("pos"))
            .select_from(OrderLine).join(Variant, Variant.id == OrderLine.variant_id)
            .join(Order, Order.id == OrderLine.order_id).join(Product, Product.id == Variant.product_id)
            .where(OrderLine.order_id.in_(with_it), Variant.product_id != product_id, _paid_orders_clause(),
                   Product.status == ProductStatus.ACTIVE)
            .group_by(Variant.product_id).order_by(*order).limit(limit_param()).subquery())


# ------------------------------------------------------------------ invitations (the scheduled job)

INVITATION = "review_invitation"


def queue_due_invitations(after_days: int, limit: int = 200) -> int:
    """Delivered orders older than ``after_days`` days without an invitation get one, through the outbox, in
    one transaction (the invitation row and the email row together). Returns how many were queued."""
    from store.templating import absolute_url_for
    cutoff = utcnow() - timedelta(days=max(after_days, 0))
    with transaction(write=True):
        orders = list(db.session.scalars(
            select(Order).where(_delivered_before_clause(cutoff),
                                ~exists().where(ReviewInvitation.order_id == Order.id))
            .order_by(Order.id).limit(limit)))
        for order in orders:
            db.session.add(ReviewInvitation(order_id=order.id))
            outbox.enqueue_email(
                key=outbox.stable_key("review-invitation", order.id), to=order.email, template=INVITATION,
                order_id=order.id, subject=f"How are you getting on with your {current_app.config['STORE_NAME']} order?",
                order=order, review_url=absolute_url_for("reviews.write", token=review_token(order)))
    return len(orders)
