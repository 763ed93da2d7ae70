"""A shopper in real headless Chromium: home -> list -> category filter -> product page with its safety block."""
import re

import pytest
from playwright.sync_api import expect

from store.demo import seed_all
from store.safety.services import current_disclaimer

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_store(app):
    with app.app_context():
        seed_all()
        disclaimer = current_disclaimer("product")
        return {"version": disclaimer.version, "title": disclaimer.title, "body": disclaimer.body}


def test_shopper_walks_from_home_to_a_product_and_sees_its_safety_information(page, demo_store, check_a11y,
                                                                              screenshot_dir):
    page.goto("/")
    expect(page).to_have_title(re.compile("Kneadwell"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".card-grid .card").first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "catalog-1-home.png"), full_page=True)
    check_a11y(page, "home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Shop").click()
    expect(page).to_have_url(re.compile(r"/products$"))
    expect(page.get_by_role("heading", level=1, name="All products")).to_be_visible()
    all_count = page.locator(".card-grid .card").count()
    assert all_count >= 12
    page.screenshot(path=str(screenshot_dir / "catalog-2-list.png"), full_page=True)
    check_a11y(page, "product list")

    # Filter by category with the form (the select auto-submits with JS; the Apply button works without).
    page.get_by_label("Category").select_option(label="Massage oils")
    page.wait_for_url(re.compile(r"category=oils"))
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"category=oils"))
    expect(page.get_by_role("heading", level=1, name="Massage oils")).to_be_visible()
    cards = page.locator(".card-grid .card")
    assert 0 < cards.count() < all_count
    titles = cards.locator(".card__title").all_inner_texts()
    assert all("oil" in t.lower() for t in titles), titles
    expect(page.get_by_label("Category")).to_have_value("oils")
    page.screenshot(path=str(screenshot_dir / "catalog-3-filtered.png"), full_page=True)
    check_a11y(page, "filtered list")

    cards.first.locator("a.card__link").click()
    expect(page).to_have_url(re.compile(r"/products/[a-z0-9-]+$"))
    product_name = page.get_by_role("heading", level=1).inner_text()
    safety = page.locator('section#safety')
    expect(safety).to_be_visible()
    assert safety.is_visible()
    expect(safety).to_have_attribute("data-disclaimer-version", str(demo_store["version"]))
    expect(safety.get_by_role("heading", name=demo_store["title"])).to_be_visible()
    expect(safety.locator(".safety__disclaimer")).to_have_text(demo_store["body"])
    warnings = safety.locator(".safety__warnings li")
    assert warnings.count() >= 2
    expect(warnings.first).to_be_visible()
    assert any("patch test" in w.lower() for w in warnings.all_inner_texts()), "an oil's own warnings"
    # The safety block sits in the buying column, right after the price / add-to-cart area.
    purchase_box = page.locator(".purchase").bounding_box()
    safety_box = safety.bounding_box()
    assert safety_box["y"] > purchase_box["y"] and safety_box["y"] - (purchase_box["y"] + purchase_box["height"]) < 200
    assert page.get_by_text(re.compile(r"^(In stock|Only \d+ left|Out of stock)$")).first.is_visible()
    page.screenshot(path=str(screenshot_dir / "catalog-4-product.png"), full_page=True)
    check_a11y(page, f"product page {product_name}")

    # Choosing another size updates price and stock (links, so it also works without JavaScript).
    options = page.locator(".variant-choice a")
    if options.count() > 1:
        options.nth(1).click()
        expect(options.nth(1)).to_have_attribute("aria-current", "true")
        expect(page.locator("section#safety")).to_be_visible()
    assert page.js_errors == []


def test_product_page_on_a_phone(browser, live_server, demo_store, check_a11y, screenshot_dir):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto("/products/warming-massage-oil")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        safety = page.locator("section#safety")
        expect(safety).to_be_visible()
        # Nothing wider than the screen: no sideways scrolling on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"page is {overflow}px wider than the phone screen"
        page.screenshot(path=str(screenshot_dir / "catalog-5-product-mobile.png"), full_page=True)
        page.screenshot(path=str(screenshot_dir / "catalog-5-product-mobile-top.png"))
        check_a11y(page, "product page on a phone")
        page.goto("/products")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        page.screenshot(path=str(screenshot_dir / "catalog-6-list-mobile.png"), full_page=False)
    finally:
        context.close()


def test_missing_product_page_is_friendly_in_the_browser(page, demo_store, check_a11y):
    response = page.goto("/products/not-a-real-thing")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Browse the shop")).to_be_visible()
    check_a11y(page, "404 page")
