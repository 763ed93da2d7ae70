"""The back office outbox page, resend (a failed row re-queued, a sent one copied) and "resend confirmation",
each audited; with CSRF on, neither POST works without the token."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from config import TestingConfig
from store import create_app
from store.extensions import db as _db
from store.outbox import OutboxMessage
from tests.admin.conftest import audit_rows
from tests.jobs.helpers import order, paid_order, rows


def _fail(app, row_id, error="451 4.3.0 Try again later"):
    with app.app_context():
        _db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                            .values(status="failed", attempts=5, last_error=error))
        _db.session.commit()
        _db.session.remove()


def test_outbox_page_lists_rows_by_status(app, db, admin_client, shop):
    first, second = paid_order(app, shop.roller, email="a@example.com"), paid_order(app, shop.roller, email="b@example.com")
    a, b = rows(app)
    _fail(app, a.id, "451 mailbox busy")
    html = admin_client.get("/admin/outbox").get_data(as_text=True)
    assert "a@example.com" in html and "b@example.com" in html and "451 mailbox busy" in html
    assert 'data-count-failed="1"' in html and 'data-count-queued="1"' in html
    failed = admin_client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "a@example.com" in failed and "b@example.com" not in failed
    assert admin_client.get("/admin/outbox?status=nonsense&page=-3").status_code == 200
    assert 'href="/admin/outbox"' in admin_client.get("/admin/").get_data(as_text=True)  # in the admin nav


def test_resend_requeues_a_failed_row_and_copies_a_sent_one(app, db, admin_client, shop, mail_server, outbox_worker):
    server = mail_server()
    order_id = paid_order(app, shop.roller)
    outbox_worker.drain()
    [sent] = rows(app)
    assert sent.status == "sent" and len(server.handler.messages) == 1
    # A sent message: a copy (new row, new Message-ID) is queued and delivered.
    response = admin_client.post(f"/admin/outbox/{sent.id}/resend", follow_redirects=True)
    assert "A copy of the message to buyer@example.com is queued" in response.get_data(as_text=True)
    outbox_worker.drain()
    original, copy = rows(app)
    assert copy.copy_of_id == original.id and copy.status == "sent" and copy.message_id != original.message_id
    assert [m["Message-ID"] for m in server.handler.messages] == [original.message_id, copy.message_id]
    # A failed message goes back in the queue (attempts start again) and is delivered.
    _fail(app, copy.id)
    admin_client.post(f"/admin/outbox/{copy.id}/resend")
    outbox_worker.drain()
    requeued = rows(app)[1]
    assert (requeued.status, requeued.attempts, requeued.message_id) == ("sent", 1, copy.message_id)
    assert len(server.handler.messages) == 3
    entries = audit_rows(db, "outbox.resend")
    assert len(entries) == 2 and {e.changes["status"][0] for e in entries} == {"sent", "failed"}
    # A queued message cannot be "resent"; an unknown one neither.
    with app.app_context():
        _db.session.execute(update(OutboxMessage).values(status="queued"))
        _db.session.commit()
    assert "still queued" in admin_client.post(f"/admin/outbox/{sent.id}/resend",
                                               follow_redirects=True).get_data(as_text=True)
    assert "no longer exists" in admin_client.post("/admin/outbox/999999/resend",
                                                   follow_redirects=True).get_data(as_text=True)
    assert order(app, order_id).confirmation_sent_at is not None


def test_resend_confirmation_of_a_still_queued_one_queues_nothing(app, db, admin_client, shop):
    order_id = paid_order(app, shop.roller)  # no worker running: the confirmation stays queued
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert 'data-action="resend-confirmation"' in page and "Not delivered yet" in page
    response = admin_client.post(f"/admin/orders/{order_id}/resend-confirmation", follow_redirects=True)
    assert "still queued" in response.get_data(as_text=True) and len(rows(app)) == 1
    assert audit_rows(db, "order.resend_confirmation") == []


def test_resend_confirmation_copies_a_delivered_one_and_is_audited(app, db, admin_client, shop, mail_server,
                                                                   outbox_worker):
    server = mail_server()
    order_id = paid_order(app, shop.roller)
    outbox_worker.drain()
    assert "Delivered" in admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    response = admin_client.post(f"/admin/orders/{order_id}/resend-confirmation", follow_redirects=True)
    assert "is queued (a copy of the sent email)" in response.get_data(as_text=True)
    outbox_worker.drain()
    assert len(server.handler.to("buyer@example.com")) == 2
    [entry] = audit_rows(db, "order.resend_confirmation")
    assert entry.object_id == str(order_id) and "copied" in entry.reason
    # An order that was never paid has no confirmation to resend.
    from tests.checkout.helpers import place
    with app.app_context():
        pending = place([(shop.roller, 1)]).id
    response = admin_client.post(f"/admin/orders/{pending}/resend-confirmation", follow_redirects=True)
    assert "never paid" in response.get_data(as_text=True)
    assert 'data-action="resend-confirmation"' not in admin_client.get(f"/admin/orders/{pending}").get_data(as_text=True)


def test_resend_confirmation_queues_one_for_an_order_that_has_none(app, db, admin_client, shop, mail_server,
                                                                   outbox_worker):
    """An order paid before the outbox existed (no row): a first confirmation is queued."""
    server = mail_server()
    order_id = paid_order(app, shop.roller)
    # The running worker delivers the payment's own confirmation as soon as it is queued, so let it finish first
    # (it raced the delete below and sometimes made two emails); then the order is left with no outbox row.
    outbox_worker.drain()
    with app.app_context():
        _db.session.execute(OutboxMessage.__table__.delete())
        _db.session.commit()
    before = len(server.handler.messages)
    admin_client.post(f"/admin/orders/{order_id}/resend-confirmation")
    outbox_worker.drain()
    [row] = rows(app)
    assert row.key == f"order-confirmation:{order_id}" and row.status == "sent"
    assert len(server.handler.messages) == before + 1


@pytest.fixture
def csrf_admin(app, database_url, make_user, login_as):
    csrf_app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True)
    admin = make_user("boss@example.com", role="admin")
    client = csrf_app.test_client()
    login_as(client, admin)
    yield client
    with csrf_app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_both_posts_need_the_csrf_token(app, shop, csrf_admin):
    order_id = paid_order(app, shop.roller)
    [row] = rows(app)
    _fail(app, row.id)
    assert csrf_admin.post(f"/admin/outbox/{row.id}/resend").status_code in (302, 400)
    assert csrf_admin.post(f"/admin/orders/{order_id}/resend-confirmation").status_code in (302, 400)
    assert [r.status for r in rows(app)] == ["failed"]  # nothing was re-queued without the token
    page = csrf_admin.get("/admin/outbox").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert csrf_admin.post(f"/admin/outbox/{row.id}/resend", data={"csrf_token": token}).status_code == 302
    assert [r.status for r in rows(app)] == ["queued"]
