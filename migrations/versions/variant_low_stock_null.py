"""variants.low_stock_threshold may be NULL: "use the store default" (config LOW_STOCK_THRESHOLD)

The column becomes nullable and has no server default; existing rows keep their values. A NULL threshold
means the availability policy's default (store.catalog.availability.low_stock_threshold).

PostgreSQL: a plain ALTER COLUMN (batch mode runs it in place). SQLite cannot change a column's NOT NULL in
place, so batch mode rebuilds `variants` (copy, drop, rename). With foreign keys on, dropping `variants` would
run its children's ON DELETE actions (cart lines and stock movements deleted, order lines' variant_id set to
NULL), so the rebuild runs with SQLite's foreign keys switched off (which only takes effect outside a
transaction, hence the autocommit blocks) in one transaction of its own, is checked with PRAGMA
foreign_key_check, and switches them back on. Downgrade gives rows without a threshold the old default, 3, before making the column NOT NULL again.

Revision ID: variant_low_1
Revises: catalog_1
"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "variant_low_1"
down_revision = "catalog_1"
branch_labels = None
depends_on = None

OLD_DEFAULT = 3  # the model's default before NULL meant "store default"


@contextmanager
def _sqlite_foreign_keys_off():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or not bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        yield
        return
    context = op.get_context()
    with context.autocommit_block():  # the pragma is a no-op inside a transaction
        op.get_bind().exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind = op.get_bind()
    try:
        if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
            raise RuntimeError("SQLite foreign keys could not be switched off; not rebuilding `variants`, "
                               "which would delete the rows that refer to it")
        # One explicit transaction for the whole rebuild: the driver would leave the DDL before the first
        # INSERT outside it (a failed rebuild would then leave its _alembic_tmp_variants behind).
        bind.exec_driver_sql("BEGIN IMMEDIATE")
        yield
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken after rebuilding `variants`: {broken[:5]}")
    except BaseException:
        bind.rollback()  # undo the rebuild before the checks come back on
        raise
    finally:
        with context.autocommit_block():  # commits the rebuild (nothing after a rollback)
            op.get_bind().exec_driver_sql("PRAGMA foreign_keys=ON")


def _set_nullable(nullable: bool) -> None:
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table("variants", schema=None) as batch_op:
            batch_op.alter_column("low_stock_threshold", existing_type=sa.Integer(), nullable=nullable,
                                  server_default=None)


def upgrade():
    _set_nullable(True)


def downgrade():
    op.execute(sa.text("UPDATE variants SET low_stock_threshold = :old WHERE low_stock_threshold IS NULL")
               .bindparams(old=OLD_DEFAULT))
    _set_nullable(False)
