"""Related products on a product page: the catalog's one service, fed by the areas that know why two products
belong together. A *source* is ``fn(product, limit) -> [product ids]``, registered with a rank; the page shows
the sources' ids in rank order without repeats, then loads those products in one go:

  10  used together in the same published guides  (guides registers it)
  20  the same category                             (the catalog's own)
  30  bought together in paid orders               (reviews registers it: it owns the "paid" check)

A fixed number of queries: one per source plus the load of the cards, whatever the catalog's size.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, current_app
from sqlalchemy import bindparam, false, select

from store.catalog.models import Product, ProductStatus
from store.catalog.services import products_by_ids
from store.db import prepared
from store.extensions import db

EXTENSION = "related_product_sources"
LIMIT = 4
Source = Callable[[Product, int], list[int]]


def register_source(app: Flask, rank: int, source: Source) -> None:
    sources = app.extensions.setdefault(EXTENSION, [])
    if all(fn is not source for _, fn in sources):
        sources.append((rank, source))
        sources.sort(key=lambda pair: pair[0])


@prepared
def _same_category(has_category: bool):
    # (queried even without a category, matching nothing: the page's query count stays the same)
    same = Product.category_id == bindparam("category_id") if has_category else false()
    return (select(Product.id).where(same, Product.id != bindparam("product_id"),
                                     Product.status == ProductStatus.ACTIVE)
            .order_by(Product.featured.desc(), Product.name, Product.id).limit(bindparam("limit")))


def same_category(product: Product, limit: int) -> list[int]:
    params = {"product_id": product.id, "limit": limit}
    if product.category_id is not None:
        params["category_id"] = product.category_id
    return list(db.session.scalars(_same_category(product.category_id is not None), params))


def related_ids(product: Product, limit: int = LIMIT) -> list[int]:
    chosen: list[int] = []
    # Every source runs, even when the first ones filled the list: the page's query count stays fixed.
    for _rank, source in current_app.extensions.get(EXTENSION, ()):
        for pid in source(product, limit + 1):
            if pid != product.id and pid not in chosen:
                chosen.append(pid)
                if len(chosen) >= limit:
                    break
    return chosen


def related_products(product: Product, limit: int = LIMIT) -> list[Product]:
    """The related products that are for sale, in the sources' order (cards ready: variants and images)."""
    ids = related_ids(product, limit)
    # One query, run even when no source found anything, so the page's query count never changes.
    found = products_by_ids(ids)
    return [found[i] for i in ids if i in found]


def register(app: Flask) -> None:
    register_source(app, 20, same_category)
