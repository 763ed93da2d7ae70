"""Real Chromium: a guest fills a cart, signs up (the cart survives), signs out, signs in on a fresh browser
context (the cart is there), and resets the password through the email caught by the SMTP server."""
from __future__ import annotations

import re
import time

import pytest

from store.extensions import db as _db
from tests.factories import make_disclaimers, make_product

pytestmark = pytest.mark.browser

EMAIL = "browser.shopper@example.com"
PASSWORD = "rolling along nicely"
NEW_PASSWORD = "a brand new rolling phrase"


@pytest.fixture
def products(app):
    with app.app_context():
        make_disclaimers()
        roller = make_product("Browser Foam Roller", variants=[{"price_cents": 2800, "on_hand": 9}])
        oil = make_product("Browser Warming Oil", kind="oil",
                           variants=[{"price_cents": 1400, "on_hand": 9, "label": "100 ml"}])
        _db.session.commit()
        return roller.slug, oil.slug


def _cart_count(page) -> str:
    return page.locator("[data-cart-count]").first.inner_text().strip()


def _wait_for_mail(smtp_server, address, count=1):
    for _ in range(100):
        if len(smtp_server.to(address)) >= count:
            return smtp_server.to(address)[-1]
        time.sleep(0.05)
    raise AssertionError(f"no email for {address}")


def test_cart_survives_sign_up_sign_in_and_password_reset(page, browser, live_server, products, smtp_server,
                                                          outbox_worker, check_a11y, screenshot_dir):
    roller_slug, oil_slug = products

    # A guest adds two products; the script updates the header count without leaving the page.
    page.goto(f"/products/{roller_slug}")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_function("document.querySelector('[data-cart-count]').textContent.trim() === '1'")
    assert "Added 1 × Browser Foam Roller" in page.locator("[data-add-status]").inner_text()
    page.goto(f"/products/{oil_slug}")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_function("document.querySelector('[data-cart-count]').textContent.trim() === '3'")
    page.screenshot(path=str(screenshot_dir / "cart-01-product-added.png"), full_page=True)

    page.goto("/cart")
    assert page.locator("tr[data-line]").count() == 2
    assert "$56.00" in page.locator(".cart-subtotal").inner_text()  # 28.00 + 2 × 14.00
    page.screenshot(path=str(screenshot_dir / "cart-02-guest-cart.png"), full_page=True)
    check_a11y(page, "cart page")

    # Sign up: the cart survives.
    page.get_by_role("link", name="Sign in").click()
    check_a11y(page, "login page")
    page.get_by_role("link", name="Create an account").click()
    check_a11y(page, "register page")
    page.get_by_label("Your name").fill("Bea Browser")
    page.get_by_label("Email").fill(EMAIL.upper())
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    # The account is created once the link in the sign-up email is followed (the same answer is given for an
    # address that already has an account, so the page cannot be used to find out who shops here).
    page.wait_for_url("**/account/register/sent")
    assert "Check your email to finish" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "cart-03a-check-your-email.png"), full_page=True)
    check_a11y(page, "sign-up sent page")
    signup = _wait_for_mail(smtp_server, EMAIL)
    finish = re.search(r"https?://\S+/account/register/finish/\S+", smtp_server.text_of(signup)).group(0)
    assert finish.startswith(live_server.url)
    page.goto(finish)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/account")
    assert EMAIL in page.locator("main").inner_text()
    assert _cart_count(page) == "3"
    page.screenshot(path=str(screenshot_dir / "cart-03-account.png"), full_page=True)
    check_a11y(page, "account page")
    page.goto("/cart")
    assert page.locator("tr[data-line]").count() == 2

    # Sign out; the cart is gone from this browser.
    page.goto("/account")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")
    assert _cart_count(page) == "0"

    # Sign in again in a fresh browser context: the cart is there.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        fresh = context.new_page()
        fresh.goto("/account/login?next=/cart")
        fresh.get_by_label("Email").fill(EMAIL)
        fresh.get_by_label("Password").fill(PASSWORD)
        fresh.get_by_role("button", name="Sign in").click()
        fresh.wait_for_url("**/cart")
        assert fresh.locator("tr[data-line]").count() == 2
        assert _cart_count(fresh) == "3"
        fresh.screenshot(path=str(screenshot_dir / "cart-04-fresh-context.png"), full_page=True)
    finally:
        context.close()

    # Forgotten password: the reset link arrives by email and completes the reset.
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        other = context.new_page()
        other.goto("/account/login")
        other.get_by_role("link", name="Forgotten your password?").click()
        other.get_by_label("Email").fill(EMAIL)
        other.get_by_role("button", name="Send reset link").click()
        assert "If an account uses that email" in other.locator(".flashes").inner_text()
        outbox_worker.drain()
        message = _wait_for_mail(smtp_server, EMAIL, count=2)  # after the sign-up email
        link = re.search(r"https?://\S+/account/reset/\S+", smtp_server.text_of(message)).group(0)
        assert link.startswith(live_server.url)
        other.goto(link)
        other.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        other.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
        other.get_by_role("button", name="Save new password").click()
        other.wait_for_url("**/account/login")
        assert "Your password is changed" in other.locator(".flashes").inner_text()
        other.get_by_label("Email").fill(EMAIL)
        other.get_by_label("Password").fill(NEW_PASSWORD)
        other.get_by_role("button", name="Sign in").click()
        other.wait_for_url("**/account")
        assert _cart_count(other) == "3"
        # The link is single use.
        other.goto(link)
        assert "already been used" in other.locator(".flashes").inner_text()
        other.screenshot(path=str(screenshot_dir / "cart-05-reset-used.png"), full_page=True)
    finally:
        context.close()
    assert page.js_errors == []
