"""Security with the protections switched on in their own apps (TestingConfig turns CSRF and rate limits off):
CSRF rejection, rate limiting in memory and in Redis, production cookie flags."""
from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import select

from config import ProductionConfig, TestingConfig
from store import create_app
from store.cart.models import CartLine
from store.extensions import db as _db, limiter
from tests.factories import make_disclaimers, make_product

PASSWORD = "correct horse battery"
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def make_app(app, database_url):
    """Another app on the same test database with some settings changed. The limiter is one object shared
    by every app, so it is switched back off for the session app afterwards."""
    made = []

    def _make(config_class=TestingConfig, **overrides):
        extra = create_app(config_class, SQLALCHEMY_DATABASE_URI=database_url, **overrides)
        made.append(extra)
        return extra

    yield _make
    limiter.enabled = app.config.get("RATELIMIT_ENABLED", False)
    for extra in made:
        with extra.app_context():
            _db.engine.dispose()


def _random_ip() -> str:
    return "10.%d.%d.%d" % tuple(secrets.randbelow(250) + 1 for _ in range(3))


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def test_post_without_csrf_token_is_refused_and_changes_nothing(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_disclaimers()
        product = make_product("Guarded Roller")
        _db.session.commit()
        slug, variant_id = product.slug, product.variants[0].id
    client = app.test_client()
    token = _csrf_token(client.get(f"/products/{slug}").get_data(as_text=True))
    assert client.post("/cart/add", data={"variant_id": variant_id, "quantity": "2",
                                          "csrf_token": token}).status_code == 302

    def lines():
        with app.app_context():
            return dict(_db.session.execute(select(CartLine.variant_id, CartLine.quantity)).all())

    assert lines() == {variant_id: 2}
    for url, data in [("/cart/clear", {}), ("/cart/add", {"variant_id": variant_id, "quantity": "1"}),
                      ("/cart/add", {"variant_id": variant_id, "quantity": "1", "csrf_token": "forged"})]:
        response = client.post(url, data=data)
        assert response.status_code == 400
        assert "security token" in response.get_data(as_text=True)
    assert lines() == {variant_id: 2}

    make_user("csrf@example.com", PASSWORD)
    response = client.post("/account/login", data={"email": "csrf@example.com", "password": PASSWORD})
    assert response.status_code == 400
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def _wrong_logins(client, ip, count):
    return [client.post("/account/login", data={"email": "victim@example.com", "password": "guess number x"},
                        environ_base={"REMOTE_ADDR": ip}).status_code for _ in range(count)]


def test_sixth_wrong_password_within_a_minute_is_refused(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    make_user("victim@example.com", PASSWORD)
    client = app.test_client()
    ip = _random_ip()
    assert _wrong_logins(client, ip, 5) == [400] * 5
    refused = client.post("/account/login", data={"email": "victim@example.com", "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": ip})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    # Looking at the form is still fine, and another address is not affected.
    assert client.get("/account/login", environ_base={"REMOTE_ADDR": ip}).status_code == 200
    assert client.post("/account/login", data={"email": "victim@example.com", "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": _random_ip()}).status_code == 302


def test_register_and_reset_are_rate_limited_too(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   REGISTER_RATE_LIMIT="2 per minute", RESET_RATE_LIMIT="2 per minute")
    client = app.test_client()
    ip = _random_ip()
    statuses = [client.post("/account/register", data={"name": "x", "email": "bad", "password": "x",
                                                       "confirm": "x"}, environ_base={"REMOTE_ADDR": ip}).status_code
                for _ in range(3)]
    assert statuses == [400, 400, 429]
    statuses = [client.post("/account/reset", data={"email": "someone@example.com"},
                            environ_base={"REMOTE_ADDR": ip}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_rate_limits_live_in_redis_when_redis_url_is_set(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="", REDIS_URL=REDIS_URL)
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    assert type(limiter.storage).__name__.lower().startswith("redis")
    make_user("victim@example.com", PASSWORD)
    ip = _random_ip()
    assert _wrong_logins(app.test_client(), ip, 5) == [400] * 5
    # A second app process (fresh limiter storage object) on the same Redis sees the same count.
    second = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="", REDIS_URL=REDIS_URL)
    assert _wrong_logins(second.test_client(), ip, 1) == [429]


def test_production_cookies_are_secure_httponly_lax(make_app, make_user, database_url):
    overrides = dict(SECRET_KEY=secrets.token_hex(32), DEMO_PAYMENTS=False, RATELIMIT_ENABLED=False,
                     WTF_CSRF_ENABLED=False, STORE_URL="https://localhost")
    if database_url.startswith("sqlite"):
        overrides["ALLOW_UNSAFE_PRODUCTION"] = True  # production refuses SQLite; this test is about cookies
    app = make_app(ProductionConfig, **overrides)
    make_user("cookie@example.com", PASSWORD)
    response = app.test_client().post("/account/login", data={"email": "cookie@example.com",
                                                              "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert name in cookies
        flags = cookies[name]
        assert "Secure" in flags and "HttpOnly" in flags and "SameSite=Lax" in flags, flags
