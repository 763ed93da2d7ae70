"""Configuration, read from the environment.

Every setting has a development default so that `make run` needs no keys; ProductionConfig
refuses to start with the defaults that are unsafe there (see ``ProductionConfig.validate``).
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-not-secret"
MIN_SECRET_KEY_LENGTH = 24


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {value!r}") from exc


def _list(name: str, default: str = "") -> list[str]:
    """A comma- or space-separated list (e.g. TRUSTED_HOSTS_EXTRA="shop.example, www.shop.example")."""
    return [item for item in os.environ.get(name, default).replace(",", " ").split() if item]


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs and plain postgresql:// both go through psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{BASE_DIR / 'instance' / 'store.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_RECORD_QUERIES = False

    STORE_NAME = os.environ.get("STORE_NAME", "Kneadwell")
    STORE_CURRENCY = os.environ.get("STORE_CURRENCY", "USD").upper()
    # The store's one origin (e.g. https://kneadwell.example): every absolute URL (emails, Stripe return URLs,
    # canonical links, sitemap, JSON-LD) is built on it, never on the request's Host header; requests for any
    # other host than it (and TRUSTED_HOSTS_EXTRA) are refused with a 400.
    STORE_URL = os.environ.get("STORE_URL") or f"http://127.0.0.1:{_int('PORT', 5000)}"
    TRUSTED_HOSTS_EXTRA = _list("TRUSTED_HOSTS_EXTRA")
    PRODUCTS_PER_PAGE = _int("PRODUCTS_PER_PAGE", 12)
    LOW_STOCK_THRESHOLD = _int("LOW_STOCK_THRESHOLD", 3)  # default per-variant low-stock threshold ("Only N left")
    GUIDES_PER_PAGE = _int("GUIDES_PER_PAGE", 12)

    # Accounts, cart
    CART_MAX_LINE_QUANTITY = _int("CART_MAX_LINE_QUANTITY", 10)
    CART_GUEST_MAX_AGE_DAYS = _int("CART_GUEST_MAX_AGE_DAYS", 30)
    PASSWORD_RESET_MAX_AGE = _int("PASSWORD_RESET_MAX_AGE", 3600)
    PASSWORD_MIN_LENGTH = _int("PASSWORD_MIN_LENGTH", 10)
    REGISTRATION_LINK_MAX_AGE = _int("REGISTRATION_LINK_MAX_AGE", 24 * 3600)  # seconds to finish signing up
    GUEST_ORDER_LINK_MAX_AGE_DAYS = _int("GUEST_ORDER_LINK_MAX_AGE_DAYS", 90)
    ORDER_LINK_RATE_LIMIT = os.environ.get("ORDER_LINK_RATE_LIMIT", "5 per hour")
    CONTACT_RATE_LIMIT = os.environ.get("CONTACT_RATE_LIMIT", "5 per hour")  # contact-form messages per address
    PRODUCT_FEED = _bool("PRODUCT_FEED", True)  # /feeds/products.xml for merchant listings
    REVIEW_REPORT_RATE_LIMIT = os.environ.get("REVIEW_REPORT_RATE_LIMIT", "10 per hour")  # per address
    STOCK_ALERT_RATE_LIMIT = os.environ.get("STOCK_ALERT_RATE_LIMIT", "20 per hour")

    # Checkout
    RESERVATION_MINUTES = _int("RESERVATION_MINUTES", 30)
    # Open (unpaid) orders one visitor (account, or guest browser) and one email address may hold at once; and
    # how often the checkout form may be submitted (per client address).
    MAX_OPEN_ORDERS_PER_VISITOR = _int("MAX_OPEN_ORDERS_PER_VISITOR", 2)
    MAX_OPEN_ORDERS_PER_EMAIL = _int("MAX_OPEN_ORDERS_PER_EMAIL", 3)
    CHECKOUT_RATE_LIMIT = os.environ.get("CHECKOUT_RATE_LIMIT", "20 per hour")
    DISCOUNT_CODE_RATE_LIMIT = os.environ.get("DISCOUNT_CODE_RATE_LIMIT", "20 per hour")  # guessing codes
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
    STRIPE_MAX_NETWORK_RETRIES = _int("STRIPE_MAX_NETWORK_RETRIES", 2)
    DEMO_PAYMENTS = _bool("DEMO_PAYMENTS", True)

    # Mail
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Kneadwell <shop@kneadwell.test>")
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")  # where contact-form messages go (empty: the sender)
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 20)  # seconds per SMTP operation (the worker's, never a request's)

    # Outbox and job queue (store/outbox, store/jobs): every email is an outbox row delivered by `flask worker`.
    # JOB_QUEUE_URL: sqlite:///path (embedded default, no Redis needed) or redis://host:6379/0 in production.
    JOB_QUEUE_URL = os.environ.get("JOB_QUEUE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'jobs.db'}")
    JOB_QUEUE_NAME = os.environ.get("JOB_QUEUE_NAME", "kneadwell")
    JOB_WORKERS = _int("JOB_WORKERS", 2)  # worker threads per `flask worker` process
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 12)  # 60 s doubling 11 times: about 34 hours of retries
    OUTBOX_RETRY_DELAY = _int("OUTBOX_RETRY_DELAY", 60)  # seconds before the 2nd attempt; doubles after each
    OUTBOX_LEASE_SECONDS = _int("OUTBOX_LEASE_SECONDS", 600)  # a dead worker's claim is free again after this
    OUTBOX_RELAY_GRACE = _int("OUTBOX_RELAY_GRACE", 60)  # the relay leaves rows this young to the normal path
    OUTBOX_KEEP_DAYS = _int("OUTBOX_KEEP_DAYS", 90)  # sent emails are deleted after this (daily job)
    # Scheduled jobs: how often each runs (seconds), and how often the scheduler looks at them.
    JOBS_TICK_SECONDS = _int("JOBS_TICK_SECONDS", 60)
    JOBS_EXPIRE_ORDERS_SECONDS = _int("JOBS_EXPIRE_ORDERS_SECONDS", 60)
    JOBS_RELAY_OUTBOX_SECONDS = _int("JOBS_RELAY_OUTBOX_SECONDS", 60)
    JOBS_RECONCILE_SECONDS = _int("JOBS_RECONCILE_SECONDS", 60)
    JOBS_PURGE_CARTS_SECONDS = _int("JOBS_PURGE_CARTS_SECONDS", 24 * 60 * 60)
    JOBS_LOW_STOCK_EMAIL_SECONDS = _int("JOBS_LOW_STOCK_EMAIL_SECONDS", 24 * 60 * 60)  # deduped: one a day at most
    JOBS_REVIEW_INVITATIONS_SECONDS = _int("JOBS_REVIEW_INVITATIONS_SECONDS", 60 * 60)
    REVIEW_INVITE_AFTER_DAYS = _int("REVIEW_INVITE_AFTER_DAYS", 3)  # days after delivery before we ask
    REVIEW_LINK_MAX_AGE_DAYS = _int("REVIEW_LINK_MAX_AGE_DAYS", 180)
    RECONCILE_LOOKBACK_HOURS = _int("RECONCILE_LOOKBACK_HOURS", 48)

    # Security
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "10 per hour")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per minute")
    # Sessions and two-factor sign-in (store/accounts/sessions.py, twofactor.py)
    ADMIN_IDLE_MINUTES = _int("ADMIN_IDLE_MINUTES", 30)  # an admin idle longer signs in again
    ADMIN_REQUIRE_2FA = _bool("ADMIN_REQUIRE_2FA", False)  # on in ProductionConfig
    SESSION_MAX_IDLE_DAYS = _int("SESSION_MAX_IDLE_DAYS", 30)  # a session (remember-me too) unused longer ends
    TWO_FACTOR_RATE_LIMIT = os.environ.get("TWO_FACTOR_RATE_LIMIT", "5 per minute")  # wrong codes per account
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session

    # Anonymous page cache (store/pagecache.py): "off" turns it off. PAGE_CACHE_URL: redis://... (REDIS_URL when
    # unset and REDIS_URL is set), sqlite:///path (default: instance/page_cache.db, shared by the host's processes)
    # or memory:// (this process only: tests). Entries also expire after PAGE_CACHE_TTL seconds.
    PAGE_CACHE = os.environ.get("PAGE_CACHE", "on")
    PAGE_CACHE_URL = os.environ.get("PAGE_CACHE_URL", "")
    PAGE_CACHE_TTL = _int("PAGE_CACHE_TTL", 600)
    PAGE_CACHE_PREFIX = os.environ.get("PAGE_CACHE_PREFIX", "kneadwell:page:")

    # Uploads (admin product pictures live in the database as media blobs: see store/media/)
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 8 * 1024 * 1024)

    STRICT_TRANSPORT_SECURITY = ""  # production: HSTS, the browser then only ever uses https

    ALLOW_UNSAFE_PRODUCTION = _bool("ALLOW_UNSAFE_PRODUCTION", False)

    # Running as N instances behind a load balancer (issue 11)
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 0)          # trusted proxies in front of the app; 0 = ignore X-Forwarded-*
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").lower()  # "json" for one JSON object per log line
    DB_CONNECT_TIMEOUT = _int("DB_CONNECT_TIMEOUT", 5)  # seconds to wait for a PostgreSQL connection
    DB_UNAVAILABLE_RETRY_AFTER = _int("DB_UNAVAILABLE_RETRY_AFTER", 30)  # Retry-After of the 503 page
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.5"))  # seconds; Redis holds only counters
    # Redis down: rate limits go on per process, in memory, with a warning in the log.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    @classmethod
    def validate(cls, app_config: dict) -> None:
        """Hook for configs that refuse to start; the base accepts anything."""


class DevelopmentConfig(Config):
    DEBUG = False  # `make run` uses flask run --debug when wanted
    TRUSTED_HOSTS_EXTRA = _list("TRUSTED_HOSTS_EXTRA", "localhost")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    # Never DATABASE_URL: the tests empty every table, so they must not be pointed at a real store by accident.
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False  # view tests post directly; CSRF has its own tests with it enabled
    PAGE_CACHE = "off"  # the page cache's own tests turn it on (tests/perf)
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    SQLALCHEMY_RECORD_QUERIES = True
    MAIL_SERVER = ""
    DEMO_PAYMENTS = True
    STRIPE_SECRET_KEY = ""
    STRIPE_WEBHOOK_SECRET = ""
    SERVER_NAME = None
    # The test session points JOB_QUEUE_URL at a temporary SQLite file (tests/conftest.py); an app made on its
    # own gets an in-memory queue. Short retries and leases, so the worker tests take seconds.
    JOB_QUEUE_URL = os.environ.get("TEST_JOB_QUEUE_URL", "memory://")
    OUTBOX_RETRY_DELAY = 1
    OUTBOX_MAX_ATTEMPTS = 5
    OUTBOX_LEASE_SECONDS = 5
    OUTBOX_RELAY_GRACE = 1
    JOBS_TICK_SECONDS = 1
    JOBS_EXPIRE_ORDERS_SECONDS = 1
    JOBS_RELAY_OUTBOX_SECONDS = 1
    JOBS_RECONCILE_SECONDS = 1
    MAIL_TIMEOUT = 10
    # Fixed, whatever the environment says: the test client's Host is "localhost", the live server's
    # 127.0.0.1 (tests/conftest.py points STORE_URL at the live server for the browser tests).
    STORE_URL = "http://localhost"
    TRUSTED_HOSTS_EXTRA = ["127.0.0.1"]


class ProductionConfig(Config):
    IS_PRODUCTION = True  # e.g. create-admin refuses special-use domains (admin@shop.test) here only
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    ADMIN_REQUIRE_2FA = _bool("ADMIN_REQUIRE_2FA", True)
    DEMO_PAYMENTS = _bool("DEMO_PAYMENTS", False)
    STORE_URL = os.environ.get("STORE_URL", "")  # required (https): no default origin in production
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

    @classmethod
    def validate(cls, app_config: dict) -> None:
        if app_config.get("ALLOW_UNSAFE_PRODUCTION"):
            return
        problems = []
        secret = app_config.get("SECRET_KEY") or ""
        if secret == DEFAULT_SECRET_KEY or len(str(secret)) < MIN_SECRET_KEY_LENGTH:
            problems.append(f"SECRET_KEY is unset, the development default or shorter than {MIN_SECRET_KEY_LENGTH} "
                            "characters: set a long random SECRET_KEY "
                            "(python -c 'import secrets; print(secrets.token_hex(32))')")
        if str(app_config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
            problems.append("DATABASE_URL points at SQLite: production runs on PostgreSQL "
                            "(set DATABASE_URL=postgresql://...)")
        if not str(app_config.get("STORE_URL") or "").startswith("https://"):
            problems.append("STORE_URL is unset or not https://: set it to the store's public origin, "
                            "e.g. STORE_URL=https://kneadwell.example (links in emails are built on it)")
        if app_config.get("DEMO_PAYMENTS"):
            problems.append("DEMO_PAYMENTS is on: the local test-payment page must never run in production")
        if problems:
            raise RuntimeError(
                "Refusing to start in production:\n  - " + "\n  - ".join(problems)
                + "\nSet ALLOW_UNSAFE_PRODUCTION=1 only for a throwaway trial."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The settings STORE_ENV names; unset means production (which refuses to start without real keys), so a
    forgotten variable never serves the development key and demo payments. `make run` sets development."""
    name = (os.environ.get("STORE_ENV") or "production").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError as exc:
        raise RuntimeError(f"STORE_ENV must be one of {sorted(CONFIGS)}, got {name!r}") from exc
