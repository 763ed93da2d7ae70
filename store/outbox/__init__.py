"""The transactional outbox (a LOW package: it imports only shared modules).

Every email the store sends is first a row here, written with ``enqueue_email`` in the same transaction as
the change that causes it; ``deliver(row_id)`` sends one row from a worker. When a transaction that wrote
rows commits, the ids go to the dispatcher that the job queue installed (``set_dispatcher``), which enqueues
one delivery job per row; if that fails (or the process dies first) the relay job finds the rows within a
minute. The areas import this package; only store.jobs knows about the queue.
"""
from __future__ import annotations

import logging
from typing import Callable, Iterable

from flask import current_app, has_app_context
from sqlalchemy import event

from store.extensions import db
from store.outbox.models import OutboxMessage, OutboxStatus
from store.outbox.services import (
    PENDING_KEY, Delivery, OutboxError, deliver, enqueue_email, enqueue_message, on_delivered, purge_sent, relay,
    render_email, requeue_or_copy, stable_key,
)

__all__ = ["OutboxMessage", "OutboxStatus", "Delivery", "OutboxError", "deliver", "enqueue_email",
           "enqueue_message", "on_delivered", "purge_sent", "relay", "render_email", "requeue_or_copy", "stable_key", "set_dispatcher"]

log = logging.getLogger(__name__)
EXTENSION = "outbox_dispatcher"


def set_dispatcher(app, dispatch: Callable[[Iterable[int]], None]) -> None:
    """Install ``dispatch(row_ids)``: called after each commit that wrote outbox rows (the job queue)."""
    app.extensions[EXTENSION] = dispatch


@event.listens_for(db.session, "after_commit")
def _dispatch_after_commit(session) -> None:
    ids = session.info.pop(PENDING_KEY, None)
    if not ids or not has_app_context():
        return
    dispatch = current_app.extensions.get(EXTENSION)
    if dispatch is None:
        log.info("Outbox rows %s committed with no job queue installed; the relay will send them", ids)
        return
    try:
        dispatch(list(ids))
    except Exception:  # the rows are committed: the relay job picks them up within a minute
        log.exception("Could not enqueue delivery of outbox rows %s; the relay will retry", ids)


@event.listens_for(db.session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop(PENDING_KEY, None)
