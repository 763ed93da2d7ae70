"""Real Chromium, live server, demo payments: a shopper applies WELCOME10 in the cart, sees the discount and how
far free shipping is, checks out to a London address with express shipping, sees the VAT in the total, pays,
and finds the same figures on the order page and in the confirmation email."""
import re

import pytest
from sqlalchemy import select

from store.extensions import db as _db
from store.orders.models import Order
from tests.checkout.conftest import shop  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

# 2 x 24.00 + 14.50 = 62.50; WELCOME10 takes 6.25 (4.80 + 1.45); UK express up to 500 g 24.95; VAT is inside:
# 43.20 / 6 = 7.20, 13.05 / 6 = 2.175 -> 2.18, 24.95 / 6 = 4.158 -> 4.16: 13.54 in all. Total 56.25 + 24.95.
FIGURES = {"subtotal": "$62.50", "discount": "-$6.25", "shipping": "$24.95", "total": "$81.20",
           "tax_included": "$13.54"}


def _add_to_cart(page, slug, option=None):
    page.goto(f"/products/{slug}" + (f"?variant={option}" if option else ""))
    page.get_by_role("button", name="Add to cart").click()
    page.locator("[data-add-status]").filter(has_text="Added").wait_for()


def _money(page, scope):
    rows = page.locator(f"{scope} [data-money]")
    return {rows.nth(i).get_attribute("data-money"): rows.nth(i).locator("td").first.inner_text().strip()
            for i in range(rows.count())}


def test_welcome10_free_shipping_progress_uk_express_vat_demo_pay_same_figures_everywhere(
        app, page, shop, smtp_server, outbox_worker, check_a11y, screenshot_dir):
    _add_to_cart(page, shop.roller_slug)
    _add_to_cart(page, shop.roller_slug)
    _add_to_cart(page, shop.oil_slug, "OIL-50")
    page.goto("/cart")
    assert "Add $12.50 more for free standard shipping to the United States." in page.locator(
        "[data-free-shipping-remaining]").inner_text()

    page.get_by_role("textbox", name="Code").fill("welcome10")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert page.get_by_text("WELCOME10 is applied to your cart.").is_visible()
    cart = _money(page, ".cart-totals")
    assert (cart["subtotal"], cart["discount"]) == ("$62.50", "-$6.25")
    # Free shipping counts the subtotal after the discount: 56.25 of 75.00.
    progress = page.locator("[data-free-shipping-remaining]")
    assert progress.get_attribute("data-free-shipping-remaining") == "1875"
    assert "Add $18.75 more for free standard shipping" in progress.inner_text()
    check_a11y(page, "cart with a discount code")
    page.screenshot(path=str(screenshot_dir / "cart-welcome10.png"), full_page=True)

    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/checkout")
    page.get_by_label("Email for your receipt").fill("london@example.com")
    page.get_by_label("Full name").fill("Lee London")
    page.get_by_label("Address", exact=True).fill("10 Downing Street")
    page.get_by_label("City").fill("London")
    page.get_by_label("ZIP or postal code").fill("SW1A 2AA")
    # Choosing the country asks for its methods and tax (checkout.js presses "Update shipping options").
    with page.expect_navigation():
        page.get_by_label("Country").select_option("GB")
    # The UK zone's methods, each with its price for this cart; the form kept what was typed.
    assert page.get_by_label("Full name").input_value() == "Lee London"
    methods = page.locator("[data-shipping-methods]").inner_text()
    assert "Standard (5 to 7 business days): $11.95" in methods and "Express (2 to 4 business days): $24.95" in methods
    with page.expect_navigation():
        page.get_by_role("radio", name=re.compile(r"Express")).check()
    assert page.get_by_role("radio", name=re.compile(r"Express")).is_checked()
    assert _money(page, ".checkout__summary") == {
        "subtotal": "$62.50", "discount": "-$6.25", "shipping": "$24.95", "total": "$81.20",
        "tax_included": "$13.54"}
    assert "Includes VAT" in page.locator(".checkout__summary").inner_text()
    page.get_by_label("I have read the safety information for these products").check()
    check_a11y(page, "checkout to the United Kingdom")
    page.screenshot(path=str(screenshot_dir / "checkout-uk-express-vat.png"), full_page=True)
    page.get_by_role("button", name="Place order and pay").click()

    page.wait_for_url(re.compile(r".*/checkout/demo-pay/KW-.*"))
    page.get_by_role("button", name=re.compile(r"^Pay \$81\.20")).click()
    page.wait_for_url(re.compile(r".*/checkout/complete/KW-.*"))
    number = page.locator("[data-order-number]").inner_text()
    assert _money(page, "main") == FIGURES
    page.screenshot(path=str(screenshot_dir / "complete-uk-vat.png"), full_page=True)

    page.get_by_role("link", name="Your order's page").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"Order {number}").is_visible()
    assert _money(page, "main") == FIGURES
    labels = page.locator("main [data-money]").all_inner_texts()
    assert any("Discount (WELCOME10)" in text for text in labels)
    assert any("Shipping (Express)" in text for text in labels)
    assert any("Includes VAT" in text for text in labels)
    check_a11y(page, "order page with discount and VAT")
    page.screenshot(path=str(screenshot_dir / "order-page-uk-vat.png"), full_page=True)

    outbox_worker.drain()
    [mail] = smtp_server.to("london@example.com")
    body = smtp_server.text_of(mail)
    for line in ("Subtotal: $62.50", "Discount (WELCOME10): -$6.25", "Shipping (Express): $24.95",
                 "Total paid: $81.20", "Includes VAT: $13.54"):
        assert line in body, line
    html_part = next(part for part in mail.walk() if part.get_content_type() == "text/html")
    html = html_part.get_payload(decode=True).decode()
    assert "Discount (WELCOME10)" in html and "-$6.25" in html and "Includes VAT" in html and "$81.20" in html
    with app.app_context():
        order = _db.session.scalars(select(Order).where(Order.number == number)).one()
        assert (order.payment_status, order.paid_cents, order.total_cents) == ("paid", 8120, 8120)
        assert (order.discount_code, order.shipping_method, order.tax_cents, order.tax_inclusive) == (
            "WELCOME10", "express", 1354, True)
    assert page.js_errors == []
