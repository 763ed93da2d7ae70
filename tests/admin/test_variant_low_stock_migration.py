"""Migration variant_low_1 (low_stock_threshold nullable, NULL = store default) on a database with data in it:
every variant keeps its threshold, and nothing that refers to a variant is lost (on SQLite the table is
rebuilt, and with foreign keys on a careless rebuild deletes cart lines and stock movements)."""
from __future__ import annotations

import os
import secrets
from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from config import TestingConfig
from store import create_app
from store.extensions import db as _db

DB_KIND = os.environ.get("STORE_TEST_DB", "sqlite")
CHILDREN = ("cart_lines", "stock_movements", "order_lines")


@pytest.fixture
def fresh_url(tmp_path):
    if DB_KIND != "postgres":
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    server = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    name = f"kneadwell_migrate_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _insert(conn, table: str, **values) -> int:
    """One row with every NOT NULL column filled (0, "", now, false) unless given."""
    now = datetime(2026, 11, 30, 12, 0, 0)
    row = {}
    for column in inspect(conn).get_columns(table):
        name = column["name"]
        if name == "id" or column["nullable"] or name in values:
            continue
        kind = str(column["type"]).upper()
        row[name] = (now if "DATE" in kind or "TIME" in kind else False if "BOOL" in kind
                     else 0 if "INT" in kind else "")
    row.update(values)
    names = ", ".join(row)
    result = conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)}) "
                               "RETURNING id"), row)
    return result.scalar_one()


def _counts(conn) -> dict:
    return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("variants", *CHILDREN)}


def test_threshold_becomes_nullable_and_every_row_survives(fresh_url):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=fresh_url)
    with app.app_context():
        upgrade(revision="catalog_1")
        with _db.engine.begin() as conn:
            product = _insert(conn, "products", slug="roller", name="Roller", kind="tool", status="draft",
                              version=1)
            low = _insert(conn, "variants", product_id=product, sku="R-1", option_label="Standard",
                          price_cents=1999, on_hand=5, low_stock_threshold=7)
            default = _insert(conn, "variants", product_id=product, sku="R-2", option_label="Large",
                              price_cents=2499, on_hand=2, low_stock_threshold=3)
            cart = _insert(conn, "carts", token="t" * 32)
            _insert(conn, "cart_lines", cart_id=cart, variant_id=low, quantity=1, unit_price_cents_at_add=1999)
            _insert(conn, "stock_movements", variant_id=low, kind="initial", on_hand_delta=5, note="Opening")
            order = _insert(conn, "orders", number="KW-MIG-1", email="a@example.com", state="paid",
                            currency="USD", payment_provider="demo")
            _insert(conn, "order_lines", order_id=order, variant_id=default, product_name="Roller",
                    variant_label="Large", sku="R-2", unit_price_cents=2499, quantity=1, line_total_cents=2499)
        with _db.engine.connect() as conn:
            before = _counts(conn)

        upgrade()

        with _db.engine.begin() as conn:
            assert _counts(conn) == before
            assert conn.execute(text("SELECT variant_id FROM order_lines")).scalar_one() == default
            thresholds = dict(conn.execute(text("SELECT sku, low_stock_threshold FROM variants")).all())
            assert thresholds == {"R-1": 7, "R-2": 3}
            column = next(c for c in inspect(conn).get_columns("variants") if c["name"] == "low_stock_threshold")
            assert column["nullable"] is True and column["default"] is None
            # The rebuilt table kept its rules: unique SKU, stock checks, the product foreign key.
            assert {u["name"] for u in inspect(conn).get_unique_constraints("variants")} >= {"uq_variants_sku"}
            assert {c["name"] for c in inspect(conn).get_check_constraints("variants")} >= {
                "ck_variants_on_hand_nonnegative", "ck_variants_reserved_within_on_hand"}
            assert [fk["referred_table"] for fk in inspect(conn).get_foreign_keys("variants")] == ["products"]
            conn.execute(text("UPDATE variants SET low_stock_threshold = NULL WHERE sku = 'R-2'"))
            if conn.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1

        downgrade(revision="catalog_1")   # NULL goes back to the old default, 3
        with _db.engine.connect() as conn:
            assert _counts(conn) == before
            assert dict(conn.execute(text("SELECT sku, low_stock_threshold FROM variants")).all()) == {
                "R-1": 7, "R-2": 3}
            column = next(c for c in inspect(conn).get_columns("variants") if c["name"] == "low_stock_threshold")
            assert column["nullable"] is False
        upgrade()
        _db.engine.dispose()
