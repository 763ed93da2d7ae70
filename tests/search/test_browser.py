"""Real Chromium over the demo shop: a shopper searches with the keyboard only (the header combobox), mistypes,
narrows the results with facets, and searches again with script turned off. Screenshots under
test-artifacts/search/ (or SCREENSHOT_DIR)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "search"


@pytest.fixture
def shots():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def test_keyboard_only_combobox_typo_and_facets(db, page, check_a11y, shots):
    from store.demo import seed_all
    seed_all()
    page.goto("/")
    box = page.get_by_role("combobox", name="Search products and guides")
    # Keyboard only: Tab from the skip link to the brand, then to the search box.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.type("foam rol", delay=40)
    listbox = page.get_by_role("listbox", name="Search suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_be_visible()
    assert any("Foam Roller" in t for t in options.all_inner_texts())
    expect(page.get_by_role("status").filter(has_text="suggestion")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", first_id)
    expect(options.first).to_have_attribute("aria-selected", "true")
    page.screenshot(path=str(shots / "1-combobox-suggestions.png"))
    check_a11y(page, "header combobox open")
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()

    # Pick a product suggestion with the arrows and Enter: its page opens.
    page.keyboard.press("ArrowDown")
    expect(listbox).to_be_visible()
    product_index = next(i for i, t in enumerate(options.all_inner_texts()) if t.lower().startswith("product"))
    for _ in range(product_index):
        page.keyboard.press("ArrowDown")
    expected = options.nth(product_index).inner_text().split(None, 1)[1].strip()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/products/[a-z0-9-]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(expected)

    # A typo, searched with Enter (no suggestion chosen): results for the correction, product cards first.
    box = page.get_by_role("combobox", name="Search products and guides")
    box.focus()
    page.keyboard.type("roler", delay=30)
    expect(listbox).to_be_visible()
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=roler")
    expect(page.locator("[data-corrected]")).to_contain_text("Showing results for roller")
    products = page.locator("#results-products + .card-grid article.card")
    assert products.count() >= 2
    first_card = products.first.inner_text()
    assert re.search(r"\$\d+\.\d{2}", first_card) and re.search(r"In stock|Only \d+ left|Out of stock", first_card)
    expect(page.get_by_role("heading", name="Guides")).to_be_visible()
    page.screenshot(path=str(shots / "2-typo-corrected-results.png"), full_page=True)
    check_a11y(page, "search results")

    # Facets, by keyboard: the "In stock" facet, then a price range; both live in the URL.
    facets = page.get_by_role("navigation", name="Filter products")
    in_stock = facets.locator('[data-facet="in_stock"] a')
    in_stock.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"in_stock=1"))
    price = page.locator('[data-facet="price"] a').first
    price.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"in_stock=1.*price=|price=.*in_stock=1"))
    chips = page.get_by_role("list", name="Filters in use")
    expect(chips.get_by_role("link")).to_have_count(2)
    count = page.locator(".result-count").inner_text()
    page.screenshot(path=str(shots / "3-facets-combined.png"), full_page=True)
    check_a11y(page, "search with facets")
    chips.get_by_role("link").first.click()
    expect(page.get_by_role("list", name="Filters in use").get_by_role("link")).to_have_count(1)
    assert page.locator(".result-count").inner_text() != "" and count

    # The product list has the same facets, with counts.
    page.goto("/products")
    oils = page.locator('[data-facet="kind"] a[data-facet-value="oil"]')
    label = oils.inner_text()
    n = int(re.search(r"\((\d+)\)", label).group(1))
    oils.click()
    page.wait_for_url("**/products?kind=oil")
    expect(page.locator(".card-grid article.card")).to_have_count(min(n, 12))
    page.screenshot(path=str(shots / "4-product-list-facets.png"), full_page=True)
    assert page.js_errors == []


def test_search_works_without_script(browser, live_server, db, shots):
    from store.demo import seed_all
    seed_all()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto("/")
        box = page.get_by_role("searchbox", name="Search products and guides")  # a plain search box
        box.fill("guasha")
        box.press("Enter")
        page.wait_for_url("**/search?q=guasha")
        cards = page.locator("#results-products + .card-grid article.card")
        assert cards.count() >= 1 and "Gua Sha" in cards.first.inner_text()
        page.locator('[data-facet="kind"] a').first.click()
        page.wait_for_url(re.compile(r"kind="))
        page.screenshot(path=str(shots / "5-no-script-phone.png"), full_page=True)
    finally:
        context.close()
