"""The product feed for merchant listings: ``/feeds/products.xml``, RSS 2.0 with the ``g:`` product attributes
most merchant-listing services read (one item per active variant a shopper can see). Off with
``PRODUCT_FEED=0``. Prices come from the database and are written as decimal strings with the currency; a
variant with a compare-at price lists it as the regular price and its price as the sale price."""
from __future__ import annotations

from flask import Response, abort, current_app, render_template
from sqlalchemy import select

from store.catalog import availability, bp
from store.catalog.models import Product, ProductStatus
from store.catalog.services import _with_card_data
from store.extensions import db
from store.media.views import image_src, picture_url
from store.money import cents_to_decimal_string
from store.templating import absolute_path, absolute_url_for

FEED_AVAILABILITY = {"in_stock": "in_stock", "low": "in_stock", "out": "out_of_stock"}


def feed_items() -> list[dict]:
    currency = current_app.config["STORE_CURRENCY"]
    products = db.session.scalars(_with_card_data(
        select(Product).where(Product.status == ProductStatus.ACTIVE).order_by(Product.id))).unique()
    items = []
    for product in products:
        image = product.images[0] if product.images else None
        image_url = ""
        if image is not None:
            image_url = absolute_path(picture_url(image.picture, "jpeg", 1280) if image.picture else image_src(image.path))
        for variant in (v for v in product.variants if v.is_active):
            price = f"{cents_to_decimal_string(variant.price_cents, currency)} {currency}"
            regular = (f"{cents_to_decimal_string(variant.compare_at_cents, currency)} {currency}"
                       if variant.on_sale else None)
            items.append({
                "id": variant.sku,
                "group": product.slug,
                "title": availability.display_name(variant),
                "description": product.summary or product.name,
                "link": absolute_url_for("catalog.product_detail", slug=product.slug, variant=variant.sku),
                "image": image_url,
                "availability": FEED_AVAILABILITY[availability.stock_status(variant).code],
                "price": regular or price,
                "sale_price": price if regular else None,
                "category": product.category.name if product.category else "",
            })
    return items


@bp.get("/feeds/products.xml")
def product_feed():
    if not current_app.config.get("PRODUCT_FEED", True):
        abort(404)
    xml = render_template("catalog/feed.xml", items=feed_items(), home=absolute_url_for("catalog.home"))
    return Response(xml, mimetype="application/xml")
