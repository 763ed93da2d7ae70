"""catalog: hidden categories and former category slugs (301 to the current one)

categories.hidden (false for every existing row) and a new table category_slug_redirects (old_slug ->
category_id, deleted with its category).

Revision ID: categories_1
Revises: accounts_sess_1
"""
import sqlalchemy as sa
from alembic import op

revision = "categories_1"
down_revision = "accounts_sess_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("categories") as batch:
        batch.add_column(sa.Column("hidden", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "category_slug_redirects",
        sa.Column("old_slug", sa.String(length=120), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("old_slug"),
    )
    op.create_index("ix_category_slug_redirects_category_id", "category_slug_redirects", ["category_id"])


def downgrade():
    op.drop_index("ix_category_slug_redirects_category_id", table_name="category_slug_redirects")
    op.drop_table("category_slug_redirects")
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("hidden")
