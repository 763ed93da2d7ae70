"""Related products: used together in the same guides first, then the same category, then bought together in
paid orders; only products for sale; no repeats; the page itself never listed."""
from __future__ import annotations

from store.catalog import related
from store.catalog.models import ProductStatus
from store.extensions import db as _db
from tests.factories import make_category, make_disclaimers, make_product, place_order
from tests.guides.helpers import make_guide
from tests.reviews.helpers import paid_order


def test_related_order_guides_then_category_then_bought_together(app, db, client):
    make_disclaimers()
    rollers, oils, other = make_category("Rollers", "rollers"), make_category("Oils", "oils"), make_category()
    roller = make_product("Foam Roller", slug="foam-roller", category=rollers)
    guide_mate = make_product("Massage Ball", slug="massage-ball", category=other)
    shelf_mate = make_product("Wooden Roller", slug="wooden-roller", category=rollers)
    archived = make_product("Old Roller", slug="old-roller", category=rollers)
    bought_with = make_product("Warming Oil", slug="warming-oil", category=oils)
    unpaid_with = make_product("Carrier Oil", slug="carrier-oil", category=oils)
    make_guide("Calf release", products=[roller, guide_mate])
    make_guide("Draft guide", products=[roller, unpaid_with], publish=False)
    archived.status = ProductStatus.ARCHIVED
    _db.session.commit()
    paid_order([roller, bought_with])
    place_order([(roller.variants[0].id, 1), (unpaid_with.variants[0].id, 1)])  # never paid: does not count
    assert [p.slug for p in related.related_products(roller)] == ["massage-ball", "wooden-roller", "warming-oil"]
    html = client.get("/products/foam-roller").get_data(as_text=True)
    section = html[html.index('id="related-heading"'):]
    assert section.index("massage-ball") < section.index("wooden-roller") < section.index("warming-oil")
    assert "carrier-oil" not in section and "old-roller" not in section


def test_no_related_section_when_nothing_relates(app, db, client):
    make_disclaimers()
    make_product("Lonely Tool", slug="lonely-tool")
    _db.session.commit()
    assert "Goes well with" not in client.get("/products/lonely-tool").get_data(as_text=True)
