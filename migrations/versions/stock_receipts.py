"""inventory: stock receipts and their lines; the ledger records who (actor label) and which receipt

New tables stock_receipts / stock_receipt_lines; stock_movements gains ``actor`` (a label, "system" for the
rows already there) and a nullable ``receipt_id``.

Revision ID: inv_receipts_1
Revises: accounts_sess_1
"""
import sqlalchemy as sa
from alembic import op

revision = "inv_receipts_1"
down_revision = "categories_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stock_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier", sa.String(length=120), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reversed_at", sa.DateTime(), nullable=True),
        sa.Column("reversed_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_receipts")),
    )
    op.create_table(
        "stock_receipt_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=True),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_stock_receipt_lines_quantity_positive")),
        sa.ForeignKeyConstraint(["receipt_id"], ["stock_receipts.id"],
                                name=op.f("fk_stock_receipt_lines_receipt_id_stock_receipts"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["variant_id"], ["variants.id"],
                                name=op.f("fk_stock_receipt_lines_variant_id_variants"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_receipt_lines")),
        sa.UniqueConstraint("receipt_id", "variant_id", name=op.f("uq_stock_receipt_lines_receipt_id")),
    )
    with op.batch_alter_table("stock_receipt_lines") as batch:
        batch.create_index(batch.f("ix_stock_receipt_lines_receipt_id"), ["receipt_id"], unique=False)
    with op.batch_alter_table("stock_movements") as batch:
        batch.add_column(sa.Column("actor", sa.String(length=120), nullable=False, server_default="system"))
        batch.add_column(sa.Column("receipt_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_stock_movements_receipt_id_stock_receipts"), "stock_receipts",
                                 ["receipt_id"], ["id"], ondelete="SET NULL")
        batch.create_index(batch.f("ix_stock_movements_receipt_id"), ["receipt_id"], unique=False)


def downgrade():
    with op.batch_alter_table("stock_movements") as batch:
        batch.drop_index(batch.f("ix_stock_movements_receipt_id"))
        batch.drop_constraint(batch.f("fk_stock_movements_receipt_id_stock_receipts"), type_="foreignkey")
        batch.drop_column("receipt_id")
        batch.drop_column("actor")
    with op.batch_alter_table("stock_receipt_lines") as batch:
        batch.drop_index(batch.f("ix_stock_receipt_lines_receipt_id"))
    op.drop_table("stock_receipt_lines")
    op.drop_table("stock_receipts")
