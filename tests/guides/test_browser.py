"""Real Chromium: a customer moves between products and guides, the pages pass axe, and a guide stuffed
with XSS payloads executes none of them.

The `page` fixture bypasses the Content-Security-Policy (to inject axe-core), so the XSS test checks the
sanitiser on its own, without the CSP's second line of defence.
"""
from __future__ import annotations

import re

import pytest

from store.guides import services
from tests.factories import make_disclaimers, make_product
from tests.guides.test_xss import payload_guide_data

pytestmark = pytest.mark.browser

PLANTAR = "/guides/self-massage-for-plantar-fasciitis"


def test_customer_goes_from_product_to_guide_and_back_to_products(db, page, check_a11y, screenshot_dir):
    from store.demo import seed_all
    seed_all()

    # Product page -> "Learn how to use it" -> the guide
    page.goto("/products/wooden-foot-roller")
    learn = page.locator("section", has=page.get_by_role("heading", name="Learn how to use it"))
    learn.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "guides-1-product-learn-how.png"))
    learn.get_by_role("link", name=re.compile("Self-massage for plantar fasciitis")).click()
    page.wait_for_url(f"**{PLANTAR}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Self-massage for plantar fasciitis")
    safety = page.locator("#safety")
    assert safety.get_attribute("data-disclaimer-version") == "1"
    assert "not medical advice" in safety.inner_text()
    assert "Kneadwell Archway Wooden Foot Roller: warnings" in safety.inner_text()
    assert page.get_by_role("heading", name="When to stop and see a clinician").is_visible()
    pubmed = page.get_by_role("link", name="PubMed 24703512")
    assert pubmed.get_attribute("href") == "https://pubmed.ncbi.nlm.nih.gov/24703512/"
    assert page.get_by_role("link", name="doi:10.1016/j.foot.2014.03.005").get_attribute("href") == \
        "https://doi.org/10.1016/j.foot.2014.03.005"
    page.screenshot(path=str(screenshot_dir / "guides-2-guide-page.png"), full_page=True)
    check_a11y(page, "guide page")

    # A step's product link -> that product's page
    step3 = page.locator("#step-3")
    assert "This step uses:" in step3.inner_text()
    step3.get_by_role("link", name="Kneadwell Steel Edge Fascia Tool").click()
    page.wait_for_url("**/products/steel-fascia-tool")
    assert page.get_by_role("heading", level=1).inner_text() == "Kneadwell Steel Edge Fascia Tool"

    # Back on the guide: "Tools used in this guide" -> a product card -> its page
    page.go_back()
    page.wait_for_url(f"**{PLANTAR}")
    tools = page.locator("#tools")
    cards = tools.locator("article.card")
    assert cards.count() == 7
    night = tools.locator('article[data-product="plantar-night-splint"]')
    assert re.search(r"\$\d+\.\d{2}", night.inner_text()) and re.search(r"In stock|Only \d+ left|Out of stock",
                                                                       night.inner_text())
    page.locator("#tools-heading").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "guides-3-tools-used.png"))
    night.get_by_role("link", name="Kneadwell Nightrest Foot Splint").click()
    page.wait_for_url("**/products/plantar-night-splint")
    assert page.get_by_role("heading", level=1).inner_text() == "Kneadwell Nightrest Foot Splint"

    # The guide list, filtered by topic
    page.goto("/guides")
    assert page.locator("article.guide-card").count() == 4
    assert page.locator("article.guide-card h2").first.inner_text().startswith("Self-massage for plantar fasciitis")
    check_a11y(page, "guide list")
    page.screenshot(path=str(screenshot_dir / "guides-4-list.png"), full_page=True)
    page.locator(".topic-filter").get_by_role("link", name="dry needling", exact=True).click()
    page.wait_for_url("**/guides?tag=dry-needling")
    assert page.locator("article.guide-card").count() == 1
    assert page.get_by_role("link", name=re.compile("^Dry needling explained")).count() == 1
    assert page.js_errors == []


def test_no_xss_payload_executes_in_the_browser(db, page, screenshot_dir):
    make_disclaimers()
    products = [make_product("Plain Roller", slug="plain-roller"), make_product("Plain Ball", slug="plain-ball")]
    guide = services.save_guide(payload_guide_data(products), commit=False)
    services.publish(guide)

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/guides/xss-corpus")
    page.wait_for_load_state("load")
    expected_title = page.title()
    assert expected_title.startswith("Rolling <script>")  # the title is shown as text, not run
    # Interact the way a reader would: hover and click every link left in the guide's own content.
    links = page.locator(".guide__body a:not([href]), .step__body a:not([href]), .faqs a:not([href])")
    clicked = 0
    for link in links.all():
        if link.is_visible():
            link.hover()
            link.click()
            clicked += 1
    assert clicked >= 10  # the neutered javascript:/vbscript:/data: links are still there as plain text
    page.wait_for_timeout(300)
    page.screenshot(path=str(screenshot_dir / "guides-5-xss-corpus.png"), full_page=True)

    assert page.evaluate("window.__xss") is None
    assert page.evaluate("document.querySelectorAll('iframe, object, embed, svg foreignObject, form[action^=java]').length") == 0
    assert page.title() == expected_title
    assert page.url.endswith("/guides/xss-corpus")
    assert dialogs == []
