"""store.db.prepared: a statement built once per shape and run with bound values."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from store.catalog.models import Product
from store.db import prepared
from store.extensions import db
from tests.factories import make_product


def test_built_once_per_shape_and_values_bound_at_execution(app_ctx):
    calls = []

    @prepared
    def by_name(descending: bool):
        calls.append(descending)
        order = Product.name.desc() if descending else Product.name
        return select(Product.name).where(Product.name.like(bindparam("pattern"))).order_by(order)

    make_product("Alpha Roller")
    make_product("Beta Roller")
    make_product("Gamma Oil")
    assert by_name(False) is by_name(False)
    assert by_name(True) is not by_name(False)
    assert calls == [False, True]
    assert list(db.session.scalars(by_name(False), {"pattern": "%Roller"})) == ["Alpha Roller", "Beta Roller"]
    assert list(db.session.scalars(by_name(True), {"pattern": "%Roller"})) == ["Beta Roller", "Alpha Roller"]
    assert list(db.session.scalars(by_name(False), {"pattern": "%Oil"})) == ["Gamma Oil"]
    assert calls == [False, True]
