"""Outbox delivery by a real Huey consumer (threads in this process) against real SMTP servers on loopback."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
import threading

from config import Config
from store.extensions import db as _db
from store.outbox import deliver
from tests.jobs.conftest import wait_until
from tests.jobs.helpers import order, paid_order, rows


def test_refused_twice_then_the_confirmation_arrives_exactly_once(app, shop, mail_server, start_worker):
    server = mail_server(refuse_first=2)
    order_id = paid_order(app, shop.roller)
    [row] = rows(app)
    assert (row.key, row.status, row.attempts) == (f"order-confirmation:{order_id}", "queued", 0)
    assert order(app, order_id).confirmation_sent_at is None  # not sent yet, so not recorded as sent
    assert server.handler.attempts == []  # nothing was sent from the payment itself

    start_worker().drain()
    [row] = rows(app)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, "")
    assert len(server.handler.attempts) == 3
    [mail] = server.handler.messages
    assert mail["Message-ID"] == row.message_id
    assert {m["Message-ID"] for m in server.handler.attempts} == {row.message_id}  # one message, retried
    assert "Cedar Foot Roller" in server.handler.text_of(mail)
    assert order(app, order_id).confirmation_sent_at is not None
    time.sleep(1.5)  # nothing more arrives later (no stray retry)
    assert len(server.handler.messages) == 1


def test_backoff_grows_and_the_row_fails_after_the_last_attempt(app, shop, mail_server, start_worker):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    try:
        server = mail_server(refuse_first=100)
        paid_order(app, shop.roller)
        start_worker().drain()
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = 5
    [row] = rows(app)
    assert (row.status, row.attempts) == ("failed", 3) and row.failed_at is not None
    assert "451" in row.last_error
    assert len(server.handler.attempts) == 3 and server.handler.messages == []


def test_a_permanent_refusal_fails_at_once(app, shop, mail_server, start_worker):
    server = mail_server(refuse_first=100, refuse_code="550 5.1.1 No such mailbox")
    paid_order(app, shop.roller)
    start_worker().drain()
    [row] = rows(app)
    assert (row.status, row.attempts) == ("failed", 1) and "550" in row.last_error
    assert len(server.handler.attempts) == 1


def test_default_retries_last_at_least_a_day():
    delays = [Config.OUTBOX_RETRY_DELAY * 2 ** (n - 1) for n in range(1, Config.OUTBOX_MAX_ATTEMPTS)]
    assert sum(delays) >= 24 * 60 * 60
    assert all(later == 2 * earlier for earlier, later in zip(delays, delays[1:]))


def test_the_paying_request_opens_no_smtp_connection(app, client, shop, silent_smtp, mail_server, start_worker):
    """An SMTP server that accepts connections and never answers: the payment is as fast as ever, and the
    request never connects to it. The worker then delivers once a working server is there."""
    from tests.checkout.test_checkout_views import _add, _form
    _add(client, shop.roller, 1)
    number = client.post("/checkout", data=_form(app)).headers["Location"].rsplit("/", 1)[1]
    started = time.monotonic()
    paid = client.post(f"/checkout/demo-pay/{number}", data={"action": "pay"})
    elapsed = time.monotonic() - started
    assert paid.status_code == 302 and elapsed < 2
    assert silent_smtp.connections == 0
    [row] = rows(app)
    assert row.status == "queued" and number in row.subject
    # A worker meets the silent server: the attempt times out (MAIL_TIMEOUT) and is retried later.
    worker = start_worker()
    wait_until(lambda: silent_smtp.connections >= 1, message="the worker to connect")
    wait_until(lambda: rows(app)[0].attempts >= 1 and rows(app)[0].claimed_until is None, timeout=10,
               message="the timed-out attempt to be recorded")
    assert "timed out" in rows(app)[0].last_error and rows(app)[0].status == "queued"
    server = mail_server()  # a working mail server now (the app points at it)
    worker.drain()
    [mail] = server.handler.to("guest@example.com")
    assert mail["Message-ID"] == rows(app)[0].message_id


def test_concurrent_deliveries_of_one_row_send_it_once(app, shop, mail_server):
    """Ten workers handed the same row at the same moment: the claim lets exactly one send it."""
    server = mail_server()
    paid_order(app, shop.roller)
    [row] = rows(app)
    barrier = threading.Barrier(10)

    def attempt(_):
        with app.app_context():
            barrier.wait()
            try:
                return deliver(row.id).outcome
            finally:
                _db.session.remove()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, range(10)))
    assert outcomes.count("sent") == 1 and set(outcomes) <= {"sent", "busy", "done"}
    assert len(server.handler.messages) == 1 and rows(app)[0].status == "sent"


def test_a_row_whose_job_was_lost_is_relayed(app, shop, mail_server, start_worker):
    """A crash between the commit and the enqueue: the row is there, its job is not. The relay finds it."""
    server = mail_server()
    paid_order(app, shop.roller)
    app.extensions["huey"].flush()  # the delivery job is gone
    assert rows(app)[0].status == "queued"
    start_worker(periodic=True).drain()
    assert len(server.handler.messages) == 1 and rows(app)[0].status == "sent"
