from tests.checkout.conftest import shop, stripe_http, webhook_secret  # noqa: F401  (the checkout test shop)

import pytest

from store import create_app
from store.extensions import db as _db, limiter


@pytest.fixture
def make_app(app, database_url):
    """Another app on the test database with some settings changed (the limiter is shared by every app, so it
    is switched back to the session app's setting afterwards)."""
    from config import TestingConfig
    made = []

    def _make(config_class=TestingConfig, **overrides):
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", database_url)
        extra = create_app(config_class, **overrides)
        made.append(extra)
        return extra

    yield _make
    limiter.enabled = app.config.get("RATELIMIT_ENABLED", False)
    for extra in made:
        with extra.app_context():
            _db.engine.dispose()


def wait_for_mail(smtp_server, address, count=1, seconds=5.0):
    import time
    for _ in range(int(seconds / 0.05)):
        if len(smtp_server.to(address)) >= count:
            return smtp_server.to(address)
        time.sleep(0.05)
    return smtp_server.to(address)


@pytest.fixture(autouse=True)
def _deliver_the_outbox(request):
    """The emails these attacks look for leave through the outbox: where a test watches a mail server, a real
    worker delivers them (it reads the mail settings at each delivery)."""
    if {"smtp_server", "slow_smtp"} & set(request.fixturenames):
        request.getfixturevalue("outbox_worker")


@pytest.fixture(autouse=True)
def _limiter_back_to_the_session_app(app):
    """Apps made here with production settings switch the shared limiter on; put it back after each test."""
    yield
    limiter.enabled = app.config.get("RATELIMIT_ENABLED", False)
