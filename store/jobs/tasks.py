"""The jobs: deliver one outbox row, and the periodic ones (expire unpaid orders, relay the outbox, reconcile
Stripe payments, purge abandoned guest carts and old sent emails, the daily low-stock email, review invitations). Registered on the app's Huey instance by ``register``; each job
runs inside an app context and leaves no session behind."""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from flask import Flask
from huey import Huey
from huey.api import TaskWrapper
from huey.exceptions import RetryTask

from store.extensions import db
from store.jobs.queue import Every
from store.util import utcnow

log = logging.getLogger(__name__)


@dataclass
class Jobs:
    deliver_email: TaskWrapper
    expire_orders: TaskWrapper
    relay_outbox: TaskWrapper
    reconcile_payments: TaskWrapper
    purge_carts: TaskWrapper
    purge_outbox: TaskWrapper
    low_stock_email: TaskWrapper
    review_invitations: TaskWrapper

    def enqueue_deliveries(self, row_ids) -> None:
        for row_id in row_ids:
            self.deliver_email(int(row_id))


def register(huey: Huey, app: Flask) -> Jobs:
    config = app.config

    def in_app(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with app.app_context():
                try:
                    return fn(*args, **kwargs)
                finally:
                    db.session.remove()
        return wrapper

    @huey.task(name="outbox.deliver")
    @in_app
    def deliver_email(row_id: int):
        from store import outbox
        result = outbox.deliver(row_id)
        if result.outcome in ("retry", "not_due") and result.retry_at is not None:
            # Huey keeps the job in its schedule until then (the row holds the same time, for the relay).
            delay = max((result.retry_at - utcnow()).total_seconds(), 0.5)
            raise RetryTask(f"outbox row {row_id}: {result.outcome}", delay=delay)
        return result.outcome

    @huey.periodic_task(Every(config["JOBS_EXPIRE_ORDERS_SECONDS"]), name="orders.expire")
    @in_app
    def expire_orders():
        from store.orders.services import expire_due_orders
        count = expire_due_orders()
        if count:
            log.info("Expired %s unpaid order(s)", count)
        return count

    @huey.periodic_task(Every(config["JOBS_RELAY_OUTBOX_SECONDS"]), name="outbox.relay")
    @in_app
    def relay_outbox():
        from store import outbox
        ids = outbox.relay()
        if ids:
            log.info("Relaying %s undelivered outbox row(s)", len(ids))
            jobs.enqueue_deliveries(ids)
        return len(ids)

    @huey.periodic_task(Every(config["JOBS_RECONCILE_SECONDS"]), name="payments.reconcile")
    @in_app
    def reconcile_payments():
        from store.jobs.reconcile import reconcile_payments as run
        return run()

    @huey.periodic_task(Every(config["JOBS_PURGE_CARTS_SECONDS"]), name="cart.purge")
    @in_app
    def purge_carts():
        from store.cart.services import purge_guest_carts
        return purge_guest_carts(app.config["CART_GUEST_MAX_AGE_DAYS"])

    @huey.periodic_task(Every(config["JOBS_PURGE_CARTS_SECONDS"]), name="outbox.purge")
    @in_app
    def purge_outbox():
        from store import outbox
        return outbox.purge_sent(app.config["OUTBOX_KEEP_DAYS"])

    @huey.periodic_task(Every(config["JOBS_LOW_STOCK_EMAIL_SECONDS"]), name="inventory.low_stock_email")
    @in_app
    def low_stock_email():
        from store.admin.inventory.services import send_low_stock_email
        return send_low_stock_email()

    @huey.periodic_task(Every(config["JOBS_REVIEW_INVITATIONS_SECONDS"]), name="reviews.invitations")
    @in_app
    def review_invitations():
        from store.reviews.services import queue_due_invitations
        return queue_due_invitations(app.config["REVIEW_INVITE_AFTER_DAYS"])

    jobs = Jobs(deliver_email, expire_orders, relay_outbox, reconcile_payments, purge_carts, purge_outbox,
                low_stock_email, review_invitations)
    return jobs
