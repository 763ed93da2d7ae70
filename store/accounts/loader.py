"""Flask-Login's user loader. The id Flask-Login stores is "<user id>:<session stamp>" (User.get_id); a stamp
that no longer matches (the password was changed or reset since) loads nobody, so that session or remember-me
cookie is signed out."""
from __future__ import annotations

import hmac

from store.accounts.models import User
from store.extensions import db, login_manager
from store.util import int_in_range


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    raw_id, sep, stamp = (user_id or "").partition(":")
    uid = int_in_range(raw_id) if raw_id.isascii() and raw_id.isdigit() else None
    if not sep or not stamp or not stamp.isascii() or uid is None:
        return None
    user = db.session.get(User, uid)
    if user is None or not hmac.compare_digest(stamp, user.session_stamp):
        return None
    return user
