"""pages: versioned policy and help pages (shipping, returns, privacy, terms, about, contact) and contact messages

Revision ID: pages_1
Revises: claims_1
"""
import sqlalchemy as sa
from alembic import op

revision = "pages_1"
down_revision = "claims_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "page_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("effective_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(trim(body)) > 0", name=op.f("ck_page_versions_page_body_required")),
        sa.CheckConstraint("length(trim(title)) > 0", name=op.f("ck_page_versions_page_title_required")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_page_versions_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_versions")),
        sa.UniqueConstraint("slug", "version", name="uq_page_versions_slug_version"),
    )
    op.create_index(op.f("ix_page_versions_slug"), "page_versions", ["slug"])
    op.create_table(
        "contact_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("order_number", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_messages")),
    )
    op.create_index(op.f("ix_contact_messages_created_at"), "contact_messages", ["created_at"])


def downgrade():
    op.drop_index(op.f("ix_contact_messages_created_at"), table_name="contact_messages")
    op.drop_table("contact_messages")
    op.drop_index(op.f("ix_page_versions_slug"), table_name="page_versions")
    op.drop_table("page_versions")
