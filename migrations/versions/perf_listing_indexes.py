"""Indexes for the shop front's orderings (issue 20): featured, featured within a category, name, newest, price.

Plain CREATE INDEX on both databases (no table rebuild, so the search triggers on products stay).

Revision ID: perf_1
Revises: pricing_2
"""
import sqlalchemy as sa
from alembic import op

revision = "perf_1"
down_revision = "pricing_2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_products_featured_order", "products",
                    ["status", sa.text("featured DESC"), "name", "id"])
    op.create_index("ix_products_category_order", "products",
                    ["category_id", "status", sa.text("featured DESC"), "name", "id"])
    op.create_index("ix_products_name_order", "products", ["status", "name", "id"])
    op.create_index("ix_products_newest", "products", ["status", "created_at", "id"])
    op.create_index("ix_product_facets_price", "product_facets", ["status", "min_price_cents", "product_id"])


def downgrade():
    op.drop_index("ix_product_facets_price", table_name="product_facets")
    for name in ("ix_products_newest", "ix_products_name_order", "ix_products_category_order",
                 "ix_products_featured_order"):
        op.drop_index(name, table_name="products")
