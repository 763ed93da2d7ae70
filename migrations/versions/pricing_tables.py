"""pricing: discount codes and their redemptions, shipping zones (countries, methods with price bands), tax rates

Revision ID: pricing_1
Revises: cat_pic_1
"""
import sqlalchemy as sa
from alembic import op

revision = "pricing_1"
down_revision = "cat_pic_1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "discount_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("minimum_subtotal_cents", sa.Integer(), nullable=False),
        sa.Column("include_sale_items", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("usage_limit", sa.Integer(), nullable=True),
        sa.Column("per_customer_limit", sa.Integer(), nullable=True),
        sa.Column("times_used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('percent', 'fixed', 'free_shipping')", name=op.f("ck_discount_codes_kind_valid")),
        sa.CheckConstraint("kind <> 'percent' OR (value >= 1 AND value <= 100)",
                           name=op.f("ck_discount_codes_percent_range")),
        sa.CheckConstraint("kind <> 'fixed' OR value > 0", name=op.f("ck_discount_codes_fixed_positive")),
        sa.CheckConstraint("minimum_subtotal_cents >= 0", name=op.f("ck_discount_codes_minimum_not_negative")),
        sa.CheckConstraint("times_used >= 0", name=op.f("ck_discount_codes_times_used_not_negative")),
        sa.CheckConstraint("usage_limit IS NULL OR times_used <= usage_limit",
                           name=op.f("ck_discount_codes_within_usage_limit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_discount_codes_code")),
    )
    op.create_table(
        "discount_redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["discount_codes.id"], ondelete="RESTRICT",
                                name=op.f("fk_discount_redemptions_code_id_discount_codes")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], ondelete="CASCADE",
                                name=op.f("fk_discount_redemptions_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_redemptions")),
        sa.UniqueConstraint("order_id", name=op.f("uq_discount_redemptions_order_id")),
    )
    op.create_index("ix_discount_redemptions_code_email", "discount_redemptions", ["code_id", "email"])
    op.create_table(
        "shipping_zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_zones")),
        sa.UniqueConstraint("name", name=op.f("uq_shipping_zones_name")),
    )
    op.create_table(
        "shipping_zone_countries",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["zone_id"], ["shipping_zones.id"], ondelete="CASCADE",
                                name=op.f("fk_shipping_zone_countries_zone_id_shipping_zones")),
        sa.PrimaryKeyConstraint("country", name=op.f("pk_shipping_zone_countries")),
    )
    op.create_index(op.f("ix_shipping_zone_countries_zone_id"), "shipping_zone_countries", ["zone_id"])
    op.create_table(
        "shipping_methods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("delivery_estimate", sa.String(length=80), nullable=False),
        sa.Column("basis", sa.String(length=10), nullable=False),
        sa.Column("bands", sa.JSON(), nullable=False),
        sa.Column("free_over_cents", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.CheckConstraint("basis IN ('weight', 'subtotal')", name=op.f("ck_shipping_methods_basis_valid")),
        sa.CheckConstraint("free_over_cents IS NULL OR free_over_cents >= 0",
                           name=op.f("ck_shipping_methods_free_over_not_negative")),
        sa.ForeignKeyConstraint(["zone_id"], ["shipping_zones.id"], ondelete="CASCADE",
                                name=op.f("fk_shipping_methods_zone_id_shipping_zones")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_methods")),
        sa.UniqueConstraint("zone_id", "code", name=op.f("uq_shipping_methods_zone_code")),
    )
    op.create_index(op.f("ix_shipping_methods_zone_id"), "shipping_methods", ["zone_id"])
    op.create_table(
        "tax_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=10), server_default="", nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("rate_ppm", sa.Integer(), nullable=False),
        sa.Column("inclusive", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("shipping_taxable", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("rate_ppm >= 0 AND rate_ppm <= 500000", name=op.f("ck_tax_rates_rate_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_rates")),
        sa.UniqueConstraint("country", "region", name=op.f("uq_tax_rates_country_region")),
    )


def downgrade():
    op.drop_table("tax_rates")
    op.drop_index(op.f("ix_shipping_methods_zone_id"), table_name="shipping_methods")
    op.drop_table("shipping_methods")
    op.drop_index(op.f("ix_shipping_zone_countries_zone_id"), table_name="shipping_zone_countries")
    op.drop_table("shipping_zone_countries")
    op.drop_table("shipping_zones")
    op.drop_index("ix_discount_redemptions_code_email", table_name="discount_redemptions")
    op.drop_table("discount_redemptions")
    op.drop_table("discount_codes")
