"""Test data builders. Each returns a flushed object; tests commit when they need to."""
from __future__ import annotations

import itertools

from store.catalog import services as catalog
from store.catalog.models import Category, Product, ProductImage, ProductStatus, Variant
from store.extensions import db
from store.inventory import services as inventory
from store.inventory.models import MovementKind
from store.safety.models import DisclaimerKind
from store.safety.services import new_disclaimer_version

_seq = itertools.count(1)


def make_disclaimers(product_body: str = "These tools support general self-care. They do not diagnose or treat "
                                         "any condition. Stop if pain increases.",
                     guide_body: str = "This guide is educational and not medical advice."):
    product = new_disclaimer_version(DisclaimerKind.PRODUCT, "Safety first", product_body, commit=False)
    guide = new_disclaimer_version(DisclaimerKind.GUIDE, "Educational content, not medical advice", guide_body,
                                   commit=False)
    db.session.flush()
    return product, guide


def make_category(name: str | None = None, slug: str | None = None) -> Category:
    n = next(_seq)
    name = name or f"Category {n}"
    category = Category(name=name, slug=slug or f"category-{n}", description=f"About {name}.")
    db.session.add(category)
    db.session.flush()
    return category


def make_product(name: str | None = None, *, slug: str | None = None, category: Category | None = None,
                 status: str = ProductStatus.ACTIVE, warnings: str = "Do not use over bruises.\nStop if pain increases.",
                 variants: list[dict] | None = None, kind: str = "tool", featured: bool = False,
                 summary: str | None = None, description: str = "A **sturdy** tool.", index: bool = True) -> Product:
    n = next(_seq)
    name = name or f"Test Product {n}"
    product = Product(name=name, slug=slug or f"test-product-{n}", kind=kind, summary=summary or f"{name} summary.",
                      warnings=warnings, featured=featured, category=category, status=ProductStatus.DRAFT)
    catalog.set_description(product, description)
    product.images.append(ProductImage(path="img/products/placeholder.svg", alt_text=f"Picture of {name}"))
    for position, v in enumerate(variants or [{"price_cents": 1999, "on_hand": 10}]):
        product.variants.append(Variant(
            sku=v.get("sku", f"SKU-{n}-{position}"), option_label=v.get("label", "Standard"),
            price_cents=v.get("price_cents", 1999), compare_at_cents=v.get("compare_at_cents"),
            on_hand=0, position=position, is_active=v.get("is_active", True)))
    db.session.add(product)
    db.session.flush()
    for v, variant in zip(variants or [{"on_hand": 10}], product.variants):
        if v.get("on_hand", 10):
            inventory.adjust(variant.id, v.get("on_hand", 10), MovementKind.INITIAL)
    db.session.refresh(product)
    if status != ProductStatus.DRAFT:
        catalog.set_status(product, status)
    db.session.flush()
    if index:
        catalog.reindex_product(product)
    return product
