"""Policy pages (each save a new version, never edited in place) and messages sent with the contact form."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.extensions import db
from store.util import utcnow


class PageVersion(db.Model):
    """One version of a policy or help page, its body in Markdown. A change is a new row."""
    __tablename__ = "page_versions"
    __table_args__ = (
        UniqueConstraint("slug", "version", name="uq_page_versions_slug_version"),
        CheckConstraint("length(trim(body)) > 0", name="page_body_required"),
        CheckConstraint("length(trim(title)) > 0", name="page_title_required"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    effective_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)

    def __repr__(self) -> str:
        return f"<PageVersion {self.slug} v{self.version}>"


class ContactMessage(db.Model):
    """A message a shopper sent with the contact form (also emailed to the shop through the outbox)."""
    __tablename__ = "contact_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    topic: Mapped[str] = mapped_column(String(40), default="other")
    order_number: Mapped[str] = mapped_column(String(40), default="")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
