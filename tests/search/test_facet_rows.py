"""product_facets is written by the database's triggers (migration search_2): every change to a product or its
variants that a facet shows is there in the same transaction, and a rolled-back change leaves it as it was."""
from store.catalog import services
from store.catalog.facets import ProductFacet
from store.catalog.models import ProductStatus, Variant
from store.inventory import services as inventory
from store.inventory.models import MovementKind
from tests.factories import make_category, make_product


def _row(db, product):
    db.session.expire_all()
    row = db.session.get(ProductFacet, product.id)
    return None if row is None else (row.status, row.category_id, row.kind, row.min_price_cents, row.in_stock)


def test_facet_row_follows_status_category_price_stock_and_delete(db):
    shelf = make_category("Shelf", "shelf")
    product = make_product("Hook", category=shelf, variants=[{"price_cents": 2500, "on_hand": 2},
                                                            {"price_cents": 1500, "on_hand": 0}])
    db.session.commit()
    assert _row(db, product) == ("active", shelf.id, "tool", 1500, True)

    cheap, dear = sorted(product.variants, key=lambda v: v.price_cents)
    cheap.is_active = False
    db.session.commit()
    assert _row(db, product)[3] == 2500

    dear.price_cents = 900
    db.session.commit()
    assert _row(db, product)[3] == 900

    inventory.adjust(dear.id, -2, MovementKind.DAMAGED)  # the last two units: out of stock
    db.session.commit()
    assert _row(db, product)[4] is False
    inventory.adjust(dear.id, 3, MovementKind.RESTOCK)
    db.session.commit()
    assert _row(db, product)[4] is True

    other = make_category("Other", "other")
    product.category = other
    product.kind = "accessory"
    services.set_status(product, ProductStatus.ARCHIVED)
    db.session.commit()
    assert _row(db, product) == ("archived", other.id, "accessory", 900, True)

    dear.price_cents = 100
    db.session.rollback()
    assert _row(db, product)[3] == 900

    db.session.delete(db.session.get(Variant, cheap.id))
    db.session.commit()
    assert _row(db, product)[3] == 900
    product_id = product.id
    db.session.delete(product)
    db.session.commit()
    assert db.session.get(ProductFacet, product_id) is None


def test_the_cheapest_variant_getting_dearer_or_going_finds_the_next_cheapest(db):
    product = make_product("Ball", variants=[{"price_cents": 1000, "on_hand": 1}, {"price_cents": 2000, "on_hand": 0},
                                             {"price_cents": 3000, "on_hand": 0}])
    db.session.commit()
    first, second, third = sorted(product.variants, key=lambda v: v.price_cents)
    assert _row(db, product)[3:] == (1000, True)
    first.price_cents = 2500                       # the cheapest is now the 2000 one
    db.session.commit()
    assert _row(db, product)[3] == 2000
    db.session.delete(db.session.get(Variant, second.id))
    db.session.commit()
    assert _row(db, product)[3] == 2500
    inventory.adjust(first.id, -1, MovementKind.DAMAGED)  # the only unit available goes
    db.session.commit()
    assert _row(db, product)[3:] == (2500, False)
    third.is_active = False
    first.is_active = False
    db.session.commit()
    assert _row(db, product)[3:] == (None, False)  # no active variant: no price, not in stock
