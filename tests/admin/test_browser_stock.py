"""Real Chromium on the live server: an admin receives stock, counts a category and sees the dashboard's restock
list change each time."""
from __future__ import annotations

import re

import pytest

from store.extensions import db as _db
from tests.factories import make_category, make_disclaimers, make_product

pytestmark = pytest.mark.browser


def _restock_skus(page):
    page.goto("/admin/")
    return set(page.locator("[data-low-sku]").evaluate_all("rows => rows.map(r => r.dataset.lowSku)"))


def test_admin_receives_stock_counts_a_category_and_the_restock_list_follows(app, page, make_user, check_a11y,
                                                                           screenshot_dir):
    with app.app_context():
        make_disclaimers()
        oils = make_category("Oils", slug="oils")
        make_product("Calm Oil", category=oils, variants=[{"sku": "OIL-LOW", "on_hand": 2}])
        make_product("Warm Oil", category=oils, variants=[{"sku": "OIL-FULL", "on_hand": 12}])
        _db.session.commit()
    make_user("owner@example.com", password="a long admin password", role="admin", name="Olive Owner")
    page.goto("/account/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("a long admin password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    assert _restock_skus(page) == {"OIL-LOW"}
    assert page.locator('[data-low-sku="OIL-LOW"] [data-days-left]').inner_text() == "no recent sales"
    page.screenshot(path=str(screenshot_dir / "stock-dashboard-before.png"), full_page=True)

    # Receive 20 of the low one: a typo first, reported by line, then the real thing.
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Receipts").click()
    page.get_by_role("link", name="Receive stock").click()
    page.get_by_label("Supplier").fill("Oil Co")
    page.get_by_label("Reference (delivery note, invoice)").fill("DN-1001")
    page.get_by_label("Lines: SKU, quantity (one per line)").fill("OIL-LOW, 20\nOIL-LOWW, 3")
    page.get_by_role("button", name="Receive stock").click()
    assert page.get_by_text("Line 2: unknown SKU OIL-LOWW.").is_visible()
    page.get_by_label("Lines: SKU, quantity (one per line)").fill("OIL-LOW, 20")
    page.get_by_role("button", name="Receive stock").click()
    page.wait_for_url(re.compile(r".*/admin/receipts/\d+$"))
    assert page.get_by_text("20 units on 1 line(s)").is_visible()
    check_a11y(page, "receipt")
    page.screenshot(path=str(screenshot_dir / "stock-receipt.png"), full_page=True)
    assert _restock_skus(page) == set()

    # Count the Oils category: the full one turns out to hold just 1.
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Stock count").click()
    page.get_by_label("Category").select_option(label="Oils")
    page.get_by_role("button", name="Show the count sheet").click()
    page.get_by_label("Counted OIL-FULL").fill("1")
    page.get_by_label("Counted OIL-LOW").fill("22")
    check_a11y(page, "stock count")
    page.screenshot(path=str(screenshot_dir / "stock-count.png"), full_page=True)
    page.get_by_role("button", name="Save count").click()
    assert page.get_by_text("Count saved: 2 variant(s) counted, 1 changed.").is_visible()
    assert _restock_skus(page) == {"OIL-FULL"}
    page.screenshot(path=str(screenshot_dir / "stock-dashboard-after.png"), full_page=True)

    # The variant's history says who and why.
    page.get_by_role("link", name="OIL-FULL").click()
    row = page.locator('tr[data-kind="count"]')
    assert "owner@example.com" in row.inner_text() and "-11" in row.inner_text()
