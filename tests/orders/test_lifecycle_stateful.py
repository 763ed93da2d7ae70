"""Issue 17, done-when: a stateful property-based test (hypothesis) drives random sequences of place, pay, expire,
cancel, ship, deliver, partial and full refunds and returns through store/orders/lifecycle.py, and checks after
each step: the stock ledger equals on-hand (and reserved), no negative availability, refunds never above paid,
and each email kind sent at most once per event. Runs on SQLite and on PostgreSQL (STORE_TEST_DB=postgres)."""
from collections import Counter

from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

from store.catalog.models import Variant
from store.extensions import db
from store.inventory.services import ledger_totals
from store.orders import lifecycle
from store.orders.lifecycle import RefundRequest
from store.orders.models import Order, Refund
from store.outbox import OutboxMessage
from store.payments.refunds import send_refund
from tests.factories import make_disclaimers, make_product, pay_order, place_order


def _empty_tables():
    """Each example starts from empty tables (as tests/conftest.py's _clean_tables leaves them)."""
    from sqlalchemy import text
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


class OrderLifecycle(RuleBasedStateMachine):
    app = None

    @initialize()
    def setup(self):
        self.ctx = self.app.app_context()
        self.ctx.push()
        _empty_tables()
        make_disclaimers()
        self.variants = [make_product(f"Tool {i}", variants=[{"sku": f"T-{i}", "price_cents": 1000 + 250 * i,
                                                              "on_hand": 3}]).variants[0].id for i in range(2)]
        db.session.commit()
        self.orders: list[int] = []
        self.keys = 0

    def teardown(self):
        db.session.remove()
        self.ctx.pop()

    def _key(self):
        self.keys += 1
        return f"k{self.keys}"

    def _order(self, index):
        return db.session.get(Order, self.orders[index % len(self.orders)]) if self.orders else None

    @rule(a=st.integers(0, 3), b=st.integers(0, 3))
    def place(self, a, b):
        lines = [(vid, q) for vid, q in zip(self.variants, (a, b)) if q]
        if not lines:
            return
        try:
            order = place_order(lines, email=f"buyer{len(self.orders)}@example.com", actor="customer")
        except lifecycle.OutOfStock:
            db.session.rollback()
            return
        self.orders.append(order.id)

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 20))
    def pay(self, i):
        pay_order(self._order(i), actor="webhook:stripe")

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 20))
    def expire(self, i):
        lifecycle.expire(self._order(i).id)

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 20))
    def cancel(self, i):
        order = self._order(i)
        try:
            if order.payment_status == "pending":
                lifecycle.cancel_unpaid(order.id, "customer", "changed mind")
            else:
                lifecycle.cancel_paid(order.id, "cancel", self._key(), "owner@example.com", send_refund)
        except (lifecycle.LifecycleError, lifecycle.InvalidTransition):
            db.session.rollback()

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 20))
    def ship(self, i):
        try:
            lifecycle.ship(self._order(i).id, "Parcel Post", f"PP{i}", "staff@example.com")
        except (lifecycle.LifecycleError, lifecycle.InvalidTransition):
            db.session.rollback()

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 20))
    def deliver(self, i):
        try:
            lifecycle.deliver(self._order(i).id, "staff@example.com")
        except lifecycle.InvalidTransition:
            db.session.rollback()

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 20), amount=st.integers(1, 6000))
    def refund_amount(self, i, amount):
        try:
            lifecycle.refund(self._order(i).id, RefundRequest(amount_cents=amount), self._key(), "owner@example.com",
                             send_refund)
        except lifecycle.RefundError:
            db.session.rollback()

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 20), line=st.integers(0, 1), quantity=st.integers(1, 3), restock=st.booleans())
    def refund_lines(self, i, line, quantity, restock):
        order = self._order(i)
        if not order.lines:
            return
        ol = order.lines[line % len(order.lines)]
        try:
            lifecycle.refund(order.id, RefundRequest(lines={ol.id: quantity},
                                                     restock={ol.id: quantity} if restock else {}),
                             self._key(), "owner@example.com", send_refund)
        except lifecycle.RefundError:
            db.session.rollback()

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(0, 20), line=st.integers(0, 1), quantity=st.integers(1, 3))
    def return_to_stock(self, i, line, quantity):
        order = self._order(i)
        if not order.lines:
            return
        ol = order.lines[line % len(order.lines)]
        try:
            lifecycle.return_to_stock(order.id, {ol.id: quantity}, "staff@example.com")
        except lifecycle.LifecycleError:
            db.session.rollback()

    # ------------------------------------------------------------------ invariants, after every step

    @invariant()
    def stock_ledger_equals_on_hand_and_nothing_negative(self):
        if not hasattr(self, "variants"):
            return
        db.session.expire_all()
        for vid in self.variants:
            v = db.session.get(Variant, vid)
            assert ledger_totals(vid) == (v.on_hand, v.reserved)
            assert v.on_hand >= 0 and v.reserved >= 0 and v.on_hand - v.reserved >= 0
        # Reserved equals what open (pending) orders hold.
        held = Counter()
        for order in db.session.scalars(select(Order).where(Order.payment_status == "pending")):
            for line in order.lines:
                held[line.variant_id] += line.quantity
        for vid in self.variants:
            assert db.session.get(Variant, vid).reserved == held[vid]

    @invariant()
    def refunds_never_above_paid(self):
        if not hasattr(self, "variants"):
            return
        db.session.expire_all()
        for order in db.session.scalars(select(Order)):
            succeeded = db.session.scalar(select(func.coalesce(func.sum(Refund.amount_cents), 0)).where(
                Refund.order_id == order.id, Refund.status == "succeeded"))
            assert order.refunded_cents == succeeded <= order.paid_cents
            for line in order.lines:
                assert 0 <= line.refunded_quantity <= line.quantity and 0 <= line.restocked_quantity <= line.quantity
            if order.refunded_cents and order.refunded_cents == order.paid_cents:
                assert order.payment_status == "refunded"
            elif order.refunded_cents:
                assert order.payment_status == "partially_refunded"

    @invariant()
    def each_email_at_most_once_per_event(self):
        if not hasattr(self, "variants"):
            return
        keys = db.session.scalars(select(OutboxMessage.key)).all()
        assert len(keys) == len(set(keys))
        per_order = Counter(db.session.execute(select(OutboxMessage.order_id, OutboxMessage.kind)).all())
        for (order_id, kind), n in per_order.items():
            if kind in ("order_confirmation", "order_shipped", "order_cancelled", "order_paid_too_late"):
                assert n == 1, (order_id, kind, n)
            if kind == "order_refunded":
                refunds = db.session.scalar(select(func.count(Refund.id)).where(
                    Refund.order_id == order_id, Refund.status == "succeeded", Refund.kind.not_in(["cancel", "late"])))
                assert n == refunds


def test_random_order_lifecycles_keep_stock_money_and_email_straight(app):
    OrderLifecycle.app = app
    run = OrderLifecycle.TestCase
    run.settings = settings(max_examples=40, stateful_step_count=30, deadline=None,
                            suppress_health_check=list(HealthCheck))
    run("runTest").runTest()
