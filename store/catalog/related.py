"""Related products on a product page: the catalog's one service, fed by the areas that know why two products
belong together. A *source* is a kept statement (``store.db.prepared``, no arguments) returning a subquery of
``(product_id, pos)``: the products it relates to the one in the ``product_id`` parameter, ``pos`` their order
(a ``row_number()`` over the source's own order), at most ``limit`` (written ``.limit(store.db.limit_param())``,
so that PostgreSQL keeps one plan for the whole statement); its other parameter may be ``category_id`` (the
product's, or None). Sources are registered with a rank; the page shows their ids in rank order without
repeats, then loads those products in one go:

  10  used together in the same published guides  (guides registers it)
  20  the same category                             (the catalog's own)
  30  bought together in paid orders               (reviews registers it: it owns the "paid" check)

Two queries whatever the catalog's size: every source in one UNION ALL, then the load of the cards.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, current_app
from sqlalchemy import bindparam, func, literal_column, select, union_all

from store.catalog.models import Product, ProductStatus
from store.catalog.services import products_by_ids
from store.db import limit_param, prepared
from store.extensions import db

EXTENSION = "related_product_sources"
LIMIT = 4
Source = Callable[[], object]  # a prepared statement builder: () -> subquery of (product_id, pos)


def register_source(app: Flask, rank: int, source: Source) -> None:
    sources = app.extensions.setdefault(EXTENSION, [])
    if all(fn is not source for _, fn in sources):
        sources.append((rank, source))
        sources.sort(key=lambda pair: pair[0])


@prepared
def same_category():
    """The same category's other active products, featured first, then by name (nothing when the product has no
    category: ``category_id`` NULL matches no row)."""
    order = (Product.featured.desc(), Product.name, Product.id)
    return (select(Product.id.label("product_id"), func.row_number().over(order_by=order).label("pos"))
            .where(Product.category_id == bindparam("category_id"), Product.id != bindparam("product_id"),
                   Product.status == ProductStatus.ACTIVE)
            .order_by(*order).limit(limit_param()).subquery())


@prepared
def _all_sources(sources: tuple):
    """Every source's ids in one statement, in rank order then each source's own."""
    parts = []
    for index, source in enumerate(sources):
        sub = source()
        parts.append(select(literal_column(str(index)).label("source"), sub.c.pos, sub.c.product_id))
    every = union_all(*parts).subquery()
    return select(every.c.product_id).order_by(every.c.source, every.c.pos)


def related_ids(product: Product, limit: int = LIMIT) -> list[int]:
    sources = tuple(fn for _rank, fn in current_app.extensions.get(EXTENSION, ()))
    if not sources:
        return []
    params = {"product_id": product.id, "category_id": product.category_id, "limit": limit + 1}
    chosen: list[int] = []
    for pid in db.session.connection().execute(_all_sources(sources), params).scalars().all():
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
