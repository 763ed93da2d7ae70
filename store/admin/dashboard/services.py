"""Dashboard figures from Order rows (paid orders: paid_at set; net = paid minus refunded) and stock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from store.catalog import availability
from store.catalog.models import Product, ProductStatus, Variant
from store.extensions import db
from store.orders.models import Order
from store.util import utcnow

AWAITING_SHIPMENT = ("paid", "partially_refunded")  # payment statuses of orders still to ship (unfulfilled)


@dataclass
class Period:
    label: str
    days: int
    net_cents: int
    orders: int

    @property
    def average_cents(self) -> int:
        return self.net_cents // self.orders if self.orders else 0


@dataclass
class DayPoint:
    day: date
    net_cents: int
    orders: int


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def daily_sales(days: int = 30, today: date | None = None) -> list[DayPoint]:
    """One point per day (oldest first), including days without sales; one grouped query."""
    today = today or utcnow().date()
    start = today - timedelta(days=days - 1)
    day_col = func.date(Order.paid_at)
    rows = db.session.execute(
        select(day_col, func.sum(Order.paid_cents - Order.refunded_cents), func.count(Order.id))
        .where(Order.paid_at.is_not(None), Order.paid_at >= datetime.combine(start, datetime.min.time()))
        .group_by(day_col)).all()
    by_day = {_day(d): (int(net or 0), int(n)) for d, net, n in rows}
    return [DayPoint(start + timedelta(days=i), *by_day.get(start + timedelta(days=i), (0, 0)))
            for i in range(days)]


def periods(points: list[DayPoint]) -> list[Period]:
    result = []
    for label, days in (("Today", 1), ("Last 7 days", 7), ("Last 30 days", 30)):
        window = points[-days:]
        result.append(Period(label, days, sum(p.net_cents for p in window), sum(p.orders for p in window)))
    return result


def orders_to_ship(limit: int = 10) -> tuple[int, list[Order]]:
    awaiting = (Order.payment_status.in_(AWAITING_SHIPMENT), Order.fulfilment_status == "unfulfilled")
    count = db.session.scalar(select(func.count(Order.id)).where(*awaiting)) or 0
    orders = list(db.session.scalars(select(Order).where(*awaiting)
                                     .order_by(Order.paid_at, Order.id).limit(limit)))
    return count, orders


def low_stock_variants(limit: int = 20) -> list[Variant]:
    return list(db.session.scalars(
        select(Variant).join(Product, Variant.product_id == Product.id)
        .where(Product.status != ProductStatus.ARCHIVED, availability.needs_restock_clause())
        .options(joinedload(Variant.product))
        .order_by((Variant.on_hand - Variant.reserved), Variant.sku).limit(limit)))


SALES_WINDOW_DAYS = 30


@dataclass
class RestockItem:
    """A variant at or below its reorder point (its low-stock threshold) and how long its stock lasts at the
    last 30 days' rate of sale (units consumed in the ledger / 30 per day)."""
    variant: Variant
    sold: int

    @property
    def threshold(self) -> int:
        return availability.low_stock_threshold(self.variant)

    @property
    def per_day(self) -> float:
        return self.sold / SALES_WINDOW_DAYS

    @property
    def days_left(self) -> float | None:
        """None when nothing sold in the window ("no recent sales")."""
        if not self.sold:
            return None
        return max(self.variant.available, 0) / self.per_day

    @property
    def days_left_label(self) -> str:
        days = self.days_left
        if days is None:
            return "no recent sales"
        if days < 1:
            return "less than a day"
        return f"{days:.0f} day{'s' if round(days) != 1 else ''}"


def restock_list(limit: int = 20, now: datetime | None = None) -> list[RestockItem]:
    from store.inventory.services import consumed_since
    variants = low_stock_variants(limit)
    since = (now or utcnow()) - timedelta(days=SALES_WINDOW_DAYS)
    sold = consumed_since([v.id for v in variants], since)
    return [RestockItem(v, sold.get(v.id, 0)) for v in variants]


# ------------------------------------------------------------------ the chart, as inline SVG data

@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    point: DayPoint


def chart_geometry(points: list[DayPoint], width: int = 720, height: int = 220, pad_left: int = 56,
                   pad_bottom: int = 28, pad_top: int = 12) -> dict:
    """Bars and y-axis ticks for a simple bar chart; the template draws them."""
    top = max((p.net_cents for p in points), default=0)
    scale_max = _nice_ceiling(top)
    plot_h = height - pad_bottom - pad_top
    plot_w = width - pad_left - 8
    slot = plot_w / max(len(points), 1)
    bars = []
    for i, p in enumerate(points):
        h = 0 if scale_max == 0 else max(p.net_cents, 0) / scale_max * plot_h
        bars.append(Bar(x=round(pad_left + i * slot + slot * 0.15, 1), y=round(pad_top + plot_h - h, 1),
                        width=round(slot * 0.7, 1), height=round(h, 1), point=p))
    ticks = [(round(pad_top + plot_h - plot_h * k / 4, 1), scale_max * k // 4) for k in range(5)]
    return {"width": width, "height": height, "bars": bars, "ticks": ticks, "pad_left": pad_left,
            "baseline": pad_top + plot_h, "label_every": 5}


def _nice_ceiling(cents: int) -> int:
    if cents <= 0:
        return 0
    step = 100
    while step * 10 < cents:
        step *= 10
    for mult in (1, 2, 2.5, 5, 10):
        if step * mult >= cents:
            return int(step * mult)
    return cents
