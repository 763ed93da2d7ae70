"""Search and product-list pages as a shopper sees them: product cards apart from guides, corrections and
"did you mean", facets with counts that combine in the URL, the suggestions JSON, hostile queries, and the
synonyms the back office keeps. Runs on SQLite and PostgreSQL."""
import re
from html import unescape

import pytest

from store.catalog import services
from store.catalog.models import ProductStatus
from store.extensions import db as _db
from store.inventory import services as inventory
from store.inventory.models import MovementKind
from tests.factories import make_category, make_disclaimers, make_product
from tests.guides.helpers import make_guide


def _html(response):
    return response.get_data(as_text=True)


def _text(html):
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _cards(html):
    return re.findall(r'<article class="card" data-product="([^"]+)"', html)


def _facet(html, name, key):
    """The count shown beside one facet value, or None when the value is not offered."""
    section = re.search(rf'<section class="facet" data-facet="{name}".*?</section>', html, re.S)
    if section is None:
        return None
    match = re.search(rf'data-facet-value="{re.escape(key)}"[^>]*>.*?\((\d+)\)</span>', section.group(0), re.S)
    return int(match.group(1)) if match else None


@pytest.fixture
def shop(app):
    with app.app_context():
        make_disclaimers()
        rollers = make_category("Rollers", "rollers")
        oils = make_category("Massage oils", "oils")
        make_product("Foam Roller", slug="foam-roller", category=rollers, summary="A firm cylinder.",
                     variants=[{"price_cents": 2500, "on_hand": 5}])
        make_product("Travel Roller", slug="travel-roller", category=rollers, summary="A small roller.",
                     variants=[{"price_cents": 1500, "on_hand": 0}])
        make_product("Warming Oil", slug="warming-oil", kind="oil", category=oils, summary="A warming oil.",
                     variants=[{"price_cents": 1200, "on_hand": 3}])
        make_product("Arnica Oil", slug="arnica-oil", kind="oil", category=oils, summary="A light oil.",
                     variants=[{"price_cents": 4500, "on_hand": 2}])
        make_product("Stone Gua Sha Board", slug="gua-sha", summary="A smooth stone board.",
                     variants=[{"price_cents": 3000, "on_hand": 1}])
        make_guide("Choosing a massage oil", slug="choosing-oil", summary="How to pick an oil.",
                   body="Oil, oil and more oil for rollers and boards.")
        _db.session.commit()
    return True


def test_results_are_product_cards_apart_from_guides(client, shop):
    html = _html(client.get("/search?q=oil"))
    products = html.split('id="results-products"')[1].split('id="results-guides"')[0]
    assert set(_cards(products)) == {"warming-oil", "arnica-oil"}
    assert "From" in _text(products) or "$12.00" in _text(products)   # the price
    assert "In stock" in _text(products) or "Only" in _text(products)  # the stock
    assert "<img" in products or "<picture" in products                # the picture
    guides = html.split('id="results-guides"')[1]
    assert 'href="/guides/choosing-oil"' in guides
    assert "2 products and 1 guide for “oil”" in _text(html)


def test_a_typo_shows_results_for_the_correction_and_offers_the_original(client, shop):
    html = _html(client.get("/search?q=rolr"))
    assert "Showing results for roller" in _text(html)
    assert set(_cards(html)) == {"foam-roller", "travel-roller"}
    assert 'href="/search?q=rolr&amp;exact=1"' in html
    exact = _html(client.get("/search?q=rolr&exact=1"))
    assert "Nothing found for “rolr”" in _text(exact)


def test_did_you_mean_when_the_correction_is_not_applied(client, shop):
    html = _html(client.get("/search?q=foam+cilinder+zzzzqqq"))
    assert "Did you mean foam cylinder zzzzqqq" in _text(html)
    assert 'href="/search?q=foam+cylinder+zzzzqqq"' in html
    assert "foam-roller" in _cards(html)


def test_an_empty_result_suggests_what_to_try(client, shop):
    html = _html(client.get("/search?q=qqqqzzzz"))
    assert "Nothing found for “qqqqzzzz”" in _text(html)
    assert 'href="/products?category=rollers"' in html and 'href="/search?q=roller"' in html


def test_search_facets_count_the_matches_and_combine_in_the_url(client, shop):
    html = _html(client.get("/search?q=oil"))
    assert _facet(html, "kind", "oil") == 2
    assert _facet(html, "price", "under-20") == 1 and _facet(html, "price", "40-80") == 1
    assert _facet(html, "category", "oils") == 2
    assert 'href="/search?q=oil&amp;price=under-20"' in html
    cheap = _html(client.get("/search?q=oil&price=under-20"))
    assert _cards(cheap) == ["warming-oil"]
    assert "Price: Under $20" in _text(cheap)             # the chosen filter, with its remove link
    assert 'href="/search?q=oil"' in cheap
    assert "results-guides" not in cheap                   # a product filter leaves guides out
    both = _html(client.get("/search?q=oil&price=under-20&in_stock=1&category=oils"))
    assert _cards(both) == ["warming-oil"]
    none = _html(client.get("/search?q=oil&price=80-up"))
    assert _cards(none) == [] and "No products match these filters" in _text(none)


def test_list_facets_count_under_the_other_filters(client, shop):
    html = _html(client.get("/products"))
    assert _facet(html, "category", "rollers") == 2 and _facet(html, "category", "oils") == 2
    assert _facet(html, "kind", "tool") == 3 and _facet(html, "kind", "oil") == 2
    assert _facet(html, "in_stock", "1") == 4
    rollers = _html(client.get("/products?category=rollers"))
    assert _facet(rollers, "in_stock", "1") == 1
    assert _facet(rollers, "category", "oils") == 2          # a category's count ignores the chosen category
    assert _facet(rollers, "price", "under-20") == 1
    combined = _html(client.get("/products?category=rollers&in_stock=1"))
    assert _cards(combined) == ["foam-roller"]
    assert _facet(combined, "price", "20-40") == 1 and _facet(combined, "price", "under-20") is None
    oils = _html(client.get("/products?kind=oil&price=40-80"))
    assert _cards(oils) == ["arnica-oil"]
    assert "1 product" in _text(oils)


def test_facets_follow_stock_changes(app, client, shop):
    assert _facet(_html(client.get("/products?category=rollers")), "in_stock", "1") == 1
    with app.app_context():
        from store.catalog.models import Product
        travel = _db.session.scalar(_db.select(Product).where(Product.slug == "travel-roller"))
        inventory.adjust(travel.variants[0].id, 4, MovementKind.INITIAL)
        _db.session.commit()
    html = _html(client.get("/products?category=rollers&in_stock=1"))
    assert set(_cards(html)) == {"foam-roller", "travel-roller"}
    assert _facet(_html(client.get("/search?q=roller")), "in_stock", "1") == 2


def test_search_follows_publish_archive_and_rename(app, client, shop):
    assert "foam-roller" in _cards(_html(client.get("/search?q=foam")))
    with app.app_context():
        from store.catalog.models import Product
        product = _db.session.scalar(_db.select(Product).where(Product.slug == "foam-roller"))
        product.name = "Cork Roller"
        product.summary = "A firm cork cylinder."
        services.reindex_product(product)
        _db.session.commit()
    assert "foam-roller" not in _cards(_html(client.get("/search?q=foam")))
    assert "foam-roller" in _cards(_html(client.get("/search?q=cork")))
    with app.app_context():
        product = _db.session.scalar(_db.select(Product).where(Product.slug == "foam-roller"))
        services.set_status(product, ProductStatus.ARCHIVED)
        _db.session.commit()
    assert "foam-roller" not in _cards(_html(client.get("/search?q=cork")))
    with app.app_context():
        product = _db.session.scalar(_db.select(Product).where(Product.slug == "foam-roller"))
        services.set_status(product, ProductStatus.ACTIVE)
        _db.session.commit()
    assert "foam-roller" in _cards(_html(client.get("/search?q=cork")))


def test_suggestions_json(client, shop):
    response = client.get("/search/suggest?q=rol")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    labels = [s["label"] for s in data["suggestions"]]
    assert "roller" in labels
    products = [s for s in data["suggestions"] if s["type"] == "product"]
    assert {p["url"] for p in products} == {"/products/foam-roller", "/products/travel-roller"}
    assert client.get("/search/suggest?q=r").get_json()["suggestions"] == []
    typo = client.get("/search/suggest?q=rolr").get_json()["suggestions"]
    assert any(s["url"] == "/products/foam-roller" for s in typo)


HOSTILE = ['"', "'", "' OR 1=1 --", '"foam roller', "foam AND", "NOT oil", "oil OR", "NEAR(oil)", "oil*", "*",
           "title:oil", "(oil", "oil:*", "&|!", "<script>alert(1)</script>", "x" * 5000, "roller " * 700,
           "%", "_", "\\", "中文 🙂", "-", "a the of"]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_500(client, shop, q):
    for url in ("/search", "/search/suggest"):
        response = client.get(url, query_string={"q": q, "price": q, "kind": q, "category": q, "in_stock": q})
        assert response.status_code == 200, (url, q)
        if url == "/search":
            assert "<script>alert(1)" not in _html(response)
        else:  # JSON, read by script as text (textContent), never as markup
            assert response.mimetype == "application/json" and isinstance(response.get_json()["suggestions"], list)


def test_nul_bytes_are_a_clear_400_not_a_500(client, shop):
    for url in ("/search?q=oil%00roller", "/search/suggest?q=%00", "/products?kind=%00"):
        assert client.get(url).status_code == 400, url


def test_synonyms_from_the_back_office_find_the_board(app, client, shop, make_user, login_as):
    assert "gua-sha" not in _cards(_html(client.get("/search?q=guasha&exact=1")))
    admin = app.test_client()
    login_as(admin, make_user(email="boss@kneadwell.test", role="owner"))
    response = admin.post("/admin/search/synonyms", data={"new-terms": "Guasha, gua sha, Scraper"})
    assert response.status_code == 302
    assert _cards(_html(client.get("/search?q=guasha"))) == ["gua-sha"]
    assert _cards(_html(client.get("/search?q=scraper"))) == ["gua-sha"]


def test_suggestions_are_rate_limited_per_client(make_app):
    app = make_app("suggest-limited", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   SEARCH_SUGGEST_RATE_LIMIT="3 per minute")
    client = app.test_client()
    assert [client.get("/search/suggest?q=ro").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/search?q=roller").status_code == 200  # the search page itself is not limited by it
