"""orders.view_key: a random key per order that only the guest link carries (the link reveals no id or email)

Existing orders get a random key each (their old links, signed over the order id, stop working: the buyer can
ask for a fresh one at /orders/link). A unique index, no table rebuild (so no foreign-key caveat on SQLite).

Revision ID: order_view_1
Revises: roles_1
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "order_view_1"
down_revision = "roles_1"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("orders", sa.Column("view_key", sa.String(length=32), nullable=True))
    connection = op.get_bind()
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("view_key", sa.String))
    for (order_id,) in connection.execute(sa.select(orders.c.id)).fetchall():
        connection.execute(orders.update().where(orders.c.id == order_id).values(view_key=secrets.token_hex(16)))
    op.create_index("ix_orders_view_key", "orders", ["view_key"], unique=True)


def downgrade():
    op.drop_index("ix_orders_view_key", table_name="orders")
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+ has it): no table rebuild, so no foreign-key actions.
    op.drop_column("orders", "view_key")
