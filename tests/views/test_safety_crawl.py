"""The issue's outside check: crawl /sitemap.xml and verify every product page carries its safety block."""
import re
import xml.etree.ElementTree as ET
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import delete, select

from store.catalog import services as catalog
from store.catalog.models import Product, ProductStatus
from store.demo import seed_all
from store.extensions import db as _db
from store.safety.models import Disclaimer, DisclaimerKind
from store.safety.services import current_disclaimer, new_disclaimer_version
from tests.factories import make_disclaimers, make_product

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def demo(app):
    with app.app_context():
        seed_all()
    return app


def _sitemap_product_paths(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    locs = [el.text for el in root.findall("sm:url/sm:loc", SITEMAP_NS)]
    assert all(loc.startswith("http://localhost/") for loc in locs)
    return [urlsplit(loc).path for loc in locs if urlsplit(loc).path.startswith("/products/")]


def _safety_section(html):
    match = re.search(r'<section id="safety"[^>]*data-disclaimer-version="(\d+)"[^>]*>(.*?)</section>', html, re.S)
    assert match, "no <section id=\"safety\" data-disclaimer-version=...> on the page"
    return int(match.group(1)), unescape(match.group(2))


def _active_products(app):
    with app.app_context():
        return {p.slug: p.warning_list for p in
                _db.session.scalars(select(Product).where(Product.status == ProductStatus.ACTIVE))}


def _crawl(client, app, expect_version, expect_body):
    warnings_by_slug = _active_products(app)
    paths = _sitemap_product_paths(client)
    crawled = set()
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        version, section = _safety_section(response.get_data(as_text=True))
        slug = path.rsplit("/", 1)[1]
        assert version == expect_version, path
        assert expect_body in " ".join(section.split()), path
        assert f"Safety notice version {expect_version}," in section, path
        assert warnings_by_slug[slug], f"{slug} is active without warnings"
        for warning in warnings_by_slug[slug]:
            assert warning in section, f"{path} lacks its warning {warning!r}"
        crawled.add(slug)
    return crawled


def test_sitemap_crawl_every_product_page_has_current_disclaimer_and_its_warnings(demo, client):
    app = demo
    with app.app_context():
        first = current_disclaimer(DisclaimerKind.PRODUCT)
        version, body = first.version, " ".join(first.body.split())
    crawled = _crawl(client, app, version, body)
    assert crawled == set(_active_products(app))  # every active product is in the sitemap
    assert len(crawled) >= 14

    # An admin publishes a new disclaimer version: every page shows it at once.
    with app.app_context():
        newer = new_disclaimer_version(DisclaimerKind.PRODUCT, "Safety first",
                                       "Revised notice: read every warning below before first use, and stop if "
                                       "pain increases.")
        assert newer.version == version + 1
    crawled_again = _crawl(client, app, version + 1, "Revised notice: read every warning below before first use")
    assert crawled_again == crawled
    for path in _sitemap_product_paths(client)[:3]:
        assert body not in client.get(path).get_data(as_text=True)


def test_warnings_differ_per_product(demo, client):
    """Each page shows its own warnings, not one shared list (oils mention patch tests, tools do not)."""
    warnings = _active_products(demo)
    oil_only = "patch test"
    oils = [slug for slug, w in warnings.items() if any(oil_only in line.lower() for line in w)]
    tools = [slug for slug, w in warnings.items() if not any(oil_only in line.lower() for line in w)]
    assert oils and tools
    _, section = _safety_section(client.get(f"/products/{tools[0]}").get_data(as_text=True))
    assert oil_only not in section.lower()


def test_sitemap_lists_active_products_only(app, client):
    with app.app_context():
        make_disclaimers()
        make_product("Live One", slug="live-one")
        make_product("Draft One", slug="draft-one", status=ProductStatus.DRAFT)
        make_product("Gone One", slug="gone-one", status=ProductStatus.ARCHIVED)
        _db.session.commit()
    paths = _sitemap_product_paths(client)
    assert paths == ["/products/live-one"]
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>http://localhost/</loc>" in xml and "<loc>http://localhost/products</loc>" in xml
    assert re.search(r"<loc>http://localhost/products/live-one</loc><lastmod>\d{4}-\d\d-\d\d</lastmod>", xml)


def test_disclaimer_in_the_future_is_not_shown_yet(app, client):
    from datetime import timedelta

    from store.util import utcnow
    with app.app_context():
        make_disclaimers()
        make_product("Roller", slug="roller")
        _db.session.add(Disclaimer(kind="product", version=2, title="Soon", body="Not yet in effect.",
                                   effective_at=utcnow() + timedelta(days=3)))
        _db.session.commit()
    html = client.get("/products/roller").get_data(as_text=True)
    assert 'data-disclaimer-version="1"' in html and "Not yet in effect." not in html


@pytest.fixture
def no_propagation(app):
    """Let the app's own 500 handler answer (as in production) instead of raising into the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.config["PROPAGATE_EXCEPTIONS"] = None


def test_product_page_fails_rather_than_render_without_disclaimer(app, client, no_propagation):
    with app.app_context():
        make_disclaimers()
        make_product("Foam Roller", slug="roller", warnings="Keep off the lower back.")
        _db.session.execute(delete(Disclaimer))
        _db.session.commit()
    response = client.get("/products/roller")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "Foam Roller" not in html and "Add to cart" not in html  # no product page without its safety block


def test_product_page_fails_rather_than_render_without_warnings(app, client, no_propagation):
    """The database refuses an active product without warnings, so this edits the object in memory only:
    the safety include itself refuses to render a product with no warnings."""
    from flask import render_template

    from store.catalog.services import MissingWarnings
    with app.app_context():
        make_disclaimers()
        product = make_product("Foam Roller", slug="roller")
        _db.session.commit()
        with app.test_request_context("/products/roller"), _db.session.no_autoflush:
            product.warnings = ""
            with pytest.raises(MissingWarnings):
                render_template("catalog/product_detail.html", product=product, variants=product.variants,
                                selected=product.variants[0], structured_data={})
        _db.session.rollback()


def test_every_template_that_shows_a_product_goes_through_the_layout(app):
    """A product template that overrode the layout's content block would drop the safety block: the view
    refuses to serve such a page."""
    from store.catalog import views
    with app.app_context():
        make_disclaimers()
        product = make_product("Roller", slug="roller")
        _db.session.commit()
        with app.test_request_context("/products/roller"):
            with pytest.raises(RuntimeError, match="safety"):
                views.render_product_page("errors/error.html", product=product, status=200, title="x",
                                          message="y")


def test_sitemap_lists_every_category_and_policy_page_and_each_url_is_its_own_canonical(demo, client):
    """Every URL in the sitemap answers 200 and names itself as canonical (no duplicate-content URLs); the
    shop's categories and the policy and help pages are all in it."""
    app = demo
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [el.text for el in root.findall("sm:url/sm:loc", SITEMAP_NS)]
    assert len(locs) == len(set(locs))
    with app.app_context():
        category_slugs = {c.slug for c in catalog.categories()}
    assert category_slugs, "the demo store has categories"
    for slug in category_slugs:
        assert f"http://localhost/products?category={slug}" in locs, slug
    for path in ("/shipping", "/returns", "/privacy", "/terms", "/about", "/contact"):
        assert f"http://localhost{path}" in locs, path
    for loc in locs:
        response = client.get(urlsplit(loc).path + (f"?{urlsplit(loc).query}" if urlsplit(loc).query else ""))
        assert response.status_code == 200, loc
        match = re.search(r'<link rel="canonical" href="([^"]+)">', response.get_data(as_text=True))
        assert match and unescape(match.group(1)) == loc, (loc, match and match.group(1))
