"""Real Chromium on the live server: a staff member signs in, opens a paid order, finds no refund form (a note
says refunds need the owner), and a refund POST crafted in the page with a valid CSRF token is refused with the
message; nothing is refunded."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from store.checkout import services as checkout
from store.extensions import db as _db
from store.orders.models import Order, Refund
from tests.admin.test_browser import _sign_in
from tests.checkout.helpers import place
from tests.factories import make_disclaimers, make_product

pytestmark = pytest.mark.browser

PASSWORD = "a long staff password"


def test_staff_sees_no_refund_form_and_a_crafted_refund_is_refused(app, page, make_user, check_a11y,
                                                                    screenshot_dir):
    with app.app_context():
        make_disclaimers()
        variant_id = make_product("Maple Foot Roller", slug="maple-roller").variants[0].id
        _db.session.commit()
    with app.app_context(), app.test_request_context():
        order = place([(variant_id, 1)], email="buyer@example.com")
        checkout.fulfil_order(order.id, checkout.PaymentData.demo(order), "test")
        order_id, number = order.id, order.number
    make_user("stef@example.com", password=PASSWORD, role="staff", name="Stef Staff")

    _sign_in(page, "stef@example.com", PASSWORD)
    page.get_by_role("link", name="Admin").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_text("Signed in as Staff").is_visible()
    nav = page.get_by_role("navigation", name="Back office")
    assert nav.get_by_role("link", name="Staff").count() == 0  # staff management is the owner's
    nav.get_by_role("link", name="Orders").click()
    page.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/admin/orders/{order_id}")

    assert page.locator('form[data-action="refund"]').count() == 0
    assert page.get_by_role("button", name="Refund").count() == 0
    assert page.get_by_text("Refunds need the shop owner's account.").is_visible()
    assert page.get_by_role("button", name="Mark as shipped").is_visible()  # what staff may do is there
    check_a11y(page, "order page for staff")
    page.screenshot(path=str(screenshot_dir / "admin-order-staff.png"), full_page=True)

    # A refund form crafted in the page (with the page's own valid CSRF token) and submitted by the browser.
    with page.expect_navigation():
        page.evaluate("""(orderId) => {
        const token = document.querySelector('input[name$="csrf_token"]').value;
        const form = document.createElement('form');
        form.method = 'post';
        form.action = `/admin/orders/${orderId}/refund`;
        for (const [name, value] of [['csrf_token', token], ['amount', '5.00'], ['reason', 'crafted'],
                                     ['idempotency_key', 'crafted-refund-0001']]) {
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = name; input.value = value;
            form.appendChild(input);
        }
        document.body.appendChild(form);
        form.submit();
    }""", order_id)
    assert page.get_by_role("heading", name="Not allowed for your role").is_visible()
    assert page.get_by_text("Refunds need the shop owner's account.").is_visible()
    page.screenshot(path=str(screenshot_dir / "admin-refund-refused-staff.png"), full_page=True)

    with app.app_context():
        assert _db.session.scalar(select(Order.refunded_cents).where(Order.id == order_id)) == 0
        assert _db.session.scalars(select(Refund)).all() == []
