"""users.role: the back office's three roles (owner, staff, readonly); every existing admin becomes owner

The CHECK constraint widens from ('customer', 'admin') to ('customer', 'owner', 'staff', 'readonly') and every
'admin' row becomes 'owner' (what each role may do: store/admin/roles.py).

PostgreSQL: drop the old check, update the rows, add the new check (validated against every row).
SQLite cannot change a CHECK in place, so batch mode rebuilds `users` (copy, drop, rename). Dropping `users`
with foreign keys on would run its children's ON DELETE actions (addresses, sessions, two-factor secrets and
recovery codes deleted; orders' and audit rows' user ids set to NULL), so, as in variant_low_stock_null.py, the
rebuild runs with SQLite's foreign keys off in one transaction of its own and is checked with PRAGMA
foreign_key_check. The old check refuses 'owner' and the new one refuses 'admin', so on SQLite the rows are
updated first with `PRAGMA ignore_check_constraints` on for that one UPDATE; the rebuilt table's new check then
validates every copied row.

Downgrade: owners become 'admin' again; staff and read-only users become customers (the old schema has only
the all-powerful admin, and nobody should gain rights by a downgrade).

Revision ID: roles_1
Revises: accounts_sess_1
"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "roles_1"
down_revision = "inv_receipts_1"
branch_labels = None
depends_on = None

NAME = "ck_users_role_valid"
NEW = "role IN ('customer', 'owner', 'staff', 'readonly')"
OLD = "role IN ('customer', 'admin')"
UP = "UPDATE users SET role = 'owner' WHERE role = 'admin'"
DOWN = ("UPDATE users SET role = CASE WHEN role = 'owner' THEN 'admin' ELSE 'customer' END "
        "WHERE role IN ('owner', 'staff', 'readonly')")


@contextmanager
def _sqlite_foreign_keys_off():
    bind = op.get_bind()
    if not bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        yield
        return
    context = op.get_context()
    with context.autocommit_block():  # the pragma is a no-op inside a transaction
        op.get_bind().exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind = op.get_bind()
    try:
        if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
            raise RuntimeError("SQLite foreign keys could not be switched off; not rebuilding `users`, "
                               "which would delete the rows that refer to it")
        bind.exec_driver_sql("BEGIN IMMEDIATE")  # one transaction for the whole rebuild
        yield
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken after rebuilding `users`: {broken[:5]}")
    except BaseException:
        bind.rollback()
        raise
    finally:
        with context.autocommit_block():  # commits the rebuild (nothing after a rollback)
            op.get_bind().exec_driver_sql("PRAGMA foreign_keys=ON")


def _swap(rows_sql: str, check: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(NAME), "users", type_="check")
        op.execute(sa.text(rows_sql))
        op.create_check_constraint(op.f(NAME), "users", check)
        return
    with _sqlite_foreign_keys_off():
        bind = op.get_bind()
        bind.exec_driver_sql("PRAGMA ignore_check_constraints=ON")  # the old check refuses the new values
        try:
            bind.exec_driver_sql(rows_sql)
        finally:
            bind.exec_driver_sql("PRAGMA ignore_check_constraints=OFF")
        with op.batch_alter_table("users", recreate="always") as batch_op:
            batch_op.drop_constraint(op.f(NAME), type_="check")
            batch_op.create_check_constraint(op.f(NAME), check)


def upgrade():
    _swap(UP, NEW)


def downgrade():
    _swap(DOWN, OLD)
