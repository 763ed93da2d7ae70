"""Disclaimer versioning from the back office, and the dashboard's stock and chart parts."""
from __future__ import annotations

from store.inventory import services as inventory
from store.safety.services import current_disclaimer, disclaimer_history
from tests.admin.conftest import audit_rows
from tests.factories import make_disclaimers, make_product


def test_each_save_creates_a_new_version_and_old_ones_stay_readable(app, db, admin_client, admin_user):
    make_disclaimers(product_body="Version one text.")
    db.session.commit()
    page = admin_client.get("/admin/disclaimers").get_data(as_text=True)
    assert "Version one text." in page and "Current version: 1" in page
    response = admin_client.post("/admin/disclaimers/product", data={
        "product-kind": "product", "product-title": "Safety first", "product-body": "Version two text."})
    assert response.status_code == 302
    current = current_disclaimer("product")
    assert (current.version, current.body, current.created_by_id) == (2, "Version two text.", admin_user.id)
    assert [d.version for d in disclaimer_history("product")] == [2, 1]
    assert current_disclaimer("guide").version == 1           # the other kind is untouched
    history = admin_client.get("/admin/disclaimers/product").get_data(as_text=True)
    assert "Version one text." in history and "Version two text." in history
    assert history.index('data-version="2"') < history.index('data-version="1"')
    entry = audit_rows(db, "disclaimer.new_version")[0]
    assert entry.changes["body"] == ["Version one text.", "Version two text."]
    # The shop shows the new version.
    product = make_product("Shown")
    db.session.commit()
    assert 'data-disclaimer-version="2"' in admin_client.get(f"/products/{product.slug}").get_data(as_text=True)


def test_empty_disclaimer_is_refused_and_creates_nothing(app, db, admin_client):
    make_disclaimers()
    db.session.commit()
    response = admin_client.post("/admin/disclaimers/guide", data={
        "guide-kind": "guide", "guide-title": "Educational", "guide-body": "   "})
    assert response.status_code == 400 and "This field is required" in response.get_data(as_text=True)
    assert [d.version for d in disclaimer_history("guide")] == [1]
    assert admin_client.post("/admin/disclaimers/other", data={}).status_code == 404


def test_dashboard_lists_low_stock_variants_below_their_threshold(app, db, admin_client):
    make_disclaimers()
    low = make_product("Nearly Gone", variants=[{"sku": "LOW-1", "on_hand": 4}])
    make_product("Plenty", variants=[{"sku": "FULL-1", "on_hand": 40}])
    inventory.reserve(low.variants[0].id, 2)          # available 2 < threshold 3
    db.session.commit()
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert 'data-low-sku="LOW-1"' in html and 'data-low-sku="FULL-1"' not in html
    assert "Nothing waiting to ship." in html
    assert html.count('class="chart__bar"') == 30 and "Daily figures as a table" in html
