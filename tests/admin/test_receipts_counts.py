"""Receiving stock, reversing a receipt, stock counts, the ledger's who-and-why, days of stock left and the
daily low-stock email."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import func, select

from store.catalog.models import Variant
from store.inventory import services as inventory
from store.inventory.models import StockMovement, StockReceipt
from store.outbox import OutboxMessage
from tests.admin.conftest import audit_rows
from tests.factories import make_category, make_disclaimers, make_product, pay_order, place_order


def _shop(db):
    make_disclaimers()
    oils = make_category("Oils", slug="oils")
    a = make_product("Calm Oil", category=oils, variants=[{"sku": "OIL-A", "on_hand": 10}]).variants[0].id
    b = make_product("Warm Oil", category=oils, variants=[{"sku": "OIL-B", "on_hand": 2}]).variants[0].id
    c = make_product("Roller", variants=[{"sku": "ROL-1", "on_hand": 4}]).variants[0].id
    db.session.commit()
    return oils.id, a, b, c


def _stock(db, vid):
    db.session.expire_all()
    v = db.session.get(Variant, vid)
    assert inventory.ledger_totals(vid) == (v.on_hand, v.reserved)  # the ledger equals the running totals
    return v.on_hand, v.reserved


def test_receive_list_view_and_reverse(app, db, admin_client, admin_user):
    _cat, a, b, _c = _shop(db)
    response = admin_client.post("/admin/receipts/new", data={
        "supplier": "Oil Co", "reference": "DN-77", "received_on": "2026-11-30", "lines": "OIL-A, 5\noil-b,3\n"})
    assert response.status_code == 302
    receipt_url = response.headers["Location"]
    assert _stock(db, a) == (15, 0) and _stock(db, b) == (5, 0)
    receipt = db.session.scalars(select(StockReceipt)).one()
    assert receipt.received_on == date(2026, 11, 30) and receipt.actor == admin_user.email
    moves = list(db.session.scalars(select(StockMovement).where(StockMovement.receipt_id == receipt.id)))
    assert sorted((m.kind, m.on_hand_delta, m.actor) for m in moves) == [
        ("receipt", 3, admin_user.email), ("receipt", 5, admin_user.email)]
    assert audit_rows(db, "stock.receipt")[-1].changes == {"units": [None, 8], "lines": [None, 2]}
    html = admin_client.get(receipt_url).get_data(as_text=True)
    assert "Oil Co" in html and "DN-77" in html and ">Reverse<" in html
    assert f'data-receipt="{receipt.id}"' in admin_client.get("/admin/receipts").get_data(as_text=True)

    response = admin_client.post(f"/admin/receipts/{receipt.id}/reverse")
    assert response.status_code == 302
    assert _stock(db, a) == (10, 0) and _stock(db, b) == (2, 0)
    html = admin_client.get(receipt_url).get_data(as_text=True)
    assert "reversed by" in html and ">Reverse<" not in html
    # Reversing twice is refused and writes nothing.
    assert admin_client.post(f"/admin/receipts/{receipt.id}/reverse").status_code == 409
    assert _stock(db, a) == (10, 0)


def test_receipt_form_reports_line_numbered_errors_and_writes_nothing(app, db, admin_client):
    _cat, a, _b, _c = _shop(db)
    response = admin_client.post("/admin/receipts/new", data={
        "supplier": "Oil Co", "received_on": "2026-11-30",
        "lines": "OIL-A, 5\nNOPE-1, 2\n\nOIL-B, x\nOIL-A, 1\nROL-1, 0\njust text"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 2: unknown SKU NOPE-1." in html
    assert "Line 4: quantity &#39;x&#39; is not a whole number." in html
    assert "Line 5: SKU OIL-A appears twice (first on line 1)." in html
    assert "Line 6: quantity 0 must be between 1" in html and "Line 7: expected" in html
    assert _stock(db, a) == (10, 0) and db.session.scalar(select(func.count(StockReceipt.id))) == 0
    # Missing supplier / date: form errors, not a 500.
    assert admin_client.post("/admin/receipts/new", data={"lines": "OIL-A, 1"}).status_code == 400
    response = admin_client.post("/admin/receipts/new", data={"supplier": "   ", "received_on": "2026-11-30",
                                                              "lines": "OIL-A, 1"})
    assert response.status_code == 400 and "Enter the supplier." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(StockReceipt.id))) == 0


def test_reversal_below_reserved_is_refused_with_nothing_written(app, db, admin_client):
    _cat, a, b, _c = _shop(db)
    admin_client.post("/admin/receipts/new", data={"supplier": "S", "received_on": "2026-11-30",
                                                   "lines": "OIL-A, 1\nOIL-B, 6"})
    receipt_id = db.session.scalar(select(StockReceipt.id))
    place_order([(b, 7)])  # 8 on hand, 7 reserved: taking 6 back would leave 2 < 7
    response = admin_client.post(f"/admin/receipts/{receipt_id}/reverse")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "nothing changed" in html and "OIL-B" in html and "reserved" in html
    assert _stock(db, a) == (11, 0) and _stock(db, b) == (8, 7)
    assert db.session.get(StockReceipt, receipt_id).reversed_at is None


def test_count_a_category_sets_on_hand_and_keeps_reserved(app, db, admin_client, admin_user):
    cat, a, b, c = _shop(db)
    place_order([(a, 3)])
    html = admin_client.get(f"/admin/stock-count?category={cat}").get_data(as_text=True)
    assert 'data-count-sku="OIL-A"' in html and 'data-count-sku="OIL-B"' in html and "ROL-1" not in html
    response = admin_client.post(f"/admin/stock-count?category={cat}",
                                 data={f"count-{a}": "8", f"count-{b}": "", "note": "Monthly count"})
    assert response.status_code == 302
    assert _stock(db, a) == (8, 3) and _stock(db, b) == (2, 0)
    move = db.session.scalars(select(StockMovement).where(StockMovement.variant_id == a)
                              .order_by(StockMovement.id.desc())).first()
    assert (move.kind, move.on_hand_delta, move.reserved_delta, move.actor, move.note) == (
        "count", -2, 0, admin_user.email, "Monthly count")
    # Below reserved: refused with a clear message, nothing written (not even the valid row).
    response = admin_client.post(f"/admin/stock-count?category={cat}", data={f"count-{a}": "2", f"count-{b}": "9"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "OIL-A: counted 2 but 3 are reserved" in html
    assert _stock(db, a) == (8, 3) and _stock(db, b) == (2, 0)
    bad = admin_client.post(f"/admin/stock-count?skus=ROL-1", data={f"count-{c}": "-4"})
    assert bad.status_code == 400 and "not a whole number" in bad.get_data(as_text=True)
    assert audit_rows(db, "stock.count")[-1].reason == "Monthly count"


def test_history_shows_actor_filters_and_exports_csv(app, db, admin_client, admin_user):
    _cat, a, _b, _c = _shop(db)
    admin_client.post(f"/admin/variants/{a}/stock", data={"reason": "restock", "quantity": "4", "note": "Pallet"})
    place_order([(a, 1)])
    url = f"/admin/variants/{a}/stock"
    html = admin_client.get(url).get_data(as_text=True)
    assert f"<td data-actor>{admin_user.email}</td>" in html and "<td data-actor>system</td>" in html
    html = admin_client.get(url + "?kind=restock").get_data(as_text=True)
    assert 'data-kind="restock"' in html and 'data-kind="reserve"' not in html
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    assert 'data-kind="' not in admin_client.get(url + f"?since={tomorrow}").get_data(as_text=True)
    response = admin_client.get(url.replace("/stock", "/stock.csv") + "?kind=restock")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["kind"], r["on_hand_delta"], r["actor"], r["note"]) for r in rows] == [
        ("restock", "4", admin_user.email, "Pallet")]
    assert admin_client.get(url + "?kind=nonsense&since=garbage").status_code == 200


def test_dashboard_days_of_stock_left(app, db, admin_client):
    _cat, a, b, _c = _shop(db)  # OIL-B (2) and ... are at or below the default threshold (3)
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert 'data-low-sku="OIL-B"' in html and "no recent sales" in html
    order = place_order([(a, 9)])
    pay_order(order)  # 9 units consumed in 30 days: 0.3 a day; 1 left -> about 3 days
    html = admin_client.get("/admin/").get_data(as_text=True)
    row = html[html.index('data-low-sku="OIL-A"'):]
    row = row[:row.index("</tr>")]
    assert "<td>9</td>" in row and "<td data-days-left>3 days</td>" in row


def test_low_stock_email_once_a_day_and_none_when_nothing_to_restock(app, db, admin_user, make_user):
    from store.admin.inventory.services import send_low_stock_email
    make_user(email="shopper@example.com")
    make_disclaimers()
    vid = make_product("Plenty", variants=[{"sku": "PL-1", "on_hand": 50}]).variants[0].id
    db.session.commit()
    assert send_low_stock_email() == 0 and db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    inventory.adjust(vid, -48, inventory.MovementKind.DAMAGED)
    db.session.commit()
    assert send_low_stock_email() == 1
    rows = list(db.session.scalars(select(OutboxMessage)))
    assert len(rows) == 1 and rows[0].recipient == admin_user.email
    assert "PL-1" in rows[0].body_text and "no recent sales" in rows[0].body_text and "restock" in rows[0].subject
    assert send_low_stock_email() == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_low_stock_job_is_registered_and_runs(app, db, admin_user):
    make_disclaimers()
    make_product("Few", variants=[{"sku": "FEW", "on_hand": 1}])
    db.session.commit()
    jobs = app.extensions["jobs"] if "jobs" in app.extensions else None
    assert jobs is not None
    assert jobs.low_stock_email.call_local() == 1
    assert jobs.low_stock_email.call_local() == 0
    assert app.config["JOBS_LOW_STOCK_EMAIL_SECONDS"] == 86400
