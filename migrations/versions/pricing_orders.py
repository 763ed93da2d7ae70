"""the pricing engine's figures on orders and order lines (discount, shipping method name, tax), and the
discount code a cart carries (issue 12)

Revision ID: pricing_2
Revises: reviews_1
"""
import sqlalchemy as sa
from alembic import op

revision = "pricing_2"
down_revision = "reviews_1"
branch_labels = None
depends_on = None

ORDER_COLUMNS = [
    ("discount_code", sa.String(40), "''"),
    ("discount_cents", sa.Integer(), "0"),
    ("shipping_name", sa.String(80), "''"),
    ("shipping_discount_cents", sa.Integer(), "0"),
    ("shipping_tax_cents", sa.Integer(), "0"),
    ("tax_cents", sa.Integer(), "0"),
    ("tax_label", sa.String(60), "''"),
    ("tax_inclusive", sa.Boolean(), sa.false()),
]
LINE_COLUMNS = [
    ("discount_cents", sa.Integer(), "0"),
    ("tax_cents", sa.Integer(), "0"),
    ("amount_cents", sa.Integer(), "0"),
]


def upgrade():
    # Plain ADD COLUMN (no table rebuild on SQLite, so no foreign key or trigger is touched).
    for name, type_, default in ORDER_COLUMNS:
        op.add_column("orders", sa.Column(name, type_, nullable=False,
                                          server_default=default if not isinstance(default, str) else sa.text(default)))
    for name, type_, default in LINE_COLUMNS:
        op.add_column("order_lines", sa.Column(name, type_, nullable=False, server_default=sa.text(default)))
    op.add_column("refunds", sa.Column("shipping_cents", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.add_column("refunds", sa.Column("tax_cents", sa.Integer(), nullable=False, server_default=sa.text("0")))
    op.add_column("carts", sa.Column("discount_code", sa.String(40), nullable=True))
    # Lines placed before the engine: what the line costs in the order's total is its subtotal.
    op.execute("UPDATE order_lines SET amount_cents = line_total_cents")
    op.execute("UPDATE orders SET shipping_name = 'Standard' WHERE shipping_method = 'standard'")


def downgrade():
    op.drop_column("carts", "discount_code")
    op.drop_column("refunds", "tax_cents")
    op.drop_column("refunds", "shipping_cents")
    with op.batch_alter_table("order_lines") as batch:
        for name, _, _ in reversed(LINE_COLUMNS):
            batch.drop_column(name)
    with op.batch_alter_table("orders") as batch:
        for name, _, _ in reversed(ORDER_COLUMNS):
            batch.drop_column(name)
