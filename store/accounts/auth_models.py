"""Sign-in records: server-side sessions (one row per sign-in, revocable) and two-factor credentials (a TOTP
secret and hashed one-time recovery codes).

The signed session cookie and the remember-me cookie carry a random session token; the table stores only its
SHA-256 (``token_hash``), so a database leak does not hand out live sessions. TOTP secrets are stored as plain
base32 (not encrypted): whoever can read this table can read the users table too.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.extensions import db
from store.util import utcnow


class UserSession(db.Model):
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    device: Mapped[str] = mapped_column(String(120), default="")  # a summary of the user agent
    ip: Mapped[str] = mapped_column(String(45), default="")
    remember: Mapped[bool] = mapped_column(default=False)
    two_factor_at: Mapped[datetime | None] = mapped_column(default=None)  # signed in with a second factor
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_reason: Mapped[str] = mapped_column(String(20), default="")

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class TwoFactor(db.Model):
    """A user's TOTP credential. ``confirmed_at`` is NULL while enrolment waits for its first code: until then
    sign-in does not ask for one. ``last_step`` is the latest accepted time step (a code is used once)."""
    __tablename__ = "two_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_step: Mapped[int] = mapped_column(default=0)


class RecoveryCode(db.Model):
    """One one-time recovery code: salted SHA-256 of the code (codes are random, 50 bits each)."""
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(default=None)
