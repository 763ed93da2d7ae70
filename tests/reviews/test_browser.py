"""Real Chromium, real live server, real SMTP: the two walks of issue 15.

1. A guest buys, the admin marks the order shipped and delivered, the scheduled job sends the invitation, the
   guest follows its link, writes a review and sees it on the product page (average, count, the review).
2. A shopper asks to be told about a sold-out option; the admin restocks it; the shopper gets one email and
   its link opens the option, now in stock.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from store.extensions import db as _db
from store.orders.models import Order
from tests.factories import make_disclaimers, make_product

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(app):
    with app.app_context():
        make_disclaimers()
        roller = make_product("Cedar Foot Roller", slug="cedar-foot-roller",
                              variants=[{"sku": "ROLL-1", "price_cents": 2400, "on_hand": 10}])
        oil = make_product("Calm Body Oil", slug="calm-body-oil", kind="oil", variants=[
            {"sku": "OIL-50", "label": "50 ml", "price_cents": 1450, "on_hand": 0},
            {"sku": "OIL-100", "label": "100 ml", "price_cents": 2600, "on_hand": 2}])
        _db.session.commit()
        data = SimpleNamespace(roller_slug=roller.slug, oil_slug=oil.slug, oil_small=oil.variants[0].id)
        _db.session.remove()
    return data


def _sign_in(page, email, password="correct horse battery"):
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/account/login" not in url)


def _admin_page(browser, live_server, make_user):
    make_user("owner@example.com", password="a long admin password", role="owner", name="Olive Owner")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    admin = context.new_page()
    _sign_in(admin, "owner@example.com", "a long admin password")
    return admin


def _link_in(smtp_server, address, pattern):
    [mail] = smtp_server.to(address)
    return mail, re.search(pattern, smtp_server.text_of(mail)).group(0)


def test_buy_deliver_invite_review_and_see_it(app, page, browser, live_server, shop, make_user, smtp_server,
                                              outbox_worker, screenshot_dir, check_a11y):
    # The guest buys the roller.
    page.goto(f"/products/{shop.roller_slug}")
    page.get_by_text("No reviews yet").wait_for()
    page.get_by_role("button", name="Add to cart").click()
    page.locator("[data-add-status]").filter(has_text="Added").wait_for()
    page.goto("/checkout")
    page.get_by_label("Email for your receipt").fill("robin@example.com")
    page.get_by_label("Full name").fill("Robin Reader")
    page.get_by_label("Address", exact=True).fill("12 Elm Street")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("State or province").fill("IL")
    page.get_by_label("ZIP or postal code").fill("62701")
    page.get_by_label("I have read the safety information for these products").check()
    page.get_by_role("button", name="Place order and pay").click()
    page.wait_for_url(re.compile(r".*/checkout/demo-pay/KW-.*"))
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r".*/checkout/complete/KW-.*"))
    number = page.locator("[data-order-number]").inner_text()

    # The admin ships it and marks it delivered.
    with app.app_context():
        order_id = _db.session.scalars(select(Order.id).where(Order.number == number)).one()
        _db.session.remove()
    admin = _admin_page(browser, live_server, make_user)
    admin.goto(f"/admin/orders/{order_id}")
    admin.get_by_label("Carrier").fill("Parcel Post")
    admin.get_by_label("Tracking number").fill("PP-778899")
    admin.get_by_role("button", name="Mark as shipped").click()
    admin.get_by_role("button", name="Mark as delivered").click()
    admin.get_by_text(f"Order {number} marked as delivered.").wait_for()

    # The scheduled job (REVIEW_INVITE_AFTER_DAYS after delivery; 0 here) sends the invitation.
    from store.reviews.services import queue_due_invitations
    with app.app_context():
        assert queue_due_invitations(after_days=0) == 1
        _db.session.remove()
    outbox_worker.drain()
    invitations = [m for m in smtp_server.to("robin@example.com") if "How are you getting on" in m["Subject"]]
    assert len(invitations) == 1
    link = re.search(r"http\S+/reviews/write/\S+", smtp_server.text_of(invitations[0])).group(0)

    # The guest follows it and reviews the roller.
    page.goto(link)
    page.get_by_role("heading", name=f"Review your order {number}").wait_for()
    form = page.locator("[data-review-product='cedar-foot-roller']")
    form.get_by_label("4 stars").check()
    form.get_by_label("Title").fill("Firm and smooth")
    form.get_by_label("Your review").fill("Good on tired feet after a long shift. A bit loud on tiles.")
    check_a11y(page, "review form")
    page.screenshot(path=str(screenshot_dir / "review-form.png"), full_page=True)
    form.get_by_role("button", name=re.compile("Publish my review")).click()
    page.get_by_text("Thank you! Your review is published.").wait_for()
    page.get_by_role("link", name="published").click()

    page.wait_for_url(re.compile(r".*/products/cedar-foot-roller.*"))
    reviews = page.locator("#reviews")
    assert reviews.locator("[data-rating-count='1'][data-rating-average='4.0']").count() == 1
    assert "Firm and smooth" in reviews.inner_text() and "Robin R." in reviews.inner_text()
    assert "verified buyer" in reviews.inner_text()
    reviews.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "product-reviews.png"), full_page=True)
    check_a11y(page, "product page with reviews")
    page.goto("/products")
    assert page.locator("[data-product='cedar-foot-roller'] [data-card-rating='4.0']").count() == 1

    # The admin sees it in the back office, and replies.
    admin.goto("/admin/reviews?tab=published")
    card = admin.locator("[data-review]").filter(has_text="Firm and smooth")
    card.get_by_label("The store's reply").fill("Thank you, Robin: a cork mat keeps it quiet on tiles.")
    card.get_by_role("button", name="Save reply").click()
    admin.get_by_text("Reply saved.").wait_for()
    admin.screenshot(path=str(screenshot_dir / "admin-reviews.png"), full_page=True)
    page.goto(f"/products/{shop.roller_slug}#reviews")
    assert "a cork mat keeps it quiet" in page.locator("#reviews").inner_text()
    assert page.js_errors == []


def test_subscribe_to_sold_out_option_and_get_the_alert_after_restock(app, page, browser, live_server, shop,
                                                                     make_user, smtp_server, outbox_worker,
                                                                     screenshot_dir, check_a11y):
    page.goto(f"/products/{shop.oil_slug}?variant=OIL-50")
    page.get_by_text("This size is out of stock.").wait_for()
    page.get_by_label("Your email").fill("sam@example.com")
    page.get_by_role("button", name="Email me when it is back").click()
    page.get_by_text("We will email sam@example.com once when it is back in stock.").wait_for()
    check_a11y(page, "product page, alert requested")
    page.screenshot(path=str(screenshot_dir / "stock-alert-requested.png"), full_page=True)

    admin = _admin_page(browser, live_server, make_user)
    admin.goto("/admin/stock-alerts")
    assert admin.locator("[data-demand-sku='OIL-50'] [data-waiting]").inner_text() == "1"
    admin.screenshot(path=str(screenshot_dir / "admin-stock-alerts.png"), full_page=True)
    admin.goto(f"/admin/variants/{shop.oil_small}/stock")
    admin.get_by_label("Reason").select_option("restock")
    admin.get_by_label("Units (or counted total)").fill("6")
    admin.get_by_role("button", name="Adjust stock").click()
    expect(admin.locator("[data-available]")).to_have_text("6")

    outbox_worker.drain()
    mail, link = _link_in(smtp_server, "sam@example.com", r"http\S+/products/calm-body-oil\?variant=OIL-50")
    assert "Back in stock" in mail["Subject"] and "/alerts/stop/" in smtp_server.text_of(mail)
    page.goto(link)
    assert page.get_by_role("button", name="Add to cart").is_visible()
    assert page.get_by_role("button", name="Email me when it is back").count() == 0
    page.screenshot(path=str(screenshot_dir / "back-in-stock.png"), full_page=True)

    # More stock later: no second email.
    admin.get_by_label("Reason").select_option("restock")
    admin.get_by_label("Units (or counted total)").fill("2")
    admin.get_by_role("button", name="Adjust stock").click()
    expect(admin.locator("[data-available]")).to_have_text("8")
    outbox_worker.drain()
    assert len(smtp_server.to("sam@example.com")) == 1
    assert page.js_errors == []
