"""Pricing data the owner keeps: discount codes (and who redeemed them), shipping zones with their methods, and
tax rates. The arithmetic is ``engine.py``'s; these rows only feed it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.extensions import db
from store.util import utcnow


class DiscountCode(db.Model):
    """One code a shopper types at checkout. ``times_used`` is the counter the redemption raises with a
    conditional UPDATE (never read-then-write), so a one-use code cannot be redeemed twice at once."""
    __tablename__ = "discount_codes"
    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'fixed', 'free_shipping')", name="kind_valid"),
        CheckConstraint("kind <> 'percent' OR (value >= 1 AND value <= 100)", name="percent_range"),
        CheckConstraint("kind <> 'fixed' OR value > 0", name="fixed_positive"),
        CheckConstraint("minimum_subtotal_cents >= 0", name="minimum_not_negative"),
        CheckConstraint("times_used >= 0", name="times_used_not_negative"),
        CheckConstraint("usage_limit IS NULL OR times_used <= usage_limit", name="within_usage_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)      # stored upper-case
    description: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[int] = mapped_column(default=0)                   # percent, or minor units for a fixed amount
    minimum_subtotal_cents: Mapped[int] = mapped_column(default=0)
    include_sale_items: Mapped[bool] = mapped_column(default=False, server_default=false())
    starts_at: Mapped[datetime | None] = mapped_column(default=None)
    ends_at: Mapped[datetime | None] = mapped_column(default=None)
    usage_limit: Mapped[int | None] = mapped_column(default=None)   # in all; None: unlimited
    per_customer_limit: Mapped[int | None] = mapped_column(default=None)
    times_used: Mapped[int] = mapped_column(default=0, server_default="0")
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    redemptions: Mapped[list["DiscountRedemption"]] = relationship(back_populates="code", lazy="raise")


class DiscountRedemption(db.Model):
    """A code used by an order (held while it awaits payment; given back if it expires or is cancelled unpaid)."""
    __tablename__ = "discount_redemptions"
    __table_args__ = (Index("ix_discount_redemptions_code_email", "code_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("discount_codes.id", ondelete="RESTRICT"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(254))                 # lower-case: per-customer limits count it
    amount_cents: Mapped[int] = mapped_column(default=0)            # lines' discount + shipping discount
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    code: Mapped[DiscountCode] = relationship(back_populates="redemptions")


class ShippingZone(db.Model):
    """Countries shipped to alike. A country belongs to one zone at most (``ShippingZoneCountry``'s key)."""
    __tablename__ = "shipping_zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    countries: Mapped[list["ShippingZoneCountry"]] = relationship(
        back_populates="zone", cascade="all, delete-orphan", order_by="ShippingZoneCountry.country")
    methods: Mapped[list["ShippingMethod"]] = relationship(
        back_populates="zone", cascade="all, delete-orphan", order_by="(ShippingMethod.position, ShippingMethod.id)")


class ShippingZoneCountry(db.Model):
    __tablename__ = "shipping_zone_countries"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)   # ISO 3166-1 alpha-2, upper-case
    zone_id: Mapped[int] = mapped_column(ForeignKey("shipping_zones.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))                       # as forms show it

    zone: Mapped[ShippingZone] = relationship(back_populates="countries")


class ShippingMethod(db.Model):
    """A way to ship within a zone, priced by bands: ``bands`` is a JSON list of [up_to_or_null, price_cents] in
    ascending order, by weight in grams or by the discounted subtotal."""
    __tablename__ = "shipping_methods"
    __table_args__ = (
        UniqueConstraint("zone_id", "code", name="uq_shipping_methods_zone_code"),
        CheckConstraint("basis IN ('weight', 'subtotal')", name="basis_valid"),
        CheckConstraint("free_over_cents IS NULL OR free_over_cents >= 0", name="free_over_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("shipping_zones.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(30))                   # "standard", "express"
    name: Mapped[str] = mapped_column(String(80))
    delivery_estimate: Mapped[str] = mapped_column(String(80), default="")
    basis: Mapped[str] = mapped_column(String(10), default="weight")
    bands: Mapped[list] = mapped_column(JSON, default=list)
    free_over_cents: Mapped[int | None] = mapped_column(default=None)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    zone: Mapped[ShippingZone] = relationship(back_populates="methods")


class TaxRate(db.Model):
    """A tax rate for a country, or for one region of it (a US state). The region's row wins over the
    country's (region ''). ``rate_ppm`` is parts per million: 20 % is 200000, 8.875 % is 88750."""
    __tablename__ = "tax_rates"
    __table_args__ = (
        UniqueConstraint("country", "region", name="uq_tax_rates_country_region"),
        CheckConstraint("rate_ppm >= 0 AND rate_ppm <= 500000", name="rate_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(10), default="", server_default="")
    label: Mapped[str] = mapped_column(String(60))
    rate_ppm: Mapped[int] = mapped_column()
    inclusive: Mapped[bool] = mapped_column(default=False, server_default=false())
    shipping_taxable: Mapped[bool] = mapped_column(default=True, server_default=true())
    note: Mapped[str] = mapped_column(Text, default="")
