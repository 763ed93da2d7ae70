"""Flask-Login's user loader. The id Flask-Login stores (in the session and the remember-me cookie) is
"<user id>:<session stamp>:<session token>" (User.get_id):

* the stamp is a keyed fingerprint of the password hash: a password change or reset signs every old cookie out;
* the token names a live ``UserSession`` row (store/accounts/sessions.py): signing out revokes the row, so a
  copied session or remember-me cookie stops working the moment its session is signed out.

A session unused for SESSION_MAX_IDLE_DAYS is dead; an admin's session idle for longer than ADMIN_IDLE_MINUTES
is revoked here (the admin is asked to sign in again). Activity is recorded after the request, at most once a
minute per session.
"""
from __future__ import annotations

import hmac
from datetime import timedelta

from flask import current_app, flash, g, has_request_context

from store.accounts import bp, sessions
from store.accounts.models import User
from store.extensions import db, login_manager
from store.util import int_in_range, utcnow

ADMIN_IDLE_MESSAGE = ("You were signed out of the back office after {minutes} minutes without activity. "
                      "Please sign in again.")


def parse_id(user_id: str) -> tuple[int, str, str] | None:
    raw_id, _, rest = (user_id or "").partition(":")
    stamp, _, token = rest.partition(":")
    if not (raw_id.isascii() and raw_id.isdigit() and stamp.isascii() and stamp and token.isascii() and token):
        return None
    uid = int_in_range(raw_id)
    return None if uid is None else (uid, stamp, token)


def max_idle() -> timedelta:
    return timedelta(days=current_app.config.get("SESSION_MAX_IDLE_DAYS", 30))


def admin_idle() -> timedelta:
    return timedelta(minutes=current_app.config.get("ADMIN_IDLE_MINUTES", 30))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    parsed = parse_id(user_id)
    if parsed is None:
        return None
    uid, stamp, token = parsed
    found = sessions.live_session(uid, token, max_idle=max_idle())  # one query: the session and its user
    if found is None:
        return None
    record, user = found
    if not hmac.compare_digest(stamp, user.session_stamp):
        return None
    now = utcnow()
    if user.is_admin and sessions.idle_for(record, now) > admin_idle():
        sessions.revoke(record.id, reason="idle")
        if has_request_context():
            flash(ADMIN_IDLE_MESSAGE.format(minutes=current_app.config.get("ADMIN_IDLE_MINUTES", 30)), "info")
        return None
    user.attach_session(token)
    g.user_session = record
    g.user_session_touch = record.id if sessions.due_for_touch(record, now) else None
    return user


def current_session():
    """The live UserSession of this request's signed-in user (None when signed out)."""
    from flask_login import current_user
    if not current_user.is_authenticated:
        return None
    return g.get("user_session")


@bp.after_app_request
def _record_activity(response):
    """Move last_seen_at after the request's own work is done (and only when due: at most once a minute)."""
    session_id = g.pop("user_session_touch", None)
    g.pop("user_session", None)
    if session_id is not None and not (db.session.new or db.session.dirty or db.session.deleted):
        # (never commit what a view left unsaved: then the touch waits for the next request)
        try:
            sessions.touch(session_id)
        except Exception:  # activity is best effort: never fail the response over it
            current_app.logger.exception("Could not record session activity")
    return response
