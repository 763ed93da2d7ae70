"""Every email the store sends is written to the outbox by the change that causes it, then delivered by the
worker: refund and cancellation (queued by the admin actions), password reset."""
from __future__ import annotations

import re

from tests.admin.test_orders import _paid, _pending
from tests.jobs.helpers import rows


def test_a_refund_emails_the_buyer_what_was_refunded(app, db, admin_client, shop, mail_server, outbox_worker):
    server = mail_server()
    order_id = _paid(app, shop.roller)
    url = f"/admin/orders/{order_id}/refund"
    assert admin_client.post(url, data={"amount": "10.00", "reason": "Dented box", "idempotency_key": "r1"}).status_code == 302
    admin_client.post(url, data={"amount": "10.00", "reason": "Dented box", "idempotency_key": "r1"})  # sent twice
    assert admin_client.post(url, data={"amount": "19.95", "idempotency_key": "r2"}).status_code == 302
    outbox_worker.drain()
    refunds = [m for m in server.handler.to("buyer@example.com") if "refund" in m["Subject"].lower()]
    assert len(refunds) == 2  # one per refund; the double-submitted form queued nothing more
    # Two workers may deliver them in either order: the first refund is the one with the reason.
    first, second = sorted((server.handler.text_of(m) for m in refunds), key=lambda text: "Dented box" not in text)
    assert "$10.00" in first and "Dented box" in first and "$10.00 of the $29.95" in first
    assert "$19.95" in second and "everything you paid" in second
    assert refunds[0].get_body(preferencelist=("html",)) is not None
    kinds = [r.kind for r in rows(app)]
    assert kinds.count("order_refunded") == 2 and kinds.count("order_confirmation") == 1


def test_a_staff_cancellation_emails_the_buyer(app, db, admin_client, shop, mail_server, outbox_worker):
    server = mail_server()
    order_id = _pending(app, shop.oil_small)
    assert admin_client.post(f"/admin/orders/{order_id}/cancel", data={"note": "Out of that size"}).status_code == 302
    outbox_worker.drain()
    [mail] = server.handler.to("buyer@example.com")
    text = server.handler.text_of(mail)
    assert "was cancelled" in mail["Subject"] and "Nothing was charged" in text and "Out of that size" in text
    assert mail.get_body(preferencelist=("html",)) is not None


def test_expiry_and_a_refused_cancel_send_nothing(app, db, admin_client, shop, mail_server, outbox_worker):
    """Only staff cancellations and refunds email; expiry does not, and a refused action queues nothing."""
    from datetime import timedelta

    from store.orders.models import Order
    from store.orders.services import expire_due_orders
    from store.util import utcnow
    server = mail_server()
    pending = _pending(app, shop.roller)
    db.session.get(Order, pending).expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert expire_due_orders() == 1
    paid = _paid(app, shop.roller)
    # A refused action (shipping without a carrier) queues nothing.
    admin_client.post(f"/admin/orders/{paid}/ship", data={"carrier": "", "tracking_number": ""})
    outbox_worker.drain()
    assert [r.kind for r in rows(app)] == ["order_confirmation"]
    assert len(server.handler.messages) == 1


def test_password_reset_is_queued_by_the_request_and_sent_by_the_worker(app, client, make_user, mail_server,
                                                                       start_worker):
    server = mail_server()
    make_user("reset@example.com")
    client.post("/account/reset", data={"email": "reset@example.com"})
    assert server.connections == 0  # the request only wrote the row
    [row] = rows(app)
    assert row.kind == "password_reset" and row.recipient == "reset@example.com"
    assert re.fullmatch(r"password-reset:\d+:[0-9a-f]{24}", row.key)  # keyed by a hash, never the token
    start_worker().drain()
    [mail] = server.handler.to("reset@example.com")
    assert "/account/reset/" in server.handler.text_of(mail)
