"""Friendly error pages; JSON for clients that ask for it. A 500 also rolls back the session.

A 5xx page is rendered in the *safe error path*: ``safe_error_page`` tells ``base.html`` not to show the
mini cart or the user menu, so the page touches neither the database, the cart nor the signed-in user (the
database may be what failed). A database that cannot be reached is a 503 with ``Retry-After``. Error pages
show the request id, and never claim anything about a payment they cannot know.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from store.extensions import db
from store.logs import current_request_id

log = logging.getLogger(__name__)

_MESSAGES = {
    400: ("Bad request", "We could not understand that request."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Page not found", "We could not find that page. It may have moved, or the link may be mistyped."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too large", "That upload is larger than we accept."),
    429: ("Slow down", "Too many attempts in a short time. Please wait a minute and try again."),
    503: ("We will be right back", "The shop cannot reach its database just now. Please try again in a minute."),
}

SERVER_ERROR_MESSAGE = ("Sorry, something broke on our side. Please try again. If you were paying for an "
                        "order, check your email or your order history before paying again.")


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = _MESSAGES.get(status, ("Something went wrong", "Please try again."))
    title, message = title or default_title, message or default_message
    if _wants_json():
        return jsonify(error=title, message=message, request_id=current_request_id()), status
    try:
        return render_template("errors/error.html", status=status, title=title, message=message,
                               request_id=current_request_id(), safe_error_page=status >= 500), status
    except sa_exc.SQLAlchemyError as exc:
        # A 4xx page shows the mini cart and user menu; if that finds the database gone, say so instead.
        if status >= 500 or not database_unavailable(exc):
            raise
        return unavailable_response(exc)


def unavailable_response(error: BaseException):
    """The 503 for an unreachable database: rendered in the safe error path, with Retry-After."""
    _rollback_quietly()
    log.error("database unavailable: %s: %s", type(error).__name__, error)
    response = make_response(render_error(503))
    response.headers["Retry-After"] = str(current_app.config.get("DB_UNAVAILABLE_RETRY_AFTER", 30))
    response.headers["Cache-Control"] = "no-store"
    return response


def database_unavailable(error: BaseException) -> bool:
    """Whether a database error means "cannot reach the database" (connection refused, dropped, pool
    exhausted) rather than a bug in a query."""
    if isinstance(error, sa_exc.TimeoutError):
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        text = str(error.orig or error).lower()
        # SQLite reports mistakes in queries as OperationalError too ("no such table", syntax errors).
        return not any(word in text for word in ("no such ", "syntax error", "has no column"))
    return False


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be the thing that is gone
        log.debug("rollback after an error failed", exc_info=True)


def register(app: Flask) -> None:
    @app.before_request
    def refuse_nul_bytes():
        """A NUL byte in the path, query string or form is never meaningful, and PostgreSQL refuses it in
        text (a DataError, i.e. a 500 deep inside some view): answer 400 up front for every page."""
        if "\x00" in request.path or _has_nul(request.args):
            return render_error(400)
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data") and _has_nul(request.form):
            return render_error(400)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "Form expired", "Your form session expired or was missing its security token. "
                                                 "Please go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        message = error.description if error.code not in _MESSAGES or _custom(error) else None
        response = make_response(render_error(error.code, None, message))
        # Keep the headers the error carries (Allow on a 405, Retry-After on a 429, WWW-Authenticate on a 401).
        for key, value in error.get_headers():
            if key.lower() != "content-type":
                response.headers[key] = value
        if error.code == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(_retry_after_seconds(error))
        return response

    @app.errorhandler(sa_exc.SQLAlchemyError)
    def database_error(error):
        if not database_unavailable(error):
            _rollback_quietly()
            raise error  # a bug, not an outage: the 500 handler below (Flask logs it with the traceback)
        return unavailable_response(error)

    @app.errorhandler(500)
    def server_error(error):
        original = getattr(error, "original_exception", None)
        if original is not None and database_unavailable(original):
            return database_error(original)
        _rollback_quietly()
        return render_error(500, "Something went wrong", SERVER_ERROR_MESSAGE)


def _retry_after_seconds(error: HTTPException) -> int:
    """Seconds until the rate limit that refused this request lets it through again (at least 1)."""
    import time

    from store.extensions import limiter
    try:
        current = limiter.current_limit
        if current is not None and current.reset_at:
            return max(1, int(current.reset_at - time.time()) + 1)
        return max(1, int(error.limit.limit.get_expiry()))  # flask_limiter's RateLimitExceeded
    except Exception:  # noqa: BLE001  (any other 429, or no limiter state: a minute is a safe answer)
        return 60


def _has_nul(multidict) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in multidict.items(multi=True))


def _custom(error: HTTPException) -> bool:
    """True when the view passed its own description to abort()."""
    return type(error).description != error.description
