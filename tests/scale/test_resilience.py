"""Degrading gracefully: an unreachable database is a styled 503 (without touching the cart or the user),
health endpoints, Redis down, proxies, request ids, and dropped PostgreSQL connections."""
from __future__ import annotations

import io
import json
import logging
import re

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store.cart.session import SESSION_KEY
from store.logs import JsonFormatter, RequestIdFilter, make_handler
from tests.conftest import DB_KIND
from tests.factories import make_disclaimers, make_product
from tests.scale.conftest import CLOSED_DB, CLOSED_REDIS

PASSWORD = "correct horse battery"
REDIS_URL = "redis://127.0.0.1:6379/0"


# ------------------------------------------------------------------ database down

@pytest.fixture
def down_app(make_app):
    return make_app("down", SQLALCHEMY_DATABASE_URI=CLOSED_DB, DB_CONNECT_TIMEOUT=2)


def _assert_styled_503(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "Internal Server Error" not in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/store\.css\?v=[0-9a-f]+">', html)
    assert 'class="site-header' in html
    assert "We will be right back" in html and "cannot reach its database" in html
    assert "charged" not in html.lower()
    rid = response.headers["X-Request-ID"]
    assert f"<code>{rid}</code>" in html
    return html


def test_anonymous_visitor_gets_a_styled_503_when_the_database_is_down(down_app):
    client = down_app.test_client()
    for path in ("/", "/products", "/products/anything", "/guides", "/search?q=roller"):
        html = _assert_styled_503(client.get(path))
        assert ">Cart<" in html  # the header is there, without a count
    # A page that needs no database still works.
    assert client.get("/account/login").status_code == 200


def test_visitor_with_a_cart_gets_the_same_503_not_a_bare_error(down_app):
    client = down_app.test_client()
    with client.session_transaction() as session:
        session[SESSION_KEY] = "a-guest-cart-token"
    for path in ("/", "/cart", "/checkout"):
        _assert_styled_503(client.get(path))
    _assert_styled_503(client.post("/cart/add", data={"variant_id": "1", "quantity": "1"}))


def test_signed_in_visitor_gets_the_same_503(down_app):
    client = down_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:some-session-stamp:some-session-token"  # the loader must ask the database
        session["_fresh"] = True
        session[SESSION_KEY] = "a-cart-token"
    for path in ("/", "/account", "/account/orders", "/admin/", "/no-such-page"):
        _assert_styled_503(client.get(path))


def test_503_as_json_for_clients_that_ask(down_app):
    response = down_app.test_client().get("/products", headers={"Accept": "application/json"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.json["request_id"] == response.headers["X-Request-ID"]


def test_health_endpoints_when_the_database_is_down(down_app):
    client = down_app.test_client()
    live = client.get("/healthz")
    assert live.status_code == 200 and live.json == {"status": "ok"}
    assert live.headers["Cache-Control"] == "no-store"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.headers["Cache-Control"] == "no-store"
    assert ready.json["status"] == "unavailable" and ready.json["failed"] == ["database"]
    assert ready.json["checks"]["database"]["ok"] is False


def test_health_endpoints_when_all_is_well(app, client):
    live, ready = client.get("/healthz"), client.get("/readyz")
    assert live.status_code == 200 and live.headers["Cache-Control"] == "no-store"
    assert ready.status_code == 200 and ready.json["failed"] == []
    assert ready.json["checks"]["database"]["ok"] is True and "redis" not in ready.json["checks"]
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "healthz" not in sitemap and "readyz" not in sitemap


def test_readyz_checks_redis_when_configured(make_app):
    up = make_app("redis-up", REDIS_URL=REDIS_URL).test_client().get("/readyz")
    assert up.status_code == 200 and up.json["checks"]["redis"]["ok"] is True
    down = make_app("redis-down", REDIS_URL=CLOSED_REDIS).test_client().get("/readyz")
    assert down.status_code == 503 and down.json["failed"] == ["redis"]
    assert down.json["checks"]["database"]["ok"] is True


def test_health_endpoints_are_never_rate_limited(make_app):
    from store.extensions import limiter

    app = make_app("limited", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   RATELIMIT_DEFAULT="2 per minute")
    try:
        client = app.test_client()
        assert [client.get("/account/login").status_code for _ in range(3)] == [200, 200, 429]  # the limit bites
        assert {client.get("/healthz").status_code for _ in range(10)} == {200}
        assert {client.get("/readyz").status_code for _ in range(10)} == {200}
    finally:
        limiter.limit_manager.set_default_limits([])  # the limiter is shared with the other apps


def test_readiness_checks_are_pluggable(make_app):
    from store import health

    app = make_app("plug")

    def job_queue():
        raise ConnectionError("queue file missing")

    health.add_check(app, "job_queue", job_queue)
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.json["failed"] == ["job_queue"]


# ------------------------------------------------------------------ error wording

def test_500_page_claims_nothing_about_payments(make_app):
    app = make_app("boom", PROPAGATE_EXCEPTIONS=False)

    @app.get("/__boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/__boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong" in html
    assert "Nothing was charged" not in html and "check your email or your order history" in html
    assert f"<code>{response.headers['X-Request-ID']}</code>" in html


# ------------------------------------------------------------------ Redis down

def test_sign_in_works_with_redis_unreachable_and_a_warning_is_logged(make_app, make_user, caplog):
    app = make_app("no-redis", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="", REDIS_URL=CLOSED_REDIS)
    assert app.config["RATELIMIT_STORAGE_URI"] == CLOSED_REDIS
    make_user("shopper@example.com", PASSWORD)
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        response = client.post("/account/login", data={"email": "shopper@example.com", "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert response.status_code == 302
    assert any("falling back to in-memory" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    # The limit still holds, per process, in memory.
    other = app.test_client()
    statuses = [other.post("/account/login", data={"email": "shopper@example.com", "password": "wrong guess x"},
                            environ_base={"REMOTE_ADDR": "10.9.8.6"}).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]


# ------------------------------------------------------------------ behind a proxy

def _wrong_logins(client, forwarded_for: str, count: int) -> list[int]:
    return [client.post("/account/login", data={"email": "victim@example.com", "password": "guess number x"},
                        headers={"X-Forwarded-For": forwarded_for},
                        environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code for _ in range(count)]


def test_with_one_trusted_hop_each_client_address_has_its_own_bucket(make_app, make_user):
    app = make_app("proxied", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", PROXY_FIX_HOPS=1)
    make_user("victim@example.com", PASSWORD)
    client = app.test_client()
    assert _wrong_logins(client, "203.0.113.10", 6) == [400] * 5 + [429]
    assert _wrong_logins(client, "203.0.113.20", 1) == [400]     # another shopper behind the same proxy
    # Only the last hop is trusted: a spoofed earlier entry does not buy a fresh bucket.
    assert _wrong_logins(client, "1.2.3.4, 203.0.113.10", 1) == [429]


def test_with_zero_hops_the_forwarded_header_is_ignored(make_app, make_user):
    app = make_app("direct", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", PROXY_FIX_HOPS=0)
    make_user("victim@example.com", PASSWORD)
    client = app.test_client()
    statuses = [_wrong_logins(client, f"203.0.113.{n}", 1)[0] for n in range(1, 7)]
    assert statuses == [400] * 5 + [429]     # one bucket: the connecting address


# ------------------------------------------------------------------ request ids and log lines

def test_request_id_is_taken_when_sane_and_generated_otherwise(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc:9"}).headers["X-Request-ID"] == "lb-1234.abc:9"
    for bad in ("has spaces", "x" * 129, "<script>", ""):
        rid = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert rid != bad and re.fullmatch(r"[0-9a-f]{32}", rid)
    assert client.get("/healthz").headers["X-Request-ID"] != client.get("/healthz").headers["X-Request-ID"]


def test_every_log_line_carries_the_request_id_and_json_lines_parse():
    app = Flask("log-test")
    from store import logs
    logs.register(app)
    text_stream, json_stream = io.StringIO(), io.StringIO()
    text_handler, json_handler = make_handler("text"), make_handler("json")
    text_handler.stream, json_handler.stream = text_stream, json_stream
    logger = logging.getLogger("kneadwell.test.logs")
    logger.addHandler(text_handler)
    logger.addHandler(json_handler)
    logger.setLevel(logging.INFO)

    @app.get("/")
    def index():
        logger.info("placing an order")
        return "ok"

    try:
        app.test_client().get("/", headers={"X-Request-ID": "req-42"})
        logger.info("outside a request")
    finally:
        logger.removeHandler(text_handler)
        logger.removeHandler(json_handler)
    lines = text_stream.getvalue().splitlines()
    assert "[req-42]: placing an order" in lines[0] and "[-]: outside a request" in lines[1]
    entries = [json.loads(line) for line in json_stream.getvalue().splitlines()]
    assert entries[0]["request_id"] == "req-42" and entries[0]["message"] == "placing an order"
    assert entries[1]["request_id"] == "-" and entries[0]["level"] == "INFO"
    assert isinstance(RequestIdFilter(), logging.Filter) and isinstance(JsonFormatter(), logging.Formatter)


# ------------------------------------------------------------------ dropped PostgreSQL connections

@pytest.mark.skipif(DB_KIND != "postgres", reason="pg_terminate_backend needs PostgreSQL")
def test_request_succeeds_right_after_its_connections_were_terminated(app, database_url):
    # No app context held around the requests: each request checks a connection out of the pool, as in
    # production (pool_pre_ping replaces a dead one at checkout).
    from store.extensions import db

    with app.app_context():
        make_disclaimers()
        slug = make_product("Survivor Roller").slug
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    for _ in range(3):  # fill the pool with connections that are then killed
        assert client.get(f"/products/{slug}").status_code == 200
    name = make_url(database_url).database
    admin = create_engine(make_url(database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            killed = conn.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).scalar()
    finally:
        admin.dispose()
    assert killed >= 1
    for _ in range(5):
        response = client.get(f"/products/{slug}")
        assert response.status_code == 200 and "Survivor Roller" in response.get_data(as_text=True)


def test_readyz_checks_the_job_queue(make_app):
    """The web process enqueues deliveries into the queue's storage: when it cannot be reached, the instance
    is not ready (the outbox rows stay safe in the database and the relay enqueues them later)."""
    up = make_app("queue-up").test_client().get("/readyz")
    assert up.status_code == 200 and up.json["checks"]["job_queue"]["ok"] is True
    down = make_app("queue-down", JOB_QUEUE_URL="redis://127.0.0.1:1/0").test_client().get("/readyz")
    assert down.status_code == 503 and down.json["failed"] == ["job_queue"]
    assert down.json["checks"]["database"]["ok"] is True
