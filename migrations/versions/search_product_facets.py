"""product_facets: one row per product with what its facets need (status, category, kind, cheapest active price,
can be bought), kept current by the database's own triggers on products and variants; backfilled here.

Facet counts then read one narrow indexed table instead of joining every variant of every product. The variant
trigger fires only when a price, an active flag, the product or "units available > 0" changes, so a reservation
that leaves stock above zero does not touch it.

Revision ID: search_2
Revises: search_1
"""
import sqlalchemy as sa
from alembic import op

revision = "search_2"
down_revision = "search_1"
branch_labels = None
depends_on = None

SELECT_ROW = ("SELECT p.id, p.status, p.category_id, p.kind, "
              "(SELECT min(v.price_cents) FROM variants v WHERE v.product_id = p.id AND v.is_active), "
              "EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.is_active "
              "AND v.on_hand - v.reserved > 0) "
              "FROM products p")
COLUMNS = "(product_id, status, category_id, kind, min_price_cents, in_stock)"
VARIANT_CHANGED = ("OLD.price_cents IS NOT NEW.price_cents OR OLD.is_active IS NOT NEW.is_active "
                   "OR OLD.product_id IS NOT NEW.product_id "
                   "OR (OLD.on_hand - OLD.reserved > 0) IS NOT (NEW.on_hand - NEW.reserved > 0)")


def _sqlite_refresh(ref: str) -> str:
    return f"INSERT OR REPLACE INTO product_facets {COLUMNS} {SELECT_ROW} WHERE p.id = {ref};"


SQLITE_UP = [
    "CREATE TRIGGER product_facets_product_ai AFTER INSERT ON products BEGIN " + _sqlite_refresh("NEW.id") + " END",
    "CREATE TRIGGER product_facets_product_au AFTER UPDATE OF status, category_id, kind ON products BEGIN "
    + _sqlite_refresh("NEW.id") + " END",
    "CREATE TRIGGER product_facets_product_ad AFTER DELETE ON products BEGIN "
    "DELETE FROM product_facets WHERE product_id = OLD.id; END",
    "CREATE TRIGGER product_facets_variant_ai AFTER INSERT ON variants BEGIN "
    + _sqlite_refresh("NEW.product_id") + " END",
    f"CREATE TRIGGER product_facets_variant_au AFTER UPDATE ON variants WHEN {VARIANT_CHANGED} BEGIN "
    + _sqlite_refresh("OLD.product_id") + " " + _sqlite_refresh("NEW.product_id") + " END",
    "CREATE TRIGGER product_facets_variant_ad AFTER DELETE ON variants BEGIN "
    + _sqlite_refresh("OLD.product_id") + " END",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS product_facets_{name}"
               for name in ("product_ai", "product_au", "product_ad", "variant_ai", "variant_au", "variant_ad")]

PG_VARIANT_CHANGED = VARIANT_CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")
POSTGRES_UP = [
    f"""CREATE FUNCTION product_facets_refresh(pid integer) RETURNS void LANGUAGE sql AS $$
        INSERT INTO product_facets {COLUMNS} {SELECT_ROW} WHERE p.id = pid
        ON CONFLICT (product_id) DO UPDATE SET status = EXCLUDED.status, category_id = EXCLUDED.category_id,
            kind = EXCLUDED.kind, min_price_cents = EXCLUDED.min_price_cents, in_stock = EXCLUDED.in_stock
    $$""",
    """CREATE FUNCTION product_facets_from_products() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM product_facets WHERE product_id = OLD.id;
        ELSE
            PERFORM product_facets_refresh(NEW.id);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION product_facets_from_variants() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM product_facets_refresh(OLD.product_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND (TG_OP = 'INSERT' OR NEW.product_id <> OLD.product_id) THEN
            PERFORM product_facets_refresh(NEW.product_id);
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER product_facets_product_aiud AFTER INSERT OR DELETE OR UPDATE OF status, category_id, kind "
    "ON products FOR EACH ROW EXECUTE FUNCTION product_facets_from_products()",
    "CREATE TRIGGER product_facets_variant_aid AFTER INSERT OR DELETE ON variants "
    "FOR EACH ROW EXECUTE FUNCTION product_facets_from_variants()",
    f"CREATE TRIGGER product_facets_variant_au AFTER UPDATE ON variants FOR EACH ROW WHEN ({PG_VARIANT_CHANGED}) "
    "EXECUTE FUNCTION product_facets_from_variants()",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS product_facets_variant_au ON variants",
    "DROP TRIGGER IF EXISTS product_facets_variant_aid ON variants",
    "DROP TRIGGER IF EXISTS product_facets_product_aiud ON products",
    "DROP FUNCTION IF EXISTS product_facets_from_variants()",
    "DROP FUNCTION IF EXISTS product_facets_from_products()",
    "DROP FUNCTION IF EXISTS product_facets_refresh(integer)",
]


def upgrade():
    op.create_table(
        "product_facets",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("min_price_cents", sa.Integer(), nullable=True),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_product_facets_product_id_products"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_product_facets")),
    )
    op.create_index("ix_product_facets_counts", "product_facets",
                    ["status", "category_id", "kind", "min_price_cents", "in_stock"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in (POSTGRES_UP if postgres else SQLITE_UP):
        op.execute(statement)
    op.execute(f"INSERT INTO product_facets {COLUMNS} {SELECT_ROW}")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in (POSTGRES_DOWN if postgres else SQLITE_DOWN):
        op.execute(statement)
    op.drop_index("ix_product_facets_counts", table_name="product_facets")
    op.drop_table("product_facets")
