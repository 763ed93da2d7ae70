"""The job queue (a HIGH package: it may import orders, checkout, cart and the outbox; no area imports it).

Huey runs the jobs: small and well kept, with an embedded SQLite storage (so `make run` needs no Redis), a
Redis storage for production, its own scheduler for periodic jobs, and retries. ``init_app`` builds the app's
Huey instance from JOB_QUEUE_URL, registers the jobs and installs the outbox dispatcher: a transaction that
wrote outbox rows enqueues their deliveries when it commits. `flask worker` (store/jobs/cli.py) consumes.
"""
from __future__ import annotations

from flask import Flask, current_app

from store import health, outbox
from store.jobs.queue import make_consumer, make_huey
from store.jobs.tasks import Jobs, register

__all__ = ["init_app", "get_huey", "get_jobs", "make_consumer"]


def init_app(app: Flask) -> None:
    huey = make_huey(app.config)
    jobs = register(huey, app)
    app.extensions["huey"] = huey
    app.extensions["jobs"] = jobs
    outbox.set_dispatcher(app, jobs.enqueue_deliveries)
    # /readyz: the queue's storage answers (the SQLite file or Redis that the web process enqueues into).
    health.add_check(app, "job_queue", lambda: huey.pending_count())


def get_huey(app: Flask | None = None):
    return (app or current_app).extensions["huey"]


def get_jobs(app: Flask | None = None) -> Jobs:
    return (app or current_app).extensions["jobs"]
