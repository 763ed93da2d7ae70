"""The outbox: one row per email the store means to send, written in the transaction that causes it."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.extensions import db
from store.util import utcnow


class OutboxStatus(StrEnum):
    QUEUED = "queued"  # waiting, being sent (claimed_until in the future) or waiting for a retry
    SENT = "sent"
    FAILED = "failed"  # every attempt used up, or refused for good (5xx): staff can resend it


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sent', 'failed')", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
        Index("ix_outbox_messages_status_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One logical message, one row: "order-confirmation:12". Concurrent writers of the same key get one row.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))  # the template name: order_confirmation, password_reset, ...
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text, default=None)
    # Chosen when the row is written, so every attempt (and a crash-and-retry) sends the same Message-ID.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True,
                                                 default=None)
    copy_of_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"),
                                                   default=None)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)  # a worker's lease while it sends
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    failed_at: Mapped[datetime | None] = mapped_column(default=None)

    def is_sending(self, now: datetime | None = None) -> bool:
        return (self.status == OutboxStatus.QUEUED and self.claimed_until is not None
                and self.claimed_until > (now or utcnow()))
