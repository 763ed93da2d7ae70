"""Orders: the order, its copied lines, its state history, payments and refunds."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.extensions import db
from store.util import utcnow


def new_view_key() -> str:
    return secrets.token_hex(16)


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total_cents >= 0", name="total_nonnegative"),
        CheckConstraint("refunded_cents >= 0 AND refunded_cents <= paid_cents", name="refund_within_paid"),
        Index("ix_orders_state_placed", "state", "placed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # human-friendly, unguessable: "KW-7K3Q-H2XD"
    # A random key that only the guest link carries (signed and timed): the link reveals no id, number or email.
    view_key: Mapped[str | None] = mapped_column(String(32), unique=True, index=True, default=new_view_key)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    state: Mapped[str] = mapped_column(String(30), default="pending_payment")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    subtotal_cents: Mapped[int] = mapped_column(default=0)
    shipping_cents: Mapped[int] = mapped_column(default=0)
    total_cents: Mapped[int] = mapped_column(default=0)
    paid_cents: Mapped[int] = mapped_column(default=0)
    refunded_cents: Mapped[int] = mapped_column(default=0)
    shipping_method: Mapped[str] = mapped_column(String(40), default="standard")
    ship_name: Mapped[str] = mapped_column(String(120), default="")
    ship_line1: Mapped[str] = mapped_column(String(200), default="")
    ship_line2: Mapped[str] = mapped_column(String(200), default="")
    ship_city: Mapped[str] = mapped_column(String(120), default="")
    ship_region: Mapped[str] = mapped_column(String(120), default="")
    ship_postal_code: Mapped[str] = mapped_column(String(20), default="")
    ship_country: Mapped[str] = mapped_column(String(2), default="US")
    # The safety disclaimer version the buyer acknowledged at checkout.
    disclaimer_id: Mapped[int | None] = mapped_column(ForeignKey("disclaimers.id", ondelete="RESTRICT"))
    disclaimer_version: Mapped[int | None] = mapped_column(default=None)
    payment_provider: Mapped[str] = mapped_column(String(20), default="demo")  # "stripe" | "demo"
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    stripe_payment_intent: Mapped[str | None] = mapped_column(String(255), index=True, default=None)
    carrier: Mapped[str] = mapped_column(String(80), default="")
    tracking_number: Mapped[str] = mapped_column(String(120), default="")
    # Set when money arrived but the order cannot be fulfilled (e.g. paid after expiry, stock gone).
    needs_attention: Mapped[str] = mapped_column(String(300), default="")
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(default=None)
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(default=None)
    shipped_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id")
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.id")
    refunds: Mapped[list["Refund"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Refund.id")


class OrderLine(db.Model):
    """Copies what was bought at purchase time; the variant link may later be gone."""
    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"), index=True)
    product_name: Mapped[str] = mapped_column(String(160))
    variant_label: Mapped[str] = mapped_column(String(80), default="")
    sku: Mapped[str] = mapped_column(String(64))
    unit_price_cents: Mapped[int] = mapped_column()
    quantity: Mapped[int] = mapped_column()
    line_total_cents: Mapped[int] = mapped_column()
    # The product's warnings as the buyer saw them (safety.services.warnings_snapshot); None on older lines.
    warnings_version: Mapped[int | None] = mapped_column(default=None)
    warnings_text: Mapped[str | None] = mapped_column(Text, default=None)

    order: Mapped[Order] = relationship(back_populates="lines")
    variant = relationship("Variant")


class OrderEvent(db.Model):
    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(120))  # "customer:12", "admin:3", "stripe", "system"
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")


class Refund(db.Model):
    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    amount_cents: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(300), default="")
    provider_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    actor: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="refunds")


class WebhookEvent(db.Model):
    """Each provider event id is recorded once (unique), so a replayed delivery changes nothing."""
    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="stripe")
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
