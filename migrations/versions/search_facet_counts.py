"""Facet counts kept by the database, and the product list read in index order.

* ``product_facet_counts``: how many active products there are per (category, kind, price range, in stock)
  combination, at most a few hundred rows whatever the catalog size. Triggers on ``product_facets`` (itself kept by
  the triggers of ``search_2`` on products and variants) add and subtract one in the same transaction as the
  change (SQLite: directly; PostgreSQL: logged in ``product_facet_count_changes`` and folded in once at commit by a
  deferred trigger, see PG_UP), so the whole-catalog facet counts and the list's total are one small read and
  always right. A row that falls to zero stays (read with ``products > 0``). A category-less product counts under
  category key 0.
* ``product_facets`` also carries the list's sort keys (name, featured, created_at), with a partial index per sort
  (and per category and sort) over the active rows: a page of the filtered list walks one index in order and
  stops after a page, instead of sorting every product that passes the filters.
* SQLite: ``search_fts`` gains the document type as a column (rebuilt here), so a search of the guides alone
  does not read every matching product.
* SQLite: the product triggers that wrote ``product_facets`` with INSERT OR REPLACE now upsert. REPLACE deletes
  the old row without firing delete triggers, which the counts would miss.

The price ranges are written here as literals (they are the ones of ``catalog.facets.PRICE_RANGES`` today):
changing those needs a migration that recreates ``price_bucket`` / the triggers and recounts.

Revision ID: search_3
Revises: perf_1
"""
import sqlalchemy as sa
from alembic import op

revision = "search_3"
down_revision = "perf_1"
branch_labels = None
depends_on = None


def bucket(price: str) -> str:
    return (f"(CASE WHEN {price} IS NULL THEN '' WHEN {price} < 2000 THEN 'under-20' WHEN {price} < 4000 "
            f"THEN '20-40' WHEN {price} < 8000 THEN '40-80' ELSE '80-up' END)")


KEY = "(category_key, kind, price_bucket, in_stock)"
COLUMNS = "(product_id, status, category_id, kind, min_price_cents, in_stock, name, featured, created_at)"
SELECT_ROW = ("SELECT p.id, p.status, p.category_id, p.kind, "
              "(SELECT v.price_cents FROM variants v WHERE v.product_id = p.id AND v.is_active "
              "ORDER BY v.price_cents LIMIT 1), "
              "EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.is_active "
              "AND v.on_hand - v.reserved > 0), p.name, p.featured, p.created_at "
              "FROM products p")
UPSERT_SET = ("status = excluded.status, category_id = excluded.category_id, kind = excluded.kind, "
              "min_price_cents = excluded.min_price_cents, in_stock = excluded.in_stock, name = excluded.name, "
              "featured = excluded.featured, created_at = excluded.created_at")
PRODUCT_SET = ("status = NEW.status, category_id = NEW.category_id, kind = NEW.kind, name = NEW.name, "
               "featured = NEW.featured, created_at = NEW.created_at")
PRODUCT_COLUMNS = "status, category_id, kind, name, featured, created_at"


def _counted_change(differs: str) -> str:
    return (f"(OLD.status {differs} NEW.status OR OLD.category_id {differs} NEW.category_id "
            f"OR OLD.kind {differs} NEW.kind OR OLD.in_stock {differs} NEW.in_stock "
            f"OR {bucket('OLD.min_price_cents')} {differs} {bucket('NEW.min_price_cents')})")


def _sqlite_refresh(ref: str) -> str:
    return f"INSERT INTO product_facets {COLUMNS} {SELECT_ROW} WHERE p.id = {ref} ON CONFLICT (product_id) " \
           f"DO UPDATE SET {UPSERT_SET};"


def _sqlite_add(row: str, guard: str = "") -> str:
    where = f" WHERE {guard}" if guard else " WHERE 1"
    return (f"INSERT INTO product_facet_counts (category_key, kind, price_bucket, in_stock, products) "
            f"SELECT COALESCE({row}.category_id, 0), {row}.kind, {bucket(row + '.min_price_cents')}, "
            f"{row}.in_stock, 1{where} ON CONFLICT {KEY} DO UPDATE SET products = products + 1;")


def _subtract(row: str, guard: str = "") -> str:
    extra = f" AND {guard}" if guard else ""
    return (f"UPDATE product_facet_counts SET products = products - 1 WHERE category_key = "
            f"COALESCE({row}.category_id, 0) AND kind = {row}.kind AND price_bucket = "
            f"{bucket(row + '.min_price_cents')} AND in_stock = {row}.in_stock{extra};")


SQLITE_PRODUCT_TRIGGERS = ("product_ai", "product_au", "variant_moved")
SQLITE_UP = [
    "DROP TRIGGER product_facets_product_ai",
    "DROP TRIGGER product_facets_product_au",
    "DROP TRIGGER product_facets_variant_moved",
    "CREATE TRIGGER product_facets_product_ai AFTER INSERT ON products BEGIN " + _sqlite_refresh("NEW.id") + " END",
    f"CREATE TRIGGER product_facets_product_au AFTER UPDATE OF {PRODUCT_COLUMNS} ON products BEGIN "
    f"UPDATE product_facets SET {PRODUCT_SET} WHERE product_id = NEW.id; END",
    "CREATE TRIGGER product_facets_variant_moved AFTER UPDATE OF product_id ON variants "
    "WHEN OLD.product_id IS NOT NEW.product_id BEGIN "
    + _sqlite_refresh("OLD.product_id") + " " + _sqlite_refresh("NEW.product_id") + " END",
    "CREATE TRIGGER product_facet_counts_ai AFTER INSERT ON product_facets WHEN NEW.status = 'active' BEGIN "
    + _sqlite_add("NEW") + " END",
    "CREATE TRIGGER product_facet_counts_ad AFTER DELETE ON product_facets WHEN OLD.status = 'active' BEGIN "
    + _subtract("OLD") + " END",
    f"CREATE TRIGGER product_facet_counts_au AFTER UPDATE ON product_facets "
    f"WHEN (OLD.status = 'active' OR NEW.status = 'active') AND {_counted_change('IS NOT')} BEGIN "
    + _subtract("OLD", "OLD.status = 'active'") + " " + _sqlite_add("NEW", "NEW.status = 'active'") + " END",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS product_facet_counts_{name}" for name in ("ai", "ad", "au")]


def _fts(columns: list[str]) -> list[str]:
    """search_fts over ``columns`` of search_documents, its three triggers, and the index rebuilt from the rows."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        "DROP TRIGGER IF EXISTS search_fts_au", "DROP TRIGGER IF EXISTS search_fts_ad",
        "DROP TRIGGER IF EXISTS search_fts_ai", "DROP TABLE IF EXISTS search_fts",
        f"CREATE VIRTUAL TABLE search_fts USING fts5({names}, content='search_documents', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER search_fts_ai AFTER INSERT ON search_documents BEGIN "
        f"INSERT INTO search_fts(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER search_fts_ad AFTER DELETE ON search_documents BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER search_fts_au AFTER UPDATE ON search_documents BEGIN "
        f"INSERT INTO search_fts(search_fts, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO search_fts(rowid, {names}) VALUES (new.id, {new}); END",
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    ]


# SQLite: the FTS5 index also holds each document's type as a column of its own, so a query for one type (the few
# guides beside 100,000 products) intersects with that type's short list inside FTS5 instead of reading every
# product that matches. Queries match the text columns only ({title keywords body}).
SQLITE_FTS_UP = _fts(["title", "keywords", "body", "doc_type"])
SQLITE_FTS_DOWN = _fts(["title", "keywords", "body"])

PG_UP = [
    # Words beginning with what was typed (suggestions, "is the last word a prefix of a known word"): a btree
    # range, whatever the database's collation (the trigram GIN index answers LIKE 'x%' too, but slowly).
    "CREATE INDEX ix_search_fts_words_prefix ON search_words (word varchar_pattern_ops)",
    f"""CREATE OR REPLACE FUNCTION product_price_bucket(price integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT {bucket('price')}
    $$""",
    f"""CREATE OR REPLACE FUNCTION product_facets_refresh(pid integer) RETURNS void LANGUAGE sql AS $$
        INSERT INTO product_facets {COLUMNS} {SELECT_ROW} WHERE p.id = pid
        ON CONFLICT (product_id) DO UPDATE SET {UPSERT_SET}
    $$""",
    f"""CREATE OR REPLACE FUNCTION product_facets_from_products() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM product_facets WHERE product_id = OLD.id;
        ELSIF TG_OP = 'INSERT' THEN
            PERFORM product_facets_refresh(NEW.id);
        ELSE
            UPDATE product_facets SET {PRODUCT_SET} WHERE product_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$""",
    "DROP TRIGGER product_facets_product_aiud ON products",
    f"CREATE TRIGGER product_facets_product_aiud AFTER INSERT OR DELETE OR UPDATE OF {PRODUCT_COLUMNS} "
    "ON products FOR EACH ROW EXECUTE FUNCTION product_facets_from_products()",
    # PostgreSQL keeps every version of a row a transaction updates: a bulk import of 100,000 products in one
    # transaction would update the same few hundred count rows hundreds of thousands of times, each update
    # slower than the last. So each change of product_facets appends its -1 / +1 to a log (no row is updated
    # twice), and a deferred constraint trigger folds the transaction's log into the counts once, at commit:
    # the counts change in the same transaction, one upsert per combination, in key order (two committing
    # transactions wait for each other instead of deadlocking).
    """CREATE FUNCTION product_facet_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            IF OLD.status = 'active' THEN
                INSERT INTO product_facet_count_changes (category_key, kind, price_bucket, in_stock, step)
                VALUES (COALESCE(OLD.category_id, 0), OLD.kind, product_price_bucket(OLD.min_price_cents),
                        OLD.in_stock, -1);
            END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            IF NEW.status = 'active' THEN
                INSERT INTO product_facet_count_changes (category_key, kind, price_bucket, in_stock, step)
                VALUES (COALESCE(NEW.category_id, 0), NEW.kind, product_price_bucket(NEW.min_price_cents),
                        NEW.in_stock, 1);
            END IF;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION product_facet_counts_fold() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Fired at commit once per logged change; the first firing folds them all, the others find their row gone.
        IF EXISTS (SELECT 1 FROM product_facet_count_changes WHERE id = NEW.id) THEN
            WITH done AS (
                DELETE FROM product_facet_count_changes WHERE tx = txid_current()
                RETURNING category_key, kind, price_bucket, in_stock, step
            )
            INSERT INTO product_facet_counts AS t (category_key, kind, price_bucket, in_stock, products)
            SELECT category_key, kind, price_bucket, in_stock, SUM(step) FROM done
            GROUP BY category_key, kind, price_bucket, in_stock
            HAVING SUM(step) <> 0
            ORDER BY category_key, kind, price_bucket, in_stock
            ON CONFLICT (category_key, kind, price_bucket, in_stock)
            DO UPDATE SET products = t.products + EXCLUDED.products;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE CONSTRAINT TRIGGER product_facet_counts_fold AFTER INSERT ON product_facet_count_changes "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION product_facet_counts_fold()",
    "CREATE TRIGGER product_facet_counts_aid AFTER INSERT OR DELETE ON product_facets "
    "FOR EACH ROW EXECUTE FUNCTION product_facet_counts_follow()",
    f"CREATE TRIGGER product_facet_counts_au AFTER UPDATE ON product_facets FOR EACH ROW "
    f"WHEN ((OLD.status = 'active' OR NEW.status = 'active') AND {_counted_change('IS DISTINCT FROM')}) "
    "EXECUTE FUNCTION product_facet_counts_follow()",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS ix_search_fts_words_prefix",
    "DROP TRIGGER IF EXISTS product_facet_counts_au ON product_facets",
    "DROP TRIGGER IF EXISTS product_facet_counts_aid ON product_facets",
    "DROP TRIGGER IF EXISTS product_facet_counts_fold ON product_facet_count_changes",
    "DROP FUNCTION IF EXISTS product_facet_counts_follow()",
    "DROP FUNCTION IF EXISTS product_facet_counts_fold()",
]

# (name, columns, on a category first): one partial index per sort of the list, over the active products.
LIST_INDEXES = (
    ("featured", ["featured DESC", "name", "product_id"]),
    ("name", ["name", "product_id"]),
    ("price", ["min_price_cents", "name", "product_id"]),
    ("price_desc", ["min_price_cents DESC", "name", "product_id"]),
    ("newest", ["created_at DESC", "product_id DESC"]),
)


def list_indexes():
    for sort, columns in LIST_INDEXES:
        yield f"ix_product_facets_list_{sort}", columns
        yield f"ix_product_facets_list_cat_{sort}", ["category_id"] + columns


def _search_2():
    import importlib.util
    from pathlib import Path
    spec = importlib.util.spec_from_file_location("search_2", Path(__file__).with_name("search_product_facets.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    false = "false" if postgres else "0"
    with op.batch_alter_table("product_facets", recreate="never") as batch:
        batch.add_column(sa.Column("name", sa.String(length=160), nullable=False, server_default=""))
        batch.add_column(sa.Column("featured", sa.Boolean(), nullable=False, server_default=sa.text(false)))
        batch.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE product_facets SET name = (SELECT p.name FROM products p WHERE p.id = product_id), "
               "featured = (SELECT p.featured FROM products p WHERE p.id = product_id), "
               "created_at = (SELECT p.created_at FROM products p WHERE p.id = product_id)")
    op.create_table(
        "product_facet_counts",
        sa.Column("category_key", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("price_bucket", sa.String(length=20), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("products", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("category_key", "kind", "price_bucket", "in_stock",
                                name=op.f("pk_product_facet_counts")),
    )
    # PostgreSQL only writes it (see PG_UP); on SQLite, which updates rows in place, it stays empty.
    op.create_table(
        "product_facet_count_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tx", sa.BigInteger(), nullable=True,
                  server_default=sa.text("txid_current()") if postgres else None),
        sa.Column("category_key", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("price_bucket", sa.String(length=20), nullable=False),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_facet_count_changes")),
    )
    op.create_index("ix_product_facet_count_changes_tx", "product_facet_count_changes", ["tx"])
    for statement in (PG_UP if postgres else SQLITE_UP + SQLITE_FTS_UP):
        op.execute(statement)
    op.execute(f"INSERT INTO product_facet_counts (category_key, kind, price_bucket, in_stock, products) "
               f"SELECT COALESCE(category_id, 0), kind, {bucket('min_price_cents')}, in_stock, COUNT(*) "
               f"FROM product_facets WHERE status = 'active' "
               f"GROUP BY COALESCE(category_id, 0), kind, {bucket('min_price_cents')}, in_stock")
    for name, columns in list_indexes():
        op.execute(f"CREATE INDEX {name} ON product_facets ({', '.join(columns)}) WHERE status = 'active'")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, _ in list_indexes():
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for statement in (PG_DOWN if postgres else SQLITE_DOWN + SQLITE_FTS_DOWN):
        op.execute(statement)
    op.drop_table("product_facet_counts")
    op.drop_index("ix_product_facet_count_changes_tx", table_name="product_facet_count_changes")
    op.drop_table("product_facet_count_changes")
    # The product triggers and functions of search_2, as they were (they do not write the columns dropped below).
    previous = _search_2()
    if postgres:
        op.execute("DROP TRIGGER product_facets_product_aiud ON products")
        for statement in previous.POSTGRES_UP:
            if "product_facets_refresh(pid" in statement or "product_facets_from_products()" in statement:
                op.execute(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
            elif statement.startswith("CREATE TRIGGER product_facets_product_aiud"):
                op.execute(statement)
        op.execute("DROP FUNCTION IF EXISTS product_price_bucket(integer)")
    else:
        for name in SQLITE_PRODUCT_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS product_facets_{name}")
        for statement in previous.SQLITE_UP:
            if any(f"TRIGGER product_facets_{name} " in statement for name in SQLITE_PRODUCT_TRIGGERS):
                op.execute(statement)
    with op.batch_alter_table("product_facets", recreate="never") as batch:
        batch.drop_column("created_at")
        batch.drop_column("featured")
        batch.drop_column("name")
