"""Health endpoints for the load balancer and the orchestrator.

* ``/healthz``: the process answers. Touches nothing else; 200 JSON.
* ``/readyz``: every registered readiness check passes (200 JSON), or 503 JSON naming what failed.

Checks are pluggable: ``add_check(app, name, fn)``, where ``fn()`` returns nothing when healthy and raises
(any exception) when not. ``register(app)`` adds the database check and, when ``REDIS_URL`` is set, Redis.
The job queue (issue 18) adds its own from ``create_app``: ``health.add_check(app, "job_queue", fn)``.

Both answer ``Cache-Control: no-store``, are exempt from rate limits and are not in the sitemap.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from store.extensions import db, limiter

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)

Check = Callable[[], None]
_KEY = "health_checks"


def add_check(app: Flask, name: str, check: Check) -> None:
    app.extensions.setdefault(_KEY, {})[name] = check


def checks(app: Flask) -> dict[str, Check]:
    return dict(app.extensions.get(_KEY, {}))


def check_database() -> None:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def check_redis() -> None:
    import redis

    timeout = current_app.config.get("REDIS_TIMEOUT", 0.5)
    client = redis.Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=timeout,
                                  socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()


def register(app: Flask) -> None:
    add_check(app, "database", check_database)
    if app.config.get("REDIS_URL"):
        add_check(app, "redis", check_redis)
    app.register_blueprint(bp)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
@limiter.exempt
def readyz():
    results, failed = {}, []
    for name, check in checks(current_app).items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # any failure means "not ready"; the reason goes to the log, not the client
            log.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = {"ok": False, "error": type(exc).__name__}
            failed.append(name)
        else:
            results[name] = {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    body = jsonify(status="unavailable" if failed else "ok", failed=failed, checks=results)
    return _no_store(body), 503 if failed else 200
