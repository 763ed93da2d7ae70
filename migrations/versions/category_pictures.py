"""category_pictures: an optional picture per category (its renditions in media_pictures) and its alt text

A table of its own, not columns on ``categories``: on SQLite a new foreign key on an existing table means
rebuilding it, and dropping ``categories`` during the rebuild would act on the products and slug redirects that
point at it (foreign keys are on inside the migration).

Revision ID: cat_pic_1
Revises: order_view_1
"""
import sqlalchemy as sa
from alembic import op

revision = "cat_pic_1"
down_revision = "order_view_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "category_pictures",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("picture_id", sa.Integer(), nullable=False),
        sa.Column("alt_text", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("length(trim(alt_text)) > 0", name=op.f("ck_category_pictures_alt_text_required")),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], ondelete="CASCADE",
                                name=op.f("fk_category_pictures_category_id_categories")),
        sa.ForeignKeyConstraint(["picture_id"], ["media_pictures.id"],
                                name=op.f("fk_category_pictures_picture_id_media_pictures")),
        sa.PrimaryKeyConstraint("category_id", name=op.f("pk_category_pictures")),
    )
    op.create_index(op.f("ix_category_pictures_picture_id"), "category_pictures", ["picture_id"])


def downgrade():
    op.drop_index(op.f("ix_category_pictures_picture_id"), table_name="category_pictures")
    op.drop_table("category_pictures")
