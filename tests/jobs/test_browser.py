"""Real Chromium on the live server with a real worker: a guest buys while the mail server is down, the mail
server comes back, the confirmation arrives; the back office outbox shows it all along."""
from __future__ import annotations

import re

import pytest

from tests.checkout.test_browser import _add_to_cart, _fill_address
from tests.jobs.conftest import wait_until
from tests.jobs.helpers import rows

pytestmark = pytest.mark.browser


def test_buy_with_the_mail_server_down_then_the_email_arrives(app, page, browser, live_server, shop, make_user,
                                                             mail_server, start_worker, screenshot_dir,
                                                             check_a11y):
    server = mail_server(start=False)  # the app points at a port where nothing listens yet
    start_worker()
    _add_to_cart(page, shop.roller_slug)
    page.goto("/checkout")
    page.get_by_label("Email for your receipt").fill("guest@example.com")
    _fill_address(page)
    page.get_by_label("I have read the safety information for these products").check()
    page.get_by_role("button", name="Place order and pay").click()
    page.wait_for_url(re.compile(r".*/checkout/demo-pay/KW-.*"))
    number = page.url.rsplit("/", 1)[1]
    page.get_by_role("button", name=re.compile("Pay")).first.click()
    page.wait_for_url(f"**/checkout/complete/{number}")
    assert page.get_by_text("Thank you, your order is confirmed").is_visible()

    # The worker tries, the mail server is down: the email waits in the outbox with the error.
    wait_until(lambda: rows(app) and rows(app)[0].last_error, timeout=15, message="a failed attempt")
    make_user("boss@example.com", password="correct horse battery", role="admin", name="Boss")
    admin = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    admin_page = admin.new_page()
    try:
        admin_page.goto("/account/login")
        admin_page.get_by_label("Email").fill("boss@example.com")
        admin_page.get_by_label("Password").fill("correct horse battery")
        admin_page.get_by_role("button", name="Sign in").click()
        admin_page.wait_for_load_state()
        admin_page.goto("/admin/")
        admin_page.get_by_role("navigation", name="Back office").get_by_role("link", name="Outbox").click()
        admin_page.wait_for_url("**/admin/outbox")
        row = admin_page.locator("[data-outbox-row]").first
        assert row.get_attribute("data-status") == "queued"
        assert "guest@example.com" in row.inner_text() and number in row.inner_text()
        assert re.search(r"refused|Could not send", row.inner_text())
        admin_page.screenshot(path=str(screenshot_dir / "outbox-mail-server-down.png"), full_page=True)
        assert server.handler.messages == []

        # The mail server comes back: the next retry delivers the confirmation, once.
        server.start()
        wait_until(lambda: server.handler.to("guest@example.com"), timeout=30, message="the confirmation email")
        [mail] = server.handler.to("guest@example.com")
        assert number in mail["Subject"] and "Cedar Foot Roller" in server.handler.text_of(mail)
        wait_until(lambda: rows(app)[0].status == "sent", timeout=10, message="the row to be marked sent")

        admin_page.reload()
        row = admin_page.locator("[data-outbox-row]").first
        assert row.get_attribute("data-status") == "sent"
        assert int(row.locator("[data-attempts]").inner_text()) >= 2
        assert row.get_by_role("button", name=re.compile("Send again")).is_visible()
        check_a11y(admin_page, "admin outbox")
        admin_page.screenshot(path=str(screenshot_dir / "outbox-sent.png"), full_page=True)
        admin_page.locator("[data-outbox-row]").first.get_by_role("link", name=re.compile(r"^order #")).click()
        assert admin_page.locator("[data-confirmation-sent]").inner_text().startswith("Delivered")
        assert admin_page.get_by_role("button", name="Resend confirmation").is_visible()
    finally:
        admin.close()
    assert len(server.handler.messages) == 1
