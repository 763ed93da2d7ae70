"""Real Chromium: an admin creates a category, bulk-moves two products into it, and sees them under that
category on the shop front."""
from __future__ import annotations

import pytest

from store.extensions import db as _db
from tests.factories import make_disclaimers, make_product

pytestmark = pytest.mark.browser


def test_admin_creates_a_category_and_bulk_moves_two_products(app, page, make_user, screenshot_dir):
    with app.app_context():
        make_disclaimers()
        make_product("Cedar Foot Roller")
        make_product("Cork Massage Ball")
        make_product("Stays Put Cane")
        _db.session.commit()
    make_user("owner@example.com", password="a long admin password", role="admin", name="Olive Owner")
    page.goto("/account/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("a long admin password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.goto("/admin/")
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Categories").click()
    page.get_by_label("Name").fill("Wooden tools")
    page.get_by_label("Description").fill("Tools turned from wood.")
    page.get_by_role("button", name="Create category").click()
    assert page.get_by_text("Category “Wooden tools” created.").is_visible()
    assert page.locator('[data-category-row="wooden-tools"]').is_visible()

    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Products").click()
    page.get_by_label("Select Cedar Foot Roller").check()
    page.get_by_label("Select Cork Massage Ball").check()
    page.get_by_label("With the ticked products").select_option("move")
    page.get_by_label("Category (for a move)").select_option(label="Wooden tools")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply to ticked").click()
    page.screenshot(path=str(screenshot_dir / "admin-bulk-move.png"), full_page=True)
    assert page.get_by_text("Move to category: done for 2 products").is_visible()
    assert page.locator('[data-product-row]').filter(has_text="Cedar Foot Roller").filter(
        has_text="Wooden tools").count() == 1

    page.goto("/products")
    with page.expect_navigation():   # the shop's filter select submits itself
        page.locator("main").get_by_label("Category").select_option(label="Wooden tools")
    assert page.locator("h1").inner_text() == "Wooden tools"
    assert "category=wooden-tools" in page.url
    main = page.locator("main")
    assert main.get_by_text("Cedar Foot Roller").first.is_visible()
    assert main.get_by_text("Cork Massage Ball").first.is_visible()
    assert main.get_by_text("Stays Put Cane").count() == 0
    page.screenshot(path=str(screenshot_dir / "category-wooden-tools.png"), full_page=True)
    assert page.js_errors == []


def test_admin_gives_a_category_a_picture_and_shoppers_see_it(app, page, make_user, screenshot_dir, tmp_path):
    from tests.factories import make_category, png_bytes
    with app.app_context():
        make_disclaimers()
        category = make_category("Massage balls", slug="massage-balls")
        make_product("Cork Massage Ball", category=category)
        _db.session.commit()
        category_id = category.id
    picture = tmp_path / "balls.png"
    picture.write_bytes(png_bytes((1200, 900), color=(150, 110, 70)))
    make_user("owner@example.com", password="a long admin password", role="admin", name="Olive Owner")
    page.goto("/account/login")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("a long admin password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.goto(f"/admin/categories/{category_id}")
    section = page.locator("#picture")
    assert section.get_by_text("No picture yet").is_visible()
    section.get_by_label("Picture (JPEG, PNG or WebP)").set_input_files(str(picture))
    section.get_by_label("Alt text (describe the picture)").fill("Cork and rubber massage balls in a bowl")
    with page.expect_navigation():
        section.get_by_role("button", name="Upload picture").click()
    assert page.get_by_text("Category picture saved.").is_visible()
    preview = page.locator("#picture img")
    assert preview.get_attribute("alt") == "Cork and rubber massage balls in a bowl"
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 320
    page.screenshot(path=str(screenshot_dir / "admin-category-picture.png"), full_page=True)

    page.goto("/")
    tile = page.locator("a.category-tile", has_text="Massage balls")
    tile_img = tile.locator("img")
    tile_img.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=tile_img.element_handle())
    assert tile_img.get_attribute("alt") == ""
    page.screenshot(path=str(screenshot_dir / "home-category-picture.png"), full_page=True)
    with page.expect_navigation():
        tile.click()
    assert page.locator("h1").inner_text() == "Massage balls"
    header_img = page.locator(".category-header img")
    assert header_img.get_attribute("alt") == "Cork and rubber massage balls in a bowl"
    assert header_img.evaluate("img => img.complete && img.naturalWidth") > 0
    assert page.js_errors == []
