"""CSV export and all-or-nothing import of prices and stock; `flask import-inventory` on 20,000 rows."""
from __future__ import annotations

import csv
import io
import time

from sqlalchemy import func, insert, select

from store.catalog.models import Product, Variant
from store.inventory import services as inventory
from store.inventory.models import StockMovement
from tests.admin.conftest import audit_rows
from tests.factories import make_disclaimers, make_product


def _catalog(db):
    make_disclaimers()
    make_product("Alpha", variants=[{"sku": "A-1", "price_cents": 1000, "on_hand": 5},
                                    {"sku": "A-2", "price_cents": 1500, "compare_at_cents": 1800, "on_hand": 2}])
    busy = make_product("Beta", variants=[{"sku": "B-1", "price_cents": 2000, "on_hand": 9}])
    inventory.reserve(busy.variants[0].id, 3)
    db.session.commit()


def _post(client, text: str | bytes, name="stock.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/admin/inventory/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name, "text/csv")})


def _state(db):
    db.session.expire_all()
    return {v.sku: (v.price_cents, v.compare_at_cents, v.on_hand) for v in db.session.scalars(select(Variant))}


def test_export_lists_every_variant(app, db, admin_client):
    _catalog(db)
    response = admin_client.get("/admin/inventory/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_sku = {r["sku"]: r for r in rows}
    assert by_sku["A-2"]["price"] == "15.00" and by_sku["A-2"]["compare_at"] == "18.00"
    assert by_sku["B-1"]["on_hand"] == "9" and by_sku["B-1"]["reserved"] == "3"
    assert by_sku["A-1"]["compare_at"] == ""


def test_export_then_import_round_trips_and_applies_changes(app, db, admin_client, admin_user):
    _catalog(db)
    exported = admin_client.get("/admin/inventory/export.csv").get_data(as_text=True)
    changed = exported.replace("A-1,Alpha,Standard,10.00,,5", "A-1,Alpha,Standard,11.25,,40")
    response = _post(admin_client, changed)
    assert response.status_code == 302
    assert _state(db)["A-1"] == (1125, None, 40)
    vid = db.session.scalar(select(Variant.id).where(Variant.sku == "A-1"))
    assert inventory.ledger_totals(vid) == (40, 0)
    assert db.session.scalar(select(StockMovement.kind).where(StockMovement.variant_id == vid)
                             .order_by(StockMovement.id.desc()).limit(1)) == "count"
    price = audit_rows(db, "variant.price")
    assert len(price) == 1 and price[0].changes == {"price_cents": [1000, 1125]} and price[0].actor_id == admin_user.id
    assert "line 2" in price[0].reason
    assert audit_rows(db, "inventory.import")[0].changes["stock_changes"] == [None, 1]


def test_one_bad_row_means_nothing_is_applied_and_every_problem_is_reported(app, db, admin_client):
    _catalog(db)
    before = _state(db)
    text = ("sku,price,compare_at,on_hand\n"
            "A-1,12.00,,50\n"           # line 2: fine
            "NOPE-9,5.00,,1\n"          # line 3: unknown SKU
            "A-2,12.5.0,,4\n"           # line 4: bad price
            "B-1,20.00,,-2\n"           # line 5: negative stock
            "A-1,12.00,,50\n"           # line 6: duplicate SKU
            "A-2,20.00,abc,1\n")        # line 7: bad compare_at (and a duplicate)
    response = _post(admin_client, text)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was imported" in html
    assert "Line 3: unknown SKU NOPE-9" in html
    assert "Line 4: price &#39;12.5.0&#39; is not an amount" in html
    assert "Line 5: on_hand -2 is negative" in html
    assert "Line 6: SKU A-1 appears twice (first on line 2)" in html
    assert "Line 7: SKU A-2 appears twice (first on line 4); compare_at &#39;abc&#39;" in html
    assert 'data-line="2"' not in html
    assert _state(db) == before
    assert audit_rows(db) == []


def test_stock_below_reserved_units_is_refused(app, db, admin_client):
    _catalog(db)
    before = _state(db)
    response = _post(admin_client, "sku,price,compare_at,on_hand\nB-1,20.00,,2\n")
    assert response.status_code == 400
    assert "Line 2: on_hand 2 is below the 3 units reserved for open orders" in response.get_data(as_text=True)
    assert _state(db) == before


def test_missing_columns_and_wrong_encoding_are_refused(app, db, admin_client):
    _catalog(db)
    before = _state(db)
    response = _post(admin_client, "sku,price\nA-1,3.00\n")
    assert response.status_code == 400 and "missing column(s): compare_at, on_hand" in response.get_data(as_text=True)
    latin1 = "sku,price,compare_at,on_hand\nA-1,3.00,,1\nA-2,4.00,,1 caf\xe9\n".encode("latin-1")
    response = _post(admin_client, latin1)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Line 3: the file is not UTF-8" in html
    response = _post(admin_client, "")
    assert response.status_code == 400
    assert _state(db) == before


def test_cli_imports_20000_rows_with_a_progress_bar(app, db, tmp_path):
    make_disclaimers()
    product = make_product("Bulk", variants=[{"sku": "SEED", "on_hand": 1}])
    db.session.execute(insert(Variant), [
        {"product_id": product.id, "sku": f"BULK-{n:05d}", "option_label": f"#{n}", "price_cents": 500,
         "on_hand": 0, "reserved": 0, "position": n + 1} for n in range(20_000)])
    db.session.commit()
    path = tmp_path / "big.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "price", "compare_at", "on_hand"])
        for n in range(20_000):
            writer.writerow([f"BULK-{n:05d}", f"{5 + n % 7}.{n % 100:02d}", "", n % 50])
    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["import-inventory", str(path)])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "Importing 20000 rows" in result.output and "Imported 20000 rows" in result.output
    print(f"20,000-row import took {elapsed:.1f}s")
    assert elapsed < 120
    db.session.expire_all()
    row = db.session.execute(select(Variant.price_cents, Variant.on_hand).where(Variant.sku == "BULK-12345")).one()
    assert row == ((5 + 12345 % 7) * 100 + 45, 12345 % 50)
    total_on_hand = db.session.scalar(select(func.sum(Variant.on_hand)).where(Variant.sku.like("BULK-%")))
    assert total_on_hand == sum(n % 50 for n in range(20_000))
    assert db.session.scalar(select(func.sum(StockMovement.on_hand_delta))
                             .join(Variant, StockMovement.variant_id == Variant.id)
                             .where(Variant.sku.like("BULK-%"))) == total_on_hand


def test_cli_rejects_a_bad_file_and_changes_nothing(app, db, tmp_path):
    _catalog(db)
    before = _state(db)
    path = tmp_path / "bad.csv"
    path.write_text("sku,price,compare_at,on_hand\nA-1,1.00,,1\nZZZ,1.00,,1\n")
    result = app.test_cli_runner().invoke(args=["import-inventory", str(path)])
    assert result.exit_code != 0
    assert "Line 3: unknown SKU ZZZ" in result.output and "nothing was imported" in result.output
    assert _state(db) == before
    assert db.session.scalar(select(func.count(Product.id))) == 2
