"""Real Chromium: a shopper sees uploaded pictures (content-hashed renditions picked from srcset) on the list,
product and cart pages, served from the database; and, with the database down, a styled 503 page with a
reference instead of a bare error."""
from __future__ import annotations

import re
import threading

import pytest

from store.admin.catalog import services as admin_catalog
from store.extensions import db as _db
from tests.factories import make_disclaimers, make_product, png_bytes
from tests.scale.conftest import CLOSED_DB

pytestmark = pytest.mark.browser
MEDIA = re.compile(r"/media/[0-9a-f]{64}\.(webp|jpg)$")
# The rendition the browser picked: its width from the srcset entry of the URL it loaded.
PICKED = """img => {
    const source = img.parentElement.tagName === 'PICTURE' ? img.parentElement.querySelector('source') : null;
    const path = new URL(img.currentSrc).pathname;
    const sets = [img.srcset, source ? source.srcset : ''].join(', ');
    const entry = sets.split(',').map(s => s.trim().split(' ')).find(([url]) => url === path);
    return [entry ? parseInt(entry[1]) : null, img.currentSrc];
}"""


def test_shopper_sees_uploaded_pictures_on_list_product_and_cart(app, page, screenshot_dir, check_a11y):
    with app.app_context():
        make_disclaimers()
        product = make_product("Walnut Gua Sha", variants=[{"price_cents": 3200, "on_hand": 4}])
        product.images.clear()
        _db.session.commit()
        admin_catalog.add_image(product.id, filename="walnut.png", mimetype="image/png",
                                data=png_bytes((1800, 1350), (120, 80, 50)), alt_text="A walnut gua sha board",
                                max_bytes=None, actor_id=None)
        slug = product.slug

    page.goto("/products")
    card = page.get_by_role("img", name="A walnut gua sha board")
    card.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=card.element_handle())
    width, src = card.evaluate(PICKED)
    assert MEDIA.search(src) and src.endswith(".webp") and width in (320, 640), (width, src)

    page.get_by_role("link", name="Walnut Gua Sha").first.click()
    page.wait_for_url(f"**/products/{slug}")
    hero = page.get_by_role("img", name="A walnut gua sha board").first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=hero.element_handle())
    width, src = hero.evaluate(PICKED)
    assert MEDIA.search(src) and width in (640, 1280), (width, src)
    check_a11y(page, "product page with an uploaded picture")
    page.screenshot(path=str(screenshot_dir / "media-product.png"), full_page=True)

    page.get_by_role("button", name=re.compile("Add to cart")).click()
    page.wait_for_function("() => document.querySelector('[data-cart-count]').textContent.trim() === '1'")
    page.goto("/cart")
    thumb = page.locator("img.cart-line__image")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    width, src = thumb.evaluate(PICKED)
    # sizes="80px" asks for the 320 rendition; Chromium may reuse a larger one it already has in its cache.
    assert MEDIA.search(src) and width in (320, 640), (width, src)
    page.screenshot(path=str(screenshot_dir / "media-cart.png"), full_page=True)


@pytest.fixture
def down_server(make_app):
    from werkzeug.serving import make_server

    down = make_app("down-browser", SQLALCHEMY_DATABASE_URI=CLOSED_DB)
    server = make_server("127.0.0.1", 0, down, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_shopper_sees_a_styled_503_when_the_database_is_down(browser, down_server, screenshot_dir, check_a11y):
    context = browser.new_context(base_url=down_server, bypass_csp=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        response = page.goto("/products")
        assert response.status == 503 and response.headers["retry-after"] == "30"
        assert page.get_by_role("heading", name="We will be right back").is_visible()
        assert page.get_by_text("cannot reach its database").is_visible()
        assert page.get_by_text(response.headers["x-request-id"]).is_visible()
        assert page.locator(".site-header").is_visible()          # styled, with the shop's header
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
        check_a11y(page, "503 page")
        page.screenshot(path=str(screenshot_dir / "database-down-503.png"), full_page=True)
        # "Browse the shop" gives the same page again, never a bare "Internal Server Error".
        page.get_by_role("link", name="Browse the shop").click()
        page.wait_for_load_state()
        assert "Internal Server Error" not in page.content()
        assert page.get_by_role("heading", name="We will be right back").is_visible()
    finally:
        context.close()
