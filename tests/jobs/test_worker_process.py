"""`flask worker` as a real process: killed with SIGKILL in the middle of a delivery, the next worker delivers
the message; one outbox row, one Message-ID."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.jobs.helpers import order, paid_order, rows

ROOT = Path(__file__).resolve().parents[2]


def worker_env(app, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "STORE_", "JOB", "OUTBOX_", "MAIL_"))}
    env.update(
        FLASK_APP="wsgi.py", STORE_ENV="development", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        JOB_QUEUE_URL=app.config["JOB_QUEUE_URL"], JOB_QUEUE_NAME=app.config["JOB_QUEUE_NAME"],
        MAIL_SERVER=str(app.config["MAIL_SERVER"]), MAIL_PORT=str(app.config["MAIL_PORT"]), MAIL_TIMEOUT="30",
        OUTBOX_LEASE_SECONDS="3", OUTBOX_RETRY_DELAY="1", OUTBOX_RELAY_GRACE="1", JOBS_TICK_SECONDS="1",
        JOBS_RELAY_OUTBOX_SECONDS="1", JOBS_EXPIRE_ORDERS_SECONDS="3600", JOBS_RECONCILE_SECONDS="3600",
        RATELIMIT_ENABLED="0", **extra)
    return env


def test_a_worker_killed_mid_delivery_loses_nothing_and_sends_one_message(app, shop, mail_server, start_worker):
    server = mail_server(hold_first=True)
    order_id = paid_order(app, shop.roller)
    [row] = rows(app)
    process = subprocess.Popen([sys.executable, "-m", "flask", "worker", "--workers", "1"], cwd=ROOT,
                               env=worker_env(app), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert server.handler.held.wait(60), "the worker never reached the DATA phase"
        claimed = rows(app)[0]
        assert claimed.status == "queued" and claimed.attempts == 1 and claimed.claimed_until is not None
        process.send_signal(signal.SIGKILL)  # dies holding the claim, the message unacknowledged
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    assert process.returncode == -signal.SIGKILL
    server.handler.release.set()

    # The next worker: once the dead worker's lease runs out, the relay hands the row over and it is sent.
    start_worker(periodic=True).drain(timeout=40)
    after = rows(app)
    assert [r.id for r in after] == [row.id]  # one outbox row
    [sent] = after
    assert sent.status == "sent" and sent.attempts == 2
    [mail] = server.handler.messages
    assert mail["Message-ID"] == sent.message_id == row.message_id
    assert [m["Message-ID"] for m in server.handler.attempts] == [row.message_id, row.message_id]
    assert order(app, order_id).number in mail["Subject"]
    assert order(app, order_id).confirmation_sent_at is not None
