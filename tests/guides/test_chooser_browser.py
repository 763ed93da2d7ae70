"""Real Chromium, keyboard only: on the plantar fasciitis guide a shopper sees the night splint left unticked with
the reason, swaps the oil's size, and adds the ticked tools to the cart. axe-core on the chooser."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

GUIDE = "/guides/self-massage-for-plantar-fasciitis"


def test_add_the_tools_by_keyboard(db, page, check_a11y, screenshot_dir):
    from store.demo import seed_all
    seed_all()
    page.goto(GUIDE)
    chooser = page.locator("form.add-tools")
    splint = chooser.locator('[data-tool="plantar-night-splint"]')
    assert "ask a clinician first" in splint.inner_text()
    assert not splint.locator("input[type=checkbox]").first.is_checked()
    chooser.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "guides-6-add-the-tools.png"), full_page=False)
    check_a11y(page, "guide with the tool chooser")

    oil = chooser.locator('[data-tool="unscented-carrier-oil"] input[type=checkbox]')
    assert oil.count() >= 2 and oil.nth(0).is_checked() and not oil.nth(1).is_checked()
    # Keyboard only: focus the first oil box, Space unticks it; Tab to the next size, Space ticks it.
    oil.nth(0).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert not oil.nth(0).is_checked() and oil.nth(1).is_checked()
    ticked = chooser.locator("input[type=checkbox]:checked").count()
    # Tab on to the submit button and press Enter.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Add the ticked tools to cart":
            break
    with page.expect_navigation(url="**/cart"):
        page.keyboard.press("Enter")
    cart = page.locator("main").inner_text()
    assert "Plain Glide" in cart
    assert "Nightrest Foot Splint" not in cart
    assert page.locator("form.cart-qty").count() == ticked          # one line per ticked size
    page.screenshot(path=str(screenshot_dir / "guides-7-cart-after-add.png"), full_page=True)
    assert page.js_errors == []
