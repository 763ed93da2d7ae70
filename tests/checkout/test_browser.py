"""Real Chromium, real live server, demo payments: the whole purchase as a shopper does it."""
import re

import pytest
from sqlalchemy import select

from store.catalog.models import Variant
from store.extensions import db as _db
from store.orders.models import Order

pytestmark = pytest.mark.browser


def _add_to_cart(page, slug, option=None):
    page.goto(f"/products/{slug}" + (f"?variant={option}" if option else ""))
    page.get_by_role("button", name="Add to cart").click()
    # cart.js posts in place and announces the result (without JavaScript the form posts and lands on /cart)
    page.locator("[data-add-status]").filter(has_text="Added").wait_for()


def _fill_address(page):
    page.get_by_label("Full name").fill("Robin Reader")
    page.get_by_label("Address", exact=True).fill("12 Elm Street")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("State or province").fill("IL")
    page.get_by_label("ZIP or postal code").fill("62701")


def test_buy_two_products_with_demo_payment(app, page, shop, make_user, smtp_server, outbox_worker, check_a11y,
                                            screenshot_dir):
    make_user("robin@example.com", password="correct horse battery", name="Robin Reader")
    page.goto("/account/login")
    page.get_by_label("Email").fill("robin@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    _add_to_cart(page, shop.roller_slug)
    _add_to_cart(page, shop.oil_slug, "OIL-50")
    page.goto("/cart")
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url("**/checkout")
    summary = page.locator(".checkout__summary")
    assert "Cedar Foot Roller" in summary.inner_text() and "Calm Body Oil (50 ml)" in summary.inner_text()
    assert "$44.45" in summary.inner_text()  # 24.00 + 14.50 + 5.95 shipping
    _fill_address(page)
    # The safety links go to each product's warnings.
    link = page.get_by_role("link", name="Safety information for Calm Body Oil")
    assert link.get_attribute("href").endswith(f"/products/{shop.oil_slug}#safety")
    check_a11y(page, "checkout page")

    # Forgetting the acknowledgment is caught and explained.
    page.get_by_role("button", name="Place order and pay").click()
    assert page.get_by_text("Please confirm that you have read the safety information").is_visible()
    page.get_by_label("I have read the safety information for these products").check()
    page.screenshot(path=str(screenshot_dir / "checkout-filled.png"), full_page=True)
    page.get_by_role("button", name="Place order and pay").click()

    page.wait_for_url(re.compile(r".*/checkout/demo-pay/KW-.*"))
    assert page.get_by_text("Test payment — no real money").is_visible()
    check_a11y(page, "demo payment page")
    page.screenshot(path=str(screenshot_dir / "demo-pay.png"), full_page=True)
    page.get_by_role("button", name=re.compile(r"^Pay \$44\.45")).click()

    page.wait_for_url(re.compile(r".*/checkout/complete/KW-.*"))
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Thank you, your order is confirmed"
    number = page.locator("[data-order-number]").inner_text()
    check_a11y(page, "confirmation page")
    page.screenshot(path=str(screenshot_dir / "confirmation.png"), full_page=True)
    assert page.locator("[data-cart-count]").inner_text() == "0"

    page.get_by_role("link", name="View this order in your account").click()
    assert page.get_by_role("heading", name=f"Order {number}").is_visible()
    page.goto("/account/orders")
    row = page.locator(f"tr[data-order='{number}']")
    assert "Paid" in row.inner_text() and "$44.45" in row.inner_text()

    outbox_worker.drain()
    [mail] = smtp_server.to("robin@example.com")
    body = smtp_server.text_of(mail)
    assert number in mail["Subject"] and "Cedar Foot Roller" in body and "Calm Body Oil (50 ml)" in body
    assert "Total paid: $44.45" in body
    with app.app_context():
        order = _db.session.scalars(select(Order).where(Order.number == number)).one()
        assert order.payment_status == "paid" and order.disclaimer_version == 1
        assert _db.session.get(Variant, shop.roller).on_hand == 9
        assert _db.session.get(Variant, shop.oil_small).on_hand == 3
    assert page.js_errors == []


def test_decline_then_cancel(app, page, shop, smtp_server, outbox_worker, screenshot_dir):
    _add_to_cart(page, shop.roller_slug)
    page.goto("/checkout")
    page.get_by_label("Email for your receipt").fill("guest@example.com")
    _fill_address(page)
    page.get_by_label("I have read the safety information for these products").check()
    page.get_by_role("button", name="Place order and pay").click()
    page.wait_for_url(re.compile(r".*/checkout/demo-pay/KW-.*"))
    page.get_by_role("button", name=re.compile("Decline")).click()
    assert page.get_by_text("Your test payment was declined. Nothing was charged.").is_visible()
    page.screenshot(path=str(screenshot_dir / "declined.png"), full_page=True)
    with app.app_context():
        order = _db.session.scalars(select(Order)).one()
        assert order.payment_status == "pending" and _db.session.get(Variant, shop.roller).reserved == 1
    assert page.get_by_role("button", name=re.compile("Try again")).is_visible()
    page.get_by_role("button", name="Cancel this order").click()
    page.wait_for_url("**/cart")
    assert page.get_by_text("is cancelled and nothing was charged").is_visible()
    assert "Cedar Foot Roller" in page.locator("main").inner_text()  # the cart still has the item
    with app.app_context():
        assert _db.session.scalars(select(Order)).one().payment_status == "voided"
        assert _db.session.get(Variant, shop.roller).reserved == 0
    outbox_worker.drain()
    assert smtp_server.messages == []


def test_going_back_and_checking_out_again_resumes_the_same_order(app, page, shop, screenshot_dir, check_a11y):
    """Issue 17: the shopper leaves the payment page, goes back to her cart, adds one more and checks out again:
    one order (the same number), holding exactly what the cart holds; the cart says an order awaits payment."""
    _add_to_cart(page, shop.oil_slug, "OIL-100")  # 2 in stock
    page.goto("/checkout")
    page.get_by_label("Email for your receipt").fill("guest@example.com")
    _fill_address(page)
    page.get_by_label("I have read the safety information for these products").check()
    page.get_by_role("button", name="Place order and pay").click()
    page.wait_for_url(re.compile(r".*/checkout/demo-pay/KW-.*"))
    number = re.search(r"(KW-[A-Z0-9-]+)", page.url).group(1)

    page.goto("/cart")
    banner = page.locator("[data-awaiting-order]")
    assert "You have an order awaiting payment" in banner.inner_text() and number in banner.inner_text()
    check_a11y(page, "cart with an order awaiting payment")
    page.screenshot(path=str(screenshot_dir / "cart-awaiting-payment.png"), full_page=True)
    assert "left" not in page.locator("main").inner_text()  # her own order's unit is not "gone"
    _add_to_cart(page, shop.oil_slug, "OIL-100")  # the second and last: her own order holds the first
    page.goto("/checkout")
    page.get_by_label("Email for your receipt").fill("guest@example.com")
    _fill_address(page)
    page.get_by_label("I have read the safety information for these products").check()
    page.get_by_role("button", name="Place order and pay").click()
    page.wait_for_url(re.compile(r".*/checkout/demo-pay/KW-.*"))
    assert number in page.url
    with app.app_context():
        [order] = _db.session.scalars(select(Order)).all()
        assert [(l.sku, l.quantity) for l in order.lines] == [("OIL-100", 2)]
        assert _db.session.get(Variant, shop.oil_large).reserved == 2
    page.get_by_role("button", name=re.compile("Pay")).first.click()
    page.wait_for_url(f"**/checkout/complete/{number}")
    page.goto("/cart")
    assert page.locator("[data-awaiting-order]").count() == 0
