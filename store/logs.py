"""Request ids and log lines.

Every request gets an id: the incoming ``X-Request-ID`` when it is sane (1-128 characters of letters, digits
and ``._:-``; a load balancer's id then follows the request through every instance), a fresh random one
otherwise. It is echoed as the ``X-Request-ID`` response header, shown on error pages and put on every log
line by ``RequestIdFilter`` (``-`` outside a request). ``LOG_FORMAT=json`` writes one JSON object per line.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


def current_request_id() -> str:
    if not has_request_context():
        return "-"
    rid = g.get("request_id")
    if rid is None:  # before our before_request ran (or a very early error): settle it now
        rid = g.request_id = _from_header(request.headers.get(HEADER))
    return rid


def _from_header(value: str | None) -> str:
    if value and _SANE.match(value):
        return value
    return secrets.token_hex(16)


class RequestIdFilter(logging.Filter):
    """Puts ``record.request_id`` on every record that passes the handler it is attached to."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or current_request_id(),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def make_handler(log_format: str = "text") -> logging.Handler:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    handler._kneadwell = True  # so configure() does not stack a second one
    return handler


def configure(app: Flask) -> None:
    """Root logging for a real server (not debug, not tests): one handler, request id on every line."""
    if app.debug or app.testing:
        return
    root = logging.getLogger()
    if not any(getattr(h, "_kneadwell", False) for h in root.handlers):
        for handler in list(root.handlers):
            handler.addFilter(RequestIdFilter())
        root.addHandler(make_handler(app.config.get("LOG_FORMAT", "text")))
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


def register(app: Flask) -> None:
    @app.before_request
    def _request_id():
        g.request_id = _from_header(request.headers.get(HEADER))

    @app.after_request
    def _echo(response):
        response.headers[HEADER] = current_request_id()
        return response

    app.add_template_global(current_request_id, "request_id")
