"""Server-side sessions: every sign-in is a ``UserSession`` row; the signed cookies carry its random token.

``start`` creates one (returns the raw token, never stored), ``live_session`` finds a live one by token,
``touch`` moves ``last_seen_at`` (at most once a minute), ``revoke`` / ``revoke_all`` end them. A session is
dead when revoked, when unused for ``max_idle`` (SESSION_MAX_IDLE_DAYS) or, for an admin, when idle longer than
ADMIN_IDLE_MINUTES (the loader revokes it then, reason "idle"). Services take explicit arguments.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from store.accounts.auth_models import UserSession
from store.accounts.models import User
from store.db import transaction
from store.extensions import db
from store.util import utcnow

TOUCH_EVERY = timedelta(minutes=1)


class SessionNotFound(Exception):
    """No live session of this user with that id."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_summary(user_agent: str | None) -> str:
    """"Firefox on Windows", "Chrome on Android", ... from a User-Agent header; "Unknown device" otherwise."""
    ua = (user_agent or "")[:500]
    browser = next((name for key, name in _BROWSERS if key in ua), "")
    system = next((name for key, name in _SYSTEMS if key in ua), "")
    if "HeadlessChrome" in ua:
        browser = "Headless Chrome"
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or system
    text = re.sub(r"[^\w ./()-]", "", ua).strip()
    return text[:60] or "Unknown device"


def start(user_id: int, *, user_agent: str | None, ip: str | None, remember: bool,
          two_factor: bool = False) -> tuple[UserSession, str]:
    """A new live session for this sign-in; returns it and its raw token (for the cookies only)."""
    token = new_token()
    now = utcnow()
    record = UserSession(user_id=user_id, token_hash=hash_token(token), created_at=now, last_seen_at=now,
                         device=device_summary(user_agent), ip=(ip or "")[:45], remember=bool(remember),
                         two_factor_at=now if two_factor else None, revoked_reason="")
    with transaction():
        db.session.add(record)
    return record, token


def live_session(user_id: int, token: str, *, max_idle: timedelta,
                 now: datetime | None = None) -> tuple[UserSession, User] | None:
    """The user's unrevoked session with this token and the user, in one query; None when there is none or it
    was unused for longer than max_idle."""
    if not token:
        return None
    row = db.session.execute(
        select(UserSession, User).join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == hash_token(token))).first()
    if row is None:
        return None
    record, user = row
    if record.user_id != user_id or record.revoked_at is not None:
        return None
    if (now or utcnow()) - record.last_seen_at > max_idle:
        return None
    return record, user


def idle_for(record: UserSession, now: datetime | None = None) -> timedelta:
    return (now or utcnow()) - record.last_seen_at


def due_for_touch(record: UserSession, now: datetime | None = None) -> bool:
    return idle_for(record, now) >= TOUCH_EVERY


def touch(session_id: int, now: datetime | None = None) -> None:
    """Record activity: one conditional UPDATE, a no-op when seen within the last minute or revoked."""
    now = now or utcnow()
    with transaction():
        db.session.execute(
            update(UserSession)
            .where(UserSession.id == session_id, UserSession.revoked_at.is_(None),
                   UserSession.last_seen_at <= now - TOUCH_EVERY)
            .values(last_seen_at=now).execution_options(synchronize_session=False))


def _revoke_where(*criteria, reason: str) -> int:
    result = db.session.execute(
        update(UserSession).where(UserSession.revoked_at.is_(None), *criteria)
        .values(revoked_at=utcnow(), revoked_reason=reason).execution_options(synchronize_session=False))
    return result.rowcount


def revoke(session_id: int, reason: str = "signed out") -> None:
    with transaction():
        _revoke_where(UserSession.id == session_id, reason=reason)


def revoke_for_user(user_id: int, session_id: int) -> None:
    """Sign out one of the user's own sessions (SessionNotFound for anybody else's or an ended one)."""
    with transaction():
        if not _revoke_where(UserSession.id == session_id, UserSession.user_id == user_id, reason="signed out"):
            raise SessionNotFound("That session has already ended.")


def revoke_all(user_id: int, *, keep_id: int | None = None, reason: str = "signed out", commit: bool = True) -> int:
    """End every live session of the user except keep_id; with commit=False inside the caller's transaction."""
    criteria = [UserSession.user_id == user_id]
    if keep_id is not None:
        criteria.append(UserSession.id != keep_id)
    with transaction(commit=commit):
        return _revoke_where(*criteria, reason=reason)


def mark_two_factor(session_id: int) -> None:
    with transaction():
        db.session.execute(update(UserSession).where(UserSession.id == session_id)
                           .values(two_factor_at=utcnow()).execution_options(synchronize_session=False))


def active_sessions(user_id: int, *, max_idle: timedelta) -> list[UserSession]:
    """The user's live sessions, most recently used first."""
    since = utcnow() - max_idle
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None),
                                  UserSession.last_seen_at >= since)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))
