"""Every area of the store on a phone (390 x 844) in real Chromium: no sideways scrolling, no axe violations
(serious, critical or moderate), and the phone layouts a shopper relies on: a compact header, two products per
row, line items as cards, a list of form errors that takes the focus, a back office that fits."""
import re

import pytest
from playwright.sync_api import expect

from store.demo import seed_all

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"


@pytest.fixture
def demo_store(app):
    with app.app_context():
        seed_all()


@pytest.fixture
def phone(browser, live_server):
    """A new phone-sized browser tab per call (one per signed-in person)."""
    contexts = []

    def _open():
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport=PHONE,
                                      device_scale_factor=1, is_mobile=True, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def audit(check_a11y, screenshot_dir):
    """Screenshot the page, then fail on sideways scrolling or on any axe violation from moderate up."""
    def _audit(page, name):
        page.wait_for_load_state("load")
        page.screenshot(path=str(screenshot_dir / f"phone-{name}.png"), full_page=True)
        overflow = page.evaluate("""() => {
            const width = window.innerWidth;
            if (document.documentElement.scrollWidth <= width) return null;
            const wide = [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length)
                .slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + String(el.className).replace(/ /g, '.'));
            return {scrollWidth: document.documentElement.scrollWidth, width, wide};
        }""")
        assert overflow is None, f"{name}: the page scrolls sideways on a phone: {overflow}"
        violations = check_a11y(page, name)
        moderate = [(v["id"], v["nodes"]) for v in violations if v["impact"] == "moderate"]
        assert not moderate, f"{name}: moderate accessibility violations: {moderate}"
        assert page.js_errors == [], f"{name}: JavaScript errors: {page.js_errors}"
    return _audit


def _sign_in(page, email):
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _top(locator):
    return locator.bounding_box()["y"]


def test_every_area_fits_a_phone_and_passes_axe(demo_store, phone, audit, make_user):
    page = phone()

    # Home: the header is one compact row of links over the search box, so the page's heading shows at once.
    page.goto("/")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] < 110, "the phone header should not eat the screen"
    nav = page.get_by_role("navigation", name="Main")
    for name in ("Shop", "Guides", "Sign in", re.compile(r"^Cart")):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    # With script the header's search box is a combobox (static/js/search-combobox.js).
    expect(page.get_by_role("search", name="Site").get_by_role("combobox")).to_be_visible()
    assert _top(page.get_by_role("heading", level=1)) < 250
    audit(page, "home")

    # Listing: two products side by side.
    page.goto("/products")
    cards = page.locator(".card-grid .card")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert first["y"] == second["y"] and first["width"] < 200, "two product cards per row on a phone"
    audit(page, "products")

    # No demo product costs $80 or more: an empty filtered list (a page past the end is a 404 since issue 19).
    page.goto("/products?price=80-up")
    expect(page.get_by_text("Nothing matches these filters")).to_be_visible()
    expect(page.get_by_role("link", name="Show all products")).to_be_visible()
    audit(page, "products-empty")

    # Product on sale with options: the price, the sale and the button fit the screen; the safety block follows.
    page.goto("/products/foam-roller")
    price = page.locator(".purchase__price")
    expect(price.locator(".badge--sale")).to_have_text("Sale")
    now = price.locator(".price").bounding_box()
    was = price.locator(".price--was").bounding_box()
    assert now["height"] >= was["height"], "the current price reads larger than the old one"
    button = page.get_by_role("button", name="Add to cart")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    expect(page.locator("section#safety")).to_be_visible()
    audit(page, "product")

    page.goto("/search?q=oil")
    assert page.locator("#results-products + .card-grid .card").count() >= 3  # product cards, guides apart
    audit(page, "search")

    page.goto("/guides")
    page.locator(".guide-card__link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    audit(page, "guide")

    # A customer buys: the cart's lines become cards with their own labels, the checkout lists what to fix.
    make_user("pat@example.com", password=PASSWORD, name="Pat Phone")
    _sign_in(page, "pat@example.com")
    for slug in ("foam-roller", "warming-massage-oil"):
        page.goto(f"/products/{slug}")
        page.get_by_role("button", name="Add to cart").click()
        page.locator("[data-add-status]").filter(has_text="Added").wait_for()
    page.goto("/cart")
    lines = page.locator(".cart-table tbody tr")
    assert lines.count() == 2
    one, two = lines.nth(0).bounding_box(), lines.nth(1).bounding_box()
    assert one["width"] <= PHONE["width"] and two["y"] >= one["y"] + one["height"], "one card per line"
    total_cell = lines.nth(0).locator("td[data-label='Total']")
    label = total_cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Total"', "each figure is labelled on a phone"
    checkout = page.get_by_role("link", name="Check out")
    assert _top(checkout) < _top(page.get_by_role("link", name="Continue shopping"))
    audit(page, "cart")

    checkout.click()
    page.get_by_role("button", name="Place order and pay").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Address", exact=True).click()
    expect(page.get_by_label("Address", exact=True)).to_be_focused()
    expect(page.get_by_label("Address", exact=True)).to_have_attribute("aria-invalid", "true")
    audit(page, "checkout-errors")

    page.get_by_label("Full name").fill("Pat Phone")
    page.get_by_label("Address", exact=True).fill("12 Long Street")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("State or province").fill("OR")
    page.get_by_label("ZIP or postal code").fill("97201")
    page.get_by_label("I have read the safety information for these products").check()
    page.get_by_role("button", name="Place order and pay").click()
    page.wait_for_url(re.compile(r".*/checkout/demo-pay/KW-.*"))
    audit(page, "demo-pay")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r".*/checkout/complete/KW-.*"))
    audit(page, "confirmation")

    page.goto("/account/orders")
    row = page.locator("tr[data-order]").first
    expect(row.locator("td[data-label='Status']")).to_contain_text("Paid")
    audit(page, "orders")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Order KW-")
    audit(page, "order")

    page.goto("/account")
    audit(page, "account")

    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    audit(page, "not-found")

    # The back office on a phone: the menu is a row of buttons, wide tables scroll inside their own box.
    make_user("boss@example.com", password=PASSWORD, role="admin", name="Boss")
    admin = phone()
    _sign_in(admin, "boss@example.com")
    admin.goto("/admin/")
    menu = admin.get_by_role("navigation", name="Back office")
    assert menu.bounding_box()["height"] < 200, "the back-office menu wraps into a few rows of links"
    audit(admin, "admin-dashboard")
    admin.goto("/admin/products")
    expect(admin.get_by_role("region", name="Products")).to_be_visible()
    audit(admin, "admin-products")
    admin.goto("/admin/orders")
    admin.locator("main a[href*='/admin/orders/']").first.click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Order KW-")
    audit(admin, "admin-order")
