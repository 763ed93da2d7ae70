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
              "(SELECT v.price_cents FROM variants v WHERE v.product_id = p.id AND v.is_active "
              "ORDER BY v.price_cents LIMIT 1), "
              "EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.is_active "
              "AND v.on_hand - v.reserved > 0) "
              "FROM products p")
COLUMNS = "(product_id, status, category_id, kind, min_price_cents, in_stock)"
VARIANT_CHANGED = ("(OLD.price_cents IS NOT NEW.price_cents OR OLD.is_active IS NOT NEW.is_active "
                   "OR (OLD.on_hand - OLD.reserved > 0) IS NOT (NEW.on_hand - NEW.reserved > 0))")

# A variant change updates its product's row incrementally: a lower price or units available set it directly;
# only when the variant that was the cheapest (or the last one available) stops being so is the product's
# cheapest price (an index range, ix_variants_product_price) or availability looked up again. A product with
# 20,000 variants imported row by row stays linear.
MIN_AGAIN = ("(SELECT v.price_cents FROM variants v WHERE v.product_id = {pid} AND v.is_active "
             "ORDER BY v.price_cents LIMIT 1)")
STOCK_AGAIN = ("EXISTS (SELECT 1 FROM variants v WHERE v.product_id = {pid} AND v.is_active "
               "AND v.on_hand - v.reserved > 0)")


def _incremental(new: str | None, old: str | None, pid: str, differs: str = "IS NOT") -> str:
    """UPDATE product_facets for one variant row change; ``new``/``old`` name the row versions (or None).
    The row is written only when a value changes (a row rewritten 20,000 times in one transaction is slow on
    PostgreSQL: every write is a new row version)."""
    price, stock = [], []
    if new:
        price.append(f"WHEN {new}.is_active AND (min_price_cents IS NULL OR {new}.price_cents < min_price_cents) "
                     f"THEN {new}.price_cents")
        stock.append(f"WHEN {new}.is_active AND {new}.on_hand - {new}.reserved > 0 THEN TRUE")
    if old:
        price.append(f"WHEN {old}.is_active AND {old}.price_cents = min_price_cents THEN {MIN_AGAIN.format(pid=pid)}")
        stock.append(f"WHEN {old}.is_active AND {old}.on_hand - {old}.reserved > 0 "
                     f"THEN {STOCK_AGAIN.format(pid=pid)}")
    price_expr = f"(CASE {' '.join(price)} ELSE min_price_cents END)"
    stock_expr = f"(CASE {' '.join(stock)} ELSE in_stock END)"
    return (f"UPDATE product_facets SET min_price_cents = {price_expr}, in_stock = {stock_expr} "
            f"WHERE product_id = {pid} AND (min_price_cents {differs} {price_expr} "
            f"OR in_stock {differs} {stock_expr});")


def _sqlite_refresh(ref: str) -> str:
    return f"INSERT OR REPLACE INTO product_facets {COLUMNS} {SELECT_ROW} WHERE p.id = {ref};"


SQLITE_UP = [
    "CREATE INDEX ix_variants_product_price ON variants (product_id, price_cents)",
    "CREATE TRIGGER product_facets_product_ai AFTER INSERT ON products BEGIN " + _sqlite_refresh("NEW.id") + " END",
    "CREATE TRIGGER product_facets_product_au AFTER UPDATE OF status, category_id, kind ON products BEGIN "
    "UPDATE product_facets SET status = NEW.status, category_id = NEW.category_id, kind = NEW.kind "
    "WHERE product_id = NEW.id; END",
    "CREATE TRIGGER product_facets_product_ad AFTER DELETE ON products BEGIN "
    "DELETE FROM product_facets WHERE product_id = OLD.id; END",
    "CREATE TRIGGER product_facets_variant_ai AFTER INSERT ON variants BEGIN "
    + _incremental("NEW", None, "NEW.product_id") + " END",
    f"CREATE TRIGGER product_facets_variant_au AFTER UPDATE ON variants "
    f"WHEN OLD.product_id IS NEW.product_id AND {VARIANT_CHANGED} BEGIN "
    + _incremental("NEW", "OLD", "NEW.product_id") + " END",
    "CREATE TRIGGER product_facets_variant_moved AFTER UPDATE OF product_id ON variants "
    "WHEN OLD.product_id IS NOT NEW.product_id BEGIN "
    + _sqlite_refresh("OLD.product_id") + " " + _sqlite_refresh("NEW.product_id") + " END",
    "CREATE TRIGGER product_facets_variant_ad AFTER DELETE ON variants BEGIN "
    + _incremental(None, "OLD", "OLD.product_id") + " END",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS product_facets_{name}"
               for name in ("product_ai", "product_au", "product_ad", "variant_ai", "variant_au", "variant_moved",
                            "variant_ad")] + ["DROP INDEX IF EXISTS ix_variants_product_price"]

PG_VARIANT_CHANGED = VARIANT_CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")
POSTGRES_UP = [
    "CREATE INDEX ix_variants_product_price ON variants (product_id, price_cents)",
    f"""CREATE FUNCTION product_facets_refresh(pid integer) RETURNS void LANGUAGE sql AS $$
        INSERT INTO product_facets {COLUMNS} {SELECT_ROW} WHERE p.id = pid
        ON CONFLICT (product_id) DO UPDATE SET status = EXCLUDED.status, category_id = EXCLUDED.category_id,
            kind = EXCLUDED.kind, min_price_cents = EXCLUDED.min_price_cents, in_stock = EXCLUDED.in_stock
    $$""",
    """CREATE FUNCTION product_facets_from_products() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM product_facets WHERE product_id = OLD.id;
        ELSIF TG_OP = 'INSERT' THEN
            PERFORM product_facets_refresh(NEW.id);
        ELSE
            UPDATE product_facets SET status = NEW.status, category_id = NEW.category_id, kind = NEW.kind
            WHERE product_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION product_facets_from_variants() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_incremental("NEW", None, "NEW.product_id", "IS DISTINCT FROM")}
        ELSIF TG_OP = 'DELETE' THEN
            {_incremental(None, "OLD", "OLD.product_id", "IS DISTINCT FROM")}
        ELSIF OLD.product_id <> NEW.product_id THEN
            PERFORM product_facets_refresh(OLD.product_id);
            PERFORM product_facets_refresh(NEW.product_id);
        ELSE
            {_incremental("NEW", "OLD", "NEW.product_id", "IS DISTINCT FROM")}
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER product_facets_product_aiud AFTER INSERT OR DELETE OR UPDATE OF status, category_id, kind "
    "ON products FOR EACH ROW EXECUTE FUNCTION product_facets_from_products()",
    "CREATE TRIGGER product_facets_variant_aid AFTER INSERT OR DELETE ON variants "
    "FOR EACH ROW EXECUTE FUNCTION product_facets_from_variants()",
    f"CREATE TRIGGER product_facets_variant_au AFTER UPDATE ON variants FOR EACH ROW "
    f"WHEN (OLD.product_id IS DISTINCT FROM NEW.product_id OR {PG_VARIANT_CHANGED}) "
    "EXECUTE FUNCTION product_facets_from_variants()",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS product_facets_variant_au ON variants",
    "DROP TRIGGER IF EXISTS product_facets_variant_aid ON variants",
    "DROP TRIGGER IF EXISTS product_facets_product_aiud ON products",
    "DROP FUNCTION IF EXISTS product_facets_from_variants()",
    "DROP FUNCTION IF EXISTS product_facets_from_products()",
    "DROP FUNCTION IF EXISTS product_facets_refresh(integer)",
    "DROP INDEX IF EXISTS ix_variants_product_price",
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
