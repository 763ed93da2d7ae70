"""The anonymous page cache: whole shop-front pages kept in shared storage for visitors with no session state.

Which pages: views marked ``@cacheable`` (home, product list, product page, search, guides, policy pages), on GET,
for a visitor whose session holds nothing that changes the page: not signed in (no Flask-Login id, no remember-me
cookie), no guest cart, no flashed message. Only the CSRF secret (and Flask-Login's freshness marks) may be in the
session (``ALLOWED_SESSION_KEYS``).

CSRF tokens: a page is rendered once for everyone, so while a cacheable page renders, ``csrf_token()`` (and every
form's ``csrf_token`` field) gives ``CSRF_PLACEHOLDER``; the stored page carries only the placeholder, and each
response, from the cache or freshly rendered, gets the visitor's own token put in its place (which starts the
visitor's session cookie, as rendering the form would have). No visitor's token ever reaches another one, and the
forms (add to cart, add the tools, alerts, review reports) keep working without script.

Invalidation: one generation number in the store. Any committed write to a table not in ``IGNORED_TABLES`` (the
catalog, variants and their stock, prices, guides, disclaimers, warnings, reviews, pages, settings: everything but
carts, orders, sessions, ledgers and other rows no shop-front page shows) bumps it, after the commit; an entry is
served only when it was stored under the current generation. Writes are seen at the cursor (every INSERT, UPDATE
or DELETE, from the ORM, Core or text(), triggers aside), so a new table or a new service is covered without
being listed. A page is rendered after reading the generation, so an entry stored under generation N was never
rendered from data older than the last commit that made it N.

Storage (``PAGE_CACHE_URL``): ``redis://...`` (REDIS_URL by default when set), otherwise a SQLite file next to the
store's (``sqlite:///instance/page_cache.db``: every process of the host shares it, like the embedded job queue; not
in production, where only shared storage is used);
``memory://`` keeps it in this process only (tests). ``PAGE_CACHE=off`` turns it all off (and debug mode, so
edited templates show at once). Entries expire after
``PAGE_CACHE_TTL`` seconds. If the storage fails, pages are rendered as if the cache were off.

ETag / 304: every cacheable response carries a weak ETag (the generation and the page's hash, plus a hash of the
visitor's CSRF secret when the page carries a token) and ``Cache-Control: no-cache``; ``If-None-Match`` answers 304.
"""
from __future__ import annotations

import hashlib
import logging
import os
import random
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, g, request, session
from sqlalchemy import event
from sqlalchemy.orm import Session

from store.extensions import db

log = logging.getLogger(__name__)

CSRF_PLACEHOLDER = "__kneadwell-csrf-token__"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
# Flask-Login marks any non-empty session of an anonymous visitor "_fresh": False (and may keep "_id").
ALLOWED_SESSION_KEYS = frozenset({"csrf_token", "_permanent", "_fresh", "_id"})
CACHEABLE_ATTR = "_page_cacheable"
HEADER = "X-Page-Cache"

# Writes to these tables never change what a shop-front page shows an anonymous visitor (and happen on every
# checkout, sign-in or page view), so they leave the generation alone. Stock itself lives on `variants`.
IGNORED_TABLES = frozenset({
    "addresses", "audit_log", "cart_lines", "carts", "contact_messages", "discount_codes", "discount_redemptions", "order_events",
    "order_lines", "orders", "outbox_messages", "problem_reports", "recovery_codes", "refund_lines", "refunds",
    "review_invitations", "stock_alerts", "stock_movements", "stock_receipt_lines", "stock_receipts",
    "two_factor", "user_sessions", "users", "webhook_events", "wishlist_items", "alembic_version",
})
_WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+'
                    r'(?:"?\w+"?\.)?"?(\w+)"?', re.IGNORECASE)
_READ_PREFIXES = ("SELECT", "SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SHOW", "SET", "EXPLAIN")


def cacheable(view):
    """Mark a view's GET pages as cacheable for anonymous visitors."""
    setattr(view, CACHEABLE_ATTR, True)
    return view


@dataclass(frozen=True)
class Entry:
    generation: int
    etag: str
    content_type: str
    body: bytes

    def pack(self) -> bytes:
        return f"{self.generation}\n{self.etag}\n{self.content_type}\n".encode() + self.body

    @classmethod
    def unpack(cls, raw: bytes) -> "Entry":
        generation, etag, content_type, body = raw.split(b"\n", 3)
        return cls(int(generation), etag.decode(), content_type.decode(), body)


class MemoryStore:
    """This process only: for tests and single-process trials (never shared between instances)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._generation = 0
        self._pages: dict[str, tuple[float, bytes]] = {}

    def fetch(self, key: str) -> tuple[int, bytes | None]:
        with self._lock:
            found = self._pages.get(key)
            if found is not None and found[0] < time.time():
                found = None
            return self._generation, found[1] if found else None

    def put(self, key: str, raw: bytes, ttl: int) -> None:
        with self._lock:
            self._pages[key] = (time.time() + ttl, raw)

    def bump(self) -> None:
        with self._lock:
            self._generation += 1
            self._pages.clear()

    def generation(self) -> int:
        return self._generation


class SQLiteStore:
    """A SQLite file every process on the host shares (WAL, one connection per process and thread)."""

    def __init__(self, path: str):
        self.path = path
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS page_cache_meta (name TEXT PRIMARY KEY, value INTEGER)")
            conn.execute("INSERT OR IGNORE INTO page_cache_meta (name, value) VALUES ('generation', 0)")
            conn.execute("CREATE TABLE IF NOT EXISTS page_cache (key TEXT PRIMARY KEY, expires REAL, value BLOB)")

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = sqlite3.connect(self.path, timeout=2, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def fetch(self, key: str) -> tuple[int, bytes | None]:
        row = self._connect().execute(
            "SELECT m.value, p.expires, p.value FROM page_cache_meta m LEFT JOIN page_cache p ON p.key = ? "
            "WHERE m.name = 'generation'", (key,)).fetchone()
        if row is None:
            return 0, None
        generation, expires, raw = row
        return int(generation), raw if raw is not None and expires >= time.time() else None

    def put(self, key: str, raw: bytes, ttl: int) -> None:
        conn = self._connect()
        conn.execute("INSERT OR REPLACE INTO page_cache (key, expires, value) VALUES (?, ?, ?)",
                     (key, time.time() + ttl, raw))
        if random.random() < 1 / 200:
            conn.execute("DELETE FROM page_cache WHERE expires < ?", (time.time(),))

    def bump(self) -> None:
        self._connect().execute("UPDATE page_cache_meta SET value = value + 1 WHERE name = 'generation'")

    def generation(self) -> int:
        return self.fetch("")[0]


class RedisStore:
    """Redis: the generation and each page under PAGE_CACHE_PREFIX; one round trip per lookup."""

    def __init__(self, url: str, prefix: str, timeout: float):
        import redis
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self.prefix = prefix
        self.generation_key = prefix + "generation"

    def fetch(self, key: str) -> tuple[int, bytes | None]:
        generation, raw = self.client.mget(self.generation_key, self.prefix + key)
        if generation is None:  # a new Redis, or the key evicted: start above any generation used before
            self._restart()
            generation, raw = self.client.mget(self.generation_key, self.prefix + key)
        return int(generation or 0), raw

    def _restart(self) -> None:
        self.client.set(self.generation_key, time.time_ns() // 1000, nx=True)

    def put(self, key: str, raw: bytes, ttl: int) -> None:
        self.client.set(self.prefix + key, raw, ex=ttl)

    def bump(self) -> None:
        if self.client.incr(self.generation_key) < 10 ** 15:  # the key was gone: INCR started again at 1
            self.client.set(self.generation_key, time.time_ns() // 1000)

    def generation(self) -> int:
        return int(self.client.get(self.generation_key) or 0)


def make_store(url: str, prefix: str = "kneadwell:page:", timeout: float = 0.5):
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url, prefix, timeout)
    if url.startswith("sqlite:///"):
        return SQLiteStore(url[len("sqlite:///"):])
    if url == "memory://":
        return MemoryStore()
    raise RuntimeError(f"PAGE_CACHE_URL must be redis://..., sqlite:///path or memory://, got {url!r}")


def enabled(config) -> bool:
    return str(config.get("PAGE_CACHE", "off")).strip().lower() not in {"off", "0", "false", "no", ""}


def store_url(config) -> str:
    if config.get("PAGE_CACHE_URL"):
        return config["PAGE_CACHE_URL"]
    if config.get("REDIS_URL"):
        return config["REDIS_URL"]
    return f"sqlite:///{Path(__file__).resolve().parent.parent / 'instance' / 'page_cache.db'}"


def deploy_version(app: Flask) -> str:
    """A hash of the templates and static files: a deploy that changes either never serves the old pages."""
    digest = hashlib.sha256()
    for folder in (app.template_folder, app.static_folder):
        root = Path(app.root_path, folder or "")
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def init_app(app: Flask) -> None:
    if not enabled(app.config) or app.debug:  # `flask run --debug`: edited templates show at once
        return
    if app.config.get("IS_PRODUCTION") and store_url(app.config).startswith("sqlite:///"):
        # Several instances are one shop: a cache file on one host's disk would keep serving pages another
        # instance has changed. Production caches pages only in shared storage (Redis).
        log.warning("PAGE_CACHE is on but neither PAGE_CACHE_URL nor REDIS_URL is set: pages are not cached")
        return
    store = make_store(store_url(app.config), app.config.get("PAGE_CACHE_PREFIX") or "kneadwell:page:",
                       float(app.config.get("REDIS_TIMEOUT", 0.5)))
    app.extensions["page_cache"] = store
    version = deploy_version(app)
    ttl = int(app.config.get("PAGE_CACHE_TTL", 600))
    remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    with app.app_context():
        _watch_writes(db.engine, store)
    _watch_commits()

    def anonymous() -> bool:
        return (not (session.keys() - ALLOWED_SESSION_KEYS) and remember_cookie not in request.cookies
                and "Authorization" not in request.headers)

    def lookup():
        if request.method not in ("GET", "HEAD") or request.endpoint is None:
            return None
        view = app.view_functions.get(request.endpoint)
        if view is None or not getattr(view, CACHEABLE_ATTR, False) or not anonymous():
            return None
        key = hashlib.sha256(f"{version}|{request.host}{request.full_path}".encode()).hexdigest()
        try:
            generation, raw = store.fetch(key)
        except Exception:  # noqa: BLE001  (storage down: render as if the cache were off)
            log.warning("page cache unavailable; rendering without it", exc_info=True)
            return None
        g._page_cache = (key, generation)
        g.csrf_token = CSRF_PLACEHOLDER  # flask_wtf.csrf.generate_csrf returns g.csrf_token when set
        if raw is not None:
            entry = Entry.unpack(raw)
            if entry.generation == generation:
                g._page_cache_entry = entry
                response = Response(entry.body, content_type=entry.content_type)
                response.headers[HEADER] = "hit"
                return response
        return None

    def finish(response: Response) -> Response:
        state = g.pop("_page_cache", None)
        if state is None:
            return response
        key, generation = state
        entry = g.pop("_page_cache_entry", None)
        if entry is None:
            entry = _store_if_cacheable(store, key, generation, response, ttl, anonymous())
        if entry is None:
            _put_token(response)
            return response
        if _PLACEHOLDER_BYTES in entry.body:
            token, secret = _token()
            response.set_data(entry.body.replace(_PLACEHOLDER_BYTES, token.encode()))
            response.set_etag(f"{entry.etag}-{hashlib.sha256(secret.encode()).hexdigest()[:12]}", weak=True)
            response.headers["Cache-Control"] = "private, no-cache"
        else:
            response.set_etag(entry.etag, weak=True)
            response.headers["Cache-Control"] = "no-cache"
        response.headers.setdefault(HEADER, "miss")
        return response.make_conditional(request)

    app.before_request_funcs.setdefault(None, []).insert(0, lookup)
    app.after_request(finish)


def _store_if_cacheable(store, key: str, generation: int, response: Response, ttl: int,
                        still_anonymous: bool) -> Entry | None:
    if (request.method != "GET" or response.status_code != 200 or response.mimetype != "text/html"
            or response.direct_passthrough or not response.is_sequence or not still_anonymous
            or "no-store" in (response.headers.get("Cache-Control") or "")
            or any(h.lower() == "set-cookie" for h in response.headers.keys())):
        return None
    body = response.get_data()
    entry = Entry(generation, f"{generation}-{hashlib.sha256(body).hexdigest()[:20]}", response.content_type, body)
    try:
        store.put(key, entry.pack(), ttl)
    except Exception:  # noqa: BLE001
        log.warning("page cache unavailable; page not stored", exc_info=True)
    return entry


def _token() -> tuple[str, str]:
    """This visitor's CSRF token (and the session's secret it signs), replacing the placeholder."""
    from flask_wtf.csrf import generate_csrf
    g.pop("csrf_token", None)
    token = generate_csrf()
    return token, str(session.get("csrf_token", ""))


def _put_token(response: Response) -> None:
    """A page not stored (an error page, a flashed message appeared) still gets the visitor's real token."""
    if response.is_sequence and not response.direct_passthrough and response.mimetype == "text/html":
        body = response.get_data()
        if _PLACEHOLDER_BYTES in body:
            response.set_data(body.replace(_PLACEHOLDER_BYTES, _token()[0].encode()))
    g.pop("csrf_token", None)


# ---------------------------------------------------------------- invalidation

def _watch_writes(engine, store) -> None:
    """Flag the pooled connection when a statement writes a table some page shows."""
    @event.listens_for(engine, "after_cursor_execute")
    def _after_execute(conn, _cursor, statement, _parameters, _context, _executemany):
        head = statement.lstrip()[:9].upper()
        if head.startswith(_READ_PREFIXES):
            return
        match = _WRITE.match(statement)
        if match is not None and match.group(1).lower() in IGNORED_TABLES:
            return
        conn.info["page_cache_dirty"] = store  # a write (or DDL, or a CTE) that may change a page


_commits_watched = False


def _watch_commits() -> None:
    """After a session's real commit, bump the generation of each store whose pages its connections changed;
    after a real rollback, forget the flags."""
    global _commits_watched
    if _commits_watched:
        return
    _commits_watched = True

    @event.listens_for(Session, "after_begin")
    def _after_begin(session, _transaction, connection):
        session.info.setdefault("page_cache_connections", []).append(connection.info)

    @event.listens_for(Session, "after_commit")
    def _after_commit(session):
        for info in session.info.pop("page_cache_connections", ()):
            store = info.pop("page_cache_dirty", None)
            if store is not None:
                try:
                    store.bump()
                except Exception:  # noqa: BLE001
                    log.error("page cache: could not bump the generation; cached pages may be stale for up to "
                              "PAGE_CACHE_TTL seconds", exc_info=True)

    @event.listens_for(Session, "after_rollback")
    def _after_rollback(session):
        for info in session.info.pop("page_cache_connections", ()):
            info.pop("page_cache_dirty", None)


def bump(app: Flask) -> None:
    """Bump the generation by hand (``flask page-cache-clear``, a deploy that changes templates)."""
    store = app.extensions.get("page_cache")
    if store is not None:
        store.bump()
