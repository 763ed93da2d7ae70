"""Configuration: production refuses unsafe defaults with a clear message."""
import pytest

from config import DEFAULT_SECRET_KEY, DevelopmentConfig, ProductionConfig, TestingConfig, config_from_env
from store import create_app

GOOD = dict(
    SECRET_KEY="b2f0c1e4d5a6978812345678abcdef0fedcba9876543210",
    SQLALCHEMY_DATABASE_URI="postgresql+psycopg://store@db.internal/kneadwell",
    DEMO_PAYMENTS=False,
    ALLOW_UNSAFE_PRODUCTION=False,
    STORE_URL="https://kneadwell.example",
)


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError) as info:
        create_app(ProductionConfig, **dict(GOOD, SECRET_KEY=DEFAULT_SECRET_KEY))
    message = str(info.value)
    assert "Refusing to start in production" in message
    assert "SECRET_KEY" in message


@pytest.mark.parametrize("key", ["", "short", "changeme"])
def test_production_refuses_an_empty_or_short_secret_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, **dict(GOOD, SECRET_KEY=key))


def test_production_refuses_sqlite():
    with pytest.raises(RuntimeError, match="SQLite") as info:
        create_app(ProductionConfig, **dict(GOOD, SQLALCHEMY_DATABASE_URI="sqlite:////tmp/kneadwell-prod.db"))
    assert "SECRET_KEY" not in str(info.value)  # only the actual problem is reported


def test_production_refuses_demo_payments():
    with pytest.raises(RuntimeError, match="DEMO_PAYMENTS"):
        create_app(ProductionConfig, **dict(GOOD, DEMO_PAYMENTS=True))


def test_production_lists_every_problem_at_once():
    with pytest.raises(RuntimeError) as info:
        create_app(ProductionConfig, SECRET_KEY=DEFAULT_SECRET_KEY, SQLALCHEMY_DATABASE_URI="sqlite://",
                   DEMO_PAYMENTS=True, ALLOW_UNSAFE_PRODUCTION=False)
    message = str(info.value)
    assert "SECRET_KEY" in message and "SQLite" in message and "DEMO_PAYMENTS" in message
    assert "ALLOW_UNSAFE_PRODUCTION" in message  # says how to override for a throwaway trial


def test_production_accepts_good_settings():
    app = create_app(ProductionConfig, **GOOD)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PREFERRED_URL_SCHEME"] == "https"
    assert not app.debug and not app.testing


def test_explicit_override_allows_a_trial():
    app = create_app(ProductionConfig, SECRET_KEY=DEFAULT_SECRET_KEY, SQLALCHEMY_DATABASE_URI="sqlite://",
                     DEMO_PAYMENTS=True, ALLOW_UNSAFE_PRODUCTION=True, STORE_URL="http://127.0.0.1:5000")
    assert app.config["DEMO_PAYMENTS"] is True


def test_development_and_testing_start_with_defaults():
    assert create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI="sqlite://").config["STORE_CURRENCY"] == "USD"
    assert create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://").testing


def test_config_from_env(monkeypatch):
    monkeypatch.setenv("STORE_ENV", "production")
    assert config_from_env() is ProductionConfig
    monkeypatch.setenv("STORE_ENV", "staging")
    with pytest.raises(RuntimeError, match="STORE_ENV must be one of"):
        config_from_env()


def test_postgres_urls_are_normalised_to_psycopg(monkeypatch):
    import config
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert config._database_url("sqlite://") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert config._database_url("sqlite://") == "postgresql+psycopg://u@h/db"


def test_bad_whole_number_setting_is_a_clear_error(monkeypatch):
    import config
    monkeypatch.setenv("PRODUCTS_PER_PAGE", "twelve")
    with pytest.raises(RuntimeError, match="PRODUCTS_PER_PAGE must be a whole number"):
        config._int("PRODUCTS_PER_PAGE", 12)


def test_testing_config_never_reads_database_url(monkeypatch):
    """Tests delete every row: they must never point at the DATABASE_URL of a real store."""
    import importlib

    import config
    monkeypatch.setenv("DATABASE_URL", "postgresql://store@prod/kneadwell")
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    try:
        reloaded = importlib.reload(config)
        assert "prod" not in reloaded.TestingConfig.SQLALCHEMY_DATABASE_URI
    finally:
        monkeypatch.undo()
        importlib.reload(config)
