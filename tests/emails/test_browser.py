"""The branded emails as a mail client shows them: each HTML part rendered in Chromium (wide and phone width),
screenshotted, with no broken layout (nothing wider than the screen) and every link absolute."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from store.admin.orders import services as admin_orders
from store.outbox.models import OutboxMessage
from tests.factories import make_disclaimers, make_product, pay_order, place_order


@pytest.fixture
def emails(db, make_user, client):
    make_disclaimers()
    product = make_product("Screenshot Roller", variants=[{"sku": "SR-1", "on_hand": 10, "price_cents": 2400}])
    ball = make_product("Screenshot Ball", variants=[{"sku": "SB-1", "on_hand": 10, "price_cents": 900}])
    db.session.commit()
    order = place_order([(product.variants[0].id, 2), (ball.variants[0].id, 1)], email="robin@example.com")
    pay_order(order)
    admin_orders.mark_shipped(order.id, "USPS", "9400100000000000000000", actor_id=None)
    admin_orders.refund(order.id, 900, "the ball arrived dented", "shot-1", actor_id=None)
    other = place_order([(ball.variants[0].id, 1)], email="c@example.com")
    admin_orders.cancel(other.id, "You asked us to cancel it", actor_id=None)
    make_user("reset@example.com")
    client.post("/account/reset", data={"email": "reset@example.com"})
    return {row.kind: row for row in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))}


KINDS = ["order_confirmation", "order_shipped", "order_refunded", "order_cancelled", "password_reset"]


def test_each_email_renders_in_the_layout_wide_and_narrow(page, emails, screenshot_dir):
    assert set(KINDS) <= set(emails)
    for kind in KINDS:
        html = emails[kind].body_html
        for width in (1000, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.set_content(html)
            card = page.locator("table.card")
            assert card.is_visible()
            assert page.locator("td.masthead").inner_text().strip() == "Kneadwell"
            # Nothing wider than the screen at phone width (the card shrinks, tables fit).
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{kind} at {width}px is {overflow}px too wide"
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
            assert hrefs and all(h.startswith(("http://", "https://", "mailto:")) for h in hrefs), (kind, hrefs)
            page.screenshot(path=str(screenshot_dir / f"email-{kind}-{width}.png"), full_page=True)
    # The shipped email's button goes to the carrier's tracking page.
    page.set_content(emails["order_shipped"].body_html)
    assert page.locator("a.button").get_attribute("href").startswith("https://tools.usps.com/")
