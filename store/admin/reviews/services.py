"""Back office for reviews: the moderation queue (held, reported), publish / take down with a stated reason,
the store's reply, dismissing reports; and the back-in-stock demand per option. Each write is one transaction
with its audit row."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from store.admin.audit import services as audit
from store.alerts.services import demand_per_option  # noqa: F401  (the demand page)
from store.db import lock_row, transaction
from store.extensions import db
from store.reviews import services as reviews
from store.reviews.models import Review, ReviewStatus

TABS = {"held": "Held for moderation", "reported": "Reported", "published": "Published", "rejected": "Taken down"}


@dataclass
class QueueFilter:
    tab: str = "held"
    page: int = 1


def parse_filter(args) -> QueueFilter:
    from store.util import page_number
    tab = args.get("tab") if args.get("tab") in TABS else "held"
    return QueueFilter(tab, page_number(args.get("page")))


def queue_statement(f: QueueFilter):
    stmt = select(Review).options(joinedload(Review.product), selectinload(Review.reports))
    if f.tab == "reported":
        stmt = stmt.where(Review.open_reports > 0, Review.status != ReviewStatus.REJECTED.value)
    else:
        stmt = stmt.where(Review.status == f.tab)
    return stmt.order_by(Review.created_at.desc(), Review.id.desc())


def tab_counts() -> dict[str, int]:
    counts = dict(db.session.execute(select(Review.status, func.count(Review.id)).group_by(Review.status)).all())
    counts["reported"] = db.session.scalar(select(func.count(Review.id)).where(
        Review.open_reports > 0, Review.status != ReviewStatus.REJECTED.value)) or 0
    return {tab: int(counts.get(tab, 0)) for tab in TABS}


def _locked(review_id: int) -> Review:
    review = lock_row(Review, review_id)
    if review is None:
        raise reviews.ReviewError("That review no longer exists.")
    return review


def _actor(actor_id: int | None) -> str:
    return f"admin:{actor_id}" if actor_id is not None else "system"


def publish(review_id: int, *, actor_id: int | None, note: str = "") -> Review:
    with transaction(write=True):
        review = _locked(review_id)
        before = review.status
        reviews.publish(review, actor=_actor(actor_id), note=note)
        audit.record(actor_id, "review.publish", review, {"status": (before, review.status)}, reason=note)
    return review


def reject(review_id: int, reason: str, *, actor_id: int | None, note: str = "") -> Review:
    with transaction(write=True):
        review = _locked(review_id)
        before = review.status
        reviews.reject(review, reason, actor=_actor(actor_id), note=note)
        audit.record(actor_id, "review.reject", review, {"status": (before, review.status)},
                     reason=f"{reviews.REJECT_REASONS[reason]}. {note}".strip())
    return review


def reply(review_id: int, text: str, *, actor_id: int | None) -> Review:
    with transaction(write=True):
        review = _locked(review_id)
        before = review.reply_body
        reviews.reply(review, text, actor=_actor(actor_id))
        audit.record(actor_id, "review.reply", review, {"reply": (before, review.reply_body)})
    return review


def dismiss_reports(review_id: int, *, actor_id: int | None) -> int:
    with transaction(write=True):
        review = _locked(review_id)
        count = reviews.dismiss_reports(review)
        audit.record(actor_id, "review.dismiss_reports", review, {"open_reports": (count, 0)})
    return count
