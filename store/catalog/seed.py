"""Load the demo catalog (idempotent: existing SKUs and slugs are left as they are). The variants start with no
stock; the inventory's seeder gives them their opening stock (store/inventory/seed.py)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from store.catalog import services
from store.catalog.demo_data import CATEGORIES, PRODUCTS
from store.catalog.models import Category, Product, ProductImage, ProductStatus, Variant
from store.extensions import db


def seed_catalog() -> int:
    """Create missing categories and products; returns how many products were created. Caller commits."""
    services.ensure_allergens()
    by_slug = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, data in enumerate(CATEGORIES):
        if data["slug"] not in by_slug:
            category = Category(slug=data["slug"], name=data["name"], description=data["description"],
                                position=position)
            db.session.add(category)
            by_slug[category.slug] = category
    db.session.flush()

    existing = set(db.session.scalars(select(Product.slug)))
    created = 0
    for data in PRODUCTS:
        if data["slug"] in existing:
            continue
        product = Product(slug=data["slug"], name=data["name"], kind=data["kind"], summary=data["summary"],
                          warnings="\n".join(data["warnings"]), featured=data.get("featured", False),
                          category=by_slug[data["category"]])
        services.set_description(product, data["description"])
        product.images.append(ProductImage(path=f"img/products/{data['image']}", alt_text=data["image_alt"],
                                           width=800, height=600, position=0))
        for position, v in enumerate(data["variants"]):
            product.variants.append(Variant(sku=v["sku"], option_label=v["label"], price_cents=v["price_cents"],
                                            compare_at_cents=v.get("compare_at_cents"), on_hand=0,
                                            weight_grams=v.get("weight_grams", 0), position=position))
        services.set_ingredients(product, [
            {"inci_name": inci, "common_name": common, "percent": Decimal(percent) if percent else None}
            for inci, common, percent in data.get("ingredients", [])])
        db.session.add(product)
        db.session.flush()
        services.set_status(product, ProductStatus.ACTIVE)
        db.session.flush()
        services.reindex_product(product)
        created += 1
    return created
