"""Real Chromium on the live server: a shopper signed in on two browsers sees both on the account page, signs
the other one out from there, and that browser (its copied cookies too) is signed out; then "Sign out
everywhere"."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "two-browsers@example.com", "correct horse battery"
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Mobile Safari/537.36")


def _sign_in(page, remember=False):
    page.goto("/account/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    if remember:
        page.get_by_label("Keep me signed in on this device").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account")


def test_signing_out_another_browser_from_the_account_page(app, browser, live_server, page, make_user,
                                                           check_a11y, screenshot_dir):
    make_user(EMAIL, PASSWORD)
    phone_context = browser.new_context(base_url=live_server.url, user_agent=PHONE_UA)
    try:
        phone = phone_context.new_page()
        _sign_in(phone, remember=True)
        copied = phone_context.cookies()
        _sign_in(page)

        page.goto("/account")
        sessions = page.locator("[data-sessions] li")
        assert sessions.count() == 2
        this = sessions.filter(has_text="This device")
        assert this.count() == 1 and "Headless Chrome" in this.inner_text()
        other = sessions.filter(has_text="Chrome on Android")
        assert other.count() == 1
        check_a11y(page, "account page with sessions")
        page.locator("[data-sessions]").screenshot(path=str(screenshot_dir / "account-sessions.png"))

        other.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        assert page.get_by_text("That device is signed out").is_visible()
        assert page.locator("[data-sessions] li").count() == 1

        phone.goto("/account")
        assert "/account/login" in phone.url  # the phone is signed out, remember-me cookie and all
        thief_context = browser.new_context(base_url=live_server.url)
        try:
            thief_context.add_cookies(copied)
            thief = thief_context.new_page()
            thief.goto("/account")
            assert "/account/login" in thief.url
        finally:
            thief_context.close()

        _sign_in(phone)
        page.goto("/account")
        page.get_by_role("button", name="Sign out everywhere").click()
        page.wait_for_url("**/account/login")
        assert page.get_by_text("signed out everywhere").is_visible()
        phone.goto("/account")
        assert "/account/login" in phone.url
    finally:
        phone_context.close()
