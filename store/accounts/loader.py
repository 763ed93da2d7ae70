"""Flask-Login's user loader."""
from __future__ import annotations

from store.accounts.models import User
from store.extensions import db, login_manager


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
