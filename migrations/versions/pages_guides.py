"""guides: references carry title, journal and year; a guide's tool can be marked "ask a clinician first"

Revision ID: pages_2
Revises: pages_1
"""
import sqlalchemy as sa
from alembic import op

revision = "pages_2"
down_revision = "pages_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("guide_references") as batch:
        batch.add_column(sa.Column("title", sa.String(length=300), nullable=False, server_default=""))
        batch.add_column(sa.Column("journal", sa.String(length=200), nullable=False, server_default=""))
        batch.add_column(sa.Column("year", sa.Integer(), nullable=True))
    with op.batch_alter_table("guide_products") as batch:
        batch.add_column(sa.Column("ask_clinician", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("guide_products") as batch:
        batch.drop_column("ask_clinician")
    with op.batch_alter_table("guide_references") as batch:
        batch.drop_column("year")
        batch.drop_column("journal")
        batch.drop_column("title")
