"""A stock receipt and a stock count racing 20 concurrent checkouts of the same variants (real threads on the real
database; PostgreSQL under STORE_TEST_DB=postgres): no reserve is lost, the ledger still equals on-hand and reserved,
reserved never goes negative or above on-hand."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import func, select

from store.admin.inventory import services as admin_inventory
from store.catalog.models import Variant
from store.checkout.services import OutOfStock
from store.extensions import db as _db
from store.inventory.models import StockMovement
from store.inventory.services import ledger_totals
from store.orders.models import Order
from tests.factories import make_disclaimers, make_product
from tests.factories import place_order as place

BUYERS = 20


def test_receipt_and_count_race_twenty_checkouts(app):
    with app.app_context():
        make_disclaimers()
        received = make_product("Race Oil", variants=[{"sku": "RACE-R", "on_hand": 10}]).variants[0].id
        counted = make_product("Race Roller", variants=[{"sku": "RACE-C", "on_hand": 10}]).variants[0].id
        _db.session.commit()
    barrier = threading.Barrier(BUYERS + 2)

    def work(i):
        with app.app_context():
            barrier.wait()
            try:
                if i == BUYERS:
                    admin_inventory.receive_stock("RACE-R, 15", supplier="Oil Co", reference="R-1",
                                                  received_on=date(2026, 12, 1), actor="boss@example.com",
                                                  actor_id=None)
                    return "received"
                if i == BUYERS + 1:
                    admin_inventory.apply_count([(counted, 30)], actor="counter@example.com", actor_id=None)
                    return "counted"
                place([(received, 1), (counted, 1)], email=f"buyer{i}@example.com")
                return "ok"
            except OutOfStock:
                return "sold out"
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(max_workers=BUYERS + 2) as pool:
        results = list(pool.map(work, range(BUYERS + 2)))
    assert results[BUYERS:] == ["received", "counted"]
    ok = results[:BUYERS].count("ok")
    assert ok + results[:BUYERS].count("sold out") == BUYERS and ok >= 10
    with app.app_context():
        r = _db.session.get(Variant, received)
        c = _db.session.get(Variant, counted)
        assert _db.session.scalar(select(func.count(Order.id))) == ok
        # The receipt added 15 whatever the checkouts did; the count set on-hand to 30 and left reserved alone.
        assert (r.on_hand, r.reserved) == (25, ok)
        assert (c.on_hand, c.reserved) == (30, ok)
        for v in (r, c):
            assert ledger_totals(v.id) == (v.on_hand, v.reserved)
            assert 0 <= v.reserved <= v.on_hand
        reserves = _db.session.scalar(select(func.count(StockMovement.id)).where(
            StockMovement.variant_id == counted, StockMovement.kind == "reserve"))
        assert reserves == ok
        count_row = _db.session.scalars(select(StockMovement).where(
            StockMovement.variant_id == counted, StockMovement.kind == "count")).one()
        assert count_row.on_hand_delta == 20 and count_row.actor == "counter@example.com"
