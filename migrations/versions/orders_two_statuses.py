"""Orders: two state machines (payment_status, fulfilment_status) instead of one state; resumable checkout
(cart_id, one open order per cart), Checkout Session attempts, refunds recorded as intents with lines.

Existing rows' single state is split into the two columns: pending_payment -> pending / unfulfilled,
paid -> paid / unfulfilled, shipped -> paid / shipped, delivered -> paid / delivered, cancelled -> voided,
expired -> expired, refunded and partially_refunded keep their payment status and are shipped or delivered when
their history (shipped_at, a "delivered" event) says so. Order events get their machine and the new names.

Revision ID: orders_1
Revises: pages_2
"""
import sqlalchemy as sa
from alembic import op

revision = "orders_1"
down_revision = "pages_2"
branch_labels = None
depends_on = None

PAYMENT = {"pending_payment": "pending", "paid": "paid", "shipped": "paid", "delivered": "paid",
           "cancelled": "voided", "expired": "expired", "refunded": "refunded",
           "partially_refunded": "partially_refunded"}


def upgrade():
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("payment_status", sa.String(30), nullable=False, server_default="pending"))
        batch.add_column(sa.Column("fulfilment_status", sa.String(30), nullable=False, server_default="unfulfilled"))
        batch.add_column(sa.Column("cart_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("checkout_attempt", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("visitor_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("session_expires_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("delivered_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("order_lines") as batch:
        batch.add_column(sa.Column("refunded_quantity", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("restocked_quantity", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("order_events") as batch:
        batch.add_column(sa.Column("machine", sa.String(20), nullable=False, server_default="payment"))
    with op.batch_alter_table("refunds") as batch:
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="succeeded"))
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="refund"))
        batch.add_column(sa.Column("failure", sa.String(300), nullable=False, server_default=""))
        batch.add_column(sa.Column("completed_at", sa.DateTime(), nullable=True))

    bind = op.get_bind()
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("state", sa.String),
                      sa.column("shipped_at", sa.DateTime), sa.column("payment_status", sa.String),
                      sa.column("fulfilment_status", sa.String), sa.column("delivered_at", sa.DateTime))
    events = sa.table("order_events", sa.column("id", sa.Integer), sa.column("order_id", sa.Integer),
                      sa.column("from_state", sa.String), sa.column("to_state", sa.String),
                      sa.column("machine", sa.String), sa.column("created_at", sa.DateTime))
    delivered = {order_id: at for order_id, at in bind.execute(
        sa.select(events.c.order_id, sa.func.max(events.c.created_at)).where(events.c.to_state == "delivered")
        .group_by(events.c.order_id)).fetchall()}
    for order_id, state, shipped_at in bind.execute(sa.select(orders.c.id, orders.c.state, orders.c.shipped_at)):
        payment = PAYMENT.get(state, "pending")
        if state == "delivered" or order_id in delivered:
            fulfilment = "delivered"
        elif state == "shipped" or (shipped_at is not None and payment in ("refunded", "partially_refunded")):
            fulfilment = "shipped"
        else:
            fulfilment = "unfulfilled"
        bind.execute(orders.update().where(orders.c.id == order_id).values(
            payment_status=payment, fulfilment_status=fulfilment, delivered_at=delivered.get(order_id)))
    # Events: shipping and delivery belong to the fulfilment machine; the rest get the new payment names.
    bind.execute(events.update().where(events.c.to_state.in_(["shipped", "delivered"]))
                 .values(machine="fulfilment",
                         from_state=sa.case((events.c.to_state == "shipped", "unfulfilled"), else_="shipped")))
    for old, new in (("pending_payment", "pending"), ("cancelled", "voided"), ("shipped", "paid"),
                     ("delivered", "paid")):
        bind.execute(events.update().where(events.c.machine == "payment", events.c.from_state == old)
                     .values(from_state=new))
        bind.execute(events.update().where(events.c.machine == "payment", events.c.to_state == old)
                     .values(to_state=new))

    with op.batch_alter_table("orders") as batch:
        batch.drop_index("ix_orders_state_placed")
        batch.drop_column("state")
        batch.create_foreign_key("fk_orders_cart_id_carts", "carts", ["cart_id"], ["id"], ondelete="SET NULL")
        batch.create_check_constraint(
            op.f("ck_orders_payment_status_known"),
            "payment_status IN ('pending', 'paid', 'partially_refunded', 'refunded', 'expired', 'voided')")
        batch.create_check_constraint(
            op.f("ck_orders_fulfilment_status_known"), "fulfilment_status IN ('unfulfilled', 'shipped', 'delivered', 'returned')")
        batch.alter_column("payment_status", server_default=None)
        batch.alter_column("fulfilment_status", server_default=None)
        batch.create_index("ix_orders_payment_placed", ["payment_status", "placed_at"])
        batch.create_index("ix_orders_fulfilment_status", ["fulfilment_status"])
        batch.create_index("ix_orders_visitor_key", ["visitor_key"])
    op.create_index("uq_orders_open_cart", "orders", ["cart_id"], unique=True,
                    sqlite_where=sa.text("payment_status = 'pending'"),
                    postgresql_where=sa.text("payment_status = 'pending'"))
    with op.batch_alter_table("order_lines") as batch:
        batch.create_check_constraint(op.f("ck_order_lines_refunded_within_quantity"),
                                      "refunded_quantity >= 0 AND refunded_quantity <= quantity")
        batch.create_check_constraint(op.f("ck_order_lines_restocked_within_quantity"),
                                      "restocked_quantity >= 0 AND restocked_quantity <= quantity")
    with op.batch_alter_table("refunds") as batch:
        batch.create_check_constraint(op.f("ck_refunds_refund_status_known"), "status IN ('pending', 'succeeded', 'failed')")
        batch.create_index("ix_refunds_status", ["status"])
    op.create_table(
        "refund_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("restock", sa.Boolean(), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_refund_lines_quantity_nonnegative")),
        sa.ForeignKeyConstraint(["refund_id"], ["refunds.id"], name=op.f("fk_refund_lines_refund_id_refunds"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_line_id"], ["order_lines.id"],
                                name=op.f("fk_refund_lines_order_line_id_order_lines"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_lines")),
    )
    op.create_index("ix_refund_lines_refund_id", "refund_lines", ["refund_id"])
    op.create_index("ix_refund_lines_order_line_id", "refund_lines", ["order_line_id"])


def downgrade():
    op.drop_table("refund_lines")
    op.drop_index("uq_orders_open_cart", table_name="orders")
    with op.batch_alter_table("refunds") as batch:
        batch.drop_index("ix_refunds_status")
        batch.drop_constraint(op.f("ck_refunds_refund_status_known"), type_="check")
        for name in ("completed_at", "failure", "kind", "status"):
            batch.drop_column(name)
    with op.batch_alter_table("order_events") as batch:
        batch.drop_column("machine")
    with op.batch_alter_table("order_lines") as batch:
        batch.drop_constraint(op.f("ck_order_lines_restocked_within_quantity"), type_="check")
        batch.drop_constraint(op.f("ck_order_lines_refunded_within_quantity"), type_="check")
        batch.drop_column("restocked_quantity")
        batch.drop_column("refunded_quantity")
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("state", sa.String(30), nullable=False, server_default="pending_payment"))
    bind = op.get_bind()
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("state", sa.String),
                      sa.column("payment_status", sa.String), sa.column("fulfilment_status", sa.String))
    for order_id, payment, fulfilment in bind.execute(
            sa.select(orders.c.id, orders.c.payment_status, orders.c.fulfilment_status)):
        state = {"pending": "pending_payment", "voided": "cancelled"}.get(payment, payment)
        if payment == "paid" and fulfilment in ("shipped", "delivered"):
            state = fulfilment
        bind.execute(orders.update().where(orders.c.id == order_id).values(state=state))
    with op.batch_alter_table("orders") as batch:
        batch.drop_index("ix_orders_visitor_key")
        batch.drop_index("ix_orders_fulfilment_status")
        batch.drop_index("ix_orders_payment_placed")
        batch.drop_constraint(op.f("ck_orders_fulfilment_status_known"), type_="check")
        batch.drop_constraint(op.f("ck_orders_payment_status_known"), type_="check")
        batch.drop_constraint("fk_orders_cart_id_carts", type_="foreignkey")
        for name in ("delivered_at", "session_expires_at", "visitor_key", "checkout_attempt", "cart_id",
                     "fulfilment_status", "payment_status"):
            batch.drop_column(name)
        batch.create_index("ix_orders_state_placed", ["state", "placed_at"])
