"""Catalog rules: activation needs safety warnings (service AND database), listing filters/sorts/pages."""
from datetime import timedelta

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from store.catalog import availability, services
from store.catalog.models import Product, ProductStatus, Variant
from store.catalog.services import ListingQuery, MissingWarnings, NotPublishable
from store.inventory import services as inventory
from store.util import utcnow
from tests.factories import make_category, make_product


# ---------------------------------------------------------------- activation needs warnings

@pytest.mark.parametrize("warnings", ["", "   ", "\n \n\t"])
def test_set_status_refuses_activation_without_warnings(db, warnings):
    product = make_product("Bare Roller", status=ProductStatus.DRAFT, warnings=warnings)
    with pytest.raises(MissingWarnings) as info:
        services.set_status(product, ProductStatus.ACTIVE)
    message = str(info.value)
    assert "Bare Roller" in message and "safety warnings" in message
    assert product.status == ProductStatus.DRAFT
    db.session.commit()
    assert db.session.scalar(text("SELECT status FROM products WHERE id = :id"), {"id": product.id}) == "draft"


def test_set_status_accepts_activation_with_warnings(db):
    product = make_product(status=ProductStatus.DRAFT, warnings="Patch test first.")
    services.set_status(product, "active")
    db.session.commit()
    assert db.session.get(Product, product.id).status == "active"


def test_set_status_refuses_activation_without_variant_or_image(db):
    product = make_product("No Options", status=ProductStatus.DRAFT, variants=[{"is_active": False}])
    with pytest.raises(NotPublishable, match="active variant"):
        services.set_status(product, ProductStatus.ACTIVE)
    product = make_product("No Picture", status=ProductStatus.DRAFT)
    product.images.clear()
    with pytest.raises(NotPublishable, match="picture"):
        services.set_status(product, ProductStatus.ACTIVE)


def test_set_status_rejects_unknown_status(db):
    product = make_product(status=ProductStatus.DRAFT)
    with pytest.raises(ValueError):
        services.set_status(product, "published")


def test_archiving_needs_no_checks(db):
    product = make_product()
    services.set_status(product, ProductStatus.ARCHIVED)
    assert product.status == "archived"


def test_database_refuses_active_product_without_warnings_raw_sql(db):
    product = make_product(status=ProductStatus.DRAFT, warnings="")
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE products SET status = 'active' WHERE id = :id"), {"id": product.id})
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(text("SELECT status FROM products WHERE id = :id"), {"id": product.id}) == "draft"


@pytest.mark.parametrize("blank", ["\n", " \r\n\t ", "\t"])
def test_database_refuses_whitespace_only_warnings_on_an_active_product(db, blank):
    """SQL's trim() strips spaces only: the constraint also treats newlines and tabs as empty."""
    product = make_product(status=ProductStatus.DRAFT, warnings="")
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE products SET status = 'active', warnings = :w WHERE id = :id"),
                           {"w": blank, "id": product.id})
        db.session.flush()
    db.session.rollback()


def test_database_refuses_removing_warnings_from_an_active_product(db):
    product = make_product(warnings="Avoid broken skin.")
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(update(Product).where(Product.id == product.id).values(warnings="   "))
        db.session.flush()
    db.session.rollback()


def test_database_refuses_an_active_insert_without_warnings(db):
    with pytest.raises(IntegrityError):
        db.session.add(Product(slug="sneaky", name="Sneaky", kind="tool", status="active", warnings=""))
        db.session.flush()
    db.session.rollback()


# ---------------------------------------------------------------- listing

def _query(**kw):
    return ListingQuery(category=kw.get("category"), in_stock=kw.get("in_stock", False),
                        sort=kw.get("sort", "featured"), page=kw.get("page", 1))


def _names(q):
    return [p.name for p in services.list_products(q).items]


@pytest.fixture
def shelf(db):
    """Four products: prices by cheapest ACTIVE variant, stock states, two categories, one draft."""
    tools, oils = make_category("Tools", "tools"), make_category("Oils", "oils")
    now = utcnow()
    products = {
        "Bravo Ball": make_product("Bravo Ball", category=tools, variants=[
            {"price_cents": 1500, "on_hand": 5}, {"price_cents": 900, "on_hand": 5, "is_active": False}]),
        "Alpha Oil": make_product("Alpha Oil", category=oils, kind="oil", featured=True, variants=[
            {"price_cents": 2500, "on_hand": 4}, {"price_cents": 1200, "on_hand": 0}]),
        "Charlie Cane": make_product("Charlie Cane", category=tools, variants=[{"price_cents": 4000, "on_hand": 0}]),
        "Delta Disc": make_product("Delta Disc", category=tools, variants=[{"price_cents": 3000, "on_hand": 2}]),
    }
    make_product("Echo Draft", category=tools, status=ProductStatus.DRAFT, variants=[{"price_cents": 1}])
    make_product("Foxtrot Archived", category=tools, status=ProductStatus.ARCHIVED)
    for offset, name in enumerate(["Charlie Cane", "Alpha Oil", "Delta Disc", "Bravo Ball"]):
        products[name].created_at = now - timedelta(days=10 - offset)
    # Delta Disc's two units are reserved by an unpaid order: nothing left to sell.
    inventory.reserve(products["Delta Disc"].variants[0].id, 2)
    db.session.commit()
    return {"tools": tools, "oils": oils, **products}


def test_listing_shows_only_active_products(shelf):
    assert sorted(_names(_query(sort="name"))) == ["Alpha Oil", "Bravo Ball", "Charlie Cane", "Delta Disc"]


def test_sort_by_price_uses_the_cheapest_active_variant(shelf):
    # Alpha Oil from 12.00 (its out-of-stock size still has a price); Bravo Ball 15.00 (its 9.00 variant is off).
    assert _names(_query(sort="price_asc")) == ["Alpha Oil", "Bravo Ball", "Delta Disc", "Charlie Cane"]
    assert _names(_query(sort="price_desc")) == ["Charlie Cane", "Delta Disc", "Bravo Ball", "Alpha Oil"]


def test_sort_by_name_newest_and_featured(shelf):
    assert _names(_query(sort="name")) == ["Alpha Oil", "Bravo Ball", "Charlie Cane", "Delta Disc"]
    assert _names(_query(sort="newest")) == ["Bravo Ball", "Delta Disc", "Alpha Oil", "Charlie Cane"]
    assert _names(_query(sort="featured"))[0] == "Alpha Oil"


def test_in_stock_excludes_sold_out_and_fully_reserved(shelf):
    assert _names(_query(sort="name", in_stock=True)) == ["Alpha Oil", "Bravo Ball"]


def test_category_filter(shelf):
    assert _names(_query(sort="name", category=shelf["oils"])) == ["Alpha Oil"]
    assert _names(_query(sort="name", category=shelf["tools"], in_stock=True)) == ["Bravo Ball"]


def test_pagination(app, db):
    for n in range(30):
        make_product(f"Item {n:02d}")
    db.session.commit()
    per_page = app.config["PRODUCTS_PER_PAGE"]
    first, second, last = (services.list_products(_query(sort="name", page=p)) for p in (1, 2, 3))
    assert first.total == 30 and first.pages == -(-30 // per_page)
    assert [p.name for p in first.items] == [f"Item {n:02d}" for n in range(per_page)]
    assert [p.name for p in second.items] == [f"Item {n:02d}" for n in range(per_page, 2 * per_page)]
    seen = [p.name for page in (first, second, last) for p in page.items]
    assert sorted(seen) == [f"Item {n:02d}" for n in range(30)]  # every product once, none twice
    assert services.list_products(_query(page=999)).items == []


@pytest.mark.parametrize("args, expected", [
    ({}, ("featured", 1, False, None)),
    ({"page": "-1"}, ("featured", 1, False, None)),
    ({"page": "abc"}, ("featured", 1, False, None)),
    ({"page": "0"}, ("featured", 1, False, None)),
    ({"page": "99999999999999999999"}, ("featured", 10_000, False, None)),
    ({"page": "3", "sort": "price_desc"}, ("price_desc", 3, False, None)),
    ({"sort": "evil'; DROP TABLE products; --"}, ("featured", 1, False, None)),
    ({"in_stock": "maybe"}, ("featured", 1, False, None)),
    ({"in_stock": "1"}, ("featured", 1, True, None)),
    ({"category": "unknown"}, ("featured", 1, False, None)),
    ({"category": "tools"}, ("featured", 1, False, "tools")),
])
def test_parse_listing_args_falls_back_to_defaults(shelf, args, expected):
    q = services.parse_listing_args(args, services.categories())
    assert (q.sort, q.page, q.in_stock, q.category.slug if q.category else None) == expected


# ---------------------------------------------------------------- lookups and helpers

def test_get_active_product_ignores_drafts_archived_and_odd_slugs(db):
    active = make_product(slug="live")
    make_product(slug="draft", status=ProductStatus.DRAFT)
    make_product(slug="gone", status=ProductStatus.ARCHIVED)
    db.session.commit()
    assert services.get_active_product("live").id == active.id
    for slug in ("draft", "gone", "nope", "", "x" * 5000, "nul\x00byte", "' OR '1'='1"):
        assert services.get_active_product(slug) is None


def test_stock_status_labels(app_ctx):
    from store.catalog.availability import default_low_stock_threshold, status_for
    low_at = default_low_stock_threshold()
    assert status_for(10, low_at).label == "In stock"
    assert status_for(3, low_at).label == "Only 3 left"
    assert status_for(1, low_at).code == "low"
    assert status_for(0, low_at).label == "Out of stock"
    assert status_for(-2, low_at).schema == "https://schema.org/OutOfStock"


def test_a_product_card_ignores_inactive_variants(db):
    product = make_product(variants=[{"price_cents": 1000, "on_hand": 2}, {"price_cents": 500, "on_hand": 9,
                                                                          "is_active": False},
                                     {"price_cents": 2000, "on_hand": 3}])
    assert [v.price_cents for v in availability.sellable_variants(product)] == [1000, 2000]
    assert availability.product_stock_status(product).label == "Only 5 left"  # 2 + 3 of the active variants, both low


def test_description_markdown_is_sanitised(db):
    product = make_product(description="Nice <script>alert(1)</script> **grip**")
    assert "<script" not in product.description_html and "<strong>grip</strong>" in product.description_html


def test_variant_reserved_cannot_exceed_on_hand_in_database(db):
    product = make_product(variants=[{"on_hand": 2}])
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(update(Variant).where(Variant.id == product.variants[0].id).values(reserved=3))
        db.session.flush()
    db.session.rollback()
