"""Reviews, the reports shoppers make about them, and the one invitation each delivered order gets."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.extensions import db
from store.util import utcnow


class ReviewStatus(enum.StrEnum):
    PUBLISHED = "published"
    HELD = "held"          # waiting for a moderator (the claims screen found something, or a report)
    REJECTED = "rejected"  # taken down for a stated reason (never for being negative: see REJECT_REASONS)


class Review(db.Model):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("order_id", "product_id", name="uq_reviews_order_product"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("status IN ('published', 'held', 'rejected')", name="status_valid"),
        Index("ix_reviews_product_status", "product_id", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    author_name: Mapped[str] = mapped_column(String(80))
    rating: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ReviewStatus.PUBLISHED.value, index=True)
    # What the claims screen found, shown to the moderator: "phrase — rule — why" lines.
    held_reason: Mapped[str] = mapped_column(Text, default="")
    rejected_reason: Mapped[str] = mapped_column(String(40), default="")
    moderation_note: Mapped[str] = mapped_column(String(500), default="")
    moderated_by: Mapped[str] = mapped_column(String(120), default="")
    moderated_at: Mapped[datetime | None] = mapped_column(default=None)
    reply_body: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(default=None)
    open_reports: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)

    product = relationship("Product")
    reports: Mapped[list["ReviewReport"]] = relationship(back_populates="review", cascade="all, delete-orphan",
                                                         order_by="ReviewReport.id")


class ReviewReport(db.Model):
    __tablename__ = "review_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)

    review: Mapped[Review] = relationship(back_populates="reports")


class ReviewInvitation(db.Model):
    """At most one invitation per order (the primary key): the job that sends them cannot send twice."""
    __tablename__ = "review_invitations"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
