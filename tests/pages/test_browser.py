"""Real Chromium, keyboard only: a shopper finds the contact page from the footer and sends a message; on a
product page walks the picture gallery (thumbnails, the enlarged view, arrows, Escape). axe-core on the new
pages. Screenshots of each."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from store.admin.catalog import services as admin_catalog
from store.outbox.models import OutboxMessage
from store.pages.models import ContactMessage
from tests.factories import make_disclaimers, make_product, png_bytes

pytestmark = pytest.mark.browser


def _tab_to(page, predicate_js: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``predicate_js`` (a JS expression over `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({predicate_js}); }})()"):
            return
    raise AssertionError(f"never reached an element where {predicate_js}")


@pytest.fixture
def pages_seeded(db):
    from store.pages.seed import seed_pages
    make_disclaimers()
    seed_pages()
    db.session.commit()


def test_policy_pages_pass_axe(page, pages_seeded, check_a11y, screenshot_dir):
    for path in ("/shipping", "/returns", "/privacy", "/terms", "/about", "/contact"):
        page.goto(path)
        check_a11y(page, path)
    page.goto("/returns")
    page.screenshot(path=str(screenshot_dir / "pages-1-returns.png"), full_page=True)


def test_contact_form_by_keyboard_only(page, pages_seeded, db, check_a11y, screenshot_dir):
    page.goto("/")
    # From the footer: Tab to the Contact link and follow it with Enter.
    _tab_to(page, "el.tagName === 'A' && el.getAttribute('href') === '/contact'", limit=200)
    with page.expect_navigation(url="**/contact"):
        page.keyboard.press("Enter")
    # A first try with a bad email: the error summary takes the focus, its link leads back to the field.
    _tab_to(page, "el.id === 'name'")
    page.keyboard.type("Robin Reader")
    page.keyboard.press("Tab")
    page.keyboard.type("robin-at-example")
    page.keyboard.press("Tab")                                   # topic select
    page.keyboard.press("ArrowUp")                               # from "Something else" (the default)...
    page.keyboard.press("ArrowUp")                               # ...to "A product or how to use it"
    assert page.evaluate("document.activeElement.value") == "product"
    page.keyboard.press("Tab")
    page.keyboard.type("KW-ABCD-EFGH")
    page.keyboard.press("Tab")
    page.keyboard.type("Is the warming oil safe to use after a hot bath?")
    page.keyboard.press("Tab")                                   # the honeypot is skipped: next is the button
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send message"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    check_a11y(page, "contact form with errors")
    page.screenshot(path=str(screenshot_dir / "pages-2-contact-error.png"), full_page=True)
    _tab_to(page, "el.getAttribute('href') === '#email'")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.press("Control+A")
    page.keyboard.type("robin@example.com")
    _tab_to(page, "el.textContent.trim() === 'Send message'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    status = page.locator(".flashes")
    assert "your message is with us" in status.inner_text()
    page.screenshot(path=str(screenshot_dir / "pages-3-contact-sent.png"), full_page=True)
    db.session.expire_all()
    message = db.session.scalar(select(ContactMessage))
    assert (message.email, message.topic, message.order_number) == ("robin@example.com", "product", "KW-ABCD-EFGH")
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "contact_message")) is not None


@pytest.fixture
def gallery_product(db):
    make_disclaimers()
    product = make_product("Gallery Roller", slug="gallery-roller")
    product.images.clear()
    db.session.commit()
    for alt, color in (("The roller from above", (180, 120, 70)), ("The roller in a hand", (70, 130, 180)),
                       ("The roller's grooves up close", (90, 160, 90))):
        admin_catalog.add_image(product.id, filename="p.png", mimetype="image/png", data=png_bytes((1400, 1000), color),
                                alt_text=alt, max_bytes=None, actor_id=None)
    return product


def _visible_alt(page) -> str:
    return page.locator(".gallery__slide:not([hidden]) img").get_attribute("alt")


def test_gallery_by_keyboard_only(page, gallery_product, check_a11y, screenshot_dir):
    page.goto("/products/gallery-roller")
    assert page.js_errors == []
    assert page.locator(".gallery__slide:not([hidden])").count() == 1
    assert _visible_alt(page) == "The roller from above"
    # The big picture offers srcset renditions.
    assert "1280w" in page.locator(".gallery__slide:not([hidden]) img").get_attribute("srcset")
    # Thumbnails: Tab to the first, arrows move along them and show each picture in place.
    _tab_to(page, "el.classList.contains('gallery__thumb')", limit=60)
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == \
        "Show picture 1 of 3: The roller from above"
    page.keyboard.press("ArrowRight")
    assert _visible_alt(page) == "The roller in a hand"
    assert page.locator(".gallery__thumb[aria-current='true']").get_attribute("data-show") == "1"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    assert _visible_alt(page) == "The roller's grooves up close"
    page.screenshot(path=str(screenshot_dir / "gallery-1-thumbs.png"))
    check_a11y(page, "product page with gallery")
    # Enlarge the picture shown: back with Shift+Tab to its "Enlarge" link, Enter opens the dialog.
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('gallery__enlarge')"):
            break
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.gallery__dialog")
    assert dialog.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-gallery-close')")
    large = dialog.locator("img.gallery__large")
    assert large.get_attribute("alt") == "The roller's grooves up close"
    page.wait_for_function("document.querySelector('img.gallery__large').naturalWidth > 0")
    assert "picture 3 of 3" in dialog.inner_text()
    page.keyboard.press("ArrowRight")                             # wraps to the first
    assert large.get_attribute("alt") == "The roller from above" and "picture 1 of 3" in dialog.inner_text()
    page.keyboard.press("ArrowLeft")
    assert large.get_attribute("alt") == "The roller's grooves up close"
    check_a11y(page, "enlarged picture dialog")
    page.screenshot(path=str(screenshot_dir / "gallery-2-enlarged.png"))
    # Focus stays inside the modal dialog.
    for _ in range(4):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('dialog')")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('gallery__enlarge')")
    assert _visible_alt(page) == "The roller's grooves up close"
    assert page.js_errors == []


def test_gallery_without_javascript_shows_every_picture(browser, live_server, gallery_product, screenshot_dir):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/products/gallery-roller")
        assert page.locator(".gallery__slide").count() == 3
        assert all(page.locator(".gallery__slide").nth(i).is_visible() for i in range(3))
        assert page.locator(".gallery__enlarge").first.get_attribute("href").startswith("/media/")
        page.screenshot(path=str(screenshot_dir / "gallery-3-no-js.png"), full_page=True)
    finally:
        context.close()
