"""A compare-at ("was") price must be above the price: in the variant form, the stock CSV and the catalog CSV."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from store.admin.forms import compare_at_problem
from store.catalog.models import Variant
from tests.factories import make_disclaimers, make_product


@pytest.mark.parametrize("price,compare_at,ok", [
    (1500, None, True), (1500, 1501, True), (1500, 1500, False), (1500, 999, False), (1500, 0, False)])
def test_the_rule(price, compare_at, ok):
    assert (compare_at_problem(price, compare_at) is None) == ok


def _variant_post(client, product, variant, price, compare_at):
    p = f"v{variant.id}-"
    return client.post(f"/admin/products/{product.id}/variants/{variant.id}", data={
        p + "sku": variant.sku, p + "option_label": "Standard", p + "price": price, p + "compare_at": compare_at,
        p + "weight_grams": "0", p + "is_active": "y"})


def test_variant_form_refuses_a_compare_at_at_or_below_the_price(app, db, admin_client):
    make_disclaimers()
    product = make_product("Was Price", variants=[{"sku": "WP-1", "price_cents": 2000}])
    db.session.commit()
    variant = product.variants[0]
    for compare_at in ("15.00", "20.00"):
        response = _variant_post(admin_client, product, variant, "20.00", compare_at)
        assert response.status_code == 400, compare_at
        assert "The compare-at price must be above the price" in response.get_data(as_text=True)
        db.session.expire_all()
        assert db.session.get(Variant, variant.id).compare_at_cents is None
    assert _variant_post(admin_client, product, variant, "20.00", "24.00").status_code == 302
    db.session.expire_all()
    assert db.session.get(Variant, variant.id).compare_at_cents == 2400
    # A new variant is checked the same way.
    response = admin_client.post(f"/admin/products/{product.id}/variants", data={
        "new-sku": "WP-2", "new-option_label": "Large", "new-price": "30", "new-compare_at": "25",
        "new-weight_grams": "0", "new-opening_stock": "0", "new-is_active": "y"})
    assert response.status_code == 400
    assert db.session.scalar(select(Variant).where(Variant.sku == "WP-2")) is None


def test_stock_csv_refuses_a_compare_at_below_the_price(app, db, admin_client):
    import io
    make_disclaimers()
    make_product("Csv Was", variants=[{"sku": "CW-1", "price_cents": 2000, "on_hand": 1}])
    db.session.commit()
    response = admin_client.post("/admin/inventory/import", data={
        "file": (io.BytesIO(b"sku,price,compare_at,on_hand\nCW-1,20.00,19.00,1\n"), "stock.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "compare_at 19.00 must be above the price" in response.get_data(as_text=True)
