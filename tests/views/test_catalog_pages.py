"""Shop-front pages as a visitor sees them: home, list, detail, search, SEO, errors."""
import json
import re
from html import unescape

import pytest

from store.catalog.models import ProductStatus
from store.extensions import db as _db
from store.inventory import services as inventory
from tests.factories import make_category, make_disclaimers, make_product


def _html(response):
    return response.get_data(as_text=True)


def _text(html):
    """Visible-ish text: tags removed, whitespace collapsed (what a reader of the page would see)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _jsonld(html):
    """The page's schema.org Product (its first JSON-LD block; a BreadcrumbList follows it)."""
    blocks = [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)]
    assert [b["@type"] for b in blocks] == ["Product", "BreadcrumbList"]
    return blocks[0]


@pytest.fixture
def store(app):
    """A small catalog: one category, an oil with three sizes (one on sale, one low, one sold out), a tool,
    a draft and an archived product."""
    with app.app_context():
        make_disclaimers()
        oils = make_category("Massage oils", "oils")
        oil = make_product("Warming Massage Oil", slug="warming-oil", category=oils, kind="oil", featured=True,
                           summary="A warming oil with an even glide.",
                           warnings="External use only.\nPatch test first.\nAvoid eyes and broken skin.",
                           description="Made in **small batches**.",
                           variants=[{"sku": "OIL-100", "label": "100 ml", "price_cents": 1200,
                                      "compare_at_cents": 1500, "on_hand": 20},
                                     {"sku": "OIL-250", "label": "250 ml", "price_cents": 2400, "on_hand": 3},
                                     {"sku": "OIL-500", "label": "500 ml", "price_cents": 3900, "on_hand": 0}])
        tool = make_product("Steel Edge Tool", slug="steel-edge", summary="A bevelled steel edge.",
                            warnings="Do not use over varicose veins.", variants=[{"sku": "EDGE-1", "price_cents": 4500,
                                                                                  "on_hand": 1}])
        inventory.reserve(tool.variants[0].id, 1)  # the last one is promised to an unpaid order
        make_product("Secret Draft", slug="secret-draft", status=ProductStatus.DRAFT, warnings="")
        make_product("Old Cane", slug="old-cane", status=ProductStatus.ARCHIVED)
        _db.session.commit()
    return {"oil": "warming-oil", "tool": "steel-edge"}


# ---------------------------------------------------------------- home and list

def test_home_shows_featured_products_and_categories(client, store):
    response = client.get("/")
    html = _html(response)
    assert response.status_code == 200
    assert "Warming Massage Oil" in html and 'href="/products/warming-oil"' in html
    assert 'href="/products?category=oils"' in html and "Massage oils" in html
    assert "guides" in _text(html).lower()
    assert "Steel Edge Tool" not in html  # not featured


def test_product_list_shows_active_products_only(client, store):
    html = _html(client.get("/products"))
    assert "Warming Massage Oil" in html and "Steel Edge Tool" in html
    assert "Secret Draft" not in html and "Old Cane" not in html
    assert "2 products" in _text(html)
    assert "From $12.00" in _text(html)


@pytest.mark.parametrize("query", [
    "page=-1", "page=abc", "page=99999", "page=", "page=1.5", "sort=evil", "sort=", "category=unknown",
    "in_stock=maybe", "page=-1&sort=evil&category=unknown&in_stock=maybe", "category=oils&category=steel",
    "sort=name%27%20OR%201=1", "page=99999999999999999999999",
])
def test_bad_list_parameters_fall_back_to_defaults(client, store, query):
    response = client.get(f"/products?{query}")
    assert response.status_code == 200
    assert "Filter and sort products" in _html(response)


def test_bad_parameters_show_the_default_listing(client, store):
    default = _text(_html(client.get("/products")))
    for query in ("page=-1", "page=abc", "sort=evil", "category=unknown", "in_stock=maybe"):
        assert _text(_html(client.get(f"/products?{query}"))) == default, query


def test_page_beyond_the_end_is_an_empty_page_not_an_error(client, store):
    response = client.get("/products?page=99999")
    assert response.status_code == 200
    assert "Nothing matches these filters" in _html(response)


def test_list_filters_sort_and_keep_the_form_state(client, store):
    html = _html(client.get("/products?category=oils&sort=price_desc&in_stock=1"))
    assert "<h1>Massage oils</h1>" in html
    assert '<option value="oils" selected>' in html
    assert '<option value="price_desc" selected>' in html
    assert 'name="in_stock" value="1" checked' in html
    assert "Steel Edge Tool" not in html
    assert '<link rel="canonical" href="http://localhost/products?category=oils">' in html


def test_in_stock_filter_hides_fully_reserved_product(client, store):
    html = _html(client.get("/products?in_stock=1"))
    assert "Warming Massage Oil" in html and "Steel Edge Tool" not in html


def test_pagination_links_are_stable(app, client):
    with app.app_context():
        make_disclaimers()
        for n in range(app.config["PRODUCTS_PER_PAGE"] + 3):
            make_product(f"Roller {n:02d}")
        _db.session.commit()
    html = _html(client.get("/products?sort=name&page=2"))
    assert "Roller 12" in html and "Roller 00" not in html
    assert 'rel="prev" href="/products?sort=name&amp;page=1"' in html
    assert "page 2 of 2" in _text(html)
    assert '<link rel="canonical" href="http://localhost/products?page=2">' in html


# ---------------------------------------------------------------- detail

def test_product_detail_shows_everything_a_shopper_needs(client, store):
    response = client.get("/products/warming-oil")
    html = _html(response)
    text = _text(html)
    assert response.status_code == 200
    assert "<title>Warming Massage Oil · Kneadwell</title>" in html
    assert '<meta name="description" content="A warming oil with an even glide.">' in html
    assert '<link rel="canonical" href="http://localhost/products/warming-oil">' in html
    assert 'alt="Picture of Warming Massage Oil"' in html
    assert "<strong>small batches</strong>" in html
    # The first in-stock size is selected; its price and compare-at price are shown.
    assert re.search(r'class="purchase__price"><span class="price">\$12\.00</span> <del class="price--was">'
                     r'<span class="visually-hidden">Was </span>\$15\.00</del>', html)
    assert "In stock" in text and "Only 3 left" in text and "Out of stock" in text
    assert text.count("External use only.") == 1


@pytest.mark.parametrize("sku, price, stock", [
    ("OIL-100", "$12.00", "In stock"),
    ("OIL-250", "$24.00", "Only 3 left"),
    ("OIL-500", "$39.00", "Out of stock"),
    ("NOPE", "$12.00", "In stock"),  # an unknown SKU falls back to the first available size
    ("", "$12.00", "In stock"),
])
def test_variant_selection_by_sku(client, store, sku, price, stock):
    html = _html(client.get(f"/products/warming-oil?variant={sku}"))
    purchase = re.search(r'<div class="purchase">(.*?)<fieldset', html, flags=re.S).group(1)
    assert price in purchase and stock in _text(purchase)
    if sku.startswith("OIL"):
        assert re.search(rf'href="/products/warming-oil\?variant={sku}" aria-current="true"', html)
    # The canonical link never carries the variant.
    assert '<link rel="canonical" href="http://localhost/products/warming-oil">' in html


def test_sold_out_size_says_so(client, store):
    html = _html(client.get("/products/warming-oil?variant=OIL-500"))
    assert "This size is out of stock." in html


def test_fully_reserved_product_shows_out_of_stock(client, store):
    text = _text(_html(client.get("/products/steel-edge")))
    assert "Out of stock" in text and "In stock" not in text


def test_json_ld_product(client, store):
    data = _jsonld(_html(client.get("/products/warming-oil?variant=OIL-250")))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert data["name"] == "Warming Massage Oil"
    assert data["url"] == "http://localhost/products/warming-oil"
    assert data["sku"] == "OIL-250"
    offers = {o["sku"]: o for o in data["offers"]}
    assert offers["OIL-100"]["price"] == "12.00"
    assert offers["OIL-100"]["priceCurrency"] == "USD"
    assert offers["OIL-100"]["availability"] == "https://schema.org/InStock"
    assert offers["OIL-250"]["availability"] == "https://schema.org/LimitedAvailability"
    assert offers["OIL-500"]["price"] == "39.00"
    assert offers["OIL-500"]["availability"] == "https://schema.org/OutOfStock"
    assert data["image"][0].startswith("http://localhost/static/img/products/")


def test_json_ld_cannot_be_broken_out_of(app, client):
    with app.app_context():
        make_disclaimers()
        make_product('Evil </script><script>alert(1)</script> "Roller"', slug="evil",
                     summary="</script><img src=x onerror=alert(1)>")
        _db.session.commit()
    html = _html(client.get("/products/evil"))
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert _jsonld(html)["name"] == 'Evil </script><script>alert(1)</script> "Roller"'


@pytest.mark.parametrize("slug", ["does-not-exist", "secret-draft", "old-cane", "x" * 500, "%00", "a%00b",
                                  "'%20OR%201=1--", "%E2%98%83"])
def test_unknown_draft_and_archived_products_give_a_friendly_404(client, store, slug):
    response = client.get(f"/products/{slug}")
    assert response.status_code in (404, 400)
    html = _html(response)
    assert "Browse the shop" in html and 'href="/products"' in html  # a way onwards, in the store's layout
    assert "Secret Draft" not in html and "Traceback" not in html
    if response.status_code == 404:
        assert "We could not find that product" in html


def test_unknown_page_404(client, store):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Page not found" in _html(response)
    assert '<meta name="robots" content="noindex">' in _html(response)


def test_nul_bytes_in_query_string_are_a_clear_400(client, store):
    for url in ("/products?category=%00", "/search?q=%00roller", "/products/warming-oil?variant=%00"):
        response = client.get(url)
        assert response.status_code == 400 and "Bad request" in _html(response), url


# ---------------------------------------------------------------- search page

def test_search_page_ranks_and_links(client, store):
    html = _html(client.get("/search?q=warming"))
    assert '<a href="/products/warming-oil">Warming Massage Oil</a>' in html
    assert "1 result for “warming”" in _text(html)
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("q", ["", "%20%20", "%27%20OR%201%3D1%20--", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
                               "a" * 10_000, "%E4%B8%AD%E6%96%87%20%F0%9F%99%82", "secret"])
def test_search_page_handles_empty_and_hostile_queries(client, store, q):
    response = client.get(f"/search?q={q}")
    html = _html(response)
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    assert "Secret Draft" not in html


def test_search_with_repeated_q_parameters(client, store):
    assert client.get("/search?q=oil&q=steel").status_code == 200


# ---------------------------------------------------------------- robots and sitemap

def test_robots_txt(client, store):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    body = _html(response)
    assert "User-agent: *" in body and "Disallow: /admin" in body and "Disallow: /checkout" in body
    assert "Sitemap: http://localhost/sitemap.xml" in body


def test_store_url_setting_makes_links_canonical(app, client, store):
    old = app.config["STORE_URL"]
    app.config["STORE_URL"] = "https://kneadwell.example"
    try:
        html = _html(client.get("/products/warming-oil"))
        assert '<link rel="canonical" href="https://kneadwell.example/products/warming-oil">' in html
        assert _jsonld(html)["url"] == "https://kneadwell.example/products/warming-oil"
        assert "<loc>https://kneadwell.example/products/warming-oil</loc>" in _html(client.get("/sitemap.xml"))
    finally:
        app.config["STORE_URL"] = old
