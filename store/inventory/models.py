"""Inventory: the stock-movement ledger. Variant.on_hand / Variant.reserved are the running totals."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.extensions import db
from store.util import utcnow


class MovementKind(enum.StrEnum):
    INITIAL = "initial"        # opening stock (seed, new variant)
    RESTOCK = "restock"
    DAMAGED = "damaged"
    COUNT = "count"            # count correction
    RETURN = "return"
    RESERVE = "reserve"        # order placed: reserved += qty
    RELEASE = "release"        # order cancelled / expired: reserved -= qty
    CONSUME = "consume"        # order paid: on_hand -= qty, reserved -= qty
    RECEIPT = "receipt"        # a stock receipt's line (or its reversal, negative), receipt_id set


class StockMovement(db.Model):
    """Every change to a variant's stock writes one row. Invariants checked by tests:
    on_hand == sum(on_hand_delta) and reserved == sum(reserved_delta) per variant."""
    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_variant_created", "variant_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    on_hand_delta: Mapped[int] = mapped_column(default=0)
    reserved_delta: Mapped[int] = mapped_column(default=0)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), default=None,
                                                 index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    # Who made the change, as a label that outlives the user: an email, "system" or a job's name.
    actor: Mapped[str] = mapped_column(String(120), default="system", server_default="system")
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("stock_receipts.id", ondelete="SET NULL"),
                                                   default=None, index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    variant = relationship("Variant")


class StockReceipt(db.Model):
    """Stock received from a supplier: its lines raise on-hand in one transaction (one ledger row each).
    A received receipt is never edited, only reversed (opposite movements, ``reversed_at`` set)."""
    __tablename__ = "stock_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier: Mapped[str] = mapped_column(String(120))
    reference: Mapped[str] = mapped_column(String(120), default="")
    received_on: Mapped[date]
    actor: Mapped[str] = mapped_column(String(120), default="system")
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reversed_at: Mapped[datetime | None] = mapped_column(default=None)
    reversed_by: Mapped[str] = mapped_column(String(120), default="")

    lines: Mapped[list[StockReceiptLine]] = relationship(back_populates="receipt", order_by="StockReceiptLine.id",
                                                         cascade="all, delete-orphan")


class StockReceiptLine(db.Model):
    __tablename__ = "stock_receipt_lines"
    __table_args__ = (UniqueConstraint("receipt_id", "variant_id"),
                      CheckConstraint("quantity > 0", name="quantity_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("stock_receipts.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variants.id", ondelete="SET NULL"))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]

    receipt: Mapped[StockReceipt] = relationship(back_populates="lines")
    variant = relationship("Variant")
