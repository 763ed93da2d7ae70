"""Fixtures: app -> db -> client -> helpers. One app per test session, on a real database:

* SQLite (default): a temporary database file, schema built by the Alembic migrations.
* PostgreSQL (STORE_TEST_DB=postgres): a throwaway database created on TEST_POSTGRES_URL's server and
  dropped at the end, schema built by the same migrations.

Every test starts with empty tables (rows are deleted after each test).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
import secrets
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from config import TestingConfig
from store import create_app
from store.extensions import db as _db

ROOT = Path(__file__).resolve().parent.parent
DB_KIND = os.environ.get("STORE_TEST_DB", "sqlite")


def pytest_report_header(config):
    return f"database: {DB_KIND}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if DB_KIND == "postgres":
        server = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
        name = f"kneadwell_test_{secrets.token_hex(4)}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
        yield url
        with admin.connect() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
            ), {"name": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("db") / "store-test.db"
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def job_queue(tmp_path_factory):
    """(JOB_QUEUE_URL, JOB_QUEUE_NAME) for the session: a temporary SQLite file, or TEST_JOB_QUEUE_URL (e.g.
    redis://127.0.0.1:6379/0) under a name of its own."""
    url = os.environ.get("TEST_JOB_QUEUE_URL") or f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'jobs.db'}"
    return url, f"kneadwell-test-{secrets.token_hex(4)}"


@pytest.fixture(scope="session")
def app(database_url, job_queue):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, JOB_QUEUE_URL=job_queue[0],
                     JOB_QUEUE_NAME=job_queue[1])
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(request):
    """Empty every table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        _db.session.remove()
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        with _db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # DELETE with triggers (foreign keys, facet counts, search) off, then every sequence back to 1:
                # what TRUNCATE ... RESTART IDENTITY does, at a tenth of its cost on tables this small (TRUNCATE
                # of ~60 tables took ~0.6 s per test, most of the PostgreSQL pass's time).
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))
                sequences = conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = "
                                              "current_schema()")).scalars().all()
                if sequences:
                    conn.execute(text("SELECT " + ", ".join(f"setval('\"{s}\"', 1, false)" for s in sequences)))
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _flush_job_queue(request):
    """Empty the job queue after each test that used the app (jobs naming rows of a finished test must not
    run in the next one)."""
    yield
    if "app" in request.fixturenames:
        request.getfixturevalue("app").extensions["huey"].flush()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
        _db.session.remove()


@pytest.fixture
def db(app_ctx):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Use: `with count_queries() as counter: client.get(...)`; then counter.count."""

    @contextmanager
    def _count():
        counter = QueryCounter()
        with app.app_context():
            engine = _db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return _count


# ------------------------------------------------------------------ live server + browser

@pytest.fixture(scope="session")
def live_server(app):
    """The app served by a real WSGI server on a free loopback port, in a thread."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


@pytest.fixture(autouse=True)
def _origin_is_the_live_server(request):
    """The store builds every absolute link on STORE_URL ("http://localhost" in tests): a test that uses the
    live server gets it pointed at the server, so links in its emails open in the browser."""
    if "live_server" not in request.fixturenames:
        yield
        return
    app, server = request.getfixturevalue("app"), request.getfixturevalue("live_server")
    old = app.config["STORE_URL"]
    app.config["STORE_URL"] = server.url
    yield
    app.config["STORE_URL"] = old


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (scripts/ensure-services.sh does)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the tests inject axe-core; the store's own pages never need it.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory):
    """Screenshots go to a temporary folder (or SCREENSHOT_DIR to keep them)."""
    target = os.environ.get("SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        return Path(target)
    return tmp_path_factory.mktemp("screenshots")


AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_PATH.exists():
        pytest.fail("axe-core is missing: run `npm install` (make test does)")
    return AXE_PATH.read_text()


@pytest.fixture
def check_a11y(axe_source):
    """Run axe-core in the page; fail on serious or critical violations."""
    def _check(page, context_label: str = ""):
        page.add_script_tag(content=axe_source)
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""")
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not bad, f"accessibility violations on {context_label or page.url}: {bad}"
        return result
    return _check


# ------------------------------------------------------------------ mail: a real SMTP server on loopback

class CaughtMail:
    def __init__(self):
        self.messages: list = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    @staticmethod
    def text_of(message) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""


@contextmanager
def serve_smtp(app, handler):
    """Run an aiosmtpd server with ``handler`` on 127.0.0.1 and point the app at it while the block runs."""
    from aiosmtpd.controller import Controller

    import socket

    # aiosmtpd's start() connects to (hostname, port) to check the server is up, so port=0 cannot be used:
    # pick a free loopback port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    old = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    try:
        yield handler
    finally:
        app.config.update(old)
        controller.stop()


@pytest.fixture
def smtp_server(app):
    """An aiosmtpd server on 127.0.0.1; the app is pointed at it for the test."""
    with serve_smtp(app, CaughtMail()) as handler:
        yield handler


# ------------------------------------------------------------------ users

@pytest.fixture
def make_user(app):
    """make_user(email=..., password=..., role="customer") -> User (committed)."""
    from tests.factories import make_user as build_user

    def _make(email: str = "shopper@example.com", password: str = "correct horse battery", role: str = "customer",
              name: str = "Sam Shopper"):
        with app.app_context():
            user = build_user(email, password, role=role, name=name)
            _db.session.commit()
            _db.session.refresh(user)
            _db.session.expunge(user)
            return user
    return _make


def session_user_id(app, user_id: int, two_factor: bool = False) -> str:
    """The id Flask-Login stores for this user: "<id>:<session stamp>:<session token>" (the stamp follows the
    password; the token names a new server-side session row, as a sign-in through the form creates)."""
    from store.accounts import sessions
    from store.accounts.models import User

    with app.app_context():
        _record, token = sessions.start(user_id, user_agent="pytest", ip="127.0.0.1", remember=False,
                                        two_factor=two_factor)
        user = _db.session.get(User, user_id)
        user.attach_session(token)
        return user.get_id()


@pytest.fixture
def login_as(app):
    """login_as(client, user): sign a test client in through Flask-Login's session keys."""
    def _login(client, user):
        user_id = session_user_id(client.application, user.id)
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
    return _login


# ------------------------------------------------------------------ the job queue: a real Huey consumer

class RunningWorker:
    """A Huey consumer (worker threads + scheduler) running in this process, as `flask worker` runs it."""

    def __init__(self, app, consumer):
        self.app, self.consumer = app, consumer

    def queued_rows(self) -> int:
        from sqlalchemy import func, select

        from store.outbox import OutboxMessage
        with self.app.app_context():
            try:
                return _db.session.scalar(select(func.count(OutboxMessage.id))
                                          .where(OutboxMessage.status == "queued"))
            finally:
                _db.session.remove()

    def drain(self, timeout: float = 30) -> None:
        """Wait until every outbox row is sent or failed."""
        import time
        deadline = time.monotonic() + timeout
        while self.queued_rows():
            if time.monotonic() > deadline:
                raise AssertionError(f"outbox not drained within {timeout}s: {self.queued_rows()} row(s) queued")
            time.sleep(0.05)

    def stop(self) -> None:
        self.consumer.stop(graceful=True)


@pytest.fixture
def start_worker(app):
    """start_worker(periodic=False, workers=2) -> RunningWorker; stopped at the end of the test."""
    from store.jobs import get_huey, make_consumer

    started: list[RunningWorker] = []

    def _start(periodic: bool = False, workers: int = 2) -> RunningWorker:
        consumer = make_consumer(get_huey(app), workers=workers, tick_seconds=app.config["JOBS_TICK_SECONDS"],
                                 periodic=periodic, in_thread=True)
        consumer.shutdown_timeout = 15
        consumer.start()
        worker = RunningWorker(app, consumer)
        started.append(worker)
        return worker

    yield _start
    for worker in started:
        worker.stop()


@pytest.fixture
def outbox_worker(start_worker):
    """A running worker that delivers the outbox (no scheduled jobs); `outbox_worker.drain()` waits for it."""
    return start_worker(periodic=False)
