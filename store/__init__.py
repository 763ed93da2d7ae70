"""Kneadwell store: the application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.pool import StaticPool
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.wsgi import get_host

from config import Config, DevelopmentConfig
from store import cli, errors, health, logs, models, pagecache, templating  # noqa: F401  (models: every model on the metadata)
from store.accounts import bp as accounts_bp
from store.accounts import loader  # noqa: F401  (registers the user loader)
from store.alerts import bp as alerts_bp
from store.alerts import views as alerts_views
from store.admin import bp as admin_bp
from store.cart import bp as cart_bp
from store.pricing import services as pricing_services
from store.cart import context as cart_context
from store.catalog import availability
from store.catalog import bp as catalog_bp
from store.catalog import views as catalog_views
from store.checkout import bp as checkout_bp
from store.extensions import csrf, db, limiter, login_manager, migrate
from store.db import keep_prepared_statements
from store.guides import bp as guides_bp
from store.guides import views as guides_views
from store.media import views as media_views
from store.orders import bp as orders_bp
from store.reviews import bp as reviews_bp
from store.reviews import views as reviews_views
from store.pages import bp as pages_bp
from store.pages import views as pages_views
from store.safety import bp as safety_bp
from store.safety import template_globals as safety_globals
from store.seo import bp as seo_bp
from store.util import DB_INT_MAX
from store.wishlists import bp as wishlists_bp
from store.wishlists import views as wishlists_views


def create_app(config_class: type[Config] = DevelopmentConfig, **overrides) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=False)
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.validate(app.config)
    configure_origin(app)

    configure_logging(app)
    register_proxy_fix(app)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_area_hooks(app)
    register_security_headers(app)
    register_page_cache(app)
    register_commands(app)
    register_jobs(app)
    return app


def configure_origin(app: Flask) -> None:
    """One origin: STORE_URL must be an http(s) origin, and only its host (plus TRUSTED_HOSTS_EXTRA) is served;
    any other Host header is a 400 (Flask's TRUSTED_HOSTS check, hosts compared without port)."""
    try:
        hosts = templating.trusted_hosts(app.config)
    except ValueError as exc:
        raise RuntimeError(f"Refusing to start: {exc}") from None
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = hosts
    app.wsgi_app = _refuse_foreign_hosts(app, app.wsgi_app)


def _refuse_foreign_hosts(app: Flask, inner):
    """A request for another host is answered 400 before Flask sees it: no view, hook or error page (which
    would build links) runs for it. Flask's own TRUSTED_HOSTS check stays behind it as a second line."""
    body = b"400 Bad Request: this server does not serve that host name.\n"
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
               ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]

    def wsgi(environ, start_response):
        try:
            get_host(environ, trusted_hosts=app.config["TRUSTED_HOSTS"])
        except SecurityError:
            start_response("400 Bad Request", headers)
            return [body]
        return inner(environ, start_response)

    return wsgi


def configure_logging(app: Flask) -> None:
    """A request id on every log line (store/logs.py); JSON lines with LOG_FORMAT=json."""
    logs.configure(app)
    logs.register(app)


def register_proxy_fix(app: Flask) -> None:
    """Behind PROXY_FIX_HOPS trusted proxies, the client address, scheme, host and port come from the
    X-Forwarded-* headers (so rate limits key on the real client). 0 (the default) ignores those headers."""
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def register_extensions(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _prepare_sqlite(app)
    else:
        _prepare_server_database(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis", "rediss")):
        # Fail fast when Redis is down: the limiter then falls back to memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED).
        timeout = app.config.get("REDIS_TIMEOUT", 0.5)
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": timeout,
                                                            "socket_timeout": timeout})
    limiter.init_app(app)
    # No context processor that loads the user for every template: templates get the lazy current_user proxy,
    # so a page that never looks at it (an error page while the database is down) never queries for it.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    with app.app_context():
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            _sqlite_pragmas(db.engine)
        else:
            keep_prepared_statements(db.engine)


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "migrations"


def _prepare_sqlite(app: Flask) -> None:
    """Create the folder of a file-backed SQLite database; share one connection for in-memory ones."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri in ("sqlite://", "sqlite:///:memory:"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("poolclass", StaticPool)
        options.setdefault("connect_args", {"check_same_thread": False})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    elif uri.startswith("sqlite:///"):
        Path(uri[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _prepare_server_database(app: Flask) -> None:
    """PostgreSQL: test each pooled connection before use (a connection the server dropped, after a restart
    or pg_terminate_backend, is replaced instead of failing the request) and give up connecting after
    DB_CONNECT_TIMEOUT seconds (then the shop answers 503)."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping", True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", int(app.config.get("DB_CONNECT_TIMEOUT", 5)))
        options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


SQLITE_MMAP_BYTES = 256 * 1024 * 1024


def _sqlite_pragmas(engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Read the file through a memory map (up to SQLITE_MMAP_BYTES) instead of copying each page into this
        # connection's own small page cache: every connection and process shares the OS's cached pages, so a
        # query reading a thousand scattered rows of a 100,000-product catalog costs what it does on a small one
        # (the benchmark's broad search at 100k: its facet counts 5.1 -> 2.1 ms). Writes still go through the
        # journal as before; an in-memory database ignores it.
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()


def register_url_converters(app: Flask) -> None:
    """`<int:...>` path segments are row ids: one larger than the database's INTEGER cannot name a row, so the
    route does not match (404) instead of the driver failing on it (a 500). Must run before the blueprints."""
    class RowIdConverter(IntegerConverter):
        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", DB_INT_MAX)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = RowIdConverter


def register_blueprints(app: Flask) -> None:
    for bp in (catalog_bp, seo_bp, safety_bp, guides_bp, pages_bp, accounts_bp, cart_bp, checkout_bp, orders_bp,
               reviews_bp, alerts_bp, wishlists_bp, admin_bp):
        app.register_blueprint(bp)
    health.register(app)          # /healthz, /readyz and their pluggable checks (database, Redis)


def register_errorhandlers(app: Flask) -> None:
    errors.register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals every template shares (money, JSON-LD, canonical URLs)."""
    templating.register(app)


def register_area_hooks(app: Flask) -> None:
    """What each area adds to the whole site: template globals, search loaders, sitemap entries (the
    sitemap lists the areas' pages in this order)."""
    availability.register(app)    # stock wording and badges
    media_views.register(app)     # /media/<sha256>.<ext> and the picture_sources template global
    safety_globals.register(app)  # current_disclaimer, required_warnings
    pricing_services.register(app)  # money_rows: the figures under every order, cart and email
    cart_context.register(app)    # mini_cart_count
    catalog_views.register(app)   # products in search and the sitemap
    guides_views.register(app)    # guides in search and the sitemap, guides_for_product on product pages
    pages_views.register(app)     # policy pages in the sitemap, policy_links for the footer and checkout
    reviews_views.register(app)   # ratings and reviews on product pages and cards; "bought together"
    alerts_views.register(app)    # the back-in-stock alert box on product pages
    wishlists_views.register(app)  # "save to wishlist" on product pages


# Pages with personal data (or CSRF tokens bound to a session) that no cache may keep.
PRIVATE_BLUEPRINTS = frozenset({"accounts", "cart", "checkout", "orders", "admin", "reviews", "alerts", "wishlists"})


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        if request.blueprint in PRIVATE_BLUEPRINTS or (request.endpoint != "static" and _signed_in()):
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("STRICT_TRANSPORT_SECURITY"):
            response.headers.setdefault("Strict-Transport-Security", app.config["STRICT_TRANSPORT_SECURITY"])
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        # Every asset is local: no CDN, no inline script except JSON-LD data blocks.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self' https://checkout.stripe.com",
        )
        return response


def register_page_cache(app: Flask) -> None:
    """Whole pages for anonymous visitors, in shared storage, invalidated by a generation (store/pagecache.py).
    Registered after the security headers, so its after_request runs before theirs."""
    pagecache.init_app(app)


def register_jobs(app: Flask) -> None:
    from store import jobs
    jobs.init_app(app)


def _signed_in() -> bool:
    """True when this request was a signed-in user's (every page then shows their name and cart)."""
    try:
        return bool(getattr(current_user, "is_authenticated", False))
    except Exception:  # noqa: BLE001  (no user loaded, e.g. the Host check refused the request)
        return False


def register_commands(app: Flask) -> None:
    cli.register(app)
