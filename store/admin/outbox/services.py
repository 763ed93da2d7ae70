"""Back office over the outbox: what is queued, sent and failed, and staff resends (audited)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from store import outbox
from store.admin.audit import services as audit
from store.db import transaction
from store.extensions import db
from store.orders import emails as order_emails
from store.orders.services import lock_order
from store.outbox import OutboxError, OutboxMessage, OutboxStatus
from store.util import page_number

STATUSES = ("queued", "sent", "failed")
NO_RESEND_COPY = {"password_reset"}  # an old reset link is not resent: the customer asks for a new one


@dataclass
class OutboxFilter:
    status: str = ""
    page: int = 1


def parse_filter(args) -> OutboxFilter:
    status = args.get("status") or ""
    return OutboxFilter(status=status if status in STATUSES else "", page=page_number(args.get("page")))


def list_statement(f: OutboxFilter):
    stmt = select(OutboxMessage)
    if f.status:
        stmt = stmt.where(OutboxMessage.status == f.status)
    return stmt.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


def status_counts() -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return counts


def can_resend(row: OutboxMessage) -> bool:
    return row.status == OutboxStatus.FAILED or (row.status == OutboxStatus.SENT and row.kind not in NO_RESEND_COPY)


def resend(message_id: int, *, actor_id: int | None) -> tuple[OutboxMessage, str]:
    """A failed message goes back in the queue; a sent one is queued again as a copy. Audited."""
    with transaction(write=True):
        row = db.session.get(OutboxMessage, message_id, populate_existing=True, with_for_update=True)
        if row is None:
            raise OutboxError("That message no longer exists.")
        if row.status == OutboxStatus.SENT and row.kind in NO_RESEND_COPY:
            raise OutboxError("A password reset link is not sent again: the customer can ask for a new one.")
        before = row.status
        queued, action = outbox.requeue_or_copy(message_id)
        audit.record(actor_id, "outbox.resend", ("outbox_message", message_id),
                     {"status": [before, queued.status]},
                     reason=f"{action}: {row.kind} to {row.recipient}" + (f" as #{queued.id}" if queued.id != message_id else ""))
        result = (queued.id, queued.recipient, action)
    return db.session.get(OutboxMessage, result[0]), result[2]


def resend_confirmation(order_id: int, *, actor_id: int | None) -> str:
    """Queue the order confirmation again: the failed one back in the queue, a copy of a sent one, or the first
    one for an order paid before the outbox existed. Only for orders that were paid. Audited."""
    with transaction(write=True):
        order = lock_order(order_id)
        if order is None:
            raise OutboxError("That order no longer exists.")
        if not order.paid_cents:
            raise OutboxError(f"Order {order.number} was never paid: there is no confirmation to send.")
        row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == order_emails.confirmation_key(order.id))
                                .execution_options(populate_existing=True))
        if row is None:
            order_emails.queue_confirmation(order)
            action = "queued"
        else:
            _, action = outbox.requeue_or_copy(row.id)
        audit.record(actor_id, "order.resend_confirmation", order, {"confirmation": [row.status if row else None,
                                                                                     "queued"]},
                     reason=f"confirmation {action} to {order.email}")
        number = order.number
    return f"The confirmation for order {number} is queued ({'a copy of the sent email' if action == 'copied' else action})."
