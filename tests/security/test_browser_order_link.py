"""Real Chromium: a guest whose order link has expired lands on the "get a link" form, asks for a fresh link
with the order number and email, gets the same answer a stranger would, and opens the emailed link."""
from __future__ import annotations

import re
import time

import pytest

from store.checkout import services as checkout
from store.extensions import db as _db
from store.orders.models import Order
from store.orders.services import order_token
from tests.factories import place_order as place
from tests.security.conftest import wait_for_mail

pytestmark = pytest.mark.browser
EMAIL = "browser.guest@example.com"


def test_guest_asks_for_a_fresh_order_link(app, page, live_server, shop, smtp_server, check_a11y, screenshot_dir,
                                           monkeypatch):
    with app.test_request_context():
        order = place([(shop.roller, 2)], email=EMAIL)
        checkout.fulfil_order(order.id, checkout.PaymentData.demo(order), "test")
        number, old_token = order.number, order_token(_db.session.get(Order, order.id))
    wait_for_mail(smtp_server, EMAIL)  # the order confirmation
    smtp_server.messages.clear()

    # The old link, 91 days later: the guest is sent to the form, told why.
    import itsdangerous.timed
    real = time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + 91 * 24 * 3600)
    page.goto(f"/orders/view/{old_token}")
    page.wait_for_url("**/orders/link")
    monkeypatch.undo()
    assert "That order link has expired" in page.locator(".flashes").inner_text()
    check_a11y(page, "order link form")

    # A stranger's guess gets the same answer, and no email.
    page.get_by_label("Order number").fill(number)
    page.get_by_label("Email used for the order").fill("stranger@example.com")
    page.get_by_role("button", name="Send me a link").click()
    page.wait_for_url("**/orders/link")
    stranger_answer = page.locator(".flashes").inner_text()
    assert "If that order number and email match an order" in stranger_answer

    page.get_by_label("Order number").fill(number.lower())
    page.get_by_label("Email used for the order").fill(EMAIL.upper())
    page.get_by_role("button", name="Send me a link").click()
    page.wait_for_url("**/orders/link")
    assert page.locator(".flashes").inner_text() == stranger_answer
    page.screenshot(path=str(screenshot_dir / "order-link-sent.png"), full_page=True)

    [mail] = wait_for_mail(smtp_server, EMAIL)
    assert wait_for_mail(smtp_server, "stranger@example.com", seconds=0.2) == []
    link = re.search(r"https?://\S+/orders/view/\S+", smtp_server.text_of(mail)).group(0)
    assert link.startswith(live_server.url)
    page.goto(link)
    assert page.get_by_role("heading", name=f"Order {number}").is_visible()
    assert "Cedar Foot Roller" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "order-link-opened.png"), full_page=True)
    check_a11y(page, "guest order page")
    assert page.js_errors == []
