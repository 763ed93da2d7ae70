"""store.db.keep_prepared_statements: on PostgreSQL a transaction that only read ends with COMMIT, so psycopg's
prepared statements survive it; anything that wrote or failed is still really rolled back."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from store.catalog.models import Category, Product
from store.extensions import db
from tests.conftest import DB_KIND
from tests.factories import make_category, make_product

pytestmark = pytest.mark.skipif(DB_KIND != "postgres", reason="psycopg's prepared statements: PostgreSQL only")


def _prepared(conn) -> list[str]:
    return list(conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars())


def test_a_read_only_transaction_keeps_the_prepared_statements(app_ctx):
    product = make_product("Cedar Foot Roller")
    db.session.commit()
    statement = select(Product.name).where(Product.id == product.id)
    with db.engine.connect() as conn:
        for _ in range(8):  # one statement per transaction, as a shop-front request runs them
            assert conn.execute(statement).scalar() == "Cedar Foot Roller"
            conn.rollback()  # what the session's close does at the end of a request
        kept = _prepared(conn)
        conn.rollback()
    assert any("FROM products" in s and "products.name" in s for s in kept), kept


def test_a_rolled_back_write_is_undone(app_ctx):
    with db.engine.connect() as conn:
        conn.execute(Category.__table__.insert().values(name="Ghost", slug="ghost", position=0, hidden=False))
        assert conn.execute(select(Category.name).where(Category.slug == "ghost")).scalar() == "Ghost"
        conn.rollback()
        assert conn.execute(select(Category.id).where(Category.slug == "ghost")).scalar() is None
        conn.rollback()
    assert db.session.scalar(select(Category.id).where(Category.slug == "ghost")) is None


def test_a_session_rollback_after_an_orm_write_is_undone(app_ctx):
    category = make_category("Rollers", slug="rollers")
    db.session.commit()
    db.session.get(Category, category.id).name = "Renamed"
    db.session.flush()  # an UPDATE ran in the open transaction
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Category, category.id).name == "Rollers"


def test_a_failed_read_is_rolled_back_and_the_connection_stays_usable(app_ctx):
    with db.engine.connect() as conn:
        with pytest.raises(Exception, match="division by zero"):
            conn.execute(text("SELECT 1 / 0"))
        conn.rollback()
        assert conn.execute(text("SELECT 2")).scalar() == 2
        conn.rollback()


def test_row_locks_of_a_read_end_with_it(app_ctx):
    category = make_category("Oils", slug="oils")
    db.session.commit()
    by_id = select(Category.id).where(Category.id == category.id)
    with db.engine.connect() as first, db.engine.connect() as second:
        first.execute(by_id.with_for_update())
        first.rollback()  # ends as a COMMIT: the lock is released all the same
        assert second.execute(by_id.with_for_update(nowait=True)).scalar() == category.id
        second.rollback()
