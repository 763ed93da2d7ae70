"""media: content-addressed blobs, pictures and renditions; product_images.picture_id

Pictures every instance sees: bytes in media_blobs (keyed by sha256), an uploaded picture's renditions in
media_renditions, and product_images.picture_id pointing at the picture (NULL for static demo pictures).

Revision ID: media_1
Revises: variant_low_1
"""
import sqlalchemy as sa
from alembic import op

revision = "media_1"
down_revision = "outbox_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "media_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_media_blobs")),
    )
    op.create_table(
        "media_pictures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_pictures")),
        sa.UniqueConstraint("source_sha256", name=op.f("uq_media_pictures_source_sha256")),
    )
    op.create_table(
        "media_renditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("picture_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["blob_sha256"], ["media_blobs.sha256"],
                                name=op.f("fk_media_renditions_blob_sha256_media_blobs")),
        sa.ForeignKeyConstraint(["picture_id"], ["media_pictures.id"], ondelete="CASCADE",
                                name=op.f("fk_media_renditions_picture_id_media_pictures")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_renditions")),
        sa.UniqueConstraint("picture_id", "format", "width", name=op.f("uq_media_renditions_picture_format_width")),
    )
    op.create_index(op.f("ix_media_renditions_picture_id"), "media_renditions", ["picture_id"])
    op.create_index(op.f("ix_media_renditions_blob_sha256"), "media_renditions", ["blob_sha256"])
    with op.batch_alter_table("product_images") as batch:
        batch.add_column(sa.Column("picture_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_product_images_picture_id_media_pictures"), "media_pictures",
                                 ["picture_id"], ["id"])
        batch.create_index(op.f("ix_product_images_picture_id"), ["picture_id"])


def downgrade():
    with op.batch_alter_table("product_images") as batch:
        batch.drop_index(op.f("ix_product_images_picture_id"))
        batch.drop_constraint(op.f("fk_product_images_picture_id_media_pictures"), type_="foreignkey")
        batch.drop_column("picture_id")
    op.drop_index(op.f("ix_media_renditions_blob_sha256"), table_name="media_renditions")
    op.drop_index(op.f("ix_media_renditions_picture_id"), table_name="media_renditions")
    op.drop_table("media_renditions")
    op.drop_table("media_pictures")
    op.drop_table("media_blobs")
