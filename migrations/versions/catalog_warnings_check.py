"""catalog: an active product's warnings may not be only newlines or tabs either

SQL's trim() strips spaces only, so warnings of "\n" passed the original check although the product page would
show no warning. PostgreSQL: the check is replaced (ALTER TABLE, validated against existing rows).
SQLite: changing a CHECK means recreating the table, and dropping `products` would cascade-delete every
variant and image (foreign keys are on and cannot be switched off inside the migration's transaction), so
SQLite keeps the original check and gains two triggers that enforce the stricter rule.

Revision ID: catalog_1
Revises: 0001
"""
from alembic import op

revision = "catalog_1"
down_revision = "0001"
branch_labels = None
depends_on = None

NAME = "ck_products_active_needs_warnings"
NEW = ("status <> 'active' OR "
       "length(trim(replace(replace(replace(warnings, '\n', ' '), '\r', ' '), '\t', ' '))) > 0")
OLD = "status <> 'active' OR length(trim(warnings)) > 0"

_SQLITE_BLANK = ("NEW.status = 'active' AND length(trim(replace(replace(replace(NEW.warnings, char(10), ' '), "
                 "char(13), ' '), char(9), ' '))) = 0")
_SQLITE_TRIGGERS = {
    "trg_products_active_needs_warnings_insert": "BEFORE INSERT ON products",
    "trg_products_active_needs_warnings_update": "BEFORE UPDATE OF status, warnings ON products",
}


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name, when in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW WHEN {_SQLITE_BLANK} "
                       f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {NAME}'); END")
        return
    op.drop_constraint(op.f(NAME), "products", type_="check")
    op.create_check_constraint(op.f(NAME), "products", NEW)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.drop_constraint(op.f(NAME), "products", type_="check")
    op.create_check_constraint(op.f(NAME), "products", OLD)
