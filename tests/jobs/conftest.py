"""Mail servers that misbehave on purpose (refuse, hold the DATA phase, never answer), and a shop."""
from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest

from tests.checkout.conftest import shop, stripe_http, webhook_secret  # noqa: F401  (shared fixtures)
from tests.admin.conftest import admin_client, admin_user, customer_client  # noqa: F401  (shared fixtures)
from tests.conftest import CaughtMail


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ControlledMail(CaughtMail):
    """Answers 451 to the first ``refuse_first`` DATA commands; with ``hold_first``, keeps the first DATA
    waiting (no answer) until ``release`` is set. Every DATA attempt is kept in ``attempts``."""

    def __init__(self, refuse_first: int = 0, hold_first: bool = False, refuse_code: str = "451 4.3.0 Try again later"):
        super().__init__()
        self.refuse_first, self.hold_first, self.refuse_code = refuse_first, hold_first, refuse_code
        self.attempts: list = []
        self.held = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default
        with self._lock:
            self.attempts.append(message_from_bytes(envelope.content, policy=default))
            number = len(self.attempts)
        if self.hold_first and number == 1:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Held too long"
        if number <= self.refuse_first:
            return self.refuse_code
        return await super().handle_DATA(server, session, envelope)


class MailServer:
    def __init__(self, handler: ControlledMail, port: int):
        self.handler, self.port = handler, port
        self.connections = 0
        self._controller = None

    def start(self) -> "MailServer":
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import SMTP

        server = self

        class CountingSMTP(SMTP):
            def connection_made(self, transport):
                server.connections += 1
                super().connection_made(transport)

        class CountingController(Controller):
            def factory(self):
                return CountingSMTP(self.handler, **self.SMTP_kwargs)

        self._controller = CountingController(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        self.connections = 0  # start() itself connects once, to check the server is up
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self.handler.release.set()
            self._controller.stop()
            self._controller = None


@pytest.fixture
def mail_server(app):
    """mail_server(refuse_first=0, hold_first=False, start=True) -> MailServer; the app points at it."""
    servers: list[MailServer] = []
    old = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}

    def _make(refuse_first: int = 0, hold_first: bool = False, start: bool = True, **kwargs) -> MailServer:
        server = MailServer(ControlledMail(refuse_first, hold_first, **kwargs), free_port())
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False)
        servers.append(server)
        return server.start() if start else server

    yield _make
    for server in servers:
        server.stop()
    app.config.update(old)


class SilentServer:
    """Accepts TCP connections and never says a word (the SMTP server that stalled the demo payment)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            self._open.append(conn)

    def close(self):
        self._stop.set()
        self._thread.join(2)
        for conn in self._open:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_smtp(app):
    server = SilentServer()
    old = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=2)
    yield server
    app.config.update(old)
    server.close()


def wait_until(predicate, timeout: float = 20, interval: float = 0.05, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
