"""Real Chromium on the live server, with ADMIN_REQUIRE_2FA on: an admin is sent to enrolment, scans (reads)
the key, confirms it with a code, gets recovery codes, signs out, and signs in with password + code to reach
the dashboard; a wrong code and a reused code are refused on the page."""
from __future__ import annotations

import time

import pyotp
import pytest

from tests.factories import make_disclaimers
from store.extensions import db as _db

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "owner2fa@example.com", "a long admin password"


@pytest.fixture
def require_2fa(app):
    app.config["ADMIN_REQUIRE_2FA"] = True
    yield
    app.config["ADMIN_REQUIRE_2FA"] = False


def _password_step(page):
    page.goto("/account/login?next=/admin/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _enter_code(page, code):
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _sign_out(page):
    page.goto("/account")
    page.locator("form[action='/account/logout'] button").first.click()
    page.wait_for_load_state()


def test_admin_enrols_totp_then_signs_in_with_a_code(app, page, make_user, require_2fa, check_a11y,
                                                     screenshot_dir):
    with app.app_context():
        make_disclaimers()
        _db.session.commit()
    make_user(EMAIL, password=PASSWORD, role="admin", name="Olive Owner")

    # Password only: the back office sends the admin to enrolment.
    _password_step(page)
    page.goto("/admin/")
    page.wait_for_url("**/account/two-factor")
    assert page.get_by_text("The back office needs two-factor sign-in").is_visible()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    assert qr.is_visible() and qr.get_attribute("src").startswith("data:image/svg+xml")
    assert qr.evaluate("img => img.naturalWidth") > 0  # the local SVG really draws
    check_a11y(page, "two-factor enrolment")
    page.screenshot(path=str(screenshot_dir / "two-factor-enrolment.png"), full_page=True)

    secret = page.locator("[data-totp-secret]").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from your authenticator app").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.get_by_text("That code is not right").is_visible()  # a wrong code does not turn it on
    page.get_by_label("Code from your authenticator app").fill(totp.now())
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    assert page.get_by_text("Two-factor sign-in is on").first.is_visible()
    codes = page.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=str(screenshot_dir / "two-factor-recovery-codes.png"), full_page=True)

    # This session was confirmed with a code: the dashboard opens. Then sign out.
    page.goto("/admin/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    _sign_out(page)

    # Password, then a wrong code: refused on the page, still signed out.
    _password_step(page)
    page.wait_for_url("**/account/login/code")
    _enter_code(page, "12345x")
    assert page.get_by_text("not right").is_visible()
    page.goto("/admin/")
    assert "/account/login" in page.url

    # Password + the next code: signed in, the dashboard.
    _password_step(page)
    code = totp.at(time.time() + 30)  # the enrolment used this time step's code
    _enter_code(page, code)
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    check_a11y(page, "dashboard after two-factor sign-in")
    _sign_out(page)

    # The same code again (someone watched it being typed): refused.
    _password_step(page)
    _enter_code(page, code)
    assert page.get_by_text("already used").is_visible()
    page.screenshot(path=str(screenshot_dir / "two-factor-reused-code.png"), full_page=True)
    page.goto("/admin/")
    assert "/account/login" in page.url

    # A recovery code signs in once.
    _password_step(page)
    _enter_code(page, codes[0])
    page.wait_for_url("**/admin/")
    assert page.get_by_text("recovery code").first.is_visible()
    assert not page.js_errors
