"""reviews, review reports and invitations; back-in-stock alerts; wishlists (issue 15)

Revision ID: reviews_1
Revises: orders_1
"""
import sqlalchemy as sa
from alembic import op

revision = "reviews_1"
down_revision = "orders_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=80), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("held_reason", sa.Text(), nullable=False),
        sa.Column("rejected_reason", sa.String(length=40), nullable=False),
        sa.Column("moderation_note", sa.String(length=500), nullable=False),
        sa.Column("moderated_by", sa.String(length=120), nullable=False),
        sa.Column("moderated_at", sa.DateTime(), nullable=True),
        sa.Column("reply_body", sa.Text(), nullable=False),
        sa.Column("replied_at", sa.DateTime(), nullable=True),
        sa.Column("open_reports", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_reviews_rating_range")),
        sa.CheckConstraint("status IN ('published', 'held', 'rejected')", name=op.f("ck_reviews_status_valid")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_reviews_order_id_orders"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_reviews_product_id_products"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reviews_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("order_id", "product_id", name="uq_reviews_order_product"),
    )
    op.create_index("ix_reviews_product_status", "reviews", ["product_id", "status", "published_at"])
    op.create_index(op.f("ix_reviews_order_id"), "reviews", ["order_id"])
    op.create_index(op.f("ix_reviews_user_id"), "reviews", ["user_id"])
    op.create_index(op.f("ix_reviews_status"), "reviews", ["status"])

    op.create_table(
        "review_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name=op.f("fk_review_reports_review_id_reviews"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_review_reports_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_reports")),
    )
    op.create_index(op.f("ix_review_reports_review_id"), "review_reports", ["review_id"])

    op.create_table(
        "review_invitations",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_review_invitations_order_id_orders"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_review_invitations")),
    )

    op.create_table(
        "stock_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["variant_id"], ["variants.id"], name=op.f("fk_stock_alerts_variant_id_variants"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_stock_alerts_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_alerts")),
        sa.UniqueConstraint("token", name=op.f("uq_stock_alerts_token")),
    )
    op.create_index(op.f("ix_stock_alerts_variant_id"), "stock_alerts", ["variant_id"])
    op.create_index(op.f("ix_stock_alerts_user_id"), "stock_alerts", ["user_id"])
    op.create_index("uq_stock_alerts_waiting", "stock_alerts", ["variant_id", "email"], unique=True,
                    sqlite_where=sa.text("sent_at IS NULL AND unsubscribed_at IS NULL"),
                    postgresql_where=sa.text("sent_at IS NULL AND unsubscribed_at IS NULL"))

    op.create_table(
        "wishlist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_wishlist_items_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["variant_id"], ["variants.id"], name=op.f("fk_wishlist_items_variant_id_variants"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wishlist_items")),
        sa.UniqueConstraint("user_id", "variant_id", name="uq_wishlist_items_user_variant"),
    )
    op.create_index(op.f("ix_wishlist_items_user_id"), "wishlist_items", ["user_id"])
    op.create_index(op.f("ix_wishlist_items_variant_id"), "wishlist_items", ["variant_id"])


def downgrade():
    op.drop_table("wishlist_items")
    op.drop_index("uq_stock_alerts_waiting", table_name="stock_alerts")
    op.drop_table("stock_alerts")
    op.drop_table("review_invitations")
    op.drop_table("review_reports")
    op.drop_table("reviews")
