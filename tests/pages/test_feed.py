"""The product feed for merchant listings: one item per active variant with price, sale price, availability,
link and picture; drafts and inactive variants left out; XML escaping; off with PRODUCT_FEED=0."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.factories import make_disclaimers, make_product

G = "{http://base.google.com/ns/1.0}"


def _items(client):
    response = client.get("/feeds/products.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    return {item.find(f"{G}id").text: item for item in root.iter("item")}


def test_feed_lists_each_buyable_variant(client, db):
    make_disclaimers()
    make_product("Feed Oil & Co <Warm>", slug="feed-oil", kind="oil", variants=[
        {"sku": "FO-100", "label": "100 ml", "price_cents": 1200, "on_hand": 5},
        {"sku": "FO-250", "label": "250 ml", "price_cents": 1800, "compare_at_cents": 2200, "on_hand": 0},
        {"sku": "FO-OLD", "label": "1 l", "price_cents": 5000, "is_active": False}])
    make_product("Feed Draft", slug="feed-draft", status="draft", variants=[{"sku": "FD-1"}])
    db.session.commit()
    items = _items(client)
    assert set(items) == {"FO-100", "FO-250"}
    small, large = items["FO-100"], items["FO-250"]
    assert small.find("title").text == "Feed Oil & Co <Warm> (100 ml)"   # escaped in the XML, read back whole
    assert small.find(f"{G}price").text == "12.00 USD" and small.find(f"{G}sale_price") is None
    assert small.find(f"{G}availability").text == "in_stock"
    assert small.find("link").text == "http://localhost/products/feed-oil?variant=FO-100"
    assert small.find(f"{G}image_link").text.startswith("http://localhost/")
    assert small.find(f"{G}item_group_id").text == "feed-oil"
    assert large.find(f"{G}price").text == "22.00 USD" and large.find(f"{G}sale_price").text == "18.00 USD"
    assert large.find(f"{G}availability").text == "out_of_stock"


def test_feed_can_be_switched_off(app, client, db):
    app.config["PRODUCT_FEED"] = False
    try:
        assert client.get("/feeds/products.xml").status_code == 404
    finally:
        app.config["PRODUCT_FEED"] = True
