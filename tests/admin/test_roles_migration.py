"""Migration roles_1 on a database with data in it: an existing admin becomes the owner, customers stay
customers, nothing that refers to a user is lost (on SQLite `users` is rebuilt), and the new CHECK constraint
refuses a role that does not exist (the old 'admin' included)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from config import TestingConfig
from store import create_app
from store.extensions import db as _db
from tests.admin.test_variant_low_stock_migration import _insert, fresh_url  # noqa: F401  (fixture)

CHILDREN = ("addresses", "user_sessions", "orders", "audit_log")


def _counts(conn) -> dict:
    return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in ("users", *CHILDREN)}


def test_existing_admin_becomes_owner_and_the_check_refuses_bad_roles(fresh_url):  # noqa: F811
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=fresh_url)
    with app.app_context():
        upgrade(revision="accounts_sess_1")
        with _db.engine.begin() as conn:
            admin = _insert(conn, "users", email="boss@example.com", role="admin", password_hash="x", active=True)
            shopper = _insert(conn, "users", email="sam@example.com", role="customer", password_hash="x",
                              active=True)
            _insert(conn, "addresses", user_id=shopper, full_name="Sam", line1="1 Elm", city="X",
                    postal_code="1", country="US")
            _insert(conn, "user_sessions", user_id=admin, token_hash="h" * 64)
            _insert(conn, "orders", number="KW-MIG-1", email="sam@example.com", state="paid", currency="USD",
                    payment_provider="demo", user_id=shopper)
            _insert(conn, "audit_log", actor_id=admin, action="product.create", object_type="product",
                    object_id="1", changes="{}")
        with _db.engine.connect() as conn:
            before = _counts(conn)

        upgrade()

        with _db.engine.begin() as conn:
            assert _counts(conn) == before
            assert dict(conn.execute(text("SELECT email, role FROM users")).all()) == {
                "boss@example.com": "owner", "sam@example.com": "customer"}
            assert conn.execute(text("SELECT user_id FROM orders")).scalar_one() == shopper
            assert conn.execute(text("SELECT actor_id FROM audit_log")).scalar_one() == admin
            assert {u["name"] for u in inspect(conn).get_unique_constraints("users")} >= {"uq_users_email"}
            if conn.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            conn.execute(text("UPDATE users SET role = 'staff' WHERE email = 'sam@example.com'"))
            conn.execute(text("UPDATE users SET role = 'readonly' WHERE email = 'sam@example.com'"))
        for bad in ("admin", "superuser", ""):
            with pytest.raises(sa.exc.IntegrityError):
                with _db.engine.begin() as conn:
                    conn.execute(text("UPDATE users SET role = :r WHERE email = 'boss@example.com'"), {"r": bad})
        with _db.engine.connect() as conn:
            assert conn.execute(text("SELECT role FROM users WHERE email = 'boss@example.com'")).scalar() == "owner"

        downgrade(revision="accounts_sess_1")  # owners are admins again; staff and read-only lose access
        with _db.engine.connect() as conn:
            assert _counts(conn) == before
            assert dict(conn.execute(text("SELECT email, role FROM users")).all()) == {
                "boss@example.com": "admin", "sam@example.com": "customer"}
        upgrade()
        _db.engine.dispose()
