"""One row per request to be told when an option is back in stock."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.extensions import db
from store.util import utcnow


def new_alert_token() -> str:
    return secrets.token_hex(16)


class StockAlert(db.Model):
    """Waiting while ``sent_at`` and ``unsubscribed_at`` are both empty; at most one waiting row per option and
    email (a partial unique index). A sent row is kept: it is the demand history the back office shows."""
    __tablename__ = "stock_alerts"
    __table_args__ = (
        Index("uq_stock_alerts_waiting", "variant_id", "email", unique=True,
              sqlite_where=text("sent_at IS NULL AND unsubscribed_at IS NULL"),
              postgresql_where=text("sent_at IS NULL AND unsubscribed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Random, for the unsubscribe link in the email (reveals nothing about the shopper).
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_alert_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(default=None)

    variant = relationship("Variant")

    @property
    def waiting(self) -> bool:
        return self.sent_at is None and self.unsubscribed_at is None
