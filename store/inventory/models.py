"""Inventory: the stock-movement ledger. Variant.on_hand / Variant.reserved are the running totals."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
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
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    variant = relationship("Variant")
