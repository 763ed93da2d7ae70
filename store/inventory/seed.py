"""Demo opening stock (idempotent: a variant with any stock movement already is left as it is). Runs after the
catalog's seeder has created the demo variants."""
from __future__ import annotations

from sqlalchemy import exists, select

from store.catalog.demo_data import PRODUCTS
from store.catalog.models import Variant
from store.extensions import db
from store.inventory import services
from store.inventory.models import MovementKind, StockMovement


def seed_opening_stock() -> int:
    """Give each demo variant without a stock history its opening stock; returns how many got some.
    Caller commits."""
    wanted = {v["sku"]: v["on_hand"] for data in PRODUCTS for v in data["variants"] if v["on_hand"]}
    if not wanted:
        return 0
    rows = db.session.execute(
        select(Variant.id, Variant.sku)
        .where(Variant.sku.in_(list(wanted)), ~exists().where(StockMovement.variant_id == Variant.id))
        .order_by(Variant.id)
    ).all()
    for variant_id, sku in rows:
        services.adjust(variant_id, wanted[sku], MovementKind.INITIAL, note="Demo opening stock")
    return len(rows)
