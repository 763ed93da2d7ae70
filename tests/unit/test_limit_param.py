"""store.db.limit_param: a kept statement's LIMIT is bound at execution but written into the statement's text,
so PostgreSQL can keep one plan for the prepared statement (a LIMIT parameter kept it planning on every run)."""
from __future__ import annotations

import re

from sqlalchemy import select

from store.catalog.models import Product
from store.db import limit_param, prepared
from store.extensions import db
from tests.factories import make_category, make_disclaimers, make_product


def test_the_limit_is_in_the_text_and_still_applied(app_ctx, count_queries):
    @prepared
    def names():
        return select(Product.name).order_by(Product.name).limit(limit_param())

    for name in ("Alpha", "Beta", "Gamma"):
        make_product(name)
    db.session.commit()
    with count_queries() as counter:
        assert list(db.session.scalars(names(), {"limit": 2})) == ["Alpha", "Beta"]
        assert list(db.session.scalars(names(), {"limit": 1})) == ["Alpha"]
    assert [re.search(r"LIMIT ([^\s)]+)", s).group(1) for s in counter.statements] == ["2", "1"]


def test_product_and_home_pages_send_their_limits_as_numbers(client, app_ctx, count_queries):
    make_disclaimers()
    category = make_category("Rollers")
    make_product("Cedar Roller", slug="cedar-roller", category=category, featured=True)
    make_product("Birch Roller", category=category, featured=True)
    db.session.commit()
    client.get("/products/cedar-roller")
    with count_queries() as counter:
        assert client.get("/products/cedar-roller").status_code == 200
        assert client.get("/").status_code == 200
    related = [s for s in counter.statements if "UNION ALL" in s and "row_number()" in s]
    featured = [s for s in counter.statements if "products.featured IS 1" in s or "products.featured IS true" in s]
    assert len(related) == 1 and len(featured) == 1
    for statement in related + featured:
        limits = re.findall(r"LIMIT ([^\s)]+)", statement)
        assert limits and all(limit.isdigit() for limit in limits), statement
