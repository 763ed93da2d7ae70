"""Stock adjustments with a reason, per-variant history, and the ledger invariant."""
from __future__ import annotations

import random

from sqlalchemy import select

from store.catalog.models import Variant
from store.inventory import services as inventory
from store.inventory.models import MovementKind, StockMovement
from store.orders.models import Order
from tests.admin.conftest import audit_rows
from tests.factories import make_disclaimers, make_product


def test_adjustments_write_ledger_rows_audit_and_history(app, db, admin_client, admin_user):
    make_disclaimers()
    product = make_product("Stocked", variants=[{"sku": "ST-1", "on_hand": 10}])
    db.session.commit()
    vid = product.variants[0].id
    url = f"/admin/variants/{vid}/stock"
    assert admin_client.post(url, data={"reason": "restock", "quantity": "5", "note": "Pallet 7"}).status_code == 302
    assert admin_client.post(url, data={"reason": "damaged", "quantity": "2", "note": "Cracked"}).status_code == 302
    assert admin_client.post(url, data={"reason": "count", "quantity": "11", "note": "Shelf count"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Variant, vid).on_hand == 11
    assert inventory.ledger_totals(vid) == (11, 0)
    kinds = list(db.session.scalars(select(StockMovement.kind).where(StockMovement.variant_id == vid)
                                    .order_by(StockMovement.id)))
    assert kinds == ["initial", "restock", "damaged", "count"]
    entry = audit_rows(db, "stock.adjust")[-1]
    assert entry.changes == {"on_hand": [13, 11]} and entry.reason == "count: Shelf count"
    html = admin_client.get(url).get_data(as_text=True)
    assert html.index('data-kind="count"') < html.index('data-kind="restock"') < html.index('data-kind="initial"')
    assert "Pallet 7" in html and 'data-on-hand>11<' in html


def test_adjustment_below_reserved_is_refused(app, db, admin_client):
    make_disclaimers()
    product = make_product("Busy", variants=[{"sku": "BUSY", "on_hand": 5}])
    inventory.reserve(product.variants[0].id, 4)
    db.session.commit()
    vid = product.variants[0].id
    response = admin_client.post(f"/admin/variants/{vid}/stock", data={"reason": "damaged", "quantity": "3"})
    assert response.status_code == 400 and "already reserved" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/variants/{vid}/stock", data={"reason": "count", "quantity": "-1"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Variant, vid).on_hand == 5
    assert audit_rows(db, "stock.adjust") == []


def test_history_is_paginated(app, db, admin_client):
    make_disclaimers()
    product = make_product("Many Moves", variants=[{"sku": "MM", "on_hand": 1}])
    for n in range(60):
        inventory.adjust(product.variants[0].id, 1, MovementKind.RESTOCK, note=f"move {n}")
    db.session.commit()
    html = admin_client.get(f"/admin/variants/{product.variants[0].id}/stock").get_data(as_text=True)
    assert "move 59" in html and "move 5<" not in html and 'rel="next"' in html
    assert "move 5<" in admin_client.get(f"/admin/variants/{product.variants[0].id}/stock?page=2").get_data(as_text=True)


def test_on_hand_always_equals_the_ledger_after_random_orders_cancellations_and_adjustments(app, db):
    """Random sequences of order placement (reserve), payment (consume), cancellation (release) and admin
    adjustments: after every step, on_hand and reserved equal the ledger sums, and never go negative."""
    from store.admin.inventory import services as admin_inventory
    make_disclaimers()
    product = make_product("Ledger", variants=[{"sku": f"LG-{n}", "on_hand": 8} for n in range(3)])
    db.session.commit()
    ids = [v.id for v in product.variants]
    rng = random.Random(20261122)
    open_orders: list[tuple[int, int, int]] = []   # (order_id, variant_id, qty) reserved, not yet paid
    seq = 0
    for step in range(400):
        action = rng.choice(["order", "order", "pay", "cancel", "adjust", "adjust"])
        vid = rng.choice(ids)
        try:
            if action == "order":
                seq += 1
                order = Order(number=f"KW-T{seq:05d}", email="x@example.com")
                db.session.add(order)
                db.session.flush()
                qty = rng.randint(1, 4)
                inventory.reserve(vid, qty, order_id=order.id)
                db.session.commit()
                open_orders.append((order.id, vid, qty))
            elif action == "pay" and open_orders:
                order_id, ovid, qty = open_orders.pop(rng.randrange(len(open_orders)))
                inventory.consume(ovid, qty, order_id=order_id)
                db.session.commit()
            elif action == "cancel" and open_orders:
                order_id, ovid, qty = open_orders.pop(rng.randrange(len(open_orders)))
                inventory.release(ovid, qty, order_id=order_id, note="cancelled")
                db.session.commit()
            elif action == "adjust":
                reason = rng.choice(["restock", "damaged", "count", "return"])
                qty = rng.randint(0, 12) if reason == "count" else rng.randint(1, 6)
                admin_inventory.adjust_stock(vid, reason, qty, "random", actor_id=None)
        except inventory.StockError:
            db.session.rollback()
        for check_id in ids:
            row = db.session.execute(select(Variant.on_hand, Variant.reserved).where(Variant.id == check_id)).one()
            assert inventory.ledger_totals(check_id) == (row.on_hand, row.reserved), f"step {step}: {action}"
            assert row.on_hand >= row.reserved >= 0
    assert seq > 50
