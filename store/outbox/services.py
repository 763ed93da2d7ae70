"""Writing outbox rows (in the caller's transaction) and delivering them (from a worker, one row at a time).

Delivery claims a row with one conditional UPDATE (``status='queued'`` and no live lease), commits, and only
then talks to SMTP: no database lock or write transaction is held while the mail server is slow. A worker that
dies while sending leaves a lease (``claimed_until``) that runs out, after which the relay hands the row to
another worker; the row's Message-ID never changes, so a message that did go out just before the crash is
recognisable as the same message.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from flask import current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from store import mail
from store.db import transaction
from store.extensions import db
from store.outbox.models import OutboxMessage, OutboxStatus
from store.util import utcnow

log = logging.getLogger(__name__)

PENDING_KEY = "outbox_new_ids"  # Session.info: rows written in the current transaction, dispatched on commit

_delivered_hooks: dict[str, list[Callable[[OutboxMessage], None]]] = defaultdict(list)


class OutboxError(Exception):
    """An outbox action staff asked for that cannot be done (shown as a message)."""


def on_delivered(kind: str):
    """Register ``fn(row)`` to run, in the transaction that marks a ``kind`` row sent (e.g. the order
    confirmation sets ``orders.confirmation_sent_at``). Lets areas react without the outbox importing them."""
    def decorator(fn):
        if fn not in _delivered_hooks[kind]:
            _delivered_hooks[kind].append(fn)
        return fn
    return decorator


def stable_key(prefix: str, *parts: object, secret: str | None = None) -> str:
    """A dedupe key; ``secret`` (e.g. a reset token) is hashed, never stored."""
    key = ":".join([prefix, *(str(p) for p in parts)])
    if secret is not None:
        key += ":" + hashlib.sha256(secret.encode()).hexdigest()[:24]
    return key[:200]


# ------------------------------------------------------------------ writing

def render_email(template: str, **context) -> tuple[str, str | None]:
    """templates/emails/<template>.txt, and .html when it exists (the shared layout, its CSS inlined)."""
    text = render_template(f"emails/{template}.txt", **context)
    try:
        html = render_template(f"emails/{template}.html", **context)
    except TemplateNotFound:
        html = None
    return text, mail.inline_css(html)


def enqueue_email(*, key: str, to: str, subject: str, template: str, order_id: int | None = None,
                  **context) -> int | None:
    """Render the email now and write it as an outbox row in the caller's transaction (not committed here).
    Returns the new row's id, or None when a row with this key already exists (nothing is written)."""
    text, html = render_email(template, **context)
    return enqueue_message(key=key, kind=template, to=to, subject=subject, text=text, html=html,
                           order_id=order_id)


def enqueue_message(*, key: str, kind: str, to: str, subject: str, text: str, html: str | None = None,
                    order_id: int | None = None, copy_of_id: int | None = None) -> int | None:
    connection = db.session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    stmt = (insert(OutboxMessage).values(
        key=key[:200], kind=kind[:40], recipient=to[:254], subject=subject[:300], body_text=text, body_html=html,
        message_id=mail.new_message_id(), order_id=order_id, copy_of_id=copy_of_id,
        status=OutboxStatus.QUEUED.value, attempts=0, next_attempt_at=now, last_error="", created_at=now)
        .on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMessage.id))
    row_id = db.session.execute(stmt).scalar()
    if row_id is None:
        log.info("Outbox: %s is already queued or sent; not written again", key)
        return None
    db.session.info.setdefault(PENDING_KEY, []).append(row_id)
    return row_id


# ------------------------------------------------------------------ delivering

@dataclass(frozen=True)
class Delivery:
    outcome: str  # sent | retry | failed | busy | not_due | done | not_found
    retry_at: datetime | None = None
    error: str = ""


@dataclass(frozen=True)
class _Claimed:
    recipient: str
    subject: str
    body_text: str
    body_html: str | None
    message_id: str
    attempts: int


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: the base delay after the first failed attempt, doubling after each one."""
    base = current_app.config["OUTBOX_RETRY_DELAY"]
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def _claimable(now: datetime):
    return (OutboxMessage.status == OutboxStatus.QUEUED.value,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))


def claim(row_id: int, now: datetime | None = None) -> tuple[str, _Claimed | None]:
    """Take one row for sending: a conditional UPDATE, committed at once. Returns (token, data) or ("", None)."""
    now = now or utcnow()
    token = secrets.token_hex(16)
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    with transaction(write=True):
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.next_attempt_at <= now, *_claimable(now))
            .values(claimed_until=now + lease, claimed_by=token, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            return "", None
        row = db.session.execute(
            select(OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body_text,
                   OutboxMessage.body_html, OutboxMessage.message_id, OutboxMessage.attempts)
            .where(OutboxMessage.id == row_id)).one()
        data = _Claimed(*row)
    return token, data


def _not_claimed(row_id: int, now: datetime) -> Delivery:
    row = db.session.execute(select(OutboxMessage.status, OutboxMessage.claimed_until,
                                    OutboxMessage.next_attempt_at).where(OutboxMessage.id == row_id)).first()
    db.session.rollback()
    if row is None:
        return Delivery("not_found")
    status, claimed_until, next_attempt_at = row
    if status != OutboxStatus.QUEUED:
        return Delivery("done")
    if claimed_until is not None and claimed_until >= now:
        return Delivery("busy", retry_at=claimed_until)
    return Delivery("not_due", retry_at=next_attempt_at)


def deliver(row_id: int) -> Delivery:
    """Send one outbox row. Safe to call from any number of workers at once: only the one whose claim
    succeeds sends. A failure is recorded on the row with the time of the next attempt (exponential backoff);
    after OUTBOX_MAX_ATTEMPTS attempts, or a permanent refusal, the row is marked failed."""
    now = utcnow()
    token, data = claim(row_id, now)
    if data is None:
        return _not_claimed(row_id, now)
    message = mail.build_message(data.recipient, data.subject, data.body_text, data.body_html,
                                 message_id=data.message_id)
    # The claim is committed: no transaction is open while we talk to the mail server.
    try:
        mail.send_message(message)
    except mail.MailError as exc:
        return _record_failure(row_id, token, data.attempts, exc)
    _mark_sent(row_id)
    return Delivery("sent")


def _record_failure(row_id: int, token: str, attempts: int, exc: mail.MailError) -> Delivery:
    now = utcnow()
    error = str(exc)[:2000]
    final = exc.permanent or attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
    values = dict(claimed_until=None, claimed_by=None, last_error=error)
    if final:
        values.update(status=OutboxStatus.FAILED.value, failed_at=now)
    else:
        retry_at = now + retry_delay(attempts)
        values.update(next_attempt_at=retry_at)
    with transaction(write=True):
        db.session.execute(update(OutboxMessage)
                           .where(OutboxMessage.id == row_id, OutboxMessage.claimed_by == token,
                                  OutboxMessage.status == OutboxStatus.QUEUED.value)
                           .values(**values).execution_options(synchronize_session=False))
    if final:
        log.error("Outbox row %s failed for good after %s attempt(s): %s", row_id, attempts, error)
        return Delivery("failed", error=error)
    log.warning("Outbox row %s: attempt %s failed (%s); next attempt at %s", row_id, attempts, error, retry_at)
    return Delivery("retry", retry_at=retry_at, error=error)


def _mark_sent(row_id: int) -> None:
    now = utcnow()
    with transaction(write=True):
        result = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.status != OutboxStatus.SENT.value)
            .values(status=OutboxStatus.SENT.value, sent_at=now, claimed_until=None, claimed_by=None,
                    last_error="", failed_at=None)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            return
        row = db.session.get(OutboxMessage, row_id, populate_existing=True)
        for hook in _delivered_hooks.get(row.kind, ()):
            hook(row)


# ------------------------------------------------------------------ relay and resend

def relay(limit: int = 200) -> list[int]:
    """Rows that should have been delivered by now and are not being sent: a crash between commit and
    enqueue, a lost job, a dead worker's expired lease, a retry whose job vanished. Returns their ids (and
    pushes their next_attempt_at to now, so a second relay soon after leaves them alone). On PostgreSQL the
    rows are read with FOR UPDATE SKIP LOCKED: relays on several machines take disjoint rows."""
    now = utcnow()
    cutoff = now - timedelta(seconds=current_app.config["OUTBOX_RELAY_GRACE"])
    with transaction(write=True):
        stmt = (select(OutboxMessage.id).where(OutboxMessage.next_attempt_at <= cutoff, *_claimable(now))
                .order_by(OutboxMessage.id).limit(limit))
        if db.session.connection().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        ids = list(db.session.scalars(stmt))
        if ids:
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                               .values(next_attempt_at=now).execution_options(synchronize_session=False))
    return ids


def requeue_or_copy(row_id: int) -> tuple[OutboxMessage, str]:
    """Inside the caller's transaction: a failed row goes back in the queue (attempts start again); a sent
    row gets a copy (a new message: new key and Message-ID). Returns (row to be sent, "requeued" | "copied").
    Raises OutboxError for a row still queued."""
    row = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id == row_id).with_for_update()
                             .execution_options(populate_existing=True)).first()
    if row is None:
        raise OutboxError("That message no longer exists.")
    if row.status == OutboxStatus.QUEUED:
        raise OutboxError("That message is still queued: the worker will send it.")
    if row.status == OutboxStatus.FAILED:
        row.status, row.attempts, row.next_attempt_at = OutboxStatus.QUEUED.value, 0, utcnow()
        row.failed_at, row.claimed_until, row.claimed_by = None, None, None
        db.session.flush()
        db.session.info.setdefault(PENDING_KEY, []).append(row.id)
        return row, "requeued"
    original = row.copy_of_id or row.id
    copies = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.copy_of_id == original))
    base = db.session.get(OutboxMessage, original) or row
    new_id = enqueue_message(key=f"{base.key}:copy-{copies + 1}"[:200], kind=row.kind, to=row.recipient,
                             subject=row.subject, text=row.body_text, html=row.body_html, order_id=row.order_id,
                             copy_of_id=original)
    if new_id is None:
        raise OutboxError("A copy of that message was queued a moment ago.")
    return db.session.get(OutboxMessage, new_id), "copied"


def purge_sent(older_than_days: int) -> int:
    """Delete sent rows older than ``older_than_days`` (their copies' link to them is cleared by the foreign
    key). Queued and failed rows are kept whatever their age. Returns how many were deleted."""
    cutoff = utcnow() - timedelta(days=max(older_than_days, 0))
    with transaction(write=True):
        result = db.session.execute(delete(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT.value,
                                                                OutboxMessage.sent_at < cutoff)
                                    .execution_options(synchronize_session=False))
    return result.rowcount or 0
