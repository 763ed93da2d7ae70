"""Safety information: versioned disclaimers. Per-product warnings live on Product.warnings."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.extensions import db
from store.util import utcnow


class DisclaimerKind(enum.StrEnum):
    PRODUCT = "product"  # shown on every product page and acknowledged at checkout
    GUIDE = "guide"      # the educational disclaimer on every guide page


class Disclaimer(db.Model):
    """One version of a disclaimer text. Versions are never edited: a change is a new row."""
    __tablename__ = "disclaimers"
    __table_args__ = (
        UniqueConstraint("kind", "version", name="uq_disclaimers_kind_version"),
        CheckConstraint("length(trim(body)) > 0", name="body_required"),
        CheckConstraint("kind IN ('product', 'guide')", name="kind_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    effective_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)

    def __repr__(self) -> str:
        return f"<Disclaimer {self.kind} v{self.version}>"
