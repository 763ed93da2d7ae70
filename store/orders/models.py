"""Orders: the order, its copied lines, its state history, payments and refunds."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.extensions import db
from store.pricing.engine import ShippingFigures
from store.util import utcnow


def new_view_key() -> str:
    return secrets.token_hex(16)


class Order(ShippingFigures, db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total_cents >= 0", name="total_nonnegative"),
        CheckConstraint("refunded_cents >= 0 AND refunded_cents <= paid_cents", name="refund_within_paid"),
        CheckConstraint("payment_status IN ('pending', 'paid', 'partially_refunded', 'refunded', 'expired', "
                        "'voided')", name="payment_status_known"),
        CheckConstraint("fulfilment_status IN ('unfulfilled', 'shipped', 'delivered', 'returned')",
                        name="fulfilment_status_known"),
        Index("ix_orders_payment_placed", "payment_status", "placed_at"),
        Index("ix_orders_fulfilment_status", "fulfilment_status"),
        # A cart has at most one order awaiting payment (checkout updates it instead of opening another).
        Index("uq_orders_open_cart", "cart_id", unique=True, sqlite_where=text("payment_status = 'pending'"),
              postgresql_where=text("payment_status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # human-friendly, unguessable: "KW-7K3Q-H2XD"
    # A random key that only the guest link carries (signed and timed): the link reveals no id, number or email.
    view_key: Mapped[str | None] = mapped_column(String(32), unique=True, index=True, default=new_view_key)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    # Two state machines (store/orders/states.py), moved only by store/orders/lifecycle.py.
    payment_status: Mapped[str] = mapped_column(String(30), default="pending")
    fulfilment_status: Mapped[str] = mapped_column(String(30), default="unfulfilled")
    # The cart the order was placed from, while it may still be resumed (checkout updates this order).
    cart_id: Mapped[int | None] = mapped_column(ForeignKey("carts.id", ondelete="SET NULL"), default=None)
    # The Stripe Checkout Session attempt: each new session gets a new number, so a new idempotency key, and the
    # expiry sent to Stripe is fixed once per attempt (a retried create sends identical parameters).
    checkout_attempt: Mapped[int] = mapped_column(default=0, server_default="0")
    # Who holds this unpaid order, for the cap on open orders: "user:<id>" or a hash of the guest's cart token.
    visitor_key: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    session_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    subtotal_cents: Mapped[int] = mapped_column(default=0)
    # The pricing engine's figures (store/pricing/engine.py), stored as placed: they add up to total_cents.
    discount_code: Mapped[str] = mapped_column(String(40), default="", server_default="")
    discount_cents: Mapped[int] = mapped_column(default=0, server_default="0")       # off the lines
    shipping_cents: Mapped[int] = mapped_column(default=0)                           # the method's price
    shipping_discount_cents: Mapped[int] = mapped_column(default=0, server_default="0")  # a free-shipping code
    shipping_name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    shipping_tax_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    tax_cents: Mapped[int] = mapped_column(default=0, server_default="0")            # lines' + shipping's
    tax_label: Mapped[str] = mapped_column(String(60), default="", server_default="")
    tax_inclusive: Mapped[bool] = mapped_column(default=False, server_default=false())  # VAT: inside the prices
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
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    lines: Mapped[list["OrderLine"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id")
    events: Mapped[list["OrderEvent"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.id")
    refunds: Mapped[list["Refund"]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Refund.id")

    @property
    def tax_added_cents(self) -> int:
        """Tax on top of the prices (0 when it is VAT inside them)."""
        return 0 if self.tax_inclusive else self.tax_cents


class OrderLine(db.Model):
    """Copies what was bought at purchase time; the variant link may later be gone."""
    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),
                      CheckConstraint("refunded_quantity >= 0 AND refunded_quantity <= quantity",
                                      name="refunded_within_quantity"),
                      CheckConstraint("restocked_quantity >= 0 AND restocked_quantity <= quantity",
                                      name="restocked_within_quantity"))

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"), index=True)
    product_name: Mapped[str] = mapped_column(String(160))
    variant_label: Mapped[str] = mapped_column(String(80), default="")
    sku: Mapped[str] = mapped_column(String(64))
    unit_price_cents: Mapped[int] = mapped_column()
    quantity: Mapped[int] = mapped_column()
    line_total_cents: Mapped[int] = mapped_column()                 # unit price x quantity
    discount_cents: Mapped[int] = mapped_column(default=0, server_default="0")   # its share of the discount
    tax_cents: Mapped[int] = mapped_column(default=0, server_default="0")        # contained in it when inclusive
    amount_cents: Mapped[int] = mapped_column(default=0, server_default="0")     # what it costs in the total
    refunded_quantity: Mapped[int] = mapped_column(default=0, server_default="0")   # units refunded
    restocked_quantity: Mapped[int] = mapped_column(default=0, server_default="0")  # units put back on the shelf
    # The product's warnings as the buyer saw them (safety.services.warnings_snapshot); None on older lines.
    warnings_version: Mapped[int | None] = mapped_column(default=None)
    warnings_text: Mapped[str | None] = mapped_column(Text, default=None)

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def refundable_quantity(self) -> int:
        return self.quantity - self.refunded_quantity

    @property
    def restockable_quantity(self) -> int:
        return self.quantity - self.restocked_quantity
    variant = relationship("Variant")


class OrderEvent(db.Model):
    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    machine: Mapped[str] = mapped_column(String(20), default="payment", server_default="payment")
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(120))  # "customer", an email, "webhook:stripe", "job:<name>"
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="events")


class RefundStatus:
    PENDING = "pending"      # recorded, the payment provider not yet answered (a crash here is reconciled)
    SUCCEEDED = "succeeded"  # the money went back; counted in Order.refunded_cents
    FAILED = "failed"        # the provider refused: nothing was refunded


class Refund(db.Model):
    """A refund: recorded as an intent (pending) in one transaction, sent to the provider outside any lock with
    its idempotency key, then recorded as succeeded or failed in another transaction."""
    __tablename__ = "refunds"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),
                      CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name="refund_status_known"))

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    amount_cents: Mapped[int] = mapped_column()
    shipping_cents: Mapped[int] = mapped_column(default=0, server_default="0")   # of which shipping
    tax_cents: Mapped[int] = mapped_column(default=0, server_default="0")        # of which tax (lines, shipping)
    reason: Mapped[str] = mapped_column(String(300), default="")
    provider_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    actor: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default=RefundStatus.PENDING, server_default="succeeded",
                                        index=True)
    # Cancel a paid order: the refund also cancels it; "paid too late": an automatic refund (apology email).
    kind: Mapped[str] = mapped_column(String(20), default="refund", server_default="refund")
    failure: Mapped[str] = mapped_column(String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)

    order: Mapped[Order] = relationship(back_populates="refunds")
    lines: Mapped[list["RefundLine"]] = relationship(back_populates="refund", cascade="all, delete-orphan",
                                                     order_by="RefundLine.id")


class RefundLine(db.Model):
    """Which units a refund covers, and whether they go back on the shelf when the refund succeeds."""
    __tablename__ = "refund_lines"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column()
    restock: Mapped[bool] = mapped_column(default=False)

    refund: Mapped[Refund] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()


class WebhookEvent(db.Model):
    """Each provider event id is recorded once (unique), so a replayed delivery changes nothing."""
    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20), default="stripe")
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(120))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
