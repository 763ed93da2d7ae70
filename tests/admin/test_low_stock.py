"""Low stock in the back office is the availability policy's rule: active, available <= threshold, where a
variant without its own threshold uses the store default (LOW_STOCK_THRESHOLD). The shop's "Only N left" uses
the same rule, so the dashboard, the product list filter, its "low" badge and the stock page agree with it.

The old admin rule was ``available < threshold``: a variant exactly at its threshold was not listed. Under the
policy, at the threshold needs restocking (the shop says "Only 3 left"), and a sold-out one is listed too
(the shop says "Out of stock")."""
from __future__ import annotations

import re

from flask import url_for
from sqlalchemy import select

from store.catalog.models import Variant
from store.extensions import db as _db
from tests.factories import make_disclaimers, make_product


def url_for_product(app, slug: str) -> str:
    with app.test_request_context():
        return url_for("catalog.product_detail", slug=slug)


def _low_skus_on_dashboard(client) -> set[str]:
    return set(re.findall(r'data-low-sku="([^"]+)"', client.get("/admin/").get_data(as_text=True)))


def _set_threshold(sku: str, threshold: int | None) -> Variant:
    variant = _db.session.scalar(select(Variant).where(Variant.sku == sku))
    variant.low_stock_threshold = threshold
    return variant


def test_dashboard_and_product_filter_use_the_policy_boundary(app, db, admin_client, monkeypatch):
    monkeypatch.setitem(app.config, "LOW_STOCK_THRESHOLD", 3)
    make_disclaimers()
    make_product("At Default", variants=[{"sku": "AT-3", "on_hand": 3}])           # 3 <= 3 (default): low
    make_product("Above Default", variants=[{"sku": "ABOVE-4", "on_hand": 4}])     # 4 > 3: not low
    make_product("Sold Out", variants=[{"sku": "OUT-0", "on_hand": 0}])            # 0: out of stock, listed as sold out
    make_product("Own Threshold", variants=[{"sku": "OWN-8", "on_hand": 8}])       # 8 <= 10 (its own): low
    make_product("Own Lower", variants=[{"sku": "LOWER-2", "on_hand": 2}])         # 2 > 1 (its own): not low
    make_product("Inactive", variants=[{"sku": "ON-20", "on_hand": 20}, {"sku": "OFF-1", "on_hand": 1,
                                                                        "is_active": False}])
    _set_threshold("OWN-8", 10)
    _set_threshold("LOWER-2", 1)
    db.session.commit()

    assert _low_skus_on_dashboard(admin_client) == {"AT-3", "OUT-0", "OWN-8"}

    html = admin_client.get("/admin/products?low_stock=1").get_data(as_text=True)
    listed = {name for name in ("At Default", "Above Default", "Sold Out", "Own Threshold", "Own Lower", "Inactive")
              if name in html}
    assert listed == {"At Default", "Own Threshold", "Sold Out"}
    assert html.count('<strong class="stock--low">low</strong>') == 2
    assert html.count('<strong class="stock--low">sold out</strong>') == 1

    # The shop front says the same about the same variant.
    slug = _db.session.scalar(select(Variant).where(Variant.sku == "AT-3")).product.slug
    shop_html = admin_client.get(url_for_product(app, slug)).get_data(as_text=True)
    assert "Only 3 left" in shop_html

    # A lower store default moves the variants that use it, and only those.
    monkeypatch.setitem(app.config, "LOW_STOCK_THRESHOLD", 2)
    assert _low_skus_on_dashboard(admin_client) == {"OUT-0", "OWN-8"}


def test_a_draft_products_low_variant_is_flagged_in_the_back_office(app, db, admin_client):
    make_disclaimers()
    make_product("Draft Low", status="draft", variants=[{"sku": "DRAFT-1", "on_hand": 1}])
    db.session.commit()
    html = admin_client.get("/admin/products?low_stock=1").get_data(as_text=True)
    assert "Draft Low" in html and '<strong class="stock--low">low</strong>' in html
    assert _low_skus_on_dashboard(admin_client) == {"DRAFT-1"}


def test_blank_threshold_means_the_store_default(app, db, admin_client, monkeypatch):
    monkeypatch.setitem(app.config, "LOW_STOCK_THRESHOLD", 4)
    make_disclaimers()
    product = make_product("Sizes", variants=[{"sku": "SZ-S", "price_cents": 1000, "on_hand": 4}])
    db.session.commit()
    small = product.variants[0]
    page = admin_client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert "Blank = store default (4)." in page
    assert re.search(rf'name="v{small.id}-low_stock_threshold"[^>]*value=""', page)

    # A new variant with the field left blank stores NULL: the store default.
    response = admin_client.post(f"/admin/products/{product.id}/variants", data={
        "new-sku": "SZ-L", "new-option_label": "Large", "new-price": "15", "new-low_stock_threshold": "",
        "new-opening_stock": "3", "new-is_active": "y"})
    assert response.status_code == 302
    large = db.session.scalar(select(Variant).where(Variant.sku == "SZ-L"))
    assert large.low_stock_threshold is None
    stock_page = admin_client.get(f"/admin/variants/{large.id}/stock").get_data(as_text=True)
    assert re.search(r"<dd data-threshold>4 \(store default\)", stock_page) and "stock--low" in stock_page

    # Its own threshold, then back to blank.
    def save(threshold: str):
        return admin_client.post(f"/admin/products/{product.id}/variants/{small.id}", data={
            f"v{small.id}-sku": "SZ-S", f"v{small.id}-option_label": "Small", f"v{small.id}-price": "10.00",
            f"v{small.id}-low_stock_threshold": threshold, f"v{small.id}-is_active": "y"})
    assert save("2").status_code == 302
    db.session.expire_all()
    assert db.session.get(Variant, small.id).low_stock_threshold == 2
    assert "SZ-S" not in _low_skus_on_dashboard(admin_client)   # 4 available > 2
    assert save("").status_code == 302
    db.session.expire_all()
    assert db.session.get(Variant, small.id).low_stock_threshold is None
    assert "SZ-S" in _low_skus_on_dashboard(admin_client)       # 4 available <= 4 (store default)
    assert save("-1").status_code == 400


def test_price_fields_are_written_from_integer_cents_in_the_store_currency(app, db, admin_client, monkeypatch):
    """The edit form shows a price the way the parser reads it back: no float, and no invented decimals for a
    currency without minor units (¥1500 was shown as "15.00", which does not even parse back for JPY)."""
    make_disclaimers()
    product = make_product("Yen Roller", variants=[{"sku": "YEN-1", "price_cents": 1500,
                                                    "compare_at_cents": 9_999_999}])
    db.session.commit()
    variant = product.variants[0]
    page = admin_client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert f'name="v{variant.id}-price"' in page
    assert re.search(rf'name="v{variant.id}-price"[^>]*value="15.00"', page)
    assert re.search(rf'name="v{variant.id}-compare_at"[^>]*value="99999.99"', page)
    monkeypatch.setitem(app.config, "STORE_CURRENCY", "JPY")
    page = admin_client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert re.search(rf'name="v{variant.id}-price"[^>]*value="1500"', page)
