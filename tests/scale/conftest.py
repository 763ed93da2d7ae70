"""Helpers for the scale-out tests: more app objects (instances) next to the session app."""
from __future__ import annotations

import socket

import pytest

from config import TestingConfig
from store import create_app
from store.extensions import db as _db, limiter

CLOSED_DB = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
CLOSED_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def make_app(app, database_url, tmp_path):
    """make_app(name, **overrides): another instance on the same test database (or the one overrides name),
    with its own instance folder. The limiter is one object shared by every app, so its state is put back
    for the session app afterwards."""
    made = []

    def _make(name: str = "b", config_class=TestingConfig, **overrides):
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", database_url)
        extra = create_app(config_class, **overrides)
        extra.instance_path = str(tmp_path / f"instance-{name}")
        made.append(extra)
        return extra

    yield _make
    limiter.enabled = app.config.get("RATELIMIT_ENABLED", False)
    limiter._storage_dead = False
    for extra in made:
        with extra.app_context():
            _db.engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
