"""Structured data and social sharing: BreadcrumbList on product and guide pages, FAQPage on guides with FAQs,
OpenGraph and Twitter card tags on every page (the product's and guide's own title, picture and URL)."""
from __future__ import annotations

import json
import re

from store.guides import services as guide_services
from store.guides.services import FAQData, GuideData, ReferenceData, StepData
from tests.factories import make_category, make_disclaimers, make_product


def _jsonld(html: str) -> list[dict]:
    return [json.loads(block) for block in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]


def _meta(html: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in
            re.finditer(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)}


def _of_type(blocks, kind):
    found = [b for b in blocks if b.get("@type") == kind]
    assert len(found) == 1, f"expected one {kind}, got {[b.get('@type') for b in blocks]}"
    return found[0]


def test_product_page_has_breadcrumbs_and_social_card(client, db):
    make_disclaimers()
    category = make_category("Rollers", slug="rollers")
    product = make_product("Seo Roller", slug="seo-roller", category=category,
                           variants=[{"sku": "SEO-1", "price_cents": 1850}])
    db.session.commit()
    html = client.get("/products/seo-roller").get_data(as_text=True)
    blocks = _jsonld(html)
    assert blocks[0]["@type"] == "Product"
    crumbs = _of_type(blocks, "BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Shop", "http://localhost/products"),
        (2, "Rollers", "http://localhost/products?category=rollers"),
        (3, "Seo Roller", "http://localhost/products/seo-roller")]
    meta = _meta(html)
    assert meta["og:type"] == "product" and meta["og:title"] == "Seo Roller"
    assert meta["og:url"] == "http://localhost/products/seo-roller"
    assert meta["og:description"] == product.summary and meta["twitter:description"] == product.summary
    assert meta["og:image"].startswith("http://localhost/") and meta["twitter:card"] == "summary_large_image"
    assert meta["product:price:amount"] == "18.50" and meta["product:price:currency"] == "USD"
    assert meta["og:site_name"] == "Kneadwell"


def _guide(products, faqs):
    data = GuideData(slug="seo-guide", title="Rolling the arch", summary="How to roll the arch of the foot.",
                     body="Text.", clinician_note="Stop if it hurts.",
                     hero_image="img/guides/self-massage-for-plantar-fasciitis.svg", hero_alt="A foot on a roller.",
                     reviewed_by="Reviewer", tags=["feet"], steps=[StepData("Roll", "Roll slowly.", [products[0].slug])],
                     faqs=faqs, references=[ReferenceData("A citation", "1", None)],
                     products=[p.slug for p in products])
    guide_services.publish(guide_services.save_guide(data, commit=False))


def test_guide_with_faqs_has_faqpage_breadcrumbs_and_an_article_card(client, db):
    make_disclaimers()
    product = make_product("Arch Ball", slug="arch-ball")
    db.session.commit()
    _guide([product], [FAQData("How often?", "A few minutes, **once a day**."), FAQData("Does it hurt?", "It should not.")])
    db.session.commit()
    html = client.get("/guides/seo-guide").get_data(as_text=True)
    blocks = _jsonld(html)
    assert blocks[0]["@type"] == "HowTo"
    faq = _of_type(blocks, "FAQPage")["mainEntity"]
    assert [(q["name"], q["acceptedAnswer"]["text"]) for q in faq] == [
        ("How often?", "A few minutes, once a day."), ("Does it hurt?", "It should not.")]
    crumbs = _of_type(blocks, "BreadcrumbList")["itemListElement"]
    assert [c["item"] for c in crumbs] == ["http://localhost/guides", "http://localhost/guides/seo-guide"]
    meta = _meta(html)
    assert meta["og:type"] == "article" and meta["og:title"] == "Rolling the arch"
    assert meta["og:image"] == "http://localhost/static/img/guides/self-massage-for-plantar-fasciitis.svg"
    assert meta["og:image:alt"] == "A foot on a roller."


def test_guide_without_faqs_has_no_faqpage(client, db):
    make_disclaimers()
    product = make_product("Arch Ball", slug="arch-ball")
    db.session.commit()
    _guide([product], [])
    db.session.commit()
    types = [b["@type"] for b in _jsonld(client.get("/guides/seo-guide").get_data(as_text=True))]
    assert "FAQPage" not in types and "BreadcrumbList" in types


def test_every_page_has_a_social_card_without_a_picture_by_default(client, db):
    from store.pages.seed import seed_pages
    seed_pages()
    db.session.commit()
    meta = _meta(client.get("/returns").get_data(as_text=True))
    assert meta["og:type"] == "website" and meta["og:title"] == "Returns and refunds"
    assert meta["og:url"] == "http://localhost/returns" and meta["twitter:card"] == "summary"
    assert "og:image" not in meta
