"""The schema exists only through migrations: they must agree with the models, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from store.extensions import db as _db
from store.search.models import is_engine_object


def _not_engine_object(name, type_, parents):
    # The search engines' objects (FTS5 tables on SQLite; the tsvector column and GIN indexes on PostgreSQL)
    # come from the migration only: the models do not describe them.
    return not is_engine_object(name, type_, parents.get("table_name"))


def _diff(app):
    with app.app_context():
        with _db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True,
                                                             "include_name": _not_engine_object})
            return compare_metadata(context, _db.metadata)


def test_migrations_and_models_agree(app):
    diff = _diff(app)
    assert diff == [], "models and migrations differ; write a migration:\n" + "\n".join(map(str, diff))


def test_migrated_database_has_every_table_and_the_safety_check(app):
    with app.app_context():
        inspector = inspect(_db.engine)
        tables = set(inspector.get_table_names())
        assert set(_db.metadata.tables) <= tables
        assert "alembic_version" in tables
        checks = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints("products")}
        # The catalog migration swapped the safety check; the table kept its other constraints and indexes.
        assert set(checks) >= {"ck_products_active_needs_warnings", "ck_products_status_valid",
                               "ck_products_kind_valid"}
        if _db.engine.dialect.name == "postgresql":
            assert "replace" in checks["ck_products_active_needs_warnings"]
        assert {"ix_products_status_category", "ix_products_category_id"} <= {
            i["name"] for i in inspector.get_indexes("products")}
        assert [fk["referred_table"] for fk in inspector.get_foreign_keys("products")] == ["categories"]
        assert any(u["column_names"] == ["slug"] for u in inspector.get_unique_constraints("products"))


def _counts(app):
    from store.extensions import db
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()

    def seed(*args):
        # `flask seed-demo` runs inside the app context that the flask command pushes.
        with app.app_context():
            return runner.invoke(args=["seed-demo", *args])

    first = seed()
    assert first.exit_code == 0, first.output
    assert "products created" in first.output
    after_first = _counts(app)
    assert after_first["products"] >= 14 and after_first["categories"] >= 4
    assert after_first["disclaimers"] >= 1 and after_first["search_documents"] > 0

    second = seed()
    assert second.exit_code == 0, second.output
    assert "0 products created" in second.output
    assert _counts(app) == after_first

    third = seed("--if-empty")
    assert third.exit_code == 0 and "already has products" in third.output
    assert _counts(app) == after_first


def test_demo_catalog_is_sellable_and_safe(app):
    """What `make run` shows: every product active, with warnings, a picture with alt text and stock data."""
    from store.catalog.models import Product
    from store.demo import seed_all
    from store.inventory.services import ledger_totals
    with app.app_context():
        seed_all()
        products = _db.session.scalars(select(Product)).all()
        assert {p.status for p in products} == {"active"}
        assert len({p.category_id for p in products}) >= 4
        for product in products:
            assert len(product.warning_list) >= 2, product.slug
            assert product.images and all(i.alt_text.strip() for i in product.images), product.slug
            for variant in product.variants:
                assert ledger_totals(variant.id) == (variant.on_hand, variant.reserved), variant.sku
        stock = [v.on_hand for p in products for v in p.variants]
        assert 0 in stock and any(0 < s <= 3 for s in stock)  # one sold out, some low
        assert any(len(p.variants) >= 2 for p in products if p.kind == "oil")
